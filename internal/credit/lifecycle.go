package credit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/ident"
	"liandong/internal/pii"
	"liandong/internal/workday"
)

// courts returns the courts of the directory by unit code.
func (s *Store) courts(ctx context.Context) ([]court, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT code, name, COALESCE(court_code, '') FROM units
		WHERE side = 'court' AND COALESCE(court_code, '') <> '' AND active`)
	if err != nil {
		return nil, fmt.Errorf("read courts: %w", err)
	}
	defer rows.Close()
	var out []court
	for rows.Next() {
		var c court
		if err := rows.Scan(&c.unit, &c.name, &c.code); err != nil {
			return nil, fmt.Errorf("read courts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// courtByUnit finds a court by its unit code.
func (s *Store) courtByUnit(ctx context.Context, unit string) (court, error) {
	cs, err := s.courts(ctx)
	if err != nil {
		return court{}, err
	}
	for _, c := range cs {
		if c.unit == unit {
			return c, nil
		}
	}
	return court{}, apperr.Invalidf("court", CodeCourt, "“%s”不是本系统中的法院（应为法院的单位代码，如 fy411602）", clip(unit))
}

// courtOfCase finds the court whose case-number code the case carries.
func (s *Store) courtOfCase(ctx context.Context, caseNumber string) (court, error) {
	cn, err := ident.ParseCaseNumberAt(caseNumber, s.clock())
	if err != nil {
		return court{}, &apperr.Error{Kind: apperr.Invalid, Code: CodeInvalid, Field: "case_number", Message: err.Error(), Err: err}
	}
	cs, err := s.courts(ctx)
	if err != nil {
		return court{}, err
	}
	for _, c := range cs {
		if sameCourt(cn.CourtCode, c.code) {
			return c, nil
		}
	}
	return court{}, apperr.Invalidf("case_number", CodeCourt, "案号 %s 的法院代字“%s”不是本系统中的法院", cn.String(), cn.CourtCode)
}

// problemsError turns validation problems into one user-facing error: the
// first problem's code and field, every message.
func problemsError(ps []Problem) error {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Message
	}
	return &apperr.Error{Kind: apperr.Invalid, Code: ps[0].Code, Field: ps[0].Field, Message: strings.Join(msgs, "；")}
}

func notFound(id int64) error {
	return apperr.New(apperr.NotFound, CodeNotFound, fmt.Sprintf("失信名单中没有编号为 %d 的条目", id))
}

// Add lists a debtor on a listing decision (纳入失信被执行人名单决定书) of
// the court the case number names: the rules of arts. 1, 2, 4, 5, 6 and 10
// para 4 are checked, the numbers sealed, an "add" change written and the
// act audited (credit.list) in one transaction.
func (s *Store) Add(ctx context.Context, actor access.Principal, e NewEntry) (Entry, error) {
	c, err := s.courtOfCase(ctx, e.CaseNumber)
	if err != nil {
		return Entry{}, err
	}
	r, problems := validate(e, c, s.now())
	if len(problems) > 0 {
		return Entry{}, problemsError(problems)
	}
	if err := s.policy.Check(ctx, actor, access.ActionCreditManage, access.Target{RequestingUnit: c.unit, CaseNumber: r.caseNumber}); err != nil {
		return Entry{}, err
	}
	var id int64
	_, err = s.change(ctx, func(w *txw) error {
		key := s.debtorKey(r)
		if err := w.checkListable(r, key); err != nil {
			return err
		}
		var err error
		if id, err = w.nextID(); err != nil {
			return err
		}
		sr, err := s.seal(r, id, key)
		if err != nil {
			return err
		}
		in := w.inserter(c, actor.Username, 0, 1)
		if err := in.add(sr); err != nil {
			return err
		}
		if err := in.flush(); err != nil {
			return err
		}
		w.audit(auditEntry(actor, "credit.list", entryObject(id), r.caseNumber,
			fmt.Sprintf("纳入失信被执行人名单：%s，第一条第%d项，%s", r.name, r.ground, termWords(r.termYears))))
		return nil
	})
	if err != nil {
		if db.IsUniqueViolation(err) {
			return Entry{}, duplicateError(r.caseNumber)
		}
		return Entry{}, err
	}
	return s.entry(ctx, id)
}

func termWords(years int) string {
	if years == 0 {
		return "不设纳入期限"
	}
	return fmt.Sprintf("纳入期限%d年", years)
}

func entryObject(id int64) string { return "credit_entry:" + strconv.FormatInt(id, 10) }

func duplicateError(caseNumber string) error {
	return apperr.New(apperr.Conflict, CodeDuplicate, fmt.Sprintf("该被执行人已因案件 %s 列入失信被执行人名单，不能重复纳入", caseNumber))
}

// debtorKey is the blind index of the row's main number.
func (s *Store) debtorKey(r row) string { return s.pii.Index(pii.IDNumber, r.keyNumber) }

// checkListable refuses a second active entry for the debtor in the case,
// and an applicant's request within six months of a removal at the
// applicant's request (art. 10 para 4).
func (w *txw) checkListable(r row, key string) error {
	var n int
	if err := w.tx.QueryRowContext(w.ctx, `SELECT COUNT(*) FROM credit_entries WHERE case_number = $1 AND debtor_key = $2 AND state = 'active'`,
		r.caseNumber, key).Scan(&n); err != nil {
		return fmt.Errorf("look for the debtor on the list: %w", err)
	}
	if n > 0 {
		return duplicateError(r.caseNumber)
	}
	if r.initiation != ByApplicant {
		return nil
	}
	var removed sql.NullTime
	if err := w.tx.QueryRowContext(w.ctx, `SELECT removed_at FROM credit_entries
		WHERE case_number = $1 AND debtor_key = $2 AND state = 'removed' AND removal_reason = $3 ORDER BY removed_at DESC LIMIT 1`,
		r.caseNumber, key, string(RemoveApplicant)).Scan(&removed); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("look for a removal at the applicant's request: %w", err)
	}
	if removed.Valid {
		if until, barred := relistBarred(removed.Time, r.appliedOrDecided()); barred {
			return relistError(removed.Time, until)
		}
	}
	return nil
}

// appliedOrDecided is the day the applicant asked: the application date
// when given, else the decision date.
func (r row) appliedOrDecided() string {
	if r.appliedOn != "" {
		return r.appliedOn
	}
	return r.decidedOn
}

// relistBarred reports whether an application on day (YYYY-MM-DD) falls
// within six months of a removal at removedAt: the period starts the day
// after the removal and ends on the same date six months later (民事诉讼法
// art. 85), so an application on that date is still barred.
func relistBarred(removedAt time.Time, day string) (time.Time, bool) {
	until := civil(addMonths(removedAt, RelistBarMonths))
	d, _ := time.Parse(time.DateOnly, day)
	return until, !d.After(until)
}

func relistError(removedAt, until time.Time) error {
	return apperr.New(apperr.Conflict, CodeRelistBarred, fmt.Sprintf(
		"申请执行人书面申请删除的失信信息已于 %s 删除，六个月内（至 %s）申请执行人再申请将该被执行人纳入名单的，不予支持（第十条第四款）",
		civil(removedAt).Format(time.DateOnly), until.Format(time.DateOnly)))
}

// current reads the columns acts check, locking nothing more than the
// version lock already does.
type current struct {
	id         int64
	state      State
	ground     Ground
	termYears  int
	decidedOn  string
	caseNumber string
	court      string
	name       string
	extReason  ExtensionReason
	kind       Kind
}

const currentColumns = `id, state, ground, term_years, decided_on, case_number, court_unit, name, extension_reason, kind`

func (c *current) dest() []any {
	return []any{&c.id, &c.state, &c.ground, &c.termYears, &c.decidedOn, &c.caseNumber, &c.court, &c.name, &c.extReason, &c.kind}
}

func (w *txw) current(id int64) (current, error) {
	var c current
	err := w.tx.QueryRowContext(w.ctx, `SELECT `+currentColumns+` FROM credit_entries WHERE id = $1`, id).Scan(c.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound(id)
	}
	if err != nil {
		return c, fmt.Errorf("read entry %d: %w", id, err)
	}
	return c, nil
}

// manage checks credit.manage for the entry's court and case, outside the
// transaction (the policy reads the unit tree).
func (s *Store) manage(ctx context.Context, actor access.Principal, id int64) (current, error) {
	var c current
	err := s.db.Read().QueryRowContext(ctx, `SELECT `+currentColumns+` FROM credit_entries WHERE id = $1`, id).Scan(c.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound(id)
	}
	if err != nil {
		return c, fmt.Errorf("read entry %d: %w", id, err)
	}
	if err := s.policy.Check(ctx, actor, access.ActionCreditManage, access.Target{RequestingUnit: c.court, CaseNumber: c.caseNumber}); err != nil {
		return c, err
	}
	return c, nil
}

func notActive(c current) error {
	return apperr.New(apperr.Conflict, CodeNotActive, fmt.Sprintf("失信名单条目 %d（%s）已删除", c.id, c.name))
}

// RemovalRequest records that a ground for removal exists.
type RemovalRequest struct {
	Reason RemovalReason
	Note   string
	// At is when the ground came to the court (the debtor's proof of
	// performance, the applicant's written request, the ruling); the three
	// working days run from that day. Zero means now.
	At time.Time
}

// RequestRemoval records a ground for removal and opens a removal duty
// due at the end of the third working day after it (art. 10 para 1 for
// entries without a term; art. 9 para 1 for revocation of a wrong listing,
// for any entry). An entry with a term leaves the list when the term ends
// (art. 10 para 2) or by an early removal (art. 2 para 2, Remove with
// RemoveEarly), so art. 10 para 1 reasons are refused for it.
func (s *Store) RequestRemoval(ctx context.Context, actor access.Principal, id int64, req RemovalRequest) (Duty, error) {
	c, err := s.manage(ctx, actor, id)
	if err != nil {
		return Duty{}, err
	}
	if err := reasonApplies(c, req.Reason, true); err != nil {
		return Duty{}, err
	}
	at := req.At
	if at.IsZero() {
		at = s.now()
	}
	if at.After(s.now()) {
		return Duty{}, apperr.Invalidf("at", CodeInvalid, "删除事由发生的时间不能晚于现在")
	}
	note, err := checkNote(req.Note, false)
	if err != nil {
		return Duty{}, err
	}
	due := db.Time(s.cal.AddWorkdays(at, RemovalWorkdays))
	var dutyID int64
	_, err = s.change(ctx, func(w *txw) error {
		c, err := w.current(id)
		if err != nil {
			return err
		}
		if c.state != Active {
			return notActive(c)
		}
		if open, err := w.openDuty(id, "removal", "correction"); err != nil {
			return err
		} else if open != 0 {
			return apperr.New(apperr.Conflict, CodeDutyState, fmt.Sprintf("条目 %d 已有待办的删除或纠正事项（编号 %d）", id, open))
		}
		if dutyID, err = w.openDutyRow(c, "removal", string(req.Reason), note, 0, db.Time(at), due, actor.Username); err != nil {
			return err
		}
		if err := w.event(id, actor.Username, "removal_requested", req.Reason.Article(),
			fmt.Sprintf("%s；应于 %s 前删除", req.Reason.Label(), due.In(workday.Location()).Format("2006-01-02 15:04"))); err != nil {
			return err
		}
		w.audit(auditEntry(actor, "credit.removal_request", entryObject(id), c.caseNumber, req.Reason.Label()))
		return nil
	})
	if err != nil {
		return Duty{}, err
	}
	return s.duty(ctx, dutyID)
}

// reasonApplies checks a removal reason against the entry. forDuty: the
// reason opens a clock (art. 9 para 1, art. 10 para 1).
func reasonApplies(c current, reason RemovalReason, forDuty bool) error {
	switch {
	case !reason.Valid():
		return apperr.Invalidf("reason", CodeRemovalReason, "删除事由“%s”无效", clip(string(reason)))
	case reason == RemoveExpired:
		return apperr.Invalidf("reason", CodeRemovalReason, "期限届满的条目由系统在届满时自动删除（第十条第二款）")
	case reason.IsArt10() && c.termYears > 0:
		return apperr.Invalidf("reason", CodeRemovalReason,
			"该条目有纳入期限（%d 年），不适用第十条第一款的删除事由（第十条第二款）：期限届满后删除；被执行人积极履行或主动纠正失信行为的，可决定提前删除（第二条第二款）", c.termYears)
	case forDuty && !reason.IsArt10() && reason != RemoveRevoked:
		return apperr.Invalidf("reason", CodeRemovalReason, "“%s”不是须在三个工作日内删除的事由，请直接办理删除", reason.Label())
	}
	return nil
}

func checkNote(s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if required && s == "" {
		return "", apperr.Invalidf("note", CodeInvalid, "请填写说明")
	}
	if n := utf8.RuneCountInString(s); n > maxText {
		return "", apperr.Invalidf("note", CodeInvalid, "说明不能超过 %d 个字（现为 %d 个）", maxText, n)
	}
	return s, nil
}

// Removal is a removal carried out.
type Removal struct {
	Reason RemovalReason
	Note   string
}

// Remove takes an entry off the list at once: from this commit it is out
// of Active and Lookup and a "remove" change is in the feed. An open
// removal duty of the entry is closed; the reason must apply to the entry
// (see RequestRemoval; RemoveEarly is art. 2 para 2 and applies to any
// entry; RemoveExpired is the sweep's alone).
func (s *Store) Remove(ctx context.Context, actor access.Principal, id int64, rm Removal) (Entry, error) {
	c, err := s.manage(ctx, actor, id)
	if err != nil {
		return Entry{}, err
	}
	if err := reasonApplies(c, rm.Reason, false); err != nil {
		return Entry{}, err
	}
	note, err := checkNote(rm.Note, rm.Reason == RemoveEarly)
	if err != nil {
		return Entry{}, err
	}
	_, err = s.change(ctx, func(w *txw) error {
		c, err := w.current(id)
		if err != nil {
			return err
		}
		if c.state != Active {
			return notActive(c)
		}
		if err := w.remove(c, rm.Reason, note, actor.Username); err != nil {
			return err
		}
		// Every duty still open on the entry ends with it: a removal duty
		// is done, and a correction application has nothing left to act on.
		if err := w.closeOpenDuties(id, actor.Username, "removed"); err != nil {
			return err
		}
		w.audit(auditEntry(actor, "credit.remove", entryObject(id), c.caseNumber, rm.Reason.Label()+"（"+rm.Reason.Article()+"）"))
		return nil
	})
	if err != nil {
		return Entry{}, err
	}
	return s.entry(ctx, id)
}

// remove marks the entry removed, with its change and history line.
func (w *txw) remove(c current, reason RemovalReason, note, by string) error {
	v, err := w.record(c.id, OpRemove)
	if err != nil {
		return err
	}
	if _, err := w.tx.ExecContext(w.ctx, `UPDATE credit_entries SET state = 'removed', removed_at = $1, removal_reason = $2, removal_note = $3, version = $4
		WHERE id = $5 AND state = 'active'`, w.now, string(reason), note, int64(v), c.id); err != nil {
		return fmt.Errorf("remove entry %d: %w", c.id, err)
	}
	detail := reason.Label()
	if note != "" {
		detail += "：" + note
	}
	return w.event(c.id, by, "removed", reason.Article(), detail)
}

// Extension lengthens a term (art. 2 para 1).
type Extension struct {
	Years  int // 1–3, at most 3 in all
	Reason ExtensionReason
	Note   string
}

// Extend lengthens the term of an active entry by one to three years in
// all (art. 2 para 1: serious violence or threats, or several dishonest
// acts). Ground-1 entries have no term to extend. The new expiry counts
// from the decision date; an "update" change is written.
func (s *Store) Extend(ctx context.Context, actor access.Principal, id int64, x Extension) (Entry, error) {
	if _, err := s.manage(ctx, actor, id); err != nil {
		return Entry{}, err
	}
	if !x.Reason.Valid() {
		return Entry{}, apperr.Invalidf("reason", CodeExtensionBarred, "延长纳入期限须写明理由：以暴力、威胁方法妨碍、抗拒执行情节严重，或具有多项失信行为（第二条第一款）")
	}
	note, err := checkNote(x.Note, false)
	if err != nil {
		return Entry{}, err
	}
	_, err = s.change(ctx, func(w *txw) error {
		c, err := w.current(id)
		if err != nil {
			return err
		}
		switch {
		case c.state != Active:
			return notActive(c)
		case !c.ground.HasTerm():
			return apperr.New(apperr.Conflict, CodeExtensionBarred, "第一条第一项的条目不设纳入期限，无需也不能延长（第二条第一款）")
		case x.Years < MinExtensionYears || c.termYears+x.Years > TermYears+MaxExtensionYears:
			return apperr.Invalidf("years", CodeExtensionBarred, "纳入期限为二年，可延长一至三年（第二条第一款）；现为 %d 年，最多还能延长 %d 年",
				c.termYears, TermYears+MaxExtensionYears-c.termYears)
		}
		decided, _ := time.Parse(time.DateOnly, c.decidedOn)
		// The term in force must not have ended: an entry past its term is
		// off the list (Active, Lookup) even before the sweep records the
		// removal, and an extension must not bring it back.
		oldLast := addYears(decided, c.termYears)
		if oldExp := time.Date(oldLast.Year(), oldLast.Month(), oldLast.Day()+1, 0, 0, 0, 0, workday.Location()); !w.now.Before(oldExp) {
			return apperr.New(apperr.Conflict, CodeExtensionBarred, fmt.Sprintf("纳入期限已于 %s 届满，不能延长（第二条第一款）", oldLast.Format(time.DateOnly)))
		}
		years := c.termYears + x.Years
		last := addYears(decided, years)
		exp := time.Date(last.Year(), last.Month(), last.Day()+1, 0, 0, 0, 0, workday.Location())
		v, err := w.record(id, OpUpdate)
		if err != nil {
			return err
		}
		if _, err := w.tx.ExecContext(w.ctx, `UPDATE credit_entries SET term_years = $1, extension_reason = $2, expires_at = $3, version = $4 WHERE id = $5`,
			years, string(x.Reason), db.Time(exp), int64(v), id); err != nil {
			return fmt.Errorf("extend entry %d: %w", id, err)
		}
		detail := fmt.Sprintf("延长 %d 年，纳入期限共 %d 年，至 %s 届满；理由：%s", x.Years, years, last.Format(time.DateOnly), x.Reason.Label())
		detail = withNote(detail, note)
		return w.recorded(actor, id, c.caseNumber, "extended", "第二条第一款", "credit.extend", detail)
	})
	if err != nil {
		return Entry{}, err
	}
	return s.entry(ctx, id)
}

// expireBatch is how many expired entries one sweep transaction removes.
const expireBatch = 500

// Expire removes every active entry whose term has ended by now (art. 10
// para 2 allows three working days; the sweep removes at the end of the
// term) and returns how many it removed. It is idempotent: a second run
// finds nothing. Each removal is a "remove" change and an audit entry
// (credit.expire, by the system) with the case number. Run it at least
// daily; Active leaves expired entries out even before the sweep.
func (s *Store) Expire(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		n := 0
		_, err := s.change(ctx, func(w *txw) error {
			w.now = db.Time(now)
			rows, err := w.tx.QueryContext(w.ctx, `SELECT `+currentColumns+`
				FROM credit_entries WHERE state = 'active' AND expires_at <= $1 ORDER BY id LIMIT `+strconv.Itoa(expireBatch), db.Time(now))
			if err != nil {
				return fmt.Errorf("find expired entries: %w", err)
			}
			var due []current
			for rows.Next() {
				var c current
				if err := rows.Scan(c.dest()...); err != nil {
					rows.Close()
					return fmt.Errorf("find expired entries: %w", err)
				}
				due = append(due, c)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("find expired entries: %w", err)
			}
			for _, c := range due {
				if err := w.remove(c, RemoveExpired, "", systemUser); err != nil {
					return err
				}
				if _, err := w.tx.ExecContext(w.ctx, `UPDATE credit_duties SET closed_at = $1, closed_by = $2, outcome = 'expired'
					WHERE entry_id = $3 AND closed_at IS NULL`, w.now, systemUser, c.id); err != nil {
					return fmt.Errorf("close duties of entry %d: %w", c.id, err)
				}
				w.audit(systemAudit("credit.expire", entryObject(c.id), c.caseNumber, "纳入期限届满，删除失信信息（第十条第二款）"))
			}
			n = len(due)
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < expireBatch {
			return total, nil
		}
	}
}

// systemUser names the platform itself in history lines.
const systemUser = "system"

// Patch corrects recorded facts (art. 9 para 2): nil fields stay as they
// are. Identity documents are not patched: a wrong number is a wrong
// listing, revoked (art. 9 para 1) and listed again.
type Patch struct {
	Name        *string
	LegalRep    *string
	Obligation  *string
	Performance *string
	Conduct     *string
	BasisUnit   *string
	BasisNumber *string
	DecisionSM3 *string
}

// Update corrects recorded facts of an active entry (art. 9 para 2: wrong
// information corrected within three working days) and writes an "update"
// change.
func (s *Store) Update(ctx context.Context, actor access.Principal, id int64, p Patch, note string) (Entry, error) {
	c, err := s.manage(ctx, actor, id)
	if err != nil {
		return Entry{}, err
	}
	if c.state != Active {
		return Entry{}, notActive(c)
	}
	sets, args, detail, err := patchSQL(p, c)
	if err != nil {
		return Entry{}, err
	}
	if note, err = checkNote(note, false); err != nil {
		return Entry{}, err
	}
	_, err = s.change(ctx, func(w *txw) error {
		return w.update(c.id, actor, sets, args, detail, note)
	})
	if err != nil {
		return Entry{}, err
	}
	return s.entry(ctx, id)
}

func (w *txw) update(id int64, actor access.Principal, sets []string, args []any, detail, note string) error {
	c, err := w.current(id)
	if err != nil {
		return err
	}
	if c.state != Active {
		return notActive(c)
	}
	v, err := w.record(id, OpUpdate)
	if err != nil {
		return err
	}
	args = append(args, int64(v), id)
	q := `UPDATE credit_entries SET ` + strings.Join(sets, ", ") + fmt.Sprintf(`, version = $%d WHERE id = $%d`, len(args)-1, len(args))
	if _, err := w.tx.ExecContext(w.ctx, q, args...); err != nil {
		return fmt.Errorf("update entry %d: %w", id, err)
	}
	detail = withNote(detail, note)
	return w.recorded(actor, id, c.caseNumber, "updated", "第九条第二款", "credit.update", detail)
}

// patchSQL validates p and returns the SET clauses.
func patchSQL(p Patch, c current) ([]string, []any, string, error) {
	var (
		sets    []string
		args    []any
		changed []string
		ck      checker
	)
	set := func(col, label string, v string) {
		args = append(args, v)
		sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
		changed = append(changed, label)
	}
	if p.Name != nil {
		if v := checkName(&ck, *p.Name, c.kind); v != "" {
			set("name", "姓名或名称", v)
		}
	}
	if p.LegalRep != nil {
		if v := strings.Join(strings.Fields(*p.LegalRep), " "); v != "" && utf8.RuneCountInString(v) <= maxPersonName {
			set("legal_rep", "法定代表人", normalizeDots(v))
		} else {
			ck.add("legal_rep", CodeInvalid, "法定代表人姓名应为 1 到 %d 个字", maxPersonName)
		}
	}
	texts := []struct {
		v          *string
		col, label string
		limit      int
	}{
		{p.Obligation, "obligation", "生效法律文书确定的义务", maxText},
		{p.Performance, "performance", "被执行人的履行情况", maxText},
		{p.Conduct, "conduct", "失信行为的具体情形", maxText},
		{p.BasisUnit, "basis_unit", "执行依据的制作单位", maxShortText},
		{p.BasisNumber, "basis_number", "执行依据文号", maxShortText},
	}
	for _, t := range texts {
		if t.v == nil {
			continue
		}
		if v := checkText(&ck, t.col, t.label, *t.v, t.limit); v != "" {
			set(t.col, t.label, v)
		}
	}
	if p.DecisionSM3 != nil {
		var r row
		validateSM3(&ck, *p.DecisionSM3, &r)
		if len(ck.problems) == 0 {
			set("decision_sm3", "决定书摘要", r.decisionSM3)
		}
	}
	if len(ck.problems) > 0 {
		return nil, nil, "", problemsError(ck.problems)
	}
	if len(sets) == 0 {
		return nil, nil, "", apperr.Invalidf("", CodeInvalid, "没有要更正的内容")
	}
	return sets, args, "更正：" + strings.Join(changed, "、"), nil
}
