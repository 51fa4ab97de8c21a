package docs

import (
	"strings"
	"testing"
)

func TestNewCode(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	counts := map[rune]int{}
	const n = 3000
	for i := 0; i < n; i++ {
		c, err := newCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != codeLen {
			t.Fatalf("code %q has %d characters", c, len(c))
		}
		for _, r := range c {
			if !strings.ContainsRune(codeAlphabet, r) {
				t.Fatalf("code %q holds %q", c, r)
			}
			counts[r]++
		}
		if seen[c] {
			t.Fatalf("code %q drawn twice", c)
		}
		seen[c] = true
	}
	// Every symbol appears, roughly evenly (expected 1200 each).
	for _, r := range codeAlphabet {
		if counts[r] < 900 || counts[r] > 1500 {
			t.Errorf("symbol %q drawn %d times of %d", r, counts[r], n*codeLen)
		}
	}
	for _, bad := range "01ILOU" {
		if strings.ContainsRune(codeAlphabet, bad) {
			t.Errorf("alphabet holds the ambiguous %q", bad)
		}
	}
}

func TestFormatAndNormalizeCode(t *testing.T) {
	t.Parallel()
	if got := FormatCode("7KQM2X9PRD4T"); got != "7KQM-2X9P-RD4T" {
		t.Errorf("FormatCode = %q", got)
	}
	for _, in := range []string{"7KQM-2X9P-RD4T", "7kqm2x9prd4t", " 7KQM 2X9P RD4T ", "７ＫＱＭ－２Ｘ９Ｐ－ＲＤ４Ｔ", "7KQM—2X9P—RD4T"} {
		if got, ok := normalizeCode(in); !ok || got != "7KQM2X9PRD4T" {
			t.Errorf("normalizeCode(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "7KQM-2X9P-RD4", "7KQM-2X9P-RD4TX", "7KQM-2X9P-RD40", "OKQM-2X9P-RD4T", "7KQM-2X9P-RD4Ｔ字", strings.Repeat("ab", 32)} {
		if got, ok := normalizeCode(in); ok {
			t.Errorf("normalizeCode(%q) = %q, accepted", in, got)
		}
	}
}
