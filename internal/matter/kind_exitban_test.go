package matter_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/matter"
)

// TestExitbanEndToEnd_S_ASSIST_1: the decision with every travel document
// (numbers checked), lodged, renewed, lifted on the exitban_lift clock,
// overdue when the police do not confirm in time, then confirmed; and a
// lift before the control was lodged.
func TestExitbanEndToEnd_S_ASSIST_1(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		base := createPayloads["exitban"]
		for what, p := range map[string]string{
			"bad passport":      strings.Replace(base, "E12345678", "EI1234567", 1),
			"bad ID number":     strings.Replace(base, "411602199001011232", "411602199001011233", 1),
			"no document list":  strings.Replace(base, `,"travel_documents":[{"kind":"passport","number":"E12345678"},{"kind":"hk_mo_pass","number":"C12345678"}]`, "", 1),
			"duplicate":         strings.Replace(base, `"C12345678"}`, `"C12345678"},{"kind":"hk_mo_pass","number":"c12345678"}`, 1),
			"unit not named":    strings.Replace(base, `"unit":"周口某某商贸有限公司",`, "", 1),
			"no decision":       strings.Replace(base, digestA, "", 1),
			"unknown doc kind":  strings.Replace(base, `"kind":"hk_mo_pass"`, `"kind":"visa"`, 1),
			"malformed permit":  strings.Replace(base, "C12345678", "12345", 1),
			"no restricted one": `{"decision_digest":"` + digestA + `","travel_documents":[]}`,
		} {
			_, err := f.en.Create(ctx, f.pr("officer"), matter.NewMatter{Kind: "exitban", CaseNumber: caseNo, AddressedUnit: "ga411600-crj", Payload: json.RawMessage(p)})
			wantInvalid(t, what, err)
		}
		m := f.createKind(t, "exitban", "ga411600-crj")
		m = f.act(t, "crj", m.ID, matter.ActionLodge)
		if m.State != matter.ExitbanInForce {
			t.Fatalf("lodged: %s", m.State)
		}
		m = f.act(t, "officer", m.ID, matter.ActionRenew)
		if m.State != matter.ExitbanInForce {
			t.Fatalf("renewed: %s", m.State)
		}
		_, err := f.actWith("officer", m.ID, matter.ActionLift, `{"decision_digest":"`+digestC+`","reason":"other"}`)
		wantInvalid(t, "lift for another reason without saying which", err)
		lift := t0.Add(2 * time.Hour)
		f.clock.Set(lift)
		m = f.act(t, "officer", m.ID, matter.ActionLift)
		if m.State != matter.ExitbanLifting || m.DueAt == nil || !m.DueAt.Equal(lift.Add(24*time.Hour)) {
			t.Fatalf("lifting: %s due %v", m.State, m.DueAt)
		}
		if r, err := f.en.Tick(ctx, lift.Add(25*time.Hour)); err != nil || r.Overdue != 1 {
			t.Fatalf("tick: %+v %v", r, err)
		}
		if g, _ := f.en.Get(ctx, f.pr("crj"), m.ID); !g.Overdue {
			t.Error("unconfirmed lift not overdue")
		}
		m = f.act(t, "crj", m.ID, matter.ActionConfirmLift)
		if m.State != matter.ExitbanLifted || m.Overdue || m.DueAt != nil {
			t.Fatalf("lifted: %s overdue %v due %v", m.State, m.Overdue, m.DueAt)
		}

		e := f.createKind(t, "exitban", "ga411600-crj")
		e = f.act(t, "officer", e.ID, matter.ActionLift)
		e = f.act(t, "crj", e.ID, matter.ActionConfirmLift)
		if e.State != matter.ExitbanLifted {
			t.Errorf("lift before lodging: %s", e.State)
		}
		if _, err := f.actWith("handler", m.ID, matter.ActionSuggestReview, payloads[matter.ActionSuggestReview]); err == nil {
			t.Error("a bureau not addressed acted on the exit restriction")
		}
	})
}
