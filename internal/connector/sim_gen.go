package connector

import (
	"fmt"
	"math/rand/v2"
	"time"

	"liandong/internal/ident"
)

// regularPeople is how many ordinary people are generated besides the
// special ones.
const regularPeople = 300

// generator builds the synthetic population from one random source.
type generator struct {
	r    *rand.Rand
	now  time.Time
	used map[string]bool
}

// generate returns the special people (detention refusal paths) and then
// the regular ones. Every identity number is checked with ident.
func generate(seed int64, now time.Time) []*simPerson {
	g := &generator{r: rand.New(rand.NewPCG(uint64(seed), 0x6c69616e646f6e67)), now: now, used: map[string]bool{}}
	var out []*simPerson
	special := []struct {
		county int
		sex    string
		birth  time.Time
		note   string
		set    func(*simPerson)
	}{
		{0, "M", date(1949, 3, 1), "七十周岁以上", nil},
		{9, "F", date(1953, 11, 20), "七十周岁以上", nil},
		{4, "F", date(1994, 7, 8), "怀孕", func(p *simPerson) { p.Pregnant = true }},
		{1, "F", date(1991, 4, 17), "哺乳不满一周岁婴儿", func(p *simPerson) { p.InfantBorn = now.AddDate(0, -4, 0).Truncate(24 * time.Hour) }},
		{6, "M", date(1970, 12, 2), "病情严重", func(p *simPerson) { p.SeriousIllness = true }},
		{2, "M", date(2010, 10, 1), "未成年人", nil},
	}
	for _, sp := range special {
		p := g.person(counties[sp.county], sp.sex, sp.birth)
		p.Note = sp.note
		if sp.set != nil {
			sp.set(p)
		}
		out = append(out, p)
	}
	for range regularPeople {
		sex := "M"
		if g.r.IntN(2) == 0 {
			sex = "F"
		}
		birth := date(1955+g.r.IntN(49), time.Month(1+g.r.IntN(12)), 1).AddDate(0, 0, g.r.IntN(28))
		out = append(out, g.person(counties[g.r.IntN(len(counties))], sex, birth))
	}
	return out
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// person builds one person with a fresh valid identity number.
func (g *generator) person(c county, sex string, birth time.Time) *simPerson {
	p := &simPerson{SimPerson: SimPerson{Sex: sex, BirthDate: birth}}
	p.IDNumber = g.idNumber(c.code, sex, birth)
	p.Name = g.name(sex)
	if g.r.IntN(20) == 0 {
		p.FormerNames = []string{g.name(sex)}
	}
	p.HouseholdAddress = fmt.Sprintf("河南省周口市%s%s%d号", c.name, pick(g.r, c.streets), 1+g.r.IntN(400))
	p.Phone = fmt.Sprintf("1%d%d%08d", []int{3, 5, 7, 8, 9}[g.r.IntN(5)], g.r.IntN(10), g.r.IntN(100000000))
	p.photo = g.r.IntN(20) != 0
	p.registered = g.between(birth.AddDate(16, 0, 0), historyEnd)
	g.residences(p)
	if g.r.IntN(4) == 0 || p.Note == "七十周岁以上" {
		g.travel(p)
	}
	if g.r.IntN(2) == 0 {
		g.stays(p)
	}
	p.HasTravelDocs, p.HasStays = len(p.docs) > 0, len(p.stays) > 0
	return p
}

// idNumber makes a unique GB 11643 number: region, birth date, a sequence
// whose last digit's parity is the sex, and the MOD 11-2 check character.
func (g *generator) idNumber(region, sex string, birth time.Time) string {
	for {
		seq := g.r.IntN(1000)
		if (seq%2 == 1) != (sex == "M") {
			seq ^= 1
		}
		body := fmt.Sprintf("%s%s%03d", region, birth.Format("20060102"), seq)
		n := body + string(checkChar(body))
		if g.used[n] {
			continue
		}
		if _, err := ident.ParseResidentIDAt(n, g.now); err != nil {
			panic(fmt.Sprintf("connector: generated an invalid identity number: %v", err)) // a bug in this file
		}
		g.used[n] = true
		return n
	}
}

// checkChar is GB 11643's ISO 7064 MOD 11-2 check character.
func checkChar(body string) byte {
	w := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(body[i]-'0') * w[i]
	}
	return "10X98765432"[sum%11]
}

func (g *generator) name(sex string) string {
	given := maleGiven
	if sex == "F" {
		given = femaleGiven
	}
	return pick(g.r, surnames) + pick(g.r, given)
}

// between returns a random time in [from, to) in CST, at least from.
func (g *generator) between(from, to time.Time) time.Time {
	if !to.After(from) {
		return from.In(cst)
	}
	return from.Add(time.Duration(g.r.Int64N(int64(to.Sub(from))))).In(cst).Truncate(time.Second)
}

