package docs

import (
	"crypto/rand"
	"fmt"
	"strings"
	"unicode"
)

// The verification code printed on a document: 12 characters drawn at
// random from an alphabet without the look-alikes 0/O, 1/I/L and U (30
// symbols, so about 59 bits), shown in groups of four: 7KQM-2X9P-RD4T.
// Codes are stored without dashes and are unique (a collision, about one in
// 10^17 per pair, makes Issue draw again).
const (
	codeAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
	codeLen      = 12
	codeGroup    = 4
)

// newCode draws a code by rejection sampling, so every symbol is equally
// likely.
func newCode() (string, error) {
	const limit = 256 - 256%len(codeAlphabet)
	out := make([]byte, 0, codeLen)
	buf := make([]byte, 2*codeLen)
	for len(out) < codeLen {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("draw verification code: %w", err)
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < codeLen {
				out = append(out, codeAlphabet[int(c)%len(codeAlphabet)])
			}
		}
	}
	return string(out), nil
}

// FormatCode groups a stored code for print: 7KQM2X9PRD4T → 7KQM-2X9P-RD4T.
func FormatCode(code string) string {
	var b strings.Builder
	for i, c := range code {
		if i > 0 && i%codeGroup == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// normalizeCode turns what a person typed into a stored code: it drops
// spaces and dashes (ASCII and full-width), folds full-width characters and
// lower case. ok is false unless exactly 12 symbols of the alphabet remain.
func normalizeCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		if r >= '！' && r <= '～' { // full-width ASCII forms
			r -= '！' - '!'
		}
		switch {
		case r == '-' || r == '‐' || r == '‑' || r == '–' || r == '—' || r == '_' || unicode.IsSpace(r):
			continue
		case r > unicode.MaxASCII:
			return "", false
		}
		r = unicode.ToUpper(r)
		if !strings.ContainsRune(codeAlphabet, r) {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != codeLen {
		return "", false
	}
	return b.String(), true
}
