package hanzi

import (
	"bufio"
	_ "embed"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// surnames.tsv lists surnames with their share of the population; its
// header cites the source.
//
//go:embed surnames.tsv
var surnamesTSV string

// Surname is one row of the surname table.
type Surname struct {
	Name     string
	Share    float64 // share of the population, 0.074 = 7.4 %
	Compound bool    // two characters: 欧阳, 司马 …
}

type surnameTable struct {
	list  []Surname
	share map[string]float64
}

var surnameData = sync.OnceValue(func() *surnameTable {
	t := &surnameTable{share: map[string]float64{}}
	sc := bufio.NewScanner(strings.NewReader(surnamesTSV))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 2 {
			continue
		}
		ppm, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			continue
		}
		s := Surname{Name: f[0], Share: ppm / 1e6, Compound: utf8.RuneCountInString(f[0]) == 2}
		t.list = append(t.list, s)
		t.share[s.Name] = s.Share
	}
	return t
})

// Surnames returns the surname table, most common first. The slice is
// shared: do not modify it.
func Surnames() []Surname { return surnameData().list }

// UnknownSurnameShare is the share assumed for a surname not in the table
// (the table ends near 20 per million).
const UnknownSurnameShare = 5e-6

// SurnameShare returns the share of the population bearing surname s.
func SurnameShare(s string) (float64, bool) {
	v, ok := surnameData().share[s]
	return v, ok
}

// SplitSurname returns how many leading runes of the folded name are its
// surname: 2 for a known compound surname (欧阳, 司马 …), otherwise 1; 0 for
// an empty name. Names of minorities written as one transliteration
// (买买提艾力) have no surname in this sense; the first rune is returned all
// the same, which only matters for weights.
func SplitSurname(name []rune) int {
	if len(name) == 0 {
		return 0
	}
	if len(name) >= 3 {
		if _, ok := surnameData().share[string(name[:2])]; ok {
			return 2
		}
	}
	return 1
}
