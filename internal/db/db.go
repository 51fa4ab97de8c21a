// Package db opens the embedded SQLite database or PostgreSQL, applies the
// embedded migrations and runs transactions with retries. It knows engines,
// not domains: domain packages own their SQL and call Tx, Read and Write.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Engine names the database engine behind a DB.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// SQLiteFile is the file name of the SQLite database inside the data folder.
const SQLiteFile = "liandong.db"

// DB is an open database. On SQLite all writes go through one connection
// (SQLite allows one writer at a time; queuing in Go is cheaper than spinning
// on SQLITE_BUSY) and reads use a separate pool. On PostgreSQL both are the
// same pgx pool.
type DB struct {
	Engine Engine
	// Target is what Open was given with any password removed, for logs.
	Target string
	write  *sql.DB
	read   *sql.DB
	// SQLite only: the checkpointer's connection and how to stop it.
	ckpt     *sql.DB
	stopCkpt context.CancelFunc
	ckptDone chan struct{}
}

// IsPostgresDSN reports whether target names a PostgreSQL server rather than
// a folder for SQLite.
func IsPostgresDSN(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

// Open opens target: a postgres:// DSN opens PostgreSQL, anything else is a
// folder that holds the SQLite file (created if missing). It pings the
// database but does not migrate; call Migrate for that.
func Open(ctx context.Context, target string) (*DB, error) {
	if target == "" {
		return nil, errors.New("open database: no target given (a folder or a postgres:// DSN)")
	}
	var (
		d   *DB
		err error
	)
	if IsPostgresDSN(target) {
		d, err = openPostgres(target)
	} else {
		d, err = openSQLite(target)
	}
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.Ping(pingCtx); err != nil {
		d.Close()
		return nil, fmt.Errorf("open %s database %s: %w", d.Engine, d.Target, err)
	}
	return d, nil
}

func openSQLite(dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("open sqlite: create data folder %s: %w", dir, err)
	}
	path := filepath.Join(dir, SQLiteFile)
	// _time_format=sqlite stores times as text SQLite's date functions read;
	// _txlock=immediate takes the write lock at BEGIN so a transaction never
	// fails half-way when it first writes.
	base := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_time_format=sqlite&_busy_timeout=10000&_foreign_keys=1&_journal_mode=WAL&_synchronous=NORMAL"
	write, err := sql.Open("sqlite", base+"&_txlock=immediate&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)

	read, err := sql.Open("sqlite", base+"&_query_only=1")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	ckpt, err := sql.Open("sqlite", base)
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	ckpt.SetMaxOpenConns(1)
	ctx, stop := context.WithCancel(context.Background())
	d := &DB{Engine: SQLite, Target: path, write: write, read: read, ckpt: ckpt, stopCkpt: stop, ckptDone: make(chan struct{})}
	go checkpointer(ctx, ckpt, d.ckptDone)
	return d, nil
}

func openPostgres(dsn string) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", redact(dsn), err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{Engine: Postgres, Target: redact(dsn), write: pool, read: pool}, nil
}

// redact removes a password from a DSN so it can be logged.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// Close closes every pool.
func (d *DB) Close() error {
	if d.stopCkpt != nil {
		d.stopCkpt()
		<-d.ckptDone
		// A last full checkpoint leaves the database file complete.
		_, _ = d.ckpt.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		d.ckpt.Close()
	}
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.write.PingContext(ctx); err != nil {
		return err
	}
	if d.read != d.write {
		return d.read.PingContext(ctx)
	}
	return nil
}

// Read returns the pool for queries that change nothing.
func (d *DB) Read() *sql.DB { return d.read }

// Write returns the pool for single statements that change data outside a
// transaction. Prefer Tx for anything that changes more than one row.
func (d *DB) Write() *sql.DB { return d.write }

// Now returns the current time as the database stores it: UTC, truncated to
// microseconds (PostgreSQL's precision), so values read back compare equal.
func Now() time.Time { return Time(time.Now()) }

// Time normalizes t the same way Now does.
func Time(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
