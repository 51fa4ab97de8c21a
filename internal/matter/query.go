package matter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
)

// Get returns matter id if pr may see it, else NotFound (whether or not it
// exists).
func (en *Engine) Get(ctx context.Context, pr access.Principal, id int64) (Matter, error) {
	m, err := scanMatter(en.db.Read().QueryRowContext(ctx, `SELECT `+matterColumns+` FROM matters WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Matter{}, errNotFound()
	}
	if err != nil {
		return Matter{}, fmt.Errorf("read matter %d: %w", id, err)
	}
	if err := en.visible(ctx, pr, m); err != nil {
		return Matter{}, err
	}
	return m, nil
}

// Timeline returns the events of matter id in order. Events carry personal
// data (clues, places), so each read is audited with the case number
// (S-SEC-1).
func (en *Engine) Timeline(ctx context.Context, pr access.Principal, id int64) ([]Event, error) {
	m, err := en.Get(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	evs, err := en.vault.events(ctx, en.db.Read(), id)
	if err != nil {
		return nil, err
	}
	if _, err := en.audit.Record(ctx, audit.Entry{Username: pr.Username, UnitCode: pr.UnitCode, Role: joinRoles(pr.Roles),
		Source: pr.Source, Action: "matter.read", Object: fmt.Sprintf("matter:%d", id), CaseNumber: m.CaseNumber,
		Outcome: audit.OK, Detail: fmt.Sprintf("timeline of %d events", len(evs))}); err != nil {
		return nil, err
	}
	return evs, nil
}

// Derived replays matter id from its events (for checks and tools; no
// permission check: callers hold the matter already).
func (en *Engine) Derived(ctx context.Context, id int64) (Derived, []Event, error) {
	evs, err := en.vault.events(ctx, en.db.Read(), id)
	if err != nil {
		return Derived{}, nil, err
	}
	if len(evs) == 0 {
		return Derived{}, nil, errNotFound()
	}
	k, ok := KindByName(evs[0].Kind)
	if !ok {
		return Derived{}, nil, fmt.Errorf("matter %d: unknown kind %s", id, evs[0].Kind)
	}
	d, err := Derive(k, evs)
	return d, evs, err
}

// Page is one page of List.
type Page struct {
	Matters []Matter
	Next    string // cursor of the next page, "" at the end
}

// List returns the matters pr may see, soonest deadline first (overdue
// ones, whose deadline passed, come first; matters with no running clock
// last), filtered by f. The permission filter is applied in SQL from
// access.Policy.MatterScope.
func (en *Engine) List(ctx context.Context, pr access.Principal, f Filter) (Page, error) {
	scope, err := en.policy.MatterScope(ctx, pr, access.ActionMatterRead)
	if err != nil {
		return Page{}, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	var (
		conds []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	in := func(col string, vals []string) string {
		ph := make([]string, len(vals))
		for i, v := range vals {
			ph[i] = arg(v)
		}
		return col + " IN (" + strings.Join(ph, ", ") + ")"
	}
	if !scope.All {
		var or []string
		if len(scope.RequestingUnits) > 0 {
			or = append(or, in("requesting_unit", scope.RequestingUnits))
		}
		if len(scope.AddressedUnits) > 0 {
			or = append(or, in("addressed_unit", scope.AddressedUnits), in("delegate_unit", scope.AddressedUnits))
		}
		if len(or) == 0 {
			return Page{}, nil
		}
		conds = append(conds, "("+strings.Join(or, " OR ")+")")
	}
	if f.Kind != "" {
		conds = append(conds, "kind = "+arg(f.Kind))
	}
	if f.State != "" {
		conds = append(conds, "state = "+arg(string(f.State)))
	}
	if f.Overdue {
		conds = append(conds, "overdue = TRUE")
	}
	if f.Cursor != "" {
		due, id, err := parseCursor(f.Cursor)
		if err != nil {
			return Page{}, err
		}
		d, i := arg(due), arg(id)
		conds = append(conds, "(due_sort > "+d+" OR (due_sort = "+d+" AND id > "+i+"))")
	}
	q := `SELECT ` + matterColumns + `, due_sort FROM matters`
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY due_sort, id LIMIT " + strconv.Itoa(limit+1)
	rows, err := en.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return Page{}, fmt.Errorf("list matters: %w", err)
	}
	defer rows.Close()
	var (
		page  Page
		sorts []time.Time
	)
	for rows.Next() {
		var sortKey time.Time
		m, err := scanMatter(scanPlus{rows, &sortKey})
		if err != nil {
			return Page{}, fmt.Errorf("list matters: %w", err)
		}
		page.Matters = append(page.Matters, m)
		sorts = append(sorts, sortKey)
	}
	if err := rows.Err(); err != nil {
		return Page{}, fmt.Errorf("list matters: %w", err)
	}
	if len(page.Matters) > limit {
		page.Matters = page.Matters[:limit]
		last := page.Matters[limit-1]
		page.Next = strconv.FormatInt(sorts[limit-1].UnixMicro(), 10) + "." + strconv.FormatInt(last.ID, 10)
	}
	return page, nil
}

// scanPlus scans a matter row followed by one extra column.
type scanPlus struct {
	row   interface{ Scan(...any) error }
	extra any
}

func (s scanPlus) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra)...) }

func parseCursor(c string) (time.Time, int64, error) {
	a, b, ok := strings.Cut(c, ".")
	micro, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return time.Time{}, 0, apperr.Invalidf("cursor", "matter.cursor", "分页参数无效，请从第一页重新查看")
	}
	return time.UnixMicro(micro).UTC(), id, nil
}
