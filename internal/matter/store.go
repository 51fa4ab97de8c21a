package matter

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"liandong/internal/audit"
	"liandong/internal/db"
)

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// farFuture is due_sort for matters with no running clock: last in lists.
var farFuture = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

const matterColumns = `id, uid, kind, parent_id, case_number, court_unit, officer, requesting_unit, requesting_side,
	addressed_unit, addressed_side, delegate_unit, subject_id, state, terminal, last_seq, due_at, overdue, created_at, updated_at`

func scanMatter(row interface{ Scan(...any) error }) (Matter, error) {
	var (
		m      Matter
		parent sql.NullInt64
		due    sql.NullTime
		rs, as string
	)
	err := row.Scan(&m.ID, &m.UID, &m.Kind, &parent, &m.CaseNumber, &m.CourtUnit, &m.Officer, &m.RequestingUnit, &rs,
		&m.AddressedUnit, &as, &m.DelegateUnit, &m.SubjectID, &m.State, &m.Terminal, &m.Seq, &due, &m.Overdue, &m.CreatedAt, &m.UpdatedAt)
	if err != nil {
		return Matter{}, err
	}
	m.ParentID = parent.Int64
	m.RequestingSide, m.AddressedSide = Side(rs), Side(as)
	if due.Valid {
		t := db.Time(due.Time)
		m.DueAt = &t
	}
	m.CreatedAt, m.UpdatedAt = db.Time(m.CreatedAt), db.Time(m.UpdatedAt)
	return m, nil
}

// current is a matter's cached row with its running clocks, the starting
// point of the next event.
type current struct {
	matter  Matter
	running []Deadline
	overdue map[deadlineKey]bool // running clocks the scheduler found overdue
}

type deadlineKey struct {
	clock ClockID
	seq   int64
}

// The statements of every act, prepared once per engine (the SQLite driver
// otherwise spends a fifth of an act compiling SQL).
const (
	qMatterByID     = `SELECT ` + matterColumns + ` FROM matters WHERE id = $1`
	qRunningClocks  = `SELECT clock, started_seq, started_at, due_at, overdue_at FROM matter_deadlines WHERE matter_id = $1 AND stopped_seq IS NULL ORDER BY started_seq, clock`
	qInsertMatter   = `INSERT INTO matters (uid, kind, parent_id, case_number, court_unit, officer, requesting_unit, requesting_side, addressed_unit, addressed_side, delegate_unit, subject_id, state, terminal, last_seq, due_at, due_sort, overdue, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', $11, $12, $13, $14, $15, $16, FALSE, $17, $17) RETURNING id`
	qUpdateMatter   = `UPDATE matters SET state = $1, terminal = $2, last_seq = $3, delegate_unit = $4, due_at = $5, due_sort = $6, overdue = $7, updated_at = $8 WHERE id = $9 AND last_seq = $10`
	qInsertEvent    = `INSERT INTO matter_events (id, matter_id, seq, side, username, unit_code, role, at, type, payload, documents, clocks, header) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`
	qStartClock     = `INSERT INTO matter_deadlines (matter_id, clock, started_seq, started_at, due_at, stopped_seq, stopped_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`
	qStopClock      = `UPDATE matter_deadlines SET stopped_seq = $1, stopped_at = $2 WHERE matter_id = $3 AND clock = $4 AND started_seq = $5`
	qInsertEnvelope = `INSERT INTO matter_outbox (event_id, recipient, sender, body, signature, key_fingerprint, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`
)

var hotStatements = []string{qMatterByID, qRunningClocks, qInsertMatter, qUpdateMatter, qInsertEvent, qStartClock, qStopClock, qInsertEnvelope}

// prepare prepares the hot statements on the write pool; on failure the
// engine runs plain SQL. Call it outside any transaction.
func prepareStatements(ctx context.Context, w *sql.DB) map[string]*sql.Stmt {
	out := map[string]*sql.Stmt{}
	for _, q := range hotStatements {
		st, err := w.PrepareContext(ctx, q)
		if err != nil {
			for _, s := range out {
				s.Close()
			}
			return nil
		}
		out[q] = st
	}
	return out
}

