package credit

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/pii"
)

// txw is one transaction that changes the list. It holds the list version
// row locked from its first statement, so versions are handed out and
// committed in order on both engines and a reader following Changes never
// sees version n+1 before n.
type txw struct {
	s       *Store
	ctx     context.Context
	tx      *sql.Tx
	now     time.Time
	start   uint64 // the version when the transaction began
	version uint64 // the last version handed out
	audits  []audit.Entry
	changes *batchInsert
	// addsLater: the "add" changes are written in one statement from the
	// entries' own versions at the end (an import).
	addsLater bool
}

// change runs fn in a list-changing transaction: lock the version, fn's
// work, the new version, the audit entries fn queued (last, as Append
// asks), commit; then OnChange.
func (s *Store) change(ctx context.Context, fn func(w *txw) error) (uint64, error) {
	var final, start uint64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		w := &txw{s: s, ctx: ctx, tx: tx, now: s.clock()}
		lock := `SELECT version FROM credit_list WHERE id = 1`
		if s.db.Engine == db.Postgres {
			lock += ` FOR UPDATE`
		}
		var v int64
		if err := tx.QueryRowContext(ctx, lock).Scan(&v); err != nil {
			return fmt.Errorf("lock the list version: %w", err)
		}
		w.start, w.version = uint64(v), uint64(v)
		w.changes = newBatchInsert(ctx, s.db.Engine, tx, "credit_changes", []string{"version", "entry_id", "op", "at"}, 500)
		if err := fn(w); err != nil {
			return err
		}
		if err := w.changes.flush(); err != nil {
			return err
		}
		if w.version != w.start {
			if _, err := tx.ExecContext(ctx, `UPDATE credit_list SET version = $1 WHERE id = 1`, int64(w.version)); err != nil {
				return fmt.Errorf("advance the list version: %w", err)
			}
			if s.db.Engine == db.Postgres {
				if _, err := tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, NotifyChannel, strconv.FormatUint(w.version, 10)); err != nil {
					return fmt.Errorf("notify list change: %w", err)
				}
			}
		}
		for _, e := range w.audits {
			if _, err := s.auditor.Append(ctx, tx, e); err != nil {
				return err
			}
		}
		final, start = w.version, w.start
		return nil
	})
	if err != nil {
		return 0, err
	}
	if final != start && s.onChange != nil {
		s.onChange(final)
	}
	return final, nil
}

// Op is what a change did to an entry.
type Op string

const (
	OpAdd    Op = "add"
	OpRemove Op = "remove"
	OpUpdate Op = "update"
)

// record hands out the next version for a change of entry id and queues
// its change-feed row. It returns the version.
func (w *txw) record(id int64, op Op) (uint64, error) {
	w.version++
	if op == OpAdd && w.addsLater {
		return w.version, nil
	}
	if err := w.changes.add(int64(w.version), id, string(op), w.now); err != nil {
		return 0, err
	}
	return w.version, nil
}

// audit queues an audit entry, appended after all other statements.
func (w *txw) audit(e audit.Entry) { w.audits = append(w.audits, e) }

// recorded writes an act on entry id to its history and, with the same
// words, to the audit log (with the case number as the purpose).
func (w *txw) recorded(actor access.Principal, id int64, caseNumber, act, article, action, detail string) error {
	if err := w.event(id, actor.Username, act, article, detail); err != nil {
		return err
	}
	w.audit(auditEntry(actor, action, entryObject(id), caseNumber, detail))
	return nil
}

// withNote appends the officer's note to an act's description.
func withNote(detail, note string) string {
	if note == "" {
		return detail
	}
	return detail + "；" + note
}

// event adds a line to an entry's history.
func (w *txw) event(id int64, by, act, article, detail string) error {
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO credit_events (entry_id, at, by_user, act, article, detail) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, w.now, by, act, article, detail)
	if err != nil {
		return fmt.Errorf("record %s of entry %d: %w", act, id, err)
	}
	return nil
}

