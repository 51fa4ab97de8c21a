package screening_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/credit"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
	"liandong/internal/keyring"
	"liandong/internal/matter"
	"liandong/internal/pii"
	"liandong/internal/screen"
	"liandong/internal/screening"
	"liandong/internal/signer"
)

// Principals: an officer of 川汇区法院 (the listing court), an officer of
// 淮阳区法院, a police system account, the security administrator.
var (
	officer      = access.Principal{Username: "chfy-officer", UnitCode: "fy411602-zxj", Roles: []directory.Role{directory.CourtOfficer}}
	otherOfficer = access.Principal{Username: "hyfy-officer", UnitCode: "fy411603-zxj", Roles: []directory.Role{directory.CourtOfficer}}
	police       = access.Principal{Username: "crj-system", UnitCode: "ga411602", Roles: []directory.Role{directory.PoliceHandler}}
	secAdmin     = access.Principal{Username: "sec", UnitCode: "ga411600-xxtx", Roles: []directory.Role{directory.SecAdmin}}
)

type fixture struct {
	d      *db.DB
	dir    *directory.Store
	log    *audit.Log
	policy *access.Policy
	store  *credit.Store
}

// openLocate writes an open locate matter in the case straight into the
// table (the engine's acts are not what this test is about).
func (f *fixture) openLocate(ctx context.Context, caseNumber string) (int64, error) {
	now := db.Now()
	var id int64
	err := f.d.Write().QueryRowContext(ctx, `INSERT INTO matters (uid, kind, case_number, court_unit, officer, requesting_unit, requesting_side,
		addressed_unit, addressed_side, state, last_seq, due_sort, created_at, updated_at)
		VALUES ('m-1', 'locate', $1, 'fy411602', $2, 'fy411602-zxj', 'court', 'ga411602', 'police', 'sent', 1, $3, $3, $3) RETURNING id`,
		caseNumber, officer.Username, now).Scan(&id)
	return id, err
}

type notification struct {
	matterID int64
	kind     string
	text     string
}

