package screen

import (
	"fmt"
	"iter"
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

	// Persons whose names sound alike, and persons born on one day, are
	// chained through per-slot links while the index is built (no sorting,
	// no temporary pair arrays), then laid out as contiguous posting lists
	// by Finish, so that a screen reads a group in one sweep.
	nameTab   u64Table // loose sound key of a person's name → first slot while building, group after
	nextName  []uint32 // building only: next slot with the same sound key, or noSlot
	birthHead []uint32 // building only: by day number from 1900-01-01, first slot born that day
	nextBirth []uint32 // building only: next slot born the same day
	groupOff  []uint32 // group g is post[groupOff[g]:groupOff[g+1]]
	post      []posting
	birthOff  []uint32 // persons born on day d are byBirth[birthOff[d]:birthOff[d+1]]
	byBirth   []uint32

	orgTab u64Table // folded unit name hash → slot or multi
	orgs   map[uint32]orgInfo

	freq *freqModel // name, birth and place frequencies of the list (a delta borrows its base's)
	base *Index     // for a delta: the index whose frequencies it borrows

	noRID int // persons without a resident ID: the only ones a query with a valid, unlisted number can match by name
}

// posting is one person of a sound group, with what a screen needs to
// pass over most of the group without touching the entry: the birth date
// and a hash of the folded name.
type posting struct {
	slot     uint32
	birth    Date
	nameHash uint32
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
	ix       *Index
	overflow [2]map[uint64][]uint32 // keys of the exact [0] and unit [1] tables held by several entries: the further slots
	skipped  int
	reasons  []string // the first few numbers left out, with why
	freq     *freqModel
}

const noSlot = ^uint32(0)

// maxDays bounds day numbers: 1900-01-01 … 2199-12-31.
const maxDays = 300 * 366

// NewBuilder starts an index of the given list version. sizeHint, the
// number of entries when known, sizes the tables at once; without it they
// grow by rehashing.
func NewBuilder(version uint64, sizeHint int) *Builder {
	if sizeHint < 0 {
		sizeHint = 0
	}
	birthHead := make([]uint32, maxDays)
	for i := range birthHead {
		birthHead[i] = noSlot
	}
	return &Builder{
		ix: &Index{
			version:   version,
			today:     time.Now(),
			ids:       make([]int64, 0, sizeHint),
			flags:     make([]uint8, 0, sizeHint),
			birth:     make([]Date, 0, sizeHint),
			region:    make([]uint32, 0, sizeHint),
			nameOff:   append(make([]uint32, 0, sizeHint+1), 0),
			names:     make([]byte, 0, sizeHint*10),
			rid:       make([]uint64, 0, sizeHint),
			exact:     newU64Table(sizeHint + sizeHint/8),
			nameTab:   newU64Table(sizeHint / 2),
			orgTab:    newU64Table(sizeHint / 16),
			nextName:  make([]uint32, 0, sizeHint),
			birthHead: birthHead,
			nextBirth: make([]uint32, 0, sizeHint),
			orgs:      map[uint32]orgInfo{},
		},
		overflow: [2]map[uint64][]uint32{{}, {}},
		freq:     newFreqModel(),
	}
}