// txq runs statements in tx, prepared when the engine has them.
type txq struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func (q txq) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := q.stmts[query]; st != nil {
		return q.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return q.tx.ExecContext(ctx, query, args...)
}

func (q txq) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := q.stmts[query]; st != nil {
		return q.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return q.tx.QueryContext(ctx, query, args...)
}

func (q txq) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := q.stmts[query]; st != nil {
		return q.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return q.tx.QueryRowContext(ctx, query, args...)
}

// loadCurrent reads matter id and its running clocks; sql.ErrNoRows when
// there is no such matter.
func loadCurrent(ctx context.Context, q querier, id int64) (current, error) {
	m, err := scanMatter(q.QueryRowContext(ctx, qMatterByID, id))
	if err != nil {
		return current{}, err
	}
	c := current{matter: m, overdue: map[deadlineKey]bool{}}
	rows, err := q.QueryContext(ctx, qRunningClocks, id)
	if err != nil {
		return current{}, fmt.Errorf("read clocks of matter %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			d       Deadline
			overdue sql.NullTime
		)
		if err := rows.Scan(&d.Clock, &d.StartedSeq, &d.StartedAt, &d.Due, &overdue); err != nil {
			return current{}, fmt.Errorf("read clocks of matter %d: %w", id, err)
		}
		d.StartedAt, d.Due = db.Time(d.StartedAt), db.Time(d.Due)
		c.running = append(c.running, d)
		if overdue.Valid {
			c.overdue[deadlineKey{d.Clock, d.StartedSeq}] = true
		}
	}
	return c, rows.Err()
}

// committed is what commit wrote.
type committed struct {
	matter     Matter
	event      Event
	transition Transition
}

