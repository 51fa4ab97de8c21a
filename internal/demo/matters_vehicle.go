package demo

import (
	"time"

	"liandong/internal/matter"
)

// vehicleSpecs are the demo vehicle seals (S-VEH-1/2/3) and controls
// (S-VEH-4/5), one in every state a node keeping both sides reaches. Each
// seals the registry simulator's vehicle of its debtor (the simulator
// gives person i vehicle i). People 42 to 56 and case numbers 豫16执4xx /
// 豫1602执8xx are theirs alone. 解封办理中 (unsealing) is not among them:
// with the register on the same node an unseal is carried out in the same
// transaction, so the state is seen only between two nodes.
func vehicleSpecs(now time.Time) []spec {
	at := func(d time.Duration) string { return now.Add(-d).In(china).Format("2006-01-02 15:04") }
	const (
		zy, ch, xc = "zy-officer", "ch-officer", "xc-officer"
		cgs        = "cgs-handler"
		gaCGS      = "ga411600-jj-cgs"
		notice     = "Notice of assistance in enforcement: seal of a motor vehicle"
		cert       = "Work certificate of the enforcement officer"
		unseal     = "Notice of assistance in enforcement: release of the seal"
	)
	h := time.Hour
	seal := func(p int, term int) map[string]any {
		return map[string]any{"vehicle": "{plate}", "make_model": "见机动车登记信息", "term_months": term, "contact": "0394-8216000"}
	}
	sealDocs := []docRef{{"notice_digest", notice}, {"certificate_digest", cert}}
	accept := act{who: cgs, action: matter.ActionAcceptSeal, payload: map[string]any{"note": "形式审查通过，已录入机动车登记系统"}}
	unsealAct := func(who string) act {
		return act{who: who, action: matter.ActionUnseal, payload: map[string]any{"reason": "被执行人已履行全部义务"},
			docs: []docRef{{"notice_digest", unseal}}}
	}
	control := act{who: zy, action: matter.ActionRequestControl, payload: map[string]any{"reason": "被执行人拒不交出车辆，下落不明"}}
	put := act{who: cgs, action: matter.ActionPutUnderControl, payload: map[string]any{"note": "已录入缉查布控系统"}}
	intercept := act{who: cgs, action: matter.ActionIntercept, payload: map[string]any{"place": "周口市川汇区七一路与八一大道交叉口卡口",
		"intercepted_at": at(2 * h), "unit": "市交警支队一大队", "plate_read": "{plate}", "contact": "王警官 13903940000", "note": "车辆已拖至市交警支队停车场"}}
	receive := func(who string) act {
		return act{who: who, action: matter.ActionReceiveVehicle, payload: map[string]any{"received_at": at(h), "place": "市交警支队停车场",
			"handed_over_by": "王警官", "plate": "{plate}", "licence": true, "keys": 2, "odometer_km": 85210, "condition": "左前门轻微划痕，随车无贵重物品"}}
	}
	veh := func(person int) int { return person + 1 }
	return []spec{
		{kind: "vehicle_seal", state: matter.VehicleSealRequested, who: zy, addressed: gaCGS, caseNo: "（2025）豫16执401号", person: 42, vehicle: veh(42),
			payload: seal(42, 24), docs: sealDocs},
		{kind: "vehicle_seal", state: matter.VehicleSealInForce, who: ch, addressed: gaCGS, caseNo: "（2025）豫1602执801号", person: 43, vehicle: veh(43),
			payload: seal(43, 24), docs: sealDocs, acts: []act{accept}},
		// Two courts on one vehicle: the second waits behind the first.
		{kind: "vehicle_seal", state: matter.VehicleSealInForce, who: ch, addressed: gaCGS, caseNo: "（2025）豫1602执802号", person: 44, vehicle: veh(44),
			payload: seal(44, 24), docs: sealDocs, acts: []act{accept}},
		{kind: "vehicle_seal", state: matter.VehicleSealWaiting, who: zy, addressed: gaCGS, caseNo: "（2025）豫16执402号", person: 44, vehicle: veh(44),
			payload: seal(44, 24), docs: sealDocs, acts: []act{accept}},
		{kind: "vehicle_seal", state: matter.VehicleSealLifted, who: zy, addressed: gaCGS, caseNo: "（2025）豫16执403号", person: 45, vehicle: veh(45),
			payload: seal(45, 24), docs: sealDocs, acts: []act{accept, unsealAct(zy)}},
		{kind: "vehicle_seal", state: matter.VehicleSealWithdrawn, who: ch, addressed: gaCGS, caseNo: "（2025）豫1602执803号", person: 46, vehicle: veh(46),
			payload: seal(46, 24), docs: sealDocs, acts: []act{{who: ch, action: "withdraw", payload: map[string]any{"reason": "号牌填写有误，重新申请"}}}},
		// Sealed 13 months ago for 12 months and never renewed: the tick at
		// the end of loading lapses it.
		{kind: "vehicle_seal", state: matter.VehicleSealLapsed, who: zy, addressed: gaCGS, caseNo: "（2024）豫16执404号", person: 47, vehicle: veh(47),
			payload: seal(47, 12), docs: sealDocs, acts: []act{accept}, longAgo: 396 * 24 * h},

		{kind: "vehicle_control", state: matter.ControlRequested, who: zy, addressed: gaCGS, caseNo: "（2025）豫16执405号", person: 48, vehicle: veh(48),
			payload: seal(48, 24), docs: sealDocs, acts: []act{accept, control}},
		{kind: "vehicle_control", state: matter.ControlActive, who: zy, addressed: gaCGS, caseNo: "（2025）豫16执406号", person: 49, vehicle: veh(49),
			payload: seal(49, 24), docs: sealDocs, acts: []act{accept, control}, child: []act{put}},
		{kind: "vehicle_control", state: matter.ControlIntercepted, who: zy, addressed: gaCGS, caseNo: "（2025）豫16执407号", person: 50, vehicle: veh(50),
			payload: seal(50, 24), docs: sealDocs, acts: []act{accept, control}, child: []act{put, intercept}},
		{kind: "vehicle_control", state: matter.ControlDelegated, who: zy, addressed: gaCGS, caseNo: "（2025）豫16执408号", person: 51, vehicle: veh(51),
			payload: seal(51, 24), docs: sealDocs, acts: []act{accept, control}, child: []act{put, intercept,
				{who: zy, action: matter.ActionDelegate, payload: map[string]any{"court": "fy411681", "note": "车辆在项城市境内被拦截，委托项城市人民法院代为接收"}}}},
		{kind: "vehicle_control", state: matter.ControlTaken, who: zy, addressed: gaCGS, caseNo: "（2025）豫16执409号", person: 52, vehicle: veh(52),
			payload: seal(52, 24), docs: sealDocs, acts: []act{accept, control}, child: []act{put, intercept,
				{who: zy, action: matter.ActionDelegate, payload: map[string]any{"court": "fy411681", "note": "委托项城市人民法院代为接收"}}, receive(xc)}},
		{kind: "vehicle_control", state: matter.ControlEnded, who: zy, addressed: gaCGS, caseNo: "（2025）豫16执410号", person: 53, vehicle: veh(53),
			payload: seal(53, 24), docs: sealDocs, acts: []act{accept, control}, child: []act{put}, after: []act{unsealAct(zy)}},
		{kind: "vehicle_control", state: matter.ControlWithdrawn, who: zy, addressed: gaCGS, caseNo: "（2025）豫16执411号", person: 54, vehicle: veh(54),
			payload: seal(54, 24), docs: sealDocs, acts: []act{accept, control},
			child: []act{{who: zy, action: "withdraw", payload: map[string]any{"reason": "被执行人已主动交出车辆"}}}},
	}
}
