package ident

import (
	"errors"
	"testing"
	"time"
)

var residentValid = []validCase{
	// The example number printed in GB 11643-1999.
	{"gb11643 example", KindResidentID, "11010519491231002X", "11010519491231002X", map[string]string{
		"category": "居民身份证", "region": "110105", "region_name": "北京市朝阳区",
		"birth_date": "1949-12-31", "sex": "女",
	}},
	{"lower-case x", KindResidentID, "11010519491231002x", "11010519491231002X", nil},
	{"full-width", KindResidentID, "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", nil},
	{"spaces and ideographic space", KindResidentID, " 110105 1949\u30001231 002X ", "11010519491231002X", nil},
	{"hyphens and dashes", KindResidentID, "110105-19491231–002X", "11010519491231002X", nil},
	{"retired Huaiyang county code", KindResidentID, withCheck("41162619800101122"), withCheck("41162619800101122"), map[string]string{
		"region": "411626", "region_name": "河南省周口市淮阳县", "region_status": "已撤销的旧代码（按此代码编制的号码继续有效）",
		"birth_date": "1980-01-01", "sex": "女",
	}},
	{"Huaiyang district", KindResidentID, withCheck("41160320010911003"), withCheck("41160320010911003"), map[string]string{
		"region": "411603", "region_name": "河南省周口市淮阳区", "sex": "男",
	}},
	{"Chuanhui district", KindResidentID, withCheck("41160219750315045"), withCheck("41160219750315045"), map[string]string{
		"region_name": "河南省周口市川汇区",
	}},
	{"Zhoukou prefecture before 2000", KindResidentID, withCheck("41272719650720201"), withCheck("41272719650720201"), map[string]string{
		"region_name": "河南省周口地区淮阳县", "region_status": "已撤销的旧代码（按此代码编制的号码继续有效）",
	}},
	{"unknown county under a valid province", KindResidentID, withCheck("41999919900101001"), withCheck("41999919900101001"), map[string]string{
		"region": "419999", "region_status": "未收录于本系统的行政区划代码表（省级代码有效，已接受）",
	}},
	{"leap day", KindResidentID, withCheck("41162220000229002"), withCheck("41162220000229002"), map[string]string{
		"birth_date": "2000-02-29",
	}},
	{"born today", KindResidentID, withCheck("41162120250615001"), withCheck("41162120250615001"), nil},
	{"legacy 15 digits upgraded", KindResidentID, "130503670401001", withCheck("13050319670401001"), map[string]string{
		"birth_date": "1967-04-01", "sex": "男", "upgraded": "由 15 位旧号码 130503670401001 升级为 18 位",
	}},
	{"Hong Kong residence permit", KindResidentID, withCheck("81000019900101001"), withCheck("81000019900101001"), map[string]string{
		"category": "港澳台居民居住证（香港居民）", "region_name": "香港特别行政区",
	}},
	{"Macau residence permit", KindResidentID, withCheck("82000019900101002"), withCheck("82000019900101002"), map[string]string{
		"category": "港澳台居民居住证（澳门居民）",
	}},
	{"Taiwan residence permit", KindResidentID, withCheck("83000019900101003"), withCheck("83000019900101003"), map[string]string{
		"category": "港澳台居民居住证（台湾居民）",
	}},
	// The digits of a 2023 card number used in a public implementation.
	{"foreign permanent resident 2023", KindResidentID, withCheck("94376019980305667"), withCheck("94376019980305667"), map[string]string{
		"category": "外国人永久居留身份证（2023 版）", "region": "43", "region_name": "湖南省",
		"nationality": "760", "birth_date": "1998-03-05", "sex": "男",
	}},
}

func TestResidentIDValid(t *testing.T) { runValidCases(t, residentValid) }

