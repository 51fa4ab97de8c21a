package matter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/connector"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/vehicle"
)

// Vehicle seal (车辆查封, S-VEH-1/2/3): the court sends the vehicle with its
// 协助执行通知书 (or 公函) and the handler's work certificate; the vehicle
// administration checks form only and accepts; from acceptance the seal is
// entered in the register and binds — in force at once, or waiting behind
// another court's seal (轮候查封) until that one is lifted or lapses. The
// register (internal/vehicle) keeps the order and the terms; this kind keeps
// the matter's timeline and clocks in step with it through automatic acts.
const (
	VehicleSealRequested State = "requested"
	VehicleSealWaiting   State = "waiting"
	VehicleSealInForce   State = "in_force"
	VehicleSealUnsealing State = "unsealing"
	VehicleSealLifted    State = "lifted"
	VehicleSealLapsed    State = "lapsed"
	VehicleSealWithdrawn State = "withdrawn"
)

// Actions of the vehicle seal kind.
const (
	ActionAcceptSeal     = "accept"
	ActionSealTakeEffect = "take_effect" // automatic
	ActionRenewSeal      = "renew_seal"
	ActionSealRenewed    = "renewed" // automatic
	ActionUnseal         = "unseal"
	ActionSealLifted     = "lifted" // automatic
	ActionSealLapse      = "lapse"  // automatic
	ActionWithdraw       = "withdraw"
	ActionRequestControl = "request_control"
)

var (
	vehicleSealOpen = []State{VehicleSealRequested, VehicleSealWaiting, VehicleSealInForce, VehicleSealUnsealing}
	vehicleSealAll  = append(append([]State(nil), vehicleSealOpen...), VehicleSealLifted, VehicleSealLapsed, VehicleSealWithdrawn)
	vehicleSealLive = []State{VehicleSealWaiting, VehicleSealInForce}
)

