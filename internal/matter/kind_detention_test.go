package matter_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"liandong/internal/connector"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/matter"
)

// TestDetentionReleaseDue_拘留所条例_32: intake day to the next day is one
// day, so a term of n days taken in on day D ends with day D+n, whatever
// the hour of intake, with no holiday extension; it agrees with the
// connector's day.
func TestDetentionReleaseDue_拘留所条例_32(t *testing.T) {
	for _, c := range []struct {
		intake string
		days   int
		want   string
	}{
		{"2025-03-03 15:00", 15, "2025-03-18"},
		{"2025-03-03 00:05", 15, "2025-03-18"},
		{"2025-03-03 23:55", 1, "2025-03-04"},
		{"2025-09-25 10:00", 10, "2025-10-05"}, // ends inside the National Day holiday: not extended
		{"2024-02-20 10:00", 15, "2024-03-06"}, // leap February
	} {
		in, _ := time.ParseInLocation("2006-01-02 15:04", c.intake, china)
		got := matter.DetentionReleaseDue(in, c.days)
		want, _ := time.ParseInLocation("2006-01-02", c.want, china)
		if !got.Equal(want.AddDate(0, 0, 1).Add(-time.Nanosecond)) {
			t.Errorf("intake %s, %d days: due %v, want the end of %s", c.intake, c.days, got, c.want)
		}
		if y, m, d := connector.ReleaseDue(in, c.days, china).Date(); time.Date(y, m, d, 0, 0, 0, 0, china) != want {
			t.Errorf("intake %s, %d days: connector says %v", c.intake, c.days, connector.ReleaseDue(in, c.days, china))
		}
	}
}

// TestDetentionEndToEnd_S_ASSIST_2: decision (term validated), delivery,
// a lawful refusal with a structured ground, redelivery, intake on the
// term and family clocks, family notice, reconsideration within 3 days
// (not suspending), a query on a possibly wrong detention answered,
// early release and the centre's release; and a refusal the court closes.
func TestDetentionEndToEnd_S_ASSIST_2(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		for _, term := range []string{"0", "16", `"十五"`} {
			_, err := f.en.Create(ctx, f.pr("officer"), matter.NewMatter{Kind: "detention", CaseNumber: caseNo, AddressedUnit: "ga411600-jls",
				Payload: json.RawMessage(`{"decision_digest":"` + digestA + `","approved_by":"president","approved_at":"2025-03-03 12:00","term_days":` + term + `}`)})
			wantInvalid(t, "term "+term, err)
		}
		m := f.createKind(t, "detention", "ga411600-jls")
		f.act(t, "jingcha", m.ID, matter.ActionDeliver)
		_, err := f.actWith("jls", m.ID, matter.ActionRefuseIntake, `{"reason":"床位已满","detail":"无"}`)
		wantInvalid(t, "refusal on a ground the law does not give", err)
		m = f.act(t, "jls", m.ID, matter.ActionRefuseIntake)
		if m.State != matter.DetentionRefused {
			t.Fatalf("refused: %s", m.State)
		}
		m = f.act(t, "jingcha", m.ID, matter.ActionRedeliver)
		if m.State != matter.DetentionDelivered {
			t.Fatalf("redelivered: %s", m.State)
		}
		_, err = f.actWith("jls", m.ID, matter.ActionIntake, `{"intake_at":"2025-03-03 15:00","term_days":15,"release_due":"2025-03-17"}`)
		wantInvalid(t, "release due miscounted", err)

		intake := t0.Add(6 * time.Hour)
		f.clock.Set(intake)
		m = f.act(t, "jls", m.ID, matter.ActionIntake)
		if m.State != matter.DetentionHeld {
			t.Fatalf("intake: %s", m.State)
		}
		if dl := f.deadline(t, m.ID, matter.ClockFamilyNotice); !dl.Due.Equal(intake.Add(24 * time.Hour)) {
			t.Errorf("family notice due %v", dl.Due)
		}
		// The term clock runs to the end of day D+15 for the decision's 15
		// days (拘留所条例 art. 32), not 360 hours from the intake instant.
		term := f.deadline(t, m.ID, matter.ClockDetentionTerm)
		if want := db.Time(matter.DetentionReleaseDue(intake, 15)); !term.Due.Equal(want) {
			t.Errorf("term clock due %v, want %v", term.Due, want)
		}
		f.clock.Set(intake.Add(3 * time.Hour))
		m = f.act(t, "jingcha", m.ID, matter.ActionNotifyFamily)
		if dl := f.deadline(t, m.ID, matter.ClockFamilyNotice); dl.Running() {
			t.Error("family notice clock still runs")
		}

		_, err = f.actWith("officer", m.ID, matter.ActionReconsideration, `{"applicant":"张某","served_on":"2025-03-03","applied_on":"2025-03-07"}`)
		wantInvalid(t, "reconsideration after 3 days", err)
		m = f.act(t, "officer", m.ID, matter.ActionReconsideration)
		if m.State != matter.DetentionHeld {
			t.Errorf("reconsideration suspended the detention: %s", m.State)
		}
		if dl := f.deadline(t, m.ID, matter.ClockReconsiderDecide); !dl.Running() {
			t.Error("reconsideration decision clock not running")
		}
		m = f.act(t, "officer", m.ID, matter.ActionDecideReconsider)
		if dl := f.deadline(t, m.ID, matter.ClockReconsiderDecide); dl.Running() {
			t.Error("reconsideration decision clock still runs")
		}
		m = f.act(t, "jls", m.ID, matter.ActionRaiseQuery)
		if dl := f.deadline(t, m.ID, matter.ClockDetentionQuery); !dl.Due.Equal(intake.Add(27 * time.Hour)) {
			t.Errorf("query answer due %v", dl.Due)
		}
		m = f.act(t, "officer", m.ID, matter.ActionAnswerQuery)
		m = f.act(t, "officer", m.ID, matter.ActionEarlyRelease)
		if m.State != matter.DetentionReleasing {
			t.Fatalf("early release: %s", m.State)
		}
		m = f.act(t, "jls", m.ID, matter.ActionRelease)
		if m.State != matter.DetentionReleased || m.DueAt != nil {
			t.Fatalf("released: %s due %v", m.State, m.DueAt)
		}

		c := f.createKind(t, "detention", "ga411600-jls")
		f.act(t, "jingcha", c.ID, matter.ActionDeliver)
		if _, err := f.actWith("jls", c.ID, matter.ActionRefuseIntake, `{"reason":"aged_70_or_over","detail":"出生日期 1950-03-01，收拘时 75 周岁"}`); err != nil {
			t.Fatal(err)
		}
		c = f.act(t, "officer", c.ID, matter.ActionClose)
		if c.State != matter.DetentionClosed {
			t.Errorf("closed: %s", c.State)
		}
		if _, err := f.actWith("handler", m.ID, matter.ActionRelease, payloads[matter.ActionRelease]); err == nil {
			t.Error("a bureau not addressed acted on the detention")
		}
	})
}

