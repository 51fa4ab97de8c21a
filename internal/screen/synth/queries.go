package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"liandong/internal/screen"
	"liandong/internal/screen/hanzi"
)

// Labelled is a query with what the engine should find.
type Labelled struct {
	screen.Query
	Kind    string // how the query was made (see Kinds)
	Person  int    // the person on the list it is about; -1 when the person is not listed
	Unit    int    // the entry index of a unit it is about; -1 otherwise
	ValidID bool   // the query carries a valid identity number or credit code of that person or unit
}

// OnList reports whether the query is about someone on the list.
func (q Labelled) OnList() bool { return q.Person >= 0 || q.Unit >= 0 }

// kindShare is the mix of a query set, in parts of 100.
var kindShare = []struct {
	kind  string
	share int
}{
	{"true_id", 8},             // clean resident ID and name
	{"true_legacy15", 6},       // the 15-digit form of the number
	{"true_fullwidth", 6},      // full-width digits, spaces, lower-case x
	{"true_traditional", 6},    // the name in traditional characters, with the ID
	{"true_homophone_id", 5},   // a homophone in the name, with the ID
	{"true_passport", 3},       // the passport only
	{"true_noid", 8},           // no ID: name, birth date, sex, sometimes the place
	{"true_noid_variant", 4},   // no ID, the name in traditional characters or with other dots
	{"true_noid_homophone", 2}, // no ID, a homophone in the name
	{"true_typo_id", 4},        // a digit of the ID mistyped, the name right
	{"true_unit", 3},           // a unit by credit code and name
	{"neg_plain", 25},          // someone not listed, with their own valid ID
	{"neg_namesake", 8},        // a namesake of a listed person born the same year, own ID
	{"neg_namesake_noid", 6},   // the same without ID: name, birth date (same year), sex
	{"neg_noid", 6},            // someone not listed, no ID
}

// Kinds lists the query kinds in the order of the mix.
func Kinds() []string {
	out := make([]string, len(kindShare))
	for i, k := range kindShare {
		out[i] = k.kind
	}
	return out
}

// Queries returns n labelled queries drawn deterministically from the list.
func (l *List) Queries(n int) []Labelled {
	out := make([]Labelled, 0, n)
	total := 0
	for _, k := range kindShare {
		total += k.share
	}
	for i := 0; i < n; i++ {
		r := l.rng(4, uint64(i))
		x := r.IntN(total)
		kind := kindShare[len(kindShare)-1].kind
		for _, k := range kindShare {
			if x < k.share {
				kind = k.kind
				break
			}
			x -= k.share
		}
		q := l.query(kind, i, r)
		q.Ref = fmt.Sprintf("q%d", i)
		out = append(out, q)
	}
	return out
}

// listedPerson draws a person on the list (and the entry that lists them).
func (l *List) listedPerson(r *rand.Rand) (Person, int) {
	for {
		i := r.IntN(l.cfg.Entries)
		if p := l.PersonOf(i); p >= 0 {
			return l.person(p), i
		}
	}
}

func (l *List) outsider(i int) Person { return l.person(l.cfg.Entries*4 + i) }

func sexText(s byte, r *rand.Rand) string {
	switch r.IntN(3) {
	case 0:
		if s == 'M' {
			return "男"
		}
		return "女"
	case 1:
		return string(s)
	}
	return ""
}

