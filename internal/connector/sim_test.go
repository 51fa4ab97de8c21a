package connector_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/connector"
	"liandong/internal/ident"
)

var (
	cst   = time.FixedZone("CST", 8*3600)
	clock = time.Date(2025, 9, 1, 10, 0, 0, 0, cst)
)

func newSim() *connector.Simulator {
	return connector.NewSimulator(42, connector.WithClock(func() time.Time { return clock }))
}

func TestGeneratedIdentityNumbersAreValid(t *testing.T) {
	t.Parallel()
	people := newSim().People()
	if len(people) < 300 {
		t.Fatalf("%d people, want a few hundred", len(people))
	}
	seen := map[string]bool{}
	regions := map[string]bool{}
	for _, p := range people {
		id, err := ident.ParseResidentIDAt(p.IDNumber, clock)
		if err != nil {
			t.Errorf("%s %s: %v", p.Name, p.IDNumber, err)
			continue
		}
		if id.Number != p.IDNumber || string(id.Sex) != p.Sex || !id.BirthDate.Equal(p.BirthDate) {
			t.Errorf("%s: number says %s %v, record %s %v", p.IDNumber, id.Sex, id.BirthDate, p.Sex, p.BirthDate)
		}
		if id.Region[:4] != "4116" || !id.RegionKnown {
			t.Errorf("%s: region %s is not a Zhoukou division", p.IDNumber, id.Region)
		}
		regions[id.Region] = true
		if seen[p.IDNumber] {
			t.Errorf("duplicate number %s", p.IDNumber)
		}
		seen[p.IDNumber] = true
	}
	if !regions["411626"] {
		t.Error("no number with the retired 淮阳县 code 411626")
	}
}

func TestDeterministicFromSeed(t *testing.T) {
	t.Parallel()
	a, b := newSim().People(), newSim().People()
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave different people")
	}
	c := connector.NewSimulator(43, connector.WithClock(func() time.Time { return clock })).People()
	if reflect.DeepEqual(a, c) {
		t.Error("another seed gave the same people")
	}
}

// S-LOC-2: every clue names its source and time.
func TestLookupsCarrySourceAndTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newSim()
	var withDocs, withStays, withCrossings int
	for _, p := range s.People() {
		rec, err := s.Person(ctx, p.IDNumber)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Name != p.Name || rec.Source == "" || rec.RecordedAt.IsZero() || rec.HouseholdAddress == "" {
			t.Errorf("person %+v", rec)
		}
		for _, r := range rec.Residences {
			if r.Source == "" || r.RecordedAt.IsZero() || r.RegisteredAt.IsZero() || r.Address == "" {
				t.Errorf("residence %+v", r)
			}
		}
		docs, err := s.Documents(ctx, p.IDNumber)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d.Source == "" || d.RecordedAt.IsZero() || d.Number == "" || !d.ValidUntil.After(d.IssuedAt) {
				t.Errorf("document %+v", d)
			}
			if d.Kind == connector.PassportDoc {
				if _, err := ident.ParsePassport(d.Number); err != nil {
					t.Errorf("passport %s: %v", d.Number, err)
				}
			}
		}
		cs, err := s.Crossings(ctx, p.IDNumber, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cs {
			if c.Source == "" || c.RecordedAt.IsZero() || c.Port == "" || c.Destination == "" || c.DocumentNumber == "" {
				t.Errorf("crossing %+v", c)
			}
			if i > 0 && c.At.After(cs[i-1].At) {
				t.Errorf("crossings not newest first")
			}
		}
		stays, err := s.Stays(ctx, p.IDNumber, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range stays {
			if st.Source == "" || st.RecordedAt.IsZero() || st.HotelName == "" || st.HotelAddress == "" || !st.CheckOut.After(st.CheckIn) {
				t.Errorf("stay %+v", st)
			}
		}
		if len(docs) > 0 {
			withDocs++
		}
		if len(stays) > 0 {
			withStays++
		}
		if len(cs) > 0 {
			withCrossings++
			// since filters.
			later, _ := s.Crossings(ctx, p.IDNumber, cs[0].At)
			if len(later) != 1 {
				t.Errorf("Crossings since the newest = %d, want 1", len(later))
			}
		}
	}
	if withDocs < 30 || withStays < 50 || withCrossings < 20 {
		t.Errorf("too few records: %d with documents, %d with stays, %d with crossings", withDocs, withStays, withCrossings)
	}
}

// Unknown people are a normal, empty answer; a malformed number is invalid.
func TestUnknownAndInvalid(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newSim()
	unknown := "11010519491231002X" // valid, not in the simulated population
	if _, err := ident.ParseResidentID(unknown); err != nil {
		t.Fatal(err)
	}
	_, err := s.Person(ctx, unknown)
	if !connector.IsNotFound(err) || apperr.KindOf(err) != apperr.NotFound {
		t.Errorf("Person(unknown) err = %v", err)
	}
	if d, err := s.Documents(ctx, unknown); err != nil || d == nil || len(d) != 0 {
		t.Errorf("Documents(unknown) = %v, %v", d, err)
	}
	if c, err := s.Crossings(ctx, unknown, time.Time{}); err != nil || len(c) != 0 {
		t.Errorf("Crossings(unknown) = %v, %v", c, err)
	}
	if st, err := s.Stays(ctx, unknown, time.Time{}); err != nil || len(st) != 0 {
		t.Errorf("Stays(unknown) = %v, %v", st, err)
	}
	if _, err := s.Person(ctx, "110105194912310021"); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("bad check digit: err = %v", err)
	}
	// Any accepted form finds the person: full width.
	p := s.People()[10]
	fw := ""
	for _, r := range p.IDNumber {
		fw += string(r + 0xFEE0)
	}
	if rec, err := s.Person(ctx, fw); err != nil || rec.IDNumber != p.IDNumber {
		t.Errorf("full-width lookup = %v, %v", rec.IDNumber, err)
	}
}

