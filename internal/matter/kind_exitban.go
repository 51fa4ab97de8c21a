package matter

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"liandong/internal/apperr"
	"liandong/internal/connector"
	"liandong/internal/directory"
	"liandong/internal/ident"
)

// Exit restriction (限制出境, S-ASSIST-1): the court sends a 限制出境决定书
// with its 协助执行通知书 to the exit–entry administration, naming every
// travel document of the restricted person (民诉法 (2023) art. 266); for a
// unit debtor its legal representative, principal responsible person or
// directly responsible person is restricted (执行程序解释 art. 24). Police
// lodge the border control (边控) and the restriction is in force; the court
// may renew it, and lifts it by 解除限制出境决定书 as soon as the debtor
// performs or gives security (art. 25). The lift must reach border
// inspection promptly (出境入境管理法 art. 65): police confirm it on the
// exitban_lift clock. Police cannot refuse (S-DOC-2).
const (
	ExitbanRequested State = "requested"
	ExitbanInForce   State = "in_force"
	ExitbanLifting   State = "lifting"
	ExitbanLifted    State = "lifted"
)

// Exit restriction actions.
const (
	ActionLodge       = "lodge"
	ActionRenew       = "renew"
	ActionLift        = "lift"
	ActionConfirmLift = "confirm_lift"
)

var (
	exitbanOpen = []State{ExitbanRequested, ExitbanInForce, ExitbanLifting}
	exitbanAll  = append(append([]State(nil), exitbanOpen...), ExitbanLifted)
)

var exitbanKind = Kind{
	Name: "exitban", Label: "限制出境", Clause: "S-ASSIST-1",
	Initial: ExitbanRequested,
	States: []StateInfo{
		{ExitbanRequested, "待布控", false},
		{ExitbanInForce, "限制出境中", false},
		{ExitbanLifting, "已决定解除待撤控", false},
		{ExitbanLifted, "已解除", true},
	},
	AddressedTypes: []string{string(directory.ExitEntryAdmin)},
	CreateFields:   exitbanFields,
	CreateFromForm: exitbanFromForm,
	Transitions: append([]Transition{
		{From: []State{NoState}, Action: ActionCreate, Label: "发起限制出境", Side: Court, Roles: courtActors,
			To: ExitbanRequested, Clause: "S-ASSIST-1", Validate: validateExitban},
		{From: []State{ExitbanRequested}, Action: ActionLodge, Label: "已布控", Side: Police, Roles: policeActors,
			To: ExitbanInForce, Clause: "S-ASSIST-1", Validate: validateLodge,
			Fields: []Field{
				{Name: "control_id", Label: "边控编号", Type: FieldText, Required: true},
				{Name: "lodged_at", Label: "布控时间", Type: FieldDateTime, Required: true},
			}},
		{From: []State{ExitbanInForce}, Action: ActionRenew, Label: "续行限制", Side: Court, Roles: courtActors,
			Clause: "S-ASSIST-1", Validate: validateRenew,
			Fields: []Field{
				{Name: "until", Label: "续行限制至", Type: FieldDate, Required: true},
				{Name: "decision_digest", Label: "续行决定书", Type: FieldDocument},
			}},
		// A lift before the control is lodged still goes to the police:
		// the control may be on its way through the provincial level.
		{From: []State{ExitbanRequested, ExitbanInForce}, Action: ActionLift, Label: "解除限制出境", Side: Court, Roles: courtActors,
			To: ExitbanLifting, Starts: []ClockID{ClockExitbanLift}, Clause: "S-ASSIST-1", Validate: validateLift,
			Fields: []Field{
				{Name: "decision_digest", Label: "解除限制出境决定书", Type: FieldDocument, Required: true},
				{Name: "reason", Label: "解除理由", Type: FieldSelect, Required: true, Options: choiceOptions(liftReasons)},
				{Name: "note", Label: "解除理由说明", Type: FieldTextarea, Hint: "解除理由为“其他”的必填"},
			},
			Confirm: "解除限制出境决定书将推送出入境管理部门撤销边控，不可撤回，确定解除？"},
		{From: []State{ExitbanLifting}, Action: ActionConfirmLift, Label: "已撤控", Side: Police, Roles: policeActors,
			To: ExitbanLifted, Stops: []ClockID{ClockExitbanLift}, Clause: "S-ASSIST-1", Validate: validateConfirmLift,
			Fields: []Field{
				{Name: "lifted_at", Label: "撤控时间", Type: FieldDateTime, Required: true},
				noteField,
			}},
	}, reviewTransitions(exitbanOpen, exitbanAll)...),
}

var restrictedRoles = []choice{
	{"debtor", "被执行人本人"},
	{"legal_representative", "法定代表人"},
	{"principal", "主要负责人"},
	{"responsible_person", "影响债务履行的直接责任人员"},
	{"legal_guardian", "法定代理人"},
}

