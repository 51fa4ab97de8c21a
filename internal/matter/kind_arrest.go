package matter

import (
	"encoding/json"
	"strings"

	"liandong/internal/apperr"
	"liandong/internal/connector"
	"liandong/internal/directory"
	"liandong/internal/ident"
)

// Arrest custody (逮捕收押, S-ASSIST-2: 对于执行法院决定拘留、逮捕的被执行人以及
// 相关人员，公安机关应当依法收押). The court that tries a 拒执 case — a
// private prosecution (法释〔2024〕13号 art. 14) or a public one — decides an
// arrest (刑诉法 (2018) art. 80: arrests are approved by the procuratorate or
// decided by a court, and executed by the public security organs) and
// addresses its 逮捕决定书 to a city or county bureau. The bureau makes out
// an 逮捕证 and executes at once (公安机关办理刑事案件程序规定 (2020) art.
// 146), or reports that the person could not be caught and keeps trying
// until the court revokes the decision (art. 146 para. 2). After the arrest
// the person goes to the 看守所 at once (art. 143), which takes them in on
// the 逮捕证 (art. 153) — or declines on a legal health ground, as a
// structured code (看守所条例 (1990) art. 10; that text is not in shared/law,
// see custodyRefusals). Within 24 hours of the arrest the court questions
// the person (刑诉法 art. 94) and the family is told why and where the
// person is held (art. 93); the court may change the measure or order
// release (art. 94: release at once when the arrest proves wrong), and the
// police release the person on that decision.
//
// Decision: addressed to the bureau, not to the 看守所. An arrest is
// executed by the bureau (art. 146), which delivers the person and carries
// the 看守所's 收押 or refusal back; a matter has one addressed unit, and
// the engine's only way to add a party (Transition.Delegates) is for
// courts. So the bureau's handlers record the intake, naming the 看守所 as a
// unit (facility), and the 看守所's own staff do not see the matter.
//
// Decision: not through connector.Detention. Its IntakeRequest carries a
// judicial detention's 1–15 day term and its answer a release day counted
// by 拘留所条例 art. 32; an arrest has neither, and its refusal grounds are
// the 看守所's, not the 拘留所's. Using it would change its contract, so
// intake is a plain police act; the refusal reuses connector.Refusal's
// shape (code, label, basis, binding) with the 看守所's grounds.
//
// refuse_custody is not a refusal under S-DOC-2 for the same reason as the
// detention centre's refuse_intake: only grounds the law sets, as codes;
// the court decides what follows (change the measure, or ask again).
const (
	ArrestDecided        State = "decided"
	ArrestAtLarge        State = "at_large"
	ArrestArrested       State = "arrested"
	ArrestInCustody      State = "in_custody"
	ArrestRefused        State = "refused"
	ArrestReleaseOrdered State = "release_ordered"
	ArrestReleased       State = "released"
	ArrestRevoked        State = "revoked"
	ArrestClosed         State = "closed"
)

// Arrest actions. notify_family and close are shared with other kinds.
const (
	ActionReportAtLarge     = "report_at_large"
	ActionExecuteArrest     = "execute_arrest"
	ActionTakeIntoCustody   = "take_into_custody"
	ActionRefuseCustody     = "refuse_custody"
	ActionRequestRedelivery = "request_redelivery"
	ActionQuestion          = "question"
	ActionChangeMeasure     = "change_measure"
	ActionReleaseCustody    = "release_custody"
	ActionRevoke            = "revoke"
)

var (
	arrestOpen = []State{ArrestDecided, ArrestAtLarge, ArrestArrested, ArrestInCustody, ArrestRefused, ArrestReleaseOrdered}
	arrestAll  = append(append([]State(nil), arrestOpen...), ArrestReleased, ArrestRevoked, ArrestClosed)
	// held: the person is in police hands after the arrest.
	arrestHeld = []State{ArrestArrested, ArrestInCustody, ArrestRefused}
)

