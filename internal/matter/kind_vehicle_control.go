package matter

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/connector"
	"liandong/internal/directory"
)

// Vehicle control and interception (布控拦截, S-VEH-4) and the handover of
// the intercepted vehicle (S-VEH-5). Opened from a live seal by the court
// (ActionRequestControl), addressed to the same traffic police unit; it
// stays in force until the vehicle is taken over or the seal ends, when the
// system ends it. A checkpoint or camera system reports the interception
// through the API; the court must then take the vehicle over at once, or a
// court of the interception place takes it over on its behalf (代为接收).
const (
	ControlRequested   State = "requested"
	ControlActive      State = "controlled"
	ControlIntercepted State = "intercepted"
	ControlDelegated   State = "delegated"
	ControlTaken       State = "taken_over"
	ControlEnded       State = "ended"
	ControlWithdrawn   State = "withdrawn"
)

// Actions of the control kind.
const (
	ActionPutUnderControl = "put_under_control"
	ActionIntercept       = "intercept"
	ActionReceiveVehicle  = "receive_vehicle"
	ActionEndControl      = "end_control" // automatic: the seal ended
)

var (
	controlOpen = []State{ControlRequested, ControlActive, ControlIntercepted, ControlDelegated}
	controlAll  = append(append([]State(nil), controlOpen...), ControlTaken, ControlEnded, ControlWithdrawn)
	// Taking a vehicle over is the officers' or the judicial police's work.
	vehicleTakers = []directory.Role{directory.CourtOfficer, directory.CourtLeader, directory.JudicialPolice}
)

var vehicleControlKind = Kind{
	Name: "vehicle_control", Label: "车辆布控拦截", Clause: "S-VEH-4",
	Initial: ControlRequested,
	States: []StateInfo{
		{ControlRequested, "待布控", false},
		{ControlActive, "布控中", false},
		{ControlIntercepted, "已拦截待接收", false},
		{ControlDelegated, "已委托当地法院接收", false},
		{ControlTaken, "车辆已接收", true},
		{ControlEnded, "布控已撤销（查封结束）", true},
		{ControlWithdrawn, "已撤回", true},
	},
	// Never created directly: a seal's request_control opens it, with
	// these fields.
	AddressedTypes: nil,
	CreateFields:   requestControlFields,
	EffectsSide:    Police,
	Transitions: append([]Transition{
		{From: []State{NoState}, Action: ActionCreate, Label: "申请布控拦截", Side: Court, Roles: courtActors,
			To: ControlRequested, Starts: []ClockID{ClockVehicleControl}, Clause: "S-VEH-4", Validate: validateRequestControl},
		{From: []State{ControlRequested}, Action: ActionPutUnderControl, Label: "布控", Side: Police, Roles: policeActors,
			To: ControlActive, Stops: []ClockID{ClockVehicleControl}, Clause: "S-VEH-4", Fields: noteForm},
		// A checkpoint, patrol or camera system reports it (the API takes
		// it by plate, Engine.ReportInterception); the court must come.
		{From: []State{ControlActive}, Action: ActionIntercept, Label: "报告拦截", Side: Police, Roles: policeActors,
			To: ControlIntercepted, Starts: []ClockID{ClockVehicleTakeover}, Clause: "S-VEH-5", Validate: validateIntercept,
			Fields: interceptFields},
		{From: []State{ControlIntercepted}, Action: ActionDelegate, Label: "委托当地法院代为接收", Side: Court, Roles: courtActors,
			To: ControlDelegated, Clause: "S-VEH-5", Delegates: true, Validate: validateVehicleDelegate,
			Fields: []Field{
				{Name: "court", Label: "受托法院", Type: FieldUnit, Required: true, UnitTypes: []string{string(directory.IntermediateCourt), string(directory.BasicCourt)}},
				{Name: "letter_digest", Label: "委托接收函", Type: FieldDocument, Hint: "本操作即为电子委托；另有纸质委托函的可上传"},
				{Name: "note", Label: "说明", Type: FieldTextarea},
			}},
		{From: []State{ControlIntercepted, ControlDelegated}, Action: ActionReceiveVehicle, Label: "接收车辆", Side: Court, Roles: vehicleTakers,
			To: ControlTaken, Stops: []ClockID{ClockVehicleTakeover}, Clause: "S-VEH-5", Validate: validateVehicleHandover,
			Fields:  vehicleHandoverFields,
			Confirm: "确认已当面点验车辆、行驶证和钥匙并签署车辆移交单？"},
		{From: []State{ControlRequested, ControlActive}, Action: ActionEndControl, Label: "查封结束，撤销布控", Side: Police, System: true,
			To: ControlEnded, Clause: "S-VEH-4"},
		{From: []State{ControlRequested, ControlActive}, Action: ActionWithdraw, Label: "撤回布控请求", Side: Court, Roles: courtActors,
			To: ControlWithdrawn, Clause: "S-VEH-4", Validate: requireText("reason", "撤回理由", 2000),
			Fields: reasonForm("reason", "撤回理由")},
	}, reviewTransitions(controlOpen, controlAll)...),
}

var requestControlFields = []Field{
	{Name: "reason", Label: "布控理由", Type: FieldTextarea, Required: true, Hint: "如：被执行人拒不交出车辆"},
	{Name: "until", Label: "布控截止日期", Type: FieldDate, Hint: "不填则至车辆被扣押或查封结束"},
}

