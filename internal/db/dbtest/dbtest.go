// Package dbtest gives each test a clean, migrated database: SQLite always,
// and PostgreSQL too when LIANDONG_TEST_PG holds a DSN. Each PostgreSQL test
// gets a schema of its own, so tests run in parallel.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"liandong/internal/db"
)

// EnvPG names the environment variable that holds the PostgreSQL test DSN.
const EnvPG = "LIANDONG_TEST_PG"

// Each runs fn as a subtest once per available engine, each with a fresh
// migrated database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if dsn := PGDSN(t); dsn != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t, dsn)) })
	}
}

// PGDSN returns the PostgreSQL test DSN, or "" when none is set. On CI (CI
// set) a missing DSN fails the test: CI must exercise both engines.
func PGDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvPG)
	if dsn == "" && os.Getenv("CI") != "" {
		t.Fatalf("%s is not set on CI: .ci/run must start PostgreSQL and export it", EnvPG)
	}
	return dsn
}

// SQLite opens a migrated SQLite database in a temporary folder.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	return open(t, t.TempDir())
}

// Postgres creates a schema of its own on the server dsn names, opens a
// migrated database in it, and drops the schema when the test ends.
func Postgres(t testing.TB, dsn string) *db.DB {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("open %s: %v", EnvPG, err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "t_" + randomHex(8)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create test schema on %s: %v", EnvPG, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	return open(t, WithSearchPath(dsn, schema))
}

// WithSearchPath returns dsn with its search_path set to schema.
func WithSearchPath(dsn, schema string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, target string) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, target)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return d
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}
