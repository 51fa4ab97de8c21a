package matter_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/matter"
)

// TestEndToEnd_S_LOC_2_S_LOC_3: the court officer of fy411600-zxj asks
// ga411602 to find a debtor; the handler adds two clues and marks the
// debtor controlled, which opens a handover; the court takes over and the
// police record the handover; the court closes the locate. Every act is
// audited with the case number and queued for the other side; replaying
// each matter's events gives its cached row.
func TestEndToEnd_S_LOC_2_S_LOC_3(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		l := f.create(t)
		if l.State != matter.LocateRequested || l.DueAt == nil || l.CaseNumber != caseNo || l.CourtUnit != "fy411600" || l.Officer != "officer" {
			t.Fatalf("created %+v", l)
		}
		// 3 working days from Monday 09:00: the end of Thursday (S-LOC-2).
		if got := l.DueAt.In(china).Format("2006-01-02 15:04"); got != "2025-03-06 23:59" {
			t.Errorf("info_request due %s, want 2025-03-06 23:59", got)
		}
		m := f.act(t, "handler", l.ID, matter.ActionAddClue)
		if m.State != matter.LocateAnswered || m.DueAt != nil {
			t.Errorf("after a clue: %s due %v, want answered with no clock", m.State, m.DueAt)
		}
		f.act(t, "officer", l.ID, matter.ActionRequestMore)
		m, _, err := f.en.Act(ctx, f.pr("handler"), l.ID, matter.ActionAddClue, 3,
			json.RawMessage(`{"type":"hotel","content":"2025-03-02 入住周口宾馆 1203 房","source":"旅馆业治安管理信息系统","observed_at":"2025-03-02T20:00:00+08:00"}`), nil)
		if err != nil {
			t.Fatal(err)
		}
		m = f.act(t, "handler", l.ID, matter.ActionMarkControlled)
		if m.State != matter.LocateControlled {
			t.Fatalf("after control: %s", m.State)
		}
		hid := f.child(t, l.ID)
		h, err := f.en.Get(ctx, f.pr("officer"), hid)
		if err != nil {
			t.Fatal(err)
		}
		if h.Kind != "handover" || h.State != matter.HandoverControlled || h.ParentID != l.ID || h.CaseNumber != caseNo || h.DueAt == nil {
			t.Fatalf("handover %+v", h)
		}
		// The takeover clock: 2 hours from control being reported (S-LOC-3).
		if got := h.DueAt.Sub(t0); got.Hours() != 2 {
			t.Errorf("takeover due after %v, want 2h", got)
		}
		buttons := f.en.Allowed(ctx, f.pr("officer"), h)
		var names []string
		for _, b := range buttons {
			names = append(names, b.Action)
		}
		if want := []string{matter.ActionDelegate, matter.ActionTakeOver, matter.ActionCancel, matter.ActionAnswerReview}; !slices.Equal(names, want) {
			t.Errorf("officer's buttons on a new handover: %v, want %v", names, want)
		}
		h = f.act(t, "officer", hid, matter.ActionTakeOver)
		if h.State != matter.HandoverReceived || h.DueAt != nil {
			t.Errorf("after takeover: %s due %v", h.State, h.DueAt)
		}
		h = f.act(t, "handler", hid, matter.ActionHandOver)
		if h.State != matter.HandoverDone || !h.Terminal {
			t.Errorf("after handover: %s", h.State)
		}
		m = f.act(t, "officer", l.ID, matter.ActionClose)
		if m.State != matter.LocateClosed || !m.Terminal {
			t.Errorf("after close: %s", m.State)
		}
		_, _, err = f.en.Act(ctx, f.pr("handler"), l.ID, matter.ActionAddClue, 0, payload(matter.ActionAddClue), nil)
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.Conflict || e.Message != "事项当前状态为“已结束”，不能进行“反馈线索”" {
			t.Errorf("clue on a closed locate: %v", err)
		}

		tl, err := f.en.Timeline(ctx, f.pr("handler"), l.ID)
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for i, e := range tl {
			types = append(types, e.Type)
			if e.Seq != int64(i+1) || len(e.ID) != 32 {
				t.Errorf("event %d: seq %d id %q", i, e.Seq, e.ID)
			}
		}
		if want := []string{"create", "add_clue", "request_more", "add_clue", "mark_controlled", "close"}; !slices.Equal(types, want) {
			t.Errorf("timeline %v, want %v", types, want)
		}

		// Every act is audited with the case number, in the same
		// transaction (S-SEC-1, S-SEC-2).
		var n int
		if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_entries WHERE action LIKE 'matter.%' AND action <> 'matter.read' AND case_number = $1 AND outcome = 'ok'`, caseNo).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 6+3 { // six locate events, three handover events
			t.Errorf("%d audit entries for matter acts, want 9", n)
		}
		// Every event crosses to the other side: court ↔ police.
		if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM matter_outbox`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 9 {
			t.Errorf("%d envelopes queued, want 9", n)
		}
		assertReplayMatchesCache(t, f, l.ID)
		assertReplayMatchesCache(t, f, hid)
	})
}