// TestDetentionTermClockPerDecision_拘留所条例_32: the detention_term clock
// falls due at the end of intake day D + the decision's term, not at the
// 15-day cap: a 5-day term taken in at 2024-09-30 20:00 ends with
// 2024-10-05 (inside the National Day holiday: not extended). The due time
// is in the signed event, so replay equals the cached row.
func TestDetentionTermClockPerDecision_拘留所条例_32(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.clock.Set(time.Date(2024, 9, 30, 10, 0, 0, 0, china))
		m, err := f.en.Create(ctx, f.pr("officer"), matter.NewMatter{Kind: "detention", CaseNumber: caseNo, AddressedUnit: "ga411600-jls",
			Payload:   json.RawMessage(`{"decision_digest":"` + digestA + `","approved_by":"president","approved_at":"2024-09-30 09:00","term_days":5}`),
			Documents: []string{digestA}})
		if err != nil {
			t.Fatal(err)
		}
		f.act(t, "jingcha", m.ID, matter.ActionDeliver)
		intake := time.Date(2024, 9, 30, 20, 0, 0, 0, china)
		f.clock.Set(intake)
		if _, err := f.actWith("jls", m.ID, matter.ActionIntake, `{"intake_at":"2024-09-30 20:00","term_days":5,"release_due":"2024-10-05"}`); err != nil {
			t.Fatal(err)
		}
		term := f.deadline(t, m.ID, matter.ClockDetentionTerm)
		want := time.Date(2024, 10, 6, 0, 0, 0, 0, china).Add(-time.Microsecond) // the end of 2024-10-05, to the stored microsecond
		if !term.Due.Equal(want) {
			t.Errorf("5-day term due %v, want %v", term.Due.In(china), want)
		}
		if dl := f.deadline(t, m.ID, matter.ClockFamilyNotice); !dl.Due.Equal(intake.Add(24 * time.Hour)) {
			t.Errorf("family notice due %v: the hook must leave other clocks alone", dl.Due)
		}
		got, err := f.en.Get(ctx, f.pr("officer"), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.DueAt == nil || !got.DueAt.Equal(intake.Add(24*time.Hour)) {
			t.Errorf("cached due %v, want the family notice first", got.DueAt)
		}
		assertReplayMatchesCache(t, f, m.ID)
		f.clock.Set(intake.Add(time.Hour))
		f.act(t, "jingcha", m.ID, matter.ActionNotifyFamily)
		if got, _ = f.en.Get(ctx, f.pr("officer"), m.ID); got.DueAt == nil || !got.DueAt.Equal(want) {
			t.Errorf("cached due after the family notice %v, want the term's end %v", got.DueAt, want)
		}
		assertReplayMatchesCache(t, f, m.ID)
	})
}
