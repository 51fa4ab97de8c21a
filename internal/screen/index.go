package screen

import (
	"fmt"
	"iter"
	"slices"
	"time"
	"unicode/utf8"

	"liandong/internal/screen/hanzi"
)

// Index is an immutable screening index over one version of the list.
// It is safe for concurrent use. Per entry it keeps columns of plain
// integers and one byte arena of folded names, so that ten million
// entries cost the garbage collector almost nothing to scan.
type Index struct {
	version uint64
	today   time.Time // bound for birth dates in identity numbers

	ids     []int64  // entry id by slot
	flags   []uint8  // flagPerson, flagMale, flagFemale, flagNoResident
	birth   []Date   // by slot
	region  []uint32 // 6-digit code by slot, 0 unknown
	nameOff []uint32 // folded name of slot i is names[nameOff[i]:nameOff[i+1]]
	names   []byte
	rid     []uint64 // 17 digits of the first resident ID, 0 when none

	exact u64Table // ID key → slot, or multiFlag|offset into multi
	multi []uint32 // count, then slots

	nameTab  u64Table // loose sound key of a person's name → group
	groupOff []uint32 // group g holds post[groupOff[g]:groupOff[g+1]]
	post     []uint32

	birthOff []uint32 // persons born on day d (from 1900-01-01) are byBirth[birthOff[d]:birthOff[d+1]]
	byBirth  []uint32

	orgTab u64Table // folded unit name hash → slot or multi
	orgs   map[uint32]orgInfo

	freq *freqModel // name, birth and place frequencies of the list (a delta borrows its base's)
	base *Index     // for a delta: the index whose frequencies it borrows

	noRID int // persons without a resident ID: the only ones a query with a valid, unlisted number can match by name
}

const (
	flagPerson = 1 << iota
	flagMale
	flagFemale
)

type orgInfo struct {
	creditCode string
	legalRep   string // folded
}

// Builder builds an Index from entries added one by one.
type Builder struct {
	ix        *Index
	idPairs   []kv
	namePairs []kv
	orgPairs  []kv
	days      []uint32 // day number by slot, or noDay
	skipped   int
	freq      *freqModel
}

type kv struct {
	key uint64
	val uint32
}

const noDay = ^uint32(0)

// maxDays bounds day numbers: 1900-01-01 … 2199-12-31.
const maxDays = 300 * 366

// NewBuilder starts an index of the given list version. sizeHint, when
// known, saves reallocations (and memory at the peak of a rebuild).
func NewBuilder(version uint64, sizeHint int) *Builder {
	if sizeHint < 0 {
		sizeHint = 0
	}
	return &Builder{
		ix: &Index{
			version: version,
			today:   time.Now(),
			ids:     make([]int64, 0, sizeHint),
			flags:   make([]uint8, 0, sizeHint),
			birth:   make([]Date, 0, sizeHint),
			region:  make([]uint32, 0, sizeHint),
			nameOff: append(make([]uint32, 0, sizeHint+1), 0),
			names:   make([]byte, 0, sizeHint*9),
			rid:     make([]uint64, 0, sizeHint),
			orgs:    map[uint32]orgInfo{},
		},
		idPairs:   make([]kv, 0, sizeHint+sizeHint/8),
		namePairs: make([]kv, 0, sizeHint),
		days:      make([]uint32, 0, sizeHint),
		freq:      newFreqModel(),
	}
}

