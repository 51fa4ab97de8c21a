package ident

// CreditCode is a valid unified social credit code (统一社会信用代码,
// GB 32100-2015): registration authority (1), organization type (1),
// region of the registering authority (6), organization code (9, itself
// checked per GB 11714) and a check character.
type CreditCode struct {
	Code      string // 18 characters, upper case
	Authority byte   // position 1: the registration authority, e.g. '9' 工商
	OrgType   byte   // position 2: the organization type within it, e.g. '1' 企业
	Region    string // positions 3–8: GB/T 2260 code of the registering authority
	OrgCode   string // positions 9–17: the GB 11714 organization code
}

// creditAlphabet is the GB 32100 character set: digits and the capital
// letters without I, O, Z, S, V. A character's value is its index.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are 3^i mod 31.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// creditValue returns the value of c in creditAlphabet, or -1.
func creditValue(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'A' <= c && c <= 'H':
		return int(c-'A') + 10
	case 'J' <= c && c <= 'N':
		return int(c-'J') + 18
	case 'P' <= c && c <= 'R':
		return int(c-'P') + 23
	case c == 'T' || c == 'U':
		return int(c-'T') + 26
	case 'W' <= c && c <= 'Y':
		return int(c-'W') + 28
	}
	return -1
}

// creditCheck returns the check character for the first 17 characters.
func creditCheck(c string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += creditValue(c[i]) * creditWeights[i]
	}
	return creditAlphabet[(31-sum%31)%31]
}

// orgCodeWeights are the GB 11714 weights of the first 8 characters.
var orgCodeWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// orgCodeCheck returns the GB 11714 check character of an organization
// code's first 8 characters (digits 0–9, letters A–Z valued 10–35).
func orgCodeCheck(c string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		v := 0
		if isDigit(c[i]) {
			v = int(c[i] - '0')
		} else {
			v = int(c[i]-'A') + 10
		}
		sum += v * orgCodeWeights[i]
	}
	switch r := 11 - sum%11; r {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + r)
	}
}

// ParseCreditCode validates a unified social credit code: the character
// set, the region's province, the code's check character and the check
// digit of the embedded organization code.
func ParseCreditCode(s string) (CreditCode, error) {
	const k = KindCreditCode
	c := compact(s)
	if c == "" {
		return CreditCode{}, errEmpty(k)
	}
	if n := runeCount(c); n != 18 {
		return CreditCode{}, errLength(k, "18 位", n)
	}
	pos := 0
	for _, r := range c {
		pos++
		if r < 0x80 && creditValue(byte(r)) >= 0 {
			continue
		}
		switch r {
		case 'I', 'O', 'Z', 'S', 'V':
			return CreditCode{}, errChar(k, s, pos, "不在统一社会信用代码的字符集中（不使用字母 I、O、Z、S、V）")
		}
		return CreditCode{}, errChar(k, s, pos, "不是数字或大写字母")
	}
	region := c[2:8]
	for i := 0; i < len(region); i++ {
		if !isDigit(region[i]) {
			return CreditCode{}, newError(k, sufRegion, "第 3–8 位为登记管理机关行政区划码，应为 6 位数字，实际为“%s”", region)
		}
	}
	// 100000 stands for registrations by national authorities.
	if region != "100000" && !validProvince(region) {
		return CreditCode{}, newError(k, sufRegion, "第 3–8 位行政区划码“%s”的前两位“%s”不是有效的省级代码", region, region[:2])
	}
	if want := creditCheck(c); c[17] != want {
		return CreditCode{}, newError(k, sufCheckDigit, "校验位（第 18 位）应为 %c，实际为 %c", want, c[17])
	}
	org := c[8:17]
	if want := orgCodeCheck(org); org[8] != want {
		return CreditCode{}, newError(k, sufOrgCheck, "第 9–17 位组织机构代码“%s”的校验位（第 17 位）应为 %c，实际为 %c", org, want, org[8])
	}
	return CreditCode{Code: c, Authority: c[0], OrgType: c[1], Region: region, OrgCode: org}, nil
}

// creditAuthorities maps registration-authority codes to their name and
// organization types (GB 32100-2015 appendix and later assignments).
var creditAuthorities = map[byte]struct {
	name  string
	types map[byte]string
}{
	'1': {"机构编制", map[byte]string{'1': "机关", '2': "事业单位", '3': "中央编办直接管理机构编制的群众团体", '9': "其他"}},
	'2': {"外交", map[byte]string{'1': "外国常驻新闻机构", '9': "其他"}},
	'3': {"司法行政", map[byte]string{'1': "律师执业机构", '2': "公证处", '3': "基层法律服务所", '4': "司法鉴定机构", '5': "仲裁委员会", '9': "其他"}},
	'4': {"文化", map[byte]string{'1': "外国在华文化中心", '9': "其他"}},
	'5': {"民政", map[byte]string{'1': "社会团体", '2': "民办非企业单位", '3': "基金会", '9': "其他"}},
	'6': {"旅游", map[byte]string{'1': "外国旅游部门常驻代表机构", '2': "港澳台地区旅游部门常驻内地（大陆）代表机构", '9': "其他"}},
	'7': {"宗教", map[byte]string{'1': "宗教活动场所", '2': "宗教院校", '9': "其他"}},
	'8': {"工会", map[byte]string{'1': "基层工会", '9': "其他"}},
	'9': {"工商（市场监督管理）", map[byte]string{'1': "企业", '2': "个体工商户", '3': "农民专业合作社"}},
	'A': {"中央军委改革和编制办公室", map[byte]string{'1': "军队事业单位", '9': "其他"}},
	'N': {"农业", map[byte]string{'1': "组级集体经济组织", '2': "村级集体经济组织", '3': "乡镇级集体经济组织", '9': "其他"}},
	'Y': {"其他", map[byte]string{}},
}

// AuthorityLabel names the registration authority, or says it is not in
// the table. Unknown codes are accepted: the table may lag new assignments.
func (c CreditCode) AuthorityLabel() string {
	if a, ok := creditAuthorities[c.Authority]; ok {
		return a.name
	}
	return "未收录的登记管理部门代码“" + string(c.Authority) + "”"
}

// OrgTypeLabel names the organization type within the authority.
func (c CreditCode) OrgTypeLabel() string {
	if a, ok := creditAuthorities[c.Authority]; ok {
		if t, ok := a.types[c.OrgType]; ok {
			return t
		}
	}
	return "未收录的机构类别代码“" + string(c.OrgType) + "”"
}

// Facts lists what the code tells.
func (c CreditCode) Facts() []Fact {
	facts := []Fact{
		{"authority", "登记管理部门", string(c.Authority) + " " + c.AuthorityLabel()},
		{"org_type", "机构类别", string(c.OrgType) + " " + c.OrgTypeLabel()},
		{"region", "登记管理机关行政区划码", c.Region},
	}
	if c.Region == "100000" {
		facts = append(facts, Fact{"region_name", "登记管理机关所在地区", "全国（中央层级登记）"})
	} else if r, ok := LookupRegion(c.Region); ok {
		facts = append(facts, Fact{"region_name", "登记管理机关所在地区", r.Name})
	}
	facts = append(facts, Fact{"org_code", "组织机构代码", c.OrgCode[:8] + "-" + c.OrgCode[8:]})
	return facts
}
