package ident

import (
	"strings"
	"unicode/utf8"
)

// Plate is a valid motor-vehicle plate number (GA 36-2018): a province
// abbreviation, the issuing authority's letter and a serial of five
// characters (ordinary), six (new-energy) or four followed by a suffix
// character such as 挂 or 学.
type Plate struct {
	Number    string // normalized: upper case, no spaces or middle dots, e.g. "豫P12345"
	Province  string // the abbreviation, e.g. "豫"
	Authority byte   // the issuing authority's letter, e.g. 'P'
	Serial    string // the characters after the authority letter, without the suffix
	Suffix    string // "挂", "学", "警", "港", "澳", "领" or ""

	NewEnergy    bool
	Large        bool // new-energy plate of a large vehicle (five digits, then D or F)
	PureElectric bool // new-energy: pure electric (D, A–E) rather than plug-in hybrid, range-extender or fuel cell (F–K)
}

// plateProvinces maps the abbreviations on plates to province names.
var plateProvinces = map[rune]string{
	'京': "北京市", '津': "天津市", '沪': "上海市", '渝': "重庆市",
	'冀': "河北省", '豫': "河南省", '云': "云南省", '辽': "辽宁省", '黑': "黑龙江省", '湘': "湖南省",
	'皖': "安徽省", '鲁': "山东省", '新': "新疆维吾尔自治区", '苏': "江苏省", '浙': "浙江省", '赣': "江西省",
	'鄂': "湖北省", '桂': "广西壮族自治区", '甘': "甘肃省", '晋': "山西省", '蒙': "内蒙古自治区", '陕': "陕西省",
	'吉': "吉林省", '闽': "福建省", '贵': "贵州省", '粤': "广东省", '青': "青海省", '藏': "西藏自治区",
	'川': "四川省", '宁': "宁夏回族自治区", '琼': "海南省",
}

// plateSuffixes are the suffix characters of four-character serials.
var plateSuffixes = map[rune]string{
	'挂': "挂车号牌", '学': "教练汽车号牌", '警': "警用汽车号牌",
	'港': "香港入出境车号牌", '澳': "澳门入出境车号牌", '领': "领馆汽车号牌",
}

// henanAuthorities names the cities behind 豫 authority letters; other
// provinces are not tabulated (the letter is still validated).
var henanAuthorities = map[byte]string{
	'A': "郑州市", 'B': "开封市", 'C': "洛阳市", 'D': "平顶山市", 'E': "安阳市", 'F': "鹤壁市",
	'G': "新乡市", 'H': "焦作市", 'J': "濮阳市", 'K': "许昌市", 'L': "漯河市", 'M': "三门峡市",
	'N': "商丘市", 'P': "周口市", 'Q': "驻马店市", 'R': "南阳市", 'S': "信阳市", 'U': "济源市",
}

// plateLetter reports whether r may appear as a letter on a plate: capital
// letters except I and O, which read as 1 and 0.
func plateLetter(r rune) bool { return 'A' <= r && r <= 'Z' && r != 'I' && r != 'O' }

func plateAlnum(r rune) bool { return ('0' <= r && r <= '9') || plateLetter(r) }

// New-energy serial letters. GA 36-2018 used D (pure electric) and F
// (others); since 2022 small-vehicle serials also start with A, B, C, E
// (pure electric) and G, H, J, K (others).
const (
	nevPureSmall  = "DABCE"
	nevOtherSmall = "FGHJK"
)

