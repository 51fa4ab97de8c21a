package matter

import (
	"fmt"
	"time"

	"liandong/internal/db"
	"liandong/internal/workday"
)

// ClockID names a clock rule.
type ClockID string

// The clocks. Every deadline in the system comes from this table.
const (
	ClockInfoRequest        ClockID = "info_request"
	ClockTakeover           ClockID = "takeover"
	ClockSummonsQuestioning ClockID = "summons_questioning"
	ClockSummonsComplex     ClockID = "summons_questioning_complex"
	ClockDetentionTerm      ClockID = "detention_term"
	ClockFamilyNotice       ClockID = "family_notice"
	ClockDetentionQuery     ClockID = "detention_query"
	ClockReconsiderApply    ClockID = "reconsideration_apply"
	ClockReconsiderDecide   ClockID = "reconsideration_decide"
	ClockCriminalReplySeed  ClockID = "criminal_reply_seed"
	ClockCriminalDecide2025 ClockID = "criminal_decide_2025"
	ClockCriminalComplex    ClockID = "criminal_decide_2025_complex"
	ClockCriminalNotify2025 ClockID = "criminal_notify_2025"
	ClockPrivateProsecution ClockID = "private_prosecution"
	ClockVehicleSealTerm    ClockID = "vehicle_seal_term"
	ClockVehicleAccept      ClockID = "vehicle_seal_accept"
	ClockVehicleRenewal     ClockID = "vehicle_seal_renewal"
	ClockVehicleUnseal      ClockID = "vehicle_unseal"
	ClockVehicleControl     ClockID = "vehicle_control"
	ClockVehicleTakeover    ClockID = "vehicle_takeover"
	ClockCreditRemoval      ClockID = "credit_removal"
	ClockCreditCorrection   ClockID = "credit_correction_review"
	ClockAnomalyNotice      ClockID = "anomaly_notice"
	ClockExitbanLift        ClockID = "exitban_lift"
	ClockDispatchAck        ClockID = "dispatch_ack"
	ClockDispatchArrive     ClockID = "dispatch_arrive"
	ClockArrestCustody      ClockID = "arrest_custody"
	ClockArrestFamily       ClockID = "arrest_family_notice"
	ClockArrestQuestioning  ClockID = "arrest_questioning"
)

// ClockRule is one row of the clock table.
type ClockRule struct {
	ID    ClockID
	Label string // Chinese: 公安反馈查询请求
	N     int
	Unit  workday.Unit
	// Owner is the side that must act before the deadline: it is notified
	// when the clock runs out, and its leader on escalation.
	Owner        Side
	Source       string // the legal source of the number
	Clause       string // the seed clause the clock serves
	Configurable bool   // Config.Clocks may override N and Unit
}

