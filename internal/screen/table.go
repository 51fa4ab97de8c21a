package screen

import "math/bits"

// u64Table is an open-addressing hash table from non-zero uint64 keys to
// uint32 values with linear probing, sized at a load of at most 0.7. Key
// and value share a 16-byte slot so that a lookup touches one cache line.
// It is filled once while an index is built and only read afterwards.
type u64Table struct {
	slots []tableSlot
	shift uint
	n     int
}

type tableSlot struct {
	key uint64
	val uint32
}

// multiFlag marks a value that indexes the multi list of its index
// (several entries share the key) rather than an entry slot.
const multiFlag = 1 << 31

func newU64Table(n int) u64Table {
	size := 1 << 4
	for float64(size)*0.7 < float64(n) {
		size <<= 1
	}
	return u64Table{slots: make([]tableSlot, size), shift: uint(64 - bits.TrailingZeros(uint(size)))}
}

func (t *u64Table) home(key uint64) uint64 {
	return (key * 0x9E3779B97F4A7C15) >> t.shift
}

// find returns the slot index holding key, or the empty slot where it
// would go.
func (t *u64Table) find(key uint64) uint64 {
	mask := uint64(len(t.slots) - 1)
	i := t.home(key)
	for t.slots[i].key != 0 && t.slots[i].key != key {
		i = (i + 1) & mask
	}
	return i
}

// upsert adds key with val unless present; it returns the value held.
func (t *u64Table) upsert(key uint64, val uint32) (uint32, bool) {
	t.grow()
	i := t.find(key)
	if t.slots[i].key == key {
		return t.slots[i].val, true
	}
	t.slots[i] = tableSlot{key, val}
	t.n++
	return val, false
}

// upsertReplace stores val under key and returns the value it replaced
// (noSlot when the key is new): the head of a chain.
func (t *u64Table) upsertReplace(key uint64, val uint32) (uint32, bool) {
	t.grow()
	i := t.find(key)
	if t.slots[i].key == key {
		old := t.slots[i].val
		t.slots[i].val = val
		return old, true
	}
	t.slots[i] = tableSlot{key, val}
	t.n++
	return noSlot, false
}

// set replaces the value of a present key.
func (t *u64Table) set(key uint64, val uint32) {
	if i := t.find(key); t.slots[i].key == key {
		t.slots[i].val = val
	}
}

// grow doubles the table when the next key would pass a load of 0.7.
func (t *u64Table) grow() {
	if len(t.slots) > 0 && float64(t.n+1) <= 0.7*float64(len(t.slots)) {
		return
	}
	old := t.slots
	nt := newU64Table(max(2*t.n, 16))
	for _, s := range old {
		if s.key != 0 {
			nt.slots[nt.find(s.key)] = s
			nt.n++
		}
	}
	*t = nt
}

func (t *u64Table) get(key uint64) (uint32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := t.home(key); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.key == key {
			return s.val, true
		}
		if s.key == 0 {
			return 0, false
		}
	}
}

func (t *u64Table) bytes() int { return len(t.slots) * 16 }
