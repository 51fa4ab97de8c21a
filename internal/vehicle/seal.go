package vehicle

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/connector"
	"liandong/internal/db"
	"liandong/internal/ident"
	"liandong/internal/workday"
)

var cst = workday.Location()

const sealColumns = `id, vin, plate, court_unit, court_name, case_number, matter_id, document_digest, state, queue_pos, term_months,
	accepted_at, effective_at, expires_at, ended_at, end_reason, renewals, registry_state, registry_expires, registry_at, registry_error`

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// query reads seals; where is the rest of the statement after FROM.
func (r *Register) query(ctx context.Context, q querier, where string, args ...any) ([]Seal, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+sealColumns+` FROM vehicle_seals `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Seal
	for rows.Next() {
		var (
			s                              Seal
			matter                         sql.NullInt64
			eff, exp, ended, regExp, regAt sql.NullTime
			state, regState                string
			term, renewals                 int64
		)
		if err := rows.Scan(&s.ID, &s.VIN, &s.Plate, &s.CourtUnit, &s.CourtName, &s.CaseNumber, &matter, &s.DocumentDigest, &state, &s.QueuePos, &term,
			&s.AcceptedAt, &eff, &exp, &ended, &s.EndReason, &renewals, &regState, &regExp, &regAt, &s.Registry.Error); err != nil {
			return nil, err
		}
		s.MatterID, s.State, s.TermMonths, s.Renewals, s.Registry.State = matter.Int64, State(state), int(term), int(renewals), regState
		s.AcceptedAt = db.Time(s.AcceptedAt)
		s.EffectiveAt, s.ExpiresAt, s.EndedAt = nullTime(eff), nullTime(exp), nullTime(ended)
		s.Registry.Expires, s.Registry.At = nullTime(regExp), nullTime(regAt)
		out = append(out, s)
	}
	return out, rows.Err()
}

func nullTime(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return db.Time(t.Time)
}

func nullable(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return db.Time(t)
}

