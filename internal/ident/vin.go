package ident

import "strconv"

// VIN is a valid vehicle identification number (ISO 3779, GB 16735): 17
// characters without I, O and Q, whose 9th character is the check digit.
// GB 16735 requires the check digit on every vehicle made or registered in
// China, so a wrong one is rejected.
type VIN struct {
	Code   string // upper case, 17 characters
	WMI    string // positions 1–3: world manufacturer identifier
	VDS    string // positions 4–8: vehicle descriptor
	Check  byte   // position 9
	Year   byte   // position 10: model-year code
	Plant  byte   // position 11: assembly plant
	Serial string // positions 12–17
}

// vinWeights are the ISO 3779 position weights; position 9 (the check
// digit itself) weighs 0.
var vinWeights = [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

// vinValue transliterates a VIN character, or returns -1 for characters
// not allowed (I, O, Q and anything not a digit or capital letter).
func vinValue(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'A' <= c && c <= 'H':
		return int(c-'A') + 1
	case 'J' <= c && c <= 'N':
		return int(c-'J') + 1
	case c == 'P':
		return 7
	case c == 'R':
		return 9
	case 'S' <= c && c <= 'Z':
		return int(c-'S') + 2
	}
	return -1
}

// vinCheck returns the check digit for a 17-character VIN.
func vinCheck(c string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += vinValue(c[i]) * vinWeights[i]
	}
	if r := sum % 11; r != 10 {
		return byte('0' + r)
	}
	return 'X'
}

// VINCheckDigit returns the GB 16735 check digit (position 9) for a VIN of
// 17 allowed characters (whatever stands at position 9 is ignored), for
// generators of synthetic VINs; false when the VIN is not 17 allowed
// characters.
func VINCheckDigit(vin string) (byte, bool) {
	if len(vin) != 17 {
		return 0, false
	}
	for i := 0; i < 17; i++ {
		if i != 8 && vinValue(vin[i]) < 0 {
			return 0, false
		}
	}
	b := []byte(vin)
	b[8] = '0'
	return vinCheck(string(b)), true
}

// ParseVIN validates a VIN and its check digit.
func ParseVIN(s string) (VIN, error) {
	const k = KindVIN
	c := compact(s)
	if c == "" {
		return VIN{}, errEmpty(k)
	}
	if n := runeCount(c); n != 17 {
		return VIN{}, errLength(k, "17 位", n)
	}
	pos := 0
	for _, r := range c {
		pos++
		if r < 0x80 && vinValue(byte(r)) >= 0 {
			continue
		}
		if r == 'I' || r == 'O' || r == 'Q' {
			return VIN{}, errChar(k, s, pos, "不允许（车辆识别代号不使用字母 I、O、Q）")
		}
		return VIN{}, errChar(k, s, pos, "不是数字或大写字母")
	}
	if want := vinCheck(c); c[8] != want {
		return VIN{}, newError(k, sufCheckDigit, "第 9 位校验位应为 %c，实际为 %c", want, c[8])
	}
	return VIN{Code: c, WMI: c[:3], VDS: c[3:8], Check: c[8], Year: c[9], Plant: c[10], Serial: c[11:]}, nil
}

// vinYearCodes are the model-year codes in order from 1980; the cycle
// repeats every 30 years.
const vinYearCodes = "ABCDEFGHJKLMNPRSTVWXY123456789"

// ModelYears returns the two model years the 10th character can stand
// for (30 years apart), or false when it is not a year code.
func (v VIN) ModelYears() (int, int, bool) {
	for i := 0; i < len(vinYearCodes); i++ {
		if vinYearCodes[i] == v.Year {
			return 1980 + i, 2010 + i, true
		}
	}
	return 0, 0, false
}

// vinRegions names the country behind common first characters of the WMI.
var vinRegions = map[byte]string{
	'L': "中国", 'J': "日本", 'K': "韩国", 'W': "德国", 'Z': "意大利",
	'1': "美国", '4': "美国", '5': "美国", '2': "加拿大", '3': "墨西哥", '6': "澳大利亚",
}

// Facts lists what the VIN tells.
func (v VIN) Facts() []Fact {
	facts := []Fact{{"wmi", "世界制造厂识别代号（WMI）", v.WMI}}
	if c, ok := vinRegions[v.WMI[0]]; ok {
		facts = append(facts, Fact{"country", "制造国", c})
	}
	facts = append(facts, Fact{"vds", "车辆说明部分（VDS）", v.VDS}, Fact{"check_digit", "校验位", string(v.Check)})
	if a, b, ok := v.ModelYears(); ok {
		facts = append(facts, Fact{"model_year", "车型年份", string(v.Year) + "（" + strconv.Itoa(a) + " 或 " + strconv.Itoa(b) + "）"})
	} else {
		facts = append(facts, Fact{"model_year", "车型年份", string(v.Year) + "（不是年份代码）"})
	}
	facts = append(facts, Fact{"plant", "装配厂代码", string(v.Plant)}, Fact{"serial", "生产顺序号", v.Serial})
	return facts
}
