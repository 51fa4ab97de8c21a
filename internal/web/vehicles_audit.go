package web

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"liandong/internal/audit"
	"liandong/internal/db"
)

// groupAudit appends the audit entries of concurrent requests in shared
// transactions (group commit). Each request still waits until its own
// entries are committed before it answers, so nothing is answered
// unaudited; but one transaction — one chain-head lock and one commit —
// carries the entries of every request that arrived while the previous
// transaction ran. A vehicle check costs microseconds and its audit entry,
// alone, a commit: appended one transaction per request the audit capped
// checks at the audited-commit rate (docs/PERFORMANCE.md, vehicle checks).
//
// There is no background goroutine: the first request to find no flush
// running becomes the leader and flushes; if more arrived meanwhile it
// hands the leadership to a new goroutine and answers.
type groupAudit struct {
	db  *db.DB
	log *audit.Log

	mu      sync.Mutex
	pending []*auditWait
	running bool
}

// maxGroup bounds one transaction, so a burst does not build one huge
// commit that makes every request in it wait.
const maxGroup = 256

type auditWait struct {
	entries []audit.Entry
	done    chan error
}

func newGroupAudit(d *db.DB, log *audit.Log) *groupAudit { return &groupAudit{db: d, log: log} }

// record appends entries (in this order, in one transaction with other
// requests' entries) and returns once they are committed.
func (g *groupAudit) record(ctx context.Context, entries ...audit.Entry) error {
	w := &auditWait{entries: entries, done: make(chan error, 1)}
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
		// The entries may still be committed; the request is gone anyway.
		return ctx.Err()
	}
}

// flush commits one group; if more requests wait, a new leader takes over.
func (g *groupAudit) flush() {
	g.mu.Lock()
	n := min(len(g.pending), maxGroup)
	batch := g.pending[:n:n]
	g.pending = g.pending[n:]
	g.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	err := g.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, w := range batch {
			for _, e := range w.entries {
				if _, err := g.log.Append(ctx, tx, e); err != nil {
					return err
				}
			}
		}
		return nil
	})
	cancel()
	if err != nil {
		err = fmt.Errorf("audit %d grouped requests: %w", len(batch), err)
	}
	for _, w := range batch {
		w.done <- err
	}

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
