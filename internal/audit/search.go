package audit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/db"
)

// Query selects entries for auditors. Empty fields do not filter.
type Query struct {
	From, To     time.Time // From ≤ time < To
	Username     string    // exact
	UnitCode     string    // exact
	ActionPrefix string    // "session." matches "session.login"; a whole action matches itself
	CaseNumber   string    // exact
	Outcome      Outcome
	Object       string // exact: "user:zhang"
	// Before is the cursor: only entries with seq < Before. Pass the next
	// value a previous Search returned to get the following page.
	Before int64
	// Limit is the page size for Search (default 50, at most 500); Export
	// ignores it and writes every match.
	Limit int
}

// Page sizes for Search.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Search returns entries matching q, newest first, a page at a time. next
// is the cursor for the following page (q.Before), 0 when this is the last.
// Entries whose stored values cannot be read are still returned, with the
// problem at the start of Detail: an auditor must see a damaged record.
func (l *Log) Search(ctx context.Context, q Query) (entries []Entry, next int64, err error) {
	limit := q.Limit
	switch {
	case limit == 0:
		limit = DefaultLimit
	case limit < 0 || limit > MaxLimit:
		return nil, 0, apperr.Invalidf("limit", "audit.bad_limit", "每页条数应在 1 到 %d 之间", MaxLimit)
	}
	f, err := l.filter(q)
	if err != nil {
		return nil, 0, err
	}
	if q.Before > 0 {
		f.add("seq < " + f.arg(q.Before))
	}
	stmt := `SELECT seq, at, ` + entryColumns + ` FROM audit_entries` + f.where() + ` ORDER BY seq DESC LIMIT ` + f.arg(limit+1)
	entries, err = l.query(ctx, stmt, f.args, limit+1)
	if err != nil {
		return nil, 0, fmt.Errorf("search audit log: %w", err)
	}
	if len(entries) > limit {
		entries = entries[:limit]
		next = entries[limit-1].Seq
	}
	return entries, next, nil
}

// query runs a SELECT of entries and reads them leniently.
func (l *Log) query(ctx context.Context, stmt string, args []any, capacity int) ([]Entry, error) {
	rows, err := l.db.Read().QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]Entry, 0, capacity)
	var raw rawRow
	dest := raw.dest()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		rec, problem := raw.record(false)
		if problem != nil {
			rec.Detail = "【记录无法完整读取：" + problem.zh + "】" + rec.Detail
		}
		out = append(out, rec.Entry)
	}
	return out, rows.Err()
}

// filter is a WHERE clause under construction with numbered arguments.
type filter struct {
	conds []string
	args  []any
}

func (f *filter) arg(v any) string {
	f.args = append(f.args, v)
	return "$" + strconv.Itoa(len(f.args))
}

func (f *filter) add(cond string) { f.conds = append(f.conds, cond) }

func (f *filter) eq(column, value string) {
	if value != "" {
		f.add(column + " = " + f.arg(value))
	}
}

func (f *filter) where() string {
	if len(f.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(f.conds, " AND ")
}

// filter turns q's conditions (not the cursor) into SQL.
func (l *Log) filter(q Query) (*filter, error) {
	f := &filter{}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return nil, apperr.Invalidf("to", "audit.bad_range", "结束时间应晚于开始时间")
	}
	if q.Outcome != "" && !q.Outcome.valid() {
		return nil, apperr.Invalidf("outcome", "audit.bad_outcome", "结果只能是 ok（成功）、denied（拒绝）或 failed（失败）")
	}
	// Times are compared as the database stores them: UTC at microseconds
	// (on SQLite, text in one fixed layout, so text order is time order).
	if !q.From.IsZero() {
		f.add("at >= " + f.arg(db.Time(q.From)))
	}
	if !q.To.IsZero() {
		f.add("at < " + f.arg(db.Time(q.To)))
	}
	f.eq("username", q.Username)
	f.eq("unit_code", q.UnitCode)
	// The partial indexes' predicates, spelled out for the planners.
	if q.CaseNumber != "" {
		f.add("case_number = " + f.arg(q.CaseNumber) + " AND case_number <> ''")
	}
	if q.Object != "" {
		f.add("object = " + f.arg(q.Object) + " AND object <> ''")
	}
	switch q.Outcome {
	case "":
	case OK:
		f.add("outcome = 'ok'")
	default:
		f.add("outcome = " + f.arg(string(q.Outcome)) + " AND outcome <> 'ok'")
	}
	if q.ActionPrefix != "" {
		f.add(l.sql.actionPrefix(f.arg, q.ActionPrefix))
	}
	return f, nil
}