// clockTable is THE clock table; read it beside DOMAIN.md's "Rules from the
// wider law". A change of law is a change of one row. Rows that later kinds
// need are here already so the table is complete.
var clockTable = []ClockRule{
	{ClockInfoRequest, "公安机关反馈查找请求", 3, workday.Workdays, Police,
		"DOMAIN.md: on the spot, else within 3 working days in writing — practice (Beijing 2018, Ningxia); configurable", "S-LOC-2", true},
	// The seed says 第一时间 (at once) and gives no number. A controlled
	// person is held on the court's 拘传票 at most 8 hours (24 if complex,
	// 民诉法解释 art. 482), and the court must still question them inside
	// that window, so the court gets a quarter of it to arrive: 2 hours by
	// default; a deployment with long cross-county drives may raise it.
	{ClockTakeover, "法院接收被控制人员", 2, workday.Hours, Court,
		"seed 主要任务(二) 第一时间予以接收; 2 hours chosen to leave questioning time within the 8-hour 拘传 limit (民诉法解释 art. 482); configurable", "S-LOC-3", true},
	{ClockSummonsQuestioning, "拘传询问时限", 8, workday.Hours, Court,
		"民诉法解释 (2022) art. 482", "S-ASSIST-1", false},
	{ClockSummonsComplex, "拘传询问时限（案情复杂、可能拘留）", 24, workday.Hours, Court,
		"民诉法解释 (2022) art. 482", "S-ASSIST-1", false},
	// Counted in hours from the intake instant, not in days under 民诉法
	// art. 85: a detention ends on D+15 (拘留所条例 art. 32) even when that
	// day is a holiday; art. 85's extension would keep a person longer.
	// The row is the 15-day cap; intake's DueFor (detentionTermDue) puts
	// the due time at the end of day D+term for the decision's own term.
	{ClockDetentionTerm, "司法拘留期限", 15 * 24, workday.Hours, Court,
		"民诉法 (2023) art. 118 (at most 15 days); 拘留所条例 art. 32 (intake day D ends on D+15)", "S-ASSIST-2", false},
	{ClockFamilyNotice, "通知被拘留人家属", 24, workday.Hours, Court,
		"民诉法解释 arts. 178–186 (family told within 24 hours)", "S-ASSIST-2", false},
	{ClockDetentionQuery, "法院答复拘留所对错拘的询问", 24, workday.Hours, Court,
		"拘留所条例 arts. 9–12", "S-ASSIST-2", false},
	{ClockReconsiderApply, "申请复议期限", 3, workday.Days, Court,
		"民诉法 (2023) art. 119; 民诉法解释 art. 185", "S-ASSIST-2", false},
	{ClockReconsiderDecide, "上级法院复议决定期限", 5, workday.Days, Court,
		"民诉法解释 art. 185", "S-ASSIST-2", false},
	{ClockCriminalReplySeed, "不予立案书面答复（本地意见）", 15, workday.Days, Police,
		"seed 主要任务(五): written reply within 15 days of receiving the materials", "S-CRIME-2", false},
	{ClockCriminalDecide2025, "立案审查决定（2025 年规定）", 7, workday.Days, Police,
		"法发〔2025〕8号 (from 2025-07-01): filing decision within 7 days", "S-CRIME-2", false},
	{ClockCriminalComplex, "立案审查决定（案情复杂）", 30, workday.Days, Police,
		"法发〔2025〕8号: 30 days if complex", "S-CRIME-2", false},
	{ClockCriminalNotify2025, "不予立案告知法院（2025 年规定）", 7, workday.Days, Police,
		"法发〔2025〕8号: letter to the court within 7 days of deciding not to file", "S-CRIME-2", false},
	// Nobody owes the court an act on day 60: the police owed the written
	// answer long before (15 days by the seed, 7+7 or 30+7 by 法发〔2025〕8号).
	// The clock runs so that the court is told, on the right day, that the
	// applicant may now prosecute privately (法释〔2024〕13号 art. 14: the
	// police not pursuing the debtor's criminal liability).
	{ClockPrivateProsecution, "无书面答复可提起自诉", 60, workday.Days, Police,
		"法〔2018〕147号; 法释〔2024〕13号 art. 14", "S-CRIME-2", false},
	// Arrest custody (逮捕收押, S-ASSIST-2). The arrested person goes to the
	// 看守所 at once (立即) after the arrest; 立即 has no number, so the
	// outer bound the same rules set for a criminal detention (至迟不得超过
	// 二十四小时, art. 126) is used.
	{ClockArrestCustody, "执行逮捕后送看守所羁押", 24, workday.Hours, Police,
		"公安机关办理刑事案件程序规定 (2020) art. 143 (逮捕后立即送看守所羁押); 24 hours as art. 126 bounds 拘留", "S-ASSIST-2", false},
	// The family is told why and where the person is held within 24 hours
	// of the arrest (刑诉法 (2018) art. 93; text not in shared/law). For an
	// arrest the court decided, the court tells them, as it does for a
	// judicial detention; 公安机关办理刑事案件程序规定 art. 145 is the police
	// rule for the arrests they decide on the procuratorate's approval.
	{ClockArrestFamily, "通知被逮捕人家属", 24, workday.Hours, Court,
		"刑诉法 (2018) art. 93 (family told within 24 hours of the arrest); cf. 公安机关办理刑事案件程序规定 art. 145", "S-ASSIST-2", false},
	{ClockArrestQuestioning, "逮捕后讯问", 24, workday.Hours, Court,
		"刑诉法 (2018) art. 94 (court questions whom it decided to arrest within 24 hours of the arrest); cf. 公安机关办理刑事案件程序规定 art. 144", "S-ASSIST-2", false},
	{ClockVehicleSealTerm, "车辆查封期限（2 年，可续封）", 730, workday.Days, Court,
		"民诉法解释 art. 485; 查封扣押冻结规定 art. 27 (movables at most 2 years; 730 days here, renew before expiry)", "S-VEH-2", false},
	// S-VEH-1 says the vehicle administration reviews form only; a court
	// officer bringing the letter is served at the window the same day, so
	// one working day covers a letter sent through the platform.
	{ClockVehicleAccept, "车管所受理查封", 1, workday.Workdays, Police,
		"seed 主要任务(三) 形式审查; 1 working day chosen (same-day window practice); configurable", "S-VEH-1", true},
	// A reminder, counted back from the seal's end: due N days before the
	// term ends (the due time is the register's expiry minus N days).
	{ClockVehicleRenewal, "车辆查封续封提醒（期满前）", 30, workday.Days, Court,
		"民诉法解释 art. 485 (续封 before expiry); 30 days' notice chosen; configurable", "S-VEH-2", true},
	// 立即 (S-VEH-3): carried out on receipt by the system; the clock
	// catches an unseal that did not go through (node or link down).
	{ClockVehicleUnseal, "解除车辆查封", 30, workday.Minutes, Police,
		"seed 主要任务(三) 解封立即办理; carried out automatically on receipt, 30 minutes catch a failure; configurable", "S-VEH-3", true},
	{ClockVehicleControl, "公安机关布控车辆", 1, workday.Workdays, Police,
		"seed 主要任务(三) 布控拦截; 1 working day chosen; configurable", "S-VEH-4", true},
	// 第一时间 (S-VEH-5) with no number; an intercepted car waits at an
	// impound lot, not a person in custody, and the court may have to cross
	// counties: 24 hours, or a court of the place takes it over on its
	// behalf (代为接收).
	{ClockVehicleTakeover, "法院接收被拦截车辆", 24, workday.Hours, Court,
		"seed 主要任务(三) 第一时间接收; 24 hours chosen; configurable", "S-VEH-5", true},
	{ClockCreditRemoval, "失信名单删除", 3, workday.Workdays, Court,
		"失信规定 (2017) art. 10", "S-CREDIT-2", false},
	{ClockCreditCorrection, "失信名单纠正审查", 15, workday.Days, Court,
		"失信规定 (2017) arts. 11–12 (application; review within 15 days, correction within 3 working days)", "S-CREDIT-2", false},
	{ClockAnomalyNotice, "系统异常通知对方", 24, workday.Hours, Court,
		"seed 工作机制(一)1: within 24 hours", "S-ANOM", false},
	// The law says 及时 (promptly) and gives no number. A restriction kept
	// after the debtor performed stops a lawful journey, and border control
	// runs around the clock, so the lift should be lodged the same day;
	// 24 hours leaves room for the provincial level that relays 边控 and
	// is what the other "notify promptly" rules here use (family notice,
	// anomaly notice). Configurable for a deployment that agrees less.
	{ClockExitbanLift, "公安机关撤销边控（解除限制出境）", 24, workday.Hours, Police,
		"执行程序解释 art. 25 (及时解除); 出境入境管理法 art. 65 (及时通知出入境边防检查机关); 24 hours chosen, configurable", "S-ASSIST-1", true},
	// 110 practice is to take a call at once and send officers the same
	// minute. The court officer raised the call from the scene of violent
	// resistance, so the command centre's acknowledgement is the first
	// thing to watch: 5 minutes, then the leader hears of it. Arrival is
	// the second: local 110 commitments are typically 5–10 minutes in town
	// and 15–20 in the countryside; 20 minutes covers the rural counties.
	// Both configurable for a deployment with its own commitments.
	{ClockDispatchAck, "指挥中心接警", 5, workday.Minutes, Police,
		"seed 主要任务(四) 及时出警; 110 practice takes a call at once — 5 minutes chosen; configurable", "S-ASSIST-3", true},
	{ClockDispatchArrive, "出警民警到达现场", 20, workday.Minutes, Police,
		"seed 主要任务(四) 及时出警; local 110 arrival commitments 城区 5–10 分钟, 农村 15–20 分钟 — 20 minutes chosen; configurable", "S-ASSIST-3", true},
}