// custodyRefusals are the grounds on which a 看守所 does not take a person
// in: 看守所条例 (1990) art. 10 (health check at intake). The text is not in
// shared/law; check the citation against the regulation in force before
// shipping. A missing 逮捕证 is not a ground here: the bureau that delivers
// makes it out itself (公安机关办理刑事案件程序规定 art. 146).
var custodyRefusals = []connector.Refusal{
	{Reason: "mental_or_acute_infectious", Label: "患有精神病或者急性传染病", Binding: true,
		Basis: "《看守所条例》第十条第（一）项"},
	{Reason: connector.SeriousIllness, Label: "患有其他严重疾病，在羁押中可能发生生命危险或者生活不能自理", Binding: false,
		Basis: "《看守所条例》第十条第（二）项（罪大恶极、不羁押对社会有危险性的除外）"},
	{Reason: connector.Pregnant, Label: "怀孕", Binding: true, Basis: "《看守所条例》第十条第（三）项"},
	{Reason: connector.NursingInfant, Label: "正在哺乳自己不满一周岁的婴儿", Binding: true, Basis: "《看守所条例》第十条第（三）项"},
}

func custodyRefusalChoices() []choice {
	out := make([]choice, len(custodyRefusals))
	for i, r := range custodyRefusals {
		out[i] = choice{string(r.Reason), r.Label}
	}
	return out
}

var arrestProceedings = []choice{
	{"private_prosecution", "拒执罪自诉案件"},
	{"public_prosecution", "公诉案件"},
}

// measureOutcomes: what the court decides instead of keeping the person
// in custody.
var measureOutcomes = []choice{
	{"bail", "变更为取保候审"},
	{"surveillance", "变更为监视居住"},
	{"release", "释放（发现不应当逮捕）"},
}