// assertReplayMatchesCache replays a matter's events and compares the
// result with the cached row and clock rows (DESIGN.md principle 1).
func assertReplayMatchesCache(t *testing.T, f *fixture, id int64) {
	t.Helper()
	ctx := context.Background()
	d, evs, err := f.en.Derived(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := matter.KindByName(evs[0].Kind)
	state, dls, err := matter.Replay(k, evs)
	if err != nil || state != d.State || len(dls) != len(d.Deadlines) {
		t.Fatalf("Replay and Derive disagree: %v", err)
	}
	m, err := f.en.Get(ctx, f.pr("officer"), id)
	if err != nil {
		t.Fatal(err)
	}
	due := d.DueAt()
	if m.State != d.State || m.Seq != d.Seq || m.Terminal != d.Terminal || m.DelegateUnit != d.DelegateUnit ||
		(due == nil) != (m.DueAt == nil) || (due != nil && !due.Equal(*m.DueAt)) || !m.UpdatedAt.Equal(d.UpdatedAt) ||
		m.CaseNumber != d.Header.CaseNumber || m.RequestingUnit != d.Header.RequestingUnit || m.AddressedUnit != d.Header.AddressedUnit {
		t.Errorf("matter %d: cached %+v, replayed %+v", id, m, d)
	}
	stored, err := matter.StoredDeadlines(ctx, f.d, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(d.Deadlines) {
		t.Fatalf("matter %d: %d clock rows, replay has %d", id, len(stored), len(d.Deadlines))
	}
	for i, s := range stored {
		r := d.Deadlines[i]
		if s.Clock != r.Clock || s.StartedSeq != r.StartedSeq || !s.Due.Equal(r.Due) || s.StoppedSeq != r.StoppedSeq || !s.StartedAt.Equal(r.StartedAt) {
			t.Errorf("matter %d clock %d: stored %+v, replayed %+v", id, i, s, r)
		}
	}
}

// TestOtherUnitsNeitherSeeNorAct: a court officer of another court and a
// police handler of another bureau get NotFound (not Forbidden: existence
// does not leak) on every read and act, and lists leave the matter out
// (S-SEC-2).
func TestOtherUnitsNeitherSeeNorAct(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		l := f.create(t)
		for _, who := range []string{"otherjudge", "othercop"} {
			pr := f.pr(who)
			if _, err := f.en.Get(ctx, pr, l.ID); !apperr.IsNotFound(err) {
				t.Errorf("%s Get: %v, want NotFound", who, err)
			}
			if _, err := f.en.Timeline(ctx, pr, l.ID); !apperr.IsNotFound(err) {
				t.Errorf("%s Timeline: %v, want NotFound", who, err)
			}
			for _, a := range []string{matter.ActionAddClue, matter.ActionClose, matter.ActionSuggestReview} {
				if _, _, err := f.en.Act(ctx, pr, l.ID, a, 0, payload(a), nil); !apperr.IsNotFound(err) {
					t.Errorf("%s %s: %v, want NotFound", who, a, err)
				}
			}
			page, err := f.en.List(ctx, pr, matter.Filter{})
			if err != nil || len(page.Matters) != 0 {
				t.Errorf("%s List: %d matters, %v", who, len(page.Matters), err)
			}
			if got := f.en.Allowed(ctx, pr, l); len(got) != 0 {
				t.Errorf("%s has buttons: %v", who, got)
			}
		}
		// A non-existent matter reads the same as an invisible one.
		if _, err := f.en.Get(ctx, f.pr("othercop"), 999999); !apperr.IsNotFound(err) {
			t.Errorf("missing matter: %v", err)
		}
		// The denied attempts are audited (S-SEC-2: 杜绝超权限操作).
		var n int
		if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_entries WHERE outcome = 'denied' AND action LIKE 'matter.%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 6 {
			t.Errorf("%d denied matter acts audited, want 6", n)
		}
		for _, who := range []string{"officer", "courtlead", "handler", "polilead", "citylead"} {
			page, err := f.en.List(ctx, f.pr(who), matter.Filter{Kind: "locate"})
			if err != nil || len(page.Matters) != 1 {
				t.Errorf("%s List: %d matters, %v", who, len(page.Matters), err)
			}
		}
	})
}

