package matter

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/workday"
)

// Decision: overdue is a flag persisted on the clock row (overdue_at,
// escalated_at) and on the cached matter row, not an event. An event is a
// fact one side authored and signed; a deadline passing is a consequence of
// the events and the time, which each node derives for itself. As an event
// it would need an author, and in two-node mode both nodes would append it
// and fork. The rows survive restarts, and the conditional UPDATE (… AND
// overdue_at IS NULL) makes each notification happen once even with
// several servers on one database.

// Notification kinds.
const (
	NotifyOverdue   = "overdue"
	NotifyEscalated = "escalated"
)

// Notification is a message for one user about one matter.
type Notification struct {
	ID        int64
	Username  string
	MatterID  int64 // 0 when the notification is not about a matter (NotifyKindScreenHit)
	Kind      string
	Text      string
	CreatedAt time.Time
	ReadAt    *time.Time
}

// TickResult counts what a Tick did.
type TickResult struct {
	Overdue   int // clocks newly marked overdue
	Escalated int // clocks newly escalated to leaders
	Automatic int // automatic acts the kinds' sweeps did (a seal lapsing)
}

type dueClock struct {
	m       Matter
	clock   ClockID
	started int64
	due     time.Time
}

// Tick marks every running clock whose deadline passed before now as
// overdue, notifying the responsible people (the matter's officer and, for
// a clock the police owe, the handlers of the addressed unit); and escalates
// clocks overdue for longer than Config.EscalateAfter to the leaders (the
// court_leader of the requesting court and the nearest police_leader over
// the addressed unit).
func (en *Engine) Tick(ctx context.Context, now time.Time) (TickResult, error) {
	now = db.Time(now)
	var res TickResult
	// Automatic acts first, so that a lapsed seal's clock is stopped rather
	// than reported overdue.
	// A failing sweep is reported but does not stop the clocks of every
	// other matter from being marked and escalated.
	n, sweepErr := en.sweep(ctx, now)
	res.Automatic = n
	if sweepErr != nil {
		en.cfg.Logger.Error("matter scheduler: sweep", "err", sweepErr)
	}
	over, err := en.dueClocks(ctx, `d.overdue_at IS NULL AND d.due_at < $1`, now)
	if err != nil {
		return res, err
	}
	for _, c := range over {
		people, err := en.responsible(ctx, c)
		if err != nil {
			return res, err
		}
		ok, err := en.mark(ctx, c, "overdue_at", now, people, NotifyOverdue, en.text(c, now, false))
		if err != nil {
			return res, err
		}
		if ok {
			res.Overdue++
		}
	}
	esc, err := en.dueClocks(ctx, `d.overdue_at IS NOT NULL AND d.escalated_at IS NULL AND d.due_at < $1`, now.Add(-en.cfg.EscalateAfter))
	if err != nil {
		return res, err
	}
	for _, c := range esc {
		people, err := en.leaders(ctx, c.m)
		if err != nil {
			return res, err
		}
		ok, err := en.mark(ctx, c, "escalated_at", now, people, NotifyEscalated, en.text(c, now, true))
		if err != nil {
			return res, err
		}
		if ok {
			res.Escalated++
		}
	}
	return res, sweepErr
}

func (en *Engine) dueClocks(ctx context.Context, cond string, t time.Time) ([]dueClock, error) {
	rows, err := en.db.Read().QueryContext(ctx, `SELECT d.clock, d.started_seq, d.due_at, `+prefixed("m.", matterColumns)+`
		FROM matter_deadlines d JOIN matters m ON m.id = d.matter_id
		WHERE d.stopped_seq IS NULL AND `+cond+` ORDER BY d.due_at, m.id LIMIT 1000`, t)
	if err != nil {
		return nil, fmt.Errorf("find overdue clocks: %w", err)
	}
	defer rows.Close()
	var out []dueClock
	for rows.Next() {
		var c dueClock
		m, err := scanMatter(scanFront{rows, []any{&c.clock, &c.started, &c.due}})
		if err != nil {
			return nil, fmt.Errorf("find overdue clocks: %w", err)
		}
		c.m, c.due = m, db.Time(c.due)
		out = append(out, c)
	}
	return out, rows.Err()
}

// scanFront scans some columns before a matter row.
type scanFront struct {
	row   interface{ Scan(...any) error }
	front []any
}

func (s scanFront) Scan(dest ...any) error {
	return s.row.Scan(append(slices.Clone(s.front), dest...)...)
}

func prefixed(p, cols string) string {
	out := ""
	for i, c := range splitCols(cols) {
		if i > 0 {
			out += ", "
		}
		out += p + c
	}
	return out
}

func splitCols(cols string) []string {
	var out []string
	cur := ""
	for _, r := range cols {
		switch r {
		case ',':
			out = append(out, cur)
			cur = ""
		case ' ', '\n', '\t':
		default:
			cur += string(r)
		}
	}
	return append(out, cur)
}

// mark sets column (overdue_at or escalated_at) of one clock, the matter's
// overdue flag, and the notifications, in one transaction; false when
// another server did it first or the clock stopped meanwhile.
func (en *Engine) mark(ctx context.Context, c dueClock, column string, now time.Time, people []string, kind, text string) (bool, error) {
	done := false
	err := en.db.Tx(ctx, func(tx *sql.Tx) error {
		done = false
		r, err := tx.ExecContext(ctx, `UPDATE matter_deadlines SET `+column+` = $1
			WHERE matter_id = $2 AND clock = $3 AND started_seq = $4 AND stopped_seq IS NULL AND `+column+` IS NULL`,
			now, c.m.ID, string(c.clock), c.started)
		if err != nil {
			return fmt.Errorf("mark clock %s of matter %d: %w", c.clock, c.m.ID, err)
		}
		if n, err := r.RowsAffected(); err != nil || n != 1 {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE matters SET overdue = TRUE WHERE id = $1`, c.m.ID); err != nil {
			return fmt.Errorf("mark matter %d overdue: %w", c.m.ID, err)
		}
		for _, u := range people {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (username, matter_id, kind, text, created_at) VALUES ($1, $2, $3, $4, $5)`,
				u, c.m.ID, kind, text, now); err != nil {
				return fmt.Errorf("notify %s: %w", u, err)
			}
		}
		done = true
		return nil
	})
	return done, err
}

