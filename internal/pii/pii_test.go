package pii_test

import (
	"strings"
	"testing"

	"liandong/internal/keyring"
	"liandong/internal/pii"
)

func protector(t testing.TB) *pii.Protector {
	t.Helper()
	text, _ := keyring.Generate()
	r, err := keyring.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return pii.New(r)
}

func TestMask(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind     pii.Kind
		in, want string
	}{
		{pii.IDNumber, "11010519491231002X", "110105********002X"},
		{pii.IDNumber, "411626198001010011", "411626********0011"},
		{pii.IDNumber, "E12345678", "E1*****78"},
		{pii.IDNumber, "123", "***"},
		{pii.Phone, "13800138000", "138****8000"},
		{pii.Phone, "03948210000", "039****0000"},
		{pii.Phone, "110", "***"},
		{pii.Address, "河南省周口市川汇区七一路88号", "河南省周口市****"},
		{pii.Address, "周口市", "***"},
	}
	for _, tt := range tests {
		if got := pii.Mask(tt.kind, tt.in); got != tt.want {
			t.Errorf("Mask(%s, %q) = %q, want %q", tt.kind, tt.in, got, tt.want)
		}
	}
}

func TestProtectRevealIndex(t *testing.T) {
	t.Parallel()
	p := protector(t)
	f, err := p.Protect(pii.IDNumber, "11010519491231002X", "subjects.id_number:7")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(f.Sealed, "1101051949") {
		t.Error("sealed value contains the number")
	}
	if f.Masked != "110105********002X" || f.Index != p.Index(pii.IDNumber, "11010519491231002X") {
		t.Errorf("field %+v", f)
	}
	if f.Index == p.Index(pii.Phone, "11010519491231002X") {
		t.Error("index spaces of two kinds collide")
	}
	v, err := p.Reveal(pii.IDNumber, f.Sealed, "subjects.id_number:7")
	if err != nil || v != "11010519491231002X" {
		t.Errorf("Reveal = %q, %v", v, err)
	}
	if _, err := p.Reveal(pii.IDNumber, f.Sealed, "subjects.id_number:8"); err == nil {
		t.Error("a value revealed at another place")
	}
	if _, err := p.Reveal(pii.Phone, f.Sealed, "subjects.id_number:7"); err == nil {
		t.Error("a value revealed as another kind")
	}
}

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"+86 138-0013-8000": "13800138000",
		"008613800138000":   "13800138000",
		"１３８００１３８０００":       "13800138000",
		"0394-8210000":      "03948210000",
	} {
		if got := pii.NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkProtect(b *testing.B) {
	p := protector(b)
	for b.Loop() {
		if _, err := p.Protect(pii.IDNumber, "11010519491231002X", "subjects.id_number:7"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReveal(b *testing.B) {
	p := protector(b)
	f, _ := p.Protect(pii.IDNumber, "11010519491231002X", "subjects.id_number:7")
	for b.Loop() {
		if _, err := p.Reveal(pii.IDNumber, f.Sealed, "subjects.id_number:7"); err != nil {
			b.Fatal(err)
		}
	}
}