var interceptFields = []Field{
	{Name: "place", Label: "拦截地点", Type: FieldText, Required: true, Hint: "如：周口市川汇区七一路与八一大道交叉口卡口"},
	{Name: "intercepted_at", Label: "拦截时间", Type: FieldDateTime, Required: true},
	{Name: "unit", Label: "拦截单位", Type: FieldText, Required: true, Hint: "如：川汇区交警大队一中队"},
	{Name: "plate_read", Label: "识别号牌", Type: FieldText, Hint: "卡口或摄像机识别的号牌"},
	{Name: "contact", Label: "现场联系人及电话", Type: FieldText},
	{Name: "note", Label: "车辆停放位置及情况", Type: FieldTextarea},
}

func validateIntercept(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	for _, f := range []struct{ name, label string }{{"place", "拦截地点"}, {"unit", "拦截单位"}} {
		if err := needText(m, f.name, f.label, 200); err != nil {
			return err
		}
	}
	if _, err := needTime(m, "intercepted_at", "拦截时间"); err != nil {
		return err
	}
	for _, f := range []string{"plate_read", "contact"} {
		if _, err := text(m, f, f, 100); err != nil {
			return err
		}
	}
	_, err = text(m, "note", "车辆停放位置及情况", 2000)
	return err
}

func validateVehicleDelegate(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "court", "受托法院", 64); err != nil {
		return err
	}
	if _, ok := m["letter_digest"]; ok {
		return needDigest(m, "letter_digest", "委托接收函")
	}
	return nil
}

// The 车辆移交单 (FLOWS: vehicle, licence, keys, odometer, condition) and
// the 扣押清单's engine number.
var vehicleHandoverFields = []Field{
	{Name: "received_at", Label: "接收时间", Type: FieldDateTime, Required: true},
	{Name: "place", Label: "接收地点", Type: FieldText, Required: true},
	{Name: "handed_over_by", Label: "移交民警", Type: FieldText, Required: true},
	{Name: "plate", Label: "号牌号码", Type: FieldText, Required: true},
	{Name: "vin", Label: "车辆识别代号", Type: FieldText},
	{Name: "engine_number", Label: "发动机号", Type: FieldText},
	{Name: "licence", Label: "随车移交行驶证", Type: FieldBool},
	{Name: "keys", Label: "钥匙数量", Type: FieldNumber, Required: true},
	{Name: "odometer_km", Label: "里程表读数（公里）", Type: FieldNumber, Required: true},
	{Name: "condition", Label: "车况（外观、损伤、随车物品）", Type: FieldTextarea, Required: true},
	{Name: "form_digest", Label: "车辆移交单", Type: FieldDocument},
}

func validateVehicleHandover(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if _, err := needTime(m, "received_at", "接收时间"); err != nil {
		return err
	}
	for _, f := range []struct{ name, label string }{{"place", "接收地点"}, {"handed_over_by", "移交民警"}, {"plate", "号牌号码"}, {"condition", "车况"}} {
		if err := needText(m, f.name, f.label, 2000); err != nil {
			return err
		}
	}
	if _, err := needInt(m, "keys", "钥匙数量", 0, 20); err != nil {
		return err
	}
	if _, err := needInt(m, "odometer_km", "里程表读数（公里）", 0, 5_000_000); err != nil {
		return err
	}
	if raw, ok := m["licence"]; ok {
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return apperr.Invalidf("licence", CodePayload, "“随车移交行驶证”应为是或否")
		}
	}
	return nil
}

// CodeNoControl: an interception report names a vehicle no control is in
// force for.
const CodeNoControl = "matter.no_control"

// ReportInterception is how a checkpoint or camera system reports an
// interception (S-VEH-4/5): by the plate or VIN it read, not by matter. It
// acts `intercept` on every control in force for that vehicle that pr's
// unit may act on, and returns them; none is NotFound (CodeNoControl).
func (en *Engine) ReportInterception(ctx context.Context, pr access.Principal, vehicleKey string, payload json.RawMessage) ([]Matter, error) {
	reg, err := register(en)
	if err != nil {
		return nil, err
	}
	key, err := connector.ParseVehicleKey(vehicleKey)
	if err != nil {
		return nil, apperr.Invalidf("vehicle", CodePayload, "号牌号码或车辆识别代号“%s”格式不正确", strings.TrimSpace(vehicleKey))
	}
	file, err := reg.File(ctx, key.String())
	if err != nil {
		if apperr.IsNotFound(err) {
			return nil, &apperr.Error{Kind: apperr.NotFound, Code: CodeNoControl, Field: "vehicle", Message: "该车辆没有在布控中的拦截请求"}
		}
		return nil, fmt.Errorf("report interception of %s: %w", vehicleKey, err)
	}
	var out []Matter
	for _, s := range file.Seals {
		if !s.State.Live() || s.MatterID == 0 {
			continue
		}
		rows, err := en.db.Read().QueryContext(ctx, `SELECT id FROM matters WHERE parent_id = $1 AND kind = 'vehicle_control' AND state = 'controlled'`, s.MatterID)
		if err != nil {
			return nil, fmt.Errorf("report interception: controls of matter %d: %w", s.MatterID, err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			m, _, err := en.Act(ctx, pr, id, ActionIntercept, 0, payload, nil)
			if err != nil {
				if k := apperr.KindOf(err); k == apperr.Forbidden || k == apperr.NotFound {
					continue // another unit's control: not this reporter's to act on
				}
				return out, err
			}
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil, &apperr.Error{Kind: apperr.NotFound, Code: CodeNoControl, Field: "vehicle", Message: "该车辆没有本单位可办理的在控布控请求"}
	}
	return out, nil
}
