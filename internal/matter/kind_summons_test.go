package matter_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/matter"
)

// deadline returns the clock id of matter id as replayed from its events.
func (f *fixture) deadline(t testing.TB, id int64, clock matter.ClockID) matter.Deadline {
	t.Helper()
	d, _, err := f.en.Derived(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out matter.Deadline
	found := false
	for _, dl := range d.Deadlines {
		if dl.Clock == clock {
			out, found = dl, true
		}
	}
	if !found {
		t.Fatalf("matter %d: clock %s never started", id, clock)
	}
	return out
}

// actWith does action with an explicit payload; the error is returned.
func (f *fixture) actWith(user string, id int64, action, p string) (matter.Matter, error) {
	m, _, err := f.en.Act(context.Background(), f.pr(user), id, action, 0, json.RawMessage(p), nil)
	return m, err
}

func wantInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if e, ok := apperr.As(err); !ok || e.Kind != apperr.Invalid || e.Message == "" {
		t.Errorf("%s: want a clear Invalid error, got %v", what, err)
	}
}

// TestSummonsEndToEnd_S_ASSIST_1: 拘传 with the warrant and the president's
// approval; police assist; questioning on the 8-hour clock, extended to 24
// hours by a reasoned declaration (民诉法解释 art. 482); the outcome
// recorded. Alternative path: the court withdraws before police act.
func TestSummonsEndToEnd_S_ASSIST_1(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		_, err := f.en.Create(ctx, f.pr("officer"), matter.NewMatter{Kind: "summons", CaseNumber: caseNo, AddressedUnit: "ga411602",
			Payload: json.RawMessage(`{"approved_by":"president","approved_at":"2025-03-02 17:00"}`)})
		wantInvalid(t, "summons without the 拘传票", err)
		_, err = f.en.Create(ctx, f.pr("officer"), matter.NewMatter{Kind: "summons", CaseNumber: caseNo, AddressedUnit: "ga411602",
			Payload: json.RawMessage(`{"warrant_digest":"` + digestA + `"}`)})
		wantInvalid(t, "summons without the president's approval", err)

		m := f.createKind(t, "summons", "ga411602")
		if m.State != matter.SummonsIssued || m.DueAt != nil {
			t.Fatalf("created: %s due %v", m.State, m.DueAt)
		}
		f.act(t, "handler", m.ID, matter.ActionAssist)
		_, err = f.actWith("officer", m.ID, matter.ActionStartQuestioning, `{"complex":true}`)
		wantInvalid(t, "complex flag on start_questioning", err)

		start := t0.Add(time.Hour)
		f.clock.Set(start)
		m = f.act(t, "officer", m.ID, matter.ActionStartQuestioning)
		if m.State != matter.SummonsQuestioned || m.DueAt == nil || !m.DueAt.Equal(start.Add(8*time.Hour)) {
			t.Fatalf("questioning: %s due %v, want %v", m.State, m.DueAt, start.Add(8*time.Hour))
		}
		if dl := f.deadline(t, m.ID, matter.ClockSummonsComplex); !dl.Due.Equal(start.Add(24 * time.Hour)) {
			t.Errorf("24-hour clock due %v, want %v (from the same start)", dl.Due, start.Add(24*time.Hour))
		}
		f.clock.Set(start.Add(3 * time.Hour))
		m = f.act(t, "officer", m.ID, matter.ActionDeclareComplex)
		if dl := f.deadline(t, m.ID, matter.ClockSummonsQuestioning); dl.Running() {
			t.Error("8-hour clock still runs after declare_complex")
		}
		if m.DueAt == nil || !m.DueAt.Equal(start.Add(24*time.Hour)) {
			t.Errorf("due after declare_complex %v, want %v", m.DueAt, start.Add(24*time.Hour))
		}
		_, err = f.actWith("officer", m.ID, matter.ActionEndQuestioning, `{"outcome":"jailed"}`)
		wantInvalid(t, "unknown outcome", err)
		m, err = f.actWith("officer", m.ID, matter.ActionEndQuestioning, `{"outcome":"detention_decided","note":"拒不申报财产，决定拘留十五日"}`)
		if err != nil || m.State != matter.SummonsEnded || m.DueAt != nil {
			t.Fatalf("end questioning: %v %s due %v", err, m.State, m.DueAt)
		}

		w := f.createKind(t, "summons", "ga411602")
		w = f.act(t, "officer", w.ID, matter.ActionCancel)
		if w.State != matter.SummonsWithdrawn {
			t.Errorf("withdrawn: %s", w.State)
		}
		if _, err := f.actWith("handler", w.ID, matter.ActionAssist, payloads[matter.ActionAssist]); apperr.KindOf(err) != apperr.Conflict {
			t.Errorf("assist after withdrawal: %v", err)
		}
	})
}