// addKey files slot under key in the exact (which 0) or unit (1) table;
// a key already held goes to overflow.
func (b *Builder) addKey(which int, key uint64, slot uint32) {
	t := &b.ix.exact
	if which == 1 {
		t = &b.ix.orgTab
	}
	v, existed := t.upsert(key, slot)
	if existed && v != slot {
		b.overflow[which][key] = append(b.overflow[which][key], slot)
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
			b.skip(e.ID, s, err)
			continue
		}
		b.addKey(0, p.key, slot)
		if p.kind == kindResident && rid == 0 {
			rid = p.key &^ (0xF << 60)
			if birth == 0 {
				birth = p.birth
			}
			if sex == 0 {
				sex = p.sex
			}
			if region == "" {
				region = p.region
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
	nextName, nextBirth := noSlot, noSlot
	if e.Person && rid == 0 {
		ix.noRID++
	}
	if e.Person {
		if folded != "" {
			nextName, _ = ix.nameTab.upsertReplace(soundKey(folded), slot)
		}
		if d := birth.dayNumber(); d >= 0 && d < maxDays {
			nextBirth, ix.birthHead[d] = ix.birthHead[d], slot
		}
		b.freq.add(folded, birth, reg, flags)
	} else {
		info := orgInfo{legalRep: hanzi.Fold(e.LegalRep)}
		if e.CreditCode != "" {
			if p, err := parseCredit(e.CreditCode); err == nil {
				b.addKey(0, p.key, slot)
				info.creditCode = p.norm
			} else {
				b.skip(e.ID, e.CreditCode, err)
			}
		}
		if e.LegalRepID != "" {
			if p, err := parseID(e.LegalRepID, ix.today); err == nil && p.kind == kindResident {
				b.addKey(0, makeKey(kindLegalRep, p.key), slot)
			} else {
				b.skip(e.ID, e.LegalRepID, err)
			}
		}
		if folded != "" {
			b.addKey(1, orgKey(folded), slot)
		}
		ix.orgs[slot] = info
	}
	ix.nextName = append(ix.nextName, nextName)
	ix.nextBirth = append(ix.nextBirth, nextBirth)
	return nil
}

// Skipped counts identity numbers and credit codes that did not validate
// (or were of the wrong kind for their field).
func (b *Builder) Skipped() int { return b.skipped }

// SkipReasons describes the first ten numbers left out.
func (b *Builder) SkipReasons() []string { return b.reasons }

func (b *Builder) skip(id int64, number string, err error) {
	b.skipped++
	if len(b.reasons) < 10 {
		why := "类型不符"
		if err != nil {
			why = err.Error()
		}
		b.reasons = append(b.reasons, fmt.Sprintf("条目 %d 号码 %q：%s", id, number, why))
	}
}

// Finish completes the index. The builder must not be used afterwards.
func (b *Builder) Finish() *Index {
	ix := b.ix
	ix.freq = b.freq
	// Keys held by several entries point to a run in multi: count, slots.
	for which, t := range []*u64Table{&ix.exact, &ix.orgTab} {
		for key, more := range b.overflow[which] {
			first, _ := t.get(key)
			t.set(key, multiFlag|uint32(len(ix.multi)))
			ix.multi = append(ix.multi, uint32(1+len(more)), first)
			ix.multi = append(ix.multi, more...)
		}
	}
	b.overflow, b.ix = [2]map[uint64][]uint32{}, nil
	ix.layOutGroups()
	ix.layOutBirths()
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

// layOutGroups turns the sound chains into posting lists.
func (ix *Index) layOutGroups() {
	ix.post = make([]posting, 0, len(ix.nextName))
	ix.groupOff = make([]uint32, 0, ix.nameTab.n+1)
	for i := range ix.nameTab.slots {
		sl := &ix.nameTab.slots[i]
		if sl.key == 0 {
			continue
		}
		g := uint32(len(ix.groupOff))
		ix.groupOff = append(ix.groupOff, uint32(len(ix.post)))
		for s := sl.val; s != noSlot; s = ix.nextName[s] {
			ix.post = append(ix.post, posting{slot: s, birth: ix.birth[s], nameHash: nameHash(ix.names[ix.nameOff[s]:ix.nameOff[s+1]])})
		}
		sl.val = g
	}
	ix.groupOff = append(ix.groupOff, uint32(len(ix.post)))
	ix.nextName = nil
}

// layOutBirths turns the birth-day chains into one array by day.
func (ix *Index) layOutBirths() {
	last := -1
	for d, h := range ix.birthHead {
		if h != noSlot {
			last = d
		}
	}
	ix.birthOff = make([]uint32, last+2)
	ix.byBirth = make([]uint32, 0, len(ix.nextBirth))
	for d := 0; d <= last; d++ {
		ix.birthOff[d] = uint32(len(ix.byBirth))
		for s := ix.birthHead[d]; s != noSlot; s = ix.nextBirth[s] {
			ix.byBirth = append(ix.byBirth, s)
		}
	}
	ix.birthOff[last+1] = uint32(len(ix.byBirth))
	ix.birthHead, ix.nextBirth = nil, nil
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
	s := Stats{Entries: len(ix.ids), IDKeys: ix.exact.n, NameGroups: ix.nameTab.n}
	s.IDIndexBytes = ix.exact.bytes() + 4*cap(ix.multi)
	s.TotalBytes = s.IDIndexBytes + ix.nameTab.bytes() + ix.orgTab.bytes() +
		8*cap(ix.ids) + cap(ix.flags) + 4*cap(ix.birth) + 4*cap(ix.region) + 4*cap(ix.nameOff) + cap(ix.names) + 8*cap(ix.rid) +
		4*(cap(ix.groupOff)+3*cap(ix.post)+cap(ix.birthOff)+cap(ix.byBirth)) +
		len(ix.orgs)*64
	return s
}

// Key is an identity number or credit code packed for the exact tier.
type Key uint64

// ParseKey validates a number (in any form ident accepts) and packs it.
func (ix *Index) ParseKey(number string) (Key, error) {
	p, err := parseIDFast(number, ix.today)
	return Key(p.key), err
}

// HasKey reports whether a packed number is a document of some entry.
func (ix *Index) HasKey(k Key) bool {
	_, ok := ix.exact.get(uint64(k))
	return ok
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
