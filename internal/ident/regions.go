package ident

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
)

//go:generate go run gen_regions.go -src /tmp/regions -o regions.tsv

// regions.tsv is the GB/T 2260 code table, current and retired codes; its
// header names the npm packages it was built from and their licences.
//
//go:embed regions.tsv
var regionsTSV string

// Region is a GB/T 2260 administrative division.
type Region struct {
	Code    string // six digits
	Name    string // full name, e.g. "河南省周口市淮阳区"
	Retired bool   // the code is no longer current; numbers issued under it stay valid
}

// provinceNames holds the two-digit province-level codes that identifiers
// may carry, checked strictly: 11–15, 21–23, 31–37, 41–46, 50–54, 61–65,
// 71 (Taiwan), 81 (Hong Kong), 82 (Macau). 83 (Taiwan residents'
// residence permits) is handled by the resident-ID parser.
var provinceNames = map[string]string{
	"11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
	"21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
	"31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
	"41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
	"50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
	"61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
	"71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}

// validProvince reports whether the first two characters of code are a
// province-level code (the keys of provinceNames, as a switch because it
// is on the hot path).
func validProvince(code string) bool {
	if len(code) < 2 || !isDigit(code[0]) || !isDigit(code[1]) {
		return false
	}
	switch int(code[0]-'0')*10 + int(code[1]-'0') {
	case 11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
		50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82:
		return true
	}
	return false
}

type regionEntry struct {
	name    string // full name
	retired bool
}

// regionTable parses the embedded table once, on first use, and composes
// full names so that lookups allocate nothing.
var regionTable = sync.OnceValue(func() map[string]regionEntry {
	own := make(map[string]regionEntry, 7200)
	sc := bufio.NewScanner(strings.NewReader(regionsTSV))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 3 || len(f[0]) != 6 {
			continue
		}
		own[f[0]] = regionEntry{name: f[1], retired: f[2] == "r"}
	}
	full := make(map[string]regionEntry, len(own))
	for code, e := range own {
		full[code] = regionEntry{name: composeRegionName(own, code), retired: e.retired}
	}
	return full
})

// placeholderNames are GB/T 2260 grouping rows that say nothing about
// where a person is from, so they are left out of composed names.
var placeholderNames = map[string]bool{
	"市辖区": true, "县": true, "市": true,
	"省直辖县级行政区划": true, "自治区直辖县级行政区划": true, "省直辖行政单位": true,
}

func composeRegionName(own map[string]regionEntry, code string) string {
	name := own[code].name
	if strings.HasSuffix(code, "0000") {
		return name
	}
	var b strings.Builder
	if p, ok := own[code[:2]+"0000"]; ok {
		b.WriteString(p.name)
	} else if p, ok := provinceNames[code[:2]]; ok {
		b.WriteString(p)
	}
	if !strings.HasSuffix(code, "00") {
		if c, ok := own[code[:4]+"00"]; ok && !placeholderNames[c.name] {
			b.WriteString(c.name)
		}
	}
	// A placeholder keeps its own name too: "北京市市辖区" says more than "北京市".
	b.WriteString(name)
	return b.String()
}

// LookupRegion returns the division with the given six-digit code from the
// embedded GB/T 2260 table, which includes retired codes.
func LookupRegion(code string) (Region, bool) {
	e, ok := regionTable()[code]
	if !ok {
		return Region{}, false
	}
	return Region{Code: code, Name: e.name, Retired: e.retired}, true
}
