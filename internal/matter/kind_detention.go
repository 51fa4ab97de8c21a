package matter

import (
	"encoding/json"
	"slices"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/connector"
	"liandong/internal/directory"
)

// Judicial detention (司法拘留/收押, S-ASSIST-2): the court decides with a
// 拘留决定书 approved by the president (民诉法 (2023) arts. 118–119), for 1
// to 15 days, and addresses the matter to a detention centre (拘留所). Its
// judicial police deliver the person (送拘); the centre takes them in (收拘)
// on the court's papers (拘留所条例 art. 9) or refuses on a legal ground
// only, with the ground as a structured code (art. 12); the court may then
// close the matter or deliver again. From intake: family told within 24
// hours (拘留通知书), the term runs, early release by 提前解除拘留决定书,
// reconsideration (复议) that does not suspend the detention, and queries
// from the centre on a possibly wrong detention answered within 24 hours
// (art. 12). The centre records the actual release.
//
// refuse_intake is not a police refusal of the measure (S-DOC-2): S-DOC-2
// forbids police to refuse on the substance of the court's decision. The
// detention centre refusing to take in a person whom the law itself exempts
// from execution — 70 or older, pregnant, nursing a baby under one, some
// minors (拘留所条例 art. 12 with 治安管理处罚法 art. 21), or a grave illness
// (art. 19) — is a ground the seed's intake rule allows (DOMAIN.md: "may
// refuse only on legal grounds … with a structured reason"). Only those
// codes are accepted, each with its basis; free-text refusals are not. The
// court decides what follows (close, or redeliver when the ground does not
// hold).
//
// Arrest custody (逮捕收押) is NOT in this kind: an arrest is a criminal
// measure with no 15-day term, no art. 32 day counting and a 看守所 instead
// of a 拘留所; it belongs with the criminal-transfer kinds (S-CRIME) as its
// own kind rather than as a flag that would make half of this table wrong.
const (
	DetentionDecided   State = "decided"
	DetentionDelivered State = "delivered"
	DetentionRefused   State = "refused"
	DetentionHeld      State = "detained"
	DetentionReleasing State = "release_ordered"
	DetentionReleased  State = "released"
	DetentionClosed    State = "closed"
)

// Detention actions.
const (
	ActionDeliver          = "deliver"
	ActionIntake           = "intake"
	ActionRefuseIntake     = "refuse_intake"
	ActionRedeliver        = "redeliver"
	ActionNotifyFamily     = "notify_family"
	ActionEarlyRelease     = "early_release"
	ActionRelease          = "release"
	ActionReconsideration  = "reconsideration"
	ActionDecideReconsider = "decide_reconsideration"
	ActionRaiseQuery       = "raise_query"
	ActionAnswerQuery      = "answer_query"
)

var (
	// 送拘 is the judicial police's work (access policy: 司法警察办理送拘).
	deliverers    = []directory.Role{directory.CourtOfficer, directory.CourtLeader, directory.JudicialPolice}
	detentionOpen = []State{DetentionDecided, DetentionDelivered, DetentionRefused, DetentionHeld, DetentionReleasing}
	detentionAll  = append(append([]State(nil), detentionOpen...), DetentionReleased, DetentionClosed)
	inCustody     = []State{DetentionHeld, DetentionReleasing}
)