// nextID is the first free entry id. Every writer holds the version lock,
// so ids handed out this way never collide; on PostgreSQL the identity
// sequence is not used.
func (w *txw) nextID() (int64, error) {
	var id int64
	if err := w.tx.QueryRowContext(w.ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM credit_entries`).Scan(&id); err != nil {
		return 0, fmt.Errorf("next entry id: %w", err)
	}
	return id, nil
}

// sealed is a validated row with its id, sealed documents and debtor key.
type sealed struct {
	row
	id        int64
	debtorKey string
	fields    []pii.Field
}

// documentPlace binds a sealed number to its row.
func documentPlace(entryID int64, ord int) string {
	return "credit_documents.number:" + strconv.FormatInt(entryID, 10) + ":" + strconv.Itoa(ord)
}

// seal protects r's documents for entry id; key is the row's debtor key
// when already computed ("" to compute it).
func (s *Store) seal(r row, id int64, key string) (sealed, error) {
	out := sealed{row: r, id: id, debtorKey: key}
	out.fields = make([]pii.Field, len(r.docs))
	for i, d := range r.docs {
		f, err := s.pii.Protect(pii.IDNumber, d.number, documentPlace(id, i))
		if err != nil {
			return sealed{}, err
		}
		out.fields[i] = f
		if out.debtorKey == "" && d.holder == "debtor" && d.number == r.keyNumber {
			out.debtorKey = f.Index
		}
	}
	if out.debtorKey == "" {
		out.debtorKey = s.debtorKey(r)
	}
	return out, nil
}

var entryColumns = []string{"id", "kind", "name", "sex", "birth_date", "region", "credit_code", "legal_rep", "debtor_key",
	"ground", "obligation", "performance", "conduct", "basis_unit", "basis_number", "case_number", "filed_on",
	"court_unit", "court_name", "initiation", "applied_on", "decision_number", "decided_on", "decision_sm3",
	"term_years", "extension_reason", "expires_at", "published_at", "state", "import_id", "version", "created_at", "created_by"}

var documentColumns = []string{"entry_id", "ord", "holder", "kind", "number_sealed", "number_index", "number_masked"}

// inserter writes new entries with their documents and "add" changes.
type inserter struct {
	w       *txw
	entries *batchInsert
	docs    *batchInsert
	c       court
	by      string
	import_ any // import id or nil
}

func (w *txw) inserter(c court, by string, importID int64, batch int) *inserter {
	in := &inserter{w: w, c: c, by: by,
		entries: newBatchInsert(w.ctx, w.s.db.Engine, w.tx, "credit_entries", entryColumns, batch),
		docs:    newBatchInsert(w.ctx, w.s.db.Engine, w.tx, "credit_documents", documentColumns, batch)}
	// Documents reference their entries: write the entries first.
	in.docs.before = in.entries.flush
	in.docs.single = w.s.db.Engine == db.SQLite
	if importID != 0 {
		in.import_ = importID
	}
	return in
}

// add queues one entry.
func (in *inserter) add(r sealed) error {
	v, err := in.w.record(r.id, OpAdd)
	if err != nil {
		return err
	}
	var expires any
	if r.expiresAt != nil {
		expires = db.Time(*r.expiresAt)
	}
	err = in.entries.add(r.id, string(r.kind), r.name, r.sex, r.birth, r.region, r.creditCode, r.legalRep, r.debtorKey,
		int(r.ground), r.obligation, r.performance, r.conduct, r.basisUnit, r.basisNumber, r.caseNumber, r.filedOn,
		in.c.unit, in.c.name, string(r.initiation), r.appliedOn, r.decisionNo, r.decidedOn, r.decisionSM3,
		r.termYears, string(r.extReason), expires, db.Time(r.publishedAt), string(Active), in.import_, int64(v), in.w.now, in.by)
	if err != nil {
		return err
	}
	for i, d := range r.docs {
		f := r.fields[i]
		if err := in.docs.add(r.id, i, d.holder, string(d.kind), f.Sealed, f.Index, f.Masked); err != nil {
			return err
		}
	}
	return nil
}

// flush writes what is queued: entries before their documents.
func (in *inserter) flush() error {
	if err := in.entries.flush(); err != nil {
		return err
	}
	return in.docs.flush()
}

// batchInsert writes rows with multi-row INSERT statements: one prepared
// statement for full batches, a one-off statement for the tail. A
// statement per row costs the SQLite driver more than the insert itself.
type batchInsert struct {
	ctx   context.Context
	tx    *sql.Tx
	table string
	cols  []string
	per   int
	full  *sql.Stmt
	args  []any
	n     int
	// before, when set, runs before each write (rows this table
	// references are written first).
	before func() error
	// single: write the queued rows one statement each (SQLite, for a
	// table with a foreign key: a multi-row INSERT there would keep a
	// statement journal whatever its conflict clause).
	single bool
	one    *sql.Stmt
	// positional: "?" placeholders (SQLite: the driver looks a "$n" up by
	// name, which is quadratic in the number of parameters).
	positional bool
}

func newBatchInsert(ctx context.Context, e db.Engine, tx *sql.Tx, table string, cols []string, per int) *batchInsert {
	return &batchInsert{ctx: ctx, tx: tx, table: table, cols: cols, per: per, args: make([]any, 0, per*len(cols)), positional: e == db.SQLite}
}

func (b *batchInsert) statement(rows int) string {
	var sb strings.Builder
	sb.Grow(64 + rows*len(b.cols)*6)
	if b.positional {
		// SQLite: a multi-row INSERT that may abort keeps a statement
		// journal (a copy of every page it touches); OR ROLLBACK ends the
		// whole transaction on a violation instead, which the caller does
		// anyway, so no journal is needed.
		sb.WriteString("INSERT OR ROLLBACK INTO ")
	} else {
		sb.WriteString("INSERT INTO ")
	}
	sb.WriteString(b.table)
	sb.WriteString(" (")
	sb.WriteString(strings.Join(b.cols, ", "))
	sb.WriteString(") VALUES ")
	p := 1
	for i := 0; i < rows; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for j := range b.cols {
			if j > 0 {
				sb.WriteString(", ")
			}
			if b.positional {
				sb.WriteByte('?')
			} else {
				sb.WriteByte('$')
				sb.WriteString(strconv.Itoa(p))
				p++
			}
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// add queues one row; its values in column order.
func (b *batchInsert) add(vals ...any) error {
	b.args = append(b.args, vals...)
	b.n++
	if b.n == b.per {
		return b.flush()
	}
	return nil
}

// flush writes the queued rows.
func (b *batchInsert) flush() error {
	if b.n == 0 {
		return nil
	}
	if b.before != nil {
		if err := b.before(); err != nil {
			return err
		}
	}
	var err error
	if b.single {
		if b.one == nil {
			if b.one, err = b.tx.PrepareContext(b.ctx, b.statement(1)); err != nil {
				return fmt.Errorf("prepare insert into %s: %w", b.table, err)
			}
		}
		k := len(b.cols)
		for i := 0; i < b.n; i++ {
			if _, err := b.one.ExecContext(b.ctx, b.args[i*k:(i+1)*k]...); err != nil {
				return fmt.Errorf("insert into %s: %w", b.table, err)
			}
		}
		b.args, b.n = b.args[:0], 0
		return nil
	}
	if b.n == b.per {
		if b.full == nil {
			if b.full, err = b.tx.PrepareContext(b.ctx, b.statement(b.per)); err != nil {
				return fmt.Errorf("prepare insert into %s: %w", b.table, err)
			}
		}
		_, err = b.full.ExecContext(b.ctx, b.args...)
	} else {
		_, err = b.tx.ExecContext(b.ctx, b.statement(b.n), b.args...)
	}
	if err != nil {
		return fmt.Errorf("insert %d rows into %s: %w", b.n, b.table, err)
	}
	b.args, b.n = b.args[:0], 0
	return nil
}
