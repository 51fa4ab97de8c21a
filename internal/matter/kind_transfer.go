package matter

import (
	"encoding/json"
	"strings"

	"liandong/internal/apperr"
	"liandong/internal/directory"
	"liandong/internal/ident"
)

// Criminal case transfer (移送涉嫌犯罪案件, S-CRIME-1/2): the enforcing court
// transfers a suspected 拒不执行判决、裁定罪 (刑法 art. 313), 妨害公务罪 (art.
// 277) or 非法处置查封、扣押、冻结的财产罪 (art. 314) to a public security
// organ with its 移送函, 执行情况报告 and the evidence in five groups
// (identity; duty to perform; ability to perform; the refusal;
// circumstances and consequences), checked against ONE filing checklist
// (transferChecklist, the seed's 统一立案标准).
//
// The police must accept the materials (S-CRIME-1 应当依法接收移送材料):
// there is no refuse-to-accept action. Accepting is `receive`, which
// records the 受案回执 (公安机关办理刑事案件程序规定 art. 171: 受案登记表 and
// 受案回执) and starts the clocks. Incomplete materials are not a ground to
// refuse either (the same rules, art. 180 para. 2, for transfers from
// administrative organs: 不得以材料不全为由不接受移送案件); the police say
// what is missing through the review suggestion (S-DOC-2) and the court
// answers.
//
// The clocks, all from receipt and all in calendar days with the 民诉法 art.
// 85 / 刑诉法 art. 105 rule that a period ending on a holiday ends on the next
// working day (workday.Days):
//   - criminal_reply_seed, 15 days: the seed's written answer when not
//     filing (S-CRIME-2);
//   - criminal_decide_2025, 7 days, and criminal_decide_2025_complex, 30
//     days: the filing decision under 法发〔2025〕8号. Both start at receipt,
//     as summons' two questioning limits do, because both count from the
//     same moment; mark_complex stops the 7-day clock. The 30-day clock is
//     the outer bound and can never fall due before the 7-day one, so the
//     matter's due time stays the stricter;
//   - private_prosecution, 60 days: no written answer by then, and the
//     court is told that private prosecution is open (ClockRule.OverdueNote;
//     法释〔2024〕13号 art. 14).
//
// Decision: not filing is TWO acts, decline then answer_in_writing. 法发
// 〔2025〕8号 gives the police 7 (or 30) days to DECIDE and then another 7
// days from the decision to send the letter to the court; the decision
// needs the approval of a county-level bureau head (公安机关办理刑事案件程序
// 规定 art. 178) and the letter is a separate document served on the court.
// One act would lose the decision date on which the second clock starts.
// Police who decide and write the same day do both acts in a row.
//
// Decision: no reconsideration (复议) by the court. The rules in shared/law
// give 复议 of a not-file decision to the complainant (控告人, art. 179) and
// to an administrative organ that transferred the case (art. 181); a court
// is neither, and nothing in the texts there gives it one. The court's
// remedies that the law does give are recorded instead: asking the
// procuratorate to supervise the filing (立案监督: art. 182 obliges the
// police to explain to the procuratorate within 7 days and to file within 15
// days when it so notifies), and, after 60 days without a written answer,
// the applicant's private prosecution (法释〔2024〕13号 art. 14). Police may
// still file after declining when new facts appear or the procuratorate
// notifies them (art. 178 para. 3, art. 182 para. 2).
const (
	TransferSent      State = "transferred"
	TransferReceived  State = "received"
	TransferDeclined  State = "declined"
	TransferAnswered  State = "answered"
	TransferFiled     State = "filed"
	TransferWithdrawn State = "withdrawn"
	TransferClosed    State = "closed"
)

// Transfer actions.
const (
	ActionReceive            = "receive"
	ActionMarkComplex        = "mark_complex"
	ActionFileCase           = "file_case"
	ActionDecline            = "decline"
	ActionAnswerInWriting    = "answer_in_writing"
	ActionRequestSupervision = "request_supervision"
	ActionWithdrawTransfer   = "withdraw" // the court withdraws the transfer (same action name as other kinds' withdrawals)
)

// CodeChecklist is the error code of a transfer that lacks a required item
// of the filing checklist.
const CodeChecklist = "matter.transfer_checklist"

var (
	transferOpen = []State{TransferSent, TransferReceived, TransferDeclined, TransferAnswered}
	transferAll  = append(append([]State(nil), transferOpen...), TransferFiled, TransferWithdrawn, TransferClosed)
)

