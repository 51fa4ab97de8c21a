package access

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"liandong/internal/directory"
)

// unitTree is an immutable snapshot of the unit hierarchy, enough for the
// policy's scope rules: parents, sides and each unit's court.
type unitTree struct {
	built  time.Time
	parent map[string]string // "" for a top unit
	side   map[string]string
	court  map[string]string             // nearest ancestor-or-self court, "" for police units
	types  map[string]directory.UnitType // for the traffic police scope
	codes  []string                      // every unit, in directory order
}

// maxDepth bounds walks up the tree, so a cycle in bad data cannot hang a
// request (the real tree is at most four levels deep).
const maxDepth = 32

func buildTree(units []directory.Unit, built time.Time) *unitTree {
	t := &unitTree{
		built:  built,
		parent: make(map[string]string, len(units)),
		side:   make(map[string]string, len(units)),
		court:  make(map[string]string, len(units)),
		types:  make(map[string]directory.UnitType, len(units)),
		codes:  make([]string, 0, len(units)),
	}
	isCourt := make(map[string]bool, len(units))
	for _, u := range units {
		t.parent[u.Code] = u.ParentCode
		t.side[u.Code] = u.Side
		t.types[u.Code] = u.Type
		t.codes = append(t.codes, u.Code)
		isCourt[u.Code] = u.Type == directory.IntermediateCourt || u.Type == directory.BasicCourt
	}
	for _, u := range units {
		c := u.Code
		for i := 0; c != "" && i < maxDepth; i++ {
			if isCourt[c] {
				t.court[u.Code] = c
				break
			}
			c = t.parent[c]
		}
	}
	return t
}

func (t *unitTree) has(code string) bool {
	_, ok := t.parent[code]
	return ok
}

// courtOf is the unit code of code's court, "" for police units and
// unknown codes.
func (t *unitTree) courtOf(code string) string { return t.court[code] }

// trafficPolice reports whether code is a traffic police or vehicle
// administration unit, or a unit under one.
func (t *unitTree) trafficPolice(code string) bool {
	for i := 0; code != "" && i < maxDepth; i++ {
		if ty := t.types[code]; ty == directory.TrafficPolice || ty == directory.VehicleAdmin {
			return true
		}
		code = t.parent[code]
	}
	return false
}

// within reports whether code is root or a unit under it, at any depth.
func (t *unitTree) within(code, root string) bool {
	if code == "" || root == "" {
		return false
	}
	for i := 0; code != "" && i < maxDepth; i++ {
		if code == root {
			return true
		}
		code = t.parent[code]
	}
	return false
}

// subtree lists root and every unit under it.
func (t *unitTree) subtree(root string) []string {
	var out []string
	for _, c := range t.codes {
		if t.within(c, root) {
			out = append(out, c)
		}
	}
	return out
}

// unitsOfCourts lists the units whose court satisfies keep.
func (t *unitTree) unitsOfCourts(keep func(court string) bool) []string {
	var out []string
	for _, c := range t.codes {
		if court := t.court[c]; court != "" && keep(court) {
			out = append(out, c)
		}
	}
	return out
}

// treeCache holds the current snapshot. Decision: the tree is read again
// when it is older than the TTL (one minute by default), so a unit added or
// moved on another server is seen within a minute; Invalidate drops it at
// once for changes made through this process; and a code the snapshot does
// not know triggers one early reload, at most every missReload. Readers
// never block one another: the snapshot is swapped atomically and only a
// reload takes the mutex.
type treeCache struct {
	dir *directory.Store
	ttl time.Duration
	now func() time.Time

	cur atomic.Pointer[unitTree]
	mu  sync.Mutex // serializes reloads
}

// missReload is how soon an unknown unit code may force a reload.
const missReload = 5 * time.Second

func (c *treeCache) get(ctx context.Context, codes ...string) (*unitTree, error) {
	now := c.now()
	t := c.cur.Load()
	if t != nil && now.Sub(t.built) < c.ttl && (t.knows(codes) || now.Sub(t.built) < missReload) {
		return t, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t2 := c.cur.Load(); t2 != nil && t2 != t {
		return t2, nil // another request reloaded while we waited
	}
	units, err := c.dir.Units(ctx)
	if err != nil {
		if t != nil {
			return t, nil // a stale tree beats refusing everyone while the database hiccups
		}
		return nil, fmt.Errorf("load unit tree: %w", err)
	}
	t = buildTree(units, now)
	c.cur.Store(t)
	return t, nil
}

func (t *unitTree) knows(codes []string) bool {
	for _, c := range codes {
		if c != "" && !t.has(c) {
			return false
		}
	}
	return true
}

func (c *treeCache) invalidate() { c.cur.Store(nil) }
