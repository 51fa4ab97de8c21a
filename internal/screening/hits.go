package screening

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/matter"
)

// note is one notification to write with a request's hits.
type note struct {
	username string
	matterID int64
	text     string
}

func notify(ctx context.Context, tx *sql.Tx, n note, at time.Time) error {
	return matter.Notify(ctx, tx, n.username, n.matterID, matter.NotifyKindScreenHit, n.text, at)
}

// clueNotes decides who hears of a request's hits (S-CREDIT-1 自动监督;
// a hit is a location clue): the officers of the listing court, and the
// officer of each open locate matter in the entry's case. An entry that
// already has an unreviewed hit from the last 24 hours is not announced
// again (the queue shows every hit); nothing of the query but its ref is
// told.
func (s *Service) clueNotes(ctx context.Context, pr access.Principal, rule Rule, place string, at time.Time, hits []hitRow) ([]note, error) {
	ids := make([]int64, 0, len(hits))
	byEntry := map[int64]hitRow{}
	for _, h := range hits {
		if _, dup := byEntry[h.EntryID]; !dup {
			byEntry[h.EntryID] = h
			ids = append(ids, h.EntryID)
		}
	}
	recent, err := s.recentlyAnnounced(ctx, ids, at.Add(-24*time.Hour))
	if err != nil {
		return nil, err
	}
	unit := s.people.unitName(ctx, pr.UnitCode)
	var out []note
	for _, id := range ids {
		if recent[id] {
			continue
		}
		h := byEntry[id]
		band := "比中"
		if h.Band == "review" {
			band = "疑似比中（待核对）"
		}
		where := ""
		if place != "" {
			where = "，地点：" + place
		}
		text := fmt.Sprintf("失信名单%s线索：%s办理“%s”时%s名单条目 %d（%s）%s，时间 %s。请在“比中线索”中核对。",
			band, unit, rule.Label, band, id, h.CaseNumber, where, at.In(shanghai).Format("2006-01-02 15:04"))
		officers, err := s.people.officers(ctx, h.Court)
		if err != nil {
			return nil, err
		}
		for _, u := range officers {
			out = append(out, note{username: u, text: text})
		}
		ms, err := s.openLocates(ctx, h.CaseNumber)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			out = append(out, note{username: m.officer, matterID: m.id, text: text + "（本案查找事项的线索）"})
		}
	}
	return out, nil
}

var shanghai = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

func (s *Service) recentlyAnnounced(ctx context.Context, ids []int64, since time.Time) (map[int64]bool, error) {
	out := map[int64]bool{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := []any{db.Time(since)}
		marks := make([]string, len(chunk))
		for i, id := range chunk {
			args = append(args, id)
			marks[i] = "$" + strconv.Itoa(i+2)
		}
		rows, err := s.db.Read().QueryContext(ctx, `SELECT DISTINCT entry_id FROM screen_hits WHERE review = 'open' AND at >= $1 AND entry_id IN (`+strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("screening: read recent hits: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("screening: read recent hits: %w", err)
			}
			out[id] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("screening: read recent hits: %w", err)
		}
	}
	return out, nil
}

type openMatter struct {
	id      int64
	officer string
}

// openLocates are the open locate matters in a case.
func (s *Service) openLocates(ctx context.Context, caseNumber string) ([]openMatter, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, officer FROM matters WHERE case_number = $1 AND kind = 'locate' AND terminal = FALSE ORDER BY id`, caseNumber)
	if err != nil {
		return nil, fmt.Errorf("screening: find locate matters of %s: %w", caseNumber, err)
	}
	defer rows.Close()
	var out []openMatter
	for rows.Next() {
		var m openMatter
		if err := rows.Scan(&m.id, &m.officer); err != nil {
			return nil, fmt.Errorf("screening: find locate matters of %s: %w", caseNumber, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// officerCache knows the officers of each court and the names of units,
// for a minute at a time.
type officerCache struct {
	dir *directory.Store
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	at      time.Time
	units   map[string]directory.Unit
	byCourt map[string][]string
}

func (c *officerCache) load(ctx context.Context) error {
	if c.units != nil && c.now().Sub(c.at) < c.ttl {
		return nil
	}
	us, err := c.dir.Units(ctx)
	if err != nil {
		return fmt.Errorf("screening: read units: %w", err)
	}
	c.units = map[string]directory.Unit{}
	for _, u := range us {
		c.units[u.Code] = u
	}
	c.byCourt, c.at = map[string][]string{}, c.now()
	return nil
}

// courtUnits are the court and its enforcement bureau.
func (c *officerCache) courtUnits(court string) []string {
	out := []string{court}
	for _, u := range c.units {
		if u.ParentCode == court && u.Type == directory.EnforcementBureau {
			out = append(out, u.Code)
		}
	}
	slices.Sort(out)
	return out
}

// officers are the active court officers of the listing court.
func (c *officerCache) officers(ctx context.Context, court string) ([]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.load(ctx); err != nil {
		return nil, err
	}
	if ps, ok := c.byCourt[court]; ok {
		return ps, nil
	}
	var ps []string
	for _, unit := range c.courtUnits(court) {
		us, err := c.dir.Users(ctx, directory.UserFilter{Unit: unit, ActiveOnly: true})
		if err != nil {
			return nil, fmt.Errorf("screening: officers of %s: %w", court, err)
		}
		for _, u := range us {
			if u.Has(directory.CourtOfficer) && !slices.Contains(ps, u.Username) {
				ps = append(ps, u.Username)
			}
		}
	}
	c.byCourt[court] = ps
	return ps, nil
}

func (c *officerCache) unitName(ctx context.Context, code string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.load(ctx) == nil {
		if u, ok := c.units[code]; ok {
			return u.Name
		}
	}
	return code
}

// courts are the court units (those with a case-number code).
func (c *officerCache) courts(ctx context.Context) ([]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.load(ctx); err != nil {
		return nil, err
	}
	var out []string
	for code, u := range c.units {
		if u.CourtCode != "" {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Review states of a hit.
const (
	ReviewOpen          = "open"
	ReviewConfirmed     = "confirmed"      // 确认：the person is the listed debtor
	ReviewFalsePositive = "false_positive" // 误报
)

// ReviewLabel is a review state in Chinese.
func ReviewLabel(r string) string {
	switch r {
	case ReviewOpen:
		return "待核对"
	case ReviewConfirmed:
		return "已确认"
	case ReviewFalsePositive:
		return "误报"
	}
	return r
}

// Hit is a recorded hit or review as the listing court sees it.
type Hit struct {
	ID         int64      `json:"id"`
	EntryID    int64      `json:"entry_id"`
	EntryName  string     `json:"entry_name"` // the listed debtor's name (published with the list)
	Band       string     `json:"band"`
	Score      float64    `json:"score"`
	Tier       string     `json:"tier"`
	Reasons    string     `json:"reasons"`
	Action     string     `json:"action"`
	Business   string     `json:"business"`
	UnitCode   string     `json:"unit_code"`
	UnitName   string     `json:"unit_name"`
	Username   string     `json:"username"`
	Place      string     `json:"place"`
	Ref        string     `json:"query_ref"`
	Version    uint64     `json:"version"`
	Court      string     `json:"court_unit"`
	CaseNumber string     `json:"case_number"`
	At         time.Time  `json:"at"`
	Review     string     `json:"review"`
	ReviewedBy string     `json:"reviewed_by,omitempty"`
	ReviewedAt *time.Time `json:"reviewed_at,omitempty"`
	ReviewNote string     `json:"review_note,omitempty"`
}

// HitFilter narrows the queue.
type HitFilter struct {
	Review string // "" all, or a review state
	Limit  int    // default 200, at most 1000
}

const hitColumns = `id, entry_id, band, score, tier, reasons, action, business, unit_code, username, place, query_ref, version, court_unit, case_number, at, review, reviewed_by, reviewed_at, review_note,
	COALESCE((SELECT e.name FROM credit_entries e WHERE e.id = screen_hits.entry_id), '')`

func scanHit(row interface{ Scan(...any) error }) (Hit, error) {
	var (
		h  Hit
		v  int64
		ra sql.NullTime
	)
	if err := row.Scan(&h.ID, &h.EntryID, &h.Band, &h.Score, &h.Tier, &h.Reasons, &h.Action, &h.Business, &h.UnitCode, &h.Username, &h.Place, &h.Ref,
		&v, &h.Court, &h.CaseNumber, &h.At, &h.Review, &h.ReviewedBy, &ra, &h.ReviewNote, &h.EntryName); err != nil {
		return Hit{}, err
	}
	h.Version, h.At = uint64(v), db.Time(h.At)
	if ra.Valid {
		t := db.Time(ra.Time)
		h.ReviewedAt = &t
	}
	return h, nil
}

// Hits is the hit review queue of the courts whose hits pr may read
// (officers: their own court; leaders: also the courts under it), newest
// first. Other courts' hits are never returned. Reading is audited.
func (s *Service) Hits(ctx context.Context, pr access.Principal, source string, f HitFilter) ([]Hit, error) {
	courts, err := s.people.courts(ctx)
	if err != nil {
		return nil, err
	}
	var mine []string
	for _, c := range courts {
		if s.policy.Check(ctx, pr, access.ActionScreenHitRead, access.Target{RequestingUnit: c}) == nil {
			mine = append(mine, c)
		}
	}
	if len(mine) == 0 {
		// Refused in the policy's words.
		return nil, s.policy.Check(ctx, pr, access.ActionScreenHitRead, access.Target{RequestingUnit: "-"})
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	args := []any{}
	marks := make([]string, len(mine))
	for i, c := range mine {
		args = append(args, c)
		marks[i] = "$" + strconv.Itoa(i+1)
	}
	q := `SELECT ` + hitColumns + ` FROM screen_hits WHERE court_unit IN (` + strings.Join(marks, ", ") + `)`
	switch f.Review {
	case "":
	case ReviewOpen, ReviewConfirmed, ReviewFalsePositive:
		args = append(args, f.Review)
		q += ` AND review = $` + strconv.Itoa(len(args))
	default:
		return nil, apperr.Invalidf("review", CodeVerdict, "核对状态应为 open（待核对）、confirmed（已确认）或 false_positive（误报）")
	}
	q += ` ORDER BY id DESC LIMIT ` + strconv.Itoa(f.Limit)
	rows, err := s.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("screening: read hits: %w", err)
	}
	defer rows.Close()
	var out []Hit
	for rows.Next() {
		h, err := scanHit(rows)
		if err != nil {
			return nil, fmt.Errorf("screening: read hits: %w", err)
		}
		h.UnitName = s.people.unitName(ctx, h.UnitCode)
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("screening: read hits: %w", err)
	}
	if _, err := s.log.Record(ctx, auditEntry(pr, source, "screen.hits.read", "screen_hits", "",
		fmt.Sprintf("courts=%s review=%s rows=%d", strings.Join(mine, ","), f.Review, len(out)))); err != nil {
		return nil, err
	}
	return out, nil
}

// Review records the listing court's verdict on a hit: confirmed (the
// person is the listed debtor) or false_positive, with a note. Only an
// officer or leader of the listing court may; a hit of another court is
// "not found", so that its existence does not leak. Audited with the
// case number.
func (s *Service) Review(ctx context.Context, pr access.Principal, source string, id int64, verdict, note string) (Hit, error) {
	if verdict != ReviewConfirmed && verdict != ReviewFalsePositive {
		return Hit{}, apperr.Invalidf("verdict", CodeVerdict, "核对结论应为 confirmed（确认）或 false_positive（误报）")
	}
	if utf8Len(note) > 500 {
		return Hit{}, apperr.Invalidf("note", CodeVerdict, "核对说明不超过 500 字")
	}
	h, err := scanHit(s.db.Read().QueryRowContext(ctx, `SELECT `+hitColumns+` FROM screen_hits WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Hit{}, apperr.New(apperr.NotFound, CodeHitNotFound, "未找到该比中线索")
	}
	if err != nil {
		return Hit{}, fmt.Errorf("screening: read hit %d: %w", id, err)
	}
	if err := s.policy.Check(ctx, pr, access.ActionScreenHitReview, access.Target{RequestingUnit: h.Court, CaseNumber: h.CaseNumber}); err != nil {
		if s.policy.Check(ctx, pr, access.ActionScreenHitRead, access.Target{RequestingUnit: h.Court}) != nil {
			return Hit{}, apperr.New(apperr.NotFound, CodeHitNotFound, "未找到该比中线索")
		}
		return Hit{}, err
	}
	now := db.Time(s.cfg.Now())
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE screen_hits SET review = $1, reviewed_by = $2, reviewed_at = $3, review_note = $4 WHERE id = $5 AND review = 'open'`,
			verdict, pr.Username, now, note, id)
		if err != nil {
			return fmt.Errorf("screening: review hit %d: %w", id, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, CodeHitReviewed, "该比中线索已核对，不能重复核对")
		}
		e := auditEntry(pr, source, "screen.hits.review", "screen_hit:"+strconv.FormatInt(id, 10), h.CaseNumber,
			fmt.Sprintf("entry=%d verdict=%s business=%s unit=%s", h.EntryID, verdict, h.Business, h.UnitCode))
		_, err = s.log.Append(ctx, tx, e)
		return err
	})
	if err != nil {
		return Hit{}, err
	}
	h.Review, h.ReviewedBy, h.ReviewedAt, h.ReviewNote = verdict, pr.Username, &now, note
	h.UnitName = s.people.unitName(ctx, h.UnitCode)
	return h, nil
}

func utf8Len(s string) int { return len([]rune(s)) }