// lockFile takes the vehicle's row lock (PostgreSQL; SQLite's single
// writer already serializes) so that acts on one vehicle queue.
func lockFile(ctx context.Context, tx *sql.Tx, vin string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE vehicle_files SET last_pos = last_pos WHERE vin = $1`, vin); err != nil {
		return fmt.Errorf("lock vehicle file: %w", err)
	}
	return nil
}

// get reads one seal in tx.
func (r *Register) get(ctx context.Context, tx *sql.Tx, id int64) (Seal, error) {
	seals, err := r.query(ctx, tx, `WHERE id = $1`, id)
	if err != nil {
		return Seal{}, fmt.Errorf("read seal %d: %w", id, err)
	}
	if len(seals) == 0 {
		return Seal{}, &apperr.Error{Kind: apperr.NotFound, Code: CodeSealNotFound, Message: fmt.Sprintf("查封登记簿中没有编号为 %d 的查封", id)}
	}
	return seals[0], nil
}

// lockSeal reads a seal's vehicle, locks the vehicle and reads the seal
// again under the lock.
func (r *Register) lockSeal(ctx context.Context, tx *sql.Tx, id int64) (Seal, error) {
	s, err := r.get(ctx, tx, id)
	if err != nil {
		return Seal{}, err
	}
	if err := lockFile(ctx, tx, s.VIN); err != nil {
		return Seal{}, err
	}
	return r.get(ctx, tx, id)
}

// Get returns one seal as committed.
func (r *Register) Get(ctx context.Context, id int64) (Seal, error) {
	seals, err := r.query(ctx, r.db.Read(), `WHERE id = $1`, id)
	if err != nil {
		return Seal{}, fmt.Errorf("read seal %d: %w", id, err)
	}
	if len(seals) == 0 {
		return Seal{}, &apperr.Error{Kind: apperr.NotFound, Code: CodeSealNotFound, Message: fmt.Sprintf("查封登记簿中没有编号为 %d 的查封", id)}
	}
	return seals[0], nil
}

// validate checks a request and fills its defaults.
func (req *SealRequest) validate(at time.Time) error {
	req.CourtUnit = strings.TrimSpace(req.CourtUnit)
	if req.CourtUnit == "" {
		return invalidf("court_unit", "请注明实施查封的法院")
	}
	if req.CourtName = strings.TrimSpace(req.CourtName); req.CourtName == "" {
		req.CourtName = req.CourtUnit
	}
	cn, err := ident.ParseCaseNumberAt(req.CaseNumber, at)
	if err != nil {
		return invalidf("case_number", "案号有误：%v", err)
	}
	if !cn.IsEnforcement() {
		return invalidf("case_number", "查封车辆须为执行类案件（执、执恢、执保等），案号 %s 是%s", cn.String(), cn.TypeName())
	}
	req.CaseNumber = cn.String()
	req.DocumentDigest = strings.ToLower(strings.TrimSpace(req.DocumentDigest))
	if !isDigest(req.DocumentDigest) {
		return invalidf("document_digest", "须附协助执行通知书（SM3 摘要应为 64 位十六进制）")
	}
	if req.TermMonths == 0 {
		req.TermMonths = MaxTermMonths
	}
	if req.TermMonths < 1 || req.TermMonths > MaxTermMonths {
		return invalidf("term_months", "查封期限应为 1 至 %d 个月：查封、扣押动产的期限不得超过两年（民诉法解释第四百八十五条）", MaxTermMonths)
	}
	if req.MatterID < 0 {
		return invalidf("matter_id", "事项编号有误")
	}
	return nil
}

func isDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Accept enters a court's seal at time at (S-VEH-2: the seal binds from
// acceptance). With no seal in force on the vehicle it takes effect at
// once for its term; otherwise it waits in order of acceptance (轮候查封,
// 查封扣押冻结规定 art. 26). Two courts sealing one vehicle at once end up
// one in force and one waiting: Accept takes the vehicle's row lock before
// it reads the seals. The vehicle is looked up in the registry to fix its
// VIN and plate.
func (r *Register) Accept(ctx context.Context, tx *sql.Tx, req SealRequest, at time.Time) (Seal, error) {
	at = db.Time(at)
	if err := req.validate(at); err != nil {
		return Seal{}, err
	}
	v, err := r.reg.Vehicle(ctx, req.Vehicle)
	if connector.IsNotFound(err) {
		return Seal{}, &apperr.Error{Kind: apperr.NotFound, Code: CodeNotFound, Field: "vehicle",
			Message: "机动车登记系统中没有该车辆（" + strings.TrimSpace(req.Vehicle) + "），请核对号牌号码或车辆识别代号", Err: err}
	}
	if err != nil {
		return Seal{}, fmt.Errorf("accept seal: look up vehicle: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO vehicle_files (vin, plate, last_pos, created_at) VALUES ($1, $2, 0, $3) ON CONFLICT (vin) DO NOTHING`,
		v.VIN, v.Plate, at); err != nil {
		return Seal{}, fmt.Errorf("accept seal: vehicle file: %w", err)
	}
	var pos int64
	if err := tx.QueryRowContext(ctx, `UPDATE vehicle_files SET last_pos = last_pos + 1, plate = $2 WHERE vin = $1 RETURNING last_pos`,
		v.VIN, v.Plate).Scan(&pos); err != nil {
		return Seal{}, fmt.Errorf("accept seal: lock vehicle file: %w", err)
	}
	// A seal whose term has run out no longer binds (art. 27) even if
	// LapseDue has not run yet: end it first, so this one queues behind
	// what really is in force.
	if _, err := r.lapseVehicle(ctx, tx, v.VIN, at); err != nil {
		return Seal{}, err
	}
	var inForce int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vehicle_seals WHERE vin = $1 AND state = 'in_force'`, v.VIN).Scan(&inForce); err != nil {
		return Seal{}, fmt.Errorf("accept seal: read seals in force: %w", err)
	}
	state, eff, exp := Waiting, time.Time{}, time.Time{}
	if inForce == 0 {
		state, eff, exp = InForce, at, addMonths(at, req.TermMonths)
	}
	var matter any
	if req.MatterID != 0 {
		matter = req.MatterID
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO vehicle_seals (vin, plate, court_unit, court_name, case_number, matter_id, document_digest, state, queue_pos, term_months,
			accepted_at, effective_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		v.VIN, v.Plate, req.CourtUnit, req.CourtName, req.CaseNumber, matter, req.DocumentDigest, string(state), pos, req.TermMonths,
		at, nullable(eff), nullable(exp)).Scan(&id)
	if err != nil {
		if db.IsForeignKeyViolation(err) {
			return Seal{}, invalidf("matter_id", "事项 %d 不存在", req.MatterID)
		}
		return Seal{}, fmt.Errorf("accept seal: insert: %w", err)
	}
	return r.get(ctx, tx, id)
}

// Lift ends a seal by the court's unseal notice at time at (S-VEH-3: at
// once). Lifting the seal in force lets the earliest waiting seal take
// effect at the same moment, its term starting then (查封扣押冻结规定
// art. 26); lifting a waiting seal takes it out of the queue. A lifted or
// lapsed seal, or one whose term already ran out, is a Conflict.
func (r *Register) Lift(ctx context.Context, tx *sql.Tx, sealID int64, at time.Time) (Change, error) {
	at = db.Time(at)
	s, err := r.lockSeal(ctx, tx, sealID)
	if err != nil {
		return Change{}, err
	}
	if err := endedError(s, "解除"); err != nil {
		return Change{}, err
	}
	if s.State == InForce && !at.Before(s.ExpiresAt) {
		return Change{}, conflict(CodeSealLapsed, "该查封已于 %s 期满，未办理续封，效力已消灭（查封扣押冻结规定第二十七条），无需解除", day(s.ExpiresAt))
	}
	if err := r.end(ctx, tx, s.ID, Lifted, at, "解除查封"); err != nil {
		return Change{}, err
	}
	ch := Change{}
	if ch.Ended, err = r.get(ctx, tx, s.ID); err != nil {
		return Change{}, err
	}
	if s.State == InForce {
		if ch.Promoted, err = r.promote(ctx, tx, s.VIN, at); err != nil {
			return Change{}, err
		}
	}
	return ch, nil
}

func endedError(s Seal, act string) error {
	switch s.State {
	case Lifted:
		return conflict(CodeSealEnded, "该查封已于 %s 解除，不能再%s", day(s.EndedAt), act)
	case Lapsed:
		return conflict(CodeSealEnded, "该查封已于 %s 期满失效，不能再%s", day(s.EndedAt), act)
	}
	return nil
}

func (r *Register) end(ctx context.Context, tx *sql.Tx, id int64, state State, at time.Time, reason string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE vehicle_seals SET state = $1, ended_at = $2, end_reason = $3 WHERE id = $4`,
		string(state), at, reason, id); err != nil {
		return fmt.Errorf("end seal %d: %w", id, err)
	}
	return nil
}

