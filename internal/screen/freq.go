package screen

import "liandong/internal/screen/hanzi"

// freqModel estimates how common a name, a birth year and a place are,
// from the list itself (a sample of the population: 10 million names
// tell how common 张伟 is) and from published surname shares.
type freqModel struct {
	persons    float64
	givenChars map[rune]float64 // count of each character in given names
	givenTotal float64
	givenLen   [5]float64 // persons by given-name length (4 = 4 or more)
	years      [300]float64
	county     map[uint32]float64
	prefecture map[uint32]float64
	province   map[uint32]float64
	male       float64
}

func newFreqModel() *freqModel {
	return &freqModel{givenChars: map[rune]float64{}, county: map[uint32]float64{}, prefecture: map[uint32]float64{}, province: map[uint32]float64{}}
}

func (f *freqModel) add(folded string, birth Date, region uint32, flags uint8) {
	f.persons++
	var buf [16]rune
	rs := buf[:0]
	for _, r := range folded {
		rs = append(rs, r)
	}
	sl := hanzi.SplitSurname(rs)
	given := rs[sl:]
	for _, r := range given {
		f.givenChars[r]++
	}
	f.givenTotal += float64(len(given))
	f.givenLen[min(len(given), 4)]++
	if y := birth.Year() - 1900; y >= 0 && y < len(f.years) {
		f.years[y]++
	}
	if region != 0 {
		f.county[region]++
		f.prefecture[region/100]++
		f.province[region/10000]++
	}
	if flags&flagMale != 0 {
		f.male++
	}
}

// nameShareFloor bounds the share the model gives any name from below.
const nameShareFloor = 1e-9

// distinctChars is the smoothing vocabulary: about as many characters as
// given names use.
const distinctChars = 6000

// charShare estimates the share of given-name characters that are r.
func (f *freqModel) charShare(r rune) float64 {
	return (f.givenChars[r] + 0.5) / (f.givenTotal + 0.5*distinctChars)
}

// surnameShare of the surname part of a folded name.
func surnameShare(s []rune) float64 {
	if v, ok := hanzi.SurnameShare(string(s)); ok {
		return v
	}
	return hanzi.UnknownSurnameShare
}

// nameShare estimates the share of the population bearing this exact
// folded name: the surname's published share times the given name's
// characters' shares on the list (a model that does not need the name to
// be on the list), or the name's own share of the list when that is
// higher (张伟 is more common than its characters suggest).
func (f *freqModel) nameShare(rs []rune, countOnList int) float64 {
	sl := hanzi.SplitSurname(rs)
	p := surnameShare(rs[:sl])
	given := rs[sl:]
	if f.persons > 0 {
		p *= (f.givenLen[min(len(given), 4)] + 1) / (f.persons + 5)
	}
	for _, r := range given {
		p *= f.charShare(r)
	}
	// A floor of about one person nationwide: the product of character
	// shares treats characters as independent, which understates names
	// built from a small pool — transliterated names (阿依古丽, 扎西次仁)
	// above all — when the list has seen them only once.
	p = max(p, nameShareFloor)
	if f.persons > 0 && countOnList > 1 {
		if q := float64(countOnList-1) / f.persons; q > p {
			p = q
		}
	}
	return p
}

// posShare is the share of the character at position i in the model
// (the surname's share for the surname).
func (f *freqModel) posShare(rs []rune, i int) float64 {
	sl := hanzi.SplitSurname(rs)
	if i < sl {
		return surnameShare(rs[:sl])
	}
	return f.charShare(rs[i])
}

// dayShare estimates the share of people born on one day of year y.
func (f *freqModel) dayShare(y int) float64 {
	if f.persons == 0 || y < 1900 || y >= 2200 {
		return 1.0 / (365 * 70)
	}
	return (f.years[y-1900] + 1) / (f.persons + 70) / 365
}

// yearShare estimates the share of people born in year y.
func (f *freqModel) yearShare(y int) float64 {
	if f.persons == 0 || y < 1900 || y >= 2200 {
		return 1.0 / 70
	}
	return (f.years[y-1900] + 1) / (f.persons + 70)
}

// regionShare estimates the share of people from the place at the level
// of agreement.
func (f *freqModel) regionShare(code uint32, a regionAgreement) float64 {
	n := f.persons + 1
	switch a {
	case regionCounty:
		return max((f.county[code]+1)/n, 1.0/3000)
	case regionPrefecture:
		return max((f.prefecture[code/100]+1)/n, 1.0/340)
	case regionProvince:
		return max((f.province[code/10000]+1)/n, 1.0/34)
	}
	return 1
}

// sexShare is the share of persons of the sex given by flag.
func (f *freqModel) sexShare(male bool) float64 {
	if f.persons == 0 {
		return 0.5
	}
	m := (f.male + 1) / (f.persons + 2)
	if male {
		return m
	}
	return 1 - m
}

// soundKey hashes the loose syllables of a folded name (FNV-1a); names
// that sound alike share a key. Characters without pinyin hash as
// themselves.
func soundKey(folded string) uint64 {
	h := uint64(14695981039346656037)
	var buf [16]rune
	rs := buf[:0]
	for _, r := range folded {
		rs = append(rs, r)
	}
	sl := hanzi.SplitSurname(rs)
	for i, r := range rs {
		_, l := hanzi.Sound(r, i < sl)
		v := uint32(l)
		if l == 0 {
			v = uint32(r) | 1<<31
		}
		for k := 0; k < 4; k++ {
			h ^= uint64(byte(v >> (8 * k)))
			h *= 1099511628211
		}
	}
	if h == 0 {
		h = 1
	}
	return h
}

// orgKey hashes a folded unit name.
func orgKey(folded string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(folded); i++ {
		h ^= uint64(folded[i])
		h *= 1099511628211
	}
	if h == 0 {
		h = 1
	}
	return h
}

// nameHash is FNV-1a over a folded name's bytes, 32 bits.
func nameHash[T string | []byte](b T) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(b); i++ {
		h ^= uint32(b[i])
		h *= 16777619
	}
	return h
}
