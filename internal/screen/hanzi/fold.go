// Package hanzi holds the character tables the screening engine and the
// synthetic generator share: folding of names (full-width, separators,
// traditional and variant characters), pinyin syllables for sound-alike
// matching, and surname frequencies. All tables are immutable: embedded
// files parsed once, on first use.
package hanzi

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// t2s.tsv maps traditional and regional variant characters to the
// simplified standard form; its header names the OpenCC source, and
// gen_t2s.go's comment how to regenerate it.
//
//go:embed t2s.tsv
var t2sTSV string

// nameVariants are variant characters found in personal names that the
// 通用规范汉字表 (2013) keeps as separate characters but that registries and
// officers write either way (喆/哲, 堃/坤 …). Folding both to one form makes
// the two spellings of a name equal.
var nameVariants = map[rune]rune{
	'喆': '哲', '堃': '坤', '昇': '升', '陞': '升', '甦': '苏', '淩': '凌',
	'崑': '昆', '〇': '零',
}

var foldTable = sync.OnceValue(func() map[rune]rune {
	m := make(map[rune]rune, 4400)
	sc := bufio.NewScanner(strings.NewReader(t2sTSV))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		kr, _ := utf8.DecodeRuneInString(k)
		vr, _ := utf8.DecodeRuneInString(v)
		m[kr] = vr
	}
	for k, v := range nameVariants {
		if k != v {
			m[k] = v
		}
	}
	// Resolve chains (薴 → 苧 → 苎) so that folding is idempotent.
	for k, v := range m {
		for i := 0; i < 4; i++ {
			next, ok := m[v]
			if !ok || next == v {
				break
			}
			v = next
		}
		m[k] = v
	}
	return m
})

// FoldRune maps one character of a name to its folded form: full-width
// ASCII to ASCII, lower-case Latin letters to upper case, traditional and
// variant Chinese characters to the simplified standard form. It returns
// -1 for characters that carry no information in a name: white space,
// middle dots (· • ‧ ・ ･) and other punctuation and symbols.
func FoldRune(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0
	}
	switch {
	case 'a' <= r && r <= 'z':
		return r - ('a' - 'A')
	case r < 0x80:
		if 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			return r
		}
		return -1
	case r == utf8.RuneError:
		return -1
	}
	if r >= hanLo && r <= hanHi {
		return denseFold()[r-hanLo]
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return -1
	}
	if v, ok := foldTable()[r]; ok {
		return v
	}
	return r
}

// denseFold is the fold table for the CJK blocks as an array, for speed.
var denseFold = sync.OnceValue(func() []rune {
	t := foldTable()
	d := make([]rune, hanHi-hanLo+1)
	for i := range d {
		r := rune(hanLo + i)
		if v, ok := t[r]; ok {
			d[i] = v
		} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
			d[i] = r
		} else {
			d[i] = -1
		}
	}
	return d
})

// FoldChanged is Fold that also reports whether a character was changed
// (not merely dropped): a traditional, variant or full-width character.
func FoldChanged(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	changed := false
	for _, r := range s {
		f := FoldRune(r)
		if f < 0 {
			continue
		}
		if f != r && !(r >= 'a' && r <= 'z') {
			changed = true
		}
		b.WriteRune(f)
	}
	return b.String(), changed
}

// Fold returns the folded form of a name (see FoldRune). Two spellings of
// the same name — 欧阳 娜娜 and 歐陽娜娜, 买买提·艾力 and 买买提艾力 — fold to the
// same string.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f := FoldRune(r); f >= 0 {
			b.WriteRune(f)
		}
	}
	return b.String()
}

// IsHan reports whether r is a CJK unified ideograph (basic block or
// extension A), the characters that have pinyin.
func IsHan(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF
}

// traditional maps a simplified character to one traditional form (the
// first found in the table), for generating test data.
var traditional = sync.OnceValue(func() map[rune]rune {
	t := foldTable()
	m := make(map[rune]rune, len(t))
	for k, v := range t {
		if old, ok := m[v]; !ok || k < old {
			m[v] = k
		}
	}
	return m
})

// ToTraditional writes s with traditional characters where the fold table
// knows one (张三 → 張三). Fold undoes it. For test data.
func ToTraditional(s string) string {
	m := traditional()
	var b strings.Builder
	for _, r := range s {
		if t, ok := m[r]; ok && FoldRune(t) == r {
			r = t
		}
		b.WriteRune(r)
	}
	return b.String()
}
