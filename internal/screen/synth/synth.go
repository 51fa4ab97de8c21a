// Package synth generates a deterministic synthetic dishonest-debtor list
// of any size and a labelled query set for evaluating the screening
// engine (issue 6, item 6). Entry i and every query depend only on the
// seed and their own index, so a list of ten million entries streams
// without being held in memory and queries can be drawn from it at any
// time.
package synth

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"

	"liandong/internal/screen"
)

// Config sets the size and the mix of the list.
type Config struct {
	Seed          uint64
	Entries       int
	OrgShare      float64     // units among entries (default 0.05)
	PassportShare float64     // persons who also hold a passport (default 0.1)
	RepeatShare   float64     // entries that are a further case of an earlier person (default 0.03)
	AsOf          screen.Date // the list's date: everyone listed is an adult then (default 2025-06-30)
}

// List is a synthetic list.
type List struct {
	cfg Config
}

// New returns the list described by cfg.
func New(cfg Config) *List {
	if cfg.OrgShare == 0 {
		cfg.OrgShare = 0.05
	}
	if cfg.PassportShare == 0 {
		cfg.PassportShare = 0.1
	}
	if cfg.RepeatShare == 0 {
		cfg.RepeatShare = 0.03
	}
	if cfg.AsOf == 0 {
		cfg.AsOf = screen.NewDate(2025, 6, 30)
	}
	return &List{cfg: cfg}
}

// Len returns the number of entries.
func (l *List) Len() int { return l.cfg.Entries }

// Person is one synthetic person.
type Person struct {
	Index    int
	Name     string
	Sex      byte
	Birth    screen.Date
	Region   string
	ID       string // 18-digit resident ID
	Passport string // "" when none
	Minority bool   // a name written with a middle dot
}

func (l *List) rng(stream, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(l.cfg.Seed^0x9E3779B97F4A7C15*stream, i))
}

// person generates person p. Persons 0 … Entries-1 may be on the list;
// higher indexes are people who are not.
func (l *List) person(p int) Person {
	r := l.rng(1, uint64(p))
	t := tables()
	rc := regions()
	per := Person{Index: p}
	if r.Float64() < 0.7 {
		per.Sex = 'M' // most debtors listed are men
	} else {
		per.Sex = 'F'
	}
	// Adults only: aged 18 to 80 on the list's date, most of them 30 to 60.
	asOf := l.cfg.AsOf
	age := 18 + int(62*r.Float64()*r.Float64()*0.6+r.Float64()*25)
	if age > 80 {
		age = 80
	}
	y := asOf.Year() - age - 1
	m := 1 + r.IntN(12)
	d := 1 + r.IntN(28)
	per.Birth = screen.NewDate(y, m, d)
	kind := r.Float64()
	switch {
	case kind < 0.02 && len(rc.xinjiang) > 0:
		per.Minority = true
		per.Region = rc.xinjiang[r.IntN(len(rc.xinjiang))]
		own := t.uyMale
		if per.Sex == 'F' {
			own = t.uyFemale
		}
		per.Name = own.pick(r) + "·" + t.uyMale.pick(r)
	case kind < 0.025 && len(rc.tibet) > 0:
		per.Region = rc.tibet[r.IntN(len(rc.tibet))]
		per.Name = t.tibetan.pick(r) + t.tibetan.pick(r)
	default:
		switch x := r.Float64(); {
		case x < 0.15:
			per.Region = rc.zhoukou[r.IntN(len(rc.zhoukou))] // the court's own city
		case x < 0.20 && y < 1995:
			per.Region = rc.retired[r.IntN(len(rc.retired))] // numbers issued under codes since retired
		default:
			per.Region = rc.current[r.IntN(len(rc.current))]
		}
		chars := t.male
		if per.Sex == 'F' {
			chars = t.female
		}
		single := 0.12
		if y < 1980 {
			single = 0.3
		}
		name := t.surnames.pick(r)
		name += chars.pick(r)
		if r.Float64() >= single {
			name += chars.pick(r)
		}
		per.Name = name
	}
	seq := r.IntN(500) * 2
	if per.Sex == 'M' {
		seq++
	}
	per.ID = residentID(per.Region, per.Birth, seq)
	if r.Float64() < l.cfg.PassportShare {
		per.Passport = fmt.Sprintf("E%08d", r.IntN(100000000))
	}
	return per
}

// PersonOf returns the person index of entry i (-1 for a unit).
func (l *List) PersonOf(i int) int {
	r := l.rng(2, uint64(i))
	if r.Float64() < l.cfg.OrgShare {
		return -1
	}
	if i > 0 && r.Float64() < l.cfg.RepeatShare {
		j := r.IntN(i)
		if l.PersonOf(j) >= 0 {
			return l.PersonOf(j)
		}
	}
	return i
}

// Entry returns entry i; its ID is i+1.
func (l *List) Entry(i int) screen.Entry {
	p := l.PersonOf(i)
	if p < 0 {
		return l.unit(i)
	}
	per := l.person(p)
	e := screen.Entry{ID: int64(i + 1), Person: true, Name: per.Name, Sex: per.Sex, Birth: per.Birth, Region: per.Region, IDs: []string{per.ID}}
	if per.Passport != "" {
		e.IDs = append(e.IDs, per.Passport)
	}
	return e
}

// Entries streams the whole list.
func (l *List) Entries() iter.Seq[screen.Entry] {
	return func(yield func(screen.Entry) bool) {
		for i := 0; i < l.cfg.Entries; i++ {
			if !yield(l.Entry(i)) {
				return
			}
		}
	}
}

var trades = []string{"商贸", "建筑工程", "房地产开发", "农业科技", "物流", "机械制造", "餐饮管理", "建材", "电子科技", "纺织", "食品", "汽车销售", "装饰工程", "医药", "劳务"}
var brands = runesOf("华鑫盛源泰丰瑞达通宏兴隆恒利昌邦德信诚润豫周")

// unit generates the unit of entry i; its legal representative is a
// person who is not on the list.
func (l *List) unit(i int) screen.Entry {
	r := l.rng(3, uint64(i))
	rc := regions()
	region := rc.current[r.IntN(len(rc.current))]
	if r.Float64() < 0.3 {
		region = rc.zhoukou[r.IntN(len(rc.zhoukou))]
	}
	rep := l.person(l.cfg.Entries*8 + i)
	var name strings.Builder
	name.WriteString(cityOf(region))
	name.WriteString(brands[r.IntN(len(brands))])
	name.WriteString(brands[r.IntN(len(brands))])
	name.WriteString(trades[r.IntN(len(trades))])
	name.WriteString("有限公司")
	return screen.Entry{ID: int64(i + 1), Name: name.String(), Region: region, CreditCode: creditCode(r, region), LegalRep: rep.Name, LegalRepID: rep.ID}
}