var detentionKind = Kind{
	Name: "detention", Label: "司法拘留", Clause: "S-ASSIST-2",
	Initial: DetentionDecided,
	States: []StateInfo{
		{DetentionDecided, "已决定待送拘", false},
		{DetentionDelivered, "已送拘待收拘", false},
		{DetentionRefused, "拘留所依法不予收拘", false},
		{DetentionHeld, "拘留执行中", false},
		{DetentionReleasing, "已决定提前解除", false},
		{DetentionReleased, "已解除拘留", true},
		{DetentionClosed, "已结束", true},
	},
	AddressedTypes: []string{string(directory.DetentionCenter)},
	CreateFields: []Field{
		{Name: "decision_digest", Label: "拘留决定书", Type: FieldDocument, Required: true, Hint: "上传经院长批准的拘留决定书"},
		approvedByField,
		approvedAtField,
		{Name: "term_days", Label: "拘留期限（日）", Type: FieldNumber, Required: true, Hint: "1 至 15 日（民事诉讼法第一百一十八条）"},
		{Name: "reason", Label: "拘留理由", Type: FieldTextarea},
	},
	Transitions: append([]Transition{
		{From: []State{NoState}, Action: ActionCreate, Label: "发起司法拘留", Side: Court, Roles: courtActors,
			To: DetentionDecided, Clause: "S-ASSIST-2", Validate: validateDetention},
		{From: []State{DetentionDecided}, Action: ActionDeliver, Label: "送拘", Side: Court, Roles: deliverers,
			To: DetentionDelivered, Clause: "S-ASSIST-2", Validate: validateDeliver,
			Fields: deliverFields},
		{From: []State{DetentionRefused}, Action: ActionRedeliver, Label: "重新送拘", Side: Court, Roles: deliverers,
			To: DetentionDelivered, Clause: "S-ASSIST-2", Validate: validateRedeliver,
			Fields: append(slices.Clone(deliverFields),
				Field{Name: "note", Label: "重新送拘的理由", Type: FieldTextarea, Required: true, Hint: "不予收拘的情形不成立或已消失的事实"}),
			Confirm: "拘留所已依法不予收拘。确认不予收拘的情形不成立或已消失，重新送拘？"},
		{From: []State{DetentionDelivered}, Action: ActionIntake, Label: "收拘", Side: Police, Roles: policeActors,
			To: DetentionHeld, Starts: []ClockID{ClockDetentionTerm, ClockFamilyNotice}, Clause: "S-ASSIST-2",
			Validate: validateIntake, DueFor: detentionTermDue,
			Fields: []Field{
				{Name: "intake_at", Label: "收拘时间", Type: FieldDateTime, Required: true},
				{Name: "facility", Label: "收拘场所", Type: FieldText},
				{Name: "intake_id", Label: "收拘编号", Type: FieldText},
				{Name: "term_days", Label: "拘留期限（日）", Type: FieldNumber, Hint: "按拘留决定书填写；填写拘留期满日期时必填"},
				{Name: "release_due", Label: "拘留期满日期", Type: FieldDate,
					Hint: "可不填；填写的，系统按《拘留所条例》第三十二条核对：收拘当日为第 1 日的起算日，期满日为收拘日加拘留日数"},
			}},
		{From: []State{DetentionDelivered}, Action: ActionRefuseIntake, Label: "依法不予收拘", Side: Police, Roles: policeActors,
			To: DetentionRefused, Clause: "S-ASSIST-2", Validate: validateRefuseIntake,
			Fields: []Field{
				{Name: "reason", Label: "不予收拘的法定情形", Type: FieldSelect, Required: true, Options: choiceOptions(refusalChoices())},
				{Name: "detail", Label: "具体事实（如出生日期、医院诊断）", Type: FieldTextarea, Required: true},
			},
			Confirm: "仅限《拘留所条例》第十二条、《治安管理处罚法》第二十一条等法定情形。确认依法不予收拘并通知法院？"},
		{From: []State{DetentionDecided, DetentionRefused}, Action: ActionClose, Label: "结束事项", Side: Court, Roles: courtActors,
			To: DetentionClosed, Clause: "S-ASSIST-2", Validate: requireText("note", "结束理由", 2000),
			Fields:  []Field{{Name: "note", Label: "结束理由", Type: FieldTextarea, Required: true}},
			Confirm: "结束后不再执行本拘留决定，确定结束？"},
		{From: inCustody, Action: ActionNotifyFamily, Label: "通知家属", Side: Court, Roles: deliverers,
			Stops: []ClockID{ClockFamilyNotice}, Clause: "S-ASSIST-2", Validate: validateNotifyFamily,
			Fields: []Field{
				{Name: "notice_digest", Label: "拘留通知书", Type: FieldDocument, Required: true},
				{Name: "notified", Label: "被通知的家属", Type: FieldText, Required: true, Hint: "关系和姓名，如：妻子 王某"},
				{Name: "notified_at", Label: "通知时间", Type: FieldDateTime, Required: true},
				{Name: "method", Label: "通知方式", Type: FieldText, Hint: "如电话并送达拘留通知书"},
			}},
		{From: []State{DetentionHeld}, Action: ActionEarlyRelease, Label: "提前解除拘留", Side: Court, Roles: courtActors,
			To: DetentionReleasing, Clause: "S-ASSIST-2", Validate: validateEarlyRelease,
			Fields: []Field{
				{Name: "decision_digest", Label: "提前解除拘留决定书", Type: FieldDocument, Required: true},
				{Name: "reason", Label: "提前解除理由", Type: FieldTextarea, Required: true},
			},
			Confirm: "提前解除拘留决定书送达拘留所后将解除拘留，不可撤回，确定提前解除？"},
		{From: inCustody, Action: ActionRelease, Label: "解除拘留", Side: Police, Roles: policeActors,
			To: DetentionReleased, Stops: []ClockID{ClockDetentionTerm}, Clause: "S-ASSIST-2", Validate: validateRelease,
			Fields: []Field{
				{Name: "released_at", Label: "解除拘留时间", Type: FieldDateTime, Required: true},
				{Name: "certificate_no", Label: "解除拘留证明书编号", Type: FieldText},
			},
			Confirm: "确认被拘留人已解除拘留出所？"},
		{From: []State{DetentionDecided, DetentionDelivered, DetentionHeld, DetentionReleasing}, Action: ActionReconsideration,
			Label: "登记复议申请", Side: Court, Roles: courtActors,
			Starts: []ClockID{ClockReconsiderDecide}, Clause: "S-ASSIST-2", Validate: validateReconsideration,
			Fields: []Field{
				{Name: "applicant", Label: "申请人", Type: FieldText, Required: true},
				{Name: "served_on", Label: "收到拘留决定书日期", Type: FieldDate, Required: true},
				{Name: "applied_on", Label: "申请复议日期", Type: FieldDate, Required: true, Hint: "自收到决定书之日起三日内（民诉法解释第一百八十五条）"},
			}},
		{From: detentionAll, Action: ActionDecideReconsider, Label: "登记复议决定", Side: Court, Roles: courtActors,
			Stops: []ClockID{ClockReconsiderDecide}, Clause: "S-ASSIST-2", Validate: validateDecideReconsideration,
			Fields: []Field{
				{Name: "outcome", Label: "复议结果", Type: FieldSelect, Required: true, Options: choiceOptions(reconsiderOutcomes),
					Hint: "撤销的，再办理提前解除拘留"},
				{Name: "court", Label: "复议法院", Type: FieldText, Required: true},
				{Name: "decided_on", Label: "复议决定日期", Type: FieldDate, Required: true},
			}},
		{From: []State{DetentionDelivered, DetentionHeld}, Action: ActionRaiseQuery, Label: "提出可能错误拘留的询问", Side: Police, Roles: policeActors,
			Starts: []ClockID{ClockDetentionQuery}, Clause: "S-ASSIST-2", Validate: requireText("question", "询问内容", 2000),
			Fields: []Field{{Name: "question", Label: "询问内容", Type: FieldTextarea, Required: true}}},
		{From: detentionOpen, Action: ActionAnswerQuery, Label: "答复拘留所询问", Side: Court, Roles: courtActors,
			Stops: []ClockID{ClockDetentionQuery}, Clause: "S-ASSIST-2", Validate: requireText("answer", "处理决定", 2000),
			Fields: []Field{{Name: "answer", Label: "处理决定", Type: FieldTextarea, Required: true}}},
	}, reviewTransitions(detentionOpen, detentionAll)...),
}