var vehicleSealKind = Kind{
	Name: "vehicle_seal", Label: "车辆查封", Clause: "S-VEH-2",
	Initial: VehicleSealRequested,
	States: []StateInfo{
		{VehicleSealRequested, "待车管所受理", false},
		{VehicleSealWaiting, "轮候查封", false},
		{VehicleSealInForce, "查封中", false},
		{VehicleSealUnsealing, "解封办理中", false},
		{VehicleSealLifted, "已解除查封", true},
		{VehicleSealLapsed, "期满失效", true},
		{VehicleSealWithdrawn, "已撤回", true},
	},
	AddressedTypes: []string{string(directory.VehicleAdmin)},
	CreateFields: []Field{
		{Name: "vehicle", Label: "号牌号码或车辆识别代号", Type: FieldText, Required: true, Hint: "如：豫P12345 或 17 位车辆识别代号（VIN）"},
		{Name: "owner", Label: "机动车所有人", Type: FieldText},
		{Name: "make_model", Label: "品牌型号", Type: FieldText},
		{Name: "colour", Label: "车身颜色", Type: FieldText},
		{Name: "term_months", Label: "查封期限（月）", Type: FieldNumber, Hint: "1 至 24 个月，不填为 24 个月（民诉法解释第四百八十五条）"},
		{Name: "notice_digest", Label: "协助执行通知书（公函）", Type: FieldDocument, Required: true},
		{Name: "ruling_digest", Label: "查封裁定书", Type: FieldDocument},
		{Name: "certificate_digest", Label: "承办人工作证", Type: FieldDocument, Required: true},
		{Name: "contact", Label: "承办人联系电话", Type: FieldText},
	},
	EffectsSide: Police,
	Effects:     vehicleSealEffects,
	Sweep:       vehicleSealSweep,
	Transitions: append([]Transition{
		{From: []State{NoState}, Action: ActionCreate, Label: "发起车辆查封", Side: Court, Roles: courtActors,
			To: VehicleSealRequested, Starts: []ClockID{ClockVehicleAccept}, Clause: "S-VEH-1", Validate: validateVehicleSeal},
		// Form only (S-VEH-1): the documents are there (the creation
		// requires them) and the vehicle is in the registry (the register
		// checks); there is no refusal — doubts go in a review suggestion.
		// Acceptance enters the seal in the register, where it waits until
		// nothing is in force ahead of it: with nothing ahead, the system's
		// take_effect follows in the same transaction.
		{From: []State{VehicleSealRequested}, Action: ActionAcceptSeal, Label: "受理查封", Side: Police, Roles: policeActors,
			To: VehicleSealWaiting, Stops: []ClockID{ClockVehicleAccept}, Clause: "S-VEH-1", Fields: noteForm,
			Confirm: "受理后查封即录入机动车登记系统并生效（或轮候），确认受理？"},
		{From: []State{VehicleSealWaiting}, Action: ActionSealTakeEffect, Label: "查封生效", Side: Police, System: true,
			To: VehicleSealInForce, Starts: []ClockID{ClockVehicleSealTerm, ClockVehicleRenewal}, Clause: "S-VEH-2"},
		{From: []State{VehicleSealInForce}, Action: ActionRenewSeal, Label: "续封", Side: Court, Roles: courtActors,
			Clause: "S-VEH-2", Validate: validateRenewSeal,
			Fields: []Field{
				{Name: "until", Label: "续封至", Type: FieldDate, Required: true, Hint: "自今日起不超过两年（民诉法解释第四百八十五条）"},
				{Name: "ruling_digest", Label: "续行查封裁定书", Type: FieldDocument, Required: true},
			}},
		{From: []State{VehicleSealInForce}, Action: ActionSealRenewed, Label: "续封登记", Side: Police, System: true,
			Starts: []ClockID{ClockVehicleSealTerm, ClockVehicleRenewal}, Clause: "S-VEH-2"},
		{From: []State{VehicleSealWaiting, VehicleSealInForce}, Action: ActionUnseal, Label: "解除查封", Side: Court, Roles: courtActors,
			To: VehicleSealUnsealing, Starts: []ClockID{ClockVehicleUnseal}, Clause: "S-VEH-3", Validate: validateUnseal,
			Fields: []Field{
				{Name: "notice_digest", Label: "解除查封协助执行通知书", Type: FieldDocument, Required: true},
				{Name: "reason", Label: "解封理由", Type: FieldTextarea},
			},
			Confirm: "解除查封后车辆即可办理登记业务，轮候查封将依次生效，确认解除？"},
		{From: []State{VehicleSealUnsealing}, Action: ActionSealLifted, Label: "解封登记完成", Side: Police, System: true,
			To: VehicleSealLifted, Stops: []ClockID{ClockVehicleUnseal}, Clause: "S-VEH-3"},
		{From: []State{VehicleSealInForce}, Action: ActionSealLapse, Label: "期满未续封，查封失效", Side: Police, System: true,
			To: VehicleSealLapsed, Clause: "S-VEH-2"},
		{From: []State{VehicleSealRequested}, Action: ActionWithdraw, Label: "撤回查封请求", Side: Court, Roles: courtActors,
			To: VehicleSealWithdrawn, Clause: "S-VEH-1", Validate: requireText("reason", "撤回理由", 2000),
			Fields: reasonForm("reason", "撤回理由")},
		// Control and interception of a sealed vehicle (S-VEH-4) is a
		// matter of its own, opened from the seal so that it ends with it.
		{From: vehicleSealLive, Action: ActionRequestControl, Label: "申请布控拦截", Side: Court, Roles: courtActors,
			Clause: "S-VEH-4", Opens: "vehicle_control", Validate: validateRequestControl,
			Fields: requestControlFields},
	}, reviewTransitions(vehicleSealOpen, vehicleSealAll)...),
}

// vehicleSealPayload is the creation payload.
type vehicleSealPayload struct {
	Vehicle      string `json:"vehicle"`
	TermMonths   int    `json:"term_months"`
	NoticeDigest string `json:"notice_digest"`
}

