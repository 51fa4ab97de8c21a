package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// Group runs the write work of concurrent requests in shared transactions:
// group commit. Each caller of Do still waits until its own work has
// committed before it returns, so nothing is answered unwritten (an audit
// entry, a hit record); but one transaction — one audit chain-head lock,
// one commit — carries the work of every request that arrived while the
// previous one ran. A vehicle check or a screen costs microseconds and a
// commit about a millisecond: committed one by one, the writes would cap
// the API at the commit rate (docs/PERFORMANCE.md).
//
// There is no background goroutine: the first caller to find no flush
// running flushes; if more arrived meanwhile it hands over to a new
// goroutine. When a shared transaction fails, each piece of work is
// retried in a transaction of its own, so one bad request does not fail
// the others.
type Group struct {
	db   *DB
	name string // for errors: "audit", "screening"

	mu      sync.Mutex
	pending []*groupWork
	running bool
}

type groupWork struct {
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

// maxGroup bounds one transaction, so a burst does not build one huge
// commit that every request in it waits for.
const maxGroup = 256

// NewGroup returns a group committer on d; name prefixes its errors.
func NewGroup(d *DB, name string) *Group { return &Group{db: d, name: name} }

// Do runs fn in a transaction shared with other callers and returns once
// it has committed (or failed). fn may run twice: once in the shared
// transaction and, if that fails, alone.
func (g *Group) Do(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	w := &groupWork{fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, w)
	lead := !g.running
	if lead {
		g.running = true
	}
	g.mu.Unlock()
	if lead {
		g.flush()
	}
	select {
	case err := <-w.done:
		return err
	case <-ctx.Done():
		// The work may still commit; the request is gone anyway.
		return ctx.Err()
	}
}

func (g *Group) flush() {
	g.mu.Lock()
	n := min(len(g.pending), maxGroup)
	batch := g.pending[:n:n]
	g.pending = g.pending[n:]
	g.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	err := g.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, w := range batch {
			if err := safely(ctx, tx, w.fn); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && len(batch) > 1 {
		for _, w := range batch {
			err := g.db.Tx(ctx, func(tx *sql.Tx) error { return safely(ctx, tx, w.fn) })
			if err != nil {
				err = fmt.Errorf("%s: commit: %w", g.name, err)
			}
			w.done <- err
		}
	} else {
		if err != nil {
			err = fmt.Errorf("%s: commit: %w", g.name, err)
		}
		for _, w := range batch {
			w.done <- err
		}
	}
	cancel()

	g.mu.Lock()
	more := len(g.pending) > 0
	if !more {
		g.running = false
	}
	g.mu.Unlock()
	if more {
		go g.flush()
	}
}

// safely runs fn, turning a panic into an error: a panicking request must
// fail itself, not leave the group running for ever with every later
// caller waiting.
func safely(ctx context.Context, tx *sql.Tx, fn func(context.Context, *sql.Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in grouped work: %v", p)
		}
	}()
	return fn(ctx, tx)
}
