package demo

import (
	"time"

	"liandong/internal/connector"
	"liandong/internal/matter"
)

// criminalSpecs are the demo criminal transfers (S-CRIME-1/2) and arrest
// custody matters (S-ASSIST-2), one in every state of each kind. Transfers
// from the intermediate court go to the city bureau's criminal
// investigation detachment, those of the 川汇 court to its bureau; arrests
// are decided by the 川汇 court (which tries 拒执 cases of its district,
// 法释〔2024〕13号 art. 15) and by the intermediate court, executed by the
// bureaus and taken in at the city 看守所. People 26 to 41 and case numbers
// 豫16执3xx / 豫1602执7xx are theirs alone.
func criminalSpecs(now time.Time) []spec {
	at := func(d time.Duration) string { return now.Add(-d).In(china).Format("2006-01-02 15:04") }
	day := func(n int) string { return now.AddDate(0, 0, -n).In(china).Format(time.DateOnly) }
	h := time.Hour
	d := 24 * time.Hour
	const (
		zy, ch              = "zy-officer", "ch-officer"
		chPolice, xcPol, xz = "ch-police", "xc-police", "xz-handler"
		gaCH, gaXC, gaXZ    = "ga411602", "ga411681", "ga411600-xz"
		kss                 = "ga411600-kss"
		arrestOrder         = "Arrest decision (Dai Bu Jue Ding Shu)"
		arrestNotice        = "Arrest notice to family (Dai Bu Tong Zhi Shu)"
		bailOrder           = "Bail decision (Qu Bao Hou Shen Jue Ding Shu)"
		revokeOrder         = "Decision revoking the arrest"
		receipt             = "Receipt of the transferred case (Shou An Hui Zhi)"
		filing              = "Decision to file the case (Li An Jue Ding Shu)"
		notFiled            = "Notice of not filing (Bu Yu Li An Tong Zhi Shu)"
	)
	people := connector.NewSimulator(1).People()

	// transfer is a creation payload and its checklist documents.
	transfer := func(p int, crime, facts string) (map[string]any, []docRef) {
		m := map[string]any{"crime": crime, "suspect_kind": "person", "suspect_name": people[p].Name,
			"suspect_id": people[p].IDNumber, "facts": facts}
		var refs []docRef
		for _, c := range matter.TransferChecklist(crime) {
			if c.Required || c.Field == "measures_evidence" {
				refs = append(refs, docRef{c.Field, "Transfer material: " + c.Field})
			}
		}
		return m, refs
	}
	receive := func(who, no string, ago time.Duration) act {
		return act{who: who, action: matter.ActionReceive, payload: map[string]any{"receipt_no": no, "received_at": at(ago), "register_no": "DJ" + no[len(no)-4:]},
			docs: []docRef{{"receipt_digest", receipt}}}
	}
	decline := func(who string, ago time.Duration) act {
		return act{who: who, action: matter.ActionDecline, payload: map[string]any{"decision_no": "周公(刑)不立字〔2025〕0031号", "decided_at": at(ago),
			"ground": "trivial", "reasons": "被执行人在受案后已履行全部给付义务，申请执行人出具谅解书，犯罪情节显著轻微，不需要追究刑事责任。", "approved_by": "刘副局长"}}
	}
	answer := func(who string, ago time.Duration) act {
		return act{who: who, action: matter.ActionAnswerInWriting, payload: map[string]any{"reply_no": "周公(刑)复字〔2025〕0031号", "sent_at": at(ago)},
			docs: []docRef{{"reply_digest", notFiled}}}
	}
	arrest := func(p int, criminalCase, proceeding, reason string, ago time.Duration) map[string]any {
		return map[string]any{"approved_by": "zy-president", "approved_at": at(ago), "criminal_case_number": criminalCase,
			"proceeding": proceeding, "charge": "refuse_judgment", "defendant_name": people[p].Name, "reason": reason}
	}
	execute := func(who, no, place string, ago time.Duration) act {
		return act{who: who, action: matter.ActionExecuteArrest, payload: map[string]any{"warrant_no": no, "arrested_at": at(ago), "place": place, "officers": "吴国庆、周警官"}}
	}
	custody := func(who, no string, ago time.Duration) act {
		return act{who: who, action: matter.ActionTakeIntoCustody, payload: map[string]any{"facility": kss, "custody_at": at(ago), "custody_no": no}}
	}
	family := func(who, whom string, ago time.Duration) act {
		return act{who: who, action: matter.ActionNotifyFamily, payload: map[string]any{"notified": whom, "notified_at": at(ago), "method": "电话通知并送达逮捕通知书"},
			docs: []docRef{{"notice_digest", arrestNotice}}}
	}
	question := func(who string, ago time.Duration) act {
		return act{who: who, action: matter.ActionQuestion, payload: map[string]any{"questioned_at": at(ago), "place": "周口市看守所讯问室"}}
	}
	docs := []docRef{{"decision_digest", arrestOrder}}

	t1, r1 := transfer(26, "refuse_judgment", "被执行人有能力履行而将名下房产以明显不合理低价转让给其妹夫，经司法拘留后仍拒不履行，致使判决无法执行。")
	t2, r2 := transfer(27, "refuse_judgment", "被执行人拒不申报财产，经罚款后仍隐匿经营收入，致使判决无法执行。")
	t3, r3 := transfer(28, "dispose_sealed", "被执行人将已被查封的豫P 号牌货车擅自变卖，致使查封财产无法处置。")
	t4, r4 := transfer(29, "refuse_judgment", "被执行人以虚假和解转移应收账款，致使裁定无法执行。")
	t5, r5 := transfer(30, "obstruct_official", "被执行人亲属在强制腾退现场推搡、撕扯执行干警，抢夺执法记录仪。")
	t6, r6 := transfer(31, "refuse_judgment", "被执行人违反限制消费令多次乘坐飞机，经拘留后仍拒不履行。")
	t7, r7 := transfer(32, "refuse_judgment", "被执行人拒不交付法律文书指定交付的车辆。")

	return []spec{
		// ── 移送涉嫌犯罪案件 (transfer) ──
		{kind: "transfer", state: matter.TransferSent, who: zy, addressed: gaXZ, caseNo: "（2025）豫16执301号", person: 26, payload: t1, docs: r1},
		{kind: "transfer", state: matter.TransferReceived, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执701号", person: 27, payload: t2, docs: r2,
			acts: []act{
				receive(chPolice, "川公(刑)受字〔2025〕0211号", 2*h),
				{who: chPolice, action: matter.ActionSuggestReview, payload: map[string]any{"suggestion": "报告财产令的送达回证复印件不清晰，建议补充原件扫描件，便于审查。"}},
				{who: ch, action: matter.ActionAnswerReview, payload: map[string]any{"answer": "已补充送达回证原件扫描件，见附件。"}},
				{who: chPolice, action: matter.ActionMarkComplex, payload: map[string]any{"reason": "涉及多个银行账户的资金往来，需调取流水核实履行能力。", "approved_by": "川汇分局刘副局长"}},
			}},
		{kind: "transfer", state: matter.TransferDeclined, who: zy, addressed: gaXZ, caseNo: "（2025）豫16执303号", person: 28, payload: t3, docs: r3,
			acts: []act{receive(xz, "周公(刑)受字〔2025〕0457号", 3*d), decline(xz, 2*h)}},
		{kind: "transfer", state: matter.TransferAnswered, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执704号", person: 29, payload: t4, docs: r4,
			acts: []act{
				receive(chPolice, "川公(刑)受字〔2025〕0198号", 6*d), decline(chPolice, 3*d), answer(chPolice, 2*d),
				{who: ch, action: matter.ActionRequestSupervision, payload: map[string]any{"procuratorate": "周口市川汇区人民检察院", "requested_on": day(1),
					"note": "被执行人虚假和解的证据充分，认为应当立案。"}},
			}},
		{kind: "transfer", state: matter.TransferFiled, who: zy, addressed: gaXZ, caseNo: "（2025）豫16执305号", person: 30, payload: t5, docs: r5,
			acts: []act{
				receive(xz, "周公(刑)受字〔2025〕0463号", 4*d),
				{who: xz, action: matter.ActionFileCase, payload: map[string]any{"decision_no": "周公(刑)立字〔2025〕0123号", "filed_at": at(d), "charge": "obstruct_official"},
					docs: []docRef{{"decision_digest", filing}}},
			}},
		{kind: "transfer", state: matter.TransferWithdrawn, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执706号", person: 31, payload: t6, docs: r6,
			acts: []act{{who: ch, action: matter.ActionWithdraw, payload: map[string]any{"reason": "被执行人在移送后主动履行全部义务，申请执行人申请撤回。"}}}},
		{kind: "transfer", state: matter.TransferClosed, who: zy, addressed: gaXZ, caseNo: "（2025）豫16执307号", person: 32, payload: t7, docs: r7,
			acts: []act{
				receive(xz, "周公(刑)受字〔2025〕0402号", 20*d), decline(xz, 15*d), answer(xz, 14*d),
				{who: zy, action: matter.ActionClose, payload: map[string]any{"note": "已收到书面答复，申请执行人已向人民法院提起自诉。"}},
			}},

		// ── 逮捕收押 (arrest) ──
		{kind: "arrest", state: matter.ArrestDecided, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执711号", person: 33,
			payload: arrest(33, "（2025）豫1602刑初41号", "private_prosecution", "被告人经传唤拒不到庭，有逃避审判的现实危险。", 3*h), docs: docs},
		{kind: "arrest", state: matter.ArrestAtLarge, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执712号", person: 34,
			payload: arrest(34, "（2025）豫1602刑初42号", "private_prosecution", "被告人下落不明。", 2*d), docs: docs,
			acts: []act{{who: chPolice, action: matter.ActionReportAtLarge, payload: map[string]any{"reason": "被告人不在户籍地和经常居住地，手机关机，已上网追逃，继续查找。"}}}},
		{kind: "arrest", state: matter.ArrestArrested, who: zy, addressed: gaXC, caseNo: "（2025）豫16执313号", person: 35,
			payload: arrest(35, "（2025）豫16刑终8号", "public_prosecution", "二审期间被告人转移财产，可能逃避审判。", 5*h), docs: docs,
			acts: []act{execute(xcPol, "项公(刑)捕字〔2025〕0021号", "项城市莲花大道某小区", h)}},
		{kind: "arrest", state: matter.ArrestInCustody, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执714号", person: 36,
			payload: arrest(36, "（2025）豫1602刑初44号", "private_prosecution", "被告人有毁灭证据的现实危险。", 2*d), docs: docs,
			acts: []act{
				execute(chPolice, "川公(刑)捕字〔2025〕0033号", "川汇区交通大道某商铺", 30*h),
				custody(chPolice, "KSS2025-0512", 29*h),
				question(ch, 26*h),
				family(ch, "妻子 刘某", 25*h),
			}},
		{kind: "arrest", state: matter.ArrestRefused, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执715号", person: 37,
			payload: arrest(37, "（2025）豫1602刑初45号", "private_prosecution", "被告人拒不到庭。", 8*h), docs: docs,
			acts: []act{
				execute(chPolice, "川公(刑)捕字〔2025〕0035号", "川汇区七一路某小区", 3*h),
				{who: chPolice, action: matter.ActionRefuseCustody, payload: map[string]any{"reason": "serious_illness",
					"detail": "入所健康检查：患晚期肝硬化伴消化道出血，羁押中可能发生生命危险（周口市中心医院诊断）。"}},
			}},
		{kind: "arrest", state: matter.ArrestReleaseOrdered, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执716号", person: 38,
			payload: arrest(38, "（2025）豫1602刑初46号", "private_prosecution", "被告人有逃避审判的现实危险。", 4*d), docs: docs,
			acts: []act{
				execute(chPolice, "川公(刑)捕字〔2025〕0029号", "川汇区文昌大道", 3*d),
				custody(chPolice, "KSS2025-0488", 3*d-h),
				question(ch, 3*d-3*h),
				family(ch, "父亲 陈某", 3*d-4*h),
				{who: ch, action: matter.ActionChangeMeasure, payload: map[string]any{"outcome": "bail", "reason": "被告人家属已代为履行全部给付义务，自诉人同意变更强制措施。"},
					docs: []docRef{{"decision_digest", bailOrder}}},
			}},
		{kind: "arrest", state: matter.ArrestReleased, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执717号", person: 39,
			payload: arrest(39, "（2025）豫1602刑初38号", "private_prosecution", "被告人有逃避审判的现实危险。", 12*d), docs: docs,
			acts: []act{
				execute(chPolice, "川公(刑)捕字〔2025〕0019号", "川汇区人民路", 11*d),
				custody(chPolice, "KSS2025-0433", 11*d-h),
				question(ch, 11*d-2*h),
				family(ch, "母亲 王某", 11*d-3*h),
				{who: ch, action: matter.ActionChangeMeasure, payload: map[string]any{"outcome": "release", "reason": "自诉人与被告人达成和解并撤回自诉。"},
					docs: []docRef{{"decision_digest", bailOrder}}},
				{who: chPolice, action: matter.ActionReleaseCustody, payload: map[string]any{"released_at": at(2 * d), "certificate_no": "SF2025-0433"}},
			}},
		{kind: "arrest", state: matter.ArrestRevoked, who: zy, addressed: gaXC, caseNo: "（2025）豫16执319号", person: 40,
			payload: arrest(40, "（2025）豫16刑终9号", "public_prosecution", "被告人可能逃避审判。", 3*d), docs: docs,
			acts: []act{
				{who: xcPol, action: matter.ActionReportAtLarge, payload: map[string]any{"reason": "被告人已离开项城，正在查找。"}},
				{who: zy, action: matter.ActionRevoke, payload: map[string]any{"reason": "被告人主动到案并履行全部义务。"}, docs: []docRef{{"decision_digest", revokeOrder}}},
			}},
		{kind: "arrest", state: matter.ArrestClosed, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执720号", person: 41,
			payload: arrest(41, "（2025）豫1602刑初30号", "private_prosecution", "被告人有逃避审判的现实危险。", 20*d), docs: docs,
			acts: []act{
				execute(chPolice, "川公(刑)捕字〔2025〕0011号", "川汇区八一大道", 19*d),
				custody(chPolice, "KSS2025-0390", 19*d-h),
				question(ch, 19*d-2*h),
				family(ch, "妻子 赵某", 19*d-3*h),
				{who: ch, action: matter.ActionClose, payload: map[string]any{"note": "被告人已收押、讯问并通知家属，羁押转入审判程序。"}},
			}},
	}
}
