package ident

import (
	"errors"
	"strings"
	"testing"
)

func allErrCases() [][]errCase {
	return [][]errCase{
		residentInvalid, passportInvalid, hkmoInvalid, twInvalid, foreignPRInvalid,
		creditInvalid, plateInvalid, vinInvalid, caseInvalid,
	}
}

// Every error code a parser can return is produced by at least one test
// case, and no test expects a code the package does not declare.
func TestEveryCodeIsTested(t *testing.T) {
	declared := map[string]bool{}
	for _, c := range Codes() {
		declared[c] = true
	}
	tested := map[string]bool{CodeUnknown: true, CodeUnknownKind: true} // tested below
	for _, cases := range allErrCases() {
		for _, tc := range cases {
			code := string(tc.kind) + "." + tc.code
			if !declared[code] {
				t.Errorf("test %q expects undeclared code %s", tc.name, code)
			}
			tested[code] = true
		}
	}
	for code := range declared {
		if !tested[code] {
			t.Errorf("code %s has no test case", code)
		}
	}
}

func TestKinds(t *testing.T) {
	kinds := Kinds()
	if len(kinds) != 9 {
		t.Fatalf("Kinds() = %v", kinds)
	}
	kinds[0] = "changed"
	if Kinds()[0] != KindResidentID {
		t.Error("Kinds() exposes its backing array")
	}
	seen := map[string]bool{}
	for _, k := range Kinds() {
		if !k.Valid() || k.Label() == string(k) || seen[k.Label()] {
			t.Errorf("kind %q: label %q", k, k.Label())
		}
		seen[k.Label()] = true
		if _, ok := codesByKind[k]; !ok {
			t.Errorf("kind %q has no codes", k)
		}
	}
	if Kind("nope").Valid() || Kind("nope").Label() != "nope" {
		t.Error("unknown kind")
	}
}

func TestCheckUnknownKind(t *testing.T) {
	_, err := Check("nope", "123")
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeUnknownKind || !strings.Contains(e.Message, "nope") {
		t.Fatalf("err = %#v", err)
	}
	if e.Error() != e.Message {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		in   string
		kind Kind   // when valid
		code string // when invalid
	}{
		{"11010519491231002X", KindResidentID, ""},
		{"１１０１０５ １９４９１２３１ ００２ｘ", KindResidentID, ""},
		{"130503670401001", KindResidentID, ""},
		{withCheck("94376019980305667"), KindResidentID, ""},
		{"110105194912310021", "", "resident_id.check_digit"},
		{"11010519491231002", "", "resident_id.length"},
		{"1101051949123100", "", "resident_id.length"},
		{"914403001922038216", KindCreditCode, ""},
		{"91350100M000100Y43", KindCreditCode, ""},
		{"91350100M000100Y44", "", "credit_code.check_digit"},
		// Fails as a foreign PR ID on its date and as a credit code on its
		// check character; the check got further.
		{"914403001922038217", "", "credit_code.check_digit"},
		{"1M8GDM9AXKP042788", KindVIN, ""},
		{"1M8GDM9A1KP042788", "", "vin.check_digit"},
		{"豫P·12345", KindPlate, ""},
		{"豫PD12345", KindPlate, ""},
		{"豫P1234", "", "plate.length"},
		{"（2021）豫16执123号", KindCaseNumber, ""},
		{"2021豫16执123号", "", "case_number.format"},
		{"豫16执123号", "", "case_number.format"},
		{"E12345678", KindPassport, ""},
		{"EA1234567", KindPassport, ""},
		{"141234567", KindPassport, ""},
		{"P1234567", KindPassport, ""},
		{"H12345678", KindHKMOPermit, ""},
		{"M1234567801", KindHKMOPermit, ""},
		{"C12345678", "", "hk_mo_permit.prefix"},
		{"12345678", KindTWPermit, ""},
		{"0561682001（D）", KindTWPermit, ""},
		{"USA310078020056", KindForeignPR, ""},
		{"hello", "", CodeUnknown},
		{"你好", "", CodeUnknown},
		{"", "", CodeUnknown},
		{"---", "", CodeUnknown},
		{"12", "", CodeUnknown},
	}
	for _, tc := range tests {
		r, err := DetectAt(tc.in, testToday)
		if tc.code == "" {
			if err != nil || r.Kind != tc.kind {
				t.Errorf("Detect(%q) = %v, %v; want kind %s", tc.in, r.Kind, err, tc.kind)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != tc.code {
			t.Errorf("Detect(%q) = %v, %v; want code %s", tc.in, r.Kind, err, tc.code)
		}
	}
}

func TestDetectEmptyMessage(t *testing.T) {
	_, err := Detect("  ")
	if err == nil || err.Error() != "号码为空" {
		t.Errorf("err = %v", err)
	}
}

func TestResultFact(t *testing.T) {
	r := Result{Facts: []Fact{{"a", "A", "1"}}}
	if v, ok := r.Fact("a"); !ok || v != "1" {
		t.Error("Fact(a)")
	}
	if _, ok := r.Fact("b"); ok {
		t.Error("Fact(b)")
	}
}
