package screening

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"liandong/internal/db"
)

// committer runs the write work of concurrent requests (audit entries,
// hit rows, notifications) in shared transactions: group commit. Each
// request still waits until its own work has committed before it
// answers, so nothing is answered unaudited; but one transaction — one
// audit chain-head lock, one commit — carries the work of every request
// that arrived while the previous one ran. Screening one applicant costs
// microseconds and a commit about a millisecond: committed one by one,
// the audit would cap the API at the commit rate.
//
// There is no background goroutine: the first request to find no flush
// running flushes; if more arrived meanwhile it hands over to a new
// goroutine.
type committer struct {
	db *db.DB

	mu      sync.Mutex
	pending []*work
	running bool
}

type work struct {
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

// maxGroup bounds one transaction, so a burst does not build one huge
// commit that every request in it waits for.
const maxGroup = 256

func newCommitter(d *db.DB) *committer { return &committer{db: d} }

// do runs fn in a transaction shared with other requests and returns once
// it has committed. When the shared transaction fails, each piece of work
// is retried in a transaction of its own, so one bad request does not
// fail the others.
func (c *committer) do(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	w := &work{fn: fn, done: make(chan error, 1)}
	c.mu.Lock()
	c.pending = append(c.pending, w)
	lead := !c.running
	if lead {
		c.running = true
	}
	c.mu.Unlock()
	if lead {
		c.flush()
	}
	select {
	case err := <-w.done:
		return err
	case <-ctx.Done():
		// The work may still commit; the request is gone anyway.
		return ctx.Err()
	}
}

func (c *committer) flush() {
	c.mu.Lock()
	n := min(len(c.pending), maxGroup)
	batch := c.pending[:n:n]
	c.pending = c.pending[n:]
	c.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	err := c.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, w := range batch {
			if err := w.fn(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && len(batch) > 1 {
		for _, w := range batch {
			w.done <- c.db.Tx(ctx, func(tx *sql.Tx) error { return w.fn(ctx, tx) })
		}
	} else {
		if err != nil {
			err = fmt.Errorf("screening: commit: %w", err)
		}
		for _, w := range batch {
			w.done <- err
		}
	}
	cancel()

	c.mu.Lock()
	more := len(c.pending) > 0
	if !more {
		c.running = false
	}
	c.mu.Unlock()
	if more {
		go c.flush()
	}
}