// TestConcurrentActsOneWins: several users press the same button on the
// same version of a matter; exactly one act is appended, the others are
// told to refresh.
func TestConcurrentActsOneWins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		l := f.create(t)
		const n = 8
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			ok   int
			errs []error
		)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := f.en.Act(ctx, f.pr("handler"), l.ID, matter.ActionAddClue, 1, payload(matter.ActionAddClue), nil)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					ok++
				} else {
					errs = append(errs, err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 {
			t.Fatalf("%d acts succeeded, want 1 (errors %v)", ok, errs)
		}
		for _, err := range errs {
			if e, isApp := apperr.As(err); !isApp || e.Code != matter.CodeStale || e.Message != "该事项已被他人更新，请刷新后重试" {
				t.Errorf("loser got %v", err)
			}
		}
		m, _ := f.en.Get(ctx, f.pr("officer"), l.ID)
		if m.Seq != 2 {
			t.Errorf("seq %d, want 2", m.Seq)
		}
		// Without expectSeq every act is applied in turn.
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := f.en.Act(ctx, f.pr("handler"), l.ID, matter.ActionAddClue, 0, payload(matter.ActionAddClue), nil); err != nil {
					if e, ok := apperr.As(err); !ok || e.Code != matter.CodeStale {
						t.Errorf("unchecked act: %v", err)
					}
				}
			}()
		}
		wg.Wait()
		assertReplayMatchesCache(t, f, l.ID)
	})
}

// TestCreateValidation: case numbers must be valid enforcement cases of
// the filing court; units must exist; payloads are checked by the kind.
func TestCreateValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		cases := []struct {
			name  string
			nm    matter.NewMatter
			field string
		}{
			{"bad case number", matter.NewMatter{Kind: "locate", CaseNumber: "2021豫16执123", AddressedUnit: "ga411602"}, "case_number"},
			{"not enforcement", matter.NewMatter{Kind: "locate", CaseNumber: "（2021）豫16民初123号", AddressedUnit: "ga411602"}, "case_number"},
			{"other court's case", matter.NewMatter{Kind: "locate", CaseNumber: "（2021）豫1602执123号", AddressedUnit: "ga411602"}, "case_number"},
			{"unknown unit", matter.NewMatter{Kind: "locate", CaseNumber: caseNo, AddressedUnit: "ga999999"}, "addressed_unit"},
			{"unknown kind", matter.NewMatter{Kind: "teleport", CaseNumber: caseNo, AddressedUnit: "ga411602"}, "kind"},
			{"payload not an object", matter.NewMatter{Kind: "locate", CaseNumber: caseNo, AddressedUnit: "ga411602", Payload: []byte(`[1]`)}, "payload"},
			{"bad document digest", matter.NewMatter{Kind: "locate", CaseNumber: caseNo, AddressedUnit: "ga411602", Documents: []string{"abc"}}, "documents"},
		}
		for _, c := range cases {
			_, err := f.en.Create(ctx, f.pr("officer"), c.nm)
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.Invalid || e.Field != c.field || e.Message == "" {
				t.Errorf("%s: %v, want Invalid on %s", c.name, err, c.field)
			}
		}
		// Case numbers are stored in canonical form.
		m, err := f.en.Create(ctx, f.pr("officer"), matter.NewMatter{Kind: "locate", CaseNumber: "(2021)豫16执123", AddressedUnit: "ga411602"})
		if err != nil || m.CaseNumber != caseNo {
			t.Errorf("ASCII brackets: %q, %v", m.CaseNumber, err)
		}
		// Police cannot file matters (the policy), and a clue is checked.
		if _, err := f.en.Create(ctx, f.pr("handler"), matter.NewMatter{Kind: "locate", CaseNumber: caseNo, RequestingUnit: "fy411600-zxj", AddressedUnit: "ga411602"}); apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("police create: %v", err)
		}
		for _, p := range []string{`{"type":"telepathy","content":"x","source":"y","observed_at":"2025-03-03 10:00"}`,
			`{"type":"hotel","content":"","source":"y","observed_at":"2025-03-03 10:00"}`,
			`{"type":"hotel","content":"x","source":"y","observed_at":"yesterday"}`} {
			_, _, err := f.en.Act(ctx, f.pr("handler"), m.ID, matter.ActionAddClue, 0, json.RawMessage(p), nil)
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.Invalid || e.Field == "" {
				t.Errorf("clue %s: %v", p, err)
			}
		}
	})
}

