package matter

import (
	"encoding/json"
	"net/url"
	"strconv"

	"liandong/internal/apperr"
	"liandong/internal/directory"
)

// Dispatch on violent resistance (出警, S-ASSIST-3): a court officer in the
// field raises it from a phone with the place and the situation; the
// command centre (110 / 指挥中心) acknowledges, dispatches, arrives and
// deals with it; what happened may become a 妨害公务 or 拒执 case. The
// response times are the events' times (raised → acknowledged → dispatched
// → on scene); the dispatch_ack clock flags an unacknowledged call.
//
// Who raises it: the access policy lets court officers and leaders create
// matters (matter.create); judicial police may act on their court's matters
// but not create them, so a judicial police officer in the field asks the
// officer with them to raise it. The policy is not changed here.
const (
	DispatchRaised       State = "raised"
	DispatchAcknowledged State = "acknowledged"
	DispatchDispatched   State = "dispatched"
	DispatchOnScene      State = "on_scene"
	DispatchResolved     State = "resolved"
	DispatchCancelled    State = "cancelled"
)

// Dispatch actions.
const (
	ActionAcknowledge = "acknowledge"
	ActionDispatch    = "dispatch"
	ActionArrive      = "arrive"
	ActionResolve     = "resolve"
)

var (
	dispatchOpen = []State{DispatchRaised, DispatchAcknowledged, DispatchDispatched, DispatchOnScene}
	dispatchAll  = append(append([]State(nil), dispatchOpen...), DispatchResolved, DispatchCancelled)
)

var dispatchKind = Kind{
	Name: "dispatch", Label: "请求出警", Clause: "S-ASSIST-3",
	Initial: DispatchRaised,
	States: []StateInfo{
		{DispatchRaised, "待接警", false},
		{DispatchAcknowledged, "已接警", false},
		{DispatchDispatched, "已派警", false},
		{DispatchOnScene, "民警已到场", false},
		{DispatchResolved, "已处置", true},
		{DispatchCancelled, "已撤销", true},
	},
	AddressedTypes: []string{string(directory.CommandCenter)},
	CreateFields:   dispatchCallFields,
	CreateFromForm: dispatchCallFromForm,
	Transitions: append([]Transition{
		// Judicial police escort enforcement (S-ASSIST-3 执行人员) and are
		// often the ones facing the violence: they may raise the call.
		{From: []State{NoState}, Action: ActionCreate, Label: "请求出警", Side: Court, Roles: append(append([]directory.Role(nil), courtActors...), directory.JudicialPolice),
			To: DispatchRaised, Starts: []ClockID{ClockDispatchAck}, Clause: "S-ASSIST-3", Validate: validateDispatchCall},
		{From: []State{DispatchRaised}, Action: ActionAcknowledge, Label: "接警", Side: Police, Roles: policeActors,
			To: DispatchAcknowledged, Stops: []ClockID{ClockDispatchAck}, Clause: "S-ASSIST-3", Validate: validateNote,
			Fields: noteForm},
		{From: []State{DispatchAcknowledged}, Action: ActionDispatch, Label: "派警", Side: Police, Roles: policeActors,
			To: DispatchDispatched, Starts: []ClockID{ClockDispatchArrive}, Clause: "S-ASSIST-3", Validate: validateDispatch,
			Fields: []Field{
				{Name: "units", Label: "出警单位", Type: FieldText, Required: true},
				{Name: "officers", Label: "出警民警", Type: FieldText, Hint: "如：王警官等 4 人"},
			}},
		{From: []State{DispatchDispatched}, Action: ActionArrive, Label: "到达现场", Side: Police, Roles: policeActors,
			To: DispatchOnScene, Stops: []ClockID{ClockDispatchArrive}, Clause: "S-ASSIST-3", Validate: validateNote,
			Fields: noteForm},
		{From: []State{DispatchOnScene}, Action: ActionResolve, Label: "处置完毕", Side: Police, Roles: policeActors,
			To: DispatchResolved, Clause: "S-ASSIST-3", Validate: validateResolve,
			Fields: []Field{
				{Name: "outcome", Label: "处置结果", Type: FieldTextarea, Required: true},
				{Name: "follow_up", Label: "后续处理", Type: FieldSelect, Required: true, Options: choiceOptions(dispatchFollowUps)},
			},
			Confirm: "确认现场已处置完毕？处置结果将推送法院。"},
		// The court may call it off while police are on the way (the
		// situation calmed down); once they are on scene, police resolve.
		{From: []State{DispatchRaised, DispatchAcknowledged, DispatchDispatched}, Action: ActionCancel, Label: "撤销出警请求", Side: Court, Roles: courtActors,
			To: DispatchCancelled, Clause: "S-ASSIST-3", Validate: requireText("reason", "撤销理由", 2000),
			Fields:  reasonForm("reason", "撤销理由"),
			Confirm: "撤销后指挥中心将停止派警，确定撤销？"},
	}, reviewTransitions(dispatchOpen, dispatchAll)...),
}

