package credit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/db"
	"liandong/internal/pii"
)

const entrySelect = `SELECT id, kind, name, sex, birth_date, region, credit_code, legal_rep, ground, obligation, performance, conduct,
	basis_unit, basis_number, case_number, filed_on, court_unit, court_name, initiation, applied_on, decision_number, decided_on,
	decision_sm3, term_years, extension_reason, expires_at, published_at, state, removed_at, removal_reason, removal_note,
	COALESCE(import_id, 0), version, created_at, created_by FROM credit_entries`

func scanEntry(row interface{ Scan(...any) error }) (Entry, error) {
	var (
		e                Entry
		expires, removed sql.NullTime
		version          int64
		ground           int
		kind, init, ext  string
		state, reason    string
	)
	err := row.Scan(&e.ID, &kind, &e.Name, &e.Sex, &e.BirthDate, &e.Region, &e.CreditCode, &e.LegalRep, &ground, &e.Obligation,
		&e.Performance, &e.Conduct, &e.BasisUnit, &e.BasisNumber, &e.CaseNumber, &e.FiledOn, &e.CourtUnit, &e.CourtName, &init,
		&e.AppliedOn, &e.DecisionNumber, &e.DecidedOn, &e.DecisionSM3, &e.TermYears, &ext, &expires, &e.PublishedAt, &state,
		&removed, &reason, &e.RemovalNote, &e.ImportID, &version, &e.CreatedAt, &e.CreatedBy)
	if err != nil {
		return Entry{}, err
	}
	e.Kind, e.Ground, e.Initiation, e.ExtensionReason = Kind(kind), Ground(ground), Initiation(init), ExtensionReason(ext)
	e.State, e.RemovalReason, e.Version = State(state), RemovalReason(reason), uint64(version)
	e.PublishedAt, e.CreatedAt = db.Time(e.PublishedAt), db.Time(e.CreatedAt)
	if expires.Valid {
		t := db.Time(expires.Time)
		e.ExpiresAt = &t
	}
	if removed.Valid {
		t := db.Time(removed.Time)
		e.RemovedAt = &t
	}
	return e, nil
}

