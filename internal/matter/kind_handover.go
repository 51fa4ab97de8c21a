package matter

import (
	"encoding/json"

	"liandong/internal/directory"
)

// Handover of a controlled person (人员交接, S-LOC-3): when police control a
// debtor the court must take them over at once (第一时间接收) on the
// takeover clock; across regions a court of the place may take over on the
// requesting court's behalf (代为接收). The matter records who handed over
// whom, where and when. It is opened by a locate's mark_controlled, in the
// same transaction, never by a court request: police creation is refused by
// the access policy (only courts create matters).
const (
	HandoverControlled State = "controlled"
	HandoverDelegated  State = "delegated"
	HandoverReceived   State = "received"
	HandoverDone       State = "done"
	HandoverCancelled  State = "cancelled"
)

// Handover actions.
const (
	ActionTakeOver = "take_over"
	ActionDelegate = "delegate"
	ActionHandOver = "hand_over"
	ActionCancel   = "cancel"
)

var (
	// The court's judicial police do takeovers too (access policy:
	// 司法警察办理送拘、押解、交接).
	takeoverActors = []directory.Role{directory.CourtOfficer, directory.CourtLeader, directory.JudicialPolice}
	handoverOpen   = []State{HandoverControlled, HandoverDelegated, HandoverReceived}
	handoverAll    = append(append([]State(nil), handoverOpen...), HandoverDone, HandoverCancelled)
)

var handoverKind = Kind{
	Name: "handover", Label: "人员交接", Clause: "S-LOC-3",
	Initial: HandoverControlled,
	States: []StateInfo{
		{HandoverControlled, "已控制待接收", false},
		{HandoverDelegated, "委托代为接收", false},
		{HandoverReceived, "法院已接收", false},
		{HandoverDone, "交接完成", true},
		{HandoverCancelled, "已撤回", true},
	},
	// Never created directly: mark_controlled opens it with its control
	// payload, described here for the API documentation.
	AddressedTypes: nil,
	CreateFields:   controlFields,
	Transitions: append([]Transition{
		{From: []State{NoState}, Action: ActionCreate, Label: "通知法院接收", Side: Police, Roles: policeActors,
			To: HandoverControlled, Starts: []ClockID{ClockTakeover}, Clause: "S-LOC-3", Validate: validateControl},
		{From: []State{HandoverControlled}, Action: ActionDelegate, Label: "委托当地法院代为接收", Side: Court, Roles: courtActors,
			To: HandoverDelegated, Clause: "S-LOC-3", Validate: validateDelegate, Delegates: true,
			Fields: []Field{
				{Name: "court", Label: "代为接收的法院", Type: FieldUnit, Required: true,
					UnitTypes: []string{string(directory.IntermediateCourt), string(directory.BasicCourt)}, Hint: "控制地的人民法院，不能是本院"},
				noteField,
			}},
		{From: []State{HandoverControlled, HandoverDelegated}, Action: ActionTakeOver, Label: "确认接收", Side: Court, Roles: takeoverActors,
			To: HandoverReceived, Stops: []ClockID{ClockTakeover}, Clause: "S-LOC-3", Validate: validateTakeOver,
			Fields: []Field{
				{Name: "receiver", Label: "接收人", Type: FieldText, Required: true},
				{Name: "place", Label: "接收地点", Type: FieldText, Required: true},
				{Name: "received_at", Label: "接收时间", Type: FieldDateTime, Required: true},
			}},
		{From: []State{HandoverReceived}, Action: ActionHandOver, Label: "登记移交", Side: Police, Roles: policeActors,
			To: HandoverDone, Clause: "S-LOC-3", Validate: validateHandOver,
			Fields: []Field{
				{Name: "officer", Label: "移交民警", Type: FieldText, Required: true},
				{Name: "place", Label: "移交地点", Type: FieldText, Required: true},
				{Name: "handed_at", Label: "移交时间", Type: FieldDateTime, Required: true},
			}},
		{From: []State{HandoverControlled, HandoverDelegated}, Action: ActionCancel, Label: "撤回接收", Side: Court, Roles: courtActors,
			To: HandoverCancelled, Clause: "S-LOC-3", Validate: requireText("reason", "撤回理由", 2000),
			Fields:  reasonForm("reason", "撤回理由"),
			Confirm: "撤回后公安机关将不再为本案控制该人员，确定撤回接收？"},
	}, reviewTransitions(handoverOpen, handoverAll)...),
}

// validateDelegate: {"court": unit code, "note"}. The engine checks that
// the unit is a court other than the requesting one.
func validateDelegate(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "court", "代为接收的法院", 64); err != nil {
		return err
	}
	_, err = text(m, "note", "备注", 2000)
	return err
}

// validateTakeOver: {"receiver", "place", "received_at"}: who took the
// person over for the court, where and when.
func validateTakeOver(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "receiver", "接收人", 100); err != nil {
		return err
	}
	if err := needText(m, "place", "接收地点", 200); err != nil {
		return err
	}
	_, err = needTime(m, "received_at", "接收时间")
	return err
}

// validateHandOver: {"officer", "place", "handed_at"}: who handed the
// person over for the police, where and when.
func validateHandOver(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "officer", "移交民警", 100); err != nil {
		return err
	}
	if err := needText(m, "place", "移交地点", 200); err != nil {
		return err
	}
	_, err = needTime(m, "handed_at", "移交时间")
	return err
}