var arrestKind = Kind{
	Name: "arrest", Label: "逮捕收押", Clause: "S-ASSIST-2",
	Initial: ArrestDecided,
	States: []StateInfo{
		{ArrestDecided, "已决定待执行逮捕", false},
		{ArrestAtLarge, "未能抓获，继续执行", false},
		{ArrestArrested, "已逮捕待送看守所", false},
		{ArrestInCustody, "已收押", false},
		{ArrestRefused, "看守所依法不予收押", false},
		{ArrestReleaseOrdered, "已决定变更强制措施或释放", false},
		{ArrestReleased, "已释放", true},
		{ArrestRevoked, "已撤销逮捕决定", true},
		{ArrestClosed, "已结束", true},
	},
	AddressedTypes: []string{string(directory.CountyBureau), string(directory.CityBureau)},
	CreateFields: []Field{
		{Name: "decision_digest", Label: "逮捕决定书", Type: FieldDocument, Required: true, Hint: "上传经院长决定的逮捕决定书"},
		approvedByField,
		approvedAtField,
		{Name: "criminal_case_number", Label: "刑事案号", Type: FieldText, Required: true, Hint: "如（2025）豫1602刑初12号"},
		{Name: "proceeding", Label: "诉讼程序", Type: FieldSelect, Required: true, Options: choiceOptions(arrestProceedings)},
		{Name: "charge", Label: "罪名", Type: FieldSelect, Required: true, Options: choiceOptions(transferCrimes)},
		{Name: "defendant_name", Label: "被告人姓名", Type: FieldText, Required: true},
		{Name: "reason", Label: "逮捕理由", Type: FieldTextarea},
	},
	Transitions: append([]Transition{
		{From: []State{NoState}, Action: ActionCreate, Label: "决定逮捕并交付执行", Side: Court, Roles: courtActors,
			To: ArrestDecided, Clause: "S-ASSIST-2", Validate: validateArrest},
		{From: []State{ArrestDecided, ArrestAtLarge}, Action: ActionReportAtLarge, Label: "报告未能抓获", Side: Police, Roles: policeActors,
			To: ArrestAtLarge, Clause: "S-ASSIST-2", Validate: requireText("reason", "未能抓获的原因", 2000),
			Fields: []Field{{Name: "reason", Label: "未能抓获的原因", Type: FieldTextarea, Required: true,
				Hint: "公安机关继续执行，直至人民法院撤销逮捕决定（公安机关办理刑事案件程序规定第一百四十六条）"}}},
		{From: []State{ArrestDecided, ArrestAtLarge}, Action: ActionExecuteArrest, Label: "执行逮捕", Side: Police, Roles: policeActors,
			To: ArrestArrested, Starts: []ClockID{ClockArrestCustody, ClockArrestFamily, ClockArrestQuestioning}, Clause: "S-ASSIST-2",
			Validate: validateExecuteArrest,
			Fields: []Field{
				{Name: "warrant_no", Label: "逮捕证编号", Type: FieldText, Required: true},
				{Name: "arrested_at", Label: "逮捕时间", Type: FieldDateTime, Required: true},
				{Name: "place", Label: "逮捕地点", Type: FieldText, Required: true},
				{Name: "officers", Label: "执行逮捕人员", Type: FieldText, Required: true, Hint: "不得少于二人，以顿号分隔，如：王警官、李警官"},
			}},
		{From: []State{ArrestArrested}, Action: ActionTakeIntoCustody, Label: "看守所收押", Side: Police, Roles: policeActors,
			To: ArrestInCustody, Stops: []ClockID{ClockArrestCustody}, Clause: "S-ASSIST-2", Validate: validateTakeIntoCustody,
			Fields: []Field{
				{Name: "facility", Label: "看守所", Type: FieldUnit, Required: true, UnitTypes: []string{string(directory.Jail)}},
				{Name: "custody_at", Label: "收押时间", Type: FieldDateTime, Required: true, Hint: "看守所在逮捕证上注明的到所时间（公安机关办理刑事案件程序规定第一百五十三条）"},
				{Name: "custody_no", Label: "收押编号", Type: FieldText},
			}},
		{From: []State{ArrestArrested}, Action: ActionRefuseCustody, Label: "看守所依法不予收押", Side: Police, Roles: policeActors,
			To: ArrestRefused, Stops: []ClockID{ClockArrestCustody}, Clause: "S-ASSIST-2", Validate: validateRefuseCustody,
			Fields: []Field{
				{Name: "reason", Label: "不予收押的法定情形", Type: FieldSelect, Required: true, Options: choiceOptions(custodyRefusalChoices())},
				{Name: "detail", Label: "具体事实（如入所健康检查结论）", Type: FieldTextarea, Required: true},
			},
			Confirm: "仅限《看守所条例》第十条规定的情形。确认依法不予收押并通知法院？"},
		{From: []State{ArrestRefused}, Action: ActionRequestRedelivery, Label: "要求重新送押", Side: Court, Roles: courtActors,
			To: ArrestArrested, Starts: []ClockID{ClockArrestCustody}, Clause: "S-ASSIST-2", Validate: requireText("note", "不予收押情形不成立的理由", 2000),
			Fields:  []Field{{Name: "note", Label: "不予收押情形不成立的理由", Type: FieldTextarea, Required: true, Hint: "如医院复查结论"}},
			Confirm: "看守所已依法不予收押。确认该情形不成立或已消失，要求重新送押？"},
		{From: arrestHeld, Action: ActionNotifyFamily, Label: "通知被逮捕人家属", Side: Court, Roles: deliverers,
			Stops: []ClockID{ClockArrestFamily}, Clause: "S-ASSIST-2", Validate: validateArrestFamily,
			Fields: []Field{
				{Name: "notice_digest", Label: "逮捕通知书", Type: FieldDocument, Required: true, Hint: "写明逮捕原因和羁押处所"},
				{Name: "notified", Label: "被通知的家属", Type: FieldText, Required: true, Hint: "关系和姓名，如：妻子 王某"},
				{Name: "notified_at", Label: "通知时间", Type: FieldDateTime, Required: true},
				{Name: "method", Label: "通知方式", Type: FieldText},
			}},
		{From: []State{ArrestArrested, ArrestInCustody}, Action: ActionQuestion, Label: "逮捕后讯问", Side: Court, Roles: questioners,
			Stops: []ClockID{ClockArrestQuestioning}, Clause: "S-ASSIST-2", Validate: validateQuestion,
			Fields: []Field{
				{Name: "questioned_at", Label: "讯问时间", Type: FieldDateTime, Required: true},
				{Name: "place", Label: "讯问地点", Type: FieldText},
				noteField,
			}},
		{From: arrestHeld, Action: ActionChangeMeasure, Label: "变更强制措施或释放", Side: Court, Roles: courtActors,
			To: ArrestReleaseOrdered, Clause: "S-ASSIST-2", Validate: validateChangeMeasure,
			Fields: []Field{
				{Name: "outcome", Label: "决定", Type: FieldSelect, Required: true, Options: choiceOptions(measureOutcomes)},
				{Name: "decision_digest", Label: "决定书", Type: FieldDocument, Required: true, Hint: "取保候审决定书、监视居住决定书或释放通知书"},
				{Name: "reason", Label: "理由", Type: FieldTextarea, Required: true},
			},
			Confirm: "决定送达后公安机关将解除羁押，确定？"},
		{From: []State{ArrestReleaseOrdered}, Action: ActionReleaseCustody, Label: "解除羁押", Side: Police, Roles: policeActors,
			To: ArrestReleased, Clause: "S-ASSIST-2", Validate: validateReleaseCustody,
			Fields: []Field{
				{Name: "released_at", Label: "解除羁押时间", Type: FieldDateTime, Required: true},
				{Name: "certificate_no", Label: "释放证明书编号", Type: FieldText},
			},
			Confirm: "确认已按人民法院的决定解除羁押？"},
		{From: []State{ArrestDecided, ArrestAtLarge}, Action: ActionRevoke, Label: "撤销逮捕决定", Side: Court, Roles: courtActors,
			To: ArrestRevoked, Clause: "S-ASSIST-2", Validate: validateRevoke,
			Fields: []Field{
				{Name: "decision_digest", Label: "撤销逮捕决定书", Type: FieldDocument, Required: true},
				{Name: "reason", Label: "撤销理由", Type: FieldTextarea, Required: true},
			},
			Confirm: "撤销后公安机关停止执行逮捕，确定撤销？"},
		{From: []State{ArrestInCustody}, Action: ActionClose, Label: "结束事项", Side: Court, Roles: courtActors,
			To: ArrestClosed, Clause: "S-ASSIST-2", Validate: requireText("note", "结束理由", 2000),
			Fields:  []Field{{Name: "note", Label: "结束理由", Type: FieldTextarea, Required: true, Hint: "如已收押并讯问、通知家属，羁押转入审判程序"}},
			Confirm: "结束后本协作事项即告终结（羁押本身不受影响），确定结束？"},
	}, reviewTransitions(arrestOpen, arrestAll)...),
}