// ParsePlate validates a plate number. Spaces, middle dots and periods
// between groups are removed; full-width letters and digits are folded and
// letters upper-cased: "豫P·12345", "豫p 12345" and "豫Ｐ１２３４５" all
// give "豫P12345".
func ParsePlate(s string) (Plate, error) {
	const k = KindPlate
	c := compact(s)
	if strings.IndexByte(c, '.') >= 0 {
		c = strings.ReplaceAll(c, ".", "")
	}
	if c == "" {
		return Plate{}, errEmpty(k)
	}
	var rs [8]rune
	n := 0
	for _, r := range c {
		if n < len(rs) {
			rs[n] = r
		}
		n++
	}
	if n != 7 && n != 8 {
		return Plate{}, errLength(k, "7 位（新能源汽车号牌为 8 位）", n)
	}
	if _, ok := plateProvinces[rs[0]]; !ok {
		hint := "，号牌应以省、自治区、直辖市简称开头，如 豫P12345"
		if rs[0] == '使' {
			hint = "；使馆号牌格式不同，本系统不支持"
		}
		return Plate{}, newError(k, sufProvince, "第 1 位“%s”不是省、自治区、直辖市简称%s", string(plateSource(s, 0)), hint)
	}
	if !plateLetter(rs[1]) {
		return Plate{}, newError(k, sufAuthority, "第 2 位发牌机关代号应为字母（不含 I、O），实际为“%s”", string(plateSource(s, 1)))
	}
	// Substrings of c rather than new strings: the happy path allocates
	// nothing beyond compact.
	pl := utf8.RuneLen(rs[0])
	p := Plate{Number: c, Province: c[:pl], Authority: byte(rs[1])}
	last, end := n-1, len(c)
	if _, ok := plateSuffixes[rs[last]]; ok && n == 8 {
		return Plate{}, newError(k, sufLength, "带“%c”的号牌应为 7 位（4 位序号加“%c”），实际为 8 位", rs[last], rs[last])
	}
	if _, ok := plateSuffixes[rs[last]]; n == 7 && ok {
		sl := utf8.RuneLen(rs[last])
		p.Suffix = c[len(c)-sl:]
		last, end = last-1, end-sl
	}
	for i := 2; i <= last; i++ {
		if !plateAlnum(rs[i]) {
			return Plate{}, newError(k, sufChar, "第 %d 位“%s”不是数字或字母（号牌序号不使用字母 I、O）", i+1, string(plateSource(s, i)))
		}
	}
	serial := rs[2 : last+1]
	p.Serial = c[pl+1 : end]
	if n == 8 {
		p.NewEnergy = true
		switch {
		case strings.ContainsRune(nevPureSmall+nevOtherSmall, serial[0]) && allDigits(serial[2:]):
			p.PureElectric = strings.ContainsRune(nevPureSmall, serial[0])
		case allDigits(serial[:5]) && (serial[5] == 'D' || serial[5] == 'F'):
			p.Large = true
			p.PureElectric = serial[5] == 'D'
		default:
			return Plate{}, newError(k, sufNewEnergy,
				"8 位号牌为新能源汽车号牌，序号“%s”不合规则：小型车为 D、A、B、C、E（纯电动）或 F、G、H、J、K（非纯电动）加 1 位字母或数字再加 4 位数字，大型车为 5 位数字加 D 或 F",
				p.Serial)
		}
	}
	return p, nil
}

func allDigits(rs []rune) bool {
	for _, r := range rs {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// plateSource returns the rune as typed at position i of the normalized
// plate (which also drops periods).
func plateSource(s string, i int) rune {
	n := 0
	for _, r := range s {
		f := foldRune(r)
		if isSeparator(f) || f == '.' {
			continue
		}
		if n == i {
			return r
		}
		n++
	}
	return 0
}

// Facts lists what the plate tells.
func (p Plate) Facts() []Fact {
	prov := []rune(p.Province)[0]
	facts := []Fact{
		{"province", "省份", p.Province + "（" + plateProvinces[prov] + "）"},
		{"authority", "发牌机关代号", string(p.Authority)},
	}
	if prov == '豫' {
		if area, ok := henanAuthorities[p.Authority]; ok {
			facts = append(facts, Fact{"area", "发牌地区", area})
		}
	}
	typ := "普通号牌"
	switch {
	case p.NewEnergy && p.Large:
		typ = "大型新能源汽车号牌"
	case p.NewEnergy:
		typ = "小型新能源汽车号牌"
	case p.Suffix != "":
		typ = plateSuffixes[[]rune(p.Suffix)[0]]
	}
	facts = append(facts, Fact{"plate_type", "号牌类别", typ})
	if p.NewEnergy {
		energy := "非纯电动（插电式混合动力、增程式、燃料电池等）"
		if p.PureElectric {
			energy = "纯电动"
		}
		facts = append(facts, Fact{"new_energy", "新能源类型", energy})
	}
	if p.Suffix != "" {
		facts = append(facts, Fact{"suffix", "号牌后缀", p.Suffix})
	}
	return facts
}