func (l *List) query(kind string, i int, r *rand.Rand) Labelled {
	q := Labelled{Kind: kind, Person: -1, Unit: -1}
	switch kind {
	case "true_unit":
		for {
			j := r.IntN(l.cfg.Entries)
			if l.PersonOf(j) < 0 {
				e := l.unit(j)
				q.Unit, q.ValidID = j, true
				q.Name, q.IDNumber = e.Name, e.CreditCode
				return q
			}
		}
	case "neg_plain", "neg_noid":
		p := l.outsider(i)
		q.Name, q.BirthDate, q.Sex = p.Name, p.Birth.String(), sexText(p.Sex, r)
		if kind == "neg_plain" {
			q.IDNumber = p.ID
		}
		if r.IntN(2) == 0 {
			q.Region = p.Region
		}
		return q
	case "neg_namesake", "neg_namesake_noid":
		listed, _ := l.listedPerson(r)
		p := l.outsider(i)
		p.Name, p.Sex = listed.Name, listed.Sex
		for {
			p.Birth = screen.NewDate(listed.Birth.Year(), 1+r.IntN(12), 1+r.IntN(28))
			if p.Birth != listed.Birth {
				break
			}
		}
		seq := r.IntN(500) * 2
		if p.Sex == 'M' {
			seq++
		}
		p.ID = residentID(p.Region, p.Birth, seq)
		q.Name, q.BirthDate, q.Sex = p.Name, p.Birth.String(), sexText(p.Sex, r)
		if kind == "neg_namesake" {
			q.IDNumber = p.ID
		}
		if r.IntN(2) == 0 {
			q.Region = p.Region
		}
		return q
	}
	p, _ := l.listedPerson(r)
	q.Person = p.Index
	q.Name = p.Name
	q.Sex = sexText(p.Sex, r)
	switch kind {
	case "true_id":
		q.IDNumber, q.ValidID = p.ID, true
	case "true_legacy15":
		if s, ok := legacy15(p.ID); ok {
			q.IDNumber = s
		} else {
			q.IDNumber, q.Kind = p.ID, "true_id"
		}
		q.ValidID = true
	case "true_fullwidth":
		q.IDNumber, q.ValidID = fullWidth(p.ID[:6])+" "+fullWidth(p.ID[6:14])+" "+strings.ToLower(p.ID[14:]), true
	case "true_traditional":
		q.Name, q.IDNumber, q.ValidID = hanzi.ToTraditional(p.Name), p.ID, true
	case "true_homophone_id":
		q.Name, q.IDNumber, q.ValidID = withHomophone(p.Name, r), p.ID, true
	case "true_passport":
		if p.Passport != "" {
			q.IDNumber = p.Passport
		} else {
			q.IDNumber, q.Kind = p.ID, "true_id"
		}
		q.ValidID = true
	case "true_noid", "true_noid_variant", "true_noid_homophone":
		q.BirthDate = p.Birth.String()
		if r.IntN(3) == 0 {
			q.BirthDate = strings.ReplaceAll(q.BirthDate, "-", "")
		}
		switch r.IntN(4) {
		case 0:
			q.Region = p.Region
		case 1:
			q.Region = placeName(p.Region)
		}
		switch kind {
		case "true_noid_variant":
			if p.Minority {
				q.Name = strings.ReplaceAll(p.Name, "·", []string{"•", "‧", "･", ".", " ", ""}[r.IntN(6)])
			} else {
				q.Name = hanzi.ToTraditional(p.Name)
			}
		case "true_noid_homophone":
			q.Name = withHomophone(p.Name, r)
		}
	case "true_typo_id":
		q.IDNumber = mistype(p.ID, r)
		if r.IntN(2) == 0 {
			q.BirthDate = p.Birth.String()
		}
	}
	return q
}

func fullWidth(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			c += '０' - '0'
		}
		b.WriteRune(c)
	}
	return b.String()
}

// withHomophone replaces one character of the given name by another with
// the same pinyin (伟 → 炜).
func withHomophone(name string, r *rand.Rand) string {
	rs := []rune(name)
	sl := hanzi.SplitSurname(rs)
	start := r.IntN(len(rs)-sl+1) + sl
	for k := 0; k < len(rs)-sl; k++ {
		i := sl + (start-sl+k)%(len(rs)-sl)
		if h := homophone(rs[i], r); h != 0 {
			rs[i] = h
			return string(rs)
		}
	}
	return name
}

// mistype changes one of the first 17 digits, or swaps two neighbours.
func mistype(id string, r *rand.Rand) string {
	b := []byte(id)
	if r.IntN(3) == 0 {
		i := r.IntN(16)
		if b[i] != b[i+1] {
			b[i], b[i+1] = b[i+1], b[i]
			return string(b)
		}
	}
	i := r.IntN(17)
	b[i] = byte('0' + (int(b[i]-'0')+1+r.IntN(9))%10)
	return string(b)
}

// placeName writes a code as people write the place: 周口市淮阳区, or just
// the county.
func placeName(code string) string {
	return cityOf(code) + countyOf(code)
}
