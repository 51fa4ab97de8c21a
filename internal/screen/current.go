package screen

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
)

// Current holds the index in use. Readers screen without locks; writers
// swap in a rebuilt index or apply changes, each producing a new immutable
// view published with one atomic store. A change is visible to every
// screen that starts after Apply returns: a removed entry never produces
// a hit from that moment (S-CREDIT-2).
//
// Between rebuilds, additions go to a small delta index rebuilt on every
// Apply, and removals (and the old versions of changed entries) to a mask
// checked at screen time. The caller rebuilds the base from the list when
// Pending grows large (say beyond 50,000 changes) and calls Swap; changes
// newer than the rebuilt index's version are replayed onto it.
type Current struct {
	mu sync.Mutex // serializes writers
	v  atomic.Pointer[view]
}

// view is one immutable state.
type view struct {
	base    *Index
	delta   *Index          // nil when no additions
	masked  mask            // entry IDs hidden in base (removed or replaced)
	added   map[int64]Entry // the delta's entries
	log     []Change        // changes since base was built, for replay on Swap
	version uint64
}

// Change is one addition or removal on the list, with the list version it
// produced. An addition of an ID already present replaces that entry.
type Change struct {
	Version uint64
	Add     *Entry // nil for a removal
	Remove  int64  // entry ID removed, when Add is nil
}

// NewCurrent starts with base (which may be an empty index).
func NewCurrent(base *Index) *Current {
	c := &Current{}
	c.v.Store(&view{base: base, version: base.version})
	return c
}

// Version returns the list version every result now reports.
func (c *Current) Version() uint64 { return c.v.Load().version }

// Pending returns how many changes have been applied since the base was
// built.
func (c *Current) Pending() int { return len(c.v.Load().log) }

// Index returns the base index in use.
func (c *Current) Index() *Index { return c.v.Load().base }

// Apply applies changes in order. Changes whose version is not newer
// than the current version are ignored (they are already in the base).
// Each call copies the pending changes and rebuilds the delta, so callers
// apply changes in batches (one per notification round) and rebuild the
// base when Pending passes a few tens of thousands.
func (c *Current) Apply(changes ...Change) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.v.Load()
	nv := &view{base: old.base, masked: maps.Clone(old.masked), added: maps.Clone(old.added), log: slices.Clone(old.log), version: old.version}
	if nv.masked == nil {
		nv.masked = mask{}
	}
	if nv.added == nil {
		nv.added = map[int64]Entry{}
	}
	n := 0
	for _, ch := range changes {
		if ch.Version <= nv.version {
			continue
		}
		if ch.Add != nil && ch.Add.ID == 0 {
			return fmt.Errorf("screen: change %d adds an entry without ID", ch.Version)
		}
		nv.apply(ch)
		n++
	}
	if n == 0 {
		return nil
	}
	if err := nv.rebuildDelta(); err != nil {
		return err
	}
	c.v.Store(nv)
	return nil
}

func (v *view) apply(ch Change) {
	v.log = append(v.log, ch)
	v.version = ch.Version
	if ch.Add != nil {
		v.masked[ch.Add.ID] = struct{}{}
		v.added[ch.Add.ID] = *ch.Add
		return
	}
	v.masked[ch.Remove] = struct{}{}
	delete(v.added, ch.Remove)
}

func (v *view) rebuildDelta() error {
	if len(v.added) == 0 {
		v.delta = nil
		return nil
	}
	b := NewBuilder(v.version, len(v.added))
	b.ix.today = v.base.today
	ids := slices.Sorted(maps.Keys(v.added))
	for _, id := range ids {
		if err := b.Add(v.added[id]); err != nil {
			return err
		}
	}
	d := b.Finish()
	d.freq, d.base = v.base.freq, v.base
	v.delta = d
	return nil
}

// Swap installs a rebuilt base index. Applied changes newer than its
// version are replayed onto it, so that a removal made while the index was
// being rebuilt stays in force.
func (c *Current) Swap(base *Index) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.v.Load()
	if base.version < old.base.version {
		return fmt.Errorf("screen: index of version %d is older than the one in use (%d)", base.version, old.base.version)
	}
	nv := &view{base: base, masked: mask{}, added: map[int64]Entry{}, version: base.version}
	for _, ch := range old.log {
		if ch.Version > base.version {
			nv.apply(ch)
		}
	}
	if err := nv.rebuildDelta(); err != nil {
		return err
	}
	c.v.Store(nv)
	return nil
}

// Screen compares one query with the list as it now stands.
func (c *Current) Screen(q Query) Result {
	v := c.v.Load()
	return v.screen(q)
}

// ScreenBatch screens qs into out (at least as long) against one view, so
// that every result of the batch reports the same version.
func (c *Current) ScreenBatch(qs []Query, out []Result) {
	v := c.v.Load()
	for i := range qs {
		out[i] = v.screen(qs[i])
	}
}

// ScreenExcluding screens q as Screen does, leaving out the entries in
// exclude as if they were removed. A caller that found an entry no longer
// listed (removed or past its term before this index heard of it) uses it
// to ask whether the person is listed under another entry.
func (c *Current) ScreenExcluding(q Query, exclude []int64) Result {
	v := c.v.Load()
	m := make(mask, len(v.masked)+len(exclude))
	for id := range v.masked {
		m[id] = struct{}{}
	}
	ex := make(mask, len(exclude))
	for _, id := range exclude {
		m[id] = struct{}{}
		ex[id] = struct{}{}
	}
	pq := parseQuery(q, v.base.today)
	r := v.base.screen(&pq, m)
	if v.delta != nil {
		if d := v.delta.screen(&pq, ex); rank(d) > rank(r) || rank(d) == rank(r) && d.Score > r.Score {
			r = d
		}
	}
	r.Ref, r.Version = q.Ref, v.version
	return r
}

func (v *view) screen(q Query) Result {
	pq := parseQuery(q, v.base.today)
	r := v.base.screen(&pq, v.masked)
	if v.delta != nil {
		if d := v.delta.screen(&pq, nil); rank(d) > rank(r) || rank(d) == rank(r) && d.Score > r.Score {
			r = d
		}
	}
	r.Ref, r.Version = q.Ref, v.version
	return r
}

func rank(r Result) int {
	switch r.Band {
	case BandHit:
		return 2
	case BandReview:
		return 1
	}
	return 0
}
