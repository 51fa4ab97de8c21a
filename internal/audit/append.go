package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Append writes e as the next entry of the chain inside the caller's
// transaction, so the audited change and its entry commit together or not
// at all. It assigns Seq (and At when zero) and returns the stored entry.
//
// Append locks the chain head until tx ends: audited transactions commit one
// after another. Append as the last statement before commit, so the lock is
// held for a commit and not for the business work. Inside a transaction
// never call Record: on SQLite it would wait for the writer tx holds.
func (l *Log) Append(ctx context.Context, tx *sql.Tx, e Entry) (Entry, error) {
	e, err := prepare(e)
	if err != nil {
		return Entry{}, err
	}
	st := l.statements(tx)
	var (
		seq  int64
		last []byte
	)
	if err := st.lock(ctx).Scan(&seq, &last); err != nil {
		return Entry{}, fmt.Errorf("audit %s: lock the chain head: %w", e.Action, err)
	}
	prev, err := chainPrev(seq, last)
	if err != nil {
		return Entry{}, fmt.Errorf("audit %s: %w", e.Action, err)
	}
	if e.At.IsZero() {
		e.At = l.now()
	}
	e.Seq = seq + 1
	h := chainHash(prev, &e)
	if _, err := st.insert(ctx, e.Seq, e.At, e.Username, e.UnitCode, e.Role, e.Source, e.Action, e.Object, e.CaseNumber, string(e.Outcome), e.Detail, h[:]); err != nil {
		return Entry{}, fmt.Errorf("audit %s: insert entry %d: %w", e.Action, e.Seq, err)
	}
	if _, err := st.move(ctx, e.Seq, h[:]); err != nil {
		return Entry{}, fmt.Errorf("audit %s: move the chain head to %d: %w", e.Action, e.Seq, err)
	}
	l.pokeIfDue(e.Seq)
	return e, nil
}

// Record appends e in a transaction of its own: for acts that change
// nothing else (logins, denials, reads).
func (l *Log) Record(ctx context.Context, e Entry) (Entry, error) {
	l.prepare() // outside the transaction: SQLite has one writer connection
	var out Entry
	err := l.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = l.Append(ctx, tx, e)
		return err
	})
	if err == nil {
		l.pokeIfDue(out.Seq) // Append's poke may have come before the commit
	}
	return out, err
}

// chainPrev is the hash a new entry chains to, from the chain-head row.
// A damaged head row stops appends: entries chained to a guess would only
// hide the damage.
func chainPrev(seq int64, last []byte) (hash, error) {
	if seq == 0 && len(last) == 0 {
		return genesis(), nil
	}
	h, ok := toHash(last)
	if !ok {
		return h, fmt.Errorf("the chain head row (seq %d) holds a %d-byte hash, want %d: run liandong audit verify", seq, len(last), HashSize)
	}
	return h, nil
}

const (
	insertEntry = `INSERT INTO audit_entries (seq, at, username, unit_code, role, source, action, object, case_number, outcome, detail, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`
	moveChain = `UPDATE audit_chain SET seq = $1, hash = $2 WHERE id = 1`
)

// appendStmts are Append's statements prepared once per Log: the SQLite
// driver otherwise spends about a third of an append compiling SQL.
// database/sql keeps a prepared copy per connection and Tx.StmtContext
// reuses it.
type appendStmts struct {
	lock, insert, move *sql.Stmt
}

// prepare prepares Append's statements if they are not yet, and leaves
// them unprepared on failure (a database not yet migrated, a server down):
// Append then runs plain SQL and a later call tries again. It takes a
// connection from the pool, so it must never run inside a transaction of
// this goroutine: on SQLite that would wait for itself.
func (l *Log) prepare() {
	l.stmtMu.Lock()
	defer l.stmtMu.Unlock()
	if l.stmts != nil {
		return
	}
	ctx := context.Background() // the statements outlive any one request
	w := l.db.Write()
	var (
		st   appendStmts
		errs [3]error
	)
	st.lock, errs[0] = w.PrepareContext(ctx, l.sql.lockChain)
	st.insert, errs[1] = w.PrepareContext(ctx, insertEntry)
	st.move, errs[2] = w.PrepareContext(ctx, moveChain)
	if err := errors.Join(errs[:]...); err != nil {
		for _, s := range []*sql.Stmt{st.lock, st.insert, st.move} {
			if s != nil {
				s.Close()
			}
		}
		return
	}
	l.stmts = &st
}

// txStatements runs Append's statements in one transaction, prepared when
// they are.
type txStatements struct {
	lock   func(ctx context.Context) *sql.Row
	insert func(ctx context.Context, args ...any) (sql.Result, error)
	move   func(ctx context.Context, args ...any) (sql.Result, error)
}

func (l *Log) statements(tx *sql.Tx) txStatements {
	l.stmtMu.Lock()
	st := l.stmts
	l.stmtMu.Unlock()
	if st == nil {
		return txStatements{
			lock: func(ctx context.Context) *sql.Row { return tx.QueryRowContext(ctx, l.sql.lockChain) },
			insert: func(ctx context.Context, args ...any) (sql.Result, error) {
				return tx.ExecContext(ctx, insertEntry, args...)
			},
			move: func(ctx context.Context, args ...any) (sql.Result, error) {
				return tx.ExecContext(ctx, moveChain, args...)
			},
		}
	}
	return txStatements{
		lock: func(ctx context.Context) *sql.Row { return tx.StmtContext(ctx, st.lock).QueryRowContext(ctx) },
		insert: func(ctx context.Context, args ...any) (sql.Result, error) {
			return tx.StmtContext(ctx, st.insert).ExecContext(ctx, args...)
		},
		move: func(ctx context.Context, args ...any) (sql.Result, error) {
			return tx.StmtContext(ctx, st.move).ExecContext(ctx, args...)
		},
	}
}
