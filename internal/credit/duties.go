package credit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/workday"
)

// DutyKind is what a duty asks the court to do.
type DutyKind string

const (
	DutyRemoval          DutyKind = "removal"           // remove within 3 working days (art. 9 para 1, art. 10 para 1)
	DutyCorrectionReview DutyKind = "correction_review" // review a correction application within 15 days (art. 12)
	DutyCorrection       DutyKind = "correction"        // carry out an accepted correction within 3 working days (art. 12)
)

// Label is the duty in Chinese.
func (k DutyKind) Label() string {
	switch k {
	case DutyRemoval:
		return "删除失信信息"
	case DutyCorrectionReview:
		return "审查纠正申请"
	case DutyCorrection:
		return "纠正失信信息"
	}
	return string(k)
}

// Article is where the duty's clock comes from.
func (k DutyKind) Article() string {
	switch k {
	case DutyRemoval:
		return "第九条第一款、第十条第一款"
	case DutyCorrectionReview, DutyCorrection:
		return "第十二条"
	}
	return ""
}

// Duty is an act the court owes within a time: a removal, the review of a
// correction application, or carrying out an accepted correction.
type Duty struct {
	ID          int64
	EntryID     int64
	Court       string
	Kind        DutyKind
	Reason      string // a RemovalReason or CorrectionGround
	Note        string
	ParentID    int64 // the review a correction duty follows
	OpenedAt    time.Time
	OpenedBy    string
	Due         time.Time
	ClosedAt    *time.Time
	ClosedBy    string
	Outcome     string // removed, accepted, rejected, corrected, expired
	OutcomeNote string
	// From the entry, for lists.
	Name       string
	CaseNumber string
}

// ReasonLabel is the reason in Chinese.
func (d Duty) ReasonLabel() string {
	if d.Kind == DutyRemoval {
		return RemovalReason(d.Reason).Label()
	}
	return CorrectionGround(d.Reason).Label()
}

// Overdue reports whether the duty is open past its due time at t.
func (d Duty) Overdue(t time.Time) bool { return d.ClosedAt == nil && workday.Overdue(d.Due, t) }

const dutyColumns = `d.id, d.entry_id, d.court_unit, d.kind, d.reason, d.note, COALESCE(d.parent_id, 0), d.opened_at, d.opened_by, d.due_at,
	d.closed_at, d.closed_by, d.outcome, d.outcome_note, e.name, e.case_number`

func scanDuty(row interface{ Scan(...any) error }) (Duty, error) {
	var (
		d      Duty
		closed sql.NullTime
	)
	if err := row.Scan(&d.ID, &d.EntryID, &d.Court, &d.Kind, &d.Reason, &d.Note, &d.ParentID, &d.OpenedAt, &d.OpenedBy, &d.Due,
		&closed, &d.ClosedBy, &d.Outcome, &d.OutcomeNote, &d.Name, &d.CaseNumber); err != nil {
		return Duty{}, err
	}
	d.OpenedAt, d.Due = db.Time(d.OpenedAt), db.Time(d.Due)
	if closed.Valid {
		t := db.Time(closed.Time)
		d.ClosedAt = &t
	}
	return d, nil
}