func validateVehicleSeal(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	v, err := text(m, "vehicle", "号牌号码或车辆识别代号", 40)
	if err != nil {
		return err
	}
	if v == "" {
		return apperr.Invalidf("vehicle", CodePayload, "请填写“号牌号码或车辆识别代号”")
	}
	if _, err := connector.ParseVehicleKey(v); err != nil {
		return apperr.Invalidf("vehicle", CodePayload, "号牌号码或车辆识别代号“%s”格式不正确，应如“豫P12345”或 17 位车辆识别代号", v)
	}
	if raw, ok := m["term_months"]; ok && string(raw) != "null" && string(raw) != `""` {
		if _, err := needInt(m, "term_months", "查封期限（月）", 1, vehicle.MaxTermMonths); err != nil {
			return err
		}
	}
	for _, f := range []struct{ name, label string }{{"notice_digest", "协助执行通知书（公函）"}, {"certificate_digest", "承办人工作证"}} {
		if err := needDigest(m, f.name, f.label); err != nil {
			return err
		}
	}
	for _, f := range []string{"owner", "make_model", "colour", "contact"} {
		if _, err := text(m, f, f, 100); err != nil {
			return err
		}
	}
	return nil
}

func validateRenewSeal(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if _, err := needDate(m, "until", "续封至"); err != nil {
		return err
	}
	return needDigest(m, "ruling_digest", "续行查封裁定书")
}

func validateUnseal(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if _, err := text(m, "reason", "解封理由", 2000); err != nil {
		return err
	}
	return needDigest(m, "notice_digest", "解除查封协助执行通知书")
}

func validateRequestControl(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "reason", "布控理由", 2000); err != nil {
		return err
	}
	if raw, ok := m["until"]; ok && string(raw) != "null" && string(raw) != `""` {
		if _, err := needDate(m, "until", "布控截止日期"); err != nil {
			return err
		}
	}
	return nil
}

// CodeNoRegister: the node has no vehicle register (a court-only node, or
// a deployment without the registry connector).
const CodeNoRegister = "matter.no_vehicle_register"

func register(en *Engine) (*vehicle.Register, error) {
	if en.cfg.Vehicles == nil {
		return nil, apperr.New(apperr.Unavailable, CodeNoRegister, "本节点未接入机动车登记系统，无法办理车辆查封")
	}
	return en.cfg.Vehicles, nil
}