func (g *generator) residences(p *simPerson) {
	if g.r.IntN(10) < 4 {
		var addr string
		if g.r.IntN(10) < 6 {
			addr = fmt.Sprintf("河南省郑州市%s%d号院%d号楼%d单元", pick(g.r, zhengzhou), 1+g.r.IntN(300), 1+g.r.IntN(20), 1+g.r.IntN(4))
		} else {
			c := counties[g.r.IntN(len(counties))]
			addr = fmt.Sprintf("河南省周口市%s%s%d号", c.name, pick(g.r, c.streets), 1+g.r.IntN(400))
		}
		at := g.between(date(2018, 1, 1), historyEnd)
		p.residences = append(p.residences, Residence{Kind: Temporary, Address: addr, RegisteredAt: at, Meta: Meta{Source: srcPopulation, RecordedAt: at}})
	}
	if g.r.IntN(100) < 15 {
		c := counties[g.r.IntN(len(counties))]
		at := g.between(date(2022, 1, 1), historyEnd)
		p.residences = append([]Residence{{Kind: Actual, Address: fmt.Sprintf("河南省周口市%s%s%d号", c.name, pick(g.r, c.streets), 1+g.r.IntN(400)),
			RegisteredAt: at, Meta: Meta{Source: srcPopulation, RecordedAt: at}}}, p.residences...)
	}
}

func (g *generator) travel(p *simPerson) {
	issued := g.between(date(2016, 1, 1), date(2024, 1, 1))
	issuer := "国家移民管理局"
	if issued.Year() < 2019 {
		issuer = "公安部出入境管理局"
	}
	num := fmt.Sprintf("E%08d", g.r.IntN(100000000))
	if _, err := ident.ParsePassport(num); err != nil {
		panic(fmt.Sprintf("connector: generated an invalid passport number: %v", err))
	}
	pass := TravelDocument{Kind: PassportDoc, Number: num, IssuedAt: issued, ValidUntil: issued.AddDate(10, 0, 0), Issuer: issuer,
		Status: "valid", Meta: Meta{Source: srcExitEntry, RecordedAt: issued}}
	p.docs = append(p.docs, pass)
	var hkmo *TravelDocument
	if g.r.IntN(3) == 0 {
		at := g.between(date(2017, 1, 1), date(2024, 6, 1))
		d := TravelDocument{Kind: HKMOPass, Number: fmt.Sprintf("C%08d", g.r.IntN(100000000)), IssuedAt: at, ValidUntil: at.AddDate(10, 0, 0),
			Issuer: "河南省公安厅出入境管理局", Status: "valid", Meta: Meta{Source: srcExitEntry, RecordedAt: at}}
		p.docs = append(p.docs, d)
		hkmo = &d
	}
	for range g.r.IntN(4) {
		out := g.between(issued.AddDate(0, 1, 0), historyEnd.AddDate(0, -1, 0))
		doc, port, dest := pass, pick(g.r, airports), pick(g.r, destinations)
		if hkmo != nil && out.After(hkmo.IssuedAt) && g.r.IntN(2) == 0 {
			doc, port, dest = *hkmo, "深圳罗湖口岸", "香港"
			if g.r.IntN(2) == 0 {
				port, dest = "珠海拱北口岸", "澳门"
			}
		}
		back := out.AddDate(0, 0, 3+g.r.IntN(18)).Add(time.Duration(g.r.IntN(600)) * time.Minute)
		p.crossings = append(p.crossings,
			Crossing{Port: port, Direction: Exit, At: out, DocumentKind: doc.Kind, DocumentNumber: doc.Number, Destination: dest, Meta: Meta{Source: srcExitEntry, RecordedAt: out}},
			Crossing{Port: port, Direction: Entry, At: back, DocumentKind: doc.Kind, DocumentNumber: doc.Number, Destination: dest, Meta: Meta{Source: srcExitEntry, RecordedAt: back}})
	}
	sortNewestFirst(p.crossings, func(c Crossing) time.Time { return c.At })
}

func (g *generator) stays(p *simPerson) {
	for range 1 + g.r.IntN(5) {
		h := pick(g.r, hotels)
		in := g.between(date(2022, 1, 1), historyEnd)
		in = time.Date(in.Year(), in.Month(), in.Day(), 18+g.r.IntN(5), g.r.IntN(60), 0, 0, cst)
		out := time.Date(in.Year(), in.Month(), in.Day()+1+g.r.IntN(4), 8+g.r.IntN(5), g.r.IntN(60), 0, 0, cst)
		p.stays = append(p.stays, Stay{HotelName: h.name, HotelAddress: h.address, City: h.city, Room: fmt.Sprintf("%d%02d", 2+g.r.IntN(10), 1+g.r.IntN(30)),
			CheckIn: in, CheckOut: out, Meta: Meta{Source: srcHotel, RecordedAt: in}})
	}
	sortNewestFirst(p.stays, func(s Stay) time.Time { return s.CheckIn })
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }
