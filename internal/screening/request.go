package screening

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/screen"
)

// MaxBatch is the most queries one request may carry.
const MaxBatch = 10_000

// Request is one call of a police business system: which business it
// serves, where, and the applicants to compare.
type Request struct {
	Business string
	Place    string // where the business is done (受理地点), recorded with hits
	Queries  []screen.Query
}

// Response answers a Request: the list version every result reflects,
// and per query the engine's result with what the business's rule says
// to do (Actions[i] belongs to Results[i]).
type Response struct {
	Version  uint64
	Business Rule
	Results  []screen.Result
	Actions  []Action
	Hits     int
	Reviews  int
}

// Field limits of a query, in characters.
const (
	maxRef    = 64
	maxName   = 64
	maxNumber = 40
	maxDate   = 20
	maxSex    = 10
	maxRegion = 64
	maxPlace  = 100
)

var sexWords = map[string]bool{"m": true, "f": true, "男": true, "女": true, "1": true, "2": true, "male": true, "female": true}

// validate checks one query; the error names it by index (from 0, as in
// the JSON array) and field, and says which query in words (from 1).
func validateQuery(i int, q *screen.Query) error {
	bad := func(field, format string, args ...any) error {
		return apperr.Invalidf(fmt.Sprintf("queries[%d].%s", i, field), CodeQuery, "第 %d 条查询（ref=%s）："+format,
			append([]any{i + 1, clipText(q.Ref, 24)}, args...)...)
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"ref", q.Ref, maxRef}, {"name", q.Name, maxName}, {"id_number", q.IDNumber, maxNumber}, {"birth_date", q.BirthDate, maxDate},
		{"sex", q.Sex, maxSex}, {"region", q.Region, maxRegion}} {
		if len(f.v) > f.max && utf8.RuneCountInString(f.v) > f.max {
			return bad(f.name, "%s 超过 %d 个字符", f.name, f.max)
		}
	}
	if strings.TrimSpace(q.Name) == "" && strings.TrimSpace(q.IDNumber) == "" {
		return bad("name", "姓名（名称）和证件号码至少填写一项，否则无法比对")
	}
	if d := strings.TrimSpace(q.BirthDate); d != "" {
		if _, ok := screen.ParseDate(d); !ok {
			return bad("birth_date", "出生日期“%s”无法识别，应为 YYYY-MM-DD（如 1985-03-02）", clipText(d, 20))
		}
	}
	if sx := strings.TrimSpace(q.Sex); sx != "" && !sexWords[strings.ToLower(sx)] {
		return bad("sex", "性别“%s”无法识别，应为 M/F 或 男/女", clipText(sx, 10))
	}
	return nil
}

