package matter

import (
	"encoding/json"
	"strings"

	"liandong/internal/apperr"
	"liandong/internal/directory"
)

// Compelled appearance (拘传, S-ASSIST-1): the court issues a 拘传票 with the
// president's approval (FLOWS.md: for detention and fines the court
// president approves; the summons warrant likewise) and asks a bureau to
// assist; police bring the person (协助拘传); the court questions them for at
// most 8 hours, 24 if the case is complex and detention may follow (民诉法解释
// (2022) art. 482), then ends the questioning: released, or a detention
// decided — which the court files as a separate detention matter. Police
// cannot refuse (S-DOC-2): they may send a review suggestion.
//
// Both questioning clocks start with the questioning, because art. 482
// counts both limits from the same moment; declare_complex (with a reason,
// within the 8 hours) stops the 8-hour clock and leaves the 24-hour one
// running. A payload flag cannot choose the clock: a transition's clocks are
// part of its table row, and the engine starts them before looking at the
// payload's meaning.
const (
	SummonsIssued     State = "issued"
	SummonsBrought    State = "brought"
	SummonsQuestioned State = "questioning"
	SummonsEnded      State = "ended"
	SummonsWithdrawn  State = "withdrawn"
)

// Summons actions.
const (
	ActionAssist           = "assist"
	ActionStartQuestioning = "start_questioning"
	ActionDeclareComplex   = "declare_complex"
	ActionEndQuestioning   = "end_questioning"
)

var (
	summonsOpen = []State{SummonsIssued, SummonsBrought, SummonsQuestioned}
	summonsAll  = append(append([]State(nil), summonsOpen...), SummonsEnded, SummonsWithdrawn)
	// Questioning is the judges' work; the judicial police guard the person
	// but do not question.
	questioners = []directory.Role{directory.CourtOfficer, directory.CourtLeader}
)

var summonsKind = Kind{
	Name: "summons", Label: "协助拘传", Clause: "S-ASSIST-1",
	Initial: SummonsIssued,
	States: []StateInfo{
		{SummonsIssued, "待协助拘传", false},
		{SummonsBrought, "已拘传到案", false},
		{SummonsQuestioned, "询问中", false},
		{SummonsEnded, "询问结束", true},
		{SummonsWithdrawn, "已撤回", true},
	},
	AddressedTypes: []string{string(directory.CountyBureau), string(directory.CityBureau)},
	CreateFields: []Field{
		{Name: "warrant_digest", Label: "拘传票", Type: FieldDocument, Required: true, Hint: "上传经院长批准的拘传票"},
		approvedByField,
		approvedAtField,
		{Name: "reason", Label: "拘传理由", Type: FieldTextarea, Hint: "如经两次传票传唤无正当理由拒不到场"},
	},
	Transitions: append([]Transition{
		{From: []State{NoState}, Action: ActionCreate, Label: "发起协助拘传", Side: Court, Roles: courtActors,
			To: SummonsIssued, Clause: "S-ASSIST-1", Validate: validateSummons},
		{From: []State{SummonsIssued}, Action: ActionAssist, Label: "协助拘传到案", Side: Police, Roles: policeActors,
			To: SummonsBrought, Clause: "S-ASSIST-1", Validate: validateAssist,
			Fields: []Field{
				{Name: "place", Label: "拘传到案地点", Type: FieldText, Required: true},
				{Name: "brought_at", Label: "到案时间", Type: FieldDateTime, Required: true},
			}},
		{From: []State{SummonsBrought}, Action: ActionStartQuestioning, Label: "开始询问", Side: Court, Roles: questioners,
			To: SummonsQuestioned, Starts: []ClockID{ClockSummonsQuestioning, ClockSummonsComplex}, Clause: "S-ASSIST-1",
			Validate: validateStartQuestioning,
			Fields: []Field{
				{Name: "place", Label: "询问地点", Type: FieldText},
				noteField,
			}},
		{From: []State{SummonsQuestioned}, Action: ActionDeclareComplex, Label: "认定案情复杂（延长至 24 小时）", Side: Court, Roles: questioners,
			Stops: []ClockID{ClockSummonsQuestioning}, Clause: "S-ASSIST-1",
			Validate: requireText("reason", "案情复杂、可能拘留的理由", 2000),
			Fields:   reasonForm("reason", "案情复杂、可能拘留的理由"),
			Confirm:  "认定案情复杂、依法可能拘留后，询问时间最长 24 小时（民诉法解释第四百八十二条），确定？"},
		{From: []State{SummonsQuestioned}, Action: ActionEndQuestioning, Label: "结束询问", Side: Court, Roles: questioners,
			To: SummonsEnded, Clause: "S-ASSIST-1", Validate: validateEndQuestioning,
			Fields: []Field{
				{Name: "outcome", Label: "询问结果", Type: FieldSelect, Required: true, Options: choiceOptions(questioningOutcomes),
					Hint: "决定司法拘留的，结束询问后另行发起司法拘留"},
				noteField,
			},
			Confirm: "结束询问后本次拘传即告终结，确定结束询问？"},
		{From: []State{SummonsIssued}, Action: ActionCancel, Label: "撤回拘传", Side: Court, Roles: courtActors,
			To: SummonsWithdrawn, Clause: "S-ASSIST-1", Validate: requireText("reason", "撤回理由", 2000),
			Fields:  reasonForm("reason", "撤回理由"),
			Confirm: "撤回后公安机关将不再协助拘传，确定撤回？"},
	}, reviewTransitions(summonsOpen, summonsAll)...),
}

