package ident

import (
	"strings"
	"unicode/utf8"
)

// People copy identifiers from Word documents, PDFs and chat apps, and type
// them with Chinese input methods: full-width digits and letters, the
// ideographic space, hyphens and dashes between groups, middle dots in
// plates, lower-case x. The functions here undo that before parsing, and
// map positions back to what was typed so that messages quote it.

// foldRune maps the full-width forms of ASCII (U+FF01–U+FF5E) and the
// ideographic space to ASCII. Done by hand rather than with x/text/width
// so that the ASCII happy path allocates nothing.
func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// isSeparator reports runes (after folding) that people put between groups
// of characters and that never belong to an identifier.
func isSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f',
		0x00A0,                 // no-break space
		0x200B, 0x2060, 0xFEFF, // zero-width space, word joiner, BOM
		'-', 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, // hyphens, dashes, minus
		0x00B7, 0x2022, 0x2027, 0x30FB, 0xFF65: // middle dots: · • ‧ ・ ･
		return true
	}
	return false
}

// compact returns s with separators removed, full-width forms folded and
// ASCII letters upper-cased. Anything else (a Chinese character, an
// emoji) is kept so that the parser can name it. When s needs no change it
// is returned as is, without allocating.
func compact(s string) string {
	if !needsCompact(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = foldRune(r)
		if isSeparator(r) {
			continue
		}
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// needsCompact reports whether compact would change s.
func needsCompact(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == '-' || ('a' <= c && c <= 'z') {
			return true
		}
		if c >= utf8.RuneSelf {
			// Rare: decode the rest rune by rune.
			for _, r := range s[i:] {
				if foldRune(r) != r || isSeparator(r) || ('a' <= r && r <= 'z') {
					return true
				}
			}
			return false
		}
	}
	return false
}

// sourceRune returns the rune of s, as typed, that became the n-th
// (0-based) rune of compact(s).
func sourceRune(s string, n int) rune {
	i := 0
	for _, r := range s {
		if isSeparator(foldRune(r)) {
			continue
		}
		if i == n {
			return r
		}
		i++
	}
	return utf8.RuneError
}

// trimSpace trims ASCII and Unicode spaces, including the ideographic one.
func trimSpace(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		r = foldRune(r)
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x00A0 || r == 0x200B || r == 0xFEFF
	})
}

// runeCount is the number of characters a person would count.
func runeCount(s string) int { return utf8.RuneCountInString(s) }

// isASCII reports whether s holds ASCII only, so byte indexes are
// character positions.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// firstNonASCII returns the 1-based position of the first non-ASCII rune
// of s, or 0.
func firstNonASCII(s string) int {
	pos := 0
	for _, r := range s {
		pos++
		if r >= utf8.RuneSelf {
			return pos
		}
	}
	return 0
}

// confusionHint suggests the likely typo when a letter stands where a digit
// belongs.
func confusionHint(r rune, expected string) string {
	if !strings.Contains(expected, "数字") || strings.Contains(expected, "字母") {
		return ""
	}
	switch foldRune(r) {
	case 'O', 'o':
		return "（是否把数字 0 输成了字母 O？）"
	case 'I', 'l', 'i', 'L':
		return "（是否把数字 1 输成了字母？）"
	}
	return ""
}
