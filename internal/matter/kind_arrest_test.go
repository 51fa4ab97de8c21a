package matter_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/matter"
)

// The arrest's test data joins the shared tables (helpers_test.go,
// field_test.go).
func init() {
	createPayloads["arrest"] = arrestPayload("（2025）豫16刑初5号")
	for action, p := range map[string]string{
		matter.ActionReportAtLarge:     `{"reason":"被告人不在户籍地及经常居住地，手机关机，正在继续查找"}`,
		matter.ActionExecuteArrest:     `{"warrant_no":"周公(刑)捕字〔2025〕0088号","arrested_at":"2025-03-03 10:00","place":"川汇区七一路 18 号院","officers":"王警官、李警官"}`,
		matter.ActionTakeIntoCustody:   `{"facility":"ga411600-kss","custody_at":"2025-03-03 12:00","custody_no":"KSS2025-0301"}`,
		matter.ActionRefuseCustody:     `{"reason":"pregnant","detail":"入所健康检查：经周口市中心医院检查已怀孕 10 周"}`,
		matter.ActionRequestRedelivery: `{"note":"经医院复查未怀孕"}`,
		matter.ActionQuestion:          `{"questioned_at":"2025-03-03 15:00","place":"周口市看守所讯问室"}`,
		matter.ActionChangeMeasure:     `{"outcome":"bail","decision_digest":"` + digestC + `","reason":"被告人已履行全部给付义务"}`,
		matter.ActionReleaseCustody:    `{"released_at":"2025-03-05 09:00","certificate_no":"SF2025-0012"}`,
		matter.ActionRevoke:            `{"decision_digest":"` + digestC + `","reason":"自诉人撤回自诉"}`,
	} {
		payloads[action] = p
	}
	execute := step{"handler", matter.ActionExecuteArrest}
	custody := step{"handler", matter.ActionTakeIntoCustody}
	assistPaths["arrest"] = map[matter.State][]step{
		matter.ArrestDecided:        nil,
		matter.ArrestAtLarge:        {{"handler", matter.ActionReportAtLarge}},
		matter.ArrestArrested:       {execute},
		matter.ArrestInCustody:      {execute, custody},
		matter.ArrestRefused:        {execute, {"handler", matter.ActionRefuseCustody}},
		matter.ArrestReleaseOrdered: {execute, custody, {"officer", matter.ActionChangeMeasure}},
		matter.ArrestReleased:       {execute, custody, {"officer", matter.ActionChangeMeasure}, {"handler", matter.ActionReleaseCustody}},
		matter.ArrestRevoked:        {{"officer", matter.ActionRevoke}},
		matter.ArrestClosed:         {execute, custody, {"officer", matter.ActionClose}},
	}
	formOverrides["arrest/create/criminal_case_number"] = "（2025）豫1602刑初12号"
	formOverrides["arrest/execute_arrest/officers"] = "王警官、李警官"
}

func arrestPayload(criminalCase string) string {
	b, _ := json.Marshal(map[string]any{"decision_digest": digestA, "approved_by": "president", "approved_at": "2025-03-02 17:00",
		"criminal_case_number": criminalCase, "proceeding": "private_prosecution", "charge": "refuse_judgment",
		"defendant_name": "张某", "reason": "被告人有逃避审判的现实危险"})
	return string(b)
}