// validateDetention: {"decision_digest", "approved_by", "approved_at",
// "term_days", "reason"}.
func validateDetention(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needDigest(m, "decision_digest", "拘留决定书摘要"); err != nil {
		return err
	}
	if err := needApproval(m); err != nil {
		return err
	}
	if _, err := needInt(m, "term_days", "拘留期限（日）", 1, connector.MaxTermDays); err != nil {
		return err
	}
	_, err = text(m, "reason", "拘留理由", 2000)
	return err
}

var deliverFields = []Field{
	{Name: "officers", Label: "送拘人员", Type: FieldText, Required: true, Hint: "如：李法警、赵法警"},
	{Name: "delivered_at", Label: "送拘时间", Type: FieldDateTime, Required: true},
}

// validateDeliver: {"officers", "delivered_at"}: the judicial police who
// delivered the person, and when.
func validateDeliver(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "officers", "送拘人员", 200); err != nil {
		return err
	}
	_, err = needTime(m, "delivered_at", "送拘时间")
	return err
}

// validateRedeliver: a delivery plus why the refusal ground does not hold.
func validateRedeliver(p json.RawMessage) error {
	if err := validateDeliver(p); err != nil {
		return err
	}
	return requireText("note", "重新送拘的理由", 2000)(p)
}

// validateIntake: {"intake_at", "facility", "intake_id", "release_due"}.
// release_due is optional; when given it must be the day 拘留所条例 art. 32
// gives for the term the centre read from the decision ("term_days"), so a
// miscounted date is caught at the counter.
func validateIntake(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	at, err := needTime(m, "intake_at", "收拘时间")
	if err != nil {
		return err
	}
	if _, err := text(m, "facility", "收拘场所", 100); err != nil {
		return err
	}
	if _, err := text(m, "intake_id", "收拘编号", 64); err != nil {
		return err
	}
	due, err := text(m, "release_due", "拘留期满日期", 10)
	if err != nil || due == "" {
		return err
	}
	term, err := needInt(m, "term_days", "拘留期限（日）", 1, connector.MaxTermDays)
	if err != nil {
		return err
	}
	want := DetentionReleaseDue(at, term).Format(time.DateOnly)
	if due != want {
		return apperr.Invalidf("release_due", CodePayload, "拘留期满日期应为 %s：%s收拘、拘留 %d 日，从收拘当日到第 2 日为 1 日（《拘留所条例》第三十二条）",
			want, at.In(china).Format("2006年1月2日"), term)
	}
	return nil
}

