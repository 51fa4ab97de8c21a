package ident

import "testing"

var vinValid = []validCase{
	// The worked example of the check-digit calculation (NHTSA, ISO 3779).
	{"standard example", KindVIN, "1M8GDM9AXKP042788", "1M8GDM9AXKP042788", map[string]string{
		"wmi": "1M8", "country": "美国", "vds": "GDM9A", "check_digit": "X",
		"model_year": "K（1989 或 2019）", "plant": "P", "serial": "042788",
	}},
	// A Changan Ford VIN published in a VIN-lookup API's documentation.
	{"Chinese vehicle", KindVIN, "LVSFCFME37F107967", "LVSFCFME37F107967", map[string]string{
		"wmi": "LVS", "country": "中国", "model_year": "7（2007 或 2037）",
	}},
	// From hutool's VIN tests.
	{"hutool example", KindVIN, "HE9XR1C48PS083871", "HE9XR1C48PS083871", map[string]string{"model_year": "P（1993 或 2023）"}},
	{"lower case with spaces", KindVIN, "lvsfc fme37 f107967", "LVSFCFME37F107967", nil},
	{"full-width", KindVIN, "ＬＶＳＦＣＦＭＥ３７Ｆ１０７９６７", "LVSFCFME37F107967", nil},
	{"no year code", KindVIN, withVINCheck("LVSFCFME3UF107967"), withVINCheck("LVSFCFME3UF107967"), map[string]string{
		"model_year": "U（不是年份代码）",
	}},
}

// withVINCheck puts the correct check digit at position 9.
func withVINCheck(v string) string {
	b := []byte(v)
	b[8] = vinCheck(v)
	return string(b)
}

func TestVINValid(t *testing.T) { runValidCases(t, vinValid) }

var vinInvalid = []errCase{
	{"empty", KindVIN, "  ", sufEmpty, nil},
	{"16 characters", KindVIN, "1M8GDM9AXKP04278", sufLength, []string{"17 位", "实际为 16 位"}},
	{"letter O", KindVIN, "1M8GDM9AXKP04278O", sufChar, []string{"第 17 位", "“O”", "I、O、Q"}},
	{"letter Q", KindVIN, "1M8GDM9AXKQ042788", sufChar, []string{"第 11 位", "“Q”"}},
	{"symbol", KindVIN, "1M8GDM9AXKP0427*8", sufChar, []string{"第 16 位", "“*”", "不是数字或大写字母"}},
	{"check digit", KindVIN, "1M8GDM9A1KP042788", sufCheckDigit, []string{"第 9 位", "应为 X，实际为 1"}},
	{"check digit, Chinese vehicle", KindVIN, "LVSFCFME47F107967", sufCheckDigit, []string{"应为 3，实际为 4"}},
}

func TestVINInvalid(t *testing.T) { runErrCases(t, vinInvalid) }

func TestVINFields(t *testing.T) {
	v, err := ParseVIN("1M8GDM9AXKP042788")
	if err != nil {
		t.Fatal(err)
	}
	want := VIN{Code: "1M8GDM9AXKP042788", WMI: "1M8", VDS: "GDM9A", Check: 'X', Year: 'K', Plant: 'P', Serial: "042788"}
	if v != want {
		t.Errorf("got %+v, want %+v", v, want)
	}
	if a, b, ok := v.ModelYears(); !ok || a != 1989 || b != 2019 {
		t.Errorf("ModelYears = %d %d %v", a, b, ok)
	}
}

// The transliteration table of ISO 3779, written out independently.
func TestVINValues(t *testing.T) {
	want := map[byte]int{
		'A': 1, 'B': 2, 'C': 3, 'D': 4, 'E': 5, 'F': 6, 'G': 7, 'H': 8, 'J': 1, 'K': 2, 'L': 3, 'M': 4, 'N': 5,
		'P': 7, 'R': 9, 'S': 2, 'T': 3, 'U': 4, 'V': 5, 'W': 6, 'X': 7, 'Y': 8, 'Z': 9,
		'I': -1, 'O': -1, 'Q': -1, 'a': -1, '-': -1,
	}
	for c, v := range want {
		if got := vinValue(c); got != v {
			t.Errorf("vinValue(%c) = %d, want %d", c, got, v)
		}
	}
}