func (f *fixture) notifications(t testing.TB, username string) []notification {
	t.Helper()
	rows, err := f.d.Read().Query(`SELECT COALESCE(matter_id, 0), kind, text FROM notifications WHERE username = $1 ORDER BY id`, username)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []notification
	for rows.Next() {
		var n notification
		if err := rows.Scan(&n.matterID, &n.kind, &n.text); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := directory.NewStore(d)
	if _, err := dir.LoadZhoukou(ctx); err != nil {
		t.Fatal(err)
	}
	for _, u := range []directory.NewUser{
		{Username: officer.Username, Unit: officer.UnitCode, Roles: officer.Roles, PasswordHash: fakeHash},
		{Username: otherOfficer.Username, Unit: otherOfficer.UnitCode, Roles: otherOfficer.Roles, PasswordHash: fakeHash},
	} {
		if _, err := dir.AddUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	text, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	ring, err := keyring.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	keys := signer.NewStore(d, ring)
	f := &fixture{d: d, dir: dir}
	f.log = audit.New(d, keys, audit.Options{})
	f.policy = access.NewPolicy(dir, access.Config{})
	f.store = credit.NewStore(d, pii.New(ring), f.policy, f.log, credit.Options{})
	return f
}

func (f *fixture) service(t testing.TB, ctx context.Context) *screening.Service {
	t.Helper()
	s := screening.New(f.d, f.store, f.dir, f.policy, f.log, screening.Config{Poll: 50 * time.Millisecond})
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func residentID(region, birth, seq string) string {
	body := region + birth + seq
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(body[i]-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

func person(name, id string, seq int) credit.NewEntry {
	return credit.NewEntry{
		Kind: "person", Name: name, IDNumber: id,
		Ground: credit.Int(1), Obligation: "支付货款 100000 元及利息", Performance: "全部未履行",
		Conduct: "有履行能力而拒不履行生效法律文书确定的义务", BasisUnit: "周口市川汇区人民法院", BasisNumber: "（2023）豫1602民初100号",
		CaseNumber: fmt.Sprintf("（2024）豫1602执%d号", seq), FiledOn: "2024-01-05", DecidedOn: "2024-03-15",
	}
}

var (
	idZhang = residentID("411602", "19800501", "013")
	idLi    = residentID("411602", "19850302", "024")
)

func screenOne(t testing.TB, s *screening.Service, q screen.Query) (screen.Result, screening.Action) {
	t.Helper()
	res, err := s.Screen(context.Background(), police, "10.1.1.1", screening.Request{Business: "exit_entry_permit", Place: "川汇区出入境受理大厅", Queries: []screen.Query{q}})
	if err != nil {
		t.Fatalf("Screen: %v", err)
	}
	return res.Results[0], res.Actions[0]
}

// eventually waits until cond holds (a few seconds at most).
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestTwoServersFollowTheList runs two services on one database, as two
// servers would: a listing and a removal made through the store reach
// both indexes (by LISTEN on PostgreSQL, by the poll on SQLite), a removal
// never hits from the moment it commits (the database check), and every
// result carries the version.
func TestTwoServersFollowTheList(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f := newFixture(t, d)
		zhang, err := f.store.Add(ctx, officer, person("张三", idZhang, 1))
		if err != nil {
			t.Fatal(err)
		}
		a, b := f.service(t, ctx), f.service(t, ctx)
		for _, s := range []*screening.Service{a, b} {
			r, act := screenOne(t, s, screen.Query{Ref: "q1", Name: "张三", IDNumber: idZhang})
			if r.Band != screen.BandHit || r.EntryID != zhang.ID || act != screening.Block || r.Version != zhang.Version {
				t.Fatalf("listed at start: %+v %s, want hit on %d at version %d with block", r, act, zhang.ID, zhang.Version)
			}
		}
		li, err := f.store.Add(ctx, officer, person("李四", idLi, 2))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []*screening.Service{a, b} {
			eventually(t, "the new listing reaches the index", func() bool { return s.Version() >= li.Version })
			if r, _ := screenOne(t, s, screen.Query{Ref: "q2", Name: "李四", IDNumber: idLi}); r.Band != screen.BandHit || r.EntryID != li.ID {
				t.Fatalf("added entry: %+v", r)
			}
		}
		removed, err := f.store.Remove(ctx, officer, zhang.ID, credit.Removal{Reason: credit.RemoveEarly, Note: "已履行"})
		if err != nil {
			t.Fatal(err)
		}
		// From the commit on: no hit, whether or not the index has heard.
		for _, s := range []*screening.Service{a, b} {
			if r, act := screenOne(t, s, screen.Query{Ref: "q3", Name: "张三", IDNumber: idZhang}); r.Band != screen.BandNone || act != screening.None {
				t.Fatalf("removed entry answered %+v %s", r, act)
			}
			eventually(t, "the removal reaches the index", func() bool { return s.Version() >= removed.Version })
			out := make([]screen.Result, 1)
			if _, err := s.ScreenBatch([]screen.Query{{Name: "张三", IDNumber: idZhang}}, out); err != nil || out[0].Band != screen.BandNone {
				t.Fatalf("index after removal: %+v %v", out[0], err)
			}
		}
		if err := a.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		if r, _ := screenOne(t, a, screen.Query{Ref: "q4", Name: "李四", IDNumber: idLi}); r.Band != screen.BandHit || r.Version < li.Version {
			t.Fatalf("after rebuild: %+v", r)
		}
	})
}

func wantCode(t testing.TB, err error, code, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code || e.Field != field || e.Message == "" {
		t.Fatalf("err = %v (field %q), want %s on %q", err, fieldOf(err), code, field)
	}
}

func fieldOf(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Field
	}
	return ""
}

// TestScreenRequests checks the request rules: who may screen, the
// business, the batch size and each query's fields.
func TestScreenRequests(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f := newFixture(t, d)
		s := f.service(t, ctx)
		ok := screen.Query{Ref: "a", Name: "王五", BirthDate: "1980-01-01"}
		many := make([]screen.Query, screening.MaxBatch+1)
		for i := range many {
			many[i] = ok
		}
		for _, tc := range []struct {
			name  string
			pr    access.Principal
			req   screening.Request
			code  string
			field string
		}{
			{"court officer", officer, screening.Request{Business: "exit_entry_permit", Queries: []screen.Query{ok}}, access.CodeDenied, ""},
			{"no business", police, screening.Request{Queries: []screen.Query{ok}}, screening.CodeBusiness, "business"},
			{"unknown business", police, screening.Request{Business: "casino", Queries: []screen.Query{ok}}, screening.CodeBusiness, "business"},
			{"empty", police, screening.Request{Business: "hotel_registration"}, screening.CodeBatchSize, "queries"},
			{"too many", police, screening.Request{Business: "hotel_registration", Queries: many}, screening.CodeBatchSize, "queries"},
			{"nothing to compare", police, screening.Request{Business: "hotel_registration", Queries: []screen.Query{ok, {Ref: "b", BirthDate: "1980-01-01"}}}, screening.CodeQuery, "queries[1].name"},
			{"bad date", police, screening.Request{Business: "hotel_registration", Queries: []screen.Query{ok, ok, {Name: "王五", BirthDate: "1980-13-45"}}}, screening.CodeQuery, "queries[2].birth_date"},
			{"bad sex", police, screening.Request{Business: "hotel_registration", Queries: []screen.Query{{Name: "王五", Sex: "X"}}}, screening.CodeQuery, "queries[0].sex"},
			{"long name", police, screening.Request{Business: "hotel_registration", Queries: []screen.Query{{Name: strings.Repeat("王", 65)}}}, screening.CodeQuery, "queries[0].name"},
			{"long place", police, screening.Request{Business: "hotel_registration", Place: strings.Repeat("地", 101), Queries: []screen.Query{ok}}, screening.CodePlace, "place"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.Screen(ctx, tc.pr, "10.1.1.1", tc.req)
				wantCode(t, err, tc.code, tc.field)
			})
		}
		res, err := s.Screen(ctx, police, "10.1.1.1", screening.Request{Business: "hotel_registration", Queries: []screen.Query{ok}})
		if err != nil || res.Results[0].Band != screen.BandNone || res.Actions[0] != screening.None {
			t.Fatalf("plain screen: %+v %v", res, err)
		}
	})
}

