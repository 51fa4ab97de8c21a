package matter_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/matter"
)

func unread(t *testing.T, en *matter.Engine, user string) []matter.Notification {
	t.Helper()
	ns, err := en.Notifications(context.Background(), user, true)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// TestOverdueLocateEscalates_S_LOC_2: police do not answer a locate within
// 3 working days; the next tick marks it overdue and tells the officer and
// the bureau's handlers; an hour later the leaders hear of it; a restarted
// engine neither forgets nor repeats; the police answer clears the flag.
func TestOverdueLocateEscalates_S_LOC_2(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		l := f.create(t)
		due := *l.DueAt
		if r, err := f.en.Tick(ctx, due); err != nil || r.Overdue != 0 {
			t.Fatalf("tick at the deadline itself: %+v %v", r, err)
		}
		late := due.Add(time.Minute)
		r, err := f.en.Tick(ctx, late)
		if err != nil || r.Overdue != 1 || r.Escalated != 0 {
			t.Fatalf("tick after the deadline: %+v %v", r, err)
		}
		m, _ := f.en.Get(ctx, f.pr("officer"), l.ID)
		if !m.Overdue {
			t.Error("matter not marked overdue")
		}
		for _, who := range []string{"officer", "handler"} {
			ns := unread(t, f.en, who)
			if len(ns) != 1 || ns[0].Kind != matter.NotifyOverdue || !strings.Contains(ns[0].Text, "已超期") || !strings.Contains(ns[0].Text, caseNo) {
				t.Errorf("%s's notifications: %+v", who, ns)
			}
		}
		if ns := unread(t, f.en, "courtlead"); len(ns) != 0 {
			t.Errorf("leader told before escalation: %+v", ns)
		}
		page, _ := f.en.List(ctx, f.pr("handler"), matter.Filter{Overdue: true})
		if len(page.Matters) != 1 {
			t.Errorf("overdue filter: %d matters", len(page.Matters))
		}

		// A restart: a new engine on the same database.
		en2 := f.engine(t, matter.Config{})
		if r, err := en2.Tick(ctx, late.Add(30*time.Minute)); err != nil || r.Overdue != 0 || r.Escalated != 0 {
			t.Errorf("tick after restart, before the grace: %+v %v", r, err)
		}
		if r, err := en2.Tick(ctx, due.Add(time.Hour+time.Minute)); err != nil || r.Escalated != 1 {
			t.Errorf("escalation: %+v %v", r, err)
		}
		for _, who := range []string{"courtlead", "polilead"} {
			ns := unread(t, en2, who)
			if len(ns) != 1 || ns[0].Kind != matter.NotifyEscalated || !strings.Contains(ns[0].Text, "督办") {
				t.Errorf("%s's notifications: %+v", who, ns)
			}
		}
		if ns := unread(t, en2, "citylead"); len(ns) != 0 {
			t.Errorf("the city leader is told though the bureau has its own: %+v", ns)
		}
		if r, _ := en2.Tick(ctx, due.Add(48*time.Hour)); r.Overdue+r.Escalated != 0 {
			t.Errorf("a later tick repeats: %+v", r)
		}
		m, _ = en2.Get(ctx, f.pr("officer"), l.ID)
		if !m.Overdue {
			t.Error("overdue lost on restart")
		}
		// Reading notifications.
		ns := unread(t, en2, "officer")
		if err := en2.MarkRead(ctx, "handler", ns[0].ID); !apperr.IsNotFound(err) {
			t.Errorf("marking another user's notification: %v", err)
		}
		if err := en2.MarkRead(ctx, "officer", ns[0].ID); err != nil || len(unread(t, en2, "officer")) != 0 {
			t.Errorf("mark read: %v", err)
		}
		// The police answer: the clock stops and the flag clears.
		m = f.act(t, "handler", l.ID, matter.ActionAddClue)
		if m.Overdue || m.DueAt != nil {
			t.Errorf("after the answer: overdue %v due %v", m.Overdue, m.DueAt)
		}
		dls, _ := matter.StoredDeadlines(ctx, d, l.ID)
		if len(dls) != 1 || dls[0].Running() {
			t.Errorf("clock rows %+v", dls)
		}
		assertReplayMatchesCache(t, f, l.ID)
	})
}

// TestTakeoverClockIsConfigurable_S_LOC_3: the takeover clock is
// configurable; clocks fixed by law are not.
func TestTakeoverClockIsConfigurable_S_LOC_3(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.en = f.engine(t, matter.Config{Clocks: map[matter.ClockID]matter.Period{matter.ClockTakeover: {N: 4, Unit: "hours"}}})
		h := f.inState(t, "handover", matter.HandoverControlled)
		m, _ := f.en.Get(context.Background(), f.pr("officer"), h)
		if m.DueAt == nil || m.DueAt.Sub(t0) != 4*time.Hour {
			t.Errorf("takeover due %v", m.DueAt)
		}
		_, err := matter.New(context.Background(), f.d, f.dir, f.policy, f.log, f.keys, f.ring,
			matter.Config{Clocks: map[matter.ClockID]matter.Period{matter.ClockDetentionTerm: {N: 20, Unit: "days"}}})
		if err == nil {
			t.Error("the detention term was configurable")
		}
	})
}

// TestClockTable: every row has a label, a positive period, a source and a
// clause; the rows later kinds need are present.
func TestClockTable(t *testing.T) {
	var ids []matter.ClockID
	for _, r := range matter.Clocks() {
		ids = append(ids, r.ID)
		if r.Label == "" || r.N <= 0 || r.Source == "" || r.Clause == "" || (r.Owner != matter.Court && r.Owner != matter.Police) {
			t.Errorf("incomplete row %+v", r)
		}
	}
	for _, want := range []matter.ClockID{"info_request", "takeover", "detention_term", "summons_questioning", "summons_questioning_complex",
		"family_notice", "reconsideration_apply", "reconsideration_decide", "criminal_reply_seed", "criminal_decide_2025"} {
		if !slices.Contains(ids, want) {
			t.Errorf("clock %s missing", want)
		}
	}
}
