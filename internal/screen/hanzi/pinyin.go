package hanzi

import (
	"strings"
	"sync"

	"github.com/mozillazg/go-pinyin"
)

// Syllable identifies a pinyin syllable without tone. Zero means the
// character has no pinyin (not a Han character, or not in the table).
type Syllable uint16

// surnameReadings are the readings of characters used as surnames that
// differ from the character's most common reading (单 Shàn, not dān).
var surnameReadings = map[rune]string{
	'单': "shan", '曾': "zeng", '解': "xie", '仇': "qiu", '区': "ou", '朴': "piao",
	'查': "zha", '覃': "qin", '盖': "ge", '缪': "miao", '尉': "yu", '翟': "zhai",
	'乐': "yue", '繁': "po", '秘': "bi", '员': "yun", '召': "shao", '种': "chong",
	'折': "she", '藏': "zang", '都': "du", '冼': "xian", '长': "chang", '万': "wan",
	'句': "gou", '华': "hua", '纪': "ji", '宿': "su", '柏': "bai", '薄': "bo",
}

// loose merges the pairs that speakers of many dialects do not tell apart
// and that officers mishear: zh/z, ch/c, sh/s, n/l, f/h at the start;
// -ang/-an, -eng/-en, -ing/-in at the end.
func loose(s string) string {
	switch {
	case strings.HasPrefix(s, "zh"), strings.HasPrefix(s, "ch"), strings.HasPrefix(s, "sh"):
		s = s[:1] + s[2:]
	case strings.HasPrefix(s, "n") && s != "n" && !strings.HasPrefix(s, "ng"):
		s = "l" + s[1:]
	case strings.HasPrefix(s, "f"):
		s = "h" + s[1:]
	}
	switch {
	case strings.HasSuffix(s, "ang"), strings.HasSuffix(s, "eng"), strings.HasSuffix(s, "ing"):
		s = s[:len(s)-1]
	}
	return s
}

var toneless = strings.NewReplacer(
	"ā", "a", "á", "a", "ǎ", "a", "à", "a",
	"ē", "e", "é", "e", "ě", "e", "è", "e", "ê", "e", "ế", "e", "ề", "e",
	"ī", "i", "í", "i", "ǐ", "i", "ì", "i",
	"ō", "o", "ó", "o", "ǒ", "o", "ò", "o",
	"ū", "u", "ú", "u", "ǔ", "u", "ù", "u",
	"ǖ", "v", "ǘ", "v", "ǚ", "v", "ǜ", "v", "ü", "v",
	"ń", "n", "ň", "n", "ǹ", "n", "ḿ", "m", "m̀", "m",
)

const (
	hanLo = 0x3400
	hanHi = 0x9FFF
)

type syllableTable struct {
	strict, loose []Syllable // indexed by rune - hanLo
	names         []string   // strict and loose syllable texts by id
	surStrict     map[rune]Syllable
	surLoose      map[rune]Syllable
}

var syllables = sync.OnceValue(func() *syllableTable {
	t := &syllableTable{
		strict:    make([]Syllable, hanHi-hanLo+1),
		loose:     make([]Syllable, hanHi-hanLo+1),
		names:     []string{""},
		surStrict: map[rune]Syllable{},
		surLoose:  map[rune]Syllable{},
	}
	ids := map[string]Syllable{}
	intern := func(s string) Syllable {
		if id, ok := ids[s]; ok {
			return id
		}
		id := Syllable(len(t.names))
		t.names = append(t.names, s)
		ids[s] = id
		return id
	}
	for r, readings := range pinyin.PinyinDict {
		if r < hanLo || r > hanHi {
			continue
		}
		first, _, _ := strings.Cut(readings, ",")
		s := toneless.Replace(first)
		t.strict[r-hanLo] = intern(s)
		t.loose[r-hanLo] = intern("~" + loose(s))
	}
	for r, s := range surnameReadings {
		t.surStrict[r] = intern(s)
		t.surLoose[r] = intern("~" + loose(s))
	}
	return t
})

// Sound returns the strict and the loose syllable of r. surname selects
// the reading a character has as a surname. Latin letters and digits are
// their own syllables, so that names written in letters compare too.
func Sound(r rune, surname bool) (strict, looseSyl Syllable) {
	if r < hanLo || r > hanHi {
		if r < 0x80 {
			return Syllable(0xFF00 | r), Syllable(0xFF00 | r)
		}
		return 0, 0
	}
	t := syllables()
	if surname {
		if s, ok := t.surStrict[r]; ok {
			return s, t.surLoose[r]
		}
	}
	return t.strict[r-hanLo], t.loose[r-hanLo]
}

// SyllableText returns the pinyin of a syllable id ("zhang"; loose ones
// are prefixed with "~": "~zan").
func SyllableText(s Syllable) string {
	t := syllables()
	if int(s) < len(t.names) {
		return t.names[s]
	}
	if s&0xFF00 == 0xFF00 {
		return string(rune(s & 0xFF))
	}
	return ""
}
