package matter_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
	"liandong/internal/matter"
)

// The transfer's test data joins the shared tables (helpers_test.go,
// field_test.go) so that the generic table and form tests cover it too.
func init() {
	createPayloads["transfer"] = transferPayload(nil, "")
	for action, p := range map[string]string{
		matter.ActionReceive:            `{"receipt_no":"周公(刑)受字〔2025〕0457号","received_at":"2025-03-03 10:00","register_no":"DJ2025-0457","receipt_digest":"` + digestB + `"}`,
		matter.ActionMarkComplex:        `{"reason":"涉及多笔财产转移，需调取银行流水","approved_by":"刘副局长"}`,
		matter.ActionFileCase:           `{"decision_no":"周公(刑)立字〔2025〕0123号","filed_at":"2025-03-05 16:00","charge":"refuse_judgment","decision_digest":"` + digestC + `"}`,
		matter.ActionDecline:            `{"decision_no":"周公(刑)不立字〔2025〕0031号","decided_at":"2025-03-06 10:00","ground":"trivial","reasons":"被执行人已履行大部分义务，情节显著轻微"}`,
		matter.ActionAnswerInWriting:    `{"reply_digest":"` + digestC + `","reply_no":"周公(刑)复字〔2025〕0031号","sent_at":"2025-03-07 09:00"}`,
		matter.ActionRequestSupervision: `{"procuratorate":"周口市人民检察院","requested_on":"2025-03-10","note":"认为应当立案"}`,
		matter.ActionWithdrawTransfer:   `{"reason":"被执行人已履行全部义务"}`,
	} {
		payloads[action] = p
	}
	assistPaths["transfer"] = map[matter.State][]step{
		matter.TransferSent:      nil,
		matter.TransferReceived:  {{"handler", matter.ActionReceive}},
		matter.TransferDeclined:  {{"handler", matter.ActionReceive}, {"handler", matter.ActionDecline}},
		matter.TransferAnswered:  {{"handler", matter.ActionReceive}, {"handler", matter.ActionDecline}, {"handler", matter.ActionAnswerInWriting}},
		matter.TransferFiled:     {{"handler", matter.ActionReceive}, {"handler", matter.ActionFileCase}},
		matter.TransferWithdrawn: {{"officer", matter.ActionWithdrawTransfer}},
		matter.TransferClosed: {{"handler", matter.ActionReceive}, {"handler", matter.ActionDecline}, {"handler", matter.ActionAnswerInWriting},
			{"officer", matter.ActionClose}},
	}
	formOverrides["transfer/create/suspect_id"] = "411602199001011232"
}

