package ident

// ForeignPR is a valid number of the older foreign permanent residence card
// (外国人永久居留证, 2004 and 2017 editions): three Latin letters for the
// nationality, then 12 digits.
//
// Only the form is validated. Public descriptions disagree on what the 12
// digits hold (one reads them as region, YYMMDD birth date, sequence and an
// ICAO 9303 7-3-1 check digit) and no official text confirming the check
// algorithm was found, so rejecting numbers on it could turn away real
// holders. The 2023 card (18 digits, first digit 9) is a resident-ID kind.
type ForeignPR struct {
	Number      string // upper case, 15 characters
	Nationality string // three letters, ISO 3166-1 alpha-3, e.g. "USA"
}

// ParseForeignPR validates an old-format foreign permanent residence card
// number.
func ParseForeignPR(s string) (ForeignPR, error) {
	const k = KindForeignPR
	c := compact(s)
	if c == "" {
		return ForeignPR{}, errEmpty(k)
	}
	n := runeCount(c)
	if n != 15 {
		e := errLength(k, "15 位（3 位国籍字母加 12 位数字）", n)
		if n == 18 {
			e.Message += "；18 位的 2023 版外国人永久居留身份证请按居民身份证号码校验"
		}
		return ForeignPR{}, e
	}
	pos := 0
	for _, r := range c {
		pos++
		if pos <= 3 {
			if !('A' <= r && r <= 'Z') {
				return ForeignPR{}, errChar(k, s, pos, "不是字母（前 3 位为国籍代码）")
			}
			continue
		}
		if !('0' <= r && r <= '9') {
			return ForeignPR{}, errChar(k, s, pos, "不是数字")
		}
	}
	return ForeignPR{Number: c, Nationality: c[:3]}, nil
}

// Facts lists what the number tells.
func (p ForeignPR) Facts() []Fact {
	return []Fact{
		{"category", "证件类别", "外国人永久居留证（15 位旧版）"},
		{"nationality", "国籍代码（ISO 3166-1 三字母代码）", p.Nationality},
	}
}