// entry reads one entry with its masked documents.
func (s *Store) entry(ctx context.Context, id int64) (Entry, error) {
	e, err := scanEntry(s.db.Read().QueryRowContext(ctx, entrySelect+` WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, notFound(id)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("read entry %d: %w", id, err)
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT holder, kind, number_masked FROM credit_documents WHERE entry_id = $1 ORDER BY ord`, id)
	if err != nil {
		return Entry{}, fmt.Errorf("read documents of entry %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var d Document
		if err := rows.Scan(&d.Holder, &d.Kind, &d.Masked); err != nil {
			return Entry{}, fmt.Errorf("read documents of entry %d: %w", id, err)
		}
		e.Documents = append(e.Documents, d)
	}
	return e, rows.Err()
}

// Get returns an entry for a court user (credit.read): numbers masked.
func (s *Store) Get(ctx context.Context, actor access.Principal, id int64) (Entry, error) {
	if err := s.policy.Check(ctx, actor, access.ActionCreditRead, access.Target{}); err != nil {
		return Entry{}, err
	}
	return s.entry(ctx, id)
}

// Event is one line of an entry's history.
type Event struct {
	At      time.Time
	By      string
	Act     string // listed, extended, removal_requested, removed, correction_requested, correction_reviewed, updated, repaired
	Article string // of the 2017 rules
	Detail  string
}

// History returns an entry's history for a court user (credit.read),
// oldest first, starting with the listing itself.
func (s *Store) History(ctx context.Context, actor access.Principal, id int64) ([]Event, error) {
	e, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	how := "依职权"
	if e.Initiation == ByApplicant {
		how = "依申请执行人申请"
	}
	listed := fmt.Sprintf("%s纳入失信被执行人名单（%s，决定书 %s，%s），%s", how, e.Ground.Label(), e.DecisionNumber, e.DecidedOn, termWords(e.TermYears))
	if e.ImportID != 0 {
		listed += fmt.Sprintf("；由第 %d 次导入录入", e.ImportID)
	}
	out := []Event{{At: e.CreatedAt, By: e.CreatedBy, Act: "listed", Article: "第一条、第五条", Detail: listed}}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT at, by_user, act, article, detail FROM credit_events WHERE entry_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("read history of entry %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var ev Event
		if err := rows.Scan(&ev.At, &ev.By, &ev.Act, &ev.Article, &ev.Detail); err != nil {
			return nil, fmt.Errorf("read history of entry %d: %w", id, err)
		}
		ev.At = db.Time(ev.At)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// Change is one row of the change feed.
type Change struct {
	Version uint64
	EntryID int64
	Op      Op
	At      time.Time
}

// Changes returns up to limit changes after version after, in version
// order: the resumable cursor screening indexes and police systems follow
// (store the last Version seen, ask again from it). Versions have no gaps.
func (s *Store) Changes(ctx context.Context, after uint64, limit int) ([]Change, error) {
	if limit <= 0 || limit > 100_000 {
		limit = 100_000
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT version, entry_id, op, at FROM credit_changes WHERE version > $1 ORDER BY version LIMIT `+strconv.Itoa(limit), int64(after))
	if err != nil {
		return nil, fmt.Errorf("read list changes after %d: %w", after, err)
	}
	defer rows.Close()
	out := make([]Change, 0, min(limit, 1024))
	for rows.Next() {
		var (
			c  Change
			v  int64
			op string
		)
		if err := rows.Scan(&v, &c.EntryID, &op, &c.At); err != nil {
			return nil, fmt.Errorf("read list changes: %w", err)
		}
		c.Version, c.Op, c.At = uint64(v), Op(op), db.Time(c.At)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Version is the current list version.
func (s *Store) Version(ctx context.Context) (uint64, error) {
	var v int64
	if err := s.db.Read().QueryRowContext(ctx, `SELECT version FROM credit_list WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read the list version: %w", err)
	}
	return uint64(v), nil
}

// ScreenEntry is an active entry as the screening engine needs it, with
// identity numbers in clear (the engine runs in the server's memory).
type ScreenEntry struct {
	ID     int64
	Person bool
	Name   string
	Sex    byte      // 'M', 'F' or 0
	Birth  time.Time // civil date at 00:00 UTC; zero when unknown
	Region string    // 6-digit division code of the resident ID or credit code
	// IDs are the debtor's document numbers in ident's normalized form:
	// resident ID first when there is one, then passports and permits.
	IDs        []string
	CreditCode string
	LegalRep   string
	LegalRepID string
	// Expires is the first instant the entry is off the list by its term
	// (zero: no term). An index must stop answering it from then on even if
	// the Expire sweep's "remove" change comes later.
	Expires    time.Time
	Court      string // the listing court's unit code (for clues to that court)
	CaseNumber string
}

const screenSelect = `SELECT e.id, e.kind, e.name, e.sex, e.birth_date, e.region, e.credit_code, e.legal_rep, e.expires_at, e.court_unit, e.case_number,
	COALESCE(d.ord, -1), COALESCE(d.holder, ''), COALESCE(d.number_sealed, '')
	FROM credit_entries e LEFT JOIN credit_documents d ON d.entry_id = e.id`

// screenRow accumulates the rows of one entry.
type screenRow struct {
	e  ScreenEntry
	ok bool
}

// scanScreen reads joined rows into entries and calls fn for each
// complete one.
func (s *Store) scanScreen(rows *sql.Rows, now time.Time, fn func(ScreenEntry) error) error {
	var (
		cur                                    screenRow
		id                                     int64
		kind, name, sex, birth, region, cc, lr string
		court, caseNumber, holder, sealedNum   string
		expires                                sql.NullTime
		ord                                    int
	)
	flush := func() error {
		if !cur.ok {
			return nil
		}
		cur.ok = false
		if !cur.e.Expires.IsZero() && !now.Before(cur.e.Expires) {
			return nil
		}
		return fn(cur.e)
	}
	for rows.Next() {
		if err := rows.Scan(&id, &kind, &name, &sex, &birth, &region, &cc, &lr, &expires, &court, &caseNumber, &ord, &holder, &sealedNum); err != nil {
			return fmt.Errorf("read the list: %w", err)
		}
		if !cur.ok || cur.e.ID != id {
			if err := flush(); err != nil {
				return err
			}
			cur = screenRow{ok: true, e: ScreenEntry{ID: id, Person: kind == string(Person), Name: name, Region: region,
				CreditCode: cc, LegalRep: lr, Court: court, CaseNumber: caseNumber}}
			if sex != "" {
				cur.e.Sex = sex[0]
			}
			if birth != "" {
				cur.e.Birth, _ = time.Parse(time.DateOnly, birth)
			}
			if expires.Valid {
				cur.e.Expires = db.Time(expires.Time)
			}
		}
		if ord < 0 {
			continue
		}
		num, err := s.pii.Reveal(pii.IDNumber, sealedNum, documentPlace(id, ord))
		if err != nil {
			return fmt.Errorf("open a document of entry %d: %w", id, err)
		}
		if holder == "legal_rep" {
			cur.e.LegalRepID = num
		} else {
			cur.e.IDs = append(cur.e.IDs, num)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the list: %w", err)
	}
	return flush()
}

// Active calls fn for every entry on the list now, in id order, and
// returns the list version the read reflects: entries and version come
// from one read transaction (one snapshot), so an index built from them
// and then following Changes from that version misses nothing and counts
// nothing twice. Removed entries and entries past their term are left
// out. fn's error stops the read and is returned.
func (s *Store) Active(ctx context.Context, fn func(ScreenEntry) error) (uint64, error) {
	tx, err := s.db.Read().BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: s.snapshotLevel()})
	if err != nil {
		return 0, fmt.Errorf("read the list: begin: %w", err)
	}
	defer tx.Rollback()
	var v int64
	if err := tx.QueryRowContext(ctx, `SELECT version FROM credit_list WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read the list version: %w", err)
	}
	rows, err := tx.QueryContext(ctx, screenSelect+` WHERE e.state = 'active' ORDER BY e.id, d.ord`)
	if err != nil {
		return 0, fmt.Errorf("read the list: %w", err)
	}
	defer rows.Close()
	if err := s.scanScreen(rows, s.now(), fn); err != nil {
		return 0, err
	}
	return uint64(v), nil
}

// snapshotLevel is the isolation that makes a read transaction one
// snapshot: REPEATABLE READ on PostgreSQL; SQLite's read transactions in
// WAL mode are snapshots already.
func (s *Store) snapshotLevel() sql.IsolationLevel {
	if s.db.Engine == db.Postgres {
		return sql.LevelRepeatableRead
	}
	return sql.LevelDefault
}

// Lookup returns the entries among ids that are on the list now, for an
// index applying "add" and "update" changes; an id missing from the result
// is not on the list (removed or past its term) and must not answer.
func (s *Store) Lookup(ctx context.Context, ids []int64) ([]ScreenEntry, error) {
	var out []ScreenEntry
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		marks := make([]string, len(chunk))
		args := make([]any, len(chunk))
		for i, id := range chunk {
			marks[i] = "$" + strconv.Itoa(i+1)
			args[i] = id
		}
		rows, err := s.db.Read().QueryContext(ctx, screenSelect+` WHERE e.state = 'active' AND e.id IN (`+strings.Join(marks, ", ")+`) ORDER BY e.id, d.ord`, args...)
		if err != nil {
			return nil, fmt.Errorf("look up list entries: %w", err)
		}
		err = s.scanScreen(rows, s.now(), func(e ScreenEntry) error { out = append(out, e); return nil })
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