// transferPayload is a valid creation payload for crime ("" = 拒执罪) with
// the checklist items in drop left out.
func transferPayload(drop []string, crime string) string {
	if crime == "" {
		crime = "refuse_judgment"
	}
	m := map[string]any{"crime": crime, "suspect_kind": "person", "suspect_name": "张某", "suspect_id": "411602199001011232",
		"facts": "被执行人张某有能力履行而将名下车辆低价转让给其亲属，经罚款、拘留后仍拒不履行，致使判决无法执行。"}
	for _, c := range matter.TransferChecklist(crime) {
		if !slices.Contains(drop, c.Field) {
			m[c.Field] = digestA
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// TestTransferChecklist_S_CRIME_1: ONE filing checklist; a transfer that
// lacks a required item is refused with a message naming the item and its
// category; the ability to perform is required for 拒执罪 only; optional
// items may be left out; the five groups of evidence are all there.
func TestTransferChecklist_S_CRIME_1(t *testing.T) {
	k, _ := matter.KindByName("transfer")
	validate := k.Creation().Validate
	cats := map[string]bool{}
	for _, c := range matter.TransferChecklist("") {
		if c.Required {
			cats[c.Category] = true
		}
	}
	for _, want := range []string{"移送文书", "身份", "履行义务", "拒不履行", "情节后果"} {
		if !cats[want] {
			t.Errorf("no required item in category %s", want)
		}
	}
	if len(matter.TransferChecklist("")) < 8 {
		t.Errorf("checklist too short: %+v", matter.TransferChecklist(""))
	}

	type tc struct {
		name, payload, field, code string
		msg                        []string // substrings of the message
	}
	cases := []tc{
		{"complete 拒执罪", transferPayload(nil, ""), "", "", nil},
		{"complete 妨害公务罪 without ability evidence", transferPayload([]string{"ability_evidence"}, "obstruct_official"), "", "", nil},
		{"optional measures left out", transferPayload([]string{"measures_evidence"}, ""), "", "", nil},
		{"拒执罪 without ability evidence", transferPayload([]string{"ability_evidence"}, ""), "ability_evidence", matter.CodeChecklist,
			[]string{"缺少“有能力履行的证据”", "履行能力类", "拒不执行判决、裁定罪"}},
		{"unknown crime", strings.Replace(transferPayload(nil, ""), `"refuse_judgment"`, `"theft"`, 1), "crime", matter.CodePayload, []string{"涉嫌罪名"}},
		{"bad identity number", strings.Replace(transferPayload(nil, ""), "411602199001011232", "411602199001011231", 1), "suspect_id", matter.CodePayload, nil},
		{"not a digest", strings.Replace(transferPayload(nil, ""), `"transfer_letter":"`+digestA, `"transfer_letter":"移送函.pdf`, 1), "transfer_letter", matter.CodePayload, []string{"SM3"}},
	}
	for _, c := range matter.TransferChecklist("refuse_judgment") {
		if c.Required {
			cases = append(cases, tc{"without " + c.Field, transferPayload([]string{c.Field}, ""), c.Field, matter.CodeChecklist,
				[]string{"移送材料不全", "缺少“" + c.Label + "”", "（" + c.Category + "类）"}})
		}
	}
	for _, c := range cases {
		err := validate(json.RawMessage(c.payload))
		if c.code == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", c.name, err)
			}
			continue
		}
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.Invalid || e.Code != c.code || e.Field != c.field {
			t.Errorf("%s: got %v, want %s on %s", c.name, err, c.code, c.field)
			continue
		}
		for _, s := range c.msg {
			if !strings.Contains(e.Message, s) {
				t.Errorf("%s: message %q lacks %q", c.name, e.Message, s)
			}
		}
	}
	// The form marks exactly the items required for every crime.
	for _, f := range k.CreateFields {
		for _, c := range matter.TransferChecklist("obstruct_official") {
			if f.Name == c.Field && f.Required != c.Required {
				t.Errorf("form field %s required=%v, checklist says %v for every crime", f.Name, f.Required, c.Required)
			}
		}
	}
}

// TestTransferPoliceMustAccept_S_CRIME_1: from the transferred state the
// police can only receive (issuing the 回执) or send a review suggestion;
// no police action leads anywhere but forward, and none ends the matter
// before a filing decision.
func TestTransferPoliceMustAccept_S_CRIME_1(t *testing.T) {
	k, _ := matter.KindByName("transfer")
	var police []string
	for _, tr := range k.Transitions {
		if tr.Side == matter.Police && slices.Contains(tr.From, matter.TransferSent) {
			police = append(police, tr.Action)
		}
		if tr.Side == matter.Police && (tr.To == matter.TransferWithdrawn || tr.To == matter.TransferClosed) {
			t.Errorf("police action %s ends the transfer", tr.Action)
		}
	}
	slices.Sort(police)
	if want := []string{matter.ActionReceive, matter.ActionSuggestReview}; !slices.Equal(police, want) {
		t.Errorf("police actions on a transferred case: %v, want %v", police, want)
	}
	for _, tr := range k.Transitions {
		if tr.Action == matter.ActionReceive && !slices.Contains(tr.Starts, matter.ClockCriminalReplySeed) {
			t.Error("receipt does not start the seed's 15-day clock")
		}
	}
}

// TestTransferAndArrestTransitionTables: every (state, action, actor) of
// the two kinds: allowed combinations work and lead where the table says,
// every other is refused and changes nothing.
func TestTransferAndArrestTransitionTables(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, name := range []string{"transfer", "arrest"} {
			k, _ := matter.KindByName(name)
			allowed, refused := checkTable(t, f, k)
			if allowed < 15 || refused < 100 {
				t.Errorf("%s: only %d allowed and %d refused combinations", name, allowed, refused)
			}
		}
	})
}