// validateDispatchCall: {"address", "lat", "lng", "situation", "phone"}:
// the address in words is required (a phone may have no fix); lat/lng are
// optional WGS-84/GCJ-02 degrees as the phone gives them.
func validateDispatchCall(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "address", "现场地址", 200); err != nil {
		return err
	}
	_, hasLat, err := optFloat(m, "lat", "纬度", -90, 90)
	if err != nil {
		return err
	}
	_, hasLng, err := optFloat(m, "lng", "经度", -180, 180)
	if err != nil {
		return err
	}
	if hasLat != hasLng {
		return apperr.Invalidf("lat", CodePayload, "经度和纬度须同时填写")
	}
	if err := needText(m, "situation", "现场情况", 2000); err != nil {
		return err
	}
	_, err = text(m, "phone", "现场联系电话", 20)
	return err
}

// validateDispatch: {"units", "officers"}: who was sent.
func validateDispatch(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "units", "出警单位", 200); err != nil {
		return err
	}
	_, err = text(m, "officers", "出警民警", 500)
	return err
}

var dispatchFollowUps = []choice{
	{"none", "无"},
	{"obstruction", "可能涉嫌妨害公务"},
	{"refusal_to_execute", "可能涉嫌拒不执行判决、裁定"},
	{"administrative", "治安管理处罚"},
}

// validateResolve: {"outcome", "follow_up"}: what was done and whether it
// may become a case (a criminal transfer is then filed by the court).
func validateResolve(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "outcome", "处置结果", 2000); err != nil {
		return err
	}
	_, err = oneOf(m, "follow_up", "后续处理", dispatchFollowUps)
	return err
}

// optFloat returns field name as a number in [lo, hi] and whether present.
func optFloat(m map[string]json.RawMessage, name, label string, lo, hi float64) (float64, bool, error) {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return 0, false, nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, false, apperr.Invalidf(name, CodePayload, "“%s”应为数字", label)
	}
	if f < lo || f > hi {
		return 0, false, apperr.Invalidf(name, CodePayload, "“%s”应在 %g 至 %g 之间", label, lo, hi)
	}
	return f, true, nil
}

// dispatchCallFields are the creation form; coordinates are typed as text
// and read as decimal degrees by dispatchCallFromForm.
var dispatchCallFields = []Field{
	{Name: "address", Label: "现场地址", Type: FieldText, Required: true},
	{Name: "lat", Label: "纬度", Type: FieldText, Hint: "可不填；手机定位的纬度，如 33.6257，须与经度同时填写"},
	{Name: "lng", Label: "经度", Type: FieldText, Hint: "可不填；手机定位的经度，如 114.6495"},
	{Name: "situation", Label: "现场情况", Type: FieldTextarea, Required: true},
	{Name: "phone", Label: "现场联系电话", Type: FieldText},
}

// dispatchCallFromForm is the flat mapping with lat and lng as numbers.
func dispatchCallFromForm(values url.Values) (json.RawMessage, error) {
	f, err := formMap(dispatchCallFields, values)
	if err != nil {
		return nil, err
	}
	for _, c := range dispatchCallFields[1:3] {
		s, ok := f[c.Name].(string)
		if !ok {
			continue
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, apperr.Invalidf(c.Name, CodePayload, "“%s”应为数字（度），如 33.6257", c.Label)
		}
		f[c.Name] = x
	}
	return marshalObject(f)
}
