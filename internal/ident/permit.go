package ident

import "strconv"

// HKMOPermit is a valid 港澳居民来往内地通行证 ("回乡证") number: H (Hong Kong)
// or M (Macau) and the holder's 8-digit life-long number, optionally
// followed by a 2-digit issue count as older permits and many systems
// print it. There is no check digit.
type HKMOPermit struct {
	Number     string // as typed, normalized: 9 or 11 characters
	Resident   string // "HK" or "MO"
	Lifetime   string // letter and 8 digits, the part that never changes
	IssueCount int    // 0 when the number has no issue count
}

// ParseHKMOPermit validates a Mainland Travel Permit for Hong Kong and
// Macau Residents number.
func ParseHKMOPermit(s string) (HKMOPermit, error) {
	const k = KindHKMOPermit
	c := compact(s)
	if c == "" {
		return HKMOPermit{}, errEmpty(k)
	}
	n := runeCount(c)
	if n != 9 && n != 11 {
		return HKMOPermit{}, errLength(k, "9 位（H 或 M 加 8 位数字），或 11 位（另加 2 位换证次数）", n)
	}
	pos := 0
	for _, r := range c {
		pos++
		if pos == 1 {
			if r == 'H' || r == 'M' {
				continue
			}
			hint := ""
			if r == 'C' || r == 'W' {
				hint = "（C、W 开头的是内地居民往来港澳通行证，不是回乡证）"
			}
			return HKMOPermit{}, newError(k, sufPrefix, "首字母应为 H（香港居民）或 M（澳门居民），实际为“%s”%s", string(sourceRune(s, 0)), hint)
		}
		if !('0' <= r && r <= '9') {
			return HKMOPermit{}, errChar(k, s, pos, "不是数字")
		}
	}
	p := HKMOPermit{Number: c, Resident: "HK", Lifetime: c[:9]}
	if c[0] == 'M' {
		p.Resident = "MO"
	}
	if n == 11 {
		p.IssueCount = atoi(c[9:])
	}
	return p, nil
}

// Facts lists what the number tells.
func (p HKMOPermit) Facts() []Fact {
	who := "香港居民"
	if p.Resident == "MO" {
		who = "澳门居民"
	}
	facts := []Fact{
		{"resident", "持证人", who},
		{"lifetime_number", "终身号码", p.Lifetime},
	}
	if len(p.Number) == 11 {
		facts = append(facts, Fact{"issue_count", "换证次数", strconv.Itoa(p.IssueCount)})
	}
	return facts
}

// TWPermit is a valid 台湾居民来往大陆通行证 ("台胞证") number. Since
// 2008-09-25 it is the holder's 8-digit life-long number. Older permits
// (from 1992) added a 2-digit issue count and, in brackets, the code of
// the issuing office: 0561682001(D). There is no check digit.
type TWPermit struct {
	Number     string // normalized: 8 digits, 10 digits, or 10 digits and "(X)"
	Lifetime   string // the 8-digit life-long number
	IssueCount int    // 0 when absent
	Office     string // issuing office code from the brackets, "" when absent
}

// ParseTWPermit validates a Mainland Travel Permit for Taiwan Residents
// number. Full-width brackets are folded to ASCII.
func ParseTWPermit(s string) (TWPermit, error) {
	const k = KindTWPermit
	c := compact(s)
	if c == "" {
		return TWPermit{}, errEmpty(k)
	}
	n := runeCount(c)
	if n != 8 && n != 10 && n != 13 {
		return TWPermit{}, errLength(k, "8 位数字（旧式为 10 位，可带括号内的签发机关代码）", n)
	}
	pos := 0
	for _, r := range c {
		pos++
		if pos > 10 {
			break
		}
		if !('0' <= r && r <= '9') {
			return TWPermit{}, errChar(k, s, pos, "不是数字")
		}
	}
	p := TWPermit{Number: c, Lifetime: c[:8]}
	if n >= 10 {
		p.IssueCount = atoi(c[8:10])
	}
	if n == 13 {
		if !isASCII(c) || c[10] != '(' || c[12] != ')' || !(isDigit(c[11]) || isUpper(c[11])) {
			return TWPermit{}, newError(k, sufFormat, "第 11–13 位应为括号内的签发机关代码，如 (B)，实际为“%s”", string([]rune(c)[10:]))
		}
		p.Office = c[11:12]
	}
	return p, nil
}

// Facts lists what the number tells.
func (p TWPermit) Facts() []Fact {
	facts := []Fact{{"lifetime_number", "台胞终身号", p.Lifetime}}
	if len(p.Number) >= 10 {
		facts = append(facts, Fact{"issue_count", "签发次数", strconv.Itoa(p.IssueCount)})
	}
	if p.Office != "" {
		facts = append(facts, Fact{"issuing_office", "签发机关代码", p.Office})
	}
	return facts
}
