package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
)

func TestMigrateIsIdempotentAndReportsStatus(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		all, err := db.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		if len(all) == 0 {
			t.Fatal("no embedded migrations")
		}
		applied, err := d.Migrate(ctx)
		if err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		if len(applied) != 0 {
			t.Errorf("second migrate applied %v, want nothing", applied)
		}
		v, err := d.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := all[len(all)-1].Version; v != want {
			t.Errorf("schema version %d, want %d", v, want)
		}
		states, err := d.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range states {
			if !s.Applied || s.AppliedAt.IsZero() {
				t.Errorf("migration %d not reported applied: %+v", s.Version, s)
			}
		}
	})
}

func TestMigrateRefusesAChangedMigration(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Write().ExecContext(ctx, `UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1`); err != nil {
			t.Fatal(err)
		}
		_, err := d.Migrate(ctx)
		if err == nil || !strings.Contains(err.Error(), "changed after it was applied") {
			t.Fatalf("migrate over a changed migration: err = %v, want a 'changed after it was applied' error", err)
		}
	})
}

func TestEmptyDatabaseHasSchemaVersionZero(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, err := db.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	v, err := d.SchemaVersion(ctx)
	if err != nil || v != 0 {
		t.Fatalf("SchemaVersion = %d, %v; want 0, nil", v, err)
	}
	states, err := d.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range states {
		if s.Applied {
			t.Errorf("migration %d reported applied on an empty database", s.Version)
		}
	}
}

func TestTxCommitsAndRollsBack(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mustExec(t, d, `CREATE TABLE tx_probe (k TEXT PRIMARY KEY, n BIGINT NOT NULL)`)
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO tx_probe (k, n) VALUES ('a', 1)`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO tx_probe (k, n) VALUES ('b', 2)`); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx returned %v, want the function's error", err)
		}
		var n int
		if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM tx_probe`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("%d rows after a commit and a rollback, want 1", n)
		}
		// A duplicate key is reported as such on both engines.
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO tx_probe (k, n) VALUES ('a', 3)`)
			return err
		})
		if !db.IsUniqueViolation(err) {
			t.Errorf("duplicate insert: IsUniqueViolation(%v) = false", err)
		}
	})
}

// Concurrent read-modify-write transactions must all land: SQLite
// serializes them on the writer, PostgreSQL under SERIALIZABLE retries them.
func TestTxConcurrentIncrementsAllLand(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mustExec(t, d, `CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)`)
		mustExec(t, d, `INSERT INTO counter (id, n) VALUES (1, 0)`)
		const workers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					errs <- d.Tx(ctx, func(tx *sql.Tx) error {
						if d.Engine == db.Postgres {
							if _, err := tx.ExecContext(ctx, `SET TRANSACTION ISOLATION LEVEL SERIALIZABLE`); err != nil {
								return err
							}
						}
						var n int
						if err := tx.QueryRowContext(ctx, `SELECT n FROM counter WHERE id = 1`).Scan(&n); err != nil {
							return err
						}
						_, err := tx.ExecContext(ctx, `UPDATE counter SET n = $1 WHERE id = 1`, n+1)
						return err
					})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("transaction failed: %v", err)
			}
		}
		var n int
		if err := d.Read().QueryRowContext(ctx, `SELECT n FROM counter WHERE id = 1`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != workers*each {
			t.Errorf("counter = %d, want %d", n, workers*each)
		}
	})
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain", errors.New("x"), false},
		{"pg serialization", &pgconn.PgError{Code: "40001"}, true},
		{"pg deadlock", fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: "40P01"}), true},
		{"pg unique", &pgconn.PgError{Code: "23505"}, false},
	}
	for _, tt := range tests {
		if got := db.Retryable(tt.err); got != tt.want {
			t.Errorf("%s: Retryable = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A real SQLITE_BUSY from a connection that does not wait is retryable.
func TestSQLiteBusyIsRetryable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	d, err := db.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	mustExec(t, d, `CREATE TABLE busy_probe (n BIGINT)`)

	impatient, err := sql.Open("sqlite", "file:"+filepath.Join(dir, db.SQLiteFile)+"?_busy_timeout=0&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer impatient.Close()

	hold := make(chan struct{})
	held := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- d.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO busy_probe (n) VALUES (1)`); err != nil {
				return err
			}
			close(held)
			<-hold
			return nil
		})
	}()
	<-held
	_, err = impatient.ExecContext(ctx, `INSERT INTO busy_probe (n) VALUES (2)`)
	close(hold)
	if err == nil {
		t.Fatal("write during another writer's transaction succeeded, want SQLITE_BUSY")
	}
	if !db.Retryable(err) {
		t.Errorf("Retryable(%v) = false, want true", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestTimesRoundTrip(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mustExec(t, d, db.ExpandTypes(d.Engine, `CREATE TABLE time_probe (at {{time}} NOT NULL)`))
		shanghai := time.FixedZone("CST", 8*3600)
		in := time.Date(2024, 10, 9, 14, 30, 5, 123456789, shanghai)
		if _, err := d.Write().ExecContext(ctx, `INSERT INTO time_probe (at) VALUES ($1)`, db.Time(in)); err != nil {
			t.Fatal(err)
		}
		var out time.Time
		if err := d.Read().QueryRowContext(ctx, `SELECT at FROM time_probe`).Scan(&out); err != nil {
			t.Fatal(err)
		}
		if !out.Equal(db.Time(in)) {
			t.Errorf("read back %v, want %v", out, db.Time(in))
		}
	})
}

func TestOpenRejectsEmptyTargetAndBadServer(t *testing.T) {
	t.Parallel()
	if _, err := db.Open(context.Background(), ""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := db.Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if err == nil {
		t.Fatal("Open on a closed port succeeded")
	}
	if !strings.Contains(err.Error(), "postgres") {
		t.Errorf("error %q does not name the engine", err)
	}
}

func mustExec(t *testing.T, d *db.DB, q string) {
	t.Helper()
	if _, err := d.Write().ExecContext(context.Background(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestSQLiteCheckpointsInTheBackground: the writer never checkpoints in a
// commit (wal_autocheckpoint 0), so rows reach the database file only
// through the background checkpointer: the file grows to hold them within
// a few of its ticks.
func TestSQLiteCheckpointsInTheBackground(t *testing.T) {
	dir := t.TempDir()
	d, err := db.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var auto int
	if err := d.Write().QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("writer wal_autocheckpoint = %d, %v; want 0", auto, err)
	}
	if _, err := d.Write().Exec(`CREATE TABLE t (v TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		if _, err := d.Write().Exec(`INSERT INTO t (v) VALUES ($1)`, strings.Repeat("x", 4000)+fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		fi, err := os.Stat(filepath.Join(dir, db.SQLiteFile))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > 1<<20 { // 300 rows of 4 KB are in the file
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes after 5 s: the log was not checkpointed", fi.Size())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