// validateSummons: {"warrant_digest", "approved_by", "approved_at",
// "reason"}: the 拘传票's SM3 digest (the document itself travels in the
// event's documents), the president's approval and why.
func validateSummons(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needDigest(m, "warrant_digest", "拘传票摘要"); err != nil {
		return err
	}
	if err := needApproval(m); err != nil {
		return err
	}
	_, err = text(m, "reason", "拘传理由", 2000)
	return err
}

// validateAssist: {"place", "brought_at"}: where and when the person was
// brought in.
func validateAssist(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "place", "拘传到案地点", 200); err != nil {
		return err
	}
	_, err = needTime(m, "brought_at", "到案时间")
	return err
}

// validateStartQuestioning: {"place", "note"}. "complex" is refused here
// with a pointer to declare_complex so that nobody believes a flag chose the
// 24-hour limit.
func validateStartQuestioning(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if c, err := optBool(m, "complex", "案情复杂"); err != nil {
		return err
	} else if c {
		return apperr.Invalidf("complex", CodePayload, "开始询问后请使用“认定案情复杂”并写明理由，询问时间方可延长至 24 小时")
	}
	if _, err := text(m, "place", "询问地点", 200); err != nil {
		return err
	}
	_, err = text(m, "note", "备注", 2000)
	return err
}

var questioningOutcomes = []choice{
	{"released", "询问后放回"},
	{"detention_decided", "决定司法拘留"},
	{"performed", "已履行或达成和解"},
}

// validateEndQuestioning: {"outcome", "note"}. detention_decided is only
// recorded: the court then files a detention matter with its 拘留决定书.
func validateEndQuestioning(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if _, err := oneOf(m, "outcome", "询问结果", questioningOutcomes); err != nil {
		return err
	}
	_, err = text(m, "note", "备注", 2000)
	return err
}

// needDigest needs field name to be a document's SM3 digest (64 hex).
func needDigest(m map[string]json.RawMessage, name, label string) error {
	s, err := text(m, name, label, 64)
	if err != nil {
		return err
	}
	if s == "" {
		return apperr.Invalidf(name, CodePayload, "请附“%s”（文书的 SM3 摘要）", label)
	}
	if !digestPattern.MatchString(strings.ToLower(s)) {
		return apperr.Invalidf(name, CodePayload, "“%s”无效，应为 64 位十六进制 SM3 摘要", label)
	}
	return nil
}

// needApproval needs the president's approval (院长批准) recorded:
// "approved_by" (the approver's username) and "approved_at".
func needApproval(m map[string]json.RawMessage) error {
	if err := needText(m, "approved_by", "批准人（院长）", 64); err != nil {
		return err
	}
	_, err := needTime(m, "approved_at", "批准时间")
	return err
}

// optBool returns field name as a boolean, false when absent.
func optBool(m map[string]json.RawMessage, name, label string) (bool, error) {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return false, nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		return false, apperr.Invalidf(name, CodePayload, "“%s”应为是或否（true/false）", label)
	}
	return b, nil
}
