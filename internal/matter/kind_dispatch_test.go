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

// TestDispatchEndToEnd_S_ASSIST_3: a field officer raises a call with the
// place; the command centre acknowledges (stopping dispatch_ack),
// dispatches, arrives and resolves; each step's time is in its event, so
// the response times can be read off the timeline. Judicial police may not
// create matters under the access policy. Alternative path: the court
// calls it off.
func TestDispatchEndToEnd_S_ASSIST_3(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		for what, p := range map[string]string{
			"no address":       `{"situation":"围堵"}`,
			"lat without lng":  `{"address":"七一路","lat":33.6,"situation":"围堵"}`,
			"lat out of range": `{"address":"七一路","lat":133.6,"lng":114.6,"situation":"围堵"}`,
			"no situation":     `{"address":"七一路"}`,
		} {
			_, err := f.en.Create(ctx, f.pr("officer"), matter.NewMatter{Kind: "dispatch", CaseNumber: caseNo, AddressedUnit: "ga411602-zhzx", Payload: json.RawMessage(p)})
			wantInvalid(t, what, err)
		}
		// Judicial police on the scene raise the call too (S-ASSIST-3), but
		// file no other kind of matter.
		if _, err := f.en.Create(ctx, f.pr("jingcha"), matter.NewMatter{Kind: "dispatch", CaseNumber: caseNo, RequestingUnit: "fy411600-zxj",
			AddressedUnit: "ga411602-zhzx", Payload: json.RawMessage(createPayloads["dispatch"])}); err != nil {
			t.Errorf("judicial police could not raise a dispatch: %v", err)
		}
		_, err := f.en.Create(ctx, f.pr("jingcha"), matter.NewMatter{Kind: "locate", CaseNumber: caseNo, RequestingUnit: "fy411600-zxj",
			AddressedUnit: "ga411602", Payload: payload(matter.ActionCreate)})
		if apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("judicial police filed a locate: %v", err)
		}
		if _, err := f.en.Create(ctx, f.pr("officer"), matter.NewMatter{Kind: "dispatch", CaseNumber: caseNo, AddressedUnit: "ga411602-zhzx",
			Payload: json.RawMessage(`{"address":"七一路 18 号院","situation":"被执行人持刀威胁"}`)}); err != nil {
			t.Errorf("a call without coordinates: %v", err)
		}

		m := f.createKind(t, "dispatch", "ga411602-zhzx")
		if m.DueAt == nil || !m.DueAt.Equal(t0.Add(5*time.Minute)) {
			t.Fatalf("dispatch_ack due %v", m.DueAt)
		}
		steps := []struct {
			after  time.Duration
			action string
			state  matter.State
		}{
			{2 * time.Minute, matter.ActionAcknowledge, matter.DispatchAcknowledged},
			{3 * time.Minute, matter.ActionDispatch, matter.DispatchDispatched},
			{11 * time.Minute, matter.ActionArrive, matter.DispatchOnScene},
			{50 * time.Minute, matter.ActionResolve, matter.DispatchResolved},
		}
		for _, s := range steps {
			f.clock.Set(t0.Add(s.after))
			m = f.act(t, "zhzx", m.ID, s.action)
			if m.State != s.state {
				t.Fatalf("%s: %s", s.action, m.State)
			}
			switch s.action {
			case matter.ActionAcknowledge:
				if m.DueAt != nil {
					t.Errorf("dispatch_ack still runs after acknowledge")
				}
			case matter.ActionDispatch: // arrival due 20 minutes after dispatch
				if m.DueAt == nil || !m.DueAt.Equal(t0.Add(s.after+20*time.Minute)) {
					t.Errorf("dispatch_arrive due %v", m.DueAt)
				}
			case matter.ActionArrive:
				if m.DueAt != nil {
					t.Errorf("dispatch_arrive still runs on scene")
				}
			}
		}
		evs, err := f.en.Timeline(ctx, f.pr("officer"), m.ID)
		if err != nil || len(evs) != 5 {
			t.Fatalf("timeline: %d events, %v", len(evs), err)
		}
		for i, s := range steps {
			if ev := evs[i+1]; ev.Type != s.action || !ev.At.Equal(t0.Add(s.after)) {
				t.Errorf("event %d: %s at %v, want %s at %v", i+1, ev.Type, ev.At, s.action, t0.Add(s.after))
			}
		}

		c := f.createKind(t, "dispatch", "ga411602-zhzx")
		f.act(t, "zhzx", c.ID, matter.ActionAcknowledge)
		c = f.act(t, "officer", c.ID, matter.ActionCancel)
		if c.State != matter.DispatchCancelled {
			t.Errorf("cancelled: %s", c.State)
		}
		if _, _, err := f.en.Act(ctx, f.pr("othercop"), m.ID, matter.ActionSuggestReview, 0, payload(matter.ActionSuggestReview), nil); err == nil {
			t.Error("another county's police acted on the call")
		}
	})
}