// vehicleSealEffects keeps the register in step with the matter (S-VEH-2,
// S-VEH-3): acceptance enters the seal, an unseal lifts it at once and lets
// the next waiting seal take effect, a renewal extends it.
func vehicleSealEffects(ctx context.Context, fx *Effects) error {
	en := fx.Engine()
	m, e := fx.Matter, fx.Event
	switch e.Type {
	case ActionCreate:
		// The vehicle must be in the registry: say so to the court now,
		// not at acceptance. A creation received from the court's node is
		// already recorded there: refusing it here would block the link;
		// an unknown vehicle surfaces at acceptance instead.
		if fx.Received {
			return nil
		}
		reg, err := register(en)
		if err != nil {
			return err
		}
		var p vehicleSealPayload
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return fmt.Errorf("vehicle seal %d: payload: %w", m.ID, err)
		}
		if _, err := reg.Registry().Vehicle(ctx, p.Vehicle); err != nil {
			if connector.IsNotFound(err) {
				return apperr.Invalidf("vehicle", vehicle.CodeNotFound, "机动车登记系统中没有该车辆（%s），请核对号牌号码或车辆识别代号", p.Vehicle)
			}
			return fmt.Errorf("vehicle seal: look up %s: %w", p.Vehicle, err)
		}
	case ActionAcceptSeal:
		reg, err := register(en)
		if err != nil {
			return err
		}
		create, err := fx.CreationPayload(ctx)
		if err != nil {
			return err
		}
		var p vehicleSealPayload
		if err := json.Unmarshal(create, &p); err != nil {
			return fmt.Errorf("vehicle seal %d: creation payload: %w", m.ID, err)
		}
		court, err := en.dir.Unit(ctx, m.CourtUnit)
		if err != nil {
			return fmt.Errorf("vehicle seal %d: court %s: %w", m.ID, m.CourtUnit, err)
		}
		// Accept ends a seal ahead whose term ran out before the tick did
		// (art. 27); lapse such seals here first, with their matters' acts,
		// so no matter is left in force on a seal the register ended.
		lapsed, err := reg.LapseDue(ctx, fx.Tx, e.At)
		if err != nil {
			return err
		}
		if len(lapsed) > 0 {
			fx.AfterCommit(func(ctx context.Context) { reg.Committed(ctx, vehicle.Ended(lapsed...)...) })
			if err := lapseActs(fx, lapsed); err != nil {
				return err
			}
		}
		s, err := reg.Accept(ctx, fx.Tx, vehicle.SealRequest{Vehicle: p.Vehicle, CourtUnit: m.CourtUnit, CourtName: court.Name,
			CaseNumber: m.CaseNumber, MatterID: m.ID, DocumentDigest: p.NoticeDigest, TermMonths: p.TermMonths}, e.At)
		if err != nil {
			return err
		}
		fx.AfterCommit(func(ctx context.Context) { reg.Committed(ctx, s) })
		if s.State == vehicle.InForce {
			return takeEffect(fx, s, false)
		}
		return nil
	case ActionRenewSeal:
		reg, err := register(en)
		if err != nil {
			return err
		}
		var p struct {
			Until string `json:"until"`
		}
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return fmt.Errorf("vehicle seal %d: renew payload: %w", m.ID, err)
		}
		day, err := time.ParseInLocation(time.DateOnly, p.Until, china)
		if err != nil {
			return apperr.Invalidf("until", CodePayload, "“续封至”应为日期，如 2027-03-03")
		}
		s, err := sealOf(ctx, fx, reg)
		if err != nil {
			return err
		}
		// The new term ends at the same time of day the seal took effect,
		// on the day the ruling names.
		eff := s.EffectiveAt.In(china)
		until := time.Date(day.Year(), day.Month(), day.Day(), eff.Hour(), eff.Minute(), eff.Second(), 0, china)
		s, err = reg.Renew(ctx, fx.Tx, s.ID, until, e.At)
		if err != nil {
			return err
		}
		fx.AfterCommit(func(ctx context.Context) { reg.Committed(ctx, s) })
		return fx.System(m.ID, ActionSealRenewed, sealFacts(s), sealDues(en, s))
	case ActionUnseal:
		reg, err := register(en)
		if err != nil {
			return err
		}
		s, err := sealOf(ctx, fx, reg)
		if err != nil {
			return err
		}
		ch, err := reg.Lift(ctx, fx.Tx, s.ID, e.At)
		if err != nil {
			return err
		}
		fx.AfterCommit(func(ctx context.Context) { reg.Committed(ctx, ch.Ended) })
		if err := fx.System(m.ID, ActionSealLifted, sealFacts(ch.Ended), nil); err != nil {
			return err
		}
		if ch.Promoted != nil {
			return takeEffect(fx, *ch.Promoted, true)
		}
		return nil
	case ActionSealTakeEffect:
		var p struct {
			Promoted bool `json:"promoted"`
		}
		if err := json.Unmarshal(e.Payload, &p); err != nil || !p.Promoted {
			return err
		}
		// A waiting seal took effect because the one ahead ended: its court
		// is told (轮候查封 自动生效).
		reg, err := register(en)
		if err != nil {
			return err
		}
		s, err := sealOf(ctx, fx, reg)
		if err != nil {
			return err
		}
		return fx.Notify(m.ID, m.Officer, fmt.Sprintf("【轮候查封生效】%s 车辆 %s：排在前面的查封已结束，本院轮候查封已于 %s 自动生效，期限至 %s",
			m.CaseNumber, s.Plate, s.EffectiveAt.In(china).Format("2006-01-02 15:04"), s.ExpiresAt.In(china).Format("2006-01-02")))
	case ActionSealLifted, ActionSealLapse:
		// Control and interception end with the seal (S-VEH-4).
		return endControls(ctx, fx, m.ID)
	}
	return nil
}

// systemQueue is what both Effects and Sweep offer.
type systemQueue interface {
	System(matterID int64, action string, payload any, dues map[ClockID]time.Time) error
	Engine() *Engine
}