// checkTable walks one kind's table (the per-kind form of
// TestTransitionTables).
func checkTable(t *testing.T, f *fixture, k *matter.Kind) (allowed, refused int) {
	t.Helper()
	ctx := context.Background()
	actors := []string{"officer", "courtlead", "jingcha", "handler", "polilead", "othercop"}
	for _, s := range k.States {
		base := f.inState(t, k.Name, s.Name)
		for _, action := range k.Actions() {
			if action == matter.ActionCreate {
				continue
			}
			for _, who := range actors {
				pr := f.pr(who)
				var want *matter.Transition
				for _, tr := range k.Transitions {
					if who != "othercop" && tr.Action == action && slices.Contains(tr.From, s.Name) && string(tr.Side) == pr.Side &&
						slices.ContainsFunc(pr.Roles, func(r directory.Role) bool { return slices.Contains(tr.Roles, r) }) {
						tr := tr
						want = &tr
					}
				}
				name := k.Name + "/" + string(s.Name) + "/" + action + "/" + who
				if want != nil {
					allowed++
					id := f.inState(t, k.Name, s.Name)
					m, ev, err := f.en.Act(ctx, pr, id, action, 0, payload(action), nil)
					if err != nil {
						t.Errorf("%s: allowed by the table but refused: %v", name, err)
						continue
					}
					to := want.To
					if to == matter.NoState {
						to = s.Name
					}
					if m.State != to || ev.Type != action {
						t.Errorf("%s: state %s event %s, want state %s", name, m.State, ev.Type, to)
					}
					continue
				}
				refused++
				before, _ := f.en.Get(ctx, f.pr("officer"), base)
				_, _, err := f.en.Act(ctx, pr, base, action, 0, payload(action), nil)
				e, ok := apperr.As(err)
				if !ok || (e.Kind != apperr.Conflict && e.Kind != apperr.Forbidden && e.Kind != apperr.NotFound) || e.Message == "" {
					t.Errorf("%s: want a refusal, got %v", name, err)
					continue
				}
				if who == "othercop" && e.Kind != apperr.NotFound {
					t.Errorf("%s: a bureau not addressed got %v, want NotFound", name, err)
				}
				after, _ := f.en.Get(ctx, f.pr("officer"), base)
				if after.Seq != before.Seq || after.State != before.State {
					t.Errorf("%s: a refused act changed the matter", name)
				}
			}
		}
	}
	return allowed, refused
}

// endOf is the last stored instant of a day in China (microseconds, as the
// database keeps times).
func endOf(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d+1, 0, 0, 0, 0, china).Add(-time.Microsecond)
}