// Screen answers a police business system (S-CREDIT-1): the principal
// must hold screen.run (police units and their system accounts); the
// business must be one of the rules'. Every hit and review is checked
// against the list as it stands in the database (an entry removed on
// another server a moment ago never hits), recorded as a clue for the
// listing court, and the request is audited with its counts and every
// hit and review entry id — all committed before the answer.
func (s *Service) Screen(ctx context.Context, pr access.Principal, source string, req Request) (Response, error) {
	if err := s.policy.Check(ctx, pr, access.ActionScreen, access.Target{}); err != nil {
		return Response{}, err
	}
	rule, ok := s.ruleSet().byCode[strings.TrimSpace(req.Business)]
	if !ok {
		if req.Business == "" {
			return Response{}, apperr.Invalidf("business", CodeBusiness, "请注明办理的公安业务类型（business），可用：%s", businessCodes(s.ruleSet()))
		}
		return Response{}, apperr.Invalidf("business", CodeBusiness, "未知的业务类型“%s”，可用：%s", clipText(req.Business, 40), businessCodes(s.ruleSet()))
	}
	if utf8.RuneCountInString(req.Place) > maxPlace {
		return Response{}, apperr.Invalidf("place", CodePlace, "受理地点（place）超过 %d 个字符", maxPlace)
	}
	if n := len(req.Queries); n == 0 || n > MaxBatch {
		return Response{}, apperr.Invalidf("queries", CodeBatchSize, "每次比对 1 至 %d 人，本次为 %d 人", MaxBatch, n)
	}
	for i := range req.Queries {
		if err := validateQuery(i, &req.Queries[i]); err != nil {
			return Response{}, err
		}
	}
	c := s.cur.Load()
	if c == nil {
		return Response{}, apperr.New(apperr.Unavailable, CodeUnavailable, "名单比对服务正在启动，请稍后重试")
	}
	out := Response{Business: rule, Results: make([]screen.Result, len(req.Queries)), Actions: make([]Action, len(req.Queries))}
	c.ScreenBatch(req.Queries, out.Results)
	out.Version = out.Results[0].Version
	var found []int // indexes of hits and reviews
	for i := range out.Results {
		if out.Results[i].Band != screen.BandNone {
			found = append(found, i)
		}
	}
	var listed map[int64]listedEntry
	if len(found) > 0 {
		ids := make([]int64, len(found))
		for k, i := range found {
			ids[k] = out.Results[i].EntryID
		}
		var err error
		if listed, err = s.listed(ctx, ids); err != nil {
			return Response{}, err
		}
	}
	var hits []hitRow
	now := db.Time(s.cfg.Now())
	for i := range out.Results {
		r := &out.Results[i]
		switch r.Band {
		case screen.BandNone:
			out.Actions[i] = None
			continue
		}
		le, ok := listed[r.EntryID]
		if !ok {
			// Removed or past its term since the index last heard: never a
			// hit. The same person may be listed under another entry (another
			// case): screen again without the entries found gone.
			var err error
			if *r, le, ok, err = s.rescreen(ctx, c, req.Queries[i], r.EntryID); err != nil {
				return Response{}, err
			}
			if !ok {
				out.Actions[i] = None
				continue
			}
		}
		act := rule.OnHit
		if r.Band == screen.BandHit {
			out.Hits++
		} else {
			act = rule.OnReview
			out.Reviews++
		}
		out.Actions[i] = act
		hits = append(hits, hitRow{EntryID: r.EntryID, Band: string(r.Band), Score: r.Score, Tier: r.Tier, Reasons: strings.Join(r.Reasons, "；"),
			Action: string(act), Ref: r.Ref, Court: le.court, CaseNumber: le.caseNumber})
	}
	entries := s.requestAudit(pr, source, req, out, hits)
	var notes []note
	if len(hits) > 0 {
		var err error
		if notes, err = s.clueNotes(ctx, pr, rule, req.Place, now, hits); err != nil {
			return Response{}, err
		}
	}
	err := s.commits.Do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, e := range entries {
			if _, err := s.log.Append(ctx, tx, e); err != nil {
				return err
			}
		}
		if err := insertHits(ctx, tx, hits, rule.Business, pr, req.Place, out.Version, now); err != nil {
			return err
		}
		for _, n := range notes {
			if err := notify(ctx, tx, n, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Response{}, err
	}
	return out, nil
}

// maxRescreens bounds how many entries found gone one query may skip.
const maxRescreens = 3

// rescreen screens q again leaving out gone (an entry the database says is
// no longer listed) and any further entry found gone, up to maxRescreens
// times; ok is false when nothing listed remains.
func (s *Service) rescreen(ctx context.Context, c *screen.Current, q screen.Query, gone int64) (screen.Result, listedEntry, bool, error) {
	exclude := []int64{gone}
	for range maxRescreens {
		r := c.ScreenExcluding(q, exclude)
		if r.Band == screen.BandNone {
			break
		}
		listed, err := s.listed(ctx, []int64{r.EntryID})
		if err != nil {
			return screen.Result{}, listedEntry{}, false, err
		}
		if le, ok := listed[r.EntryID]; ok {
			return r, le, true, nil
		}
		exclude = append(exclude, r.EntryID)
	}
	v := c.Version()
	return screen.Result{Ref: q.Ref, Band: screen.BandNone, Tier: screen.TierNone, Reasons: []string{"未比中名单"}, Version: v}, listedEntry{}, false, nil
}

// listedEntry is what the database says of an entry that hit.
type listedEntry struct {
	court, caseNumber string
}

// listed returns, of ids, the entries on the list now (active and within
// their term), with the listing court and case number.
func (s *Service) listed(ctx context.Context, ids []int64) (map[int64]listedEntry, error) {
	out := make(map[int64]listedEntry, len(ids))
	now := s.cfg.Now()
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		var b strings.Builder
		args := make([]any, len(chunk))
		for i, id := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("$" + strconv.Itoa(i+1))
			args[i] = id
		}
		rows, err := s.db.Read().QueryContext(ctx, `SELECT id, court_unit, case_number, expires_at FROM credit_entries WHERE state = 'active' AND id IN (`+b.String()+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("screening: check hits against the list: %w", err)
		}
		for rows.Next() {
			var (
				id  int64
				le  listedEntry
				exp sql.NullTime
			)
			if err := rows.Scan(&id, &le.court, &le.caseNumber, &exp); err != nil {
				rows.Close()
				return nil, fmt.Errorf("screening: check hits against the list: %w", err)
			}
			if exp.Valid && !now.Before(db.Time(exp.Time)) {
				continue
			}
			out[id] = le
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("screening: check hits against the list: %w", err)
		}
	}
	return out, nil
}