// TestRulesAndHits: the security administrator changes what a hit does;
// a hit is recorded for the listing court with a notification to its
// officer and on the open locate matter of the case; another court sees
// none of it; the listing court reviews it once; all audited.
func TestRulesAndHits(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f := newFixture(t, d)
		zhang, err := f.store.Add(ctx, officer, person("张三", idZhang, 1))
		if err != nil {
			t.Fatal(err)
		}
		s := f.service(t, ctx)

		// Rules.
		if _, err := s.SetRules(ctx, police, "", []screening.RuleChange{{Business: "hotel_registration", OnHit: screening.Block, OnReview: screening.Flag}}); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("police changed a rule: %v", err)
		}
		_, err = s.SetRules(ctx, secAdmin, "", []screening.RuleChange{{Business: "hotel_registration", OnHit: "ban", OnReview: screening.Flag}})
		wantCode(t, err, screening.CodeRule, "rules[0].on_hit")
		_, err = s.SetRules(ctx, secAdmin, "", []screening.RuleChange{{Business: "casino", OnHit: screening.Block, OnReview: screening.Flag}})
		wantCode(t, err, screening.CodeBusiness, "rules[0].business")
		rules, err := s.SetRules(ctx, secAdmin, "10.9.9.9", []screening.RuleChange{{Business: "hotel_registration", OnHit: screening.Flag, OnReview: screening.Report}})
		if err != nil {
			t.Fatal(err)
		}
		if len(rules) < 5 || rules[4].Business != "hotel_registration" || rules[4].OnHit != screening.Flag || rules[4].UpdatedBy != secAdmin.Username {
			t.Fatalf("rules after change: %+v", rules)
		}
		if es, _, _ := f.log.Search(ctx, audit.Query{ActionPrefix: "screen.rules.update"}); len(es) != 1 || !strings.Contains(es[0].Detail, "hotel_registration hit report->flag") {
			t.Fatalf("rule change audit: %+v", es)
		}

		// A hit, with a locate matter open in the case.
		loc, err := f.openLocate(ctx, zhang.CaseNumber)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Screen(ctx, police, "10.1.1.1", screening.Request{Business: "hotel_registration", Place: "川汇区某宾馆",
			Queries: []screen.Query{{Ref: "guest-1", Name: "张三", IDNumber: idZhang}, {Ref: "guest-2", Name: "赵六", BirthDate: "1990-01-01"}}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Hits != 1 || res.Actions[0] != screening.Flag || res.Actions[1] != screening.None {
			t.Fatalf("screen: %+v", res)
		}
		if es, _, _ := f.log.Search(ctx, audit.Query{ActionPrefix: "screen.run"}); len(es) != 1 ||
			!strings.Contains(es[0].Detail, fmt.Sprintf("hit:%d@guest-1", zhang.ID)) || !strings.Contains(es[0].Detail, "queries=2 hit=1") {
			t.Fatalf("screen audit: %+v", es)
		}
		// A second hit within a day is recorded but not announced again.
		if _, err := s.Screen(ctx, police, "10.1.1.1", screening.Request{Business: "exit_entry_permit", Queries: []screen.Query{{Ref: "app-9", Name: "张三", IDNumber: idZhang}}}); err != nil {
			t.Fatal(err)
		}
		ns := f.notifications(t, officer.Username)
		var plain, onMatter int
		for _, n := range ns {
			if n.kind != matter.NotifyKindScreenHit {
				continue
			}
			if n.matterID == loc {
				onMatter++
			} else if n.matterID == 0 {
				plain++
			}
			if !strings.Contains(n.text, "旅馆业登记") || !strings.Contains(n.text, "川汇区某宾馆") || strings.Contains(n.text, idZhang) {
				t.Errorf("notification text: %s", n.text)
			}
		}
		if plain != 1 || onMatter != 1 {
			t.Fatalf("notifications: %d plain, %d on the matter; want 1 and 1: %+v", plain, onMatter, ns)
		}
		if ns := f.notifications(t, otherOfficer.Username); len(ns) != 0 {
			t.Fatalf("another court's officer was notified: %+v", ns)
		}

		// The queue.
		hits, err := s.Hits(ctx, officer, "", screening.HitFilter{})
		if err != nil || len(hits) != 2 || hits[0].Ref != "app-9" || hits[1].Place != "川汇区某宾馆" || hits[1].Action != "flag" || hits[1].UnitName == "" {
			t.Fatalf("queue: %+v %v", hits, err)
		}
		if other, err := s.Hits(ctx, otherOfficer, "", screening.HitFilter{}); err != nil || len(other) != 0 {
			t.Fatalf("another court's queue: %+v %v", other, err)
		}
		if _, err := s.Hits(ctx, police, "", screening.HitFilter{}); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("police read the queue: %v", err)
		}
		_, err = s.Review(ctx, otherOfficer, "", hits[0].ID, screening.ReviewConfirmed, "")
		wantCode(t, err, screening.CodeHitNotFound, "")
		_, err = s.Review(ctx, officer, "", hits[0].ID, "maybe", "")
		wantCode(t, err, screening.CodeVerdict, "verdict")
		h, err := s.Review(ctx, officer, "10.2.2.2", hits[0].ID, screening.ReviewConfirmed, "已核实为本人")
		if err != nil || h.Review != screening.ReviewConfirmed || h.ReviewedBy != officer.Username {
			t.Fatalf("review: %+v %v", h, err)
		}
		_, err = s.Review(ctx, officer, "", hits[0].ID, screening.ReviewFalsePositive, "")
		wantCode(t, err, screening.CodeHitReviewed, "")
		if open, _ := s.Hits(ctx, officer, "", screening.HitFilter{Review: screening.ReviewOpen}); len(open) != 1 {
			t.Fatalf("open hits after review: %+v", open)
		}
		if es, _, _ := f.log.Search(ctx, audit.Query{ActionPrefix: "screen.hits.review"}); len(es) != 1 || es[0].CaseNumber != zhang.CaseNumber {
			t.Fatalf("review audit: %+v", es)
		}
	})
}

