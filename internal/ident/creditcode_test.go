package ident

import "testing"

// withOrgCheck appends the GB 11714 check character to 8 characters.
func withOrgCheck(body8 string) string {
	w := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 8; i++ {
		v := int(body8[i] - '0')
		if body8[i] >= 'A' {
			v = int(body8[i]-'A') + 10
		}
		sum += v * w[i]
	}
	c := 11 - sum%11
	switch c {
	case 10:
		return body8 + "X"
	case 11:
		return body8 + "0"
	}
	return body8 + string(rune('0'+c))
}

// withCreditCheck appends the GB 32100 check character to 17 characters,
// computing the weights as powers of 3 rather than reusing the table.
func withCreditCheck(body17 string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		v := -1
		for j := 0; j < len(alphabet); j++ {
			if alphabet[j] == body17[i] {
				v = j
			}
		}
		sum += v * w
		w = w * 3 % 31
	}
	return body17 + string(alphabet[(31-sum%31)%31])
}

var creditValid = []validCase{
	// The example most often cited with GB 32100.
	{"cited example", KindCreditCode, "91350100M000100Y43", "91350100M000100Y43", map[string]string{
		"authority": "9 工商（市场监督管理）", "org_type": "1 企业", "region": "350100",
		"region_name": "福建省福州市", "org_code": "M000100Y-4",
	}},
	// Codes published by large companies (华为技术有限公司, 深圳市腾讯计算机系统有限公司,
	// 贵州茅台酒股份有限公司, 中国工商银行股份有限公司).
	{"huawei, all digits", KindCreditCode, "914403001922038216", "914403001922038216", map[string]string{
		"region_name": "广东省深圳市", "org_code": "19220382-1",
	}},
	{"tencent", KindCreditCode, "91440300708461136T", "91440300708461136T", nil},
	{"moutai", KindCreditCode, "91520000214434146R", "91520000214434146R", map[string]string{"region_name": "贵州省"}},
	{"icbc, national registration", KindCreditCode, "91100000100003962T", "91100000100003962T", map[string]string{
		"region": "100000", "region_name": "全国（中央层级登记）",
	}},
	{"lower case and spaces", KindCreditCode, "9135 0100 m000 100y 43", "91350100M000100Y43", nil},
	{"full-width", KindCreditCode, "９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43", nil},
	{"civil affairs, foundation", KindCreditCode, withCreditCheck("53410000" + withOrgCheck("MJ000001")), withCreditCheck("53410000" + withOrgCheck("MJ000001")), map[string]string{
		"authority": "5 民政", "org_type": "3 基金会", "region_name": "河南省",
	}},
	{"unknown authority accepted", KindCreditCode, withCreditCheck("B1411600" + withOrgCheck("MA000001")), withCreditCheck("B1411600" + withOrgCheck("MA000001")), map[string]string{
		"authority": "B 未收录的登记管理部门代码“B”",
	}},
}

func TestCreditCodeValid(t *testing.T) { runValidCases(t, creditValid) }

var creditInvalid = []errCase{
	{"empty", KindCreditCode, "", sufEmpty, nil},
	{"17 characters", KindCreditCode, "91350100M000100Y4", sufLength, []string{"18 位", "实际为 17 位"}},
	{"letter O", KindCreditCode, "91350100M000100O43", sufChar, []string{"第 16 位", "“O”", "I、O、Z、S、V"}},
	{"letter S", KindCreditCode, "9135010SM000100Y43", sufChar, []string{"第 8 位", "“S”"}},
	{"punctuation", KindCreditCode, "91350100M000100Y4#", sufChar, []string{"第 18 位", "“#”"}},
	{"letters in region", KindCreditCode, "91AB0100M000100Y43", sufRegion, []string{"6 位数字", "AB0100"}},
	{"province 00", KindCreditCode, "91000100M000100Y43", sufRegion, []string{"“00”"}},
	{"check character", KindCreditCode, "91350100M000100Y44", sufCheckDigit, []string{"应为 3，实际为 4"}},
	{"check character, all digits", KindCreditCode, "914403001922038217", sufCheckDigit, []string{"应为 6，实际为 7"}},
	{"organization code check", KindCreditCode, withCreditCheck("91350100M000100Y5"), sufOrgCheck, []string{"M000100Y5", "应为 4，实际为 5"}},
}

func TestCreditCodeInvalid(t *testing.T) { runErrCases(t, creditInvalid) }

func TestOrgCodeCheck(t *testing.T) {
	// GB 11714 checks of organization codes embedded in published credit codes.
	for _, code := range []string{"M000100Y4", "192203821", "708461136", "214434146", "100003962"} {
		if got := orgCodeCheck(code); got != code[8] {
			t.Errorf("orgCodeCheck(%s) = %c, want %c", code, got, code[8])
		}
	}
	// Remainder 1 gives X, remainder 0 gives 0.
	for body := 0; body < 200; body++ {
		s := []byte("0000000")
		s = append(s, byte('0'+body%10))
		c := orgCodeCheck(string(s) + "0")
		if c != 'X' && (c < '0' || c > '9') {
			t.Fatalf("orgCodeCheck produced %c", c)
		}
	}
}

func TestCreditCodeFields(t *testing.T) {
	c, err := ParseCreditCode("91350100M000100Y43")
	if err != nil {
		t.Fatal(err)
	}
	want := CreditCode{Code: "91350100M000100Y43", Authority: '9', OrgType: '1', Region: "350100", OrgCode: "M000100Y4"}
	if c != want {
		t.Errorf("got %+v, want %+v", c, want)
	}
	if c.AuthorityLabel() != "工商（市场监督管理）" || c.OrgTypeLabel() != "企业" {
		t.Errorf("labels %q %q", c.AuthorityLabel(), c.OrgTypeLabel())
	}
}