var residentInvalid = []errCase{
	{"empty", KindResidentID, " \u3000 ", sufEmpty, []string{"为空"}},
	{"16 digits", KindResidentID, "1101051949123100", sufLength, []string{"18 位", "实际为 16 位"}},
	{"letter O", KindResidentID, "1101051Ｏ491231002X", sufChar, []string{"第 8 位", "“Ｏ”", "不是数字", "0"}},
	{"Chinese digit", KindResidentID, "11010519491231〇02X", sufChar, []string{"第 15 位", "“〇”"}},
	{"bad check character", KindResidentID, "11010519491231002Y", sufChar, []string{"第 18 位", "“Y”", "X"}},
	{"province 00", KindResidentID, withCheck("00010519491231002"), sufRegion, []string{"“00”", "省级"}},
	{"province 19", KindResidentID, withCheck("19010519491231002"), sufRegion, []string{"“19”"}},
	{"HK permit with county", KindResidentID, withCheck("81123419900101001"), sufRegion, []string{"810000", "811234"}},
	{"foreign PR province 00", KindResidentID, withCheck("90076019980305667"), sufRegion, []string{"受理地", "“00”"}},
	{"legacy with permit code", KindResidentID, "810000900101001", sufRegion, []string{"810000"}},
	{"month 13", KindResidentID, withCheck("11010519491331002"), sufBirthDate, []string{"19491331", "13 月"}},
	{"30 February", KindResidentID, withCheck("11010520010230002"), sufBirthDate, []string{"2001 年 2 月没有 30 日"}},
	{"1900 not a leap year", KindResidentID, withCheck("11010519000229002"), sufBirthDate, []string{"1900 年 2 月没有 29 日"}},
	{"before 1900", KindResidentID, withCheck("11010518991231002"), sufBirthDate, []string{"1899-12-31", "1900-01-01"}},
	{"tomorrow", KindResidentID, withCheck("11010520250616002"), sufBirthDate, []string{"2025-06-16", "晚于今天（2025-06-15）"}},
	{"legacy bad date", KindResidentID, "110105491331002", sufBirthDate, []string{"19491331"}},
	{"wrong check digit", KindResidentID, "110105194912310021", sufCheckDigit, []string{"校验位应为 X，实际为 1"}},
	{"wrong check digit, foreign PR", KindResidentID, "943760199803056670", sufCheckDigit, []string{"校验位应为"}},
}

func TestResidentIDInvalid(t *testing.T) { runErrCases(t, residentInvalid) }

func TestParseResidentIDFields(t *testing.T) {
	id, err := ParseResidentIDAt("11010519491231002X", testToday)
	if err != nil {
		t.Fatal(err)
	}
	want := ResidentID{
		Number: "11010519491231002X", Region: "110105", RegionName: "北京市朝阳区", RegionKnown: true,
		BirthDate: time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), Sex: SexFemale, Category: CategoryResident,
	}
	if id != want {
		t.Errorf("got %+v\nwant %+v", id, want)
	}

	up, err := ParseResidentIDAt("130503670401001", testToday)
	if err != nil {
		t.Fatal(err)
	}
	if !up.Upgraded || up.Legacy != "130503670401001" || up.Number != withCheck("13050319670401001") || up.Sex != SexMale {
		t.Errorf("upgrade: got %+v", up)
	}
}

// The plain parser uses the clock: a birth date far in the future fails,
// one long past passes.
func TestParseResidentIDUsesClock(t *testing.T) {
	if _, err := ParseResidentID(withCheck("11010520991231002")); err == nil {
		t.Error("2099 birth date accepted")
	}
	if _, err := ParseResidentID("11010519491231002X"); err != nil {
		t.Error(err)
	}
}

// Every valid number's check character matches the test's own MOD 11-2.
func TestMod112AgainstIndependentImplementation(t *testing.T) {
	for _, body := range []string{"11010519491231002", "41162619800101122", "00000000000000000", "99999999999999999", "12345678901234567"} {
		if got, want := string(mod112(body)), withCheck(body)[17:]; got != want {
			t.Errorf("mod112(%s) = %s, want %s", body, got, want)
		}
	}
}

func TestSexAndCategoryLabels(t *testing.T) {
	if SexMale.Label() != "男" || SexFemale.Label() != "女" || Sex("?").Label() != "?" {
		t.Error("Sex labels")
	}
	for _, c := range []Category{CategoryResident, CategoryHKPermit, CategoryMOPermit, CategoryTWPermit, CategoryForeignPR} {
		if c.Label() == string(c) {
			t.Errorf("%s has no label", c)
		}
	}
}

func TestResidentIDErrorIsTyped(t *testing.T) {
	_, err := ParseResidentID("123")
	var e *Error
	if !errors.As(err, &e) || e.Code != "resident_id.length" {
		t.Fatalf("err = %v", err)
	}
	if e.Error() != "居民身份证号码无效：长度应为 18 位（旧式号码为 15 位），实际为 3 位" {
		t.Errorf("Error() = %q", e.Error())
	}
}