func (s *Store) duty(ctx context.Context, id int64) (Duty, error) {
	d, err := scanDuty(s.db.Read().QueryRowContext(ctx, `SELECT `+dutyColumns+` FROM credit_duties d JOIN credit_entries e ON e.id = d.entry_id WHERE d.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Duty{}, apperr.New(apperr.NotFound, CodeDutyNotFound, fmt.Sprintf("没有编号为 %d 的待办事项", id))
	}
	if err != nil {
		return Duty{}, fmt.Errorf("read duty %d: %w", id, err)
	}
	return d, nil
}

// openDuty returns the id of an open duty of the entry of one of kinds, or 0.
func (w *txw) openDuty(entryID int64, kinds ...string) (int64, error) {
	var id sql.NullInt64
	q := `SELECT MIN(id) FROM credit_duties WHERE entry_id = $1 AND closed_at IS NULL AND kind IN ('` + strings.Join(kinds, "', '") + `')`
	if err := w.tx.QueryRowContext(w.ctx, q, entryID).Scan(&id); err != nil {
		return 0, fmt.Errorf("look for open duties of entry %d: %w", entryID, err)
	}
	return id.Int64, nil
}

func (w *txw) openDutyRow(c current, kind, reason, note string, parent int64, opened, due time.Time, by string) (int64, error) {
	var p any
	if parent != 0 {
		p = parent
	}
	var id int64
	err := w.tx.QueryRowContext(w.ctx, `INSERT INTO credit_duties (entry_id, court_unit, kind, reason, note, parent_id, opened_at, opened_by, due_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, c.id, c.court, kind, reason, note, p, opened, by, due).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("open %s duty for entry %d: %w", kind, c.id, err)
	}
	return id, nil
}

// lockDuty reads an open duty inside the transaction.
func (w *txw) lockDuty(id int64, kind DutyKind) (Duty, error) {
	d, err := scanDuty(w.tx.QueryRowContext(w.ctx, `SELECT `+dutyColumns+` FROM credit_duties d JOIN credit_entries e ON e.id = d.entry_id WHERE d.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && d.Kind != kind) {
		return Duty{}, apperr.New(apperr.NotFound, CodeDutyNotFound, fmt.Sprintf("没有编号为 %d 的%s事项", id, kind.Label()))
	}
	if err != nil {
		return Duty{}, fmt.Errorf("read duty %d: %w", id, err)
	}
	if d.ClosedAt != nil {
		return Duty{}, apperr.New(apperr.Conflict, CodeDutyState, fmt.Sprintf("%s事项 %d 已办结（%s）", kind.Label(), id, d.Outcome))
	}
	return d, nil
}

func (w *txw) closeDuty(id int64, by, outcome, note string) error {
	if _, err := w.tx.ExecContext(w.ctx, `UPDATE credit_duties SET closed_at = $1, closed_by = $2, outcome = $3, outcome_note = $4 WHERE id = $5 AND closed_at IS NULL`,
		w.now, by, outcome, note, id); err != nil {
		return fmt.Errorf("close duty %d: %w", id, err)
	}
	return nil
}

// closeOpenDuties closes every duty of the entry still open, with outcome.
func (w *txw) closeOpenDuties(entryID int64, by, outcome string) error {
	if _, err := w.tx.ExecContext(w.ctx, `UPDATE credit_duties SET closed_at = $1, closed_by = $2, outcome = $3
		WHERE entry_id = $4 AND closed_at IS NULL`, w.now, by, outcome, entryID); err != nil {
		return fmt.Errorf("close the open duties of entry %d: %w", entryID, err)
	}
	return nil
}

// CorrectionRequest is a written correction application (纠正申请) of the
// listed debtor (art. 11).
type CorrectionRequest struct {
	Ground CorrectionGround
	Reason string // the applicant's reasons
	// ReceivedAt is when the court received the written application; the
	// fifteen days run from the next day. Zero means now.
	ReceivedAt time.Time
}

// RequestCorrection records a correction application and opens its review
// duty, due at the end of the fifteenth day after receipt (art. 12;
// counted as 民事诉讼法 art. 85 counts, a last day off moving to the next
// working day).
func (s *Store) RequestCorrection(ctx context.Context, actor access.Principal, id int64, req CorrectionRequest) (Duty, error) {
	if _, err := s.manage(ctx, actor, id); err != nil {
		return Duty{}, err
	}
	if !req.Ground.Valid() {
		return Duty{}, apperr.Invalidf("ground", CodeCorrectionGround, "纠正理由应为第十一条所列情形之一：不应纳入名单、信息不准确或失信情形已消除")
	}
	reason, err := checkNote(req.Reason, true)
	if err != nil {
		return Duty{}, err
	}
	at := req.ReceivedAt
	if at.IsZero() {
		at = s.now()
	}
	if at.After(s.now()) {
		return Duty{}, apperr.Invalidf("received_at", CodeInvalid, "收到申请的时间不能晚于现在")
	}
	due := db.Time(s.cal.AddDays(at, CorrectionReviewDays))
	var dutyID int64
	_, err = s.change(ctx, func(w *txw) error {
		c, err := w.current(id)
		if err != nil {
			return err
		}
		if c.state != Active {
			return notActive(c)
		}
		if dutyID, err = w.openDutyRow(c, string(DutyCorrectionReview), string(req.Ground), reason, 0, db.Time(at), due, actor.Username); err != nil {
			return err
		}
		detail := fmt.Sprintf("纠正申请：%s；应于 %s 前审查", req.Ground.Label(), due.In(workday.Location()).Format("2006-01-02 15:04"))
		return w.recorded(actor, id, c.caseNumber, "correction_requested", "第十一条、第十二条", "credit.correction_request", detail)
	})
	if err != nil {
		return Duty{}, err
	}
	return s.duty(ctx, dutyID)
}

// Review is the court's decision on a correction application.
type Review struct {
	Accept bool
	Note   string // the reasons; required for a rejection
}

// ReviewCorrection closes a review duty. Accepted: a correction duty opens,
// due at the end of the third working day (art. 12). Rejected: the decision
// is recorded with the applicant's ten days to ask the court one level up
// to reconsider (art. 12).
func (s *Store) ReviewCorrection(ctx context.Context, actor access.Principal, dutyID int64, rv Review) (Duty, error) {
	d, err := s.duty(ctx, dutyID)
	if err != nil {
		return Duty{}, err
	}
	if _, err := s.manage(ctx, actor, d.EntryID); err != nil {
		return Duty{}, err
	}
	note, err := checkNote(rv.Note, !rv.Accept)
	if err != nil {
		return Duty{}, err
	}
	var next int64
	_, err = s.change(ctx, func(w *txw) error {
		d, err := w.lockDuty(dutyID, DutyCorrectionReview)
		if err != nil {
			return err
		}
		c, err := w.current(d.EntryID)
		if err != nil {
			return err
		}
		var detail string
		if rv.Accept {
			if err := w.closeDuty(dutyID, actor.Username, "accepted", note); err != nil {
				return err
			}
			due := db.Time(s.cal.AddWorkdays(w.now, CorrectionWorkdays))
			if next, err = w.openDutyRow(c, string(DutyCorrection), d.Reason, note, dutyID, w.now, due, actor.Username); err != nil {
				return err
			}
			detail = fmt.Sprintf("纠正申请理由成立（%s），应于 %s 前纠正", CorrectionGround(d.Reason).Label(), due.In(workday.Location()).Format("2006-01-02 15:04"))
		} else {
			if err := w.closeDuty(dutyID, actor.Username, "rejected", note); err != nil {
				return err
			}
			detail = fmt.Sprintf("纠正申请理由不成立，决定驳回：%s；申请人可自决定书送达之日起%d日内向上一级人民法院申请复议，复议期间不停止原决定的执行", note, ReconsiderationDays)
		}
		return w.recorded(actor, c.id, c.caseNumber, "correction_reviewed", "第十二条", "credit.correction_review", detail)
	})
	if err != nil {
		return Duty{}, err
	}
	if next != 0 {
		return s.duty(ctx, next)
	}
	return s.duty(ctx, dutyID)
}

// CarryOutCorrection does an accepted correction and closes its duty: a
// wrong listing is revoked (撤销, art. 9 para 1), an entry whose dishonest
// conduct has ceased is removed (art. 11 item 3), inaccurate information is
// corrected with patch (art. 9 para 2).
func (s *Store) CarryOutCorrection(ctx context.Context, actor access.Principal, dutyID int64, patch Patch, note string) (Entry, error) {
	d, err := s.duty(ctx, dutyID)
	if err != nil {
		return Entry{}, err
	}
	c, err := s.manage(ctx, actor, d.EntryID)
	if err != nil {
		return Entry{}, err
	}
	if note, err = checkNote(note, false); err != nil {
		return Entry{}, err
	}
	var (
		sets   []string
		args   []any
		detail string
	)
	if CorrectionGround(d.Reason) == CorrectInaccurate {
		if sets, args, detail, err = patchSQL(patch, c); err != nil {
			return Entry{}, err
		}
	}
	_, err = s.change(ctx, func(w *txw) error {
		d, err := w.lockDuty(dutyID, DutyCorrection)
		if err != nil {
			return err
		}
		c, err := w.current(d.EntryID)
		if err != nil {
			return err
		}
		if c.state != Active {
			return notActive(c)
		}
		switch CorrectionGround(d.Reason) {
		case CorrectWrongListing:
			if err := w.remove(c, RemoveRevoked, note, actor.Username); err != nil {
				return err
			}
			w.audit(auditEntry(actor, "credit.remove", entryObject(c.id), c.caseNumber, RemoveRevoked.Label()+"（"+RemoveRevoked.Article()+"）"))
		case CorrectCeased:
			if err := w.remove(c, RemoveCeased, note, actor.Username); err != nil {
				return err
			}
			w.audit(auditEntry(actor, "credit.remove", entryObject(c.id), c.caseNumber, RemoveCeased.Label()+"（"+RemoveCeased.Article()+"）"))
		default:
			if err := w.update(c.id, actor, sets, args, detail, note); err != nil {
				return err
			}
		}
		if err := w.closeDuty(dutyID, actor.Username, "corrected", note); err != nil {
			return err
		}
		if CorrectionGround(d.Reason) == CorrectWrongListing || CorrectionGround(d.Reason) == CorrectCeased {
			// The entry is off the list: no other duty on it can be done.
			return w.closeOpenDuties(c.id, actor.Username, "removed")
		}
		return nil
	})
	if err != nil {
		return Entry{}, err
	}
	return s.entry(ctx, d.EntryID)
}

// Repair is a credit repair (信用修复) record: what the debtor did to
// restore their credit (performed, made a credit commitment, completed
// training …) and what the court decided or certified.
type Repair struct {
	Measure string
	Note    string
}

// RecordRepair adds a credit repair record to an entry's history (S-CREDIT-2),
// active or removed, with an "update" change so followers refresh it. It
// does not by itself remove the entry: removal is Remove (often
// RemoveEarly, art. 2 para 2).
func (s *Store) RecordRepair(ctx context.Context, actor access.Principal, id int64, rp Repair) (Entry, error) {
	if _, err := s.manage(ctx, actor, id); err != nil {
		return Entry{}, err
	}
	measure, err := checkNote(rp.Measure, true)
	if err != nil {
		return Entry{}, err
	}
	note, err := checkNote(rp.Note, false)
	if err != nil {
		return Entry{}, err
	}
	_, err = s.change(ctx, func(w *txw) error {
		c, err := w.current(id)
		if err != nil {
			return err
		}
		v, err := w.record(id, OpUpdate)
		if err != nil {
			return err
		}
		if _, err := w.tx.ExecContext(w.ctx, `UPDATE credit_entries SET version = $1 WHERE id = $2`, int64(v), id); err != nil {
			return fmt.Errorf("record repair of entry %d: %w", id, err)
		}
		detail := "信用修复：" + measure
		detail = withNote(detail, note)
		return w.recorded(actor, id, c.caseNumber, "repaired", "S-CREDIT-2", "credit.repair", detail)
	})
	if err != nil {
		return Entry{}, err
	}
	return s.entry(ctx, id)
}

// OverdueRemovals lists the removal and correction duties of a court (its
// unit code) still open after their due time: what its leader must see
// (arts. 9, 10, 12). Oldest due first.
func (s *Store) OverdueRemovals(ctx context.Context, court string) ([]Duty, error) {
	return s.duties(ctx, `d.court_unit = $1 AND d.closed_at IS NULL AND d.kind IN ('removal', 'correction') AND d.due_at < $2`, court, s.clock())
}

// OverdueReviews lists a court's correction applications not reviewed
// within fifteen days (art. 12).
func (s *Store) OverdueReviews(ctx context.Context, court string) ([]Duty, error) {
	return s.duties(ctx, `d.court_unit = $1 AND d.closed_at IS NULL AND d.kind = 'correction_review' AND d.due_at < $2`, court, s.clock())
}

// OpenDuties lists every open duty of a court, soonest due first.
func (s *Store) OpenDuties(ctx context.Context, court string) ([]Duty, error) {
	return s.duties(ctx, `d.court_unit = $1 AND d.closed_at IS NULL`, court)
}

// Duties lists every duty of an entry, oldest first.
func (s *Store) Duties(ctx context.Context, entryID int64) ([]Duty, error) {
	return s.duties(ctx, `d.entry_id = $1`, entryID)
}

func (s *Store) duties(ctx context.Context, where string, args ...any) ([]Duty, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+dutyColumns+` FROM credit_duties d JOIN credit_entries e ON e.id = d.entry_id
		WHERE `+where+` ORDER BY d.due_at, d.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read duties: %w", err)
	}
	defer rows.Close()
	var out []Duty
	for rows.Next() {
		d, err := scanDuty(rows)
		if err != nil {
			return nil, fmt.Errorf("read duties: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// systemAudit is an audit entry for an act of the platform itself.
func systemAudit(action, object, caseNumber, detail string) audit.Entry {
	return audit.Entry{Username: systemUser, Source: "system", Role: "system", Action: action, Object: object,
		CaseNumber: caseNumber, Outcome: audit.OK, Detail: detail}
}