// Add adds one entry. Entry IDs must be unique. An identity number that
// does not validate is left out of the index (and counted in Skipped);
// the entry is still screened by name. Add fails only past 2³¹ entries.
func (b *Builder) Add(e Entry) error {
	ix := b.ix
	if len(ix.ids) >= multiFlag-1 {
		return fmt.Errorf("screen: too many entries")
	}
	slot := uint32(len(ix.ids))
	var flags uint8
	if e.Person {
		flags |= flagPerson
	}
	birth, sex, region := e.Birth, e.Sex, e.Region
	var rid uint64
	for _, s := range e.IDs {
		p, err := parseID(s, ix.today)
		if err != nil || p.kind == kindCredit {
			b.skipped++
			continue
		}
		b.idPairs = append(b.idPairs, kv{p.key, slot})
		if p.kind == kindResident && rid == 0 {
			rid = p.key &^ (0xF << 60)
			if birth == 0 {
				birth = DateOf(p.resident.BirthDate)
			}
			if sex == 0 && p.resident.Sex != "" {
				sex = p.resident.Sex[0]
			}
			if region == "" {
				region = p.resident.Region
			}
		}
	}
	switch sex {
	case 'M', 'm':
		flags |= flagMale
	case 'F', 'f':
		flags |= flagFemale
	}
	if !birth.Valid() {
		birth = 0
	}
	var reg uint32
	if len(region) == 6 && isDigits(region) {
		reg = atou(region)
	}
	folded := hanzi.Fold(e.Name)
	ix.ids = append(ix.ids, e.ID)
	ix.flags = append(ix.flags, flags)
	ix.birth = append(ix.birth, birth)
	ix.region = append(ix.region, reg)
	ix.rid = append(ix.rid, rid)
	ix.names = append(ix.names, folded...)
	ix.nameOff = append(ix.nameOff, uint32(len(ix.names)))
	day := noDay
	if e.Person && rid == 0 {
		ix.noRID++
	}
	if e.Person {
		if folded != "" {
			b.namePairs = append(b.namePairs, kv{soundKey(folded), slot})
		}
		if d := birth.dayNumber(); d >= 0 && d < maxDays {
			day = uint32(d)
		}
		b.freq.add(folded, birth, reg, flags)
	} else {
		info := orgInfo{legalRep: hanzi.Fold(e.LegalRep)}
		if e.CreditCode != "" {
			if p, err := parseID(e.CreditCode, ix.today); err == nil && p.kind == kindCredit {
				b.idPairs = append(b.idPairs, kv{p.key, slot})
				info.creditCode = p.norm
			} else {
				b.skipped++
			}
		}
		if e.LegalRepID != "" {
			if p, err := parseID(e.LegalRepID, ix.today); err == nil && p.kind == kindResident {
				b.idPairs = append(b.idPairs, kv{makeKey(kindLegalRep, p.key), slot})
			} else {
				b.skipped++
			}
		}
		if folded != "" {
			b.orgPairs = append(b.orgPairs, kv{orgKey(folded), slot})
		}
		ix.orgs[slot] = info
	}
	b.days = append(b.days, day)
	return nil
}

// Skipped counts identity numbers and credit codes that did not validate.
func (b *Builder) Skipped() int { return b.skipped }

// Finish builds the lookup structures and returns the index. The builder
// must not be used afterwards.
func (b *Builder) Finish() *Index {
	ix := b.ix
	b.freq.finish()
	ix.freq = b.freq
	ix.exact, ix.multi = buildTable(b.idPairs, ix.multi)
	b.idPairs = nil
	ix.orgTab, ix.multi = buildTable(b.orgPairs, ix.multi)
	b.orgPairs = nil
	ix.nameTab, ix.groupOff, ix.post = buildGroups(b.namePairs)
	b.namePairs = nil
	ix.birthOff, ix.byBirth = buildBirth(b.days)
	b.days = nil
	b.ix = nil
	return ix
}

// Build builds an index of the given list version from entries.
func Build(version uint64, entries iter.Seq[Entry]) (*Index, error) {
	b := NewBuilder(version, 0)
	for e := range entries {
		if err := b.Add(e); err != nil {
			return nil, err
		}
	}
	return b.Finish(), nil
}

// buildTable sorts pairs by key and fills a table; keys with several slots
// get a run in multi.
func buildTable(pairs []kv, multi []uint32) (u64Table, []uint32) {
	slices.SortFunc(pairs, func(a, b kv) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return int(a.val) - int(b.val)
	})
	distinct := 0
	for i := range pairs {
		if i == 0 || pairs[i].key != pairs[i-1].key {
			distinct++
		}
	}
	t := newU64Table(distinct)
	for i := 0; i < len(pairs); {
		j := i + 1
		for j < len(pairs) && pairs[j].key == pairs[i].key {
			j++
		}
		if j-i == 1 {
			t.put(pairs[i].key, pairs[i].val)
		} else {
			t.put(pairs[i].key, multiFlag|uint32(len(multi)))
			multi = append(multi, uint32(j-i))
			for k := i; k < j; k++ {
				multi = append(multi, pairs[k].val)
			}
		}
		i = j
	}
	return t, multi
}

