package db_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
)

// TestGroupCommitsConcurrentWork: every caller's work commits and each
// caller hears its own outcome — a failing piece of work fails only its
// caller, whose rows are not written.
func TestGroupCommitsConcurrentWork(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Write().ExecContext(ctx, `CREATE TABLE g (n INTEGER NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		g := db.NewGroup(d, "test")
		bad := errors.New("bad request")
		var wg sync.WaitGroup
		errs := make([]error, 64)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = g.Do(ctx, func(ctx context.Context, tx *sql.Tx) error {
					if _, err := tx.ExecContext(ctx, `INSERT INTO g (n) VALUES ($1)`, i); err != nil {
						return err
					}
					if i%16 == 5 {
						return bad
					}
					return nil
				})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if (i%16 == 5) != errors.Is(err, bad) {
				t.Errorf("work %d: %v", i, err)
			}
		}
		var n int
		if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM g`).Scan(&n); err != nil || n != 60 {
			t.Errorf("%d rows, want 60 (the 4 failing pieces rolled back): %v", n, err)
		}
	})
}

// TestGroupSurvivesAPanic: work that panics fails its own caller with an
// error, and the group keeps serving the next callers.
func TestGroupSurvivesAPanic(t *testing.T) {
	d := dbtest.SQLite(t)
	g := db.NewGroup(d, "test")
	ctx := context.Background()
	err := g.Do(ctx, func(context.Context, *sql.Tx) error { panic("boom") })
	if err == nil {
		t.Fatal("a panicking piece of work reported success")
	}
	done := make(chan error, 1)
	go func() { done <- g.Do(ctx, func(context.Context, *sql.Tx) error { return nil }) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the next work: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the group hangs after a panic")
	}
}
