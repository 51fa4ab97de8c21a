package matter

import (
	"encoding/json"

	"liandong/internal/directory"
)

// Locate (查找被执行人, S-LOC-2): the enforcing court asks a bureau to find
// a debtor; the police return clues — whereabouts, actual residence,
// entry/exit records, hotel stays, vehicles, trains and flights — each with
// its source and time, in as many rounds as the court asks for. An empty
// answer is an answer too. Police may mark the debtor controlled (控制),
// which opens a handover (S-LOC-3). Police cannot refuse (S-DOC-2): they
// may send a review suggestion, which changes nothing.
const (
	LocateRequested  State = "requested"
	LocateAnswered   State = "answered"
	LocateControlled State = "controlled"
	LocateClosed     State = "closed"
)

// Locate actions.
const (
	ActionAddClue        = "add_clue"
	ActionAnswerNone     = "answer_none"
	ActionRequestMore    = "request_more"
	ActionMarkControlled = "mark_controlled"
	ActionClose          = "close"
)

var (
	courtActors  = []directory.Role{directory.CourtOfficer, directory.CourtLeader}
	policeActors = []directory.Role{directory.PoliceHandler, directory.PoliceLeader}
	locateOpen   = []State{LocateRequested, LocateAnswered, LocateControlled}
	locateAll    = append(append([]State(nil), locateOpen...), LocateClosed)
)

var locateKind = Kind{
	Name: "locate", Label: "查找被执行人", Clause: "S-LOC-2",
	Initial: LocateRequested,
	States: []StateInfo{
		{LocateRequested, "待公安反馈", false},
		{LocateAnswered, "已反馈线索", false},
		{LocateControlled, "已控制", false},
		{LocateClosed, "已结束", true},
	},
	AddressedTypes: []string{string(directory.CountyBureau), string(directory.CityBureau)},
	CreateFields: []Field{{Name: "note", Label: "查找要求", Type: FieldTextarea,
		Hint: "被执行人的已知信息和需要查找的内容，如下落、实际居住地、出行记录"}},
	Transitions: append([]Transition{
		{From: []State{NoState}, Action: ActionCreate, Label: "发起查找", Side: Court, Roles: courtActors,
			To: LocateRequested, Starts: []ClockID{ClockInfoRequest}, Clause: "S-LOC-2", Validate: validateNote},
		{From: []State{LocateRequested, LocateAnswered}, Action: ActionAddClue, Label: "反馈线索", Side: Police, Roles: policeActors,
			To: LocateAnswered, Stops: []ClockID{ClockInfoRequest}, Clause: "S-LOC-2", Validate: validateClue,
			Fields: clueFields},
		{From: []State{LocateRequested}, Action: ActionAnswerNone, Label: "反馈无线索", Side: Police, Roles: policeActors,
			To: LocateAnswered, Stops: []ClockID{ClockInfoRequest}, Clause: "S-LOC-2", Validate: validateNote,
			Fields: []Field{{Name: "note", Label: "查询情况", Type: FieldTextarea, Hint: "查询了哪些系统、途径"}}},
		{From: []State{LocateAnswered}, Action: ActionRequestMore, Label: "要求补充查找", Side: Court, Roles: courtActors,
			To: LocateRequested, Starts: []ClockID{ClockInfoRequest}, Clause: "S-LOC-2", Validate: requireText("note", "补充查找要求", 2000),
			Fields: []Field{{Name: "note", Label: "补充查找要求", Type: FieldTextarea, Required: true}}},
		{From: []State{LocateRequested, LocateAnswered}, Action: ActionMarkControlled, Label: "已控制被执行人", Side: Police, Roles: policeActors,
			To: LocateControlled, Stops: []ClockID{ClockInfoRequest}, Clause: "S-LOC-3", Validate: validateControl,
			Fields:  controlFields,
			Opens:   "handover",
			Confirm: "确认已控制被执行人？系统将通知法院第一时间接收。"},
		{From: locateOpen, Action: ActionClose, Label: "结束查找", Side: Court, Roles: courtActors,
			To: LocateClosed, Clause: "S-LOC-2", Validate: validateNote,
			Fields:  []Field{{Name: "note", Label: "结束理由", Type: FieldTextarea}},
			Confirm: "结束后公安机关不能再反馈线索，确定结束查找？"},
	}, reviewTransitions(locateOpen, locateAll)...),
}

// Clue types police return (DOMAIN.md: what police return to a locate
// request; FLOWS.md 查找被执行人 step 2).
var clueTypes = []choice{
	{"whereabouts", "下落线索"},
	{"residence", "实际居住地"},
	{"exit_entry", "出入境记录"},
	{"hotel", "住宿记录"},
	{"vehicle", "车辆信息"},
	{"train_flight", "铁路民航出行记录"},
	{"other", "其他线索"},
}

var clueFields = []Field{
	{Name: "type", Label: "线索类型", Type: FieldSelect, Required: true, Options: choiceOptions(clueTypes)},
	{Name: "content", Label: "线索内容", Type: FieldTextarea, Required: true},
	{Name: "source", Label: "线索来源", Type: FieldText, Required: true, Hint: "如人口信息系统、旅馆业信息系统、走访"},
	{Name: "observed_at", Label: "发现时间", Type: FieldDateTime, Required: true},
}

// validateClue: {"type", "content", "source", "observed_at"} (S-LOC-2:
// each clue with its source and time).
func validateClue(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if _, err := oneOf(m, "type", "线索类型", clueTypes); err != nil {
		return err
	}
	if err := needText(m, "content", "线索内容", 4000); err != nil {
		return err
	}
	if err := needText(m, "source", "线索来源", 200); err != nil {
		return err
	}
	_, err = needTime(m, "observed_at", "发现时间")
	return err
}

// controlFields are the control payload (mark_controlled, and the
// creation of the handover it opens).
var controlFields = []Field{
	{Name: "place", Label: "控制地点", Type: FieldText, Required: true},
	{Name: "controlled_at", Label: "控制时间", Type: FieldDateTime, Required: true},
	{Name: "unit", Label: "控制单位", Type: FieldText, Required: true, Hint: "如川汇分局人民路派出所"},
}

// validateControl: {"place", "controlled_at", "unit"} — where, when and by
// which unit the debtor was controlled.
func validateControl(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "place", "控制地点", 200); err != nil {
		return err
	}
	if _, err := needTime(m, "controlled_at", "控制时间"); err != nil {
		return err
	}
	return needText(m, "unit", "控制单位", 100)
}

// validateNote accepts an object with an optional "note".
func validateNote(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	_, err = text(m, "note", "备注", 2000)
	return err
}