// overdueNotes are what the people told when a clock runs out must also
// read, by rule, beside the generic notice (scheduler.go). Kept beside the
// table rather than as a column so the rows stay one line of law each.
var overdueNotes = map[ClockID]string{
	ClockPrivateProsecution: "已满 60 日未收到公安机关书面答复，申请执行人可依法向人民法院提起自诉（法释〔2024〕13号第十四条）",
}

// bases are the clocks' legal bases as users read them (Chinese, short):
// Source is the engineers' note with the reasoning; Basis is what a page
// shows beside a deadline.
var bases = map[ClockID]string{
	ClockInfoRequest:        "当场反馈，不能当场反馈的 3 个工作日内书面反馈（联动机制约定，可配置）",
	ClockTakeover:           "第一时间接收（联动机制）；留足拘传询问时间（民诉法解释第四百八十二条），默认 2 小时，可配置",
	ClockSummonsQuestioning: "民诉法解释第四百八十二条：拘传询问不超过 8 小时",
	ClockSummonsComplex:     "民诉法解释第四百八十二条：情况复杂、可能采取拘留措施的，不超过 24 小时",
	ClockDetentionTerm:      "民事诉讼法第一百一十八条：拘留期限不超过 15 日；拘留所条例第三十二条",
	ClockFamilyNotice:       "民诉法解释：拘留后 24 小时内通知家属",
	ClockDetentionQuery:     "拘留所条例第九条至第十二条",
	ClockReconsiderApply:    "民事诉讼法第一百一十九条；民诉法解释第一百八十五条：3 日内申请复议",
	ClockReconsiderDecide:   "民诉法解释第一百八十五条：上级法院 5 日内作出复议决定",
	ClockCriminalReplySeed:  "联动机制：收到移送材料之日起 15 日内书面答复",
	ClockCriminalDecide2025: "法发〔2025〕8号：7 日内作出是否立案决定",
	ClockCriminalComplex:    "法发〔2025〕8号：案情复杂的 30 日内作出是否立案决定",
	ClockCriminalNotify2025: "法发〔2025〕8号：决定不予立案的 7 日内书面告知法院",
	ClockPrivateProsecution: "法〔2018〕147号；法释〔2024〕13号第十四条：60 日内未答复的可提起自诉",
	ClockArrestCustody:      "刑事诉讼法第九十三条：逮捕后立即送看守所羁押",
	ClockArrestFamily:       "刑事诉讼法第九十三条：逮捕后 24 小时内通知家属",
	ClockArrestQuestioning:  "刑事诉讼法第九十四条：逮捕后 24 小时内讯问",
	ClockVehicleSealTerm:    "民诉法解释第四百八十五条；查封扣押冻结规定第二十七条：动产查封不超过 2 年，期满可续封",
	ClockVehicleAccept:      "联动机制：车管所形式审查后受理，默认 1 个工作日，可配置",
	ClockVehicleRenewal:     "民诉法解释第四百八十五条：续封应在期限届满前办理；期满前 30 日提醒，可配置",
	ClockVehicleUnseal:      "联动机制：解除查封立即办理；收到即自动办理，30 分钟未办结提示，可配置",
	ClockVehicleControl:     "联动机制：布控拦截，默认 1 个工作日内布控，可配置",
	ClockVehicleTakeover:    "联动机制：第一时间接收被拦截车辆，默认 24 小时，可配置",
	ClockCreditRemoval:      "失信规定第十条：3 个工作日内删除",
	ClockCreditCorrection:   "失信规定第十二条：15 日内审查",
	ClockAnomalyNotice:      "联动机制：系统异常 24 小时内通知对方",
	ClockExitbanLift:        "执行程序解释第二十五条、出境入境管理法第六十五条：及时解除；默认 24 小时，可配置",
	ClockDispatchAck:        "联动机制：及时出警；默认 5 分钟内接警，可配置",
	ClockDispatchArrive:     "联动机制：及时出警；默认 20 分钟内到场，可配置",
}

