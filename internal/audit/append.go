package audit

import (
	"context"
	"database/sql"
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
	var (
		seq  int64
		last []byte
	)
	if err := tx.QueryRowContext(ctx, l.sql.lockChain).Scan(&seq, &last); err != nil {
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
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_entries (seq, at, username, unit_code, role, source, action, object, case_number, outcome, detail, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		e.Seq, e.At, e.Username, e.UnitCode, e.Role, e.Source, e.Action, e.Object, e.CaseNumber, string(e.Outcome), e.Detail, h[:]); err != nil {
		return Entry{}, fmt.Errorf("audit %s: insert entry %d: %w", e.Action, e.Seq, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_chain SET seq = $1, hash = $2 WHERE id = 1`, e.Seq, h[:]); err != nil {
		return Entry{}, fmt.Errorf("audit %s: move the chain head to %d: %w", e.Action, e.Seq, err)
	}
	l.pokeIfDue(e.Seq)
	return e, nil
}

// Record appends e in a transaction of its own: for acts that change
// nothing else (logins, denials, reads).
func (l *Log) Record(ctx context.Context, e Entry) (Entry, error) {
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