// TestTransferClocksAroundNationalDay_S_CRIME_2: materials received on
// Friday 2025-09-26, before the 2025 National Day holiday (10-01..10-08,
// make-up workdays 09-28 and 10-11). Calendar days, the day of receipt not
// counted, a last day on a holiday moved to the next working day (民诉法
// art. 85; workday.Days):
//   - 2025 rule, 7 days: day 7 is 10-03, a holiday → ends with 10-09;
//   - seed, 15 days: day 15 is Saturday 10-11, a make-up workday → 10-11;
//   - complex, 30 days: Sunday 10-26 → Monday 10-27;
//   - private prosecution, 60 days: Tuesday 11-25.
//
// The matter's due time is the stricter (earliest) clock; Tick marks each
// clock overdue at the first instant after its day, never at the deadline
// itself; the 60-day notice tells the court that private prosecution is
// open, and no other notice says so.
func TestTransferClocksAroundNationalDay_S_CRIME_2(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		receipt := time.Date(2025, 9, 26, 10, 0, 0, 0, china)
		f.clock.Set(receipt.Add(-time.Hour))
		m := f.createKind(t, "transfer", "ga411602")
		if m.DueAt != nil {
			t.Errorf("a transfer not yet received has a due time %v", m.DueAt)
		}
		f.clock.Set(receipt)
		m = f.act(t, "handler", m.ID, matter.ActionReceive)

		want := map[matter.ClockID]time.Time{
			matter.ClockCriminalDecide2025: endOf(2025, 10, 9),
			matter.ClockCriminalReplySeed:  endOf(2025, 10, 11),
			matter.ClockCriminalComplex:    endOf(2025, 10, 27),
			matter.ClockPrivateProsecution: endOf(2025, 11, 25),
		}
		for id, due := range want {
			if dl := f.deadline(t, m.ID, id); !dl.Due.Equal(due) || !dl.Running() {
				t.Errorf("%s due %v (running %v), want %v", id, dl.Due.In(china), dl.Running(), due)
			}
		}
		if m.DueAt == nil || !m.DueAt.Equal(want[matter.ClockCriminalDecide2025]) {
			t.Errorf("matter due %v, want the 7-day decision clock %v", m.DueAt, want[matter.ClockCriminalDecide2025])
		}
		assertReplayMatchesCache(t, f, m.ID)

		ticks := []struct {
			at       time.Time
			overdue  int
			label    string // the clock the new overdue notice names
			prosecut bool   // the notice says private prosecution is open
		}{
			{want[matter.ClockCriminalDecide2025], 0, "", false},
			{want[matter.ClockCriminalDecide2025].Add(time.Microsecond), 1, "立案审查决定（2025 年规定）", false},
			{want[matter.ClockCriminalReplySeed], 0, "", false},
			{want[matter.ClockCriminalReplySeed].Add(time.Second), 1, "不予立案书面答复（本地意见）", false},
			{want[matter.ClockCriminalComplex], 0, "", false},
			{want[matter.ClockCriminalComplex].Add(time.Second), 1, "立案审查决定（案情复杂）", false},
			{want[matter.ClockPrivateProsecution], 0, "", false},
			{want[matter.ClockPrivateProsecution].Add(time.Second), 1, "无书面答复可提起自诉", true},
		}
		seen := 0
		for _, tk := range ticks {
			r, err := f.en.Tick(ctx, tk.at)
			if err != nil {
				t.Fatal(err)
			}
			if r.Overdue != tk.overdue {
				t.Errorf("tick at %v: %d clocks overdue, want %d", tk.at.In(china), r.Overdue, tk.overdue)
			}
			var overdue []matter.Notification
			for _, n := range unread(t, f.en, "officer") {
				if n.Kind == matter.NotifyOverdue {
					overdue = append(overdue, n)
				}
			}
			if len(overdue) != seen+tk.overdue {
				t.Fatalf("tick at %v: %d overdue notices, want %d", tk.at.In(china), len(overdue), seen+tk.overdue)
			}
			if tk.overdue == 0 {
				continue
			}
			seen++
			n := overdue[0] // newest first
			if !strings.Contains(n.Text, "“"+tk.label+"”") || !strings.Contains(n.Text, m.CaseNumber) {
				t.Errorf("tick at %v: notice %q does not name %s", tk.at.In(china), n.Text, tk.label)
			}
			if got := strings.Contains(n.Text, "申请执行人可依法向人民法院提起自诉"); got != tk.prosecut {
				t.Errorf("notice %q: says private prosecution is open = %v, want %v", n.Text, got, tk.prosecut)
			}
		}
		// The handler of the bureau hears of the police's clocks too.
		if ns := unread(t, f.en, "handler"); len(ns) < 4 {
			t.Errorf("the bureau's handler got %d notices", len(ns))
		}
	})
}