// detentionTermDue puts the detention_term clock at the end of the
// decision's term (DetentionReleaseDue from the intake act's time) instead
// of the rule's 15-day cap. A creation payload without a valid term (none
// passes validateDetention) keeps the cap.
func detentionTermDue(clock ClockID, _ Matter, create json.RawMessage, at time.Time) (time.Time, bool) {
	if clock != ClockDetentionTerm {
		return time.Time{}, false
	}
	var p struct {
		TermDays int `json:"term_days"`
	}
	if err := json.Unmarshal(create, &p); err != nil || p.TermDays < 1 || p.TermDays > connector.MaxTermDays {
		return time.Time{}, false
	}
	return DetentionReleaseDue(at, p.TermDays), true
}

// DetentionReleaseDue is the end of a detention of termDays taken in at
// intake: counted by day from the day of intake, intake day to the next day
// being one day (拘留所条例 art. 32), so intake on day D ends with day
// D+termDays; the result is the last instant of that day in China time. No
// holiday extension applies (that is 民诉法 art. 85 for procedural periods,
// which would hold a person longer).
func DetentionReleaseDue(intake time.Time, termDays int) time.Time {
	y, mo, d := intake.In(china).Date()
	return time.Date(y, mo, d+termDays+1, 0, 0, 0, 0, china).Add(-time.Nanosecond)
}

// refusalChoices are connector's legal refusal grounds.
func refusalChoices() []choice {
	var out []choice
	for _, r := range connector.RefusalRules() {
		out = append(out, choice{string(r.Reason), r.Label})
	}
	return out
}

// validateRefuseIntake: {"reason": a connector.RefusalReason code,
// "detail": the facts}. The basis is the code's; no free-text ground.
var validateRefuseIntake = legalRefusal("不予收拘的法定情形", "具体事实（如出生日期、医院诊断）", refusalChoices)

// validateNotifyFamily: {"notice_digest", "notified", "notified_at",
// "method"}: the 拘留通知书 and whom it reached, how and when.
var validateNotifyFamily = familyNotice("拘留通知书摘要")

// legalRefusal is the Validate of a refusal on a legal ground chosen from
// choices (拘留所、看守所 may refuse only on the grounds the law lists),
// with the facts in "detail".
func legalRefusal(reasonLabel, detailLabel string, choices func() []choice) func(json.RawMessage) error {
	return func(p json.RawMessage) error {
		m, err := object(p)
		if err != nil {
			return err
		}
		if _, err := oneOf(m, "reason", reasonLabel, choices()); err != nil {
			return err
		}
		return needText(m, "detail", detailLabel, 2000)
	}
}

