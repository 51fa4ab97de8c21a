package ident

import "testing"

var plateValid = []validCase{
	{"Zhoukou", KindPlate, "豫P12345", "豫P12345", map[string]string{
		"province": "豫（河南省）", "authority": "P", "area": "周口市", "plate_type": "普通号牌",
	}},
	{"middle dot", KindPlate, "豫P·12345", "豫P12345", nil},
	{"katakana middle dot and spaces", KindPlate, "豫 P・1234 5", "豫P12345", nil},
	{"period", KindPlate, "豫P.A1234", "豫PA1234", nil},
	{"lower case", KindPlate, "豫pa1b23", "豫PA1B23", nil},
	{"full-width", KindPlate, "豫Ｐ１２３４５", "豫P12345", nil},
	{"small new-energy, pure electric", KindPlate, "豫PD12345", "豫PD12345", map[string]string{
		"plate_type": "小型新能源汽车号牌", "new_energy": "纯电动",
	}},
	{"small new-energy, hybrid", KindPlate, "豫PFA1234", "豫PFA1234", map[string]string{
		"new_energy": "非纯电动（插电式混合动力、增程式、燃料电池等）",
	}},
	{"small new-energy, 2022 letter A", KindPlate, "豫PA12345", "豫PA12345", map[string]string{"new_energy": "纯电动"}},
	{"small new-energy, 2022 letter K", KindPlate, "京AK12345", "京AK12345", map[string]string{"new_energy": "非纯电动（插电式混合动力、增程式、燃料电池等）"}},
	{"large new-energy", KindPlate, "豫P12345D", "豫P12345D", map[string]string{
		"plate_type": "大型新能源汽车号牌", "new_energy": "纯电动",
	}},
	{"large new-energy, hybrid", KindPlate, "豫P12345F", "豫P12345F", nil},
	{"trailer", KindPlate, "豫P1234挂", "豫P1234挂", map[string]string{"plate_type": "挂车号牌", "suffix": "挂"}},
	{"coach", KindPlate, "豫P1234学", "豫P1234学", map[string]string{"plate_type": "教练汽车号牌"}},
	{"police", KindPlate, "豫P1234警", "豫P1234警", map[string]string{"plate_type": "警用汽车号牌"}},
	{"Hong Kong cross-border", KindPlate, "粤Z1234港", "粤Z1234港", map[string]string{"province": "粤（广东省）"}},
	{"other province, no area", KindPlate, "京A12345", "京A12345", map[string]string{"province": "京（北京市）"}},
}

func TestPlateValid(t *testing.T) { runValidCases(t, plateValid) }

var plateInvalid = []errCase{
	{"empty", KindPlate, " · ", sufEmpty, nil},
	{"too short", KindPlate, "豫P1234", sufLength, []string{"7 位", "实际为 6 位"}},
	{"too long", KindPlate, "豫P1234567", sufLength, []string{"实际为 9 位"}},
	{"no province", KindPlate, "AP12345", sufProvince, []string{"第 1 位“A”", "省"}},
	{"embassy", KindPlate, "使1234567", sufProvince, []string{"使馆"}},
	{"digit as authority", KindPlate, "豫112345", sufAuthority, []string{"第 2 位", "“1”"}},
	{"I as authority", KindPlate, "豫I12345", sufAuthority, []string{"“I”", "不含 I、O"}},
	{"letter O in serial", KindPlate, "豫P1234O", sufChar, []string{"第 7 位“O”", "I、O"}},
	{"full-width O in serial", KindPlate, "豫P12Ｏ45", sufChar, []string{"第 5 位“Ｏ”"}},
	{"symbol in serial", KindPlate, "豫P12#45", sufChar, []string{"第 5 位“#”"}},
	{"suffix on a five-character serial", KindPlate, "豫P12345挂", sufLength, []string{"“挂”", "7 位"}},
	{"small new-energy, letter after digit", KindPlate, "豫PF1A234", sufNewEnergy, []string{"F1A234"}},
	{"eight digits", KindPlate, "豫P123456", sufNewEnergy, []string{"123456", "D、A、B、C、E"}},
	{"new-energy letter Z", KindPlate, "豫PZ12345", sufNewEnergy, []string{"Z12345"}},
	{"large new-energy letter A", KindPlate, "豫P12345A", sufNewEnergy, nil},
}

func TestPlateInvalid(t *testing.T) { runErrCases(t, plateInvalid) }

func TestPlateFields(t *testing.T) {
	p, err := ParsePlate("豫p·1234挂")
	if err != nil {
		t.Fatal(err)
	}
	want := Plate{Number: "豫P1234挂", Province: "豫", Authority: 'P', Serial: "1234", Suffix: "挂"}
	if p != want {
		t.Errorf("got %+v, want %+v", p, want)
	}
	p, err = ParsePlate("豫PD12345")
	if err != nil {
		t.Fatal(err)
	}
	if !p.NewEnergy || p.Large || !p.PureElectric || p.Serial != "D12345" {
		t.Errorf("got %+v", p)
	}
}