// Basis is the rule's legal basis as a user reads it (Chinese); the
// engineers' Source when none is written.
func (r ClockRule) Basis() string {
	if b := bases[r.ID]; b != "" {
		return b
	}
	return r.Source
}

// OverdueNote is the rule's own line for the overdue notice, "" when the
// generic notice says it all.
func (r ClockRule) OverdueNote() string { return overdueNotes[r.ID] }

// Clocks returns the clock table.
func Clocks() []ClockRule { return append([]ClockRule(nil), clockTable...) }

func ruleByID(id ClockID) (ClockRule, bool) {
	for _, r := range clockTable {
		if r.ID == id {
			return r, true
		}
	}
	return ClockRule{}, false
}

// Period overrides a configurable clock.
type Period struct {
	N    int
	Unit workday.Unit
}

// Clock returns the rule id as this configuration applies it.
func (c Config) Clock(id ClockID) (ClockRule, error) {
	r, ok := ruleByID(id)
	if !ok {
		return ClockRule{}, fmt.Errorf("unknown clock %s", id)
	}
	if p, ok := c.Clocks[id]; ok {
		if !r.Configurable {
			return ClockRule{}, fmt.Errorf("clock %s is fixed by law (%s) and cannot be configured", id, r.Source)
		}
		r.N, r.Unit = p.N, p.Unit
	}
	return r, nil
}

