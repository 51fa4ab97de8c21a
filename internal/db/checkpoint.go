package db

import (
	"context"
	"database/sql"
	"time"
)

// checkpointEvery is how often the background checkpointer copies the
// SQLite write-ahead log into the database file.
const checkpointEvery = 500 * time.Millisecond

// checkpointer runs SQLite's WAL checkpoints on a connection of its own.
//
// Decision (measured, docs/PERFORMANCE.md): SQLite by default checkpoints
// inside the commit that takes the log past 1,000 pages, and with
// synchronous=NORMAL that checkpoint is the only fsync — so one request in
// a few hundred paid several milliseconds for everyone's writes, which set
// the API's p99. The writer turns automatic checkpoints off
// (wal_autocheckpoint=0) and this goroutine runs PASSIVE checkpoints,
// which never block readers or the writer, every checkpointEvery; the log
// restarts from its beginning once a checkpoint has caught up.
func checkpointer(ctx context.Context, conn *sql.DB, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			// A failure (the database is being closed, a busy moment) is
			// retried at the next tick; the log only grows meanwhile.
			_, _ = conn.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}
