package ident

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

var caseValid = []validCase{
	{"intermediate court enforcement", KindCaseNumber, "（2021）豫16执123号", "（2021）豫16执123号", map[string]string{
		"year": "2021", "court_code": "豫16", "court_name": "河南省周口市中级人民法院",
		"case_type": "执", "case_type_name": "首次执行案件", "enforcement": "是", "seq": "123",
	}},
	{"ASCII brackets", KindCaseNumber, "(2021)豫16执123号", "（2021）豫16执123号", nil},
	{"tortoise-shell brackets", KindCaseNumber, "〔2021〕豫16执123号", "（2021）豫16执123号", nil},
	{"square brackets", KindCaseNumber, "[2021]豫16执123号", "（2021）豫16执123号", nil},
	{"lenticular brackets", KindCaseNumber, "【2021】豫16执123号", "（2021）豫16执123号", nil},
	{"missing 号", KindCaseNumber, "(2021)豫16执123", "（2021）豫16执123号", nil},
	{"leading zeros", KindCaseNumber, "（2021）豫16执00123号", "（2021）豫16执123号", map[string]string{"seq": "123"}},
	{"spaces and full-width digits", KindCaseNumber, " （２０２１） 豫16 执 １２３ 号 ", "（2021）豫16执123号", nil},
	{"Chuanhui", KindCaseNumber, "（2022）豫1602执恢45号", "（2022）豫1602执恢45号", map[string]string{
		"court_name": "周口市川汇区人民法院", "case_type_name": "恢复执行案件",
	}},
	{"Huaiyang under 1603", KindCaseNumber, "（2023）豫1603执保7号", "（2023）豫1603执保7号", map[string]string{"court_name": "周口市淮阳区人民法院"}},
	{"Huaiyang under 1626", KindCaseNumber, "（2019）豫1626执异7号", "（2019）豫1626执异7号", map[string]string{"court_name": "周口市淮阳区人民法院"}},
	{"Fugou", KindCaseNumber, "（2021）豫1621执复1号", "（2021）豫1621执复1号", map[string]string{"court_name": "扶沟县人民法院"}},
	{"Xihua", KindCaseNumber, "（2021）豫1622执监1号", "（2021）豫1622执监1号", map[string]string{"court_name": "西华县人民法院"}},
	{"Shangshui", KindCaseNumber, "（2021）豫1623执协1号", "（2021）豫1623执协1号", map[string]string{"court_name": "商水县人民法院"}},
	{"Shenqiu", KindCaseNumber, "（2021）豫1624执他1号", "（2021）豫1624执他1号", map[string]string{"court_name": "沈丘县人民法院"}},
	{"Dancheng", KindCaseNumber, "（2021）豫1625民初1号", "（2021）豫1625民初1号", map[string]string{
		"court_name": "郸城县人民法院", "enforcement": "否", "case_type_name": "民事一审案件",
	}},
	{"Taikang", KindCaseNumber, "（2021）豫1627民终1号", "（2021）豫1627民终1号", map[string]string{"court_name": "太康县人民法院"}},
	{"Luyi", KindCaseNumber, "（2021）豫1628刑初1号", "（2021）豫1628刑初1号", map[string]string{"court_name": "鹿邑县人民法院"}},
	{"Xiangcheng", KindCaseNumber, "（2021）豫1681财保1号", "（2021）豫1681财保1号", map[string]string{"court_name": "项城市人民法院"}},
	{"high court", KindCaseNumber, "（2021）豫执监88号", "（2021）豫执监88号", map[string]string{"court_name": "河南省高级人民法院"}},
	{"Supreme People's Court", KindCaseNumber, "（2021）最高法执监5号", "（2021）最高法执监5号", map[string]string{"court_name": "最高人民法院"}},
	{"SPC IP tribunal", KindCaseNumber, "（2019）最高法知民终1号", "（2019）最高法知民终1号", map[string]string{"case_type_name": "知识产权民事二审案件"}},
	{"Bingtuan", KindCaseNumber, "（2020）兵执1号", "（2020）兵执1号", map[string]string{"court_name": "新疆维吾尔自治区高级人民法院生产建设兵团分院"}},
	{"other intermediate court, no name", KindCaseNumber, "（2020）京01民初3号", "（2020）京01民初3号", nil},
	{"next year", KindCaseNumber, "（2026）豫16执1号", "（2026）豫16执1号", nil},
	{"1990", KindCaseNumber, "（1990）豫16执1号", "（1990）豫16执1号", nil},
}