// transferCrimes are the crimes the seed names (S-CRIME-1), stable codes.
var transferCrimes = []choice{
	{"refuse_judgment", "拒不执行判决、裁定罪"},
	{"obstruct_official", "妨害公务罪"},
	{"dispose_sealed", "非法处置查封、扣押、冻结的财产罪"},
}

// transferCategories are the groups of the checklist: the transfer papers
// and the five groups of evidence (FLOWS.md, criminal transfers).
var transferCategories = []choice{
	{"papers", "移送文书"},
	{"identity", "身份"},
	{"duty", "履行义务"},
	{"ability", "履行能力"},
	{"refusal", "拒不履行"},
	{"consequences", "情节后果"},
}

// checkItem is one item of the filing checklist: a document whose SM3
// digest the creation payload carries under Field.
type checkItem struct {
	Field    string
	Label    string // Chinese
	Category string // a transferCategories code
	Required bool
	// Crimes limits Required to these crime codes; nil means every crime.
	Crimes []string
	Hint   string
}

// transferChecklist is THE filing checklist (S-CRIME-1 统一立案标准): one
// table for every court and bureau; a change of the agreed standard is a
// change of one row. Items required for one crime only say so in Crimes.
// The ability to perform is an element of 拒执罪 alone (刑法 art. 313 有能力
// 执行而拒不执行; 法释〔2024〕13号 art. 5).
var transferChecklist = []checkItem{
	{"transfer_letter", "移送函", "papers", true, nil, "载明涉嫌罪名、犯罪嫌疑人和移送理由，加盖院章"},
	{"enforcement_report", "执行情况报告", "papers", true, nil, "执行经过、已采取的执行措施和被执行人的表现"},
	{"identity_evidence", "犯罪嫌疑人身份证明", "identity", true, nil, "身份证、户籍证明；单位为营业执照及法定代表人、直接责任人员的身份证明"},
	{"judgment_evidence", "生效法律文书及生效证明", "duty", true, nil, "判决书、裁定书（支付令、调解书、仲裁裁决等及执行裁定，法释〔2024〕13号第二条）；非法处置查封财产的，附查封、扣押、冻结裁定"},
	{"notice_evidence", "执行通知书、报告财产令及送达回证", "duty", true, nil, ""},
	{"ability_evidence", "有能力履行的证据", "ability", true, []string{"refuse_judgment"}, "拒不执行判决、裁定罪必附：财产查询结果、收入、财产转移或处分记录等（法释〔2024〕13号第五条）"},
	{"refusal_evidence", "拒不履行或妨害执行的证据", "refusal", true, nil, "询问笔录、拒不申报或虚假申报财产、违反限制消费令、隐藏转移财产、阻碍执行的视频等"},
	{"measures_evidence", "已采取的罚款、拘留等强制措施决定书", "refusal", false, nil, "法释〔2024〕13号第三条第（四）至（七）项的情形须附"},
	{"consequences_evidence", "情节及后果的证据", "consequences", true, nil, "致使判决、裁定无法执行的说明、申请执行人的损失等（法释〔2024〕13号第三、四、七条）"},
}

// TransferChecklist returns the filing checklist, for pages and tests:
// each item's payload field, label, category label and whether it is
// required for crime ("" = for every crime).
func TransferChecklist(crime string) []ChecklistItem {
	out := make([]ChecklistItem, len(transferChecklist))
	for i, c := range transferChecklist {
		out[i] = ChecklistItem{Field: c.Field, Label: c.Label, Category: labelOf(transferCategories, c.Category), Required: c.requiredFor(crime)}
	}
	return out
}

// ChecklistItem is one item of the filing checklist as TransferChecklist
// reports it.
type ChecklistItem struct {
	Field, Label, Category string
	Required               bool
}

func (c checkItem) requiredFor(crime string) bool {
	if !c.Required {
		return false
	}
	if c.Crimes == nil {
		return true
	}
	for _, x := range c.Crimes {
		if x == crime {
			return true
		}
	}
	return false
}

