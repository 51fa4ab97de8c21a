package docs

import (
	"bytes"
	"testing"

	"liandong/internal/apperr"
)

// FuzzSniff: Sniff never panics; it accepts or refuses with doc.empty or
// doc.type_unsupported; what it accepts as kind T carries exactly T's magic,
// passes T's structure check and sniffs as T again.
//
//	go test ./internal/docs -run '^$' -fuzz FuzzSniff -fuzztime 60s
func FuzzSniff(f *testing.F) {
	for _, seed := range [][]byte{
		SamplePDF("seed", 0), SamplePNG(7), SampleJPEG(7), SampleOFD("seed"),
		SampleEXE(), SampleZip([2]string{"a.txt", "x"}), []byte("<html>"), {}, []byte("%PDF-1.4\nstartxref\n0\n%%EOF"),
		{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x02, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		orig := bytes.Clone(b)
		kind, err := Sniff(b)
		if !bytes.Equal(b, orig) {
			t.Fatal("Sniff changed its input")
		}
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || (e.Code != "doc.empty" && e.Code != "doc.type_unsupported") || e.Message == "" {
				t.Fatalf("refusal is not a user error: %v", err)
			}
			if kind != "" {
				t.Fatalf("refused but returned kind %q", kind)
			}
			return
		}
		matches := 0
		for _, f := range formats {
			if f.magic(b) {
				matches++
				if f.kind != kind {
					t.Fatalf("accepted as %s but carries the magic of %s", kind, f.kind)
				}
				if reason := f.check(b); reason != "" {
					t.Fatalf("accepted as %s but its check says %s", kind, reason)
				}
			}
		}
		if matches != 1 {
			t.Fatalf("accepted as %s with %d matching magics", kind, matches)
		}
		if again, err := Sniff(bytes.Clone(b)); err != nil || again != kind {
			t.Fatalf("re-sniff = %q, %v; want %s", again, err, kind)
		}
	})
}