// fakeHash is a well-formed argon2id hash nobody logs in with.
const fakeHash = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

// TestListedUnderAnotherCase: a debtor listed in two cases, one of which
// has just left the list behind the index's back (its term ended, no sweep
// yet): the screen does not answer "none" — it finds the other entry.
func TestListedUnderAnotherCase(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f := newFixture(t, d)
		first, err := f.store.Add(ctx, officer, person("张三", idZhang, 11))
		if err != nil {
			t.Fatal(err)
		}
		second, err := f.store.Add(ctx, officer, person("张三", idZhang, 12))
		if err != nil {
			t.Fatal(err)
		}
		s := f.service(t, ctx)
		r, _ := screenOne(t, s, screen.Query{Ref: "q", Name: "张三", IDNumber: idZhang})
		if r.Band != screen.BandHit {
			t.Fatalf("listed twice: %+v", r)
		}
		// Whichever entry the index answers with leaves the list in the
		// database only (as at the end of a term, before the sweep).
		gone, other := first.ID, second.ID
		if r.EntryID == second.ID {
			gone, other = second.ID, first.ID
		}
		if _, err := d.Write().ExecContext(ctx, `UPDATE credit_entries SET state = 'removed' WHERE id = $1`, gone); err != nil {
			t.Fatal(err)
		}
		r, _ = screenOne(t, s, screen.Query{Ref: "q", Name: "张三", IDNumber: idZhang})
		if r.Band != screen.BandHit || r.EntryID != other {
			t.Errorf("after entry %d left the list: %+v, want a hit on %d", gone, r, other)
		}
	})
}