// TestTransferDeclineAndWrittenAnswer_S_CRIME_2: a complex case stops the
// 7-day clock and leaves the 30-day one; deciding not to file stops both
// and starts the 7-day letter clock from the decision (法发〔2025〕8号),
// which here ends in the holiday and moves to 10-09; the written answer
// stops every clock that waits for it and the matter owes nothing more. The
// court may then ask the procuratorate to supervise, and the police may
// still file.
func TestTransferDeclineAndWrittenAnswer_S_CRIME_2(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.clock.Set(time.Date(2025, 9, 26, 10, 0, 0, 0, china))
		m := f.createKind(t, "transfer", "ga411602")
		m = f.act(t, "handler", m.ID, matter.ActionReceive)

		f.clock.Set(time.Date(2025, 9, 29, 9, 0, 0, 0, china))
		_, err := f.actWith("handler", m.ID, matter.ActionMarkComplex, `{"approved_by":"刘副局长"}`)
		wantInvalid(t, "complex without a reason", err)
		m = f.act(t, "handler", m.ID, matter.ActionMarkComplex)
		if dl := f.deadline(t, m.ID, matter.ClockCriminalDecide2025); dl.Running() {
			t.Error("the 7-day clock still runs on a complex case")
		}
		if dl := f.deadline(t, m.ID, matter.ClockCriminalComplex); !dl.Running() {
			t.Error("the 30-day clock stopped")
		}
		if !m.DueAt.Equal(endOf(2025, 10, 11)) {
			t.Errorf("due after mark_complex %v, want the seed's 10-11", m.DueAt.In(china))
		}

		f.clock.Set(time.Date(2025, 9, 30, 10, 0, 0, 0, china))
		_, err = f.actWith("handler", m.ID, matter.ActionDecline, `{"decision_no":"x","decided_at":"2025-09-30 10:00","ground":"不想立案","reasons":"无"}`)
		wantInvalid(t, "decline on a ground the law does not give", err)
		m = f.act(t, "handler", m.ID, matter.ActionDecline)
		if m.State != matter.TransferDeclined {
			t.Fatalf("declined: %s", m.State)
		}
		notify := f.deadline(t, m.ID, matter.ClockCriminalNotify2025)
		if !notify.Due.Equal(endOf(2025, 10, 9)) || !notify.Running() {
			t.Errorf("letter clock due %v, want the end of 2025-10-09 (10-07 is a holiday)", notify.Due.In(china))
		}
		if dl := f.deadline(t, m.ID, matter.ClockCriminalComplex); dl.Running() {
			t.Error("the 30-day decision clock runs after the decision")
		}
		if !m.DueAt.Equal(endOf(2025, 10, 9)) {
			t.Errorf("due after decline %v", m.DueAt.In(china))
		}

		_, err = f.actWith("handler", m.ID, matter.ActionAnswerInWriting, `{"sent_at":"2025-10-09 10:00"}`)
		wantInvalid(t, "written answer without the document", err)
		f.clock.Set(time.Date(2025, 10, 9, 10, 0, 0, 0, china))
		m = f.act(t, "handler", m.ID, matter.ActionAnswerInWriting)
		if m.State != matter.TransferAnswered || m.DueAt != nil {
			t.Errorf("answered: %s, due %v", m.State, m.DueAt)
		}
		for _, id := range []matter.ClockID{matter.ClockCriminalReplySeed, matter.ClockCriminalNotify2025, matter.ClockPrivateProsecution} {
			if f.deadline(t, m.ID, id).Running() {
				t.Errorf("%s still runs after the written answer", id)
			}
		}
		if r, _ := f.en.Tick(context.Background(), time.Date(2025, 12, 1, 0, 0, 0, 0, china)); r.Overdue != 0 {
			t.Errorf("%d clocks overdue after the written answer", r.Overdue)
		}
		m = f.act(t, "officer", m.ID, matter.ActionRequestSupervision)
		if m.State != matter.TransferAnswered {
			t.Errorf("supervision request changed the state to %s", m.State)
		}
		m = f.act(t, "handler", m.ID, matter.ActionFileCase)
		if m.State != matter.TransferFiled || !m.Terminal {
			t.Errorf("filed after the procuratorate's notice: %s", m.State)
		}
		assertReplayMatchesCache(t, f, m.ID)

		// Withdrawal: before filing only.
		w := f.createKind(t, "transfer", "ga411602")
		if _, err := f.actWith("officer", w.ID, matter.ActionWithdrawTransfer, `{}`); err == nil {
			t.Error("withdrawn without a reason")
		}
		if w = f.act(t, "officer", w.ID, matter.ActionWithdrawTransfer); w.State != matter.TransferWithdrawn {
			t.Errorf("withdrawn: %s", w.State)
		}
	})
}
