package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// Retries stop after maxAttempts or when maxRetryTime has passed, whichever
// comes first; between attempts Tx sleeps a random time up to an
// exponentially growing cap ("full jitter"), so contending writers spread out.
const (
	maxAttempts  = 30
	maxRetryTime = 10 * time.Second
	backoffBase  = time.Millisecond
	backoffCap   = 100 * time.Millisecond
)

// Tx runs fn in a transaction and commits it, or rolls back when fn returns
// an error. When the engine reports a transient conflict (SQLite busy or
// locked, PostgreSQL serialization failure or deadlock) the whole transaction
// is run again with a short randomized backoff, so fn must not have effects
// outside the transaction.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	var err error
	start := time.Now()
	attempt := 1
	for ; attempt <= maxAttempts; attempt++ {
		err = d.txOnce(ctx, fn)
		if err == nil || !Retryable(err) {
			return err
		}
		if time.Since(start) > maxRetryTime {
			break
		}
		ceiling := backoffCap
		if attempt < 8 {
			ceiling = min(backoffCap, backoffBase<<attempt)
		}
		backoff := time.Duration(rand.Int64N(int64(ceiling)) + 1)
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(backoff):
		}
	}
	return fmt.Errorf("transaction gave up after %d attempts in %v: %w", min(attempt, maxAttempts), time.Since(start).Round(time.Millisecond), err)
}

func (d *DB) txOnce(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// SQLite primary result codes that mean "try again".
const (
	sqliteBusy   = 5
	sqliteLocked = 6
)

// Retryable reports whether err is a transient conflict that a new attempt
// of the same transaction may not meet.
func Retryable(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // extended codes keep the primary code in the low byte
		case sqliteBusy, sqliteLocked:
			return true
		}
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return true
		}
	}
	return false
}

// IsUniqueViolation reports whether err is a unique or primary key
// constraint failure on either engine, so callers can turn it into a
// "already exists" message.
func IsUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		// SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
		return se.Code() == 2067 || se.Code() == 1555
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// IsForeignKeyViolation reports whether err is a foreign key failure.
func IsForeignKeyViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == 787 // SQLITE_CONSTRAINT_FOREIGNKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	return false
}
