package ident

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CaseNumber is a valid case number (案号) in the form the Supreme People's
// Court prescribed from 2016: （year）court code, case-type code, sequence,
// 号 — e.g. （2021）豫16执123号.
type CaseNumber struct {
	Year      int    // 收案年度
	CourtCode string // 法院代字: "豫16", "豫1602", "豫" (high court), "最高法"
	Type      string // 案件类型代字: "执", "执恢", "民初", …
	Seq       int    // 案件编号, positive
}

// String returns the canonical form with full-width brackets and 号.
func (c CaseNumber) String() string {
	var b strings.Builder
	b.Grow(32)
	b.WriteString("（")
	b.WriteString(strconv.Itoa(c.Year))
	b.WriteString("）")
	b.WriteString(c.CourtCode)
	b.WriteString(c.Type)
	b.WriteString(strconv.Itoa(c.Seq))
	b.WriteString("号")
	return b.String()
}

// IsEnforcement reports whether the case is an execution case (执行类).
func (c CaseNumber) IsEnforcement() bool { return enforcementTypes[c.Type] }

// TypeName returns the name of the case type, e.g. 首次执行案件.
func (c CaseNumber) TypeName() string { return caseTypes[c.Type] }

// zhoukouCourts names the courts of Zhoukou by court code. Huaiyang became a
// district in 2019 (division code 411626 → 411603); which code its case
// numbers use was not confirmed, so both are accepted.
var zhoukouCourts = map[string]string{
	"豫16":   "河南省周口市中级人民法院",
	"豫1602": "周口市川汇区人民法院",
	"豫1603": "周口市淮阳区人民法院",
	"豫1626": "周口市淮阳区人民法院",
	"豫1621": "扶沟县人民法院",
	"豫1622": "西华县人民法院",
	"豫1623": "商水县人民法院",
	"豫1624": "沈丘县人民法院",
	"豫1625": "郸城县人民法院",
	"豫1627": "太康县人民法院",
	"豫1628": "鹿邑县人民法院",
	"豫1681": "项城市人民法院",
}

// CourtName returns the court's name when the code is known: the Supreme
// People's Court, the provincial high courts and the courts of Zhoukou.
func (c CaseNumber) CourtName() (string, bool) {
	if c.CourtCode == "最高法" {
		return "最高人民法院", true
	}
	if n, ok := zhoukouCourts[c.CourtCode]; ok {
		return n, true
	}
	r, size := utf8.DecodeRuneInString(c.CourtCode)
	if size == len(c.CourtCode) {
		if r == '兵' {
			return "新疆维吾尔自治区高级人民法院生产建设兵团分院", true
		}
		if p, ok := plateProvinces[r]; ok {
			return p + "高级人民法院", true
		}
	}
	return "", false
}

// caseOpen and caseClose map the brackets people type around the year.
func caseBracket(r rune) rune {
	switch r {
	case '(', '（', '〔', '[', '【', '［':
		return '('
	case ')', '）', '〕', ']', '】', '］':
		return ')'
	}
	return r
}