// familyNotice is the Validate of a notice to the family: {"notice_digest"
// (the 通知书 named by noticeLabel), "notified", "notified_at", "method"}.
func familyNotice(noticeLabel string) func(json.RawMessage) error {
	return func(p json.RawMessage) error {
		m, err := object(p)
		if err != nil {
			return err
		}
		if err := needDigest(m, "notice_digest", noticeLabel); err != nil {
			return err
		}
		if err := needText(m, "notified", "被通知的家属", 100); err != nil {
			return err
		}
		if _, err := needTime(m, "notified_at", "通知时间"); err != nil {
			return err
		}
		_, err = text(m, "method", "通知方式", 100)
		return err
	}
}

// validateEarlyRelease: {"decision_digest", "reason"}.
func validateEarlyRelease(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needDigest(m, "decision_digest", "提前解除拘留决定书摘要"); err != nil {
		return err
	}
	return needText(m, "reason", "提前解除理由", 2000)
}

// validateRelease: {"released_at", "certificate_no"}: the actual release
// and the 解除拘留证明书 (拘留所条例 art. 30).
func validateRelease(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if _, err := needTime(m, "released_at", "解除拘留时间"); err != nil {
		return err
	}
	_, err = text(m, "certificate_no", "解除拘留证明书编号", 64)
	return err
}

// validateReconsideration: {"applicant", "served_on", "applied_on"}: the
// application must come within 3 days of receiving the decision (民诉法解释
// art. 185; counted as 民诉法 art. 85 counts days: the day of receipt is not
// counted). The detention goes on meanwhile (民诉法 art. 119).
func validateReconsideration(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "applicant", "申请人", 100); err != nil {
		return err
	}
	served, err := needDate(m, "served_on", "收到拘留决定书日期")
	if err != nil {
		return err
	}
	applied, err := needDate(m, "applied_on", "申请复议日期")
	if err != nil {
		return err
	}
	if applied.Before(served) {
		return apperr.Invalidf("applied_on", CodePayload, "申请复议日期不能早于收到决定书日期")
	}
	if applied.After(served.AddDate(0, 0, 3)) {
		return apperr.Invalidf("applied_on", CodePayload, "申请复议应自收到决定书之日起三日内提出（民诉法解释第一百八十五条），最迟 %s",
			served.AddDate(0, 0, 3).Format(time.DateOnly))
	}
	return nil
}

var reconsiderOutcomes = []choice{
	{"upheld", "维持"},
	{"revoked", "撤销"},
	{"modified", "变更"},
}

// validateDecideReconsideration: {"outcome", "court", "decided_on"}: the
// higher court's decision as recorded by the deciding court. A revocation
// is followed by early_release.
func validateDecideReconsideration(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if _, err := oneOf(m, "outcome", "复议结果", reconsiderOutcomes); err != nil {
		return err
	}
	if err := needText(m, "court", "复议法院", 100); err != nil {
		return err
	}
	_, err = needDate(m, "decided_on", "复议决定日期")
	return err
}

// needInt needs field name to be an integer in [lo, hi].
func needInt(m map[string]json.RawMessage, name, label string, lo, hi int) (int, error) {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return 0, apperr.Invalidf(name, CodePayload, "请填写“%s”", label)
	}
	var n int
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, apperr.Invalidf(name, CodePayload, "“%s”应为整数", label)
	}
	if n < lo || n > hi {
		return 0, apperr.Invalidf(name, CodePayload, "“%s”应在 %d 至 %d 之间，收到 %d", label, lo, hi, n)
	}
	return n, nil
}

// needDate needs field name to be a date, 2006-01-02.
func needDate(m map[string]json.RawMessage, name, label string) (time.Time, error) {
	s, err := text(m, name, label, 10)
	if err != nil {
		return time.Time{}, err
	}
	if s == "" {
		return time.Time{}, apperr.Invalidf(name, CodePayload, "请填写“%s”", label)
	}
	d, err := time.ParseInLocation(time.DateOnly, s, china)
	if err != nil {
		return time.Time{}, apperr.Invalidf(name, CodePayload, "“%s”应为日期，如 2025-03-03", label)
	}
	return d, nil
}