// TestDelegatedTakeover_S_LOC_3: across regions the requesting court names
// the court of the place, whose officers may then see the handover and
// take over on its behalf; the police keep their access.
func TestDelegatedTakeover_S_LOC_3(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		h := f.inState(t, "handover", matter.HandoverControlled)
		if _, err := f.en.Get(ctx, f.pr("luyijudge"), h); !apperr.IsNotFound(err) {
			t.Fatalf("Luyi court before delegation: %v", err)
		}
		for _, bad := range []string{`{"court":"ga411628"}`, `{"court":"fy411600"}`, `{"court":"fy999999"}`} {
			if _, _, err := f.en.Act(ctx, f.pr("officer"), h, matter.ActionDelegate, 0, json.RawMessage(bad), nil); apperr.KindOf(err) != apperr.Invalid {
				t.Errorf("delegate %s: %v", bad, err)
			}
		}
		m := f.act(t, "officer", h, matter.ActionDelegate)
		if m.DelegateUnit != "fy411628" || m.State != matter.HandoverDelegated || m.DueAt == nil {
			t.Fatalf("after delegation %+v", m)
		}
		page, err := f.en.List(ctx, f.pr("luyijudge"), matter.Filter{})
		if err != nil || len(page.Matters) != 1 || page.Matters[0].ID != h {
			t.Fatalf("Luyi court's list: %+v %v", page, err)
		}
		m = f.act(t, "luyijudge", h, matter.ActionTakeOver)
		if m.State != matter.HandoverReceived {
			t.Fatalf("after delegated takeover: %s", m.State)
		}
		f.act(t, "handler", h, matter.ActionHandOver)
		// The delegate court cannot act on the locate itself.
		l, _ := f.en.Get(ctx, f.pr("officer"), m.ParentID)
		if _, err := f.en.Get(ctx, f.pr("luyijudge"), l.ID); !apperr.IsNotFound(err) {
			t.Errorf("Luyi court sees the locate: %v", err)
		}
		assertReplayMatchesCache(t, f, h)
	})
}

// TestListOrderAndPages: soonest deadline first, matters without a running
// clock last, filters, cursor pages.
func TestListOrderAndPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		a := f.create(t) // due Thursday
		f.clock.Set(t0.Add(24 * 3600e9))
		b := f.create(t) // due Friday
		f.act(t, "handler", b.ID, matter.ActionAddClue)
		c := f.create(t)
		f.clock.Set(t0)
		f.act(t, "handler", c.ID, matter.ActionMarkControlled) // opens a handover due in 2 hours
		hc := f.child(t, c.ID)
		var got []int64
		cursor := ""
		for {
			page, err := f.en.List(ctx, f.pr("officer"), matter.Filter{Limit: 2, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range page.Matters {
				got = append(got, m.ID)
			}
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
		if len(got) != 4 || got[0] != hc || got[1] != a.ID {
			t.Errorf("order %v, want handover %d then locate %d first", got, hc, a.ID)
		}
		page, _ := f.en.List(ctx, f.pr("handler"), matter.Filter{Kind: "locate", State: matter.LocateAnswered})
		if len(page.Matters) != 1 || page.Matters[0].ID != b.ID {
			t.Errorf("filtered list %+v", page.Matters)
		}
	})
}