// takeEffect queues the automatic act that puts seal s in force on its
// matter, with the term's end from the register. promoted marks a waiting
// seal that took effect because the one ahead ended.
func takeEffect(q systemQueue, s vehicle.Seal, promoted bool) error {
	if s.MatterID == 0 {
		return nil
	}
	f := sealFacts(s)
	if promoted {
		f["promoted"] = true
	}
	return q.System(s.MatterID, ActionSealTakeEffect, f, sealDues(q.Engine(), s))
}

// sealFacts is what an automatic act's payload records of the seal.
func sealFacts(s vehicle.Seal) map[string]any {
	f := map[string]any{"seal_id": s.ID, "vin": s.VIN, "plate": s.Plate, "state": string(s.State), "queue_position": s.QueuePos}
	if !s.EffectiveAt.IsZero() {
		f["effective_at"] = s.EffectiveAt.In(china).Format(time.RFC3339)
		f["expires_at"] = s.ExpiresAt.In(china).Format(time.RFC3339)
	}
	return f
}

// sealDues: the term ends when the register says; the renewal reminder
// falls its configured number of days before.
func sealDues(en *Engine, s vehicle.Seal) map[ClockID]time.Time {
	lead := 30
	if r, err := en.cfg.Clock(ClockVehicleRenewal); err == nil {
		lead = r.N
	}
	remind := s.ExpiresAt.AddDate(0, 0, -lead)
	if remind.Before(s.EffectiveAt) {
		remind = s.EffectiveAt
	}
	return map[ClockID]time.Time{ClockVehicleSealTerm: db.Time(s.ExpiresAt), ClockVehicleRenewal: db.Time(remind)}
}

// sealOf finds the live seal the matter entered.
func sealOf(ctx context.Context, fx *Effects, reg *vehicle.Register) (vehicle.Seal, error) {
	s, err := reg.OfMatter(ctx, fx.Tx, fx.Matter.ID)
	if errors.Is(err, vehicle.ErrNoSeal) {
		return vehicle.Seal{}, apperr.New(apperr.Conflict, CodeState, "查封登记簿中没有本事项的有效查封")
	}
	return s, err
}

// endControls ends the open control matters a seal opened.
func endControls(ctx context.Context, fx *Effects, sealMatter int64) error {
	rows, err := fx.Tx.QueryContext(ctx, `SELECT id FROM matters WHERE parent_id = $1 AND kind = 'vehicle_control' AND terminal = FALSE AND state IN ('requested', 'controlled')`, sealMatter)
	if err != nil {
		return fmt.Errorf("controls of seal matter %d: %w", sealMatter, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if err := fx.System(id, ActionEndControl, map[string]any{"reason": "查封已结束，布控随之撤销"}, nil); err != nil {
			return err
		}
	}
	return nil
}

// vehicleSealSweep lapses seals whose term ended (查封扣押冻结规定 art. 27)
// and puts the next waiting seal in force on its matter.
func vehicleSealSweep(ctx context.Context, sw *Sweep) error {
	reg, err := register(sw.Engine())
	if err != nil {
		return nil // no register on this node: nothing to lapse
	}
	changes, err := reg.LapseDue(ctx, sw.Tx, sw.Now)
	if err != nil {
		return err
	}
	if len(changes) == 0 {
		return nil
	}
	sw.AfterCommit(func(ctx context.Context) { reg.Committed(ctx, vehicle.Ended(changes...)...) })
	return lapseActs(sw, changes)
}

// lapseActs queues each lapsed seal's lapse and the promoted seal's
// take_effect on their matters.
func lapseActs(q systemQueue, changes []vehicle.Change) error {
	for _, ch := range changes {
		if ch.Ended.MatterID != 0 {
			if err := q.System(ch.Ended.MatterID, ActionSealLapse, sealFacts(ch.Ended), nil); err != nil {
				return err
			}
		}
		if p := ch.Promoted; p != nil {
			if err := takeEffect(q, *p, true); err != nil {
				return err
			}
		}
	}
	return nil
}