// normalizeCase folds full-width digits and letters, unifies brackets and
// drops spaces and other separators.
func normalizeCase(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = caseBracket(foldRune(r))
		if isSeparator(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ParseCaseNumber parses a case number, accepting ASCII or full-width
// brackets (also 〔〕, [] and 【】), spaces anywhere, full-width digits,
// leading zeros in the sequence and a missing trailing 号.
func ParseCaseNumber(s string) (CaseNumber, error) {
	return ParseCaseNumberAt(s, time.Now())
}

// ParseCaseNumberAt is ParseCaseNumber with an explicit today: the year
// must lie in 1990 … today's year + 1.
func ParseCaseNumberAt(s string, today time.Time) (CaseNumber, error) {
	const k = KindCaseNumber
	c := normalizeCase(s)
	if c == "" {
		return CaseNumber{}, errEmpty(k)
	}
	if strings.Contains(c, "字第") {
		return CaseNumber{}, newError(k, sufLegacyFormat, "含“字第”的是 2016 年以前的旧式案号，本系统只接受现行格式，如（2021）豫16执123号")
	}
	example := "，如（2021）豫16执123号"
	if c[0] != '(' {
		return CaseNumber{}, newError(k, sufFormat, "案号应以括号括起的年份开头%s", example)
	}
	i := 1
	for i < len(c) && isDigit(c[i]) {
		i++
	}
	if i-1 != 4 || i >= len(c) || c[i] != ')' {
		return CaseNumber{}, newError(k, sufFormat, "括号内应为 4 位数字的年份%s", example)
	}
	var cn CaseNumber
	cn.Year = atoi(c[1:5])
	if maxYear := today.Year() + 1; cn.Year < 1990 || cn.Year > maxYear {
		return CaseNumber{}, newError(k, sufYear, "年份 %d 超出范围（1990–%d）", cn.Year, maxYear)
	}
	rest := c[6:]

	// Court code: 最高法, or a province abbreviation and 0 (high court) or
	// 2–4 digits.
	if strings.HasPrefix(rest, "最高法") {
		cn.CourtCode, rest = "最高法", rest[len("最高法"):]
	} else {
		r, size := utf8.DecodeRuneInString(rest)
		if _, ok := plateProvinces[r]; !ok && r != '兵' {
			if rest == "" {
				return CaseNumber{}, newError(k, sufCourt, "年份之后缺少法院代字%s", example)
			}
			return CaseNumber{}, newError(k, sufCourt, "法院代字应以省、自治区、直辖市简称开头或为“最高法”，实际为“%s”", string(r))
		}
		j := size
		for j < len(rest) && isDigit(rest[j]) {
			j++
		}
		if d := j - size; d == 1 || d > 4 {
			return CaseNumber{}, newError(k, sufCourt, "法院代字“%s”的数字部分应为 2 至 4 位（中级法院 2 位，基层法院 4 位）", rest[:j])
		}
		cn.CourtCode, rest = rest[:j], rest[j:]
	}

	// Case-type code: everything up to the sequence digits.
	j := 0
	for j < len(rest) && !isDigit(rest[j]) {
		j++
	}
	typ := rest[:j]
	if typ == "" {
		return CaseNumber{}, newError(k, sufType, "法院代字“%s”之后缺少案件类型代字（如 执、执恢、民初）", cn.CourtCode)
	}
	if _, ok := caseTypes[typ]; !ok {
		if j == len(rest) {
			return CaseNumber{}, newError(k, sufSeq, "缺少案件序号%s", example)
		}
		return CaseNumber{}, newError(k, sufType, "案件类型代字“%s”不在支持的列表中（如 执、执恢、执保、执异、执复、执监、执协、执他、民初、民终、刑初）", typ)
	}
	cn.Type, rest = typ, rest[j:]

	// Sequence: digits, leading zeros dropped, then 号 (optional).
	j = 0
	for j < len(rest) && isDigit(rest[j]) {
		j++
	}
	digits := strings.TrimLeft(rest[:j], "0")
	if j == 0 {
		return CaseNumber{}, newError(k, sufSeq, "缺少案件序号%s", example)
	}
	if digits == "" {
		return CaseNumber{}, newError(k, sufSeq, "案件序号不能为 0")
	}
	if len(digits) > 7 {
		return CaseNumber{}, newError(k, sufSeq, "案件序号“%s”过长", digits)
	}
	cn.Seq = atoi(digits)
	rest = strings.TrimPrefix(rest[j:], "号")
	if rest != "" {
		return CaseNumber{}, newError(k, sufFormat, "案号在序号和“号”之后不应再有“%s”", rest)
	}
	return cn, nil
}

// Facts lists what the case number tells.
func (c CaseNumber) Facts() []Fact {
	facts := []Fact{
		{"year", "收案年度", strconv.Itoa(c.Year)},
		{"court_code", "法院代字", c.CourtCode},
	}
	if n, ok := c.CourtName(); ok {
		facts = append(facts, Fact{"court_name", "法院", n})
	}
	enf := "否"
	if c.IsEnforcement() {
		enf = "是"
	}
	facts = append(facts,
		Fact{"case_type", "案件类型代字", c.Type},
		Fact{"case_type_name", "案件类型", c.TypeName()},
		Fact{"enforcement", "执行案件", enf},
		Fact{"seq", "案件编号", strconv.Itoa(c.Seq)},
	)
	return facts
}