func labelOf(cs []choice, code string) string {
	for _, c := range cs {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

// transferCreateFields: the case, then one document field per checklist
// item (required in the form when required for every crime).
func transferCreateFields() []Field {
	fs := []Field{
		{Name: "crime", Label: "涉嫌罪名", Type: FieldSelect, Required: true, Options: choiceOptions(transferCrimes)},
		{Name: "suspect_kind", Label: "犯罪嫌疑人类型", Type: FieldSelect, Required: true, Options: choiceOptions(suspectKinds)},
		{Name: "suspect_name", Label: "犯罪嫌疑人（姓名或单位名称）", Type: FieldText, Required: true},
		{Name: "suspect_id", Label: "身份证号码或统一社会信用代码", Type: FieldText, Hint: "自然人填写居民身份证号码，单位填写统一社会信用代码"},
		{Name: "facts", Label: "涉嫌犯罪事实", Type: FieldTextarea, Required: true, Hint: "有能力执行而拒不执行的事实、情节和后果"},
	}
	for _, c := range transferChecklist {
		label := labelOf(transferCategories, c.Category)
		hint := "【" + label + "】" + c.Hint
		fs = append(fs, Field{Name: c.Field, Label: c.Label, Type: FieldDocument, Required: c.Required && c.Crimes == nil, Hint: hint})
	}
	return fs
}

var suspectKinds = []choice{{"person", "自然人"}, {"unit", "单位"}}

// Grounds for not filing (公安机关办理刑事案件程序规定 art. 178).
var declineGrounds = []choice{
	{"no_crime", "没有犯罪事实"},
	{"trivial", "犯罪事实显著轻微，不需要追究刑事责任"},
	{"other_exemption", "具有其他依法不追究刑事责任的情形"},
}

var transferKind = Kind{
	Name: "transfer", Label: "移送涉嫌犯罪案件", Clause: "S-CRIME-1",
	Initial: TransferSent,
	States: []StateInfo{
		{TransferSent, "已移送待接收", false},
		{TransferReceived, "已受案待立案审查", false},
		{TransferDeclined, "已决定不予立案待书面答复", false},
		{TransferAnswered, "已书面答复不予立案", false},
		{TransferFiled, "已立案", true},
		{TransferWithdrawn, "已撤回移送", true},
		{TransferClosed, "已结束", true},
	},
	// A city or county bureau, or its criminal or economic investigation
	// unit: 拒执 cases are handled by either depending on the bureau.
	AddressedTypes: []string{string(directory.CountyBureau), string(directory.CityBureau),
		string(directory.CriminalInvestigation), string(directory.EconomicInvestigation)},
	CreateFields: transferCreateFields(),
	Transitions: append([]Transition{
		{From: []State{NoState}, Action: ActionCreate, Label: "移送涉嫌犯罪案件", Side: Court, Roles: courtActors,
			To: TransferSent, Clause: "S-CRIME-1", Validate: validateTransfer},
		{From: []State{TransferSent}, Action: ActionReceive, Label: "接收移送材料并出具受案回执", Side: Police, Roles: policeActors,
			To: TransferReceived, Clause: "S-CRIME-1", Validate: validateReceive,
			// In the order of their ids, as the clock rows are read back.
			Starts: []ClockID{ClockCriminalDecide2025, ClockCriminalComplex, ClockCriminalReplySeed, ClockPrivateProsecution},
			Fields: []Field{
				{Name: "receipt_no", Label: "受案回执编号", Type: FieldText, Required: true},
				{Name: "received_at", Label: "接收时间", Type: FieldDateTime, Required: true},
				{Name: "register_no", Label: "受案登记表编号", Type: FieldText},
				{Name: "receipt_digest", Label: "受案回执", Type: FieldDocument, Hint: "公安机关办理刑事案件程序规定第一百七十一条"},
			}},
		{From: []State{TransferReceived}, Action: ActionMarkComplex, Label: "认定案情复杂（立案审查延长至 30 日）", Side: Police, Roles: policeActors,
			Stops: []ClockID{ClockCriminalDecide2025}, Clause: "S-CRIME-2", Validate: validateMarkComplex,
			Fields: []Field{
				{Name: "reason", Label: "案情复杂的理由", Type: FieldTextarea, Required: true},
				{Name: "approved_by", Label: "批准的公安机关负责人", Type: FieldText},
			},
			Confirm: "认定案情复杂后，立案审查期限为自接受移送材料之日起 30 日（法发〔2025〕8号），确定？"},
		{From: []State{TransferReceived, TransferDeclined, TransferAnswered}, Action: ActionFileCase, Label: "立案", Side: Police, Roles: policeActors,
			To: TransferFiled, Clause: "S-CRIME-1", Validate: validateFileCase,
			Fields: []Field{
				{Name: "decision_no", Label: "立案决定书文号", Type: FieldText, Required: true},
				{Name: "filed_at", Label: "立案时间", Type: FieldDateTime, Required: true},
				{Name: "charge", Label: "立案罪名", Type: FieldSelect, Options: choiceOptions(transferCrimes)},
				{Name: "decision_digest", Label: "立案决定书", Type: FieldDocument},
			},
			Confirm: "确认已经县级以上公安机关负责人批准立案？"},
		{From: []State{TransferReceived}, Action: ActionDecline, Label: "决定不予立案", Side: Police, Roles: policeActors,
			To: TransferDeclined, Stops: []ClockID{ClockCriminalDecide2025, ClockCriminalComplex}, Starts: []ClockID{ClockCriminalNotify2025},
			Clause: "S-CRIME-2", Validate: validateDecline,
			Fields: []Field{
				{Name: "decision_no", Label: "不予立案决定文号", Type: FieldText, Required: true},
				{Name: "decided_at", Label: "决定时间", Type: FieldDateTime, Required: true},
				{Name: "ground", Label: "不予立案的情形", Type: FieldSelect, Required: true, Options: choiceOptions(declineGrounds)},
				{Name: "reasons", Label: "不予立案的理由", Type: FieldTextarea, Required: true},
				{Name: "approved_by", Label: "批准的公安机关负责人", Type: FieldText},
			},
			Confirm: "不予立案须经县级以上公安机关负责人批准（公安机关办理刑事案件程序规定第一百七十八条），并应自决定之日起 7 日内书面告知人民法院。确认？"},
		{From: []State{TransferDeclined}, Action: ActionAnswerInWriting, Label: "送达书面答复", Side: Police, Roles: policeActors,
			To: TransferAnswered, Stops: []ClockID{ClockCriminalNotify2025, ClockCriminalReplySeed, ClockPrivateProsecution},
			Clause: "S-CRIME-2", Validate: validateAnswerInWriting,
			Fields: []Field{
				{Name: "reply_digest", Label: "不予立案通知书（书面答复）", Type: FieldDocument, Required: true, Hint: "写明不予立案的理由"},
				{Name: "reply_no", Label: "文书编号", Type: FieldText},
				{Name: "sent_at", Label: "送达时间", Type: FieldDateTime, Required: true},
				noteField,
			}},
		{From: []State{TransferReceived, TransferDeclined, TransferAnswered}, Action: ActionRequestSupervision, Label: "登记提请检察院立案监督",
			Side: Court, Roles: courtActors, Clause: "S-CRIME-2", Validate: validateRequestSupervision,
			Fields: []Field{
				{Name: "procuratorate", Label: "人民检察院", Type: FieldText, Required: true},
				{Name: "requested_on", Label: "提请日期", Type: FieldDate, Required: true},
				{Name: "note", Label: "提请理由", Type: FieldTextarea},
			}},
		{From: []State{TransferSent, TransferReceived}, Action: ActionWithdrawTransfer, Label: "撤回移送", Side: Court, Roles: courtActors,
			To: TransferWithdrawn, Clause: "S-CRIME-1", Validate: requireText("reason", "撤回理由", 2000),
			Fields:  reasonForm("reason", "撤回理由"),
			Confirm: "撤回后公安机关不再审查本案，确定撤回移送？"},
		{From: []State{TransferAnswered}, Action: ActionClose, Label: "结束事项", Side: Court, Roles: courtActors,
			To: TransferClosed, Clause: "S-CRIME-2", Validate: requireText("note", "结束理由", 2000),
			Fields:  []Field{{Name: "note", Label: "结束理由", Type: FieldTextarea, Required: true}},
			Confirm: "结束后本移送事项即告终结，确定结束？"},
	}, reviewTransitions(transferOpen, transferAll)...),
}

// validateTransfer: {"crime", "suspect_kind", "suspect_name", "suspect_id",
// "facts"} and one SM3 digest per checklist item. A missing required item
// is refused with CodeChecklist naming it and its category.
func validateTransfer(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	crime, err := oneOf(m, "crime", "涉嫌罪名", transferCrimes)
	if err != nil {
		return err
	}
	kind, err := oneOf(m, "suspect_kind", "犯罪嫌疑人类型", suspectKinds)
	if err != nil {
		return err
	}
	if err := needText(m, "suspect_name", "犯罪嫌疑人（姓名或单位名称）", 200); err != nil {
		return err
	}
	id, err := text(m, "suspect_id", "身份证号码或统一社会信用代码", 32)
	if err != nil {
		return err
	}
	if id != "" {
		if kind == "person" {
			if _, err := ident.ParseResidentID(id); err != nil {
				return apperr.Invalidf("suspect_id", CodePayload, "%s", err.Error())
			}
		} else if _, err := ident.ParseCreditCode(id); err != nil {
			return apperr.Invalidf("suspect_id", CodePayload, "%s", err.Error())
		}
	}
	if err := needText(m, "facts", "涉嫌犯罪事实", 4000); err != nil {
		return err
	}
	crimeLabel := labelOf(transferCrimes, crime)
	for _, c := range transferChecklist {
		s, err := text(m, c.Field, c.Label, 64)
		if err != nil {
			return err
		}
		if s == "" {
			if c.requiredFor(crime) {
				return apperr.Invalidf(c.Field, CodeChecklist, "移送材料不全：缺少“%s”（%s类）。按统一立案标准，移送%s须附此项",
					c.Label, labelOf(transferCategories, c.Category), crimeLabel)
			}
			continue
		}
		if !digestPattern.MatchString(strings.ToLower(s)) {
			return apperr.Invalidf(c.Field, CodePayload, "“%s”无效，应为 64 位十六进制 SM3 摘要", c.Label)
		}
	}
	return nil
}

// validateReceive: {"receipt_no", "received_at", "register_no",
// "receipt_digest"}: the 受案回执 the police give the court.
func validateReceive(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "receipt_no", "受案回执编号", 64); err != nil {
		return err
	}
	if _, err := needTime(m, "received_at", "接收时间"); err != nil {
		return err
	}
	if _, err := text(m, "register_no", "受案登记表编号", 64); err != nil {
		return err
	}
	return optDigest(m, "receipt_digest", "受案回执")
}

// validateMarkComplex: {"reason", "approved_by"}.
func validateMarkComplex(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "reason", "案情复杂的理由", 2000); err != nil {
		return err
	}
	_, err = text(m, "approved_by", "批准的公安机关负责人", 64)
	return err
}

