package ident

import "testing"

func TestLookupRegion(t *testing.T) {
	tests := []struct {
		code    string
		name    string
		retired bool
	}{
		{"110105", "北京市朝阳区", false},
		{"110103", "北京市崇文区", true},
		{"411600", "河南省周口市", false},
		{"411602", "河南省周口市川汇区", false},
		{"411603", "河南省周口市淮阳区", false},
		{"411626", "河南省周口市淮阳县", true},
		{"411621", "河南省周口市扶沟县", false},
		{"411681", "河南省周口市项城市", false},
		{"412702", "河南省周口地区项城市", true},
		{"410000", "河南省", false},
		{"410101", "河南省郑州市市辖区", false},
		{"810000", "香港特别行政区", false},
		{"500200", "重庆市县", false},
	}
	for _, tc := range tests {
		r, ok := LookupRegion(tc.code)
		if !ok {
			t.Errorf("LookupRegion(%s) not found", tc.code)
			continue
		}
		if r.Code != tc.code || r.Name != tc.name || r.Retired != tc.retired {
			t.Errorf("LookupRegion(%s) = %+v, want name %q retired %v", tc.code, r, tc.name, tc.retired)
		}
	}
	for _, code := range []string{"419999", "000000", "", "4116", "41160x"} {
		if r, ok := LookupRegion(code); ok {
			t.Errorf("LookupRegion(%q) = %+v, want not found", code, r)
		}
	}
}

func TestRegionTableCoversEveryProvince(t *testing.T) {
	tab := regionTable()
	if len(tab) < 7000 {
		t.Errorf("region table has %d codes, want the full current and historic table", len(tab))
	}
	for p, name := range provinceNames {
		r, ok := tab[p+"0000"]
		if !ok || r.name != name {
			t.Errorf("province %s: table has %q, provinceNames %q", p, r.name, name)
		}
	}
	for code := range tab {
		if len(code) != 6 || !validProvince(code) && code[:2] != "83" {
			t.Errorf("table holds code %q outside the province list", code)
		}
	}
}

func TestValidProvinceMatchesNames(t *testing.T) {
	for i := 0; i < 100; i++ {
		p := string(rune('0'+i/10)) + string(rune('0'+i%10))
		_, named := provinceNames[p]
		if validProvince(p) != named {
			t.Errorf("validProvince(%s) = %v, provinceNames has it: %v", p, validProvince(p), named)
		}
	}
	for _, s := range []string{"", "4", "4a", "a1"} {
		if validProvince(s) {
			t.Errorf("validProvince(%q)", s)
		}
	}
}