// travelDocKinds are connector's kinds of travel documents.
var travelDocKinds = []choice{
	{string(connector.PassportDoc), connector.PassportDoc.Label()},
	{string(connector.HKMOPass), connector.HKMOPass.Label()},
	{string(connector.TaiwanPass), connector.TaiwanPass.Label()},
}

// permitNumber is the shape of a mainland resident's 往来港澳/台湾通行证
// number (a letter and 8 digits, or two letters and 7 digits). ident has
// parsers only for the permits of Hong Kong, Macao and Taiwan residents
// coming to the mainland, which are different documents.
var permitNumber = regexp.MustCompile(`^[A-Z]{1,2}[0-9]{7,8}$`)

// validateExitban: {"decision_digest", "person": {"name", "id_number",
// "role"}, "unit" (a unit debtor's name, required unless role is debtor),
// "travel_documents": [{"kind", "number"}], "until" (optional end date)}.
// travel_documents must be present; [] means none has been issued and
// border control works on the identity number alone.
func validateExitban(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needDigest(m, "decision_digest", "限制出境决定书摘要"); err != nil {
		return err
	}
	pm, err := object(m["person"])
	if err != nil || len(pm) == 0 {
		return apperr.Invalidf("person", CodePayload, "请填写被限制出境人（姓名、身份证号码、身份）")
	}
	if err := needText(pm, "name", "被限制出境人姓名", 50); err != nil {
		return err
	}
	id, err := text(pm, "id_number", "被限制出境人身份证号码", 32)
	if err != nil {
		return err
	}
	if id == "" {
		return apperr.Invalidf("id_number", CodePayload, "请填写“被限制出境人身份证号码”")
	}
	if _, err := ident.ParseResidentID(id); err != nil {
		return apperr.Invalidf("id_number", CodePayload, "%s", err.Error())
	}
	role, err := oneOf(pm, "role", "被限制出境人身份", restrictedRoles)
	if err != nil {
		return err
	}
	if role != "debtor" {
		if err := needText(m, "unit", "被执行人（单位）名称", 200); err != nil {
			return err
		}
	}
	raw, ok := m["travel_documents"]
	if !ok {
		return apperr.Invalidf("travel_documents", CodePayload, "请列明被限制出境人的全部出入境证件；确无证件的填空列表")
	}
	var docs []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &docs); err != nil {
		return apperr.Invalidf("travel_documents", CodePayload, "“出入境证件”应为证件列表，每项含证件种类和号码")
	}
	seen := map[string]bool{}
	for i, d := range docs {
		n := i + 1
		kind, err := oneOf(d, "kind", fmt.Sprintf("第 %d 个证件的种类", n), travelDocKinds)
		if err != nil {
			return err
		}
		num, err := text(d, "number", fmt.Sprintf("第 %d 个证件的号码", n), 32)
		if err != nil {
			return err
		}
		num = strings.ToUpper(strings.ReplaceAll(num, " ", ""))
		if num == "" {
			return apperr.Invalidf("travel_documents", CodePayload, "请填写第 %d 个证件的号码", n)
		}
		if kind == string(connector.PassportDoc) {
			if _, err := ident.ParsePassport(num); err != nil {
				return apperr.Invalidf("travel_documents", CodePayload, "第 %d 个证件：%s", n, err.Error())
			}
		} else if !permitNumber.MatchString(num) {
			return apperr.Invalidf("travel_documents", CodePayload, "第 %d 个证件：%s号码“%s”格式不正确（应为字母加数字，如 C12345678）", n, kindLabel(kind), num)
		}
		if seen[kind+num] {
			return apperr.Invalidf("travel_documents", CodePayload, "第 %d 个证件与前面的重复：%s", n, num)
		}
		seen[kind+num] = true
	}
	if raw, ok := m["until"]; ok && string(raw) != "null" {
		if _, err := needDate(m, "until", "限制期限至"); err != nil {
			return err
		}
	}
	_, err = text(m, "reason", "限制理由", 2000)
	return err
}