func TestCaseNumberValid(t *testing.T) { runValidCases(t, caseValid) }

var caseInvalid = []errCase{
	{"empty", KindCaseNumber, " ", sufEmpty, nil},
	{"no brackets", KindCaseNumber, "2021豫16执123号", sufFormat, []string{"括号", "（2021）豫16执123号"}},
	{"two-digit year", KindCaseNumber, "(21)豫16执123号", sufFormat, []string{"4 位数字"}},
	{"unclosed", KindCaseNumber, "(2021豫16执123号", sufFormat, nil},
	{"text after 号", KindCaseNumber, "（2021）豫16执123号之一", sufFormat, []string{"之一"}},
	{"pre-2016 form", KindCaseNumber, "（2015）周执字第123号", sufLegacyFormat, []string{"字第", "2016"}},
	{"year 1989", KindCaseNumber, "（1989）豫16执1号", sufYear, []string{"1989", "1990–2026"}},
	{"year after next", KindCaseNumber, "（2027）豫16执1号", sufYear, []string{"2027"}},
	{"no court", KindCaseNumber, "（2021）", sufCourt, []string{"缺少法院代字"}},
	{"latin court", KindCaseNumber, "（2021）Y16执1号", sufCourt, []string{"“Y”"}},
	{"one digit", KindCaseNumber, "（2021）豫1执1号", sufCourt, []string{"豫1", "2 至 4 位"}},
	{"five digits", KindCaseNumber, "（2021）豫16021执1号", sufCourt, []string{"豫16021"}},
	{"unknown type", KindCaseNumber, "（2021）豫16执行1号", sufType, []string{"“执行”"}},
	{"no type", KindCaseNumber, "（2021）最高法1号", sufType, []string{"缺少案件类型代字"}},
	{"no sequence", KindCaseNumber, "（2021）豫16执号", sufSeq, []string{"缺少案件序号"}},
	{"no sequence nor 号", KindCaseNumber, "（2021）豫16执", sufSeq, []string{"缺少案件序号"}},
	{"zero", KindCaseNumber, "（2021）豫16执000号", sufSeq, []string{"不能为 0"}},
	{"too long", KindCaseNumber, "（2021）豫16执123456789号", sufSeq, []string{"过长"}},
}

func TestCaseNumberInvalid(t *testing.T) { runErrCases(t, caseInvalid) }

func TestCaseNumberFields(t *testing.T) {
	c, err := ParseCaseNumberAt("(2021)豫16执恢0042", testToday)
	if err != nil {
		t.Fatal(err)
	}
	want := CaseNumber{Year: 2021, CourtCode: "豫16", Type: "执恢", Seq: 42}
	if c != want {
		t.Errorf("got %+v, want %+v", c, want)
	}
	if c.String() != "（2021）豫16执恢42号" || !c.IsEnforcement() || c.TypeName() != "恢复执行案件" {
		t.Errorf("String %q, IsEnforcement %v, TypeName %q", c.String(), c.IsEnforcement(), c.TypeName())
	}
	if _, ok := (CaseNumber{CourtCode: "京0105"}).CourtName(); ok {
		t.Error("unknown basic court named")
	}
}

func TestEnforcementTypes(t *testing.T) {
	for typ := range enforcementTypes {
		if _, ok := caseTypes[typ]; !ok {
			t.Errorf("enforcement type %s missing from caseTypes", typ)
		}
	}
	for typ := range caseTypes {
		if enforcementTypes[typ] != strings.HasPrefix(typ, "执") {
			t.Errorf("%s: enforcement flag disagrees with its first character", typ)
		}
	}
}

func TestParseCaseNumberUsesClock(t *testing.T) {
	next := time.Now().Year() + 1
	if _, err := ParseCaseNumber("（" + strconv.Itoa(next) + "）豫16执1号"); err != nil {
		t.Errorf("next year rejected: %v", err)
	}
	if _, err := ParseCaseNumber("（" + strconv.Itoa(next+1) + "）豫16执1号"); err == nil {
		t.Error("year after next accepted")
	}
}