// requestAudit is the audit of one request: the business, place, counts,
// version and every hit and review entry id (with the query's ref), in as
// many entries as the detail limit needs.
func (s *Service) requestAudit(pr access.Principal, source string, req Request, out Response, hits []hitRow) []audit.Entry {
	head := fmt.Sprintf("business=%s place=%s queries=%d hit=%d review=%d none=%d version=%d", out.Business.Business, clipText(req.Place, 60),
		len(req.Queries), out.Hits, out.Reviews, len(req.Queries)-out.Hits-out.Reviews, out.Version)
	base := auditEntry(pr, source, "screen.run", "screen:"+out.Business.Business, "", "")
	if len(hits) == 0 {
		base.Detail = head
		return []audit.Entry{base}
	}
	const budget = 3800
	var es []audit.Entry
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(" found:")
	for _, h := range hits {
		w := " " + h.Band + ":" + strconv.FormatInt(h.EntryID, 10) + "@" + clipText(h.Ref, 24)
		if b.Len()+len(w) > budget {
			e := base
			e.Detail = b.String()
			es = append(es, e)
			b.Reset()
			b.WriteString("(cont.) found:")
		}
		b.WriteString(w)
	}
	e := base
	e.Detail = b.String()
	return append(es, e)
}

// hitRow is one recorded hit or review.
type hitRow struct {
	EntryID    int64
	Band       string
	Score      float64
	Tier       string
	Reasons    string
	Action     string
	Ref        string
	Court      string
	CaseNumber string
}

func insertHits(ctx context.Context, tx *sql.Tx, hits []hitRow, business string, pr access.Principal, place string, version uint64, at time.Time) error {
	for start := 0; start < len(hits); start += 50 {
		chunk := hits[start:min(start+50, len(hits))]
		var b strings.Builder
		b.WriteString(`INSERT INTO screen_hits (entry_id, band, score, tier, reasons, action, business, unit_code, username, place, query_ref, version, court_unit, case_number, at) VALUES `)
		args := make([]any, 0, len(chunk)*15)
		for i, h := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(")
			for k := range 15 {
				if k > 0 {
					b.WriteString(", ")
				}
				b.WriteString("$" + strconv.Itoa(len(args)+k+1))
			}
			b.WriteString(")")
			args = append(args, h.EntryID, h.Band, h.Score, h.Tier, clipText(h.Reasons, 1000), h.Action, business, pr.UnitCode, pr.Username,
				clipText(place, maxPlace), clipText(h.Ref, maxRef), int64(version), h.Court, h.CaseNumber, at)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("screening: record %d hits: %w", len(chunk), err)
		}
	}
	return nil
}