// validateArrest: {"decision_digest", "approved_by", "approved_at",
// "criminal_case_number" (a 刑 case), "proceeding", "charge",
// "defendant_name", "reason"}.
func validateArrest(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needDigest(m, "decision_digest", "逮捕决定书摘要"); err != nil {
		return err
	}
	if err := needApproval(m); err != nil {
		return err
	}
	cs, err := text(m, "criminal_case_number", "刑事案号", 64)
	if err != nil {
		return err
	}
	if cs == "" {
		return apperr.Invalidf("criminal_case_number", CodePayload, "请填写“刑事案号”")
	}
	cn, err := ident.ParseCaseNumber(cs)
	if err != nil {
		return apperr.Invalidf("criminal_case_number", CodePayload, "%s", err.Error())
	}
	if !strings.HasPrefix(cn.Type, "刑") {
		return apperr.Invalidf("criminal_case_number", CodePayload, "“%s”不是刑事案件案号（应为“刑初”等刑事案件类型代字）", cn.String())
	}
	if _, err := oneOf(m, "proceeding", "诉讼程序", arrestProceedings); err != nil {
		return err
	}
	if _, err := oneOf(m, "charge", "罪名", transferCrimes); err != nil {
		return err
	}
	if err := needText(m, "defendant_name", "被告人姓名", 100); err != nil {
		return err
	}
	_, err = text(m, "reason", "逮捕理由", 2000)
	return err
}