// validateFileCase: {"decision_no", "filed_at", "charge", "decision_digest"}.
func validateFileCase(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "decision_no", "立案决定书文号", 64); err != nil {
		return err
	}
	if _, err := needTime(m, "filed_at", "立案时间"); err != nil {
		return err
	}
	if c, err := text(m, "charge", "立案罪名", 64); err != nil {
		return err
	} else if c != "" {
		if _, err := oneOf(m, "charge", "立案罪名", transferCrimes); err != nil {
			return err
		}
	}
	return optDigest(m, "decision_digest", "立案决定书")
}

// validateDecline: {"decision_no", "decided_at", "ground", "reasons",
// "approved_by"}: a decision with its legal ground and reasons.
func validateDecline(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "decision_no", "不予立案决定文号", 64); err != nil {
		return err
	}
	if _, err := needTime(m, "decided_at", "决定时间"); err != nil {
		return err
	}
	if _, err := oneOf(m, "ground", "不予立案的情形", declineGrounds); err != nil {
		return err
	}
	if err := needText(m, "reasons", "不予立案的理由", 4000); err != nil {
		return err
	}
	_, err = text(m, "approved_by", "批准的公安机关负责人", 64)
	return err
}

// validateAnswerInWriting: {"reply_digest", "reply_no", "sent_at", "note"}:
// the written answer itself must be attached.
func validateAnswerInWriting(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needDigest(m, "reply_digest", "不予立案通知书（书面答复）"); err != nil {
		return err
	}
	if _, err := text(m, "reply_no", "文书编号", 64); err != nil {
		return err
	}
	if _, err := needTime(m, "sent_at", "送达时间"); err != nil {
		return err
	}
	_, err = text(m, "note", "备注", 2000)
	return err
}

// validateRequestSupervision: {"procuratorate", "requested_on", "note"}.
func validateRequestSupervision(p json.RawMessage) error {
	m, err := object(p)
	if err != nil {
		return err
	}
	if err := needText(m, "procuratorate", "人民检察院", 100); err != nil {
		return err
	}
	if _, err := needDate(m, "requested_on", "提请日期"); err != nil {
		return err
	}
	_, err = text(m, "note", "提请理由", 2000)
	return err
}

// optDigest accepts an absent field or a document's SM3 digest.
func optDigest(m map[string]json.RawMessage, name, label string) error {
	s, err := text(m, name, label, 64)
	if err != nil || s == "" {
		return err
	}
	return needDigest(m, name, label)
}