// promote lets the earliest waiting seal of vin take effect at from.
func (r *Register) promote(ctx context.Context, tx *sql.Tx, vin string, from time.Time) (*Seal, error) {
	waiting, err := r.query(ctx, tx, `WHERE vin = $1 AND state = 'waiting' ORDER BY queue_pos LIMIT 1`, vin)
	if err != nil {
		return nil, fmt.Errorf("read waiting seals: %w", err)
	}
	if len(waiting) == 0 {
		return nil, nil
	}
	w := waiting[0]
	if _, err := tx.ExecContext(ctx, `UPDATE vehicle_seals SET state = 'in_force', effective_at = $1, expires_at = $2 WHERE id = $3`,
		from, addMonths(from, w.TermMonths), w.ID); err != nil {
		return nil, fmt.Errorf("promote seal %d: %w", w.ID, err)
	}
	p, err := r.get(ctx, tx, w.ID)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Renew extends the seal in force to until (续行查封), decided at at. The
// renewal must come before the term ends (民诉法解释 art. 485: 届满前办理),
// must extend it, and may reach at most two years past at: the stricter
// reading of "续行期限不得超过前款规定的期限" (docs/vehicles.md).
func (r *Register) Renew(ctx context.Context, tx *sql.Tx, sealID int64, until time.Time, at time.Time) (Seal, error) {
	at, until = db.Time(at), db.Time(until)
	s, err := r.lockSeal(ctx, tx, sealID)
	if err != nil {
		return Seal{}, err
	}
	if err := endedError(s, "续封"); err != nil {
		return Seal{}, err
	}
	if s.State == Waiting {
		return Seal{}, conflict(CodeSealWaiting, "该查封为轮候查封，尚未生效，不能续封；排在前面的查封解除或失效后自动生效")
	}
	if !at.Before(s.ExpiresAt) {
		return Seal{}, conflict(CodeSealLapsed, "该查封已于 %s 期满，续封须在期限届满前办理（民诉法解释第四百八十五条），可重新查封", day(s.ExpiresAt))
	}
	if !until.After(s.ExpiresAt) {
		return Seal{}, conflict(CodeRenewEarlier, "续封后的期限应晚于现有期限（%s）", day(s.ExpiresAt))
	}
	if limit := addMonths(at, MaxTermMonths); until.After(limit) {
		return Seal{}, conflict(CodeRenewTooLong, "续封期限不得超过两年（民诉法解释第四百八十五条），本次最迟至 %s", day(limit))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE vehicle_seals SET expires_at = $1, renewals = renewals + 1 WHERE id = $2`, until, s.ID); err != nil {
		return Seal{}, fmt.Errorf("renew seal %d: %w", s.ID, err)
	}
	return r.get(ctx, tx, s.ID)
}

// LapseDue ends every seal in force whose term ended at or before now
// (查封扣押冻结规定 art. 27) and lets the earliest waiting seal of each
// vehicle take effect at the moment the term ended (art. 26: 自动生效).
// A promoted seal whose own term also ended by now lapses in turn.
func (r *Register) LapseDue(ctx context.Context, tx *sql.Tx, now time.Time) ([]Change, error) {
	now = db.Time(now)
	var out []Change
	for {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT vin FROM vehicle_seals WHERE state = 'in_force' AND expires_at <= $1 ORDER BY vin LIMIT 500`, now)
		if err != nil {
			return out, fmt.Errorf("lapse due seals: %w", err)
		}
		var vins []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return out, fmt.Errorf("lapse due seals: %w", err)
			}
			vins = append(vins, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, fmt.Errorf("lapse due seals: %w", err)
		}
		if len(vins) == 0 {
			return out, nil
		}
		for _, v := range vins {
			if err := lockFile(ctx, tx, v); err != nil {
				return out, err
			}
			chs, err := r.lapseVehicle(ctx, tx, v, now)
			if err != nil {
				return out, err
			}
			out = append(out, chs...)
		}
	}
}

// lapseVehicle lapses vin's seals whose term ended by now, in turn. The
// caller holds the vehicle's lock.
func (r *Register) lapseVehicle(ctx context.Context, tx *sql.Tx, vin string, now time.Time) ([]Change, error) {
	var out []Change
	for {
		due, err := r.query(ctx, tx, `WHERE vin = $1 AND state = 'in_force' AND expires_at <= $2`, vin, now)
		if err != nil {
			return out, fmt.Errorf("read due seals of a vehicle: %w", err)
		}
		if len(due) == 0 {
			return out, nil
		}
		s := due[0]
		if err := r.end(ctx, tx, s.ID, Lapsed, s.ExpiresAt, "期满未续封"); err != nil {
			return out, err
		}
		ch := Change{}
		if ch.Ended, err = r.get(ctx, tx, s.ID); err != nil {
			return out, err
		}
		if ch.Promoted, err = r.promote(ctx, tx, vin, s.ExpiresAt); err != nil {
			return out, err
		}
		out = append(out, ch)
	}
}