// validateExecuteArrest: {"warrant_no", "arrested_at", "place",
// "officers"}; at least two officers execute an arrest (公安机关办理刑事案件程序
// 规定 art. 143).
func validateExecuteArrest(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "warrant_no", "逮捕证编号", 64); err != nil {
		return err
	}
	if _, err := needTime(m, "arrested_at", "逮捕时间"); err != nil {
		return err
	}
	if err := needText(m, "place", "逮捕地点", 200); err != nil {
		return err
	}
	officers, err := text(m, "officers", "执行逮捕人员", 200)
	if err != nil {
		return err
	}
	names := strings.FieldsFunc(officers, func(r rune) bool { return strings.ContainsRune("、，,；; ", r) })
	if len(names) < 2 && !strings.Contains(officers, "等") {
		return apperr.Invalidf("officers", CodePayload, "执行逮捕的人员不得少于二人（公安机关办理刑事案件程序规定第一百四十三条），请以顿号分隔填写姓名")
	}
	return nil
}

// validateTakeIntoCustody: {"facility" (the 看守所's unit code),
// "custody_at", "custody_no"}.
func validateTakeIntoCustody(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "facility", "看守所", 64); err != nil {
		return err
	}
	if _, err := needTime(m, "custody_at", "收押时间"); err != nil {
		return err
	}
	_, err = text(m, "custody_no", "收押编号", 64)
	return err
}

// validateRefuseCustody: {"reason": a custodyRefusals code, "detail"}.
var validateRefuseCustody = legalRefusal("不予收押的法定情形", "具体事实（如入所健康检查结论）", custodyRefusalChoices)

// validateArrestFamily: {"notice_digest" (逮捕通知书), "notified",
// "notified_at", "method"}.
var validateArrestFamily = familyNotice("逮捕通知书摘要")

// validateQuestion: {"questioned_at", "place", "note"}.
func validateQuestion(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if _, err := needTime(m, "questioned_at", "讯问时间"); err != nil {
		return err
	}
	if _, err := text(m, "place", "讯问地点", 200); err != nil {
		return err
	}
	_, err = text(m, "note", "备注", 2000)
	return err
}

// validateChangeMeasure: {"outcome", "decision_digest", "reason"}.
func validateChangeMeasure(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if _, err := oneOf(m, "outcome", "决定", measureOutcomes); err != nil {
		return err
	}
	if err := needDigest(m, "decision_digest", "决定书摘要"); err != nil {
		return err
	}
	return needText(m, "reason", "理由", 2000)
}

// validateRevoke: {"decision_digest" (撤销逮捕决定书), "reason"}.
func validateRevoke(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needDigest(m, "decision_digest", "撤销逮捕决定书摘要"); err != nil {
		return err
	}
	return needText(m, "reason", "撤销理由", 2000)
}

// validateReleaseCustody: {"released_at", "certificate_no"}.
func validateReleaseCustody(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if _, err := needTime(m, "released_at", "解除羁押时间"); err != nil {
		return err
	}
	_, err = text(m, "certificate_no", "释放证明书编号", 64)
	return err
}
