package ident

import "testing"

var passportValid = []validCase{
	{"electronic ordinary", KindPassport, "E12345678", "E12345678", map[string]string{
		"passport_type": "普通护照", "series": "E 字头（电子护照）",
	}},
	{"E and a letter", KindPassport, "ea1234567", "EA1234567", map[string]string{"series": "EA 字头（电子护照）"}},
	{"E and letter H", KindPassport, "EH 123 4567", "EH1234567", nil},
	{"G series", KindPassport, "G12345678", "G12345678", map[string]string{"series": "G 字头"}},
	{"old 14", KindPassport, "141234567", "141234567", map[string]string{"passport_type": "普通护照"}},
	{"old 15", KindPassport, "151234567", "151234567", nil},
	{"public affairs", KindPassport, "P1234567", "P1234567", map[string]string{"passport_type": "因公普通护照"}},
	{"public affairs electronic", KindPassport, "PE1234567", "PE1234567", map[string]string{"series": "PE 字头（电子护照）"}},
	{"service 7 digits", KindPassport, "S1234567", "S1234567", map[string]string{"passport_type": "公务护照"}},
	{"service 8 digits", KindPassport, "S12345678", "S12345678", nil},
	{"service electronic", KindPassport, "SE1234567", "SE1234567", nil},
	{"diplomatic", KindPassport, "D1234567", "D1234567", map[string]string{"passport_type": "外交护照"}},
	{"diplomatic electronic", KindPassport, "DE1234567", "DE1234567", nil},
	{"HKSAR", KindPassport, "K12345678", "K12345678", map[string]string{"passport_type": "香港特别行政区护照"}},
	{"HKSAR KJ", KindPassport, "KJ1234567", "KJ1234567", nil},
	{"Macao SAR", KindPassport, "MA1234567", "MA1234567", map[string]string{"passport_type": "澳门特别行政区护照"}},
	{"full-width", KindPassport, "Ｅ１２３４５６７８", "E12345678", nil},
}

func TestPassportValid(t *testing.T) { runValidCases(t, passportValid) }

var passportInvalid = []errCase{
	{"empty", KindPassport, "", sufEmpty, nil},
	{"10 characters", KindPassport, "E123456789", sufLength, []string{"9 位", "实际为 10 位"}},
	{"symbol", KindPassport, "E1234567#", sufChar, []string{"第 9 位", "“#”"}},
	{"Chinese character", KindPassport, "E1234567八", sufChar, []string{"“八”"}},
	{"E and I", KindPassport, "EI1234567", sufFormat, []string{"字母 I"}},
	{"E and O", KindPassport, "EO1234567", sufFormat, []string{"字母 O"}},
	{"E and 7 digits", KindPassport, "E1234567", sufFormat, []string{"E1234567"}},
	{"unknown prefix", KindPassport, "X12345678", sufFormat, []string{"X12345678", "E12345678"}},
	{"home-return permit", KindPassport, "H12345678", sufFormat, []string{"回乡证"}},
}

func TestPassportInvalid(t *testing.T) { runErrCases(t, passportInvalid) }

func TestPassportFields(t *testing.T) {
	p, err := ParsePassport("ea1234567")
	if err != nil {
		t.Fatal(err)
	}
	want := Passport{Number: "EA1234567", Type: PassportOrdinary, Series: "EA", Electronic: true}
	if p != want {
		t.Errorf("got %+v, want %+v", p, want)
	}
	for _, typ := range []PassportType{PassportOrdinary, PassportPublicAffairs, PassportService, PassportDiplomatic, PassportHKSAR, PassportMacaoSAR} {
		if typ.Label() == string(typ) {
			t.Errorf("%s has no label", typ)
		}
	}
}

var hkmoValid = []validCase{
	{"Hong Kong", KindHKMOPermit, "H12345678", "H12345678", map[string]string{"resident": "香港居民", "lifetime_number": "H12345678"}},
	{"Macau", KindHKMOPermit, "m 1234 5678", "M12345678", map[string]string{"resident": "澳门居民"}},
	{"with issue count", KindHKMOPermit, "H1234567802", "H1234567802", map[string]string{
		"lifetime_number": "H12345678", "issue_count": "2",
	}},
}

func TestHKMOPermitValid(t *testing.T) { runValidCases(t, hkmoValid) }

var hkmoInvalid = []errCase{
	{"empty", KindHKMOPermit, "", sufEmpty, nil},
	{"too short", KindHKMOPermit, "H1234567", sufLength, []string{"实际为 8 位"}},
	{"mainland residents' permit", KindHKMOPermit, "C12345678", sufPrefix, []string{"“C”", "内地居民往来港澳通行证"}},
	{"digit first", KindHKMOPermit, "812345678", sufPrefix, []string{"“8”"}},
	{"letter in digits", KindHKMOPermit, "H1234567A", sufChar, []string{"第 9 位", "“A”"}},
}

func TestHKMOPermitInvalid(t *testing.T) { runErrCases(t, hkmoInvalid) }

var twValid = []validCase{
	{"current", KindTWPermit, "12345678", "12345678", map[string]string{"lifetime_number": "12345678"}},
	{"with issue count", KindTWPermit, "1234567801", "1234567801", map[string]string{"issue_count": "1"}},
	// The form described in the 2008 announcement of the 8-digit numbers.
	{"with issuing office", KindTWPermit, "0561682001(D)", "0561682001(D)", map[string]string{
		"lifetime_number": "05616820", "issue_count": "1", "issuing_office": "D",
	}},
	{"full-width brackets", KindTWPermit, "0561682001（D）", "0561682001(D)", nil},
}

func TestTWPermitValid(t *testing.T) { runValidCases(t, twValid) }

var twInvalid = []errCase{
	{"empty", KindTWPermit, "", sufEmpty, nil},
	{"7 digits", KindTWPermit, "1234567", sufLength, []string{"8 位", "实际为 7 位"}},
	{"letter", KindTWPermit, "1234567A", sufChar, []string{"第 8 位", "“A”"}},
	{"square brackets", KindTWPermit, "0561682001[D]", sufFormat, []string{"[D]"}},
}

func TestTWPermitInvalid(t *testing.T) { runErrCases(t, twInvalid) }

var foreignPRValid = []validCase{
	{"old card", KindForeignPR, "CAN110018090112", "CAN110018090112", map[string]string{"nationality": "CAN"}},
	{"lower case", KindForeignPR, "usa 310078 020056", "USA310078020056", map[string]string{"nationality": "USA"}},
}

func TestForeignPRValid(t *testing.T) { runValidCases(t, foreignPRValid) }

var foreignPRInvalid = []errCase{
	{"empty", KindForeignPR, "", sufEmpty, nil},
	{"14 characters", KindForeignPR, "USA31007802005", sufLength, []string{"15 位", "实际为 14 位"}},
	{"2023 card", KindForeignPR, withCheck("94376019980305667"), sufLength, []string{"居民身份证号码"}},
	{"digit in nationality", KindForeignPR, "US1310078020056", sufChar, []string{"第 3 位", "“1”", "国籍"}},
	{"letter in digits", KindForeignPR, "USA31007802005O", sufChar, []string{"第 15 位", "“O”"}},
}

func TestForeignPRInvalid(t *testing.T) { runErrCases(t, foreignPRInvalid) }