// ClockStart records in an event that it started a clock and when the
// clock runs out. The due time is fixed when the clock starts and signed
// with the event, so both nodes agree on it whatever their configuration
// or holiday calendar later says.
type ClockStart struct {
	ID   ClockID      `json:"id"`
	N    int          `json:"n"`
	Unit workday.Unit `json:"unit"`
	Due  time.Time    `json:"due"`
}

// start computes the ClockStarts of an act at time at.
func (c Config) start(ids []ClockID, at time.Time) ([]ClockStart, error) {
	var out []ClockStart
	for _, id := range ids {
		r, err := c.Clock(id)
		if err != nil {
			return nil, err
		}
		due, err := c.Calendar.Due(at, r.N, r.Unit)
		if err != nil {
			return nil, fmt.Errorf("clock %s: %w", id, err)
		}
		out = append(out, ClockStart{ID: id, N: r.N, Unit: r.Unit, Due: db.Time(due)})
	}
	return out, nil
}

// Deadline is one started clock of a matter, derived from its events.
type Deadline struct {
	Clock      ClockID
	StartedSeq int64
	StartedAt  time.Time
	Due        time.Time
	StoppedSeq int64 // 0 while running
	StoppedAt  *time.Time
}

// Running reports whether the clock still runs.
func (d Deadline) Running() bool { return d.StoppedSeq == 0 }

// Label is the clock's Chinese name.
func (d Deadline) Label() string {
	if r, ok := ruleByID(d.Clock); ok {
		return r.Label
	}
	return string(d.Clock)
}