// TestArrestEndToEnd_S_ASSIST_2: the court's arrest decision in a 刑 case;
// police report the person at large, then arrest (two officers at least),
// which starts the custody clock (police) and the family-notice and
// questioning clocks (court), each 24 hours from the arrest (刑诉法 arts.
// 93, 94); the 看守所 declines on a structured health ground only; the court
// asks again; intake stops the custody clock; questioning and the family
// notice stop theirs; the court changes the measure and the police release.
func TestArrestEndToEnd_S_ASSIST_2(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		for name, p := range map[string]string{
			"an enforcement case number as the criminal one": arrestPayload("（2025）豫16执5号"),
			"no decision":                     `{"approved_by":"president","approved_at":"2025-03-02 17:00","criminal_case_number":"（2025）豫16刑初5号","proceeding":"private_prosecution","charge":"refuse_judgment","defendant_name":"张某"}`,
			"no president's approval":         `{"decision_digest":"` + digestA + `","criminal_case_number":"（2025）豫16刑初5号","proceeding":"private_prosecution","charge":"refuse_judgment","defendant_name":"张某"}`,
			"a charge the seed does not name": `{"decision_digest":"` + digestA + `","approved_by":"president","approved_at":"2025-03-02 17:00","criminal_case_number":"（2025）豫16刑初5号","proceeding":"private_prosecution","charge":"theft","defendant_name":"张某"}`,
		} {
			_, err := f.en.Create(ctx, f.pr("officer"), matter.NewMatter{Kind: "arrest", CaseNumber: caseNo, AddressedUnit: "ga411602", Payload: json.RawMessage(p)})
			wantInvalid(t, name, err)
		}
		m := f.createKind(t, "arrest", "ga411602")
		if m.State != matter.ArrestDecided || m.DueAt != nil {
			t.Fatalf("created: %s due %v", m.State, m.DueAt)
		}
		m = f.act(t, "handler", m.ID, matter.ActionReportAtLarge)
		if m.State != matter.ArrestAtLarge {
			t.Fatalf("at large: %s", m.State)
		}
		_, err := f.actWith("handler", m.ID, matter.ActionExecuteArrest, `{"warrant_no":"x","arrested_at":"2025-03-03 10:00","place":"川汇区","officers":"王警官"}`)
		wantInvalid(t, "an arrest by one officer", err)

		arrested := t0.Add(2 * time.Hour)
		f.clock.Set(arrested)
		m = f.act(t, "handler", m.ID, matter.ActionExecuteArrest)
		for _, id := range []matter.ClockID{matter.ClockArrestCustody, matter.ClockArrestFamily, matter.ClockArrestQuestioning} {
			if dl := f.deadline(t, m.ID, id); !dl.Due.Equal(arrested.Add(24 * time.Hour)) {
				t.Errorf("%s due %v, want 24 hours after the arrest", id, dl.Due)
			}
		}
		_, err = f.actWith("handler", m.ID, matter.ActionRefuseCustody, `{"reason":"aged_70_or_over","detail":"75 周岁"}`)
		wantInvalid(t, "a 拘留所 ground at the 看守所", err)
		f.clock.Set(arrested.Add(time.Hour))
		m = f.act(t, "handler", m.ID, matter.ActionRefuseCustody)
		if m.State != matter.ArrestRefused || f.deadline(t, m.ID, matter.ClockArrestCustody).Running() {
			t.Fatalf("refused: %s", m.State)
		}
		m = f.act(t, "officer", m.ID, matter.ActionRequestRedelivery)
		if m.State != matter.ArrestArrested || !f.deadline(t, m.ID, matter.ClockArrestCustody).Running() {
			t.Fatalf("asked again: %s, the custody clock must run again", m.State)
		}
		m = f.act(t, "handler", m.ID, matter.ActionTakeIntoCustody)
		if m.State != matter.ArrestInCustody || f.deadline(t, m.ID, matter.ClockArrestCustody).Running() {
			t.Fatalf("in custody: %s", m.State)
		}
		if m.DueAt == nil || !m.DueAt.Equal(arrested.Add(24*time.Hour)) {
			t.Errorf("due %v: the court still owes the questioning and the family notice", m.DueAt)
		}
		m = f.act(t, "officer", m.ID, matter.ActionQuestion)
		m = f.act(t, "jingcha", m.ID, matter.ActionNotifyFamily)
		if m.DueAt != nil {
			t.Errorf("due %v after questioning and notice", m.DueAt)
		}
		if _, err := f.actWith("othercop", m.ID, matter.ActionChangeMeasure, payloads[matter.ActionChangeMeasure]); err == nil {
			t.Error("a police officer changed the measure")
		}
		m = f.act(t, "officer", m.ID, matter.ActionChangeMeasure)
		m = f.act(t, "handler", m.ID, matter.ActionReleaseCustody)
		if m.State != matter.ArrestReleased || !m.Terminal {
			t.Errorf("released: %s", m.State)
		}
		assertReplayMatchesCache(t, f, m.ID)
	})
}

// TestArrestClocksOverdue_S_ASSIST_2: nobody notifies the family or
// questions the person: at the 24th hour nothing is overdue; a second
// later both court clocks are, and the officer is told.
func TestArrestClocksOverdue_S_ASSIST_2(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		m := f.createKind(t, "arrest", "ga411602")
		m = f.act(t, "handler", m.ID, matter.ActionExecuteArrest)
		m = f.act(t, "handler", m.ID, matter.ActionTakeIntoCustody)
		due := t0.Add(24 * time.Hour)
		if r, err := f.en.Tick(ctx, due); err != nil || r.Overdue != 0 {
			t.Fatalf("tick at the deadline: %+v %v", r, err)
		}
		if r, err := f.en.Tick(ctx, due.Add(time.Second)); err != nil || r.Overdue != 2 {
			t.Fatalf("tick after the deadline: %+v %v", r, err)
		}
		if ns := unread(t, f.en, "officer"); len(ns) != 2 {
			t.Errorf("officer told %d times", len(ns))
		}
	})
}