// buildGroups turns (key, slot) pairs into posting lists by key.
func buildGroups(pairs []kv) (u64Table, []uint32, []uint32) {
	slices.SortFunc(pairs, func(a, b kv) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return int(a.val) - int(b.val)
	})
	post := make([]uint32, len(pairs))
	var off []uint32
	distinct := 0
	for i := range pairs {
		if i == 0 || pairs[i].key != pairs[i-1].key {
			distinct++
		}
	}
	t := newU64Table(distinct)
	off = make([]uint32, 0, distinct+1)
	for i := range pairs {
		if i == 0 || pairs[i].key != pairs[i-1].key {
			t.put(pairs[i].key, uint32(len(off)))
			off = append(off, uint32(i))
		}
		post[i] = pairs[i].val
	}
	off = append(off, uint32(len(pairs)))
	return t, off, post
}

// buildBirth sorts person slots by birth day with a counting sort.
func buildBirth(days []uint32) ([]uint32, []uint32) {
	maxDay := uint32(0)
	n := 0
	for _, d := range days {
		if d != noDay {
			n++
			if d > maxDay {
				maxDay = d
			}
		}
	}
	off := make([]uint32, maxDay+2)
	for _, d := range days {
		if d != noDay {
			off[d+1]++
		}
	}
	for i := 1; i < len(off); i++ {
		off[i] += off[i-1]
	}
	by := make([]uint32, n)
	fill := slices.Clone(off)
	for slot, d := range days {
		if d != noDay {
			by[fill[d]] = uint32(slot)
			fill[d]++
		}
	}
	return off, by
}

// Version returns the list version the index was built from.
func (ix *Index) Version() uint64 { return ix.version }

// Len returns the number of entries.
func (ix *Index) Len() int { return len(ix.ids) }

// name returns the folded name of a slot.
func (ix *Index) name(slot uint32) string {
	return string(ix.names[ix.nameOff[slot]:ix.nameOff[slot+1]])
}

// nameRunes decodes the folded name of a slot into buf.
func (ix *Index) nameRunes(slot uint32, buf []rune) []rune {
	b := ix.names[ix.nameOff[slot]:ix.nameOff[slot+1]]
	buf = buf[:0]
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		buf = append(buf, r)
		b = b[n:]
	}
	return buf
}

// slots returns the entry slots stored under a table value.
func (ix *Index) slots(v uint32, one *[1]uint32) []uint32 {
	if v&multiFlag == 0 {
		one[0] = v
		return one[:]
	}
	off := v &^ multiFlag
	n := ix.multi[off]
	return ix.multi[off+1 : off+1+n]
}

// Stats describes the memory of an index.
type Stats struct {
	Entries      int
	IDKeys       int // keys in the exact table
	IDIndexBytes int // exact table and its multi list
	NameGroups   int
	TotalBytes   int // all columns and tables (maps estimated)
}

// Stats returns the sizes of the index's structures.
func (ix *Index) Stats() Stats {
	s := Stats{Entries: len(ix.ids), IDKeys: ix.exact.n, NameGroups: len(ix.groupOff) - 1}
	s.IDIndexBytes = ix.exact.bytes() + 4*cap(ix.multi)
	s.TotalBytes = s.IDIndexBytes + ix.nameTab.bytes() + ix.orgTab.bytes() +
		8*cap(ix.ids) + cap(ix.flags) + 4*cap(ix.birth) + 4*cap(ix.region) + 4*cap(ix.nameOff) + cap(ix.names) + 8*cap(ix.rid) +
		4*(cap(ix.groupOff)+cap(ix.post)+cap(ix.birthOff)+cap(ix.byBirth)) +
		len(ix.orgs)*64
	return s
}

// Contains reports whether an identity number or credit code (in any form
// ident accepts) is a document of some entry. It is the exact tier's
// lookup alone, without judging the name.
func (ix *Index) Contains(number string) bool {
	p, err := parseIDFast(number, ix.today)
	if err != nil {
		return false
	}
	_, ok := ix.exact.get(p.key)
	return ok
}
