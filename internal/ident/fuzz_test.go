package ident

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkProperties holds for every input of every kind: no panic; an error is
// an *Error with this kind's code and a message; a valid result's
// normalized form is valid again, normalizes to itself and tells the same
// facts (save the upgrade note of a 15-digit number).
func checkProperties(t *testing.T, kind Kind, s string) {
	r, err := CheckAt(kind, s, testToday)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("CheckAt(%s, %q) error %T is not *Error", kind, s, err)
		}
		if e.Kind != kind || !strings.HasPrefix(e.Code, string(kind)+".") || e.Message == "" || !utf8.ValidString(e.Message) {
			t.Fatalf("CheckAt(%s, %q) = %#v", kind, s, e)
		}
		return
	}
	if r.Normalized == "" || !utf8.ValidString(r.Normalized) {
		t.Fatalf("CheckAt(%s, %q) normalized to %q", kind, s, r.Normalized)
	}
	again, err := CheckAt(kind, r.Normalized, testToday)
	if err != nil {
		t.Fatalf("normalized %q of %q is invalid: %v", r.Normalized, s, err)
	}
	if again.Normalized != r.Normalized {
		t.Fatalf("normalizing %q twice: %q then %q", s, r.Normalized, again.Normalized)
	}
	if _, upgraded := r.Fact("upgraded"); !upgraded && !reflect.DeepEqual(again.Facts, r.Facts) {
		t.Fatalf("facts of %q changed on re-check:\n%v\n%v", s, r.Facts, again.Facts)
	}
}

func fuzzKind(f *testing.F, kind Kind, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkProperties(t, kind, s)
		_, _ = DetectAt(s, testToday)
	})
}

func FuzzResidentID(f *testing.F) {
	fuzzKind(f, KindResidentID, "11010519491231002X", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ",
		"130503670401001", withCheck("94376019980305667"), withCheck("81000019900101001"), "110105-1949 1231-002X", "")
}

func FuzzPassport(f *testing.F) {
	fuzzKind(f, KindPassport, "E12345678", "ea1234567", "G12345678", "141234567", "P1234567", "DE1234567", "MA1234567", "EI1234567")
}

func FuzzHKMOPermit(f *testing.F) {
	fuzzKind(f, KindHKMOPermit, "H12345678", "m1234567801", "C12345678")
}

func FuzzTWPermit(f *testing.F) {
	fuzzKind(f, KindTWPermit, "12345678", "1234567801", "0561682001(D)", "0561682001（D）")
}

func FuzzForeignPR(f *testing.F) {
	fuzzKind(f, KindForeignPR, "USA310078020056", "can 110018090112")
}

func FuzzCreditCode(f *testing.F) {
	fuzzKind(f, KindCreditCode, "91350100M000100Y43", "914403001922038216", "91100000100003962T", "9135 0100 m000 100y 43")
}

func FuzzPlate(f *testing.F) {
	fuzzKind(f, KindPlate, "豫P12345", "豫P·12345", "豫PD12345", "豫P12345D", "豫P1234挂", "豫Ｐ１２３４５", "豫P.A1234")
}

func FuzzVIN(f *testing.F) {
	fuzzKind(f, KindVIN, "1M8GDM9AXKP042788", "LVSFCFME37F107967", "lvsfc fme37 f107967")
}

func FuzzCaseNumber(f *testing.F) {
	fuzzKind(f, KindCaseNumber, "（2021）豫16执123号", "(2021)豫1602执恢00012", "〔2021〕最高法执监5号", "【2021】豫16执123", "（2015）周执字第123号")
}

// Detect never panics, and what it accepts is valid as the kind it names.
func FuzzDetect(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "914403001922038216", "1M8GDM9AXKP042788", "豫P·12345",
		"（2021）豫16执123号", "E12345678", "H12345678", "12345678", "0561682001(D)", "USA310078020056", "hello", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := DetectAt(s, testToday)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code == "" || e.Message == "" {
				t.Fatalf("DetectAt(%q) error = %#v", s, err)
			}
			return
		}
		checkProperties(t, r.Kind, s)
		if again, err := CheckAt(r.Kind, r.Normalized, testToday); err != nil || again.Normalized != r.Normalized {
			t.Fatalf("Detect(%q) = %s %q, but re-check gives %q, %v", s, r.Kind, r.Normalized, again.Normalized, err)
		}
	})
}