// S-ASSIST-2: the centre refuses only on a legal ground and says which.
func TestDetentionRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newSim()
	byNote := map[string][]connector.SimPerson{}
	for _, p := range s.People() {
		byNote[p.Note] = append(byNote[p.Note], p)
	}
	req := func(p connector.SimPerson) connector.IntakeRequest {
		return connector.IntakeRequest{IDNumber: p.IDNumber, Name: p.Name, DecisionDigest: "abc", Court: "fy411600", CaseNumber: "（2025）豫16执1号", TermDays: 15}
	}
	cases := []struct {
		note    string
		reason  connector.RefusalReason
		basis   string
		binding bool
	}{
		{"七十周岁以上", connector.Aged70OrOver, "《拘留所条例》第十二条，《治安管理处罚法》第二十一条第（三）项", true},
		{"怀孕", connector.Pregnant, "《拘留所条例》第十二条，《治安管理处罚法》第二十一条第（四）项", true},
		{"哺乳不满一周岁婴儿", connector.NursingInfant, "《拘留所条例》第十二条，《治安管理处罚法》第二十一条第（四）项", true},
		{"未成年人", connector.MinorUnder16, "《拘留所条例》第十二条，《治安管理处罚法》第二十一条第（一）项", true},
		{"病情严重", connector.SeriousIllness, "《拘留所条例》第十九条（建议拘留决定机关停止执行拘留）", false},
	}
	for _, tc := range cases {
		ps := byNote[tc.note]
		if len(ps) == 0 {
			t.Fatalf("no person noted %s", tc.note)
		}
		for _, p := range ps {
			res, err := s.Intake(ctx, req(p))
			if err != nil {
				t.Fatal(err)
			}
			if res.Accepted || res.Refusal == nil || res.Refusal.Reason != tc.reason || res.Refusal.Basis != tc.basis ||
				res.Refusal.Binding != tc.binding || res.Refusal.Detail == "" || res.Source == "" || res.RecordedAt.IsZero() {
				t.Errorf("%s %s: %+v %+v", tc.note, p.Name, res, res.Refusal)
			}
		}
	}
	if n := len(byNote["七十周岁以上"]); n < 2 {
		t.Errorf("%d people aged 70+, want a couple", n)
	}

	// An ordinary adult is taken in; the term ends on intake day + 15
	// (拘留所条例 art. 32); release once.
	var adult connector.SimPerson
	for _, p := range byNote[""] {
		if age := clock.Year() - p.BirthDate.Year(); age > 25 && age < 60 {
			adult = p
			break
		}
	}
	res, err := s.Intake(ctx, req(adult))
	if err != nil || !res.Accepted || res.Refusal != nil || res.IntakeID == "" {
		t.Fatalf("Intake(adult) = %+v, %v", res, err)
	}
	if want := time.Date(2025, 9, 16, 0, 0, 0, 0, cst); !res.ReleaseDue.Equal(want) {
		t.Errorf("release due %v, want %v", res.ReleaseDue, want)
	}
	bad := req(adult)
	bad.TermDays = 16
	if _, err := s.Intake(ctx, bad); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("16-day term: err = %v", err)
	}
	if err := s.Release(ctx, res.IntakeID, clock.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, res.IntakeID, clock.Add(49*time.Hour)); apperr.KindOf(err) != apperr.Conflict {
		t.Errorf("second release: err = %v", err)
	}
	if err := s.Release(ctx, "JL-none", clock); !connector.IsNotFound(err) {
		t.Errorf("unknown intake: err = %v", err)
	}
}

// S-ASSIST-1: border control lodged, listed, lifted.
func TestRestrictAndLift(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newSim()
	p := s.People()[20]
	docs, _ := s.Documents(ctx, p.IDNumber)
	var numbers []string
	for _, d := range docs {
		numbers = append(numbers, d.Number)
	}
	id, err := s.Restrict(ctx, connector.Restriction{IDNumber: p.IDNumber, Name: p.Name, CaseNumber: "（2025）豫16执1号", Court: "fy411600",
		DecisionDigest: "abc", TravelDocuments: numbers})
	if err != nil || id == "" {
		t.Fatalf("Restrict = %q, %v", id, err)
	}
	cs, err := s.Restricted(ctx, p.IDNumber)
	if err != nil || len(cs) != 1 || cs[0].ID != id || !cs[0].Active(clock) || cs[0].Source == "" || cs[0].LodgedAt.IsZero() {
		t.Fatalf("Restricted = %+v, %v", cs, err)
	}
	if err := s.Lift(ctx, id, "已履行完毕"); err != nil {
		t.Fatal(err)
	}
	cs, _ = s.Restricted(ctx, p.IDNumber)
	if len(cs) != 1 || cs[0].Active(clock) || cs[0].LiftReason != "已履行完毕" || cs[0].LiftedAt.IsZero() {
		t.Errorf("after lift %+v", cs)
	}
	if err := s.Lift(ctx, id, "again"); apperr.KindOf(err) != apperr.Conflict {
		t.Errorf("second lift: err = %v", err)
	}
	if err := s.Lift(ctx, "BK-none", "x"); !connector.IsNotFound(err) {
		t.Errorf("unknown control: err = %v", err)
	}
	if _, err := s.Restrict(ctx, connector.Restriction{IDNumber: p.IDNumber}); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("restriction without decision: err = %v", err)
	}
	if other, _ := s.Restricted(ctx, s.People()[21].IDNumber); len(other) != 0 {
		t.Errorf("control leaked to another person: %+v", other)
	}
}