func (en *Engine) text(c dueClock, now time.Time, escalated bool) string {
	k, _ := KindByName(c.m.Kind)
	label := c.m.Kind
	if k != nil {
		label = k.Label
	}
	r, _ := ruleByID(c.clock)
	due := c.due.In(workday.Location()).Format("2006-01-02 15:04")
	var text string
	if escalated {
		text = fmt.Sprintf("【督办】%s %s：“%s”于 %s 到期，%s，请督促办理", c.m.CaseNumber, label, r.Label, due, workday.TimeLeftWords(c.due, now))
	} else {
		text = fmt.Sprintf("【已超期】%s %s：“%s”于 %s 到期，%s", c.m.CaseNumber, label, r.Label, due, workday.TimeLeftWords(c.due, now))
	}
	if note := r.OverdueNote(); note != "" { // the rule's own consequence (ClockRule.OverdueNote)
		text += "。" + note
	}
	return text
}

// responsible lists who is told when a clock runs out: the matter's
// officer, and the side that owes the act.
func (en *Engine) responsible(ctx context.Context, c dueClock) ([]string, error) {
	people := []string{c.m.Officer}
	r, _ := ruleByID(c.clock)
	var unit string
	var role directory.Role
	switch r.Owner {
	case Police:
		unit, role = c.m.AddressedUnit, directory.PoliceHandler
	case Court:
		if c.m.DelegateUnit != "" {
			unit, role = c.m.DelegateUnit, directory.CourtOfficer
		}
	}
	if unit != "" {
		us, err := en.dir.Users(ctx, directory.UserFilter{Unit: unit, ActiveOnly: true})
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			if u.Has(role) && !slices.Contains(people, u.Username) {
				people = append(people, u.Username)
			}
		}
	}
	return people, nil
}

// leaders lists the court_leaders of the requesting court (the court unit
// and its enforcement bureau) and the police_leaders of the nearest unit
// at or above the addressed unit that has any.
func (en *Engine) leaders(ctx context.Context, m Matter) ([]string, error) {
	units, err := en.dir.Units(ctx)
	if err != nil {
		return nil, err
	}
	byCode := map[string]directory.Unit{}
	for _, u := range units {
		byCode[u.Code] = u
	}
	var people []string
	add := func(unit string, role directory.Role) (bool, error) {
		us, err := en.dir.Users(ctx, directory.UserFilter{Unit: unit, ActiveOnly: true})
		if err != nil {
			return false, err
		}
		found := false
		for _, u := range us {
			if u.Has(role) {
				found = true
				if !slices.Contains(people, u.Username) {
					people = append(people, u.Username)
				}
			}
		}
		return found, nil
	}
	courtUnits := []string{m.CourtUnit}
	for _, u := range units {
		if u.ParentCode == m.CourtUnit && u.Type == directory.EnforcementBureau {
			courtUnits = append(courtUnits, u.Code)
		}
	}
	for _, c := range courtUnits {
		if _, err := add(c, directory.CourtLeader); err != nil {
			return nil, err
		}
	}
	if m.AddressedSide == Police {
		code := m.AddressedUnit
		for range 8 {
			if code == "" {
				break
			}
			found, err := add(code, directory.PoliceLeader)
			if err != nil {
				return nil, err
			}
			if found {
				break
			}
			code = byCode[code].ParentCode
		}
	}
	return people, nil
}

// Run ticks every interval until ctx ends, logging failures.
func (en *Engine) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := en.Tick(ctx, en.cfg.Now()); err != nil && ctx.Err() == nil {
			en.cfg.Logger.Warn("matter scheduler: tick", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Notifications lists username's notifications, newest first (at most 200).
func (en *Engine) Notifications(ctx context.Context, username string, unreadOnly bool) ([]Notification, error) {
	rows, err := en.db.Read().QueryContext(ctx, `SELECT id, username, COALESCE(matter_id, 0), kind, text, created_at, read_at FROM notifications
		WHERE username = $1 AND ($2 = FALSE OR read_at IS NULL) ORDER BY id DESC LIMIT 200`, username, unreadOnly)
	if err != nil {
		return nil, fmt.Errorf("read notifications of %s: %w", username, err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &n.Username, &n.MatterID, &n.Kind, &n.Text, &n.CreatedAt, &read); err != nil {
			return nil, fmt.Errorf("read notifications of %s: %w", username, err)
		}
		n.CreatedAt = db.Time(n.CreatedAt)
		if read.Valid {
			t := db.Time(read.Time)
			n.ReadAt = &t
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkRead marks notification id of username read. Another user's
// notification is NotFound.
func (en *Engine) MarkRead(ctx context.Context, username string, id int64) error {
	r, err := en.db.Write().ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE id = $2 AND username = $3 AND read_at IS NULL`,
		en.now(), id, username)
	if err != nil {
		return fmt.Errorf("mark notification %d read: %w", id, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		var c int
		if err := en.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE id = $1 AND username = $2`, id, username).Scan(&c); err != nil {
			return fmt.Errorf("mark notification %d read: %w", id, err)
		}
		if c == 0 {
			return apperr.New(apperr.NotFound, "notification.not_found", "未找到该通知")
		}
	}
	return nil
}