func kindLabel(code string) string {
	for _, c := range travelDocKinds {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

// validateLodge: {"control_id", "lodged_at"}: the border control's id in
// the exit–entry system and when it was lodged.
func validateLodge(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "control_id", "边控编号", 64); err != nil {
		return err
	}
	_, err = needTime(m, "lodged_at", "布控时间")
	return err
}

// validateRenew: {"until", "decision_digest"}: the new end date and,
// optionally, the renewing decision.
func validateRenew(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if _, err := needDate(m, "until", "续行限制至"); err != nil {
		return err
	}
	if raw, ok := m["decision_digest"]; ok && string(raw) != "null" {
		return needDigest(m, "decision_digest", "续行决定书摘要")
	}
	return nil
}

var liftReasons = []choice{
	{"performed", "已履行全部债务"},
	{"security", "提供充分、有效的担保"},
	{"applicant_consent", "申请执行人同意"},
	{"other", "其他"},
}

// validateLift: {"decision_digest", "reason", "note"} (执行程序解释 art. 25).
func validateLift(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needDigest(m, "decision_digest", "解除限制出境决定书摘要"); err != nil {
		return err
	}
	reason, err := oneOf(m, "reason", "解除理由", liftReasons)
	if err != nil {
		return err
	}
	if reason == "other" {
		return needText(m, "note", "解除理由说明", 2000)
	}
	_, err = text(m, "note", "备注", 2000)
	return err
}

// validateConfirmLift: {"lifted_at", "note"}.
func validateConfirmLift(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if _, err := needTime(m, "lifted_at", "撤控时间"); err != nil {
		return err
	}
	_, err = text(m, "note", "备注", 2000)
	return err
}

// exitbanFields are the creation form: the restricted person as flat
// fields and the travel documents one per line; exitbanFromForm builds the
// nested payload validateExitban reads.
var exitbanFields = []Field{
	{Name: "decision_digest", Label: "限制出境决定书", Type: FieldDocument, Required: true},
	{Name: "person_name", Label: "被限制出境人姓名", Type: FieldText, Required: true},
	{Name: "person_id_number", Label: "被限制出境人身份证号码", Type: FieldText, Required: true},
	{Name: "person_role", Label: "被限制出境人身份", Type: FieldSelect, Required: true, Options: choiceOptions(restrictedRoles),
		Hint: "被执行人为单位的，限制其法定代表人、主要负责人或影响债务履行的直接责任人员（执行程序解释第二十四条）"},
	{Name: "company_name", Label: "被执行人（单位）名称", Type: FieldText, Hint: "身份不是“被执行人本人”的必填"},
	{Name: "travel_documents", Label: "出入境证件", Type: FieldLines,
		Hint: "每行一个：证件类型 号码，如“护照 E12345678”“往来港澳通行证 C12345678”；确无证件的留空"},
	{Name: "until", Label: "限制期限至", Type: FieldDate},
	{Name: "reason", Label: "限制理由", Type: FieldTextarea},
}

// exitbanFromForm builds {"decision_digest", "person": {"name",
// "id_number", "role"}, "unit", "travel_documents": [{"kind", "number"}],
// "until", "reason"} from exitbanFields.
func exitbanFromForm(values url.Values) (json.RawMessage, error) {
	f, err := formMap(exitbanFields, values)
	if err != nil {
		return nil, err
	}
	// Checked here too so that the error names the form's field.
	if _, err := ident.ParseResidentID(f["person_id_number"].(string)); err != nil {
		return nil, apperr.Invalidf("person_id_number", CodePayload, "%s", err.Error())
	}
	if f["person_role"] != "debtor" && f["company_name"] == nil {
		return nil, errRequired(exitbanFields[4])
	}
	docs, err := parseTravelDocuments(values.Get("travel_documents"))
	if err != nil {
		return nil, err
	}
	p := map[string]any{
		"decision_digest":  f["decision_digest"],
		"person":           map[string]any{"name": f["person_name"], "id_number": f["person_id_number"], "role": f["person_role"]},
		"travel_documents": docs,
	}
	for form, key := range map[string]string{"company_name": "unit", "until": "until", "reason": "reason"} {
		if v, ok := f[form]; ok {
			p[key] = v
		}
	}
	return marshalObject(p)
}

// travelDocAliases are the words people write for each kind of document.
var travelDocAliases = map[string]string{
	"护照": string(connector.PassportDoc), "港澳通行证": string(connector.HKMOPass), "台湾通行证": string(connector.TaiwanPass),
}

// parseTravelDocuments reads "证件类型 号码" lines; the type is a code
// (passport), its label (普通护照) or a short name (护照). Blank lines are
// skipped; errors name the line.
func parseTravelDocuments(s string) ([]map[string]string, error) {
	out := []map[string]string{}
	n := 0
	for line := range strings.Lines(s) {
		n++
		words := strings.Fields(line)
		if len(words) == 0 {
			continue
		}
		if len(words) != 2 {
			return nil, apperr.Invalidf("travel_documents", CodePayload, "第 %d 行格式不对：应为“证件类型 号码”，如“护照 E12345678”", n)
		}
		kind := ""
		for _, c := range travelDocKinds {
			if strings.EqualFold(words[0], c.Code) || words[0] == c.Label {
				kind = c.Code
			}
		}
		if kind == "" {
			kind = travelDocAliases[words[0]]
		}
		if kind == "" {
			return nil, apperr.Invalidf("travel_documents", CodePayload, "第 %d 行的证件类型“%s”无法识别，应为护照、往来港澳通行证或往来台湾通行证", n, words[0])
		}
		out = append(out, map[string]string{"kind": kind, "number": strings.ToUpper(words[1])})
	}
	return out, nil
}