// commit appends e to the matter cur describes (nil: e creates it) inside
// tx: it derives the new state and clocks with the same step Replay uses,
// updates the cached row (refusing if another act got there first),
// inserts the event and the clock rows, queues the envelope for the other
// side and, last, writes the audit entry. received marks an event that came
// from the other node through the inbox: it is audited as received and not
// sent back.
func (en *Engine) commit(ctx context.Context, sqlTx *sql.Tx, k *Kind, cur *current, e Event, source string, received bool) (committed, error) {
	tx := txq{sqlTx, en.stmts}
	var d Derived
	var m Matter
	overdue := map[deadlineKey]bool{}
	if cur != nil {
		m = cur.matter
		d = Derived{State: m.State, Terminal: m.Terminal, Seq: m.Seq, DelegateUnit: m.DelegateUnit,
			Deadlines: slices.Clone(cur.running)}
		overdue = cur.overdue
	}
	t, err := d.step(k, e)
	if err != nil {
		return committed{}, err
	}
	m.State, m.Terminal, m.Seq, m.DelegateUnit, m.DueAt, m.UpdatedAt = d.State, d.Terminal, d.Seq, d.DelegateUnit, d.DueAt(), e.At
	m.Overdue = false
	for _, dl := range d.Deadlines {
		m.Overdue = m.Overdue || (dl.Running() && overdue[deadlineKey{dl.Clock, dl.StartedSeq}])
	}
	dueSort := farFuture
	if m.DueAt != nil {
		dueSort = *m.DueAt
	}
	var due any
	if m.DueAt != nil {
		due = *m.DueAt
	}
	if cur == nil {
		h := e.Header
		m = Matter{UID: e.MatterUID, Kind: k.Name, CaseNumber: h.CaseNumber, CourtUnit: h.CourtUnit, Officer: h.Officer,
			RequestingUnit: h.RequestingUnit, RequestingSide: h.RequestingSide, AddressedUnit: h.AddressedUnit,
			AddressedSide: h.AddressedSide, SubjectID: h.SubjectID, State: m.State, Terminal: m.Terminal, Seq: m.Seq,
			DueAt: m.DueAt, CreatedAt: e.At, UpdatedAt: e.At}
		var parent any
		if h.ParentUID != "" {
			if err := tx.QueryRowContext(ctx, `SELECT id FROM matters WHERE uid = $1`, h.ParentUID).Scan(&m.ParentID); err != nil {
				return committed{}, fmt.Errorf("create matter: parent %s: %w", h.ParentUID, err)
			}
			parent = m.ParentID
		}
		err := tx.QueryRowContext(ctx, qInsertMatter,
			m.UID, m.Kind, parent, m.CaseNumber, m.CourtUnit, m.Officer, m.RequestingUnit, string(m.RequestingSide),
			m.AddressedUnit, string(m.AddressedSide), m.SubjectID, string(m.State), m.Terminal, m.Seq, due, dueSort, e.At).Scan(&m.ID)
		if err != nil {
			if db.IsUniqueViolation(err) {
				return committed{}, errStale()
			}
			return committed{}, fmt.Errorf("create matter %s: %w", k.Name, err)
		}
	} else {
		res, err := tx.ExecContext(ctx, qUpdateMatter,
			string(m.State), m.Terminal, m.Seq, m.DelegateUnit, due, dueSort, m.Overdue, m.UpdatedAt, m.ID, cur.matter.Seq)
		if err != nil {
			return committed{}, fmt.Errorf("update matter %d: %w", m.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return committed{}, errStale()
		}
	}
	e.MatterID = m.ID
	if err := en.insertEvent(ctx, tx, e); err != nil {
		return committed{}, err
	}
	for _, dl := range d.Deadlines {
		switch {
		case dl.StartedSeq == e.Seq:
			var stopped, stoppedAt any
			if !dl.Running() { // started and finished by one act: not possible today, kept for safety
				stopped, stoppedAt = dl.StoppedSeq, *dl.StoppedAt
			}
			if _, err := tx.ExecContext(ctx, qStartClock, m.ID, string(dl.Clock), dl.StartedSeq, dl.StartedAt, dl.Due, stopped, stoppedAt); err != nil {
				return committed{}, fmt.Errorf("start clock %s of matter %d: %w", dl.Clock, m.ID, err)
			}
		case dl.StoppedSeq == e.Seq:
			if _, err := tx.ExecContext(ctx, qStopClock, dl.StoppedSeq, *dl.StoppedAt, m.ID, string(dl.Clock), dl.StartedSeq); err != nil {
				return committed{}, fmt.Errorf("stop clock %s of matter %d: %w", dl.Clock, m.ID, err)
			}
		}
	}
	if !received {
		if err := en.queue(ctx, tx, m, e); err != nil {
			return committed{}, err
		}
	}
	action := "matter." + e.Type
	detail := fmt.Sprintf("kind=%s seq=%d state=%s", k.Name, e.Seq, m.State)
	if received {
		action, detail = "matter.receive", fmt.Sprintf("%s by %s@%s; %s", e.Type, e.Username, e.UnitCode, detail)
	}
	if _, err := en.audit.Append(ctx, sqlTx, audit.Entry{At: e.At, Username: e.Username, UnitCode: e.UnitCode, Role: e.Role,
		Source: source, Action: action, Object: fmt.Sprintf("matter:%d", m.ID), CaseNumber: m.CaseNumber,
		Outcome: audit.OK, Detail: detail}); err != nil {
		return committed{}, err
	}
	return committed{matter: m, event: e, transition: t}, nil
}

func (en *Engine) insertEvent(ctx context.Context, tx txq, e Event) error {
	payload, err := en.vault.sealPayload(e.ID, e.Payload)
	if err != nil {
		return err
	}
	docs, _ := json.Marshal(nonNil(e.Documents))
	clocks, _ := json.Marshal(nonNilClocks(e.Clocks))
	header := []byte{}
	if e.Header != nil {
		header, _ = json.Marshal(e.Header)
	}
	_, err = tx.ExecContext(ctx, qInsertEvent,
		e.ID, e.MatterID, e.Seq, string(e.Side), e.Username, e.UnitCode, e.Role, e.At, e.Type, payload, string(docs), string(clocks), string(header))
	if err != nil {
		if db.IsUniqueViolation(err) {
			return errStale()
		}
		return fmt.Errorf("append event %d to matter %d: %w", e.Seq, e.MatterID, err)
	}
	return nil
}

const eventColumns = `e.id, m.uid, m.kind, e.matter_id, e.seq, e.side, e.username, e.unit_code, e.role, e.at, e.type, e.payload, e.documents, e.clocks, e.header`

func (v vault) scanEvent(row interface{ Scan(...any) error }) (Event, error) {
	var (
		e                              Event
		side, payload, docs, clocks, h string
	)
	if err := row.Scan(&e.ID, &e.MatterUID, &e.Kind, &e.MatterID, &e.Seq, &side, &e.Username, &e.UnitCode, &e.Role, &e.At, &e.Type,
		&payload, &docs, &clocks, &h); err != nil {
		return Event{}, err
	}
	e.Side, e.At = Side(side), db.Time(e.At)
	p, err := v.openPayload(e.ID, payload)
	if err != nil {
		return Event{}, err
	}
	e.Payload = p
	if err := json.Unmarshal([]byte(docs), &e.Documents); err != nil {
		return Event{}, fmt.Errorf("event %s: documents: %w", e.ID, err)
	}
	if err := json.Unmarshal([]byte(clocks), &e.Clocks); err != nil {
		return Event{}, fmt.Errorf("event %s: clocks: %w", e.ID, err)
	}
	if len(e.Documents) == 0 {
		e.Documents = nil
	}
	if len(e.Clocks) == 0 {
		e.Clocks = nil
	}
	for i := range e.Clocks {
		e.Clocks[i].Due = db.Time(e.Clocks[i].Due)
	}
	if h != "" {
		e.Header = &Header{}
		if err := json.Unmarshal([]byte(h), e.Header); err != nil {
			return Event{}, fmt.Errorf("event %s: header: %w", e.ID, err)
		}
	}
	return e, nil
}

// events reads the events of matter id in sequence order.
func (v vault) events(ctx context.Context, q querier, id int64) ([]Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+eventColumns+` FROM matter_events e JOIN matters m ON m.id = e.matter_id
		WHERE e.matter_id = $1 ORDER BY e.seq`, id)
	if err != nil {
		return nil, fmt.Errorf("read events of matter %d: %w", id, err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := v.scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("read events of matter %d: %w", id, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// deadlines reads every clock row of matter id, as Replay returns them.
func deadlines(ctx context.Context, q querier, id int64) ([]Deadline, error) {
	rows, err := q.QueryContext(ctx, `SELECT clock, started_seq, started_at, due_at, stopped_seq, stopped_at FROM matter_deadlines
		WHERE matter_id = $1 ORDER BY started_seq, clock`, id)
	if err != nil {
		return nil, fmt.Errorf("read clocks of matter %d: %w", id, err)
	}
	defer rows.Close()
	var out []Deadline
	for rows.Next() {
		var (
			d         Deadline
			stopped   sql.NullInt64
			stoppedAt sql.NullTime
		)
		if err := rows.Scan(&d.Clock, &d.StartedSeq, &d.StartedAt, &d.Due, &stopped, &stoppedAt); err != nil {
			return nil, fmt.Errorf("read clocks of matter %d: %w", id, err)
		}
		d.StartedAt, d.Due, d.StoppedSeq = db.Time(d.StartedAt), db.Time(d.Due), stopped.Int64
		if stoppedAt.Valid {
			t := db.Time(stoppedAt.Time)
			d.StoppedAt = &t
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
