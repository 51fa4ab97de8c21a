package credit_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/credit"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
)

func TestAddPersonAndOrganisation(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		ctx := context.Background()
		p := person(1)
		p.Documents = []credit.NewDocument{{Kind: "passport", Number: "E12345678"}}
		pe := f.add(t, p)
		if pe.Sex != "M" || pe.BirthDate != "1980-05-01" || pe.Region != "411602" || pe.CourtUnit != court || pe.TermYears != 0 || pe.ExpiresAt != nil {
			t.Errorf("person entry = %+v", pe)
		}
		if pe.CaseNumber != "（2024）豫1602执1号" || pe.DecisionNumber != pe.CaseNumber || pe.Initiation != credit.ExOfficio {
			t.Errorf("case %q decision %q initiation %q", pe.CaseNumber, pe.DecisionNumber, pe.Initiation)
		}
		if len(pe.Documents) != 2 || !strings.Contains(pe.Documents[0].Masked, "*") || strings.Contains(pe.Documents[0].Masked, "19800501") {
			t.Errorf("documents = %+v, want two masked", pe.Documents)
		}
		oe := f.add(t, organisation(2))
		if oe.Kind != credit.Organisation || oe.LegalRep != "李四" || oe.Region != "411602" || oe.TermYears != 2 {
			t.Errorf("organisation entry = %+v", oe)
		}
		// Sealed at rest: no clear number in the table.
		if n := f.count(t, `SELECT COUNT(*) FROM credit_documents WHERE number_sealed LIKE '%19800501%' OR number_masked LIKE '%19800501%'`); n != 0 {
			t.Errorf("%d documents hold the clear number", n)
		}
		got, v := f.active(t)
		if v != 2 || len(got) != 2 {
			t.Fatalf("Active = %d entries at version %d, want 2 at 2", len(got), v)
		}
		if ids := got[pe.ID].IDs; len(ids) != 2 || ids[0] != p.IDNumber || ids[1] != "E12345678" {
			t.Errorf("person IDs = %v", ids)
		}
		if o := got[oe.ID]; o.CreditCode != organisation(2).CreditCode || o.LegalRepID != organisation(2).LegalRepID || o.Person || o.Expires.IsZero() {
			t.Errorf("organisation screen entry = %+v", o)
		}
		if p := got[pe.ID]; p.Sex != 'M' || p.Birth.Format(time.DateOnly) != "1980-05-01" || !p.Person || p.Court != court {
			t.Errorf("person screen entry = %+v", p)
		}
		cs := f.changes(t, 0)
		if len(cs) != 2 || cs[0].Op != credit.OpAdd || cs[0].EntryID != pe.ID || cs[1].Version != 2 {
			t.Errorf("changes = %+v", cs)
		}
		as := f.audits(t, "credit.list")
		if len(as) != 2 || as[1].CaseNumber != "（2024）豫1602执1号" || as[1].Username != officer.Username {
			t.Errorf("audit = %+v", as)
		}
		if f.seen[len(f.seen)-1] != 2 {
			t.Errorf("OnChange saw %v", f.seen)
		}
		// The same debtor in the same case again: refused.
		_, err := f.store.Add(ctx, officer, person(1))
		wantCode(t, err, apperr.Conflict, credit.CodeDuplicate)
		// Another court's officer may not list in 川汇's case; police read nothing.
		_, err = f.store.Add(ctx, otherOfficer, person(3))
		wantCode(t, err, apperr.Forbidden, access.CodeDenied)
		_, err = f.store.Get(ctx, police, pe.ID)
		wantCode(t, err, apperr.Forbidden, access.CodeDenied)
		if _, err := f.store.Get(ctx, otherOfficer, pe.ID); err != nil {
			t.Errorf("another court's officer reads the public list: %v", err)
		}
	})
}

// Every rule a single listing is checked against, with its code.
func TestListingRules(t *testing.T) {
	t.Parallel()
	type tc struct {
		name  string
		edit  func(e *credit.NewEntry)
		code  string // "" valid
		field string
	}
	bornOn := func(birth string) func(e *credit.NewEntry) {
		return func(e *credit.NewEntry) {
			e.IDNumber = residentID("411602", strings.ReplaceAll(birth, "-", ""), "021")
			e.DecidedOn = "2025-06-16"
		}
	}
	cases := []tc{
		{"valid", func(e *credit.NewEntry) {}, "", ""},
		// art. 4: adulthood on the 18th birthday.
		{"minor the day before 18", bornOn("2007-06-17"), credit.CodeMinor, "birth_date"},
		{"adult on the 18th birthday", bornOn("2007-06-16"), "", ""},
		{"minor by stated birth date (passport only)", func(e *credit.NewEntry) {
			e.IDNumber, e.Documents, e.BirthDate = "", []credit.NewDocument{{Kind: "passport", Number: "E12345678"}}, "2010-01-01"
		}, credit.CodeMinor, "birth_date"},
		{"passport only without birth date", func(e *credit.NewEntry) {
			e.IDNumber, e.Documents = "", []credit.NewDocument{{Kind: "passport", Number: "E12345678"}}
		}, credit.CodeInvalid, "birth_date"},
		// art. 2: terms.
		{"ground 1 with a term", func(e *credit.NewEntry) { e.TermYears = credit.Int(2) }, credit.CodeTerm, "term_years"},
		{"ground 2 default term", func(e *credit.NewEntry) { e.Ground = credit.Int(2) }, "", ""},
		{"ground 3 five years with reason", func(e *credit.NewEntry) {
			e.Ground, e.TermYears, e.ExtensionReason = credit.Int(3), credit.Int(5), "multiple_conduct"
		}, "", ""},
		{"ground 3 three years without reason", func(e *credit.NewEntry) { e.Ground, e.TermYears = credit.Int(3), credit.Int(3) }, credit.CodeTerm, "extension_reason"},
		{"six years", func(e *credit.NewEntry) {
			e.Ground, e.TermYears, e.ExtensionReason = credit.Int(2), credit.Int(6), "violence_serious"
		}, credit.CodeTerm, "term_years"},
		{"one year", func(e *credit.NewEntry) { e.Ground, e.TermYears = credit.Int(2), credit.Int(1) }, credit.CodeTerm, "term_years"},
		{"term already over", func(e *credit.NewEntry) {
			e.Ground, e.CaseNumber, e.FiledOn, e.DecidedOn = credit.Int(2), "（2022）豫1602执5号", "2022-03-01", "2023-06-15"
		}, credit.CodeTerm, "term_years"},
		{"ground 7", func(e *credit.NewEntry) { e.Ground = credit.Int(7) }, credit.CodeInvalid, "ground"},
		{"no ground", func(e *credit.NewEntry) { e.Ground = credit.FlexInt{} }, credit.CodeInvalid, "ground"},
		// art. 6 fields and identifiers.
		{"bad check digit", func(e *credit.NewEntry) { e.IDNumber = e.IDNumber[:17] + "0" }, credit.CodeInvalid, "id_number"},
		{"sex disagrees with ID", func(e *credit.NewEntry) { e.Sex = "女" }, credit.CodeInvalid, "sex"},
		{"birth disagrees with ID", func(e *credit.NewEntry) { e.BirthDate = "1980-05-02" }, credit.CodeInvalid, "birth_date"},
		{"no obligation", func(e *credit.NewEntry) { e.Obligation = " " }, credit.CodeInvalid, "obligation"},
		{"not an enforcement case", func(e *credit.NewEntry) { e.CaseNumber = "（2024）豫1602民初1号" }, credit.CodeInvalid, "case_number"},
		{"filed in another year than the case", func(e *credit.NewEntry) { e.FiledOn = "2023-12-30" }, credit.CodeInvalid, "filed_on"},
		{"decided before filed", func(e *credit.NewEntry) { e.DecidedOn = "2024-01-04" }, credit.CodeInvalid, "decided_on"},
		{"decided in the future", func(e *credit.NewEntry) { e.DecidedOn = "2025-06-17" }, credit.CodeInvalid, "decided_on"},
		{"digits in a person's name", func(e *credit.NewEntry) { e.Name = "张3" }, credit.CodeInvalid, "name"},
		{"unknown initiation", func(e *credit.NewEntry) { e.Initiation = "court" }, credit.CodeInvalid, "initiation"},
		{"full-width ID and 年月日 dates", func(e *credit.NewEntry) {
			e.IDNumber = strings.Map(func(r rune) rune { return r + 0xFEE0 }, e.IDNumber)
			e.DecidedOn = "2024年3月15日"
		}, "", ""},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := person(100 + i)
				c.edit(&e)
				_, err := f.store.Add(context.Background(), officer, e)
				if c.code == "" {
					if err != nil {
						t.Fatalf("Add: %v", err)
					}
					return
				}
				ae := wantCode(t, err, apperr.Invalid, c.code)
				if ae.Field != c.field {
					t.Errorf("field = %q, want %q (%s)", ae.Field, c.field, ae.Message)
				}
			})
		}
		// A case of another court names that court: the officer of 川汇 may not.
		e := person(900)
		e.CaseNumber = "（2024）豫1603执900号"
		_, err := f.store.Add(context.Background(), officer, e)
		wantCode(t, err, apperr.Forbidden, access.CodeDenied)
		org := organisation(901)
		org.LegalRep = ""
		_, err = f.store.Add(context.Background(), officer, org)
		wantCode(t, err, apperr.Invalid, credit.CodeInvalid)
	})
}

func TestTermAndExtension(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		ctx := context.Background()
		e := person(1)
		e.Ground = credit.Int(2)
		got := f.add(t, e)
		// Decided 2024-03-15: the two years end on 2026-03-15, the entry
		// leaves at 00:00 on the 16th.
		if got.TermYears != 2 || !got.ExpiresAt.Equal(at("2026-03-16 00:00:00")) {
			t.Fatalf("term %d expires %v", got.TermYears, got.ExpiresAt)
		}
		_, err := f.store.Extend(ctx, officer, got.ID, credit.Extension{Years: 1})
		wantCode(t, err, apperr.Invalid, credit.CodeExtensionBarred)
		ext, err := f.store.Extend(ctx, officer, got.ID, credit.Extension{Years: 1, Reason: credit.ExtendViolence})
		if err != nil {
			t.Fatal(err)
		}
		if ext.TermYears != 3 || !ext.ExpiresAt.Equal(at("2027-03-16 00:00:00")) || ext.ExtensionReason != credit.ExtendViolence {
			t.Errorf("after extension: %d years, %v", ext.TermYears, ext.ExpiresAt)
		}
		_, err = f.store.Extend(ctx, officer, got.ID, credit.Extension{Years: 3, Reason: credit.ExtendMultiple})
		wantCode(t, err, apperr.Invalid, credit.CodeExtensionBarred)
		if _, err := f.store.Extend(ctx, officer, got.ID, credit.Extension{Years: 2, Reason: credit.ExtendMultiple}); err != nil {
			t.Fatalf("extend to 5 years in all: %v", err)
		}
		g1 := f.add(t, person(2))
		_, err = f.store.Extend(ctx, officer, g1.ID, credit.Extension{Years: 1, Reason: credit.ExtendViolence})
		wantCode(t, err, apperr.Conflict, credit.CodeExtensionBarred)
		// 29 February: the term ends on 28 February.
		leap := person(3)
		leap.Ground, leap.CaseNumber, leap.FiledOn, leap.DecidedOn = credit.Int(5), "（2024）豫1602执3号", "2024-01-02", "2024-02-29"
		if l := f.add(t, leap); !l.ExpiresAt.Equal(at("2026-03-01 00:00:00")) {
			t.Errorf("leap-day listing expires %v, want 2026-03-01 00:00 (last day 02-28)", l.ExpiresAt)
		}
		cs := f.changes(t, 0)
		if n := len(cs); n != 5 || cs[1].Op != credit.OpUpdate || cs[2].Op != credit.OpUpdate {
			t.Errorf("changes = %+v", cs)
		}
	})
}

// Removal within three working days (art. 10 para 1): the clock and the
// leader's overdue list, across the 2025 National Day holiday.
func TestRemovalClock(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		ctx := context.Background()
		g1 := f.add(t, person(1))
		termed := person(2)
		termed.Ground = credit.Int(4)
		tm := f.add(t, termed)

		f.clock.set(at("2025-09-30 10:00:00"))
		_, err := f.store.RequestRemoval(ctx, officer, tm.ID, credit.RemovalRequest{Reason: credit.RemovePerformed})
		wantCode(t, err, apperr.Invalid, credit.CodeRemovalReason)
		duty, err := f.store.RequestRemoval(ctx, officer, g1.ID, credit.RemovalRequest{Reason: credit.RemovePerformed, Note: "已全部履行"})
		if err != nil {
			t.Fatal(err)
		}
		// 10-01..10-08 off; 10-09, 10-10 and the make-up Saturday 10-11 count.
		if want := at("2025-10-11 23:59:59").Add(999999 * time.Microsecond); !duty.Due.Equal(want) {
			t.Fatalf("due %v, want %v", duty.Due.In(cst), want)
		}
		_, err = f.store.RequestRemoval(ctx, officer, g1.ID, credit.RemovalRequest{Reason: credit.RemoveTerminated})
		wantCode(t, err, apperr.Conflict, credit.CodeDutyState)
		for _, c := range []struct {
			now  string
			want int
		}{{"2025-10-11 23:59:59", 0}, {"2025-10-12 00:00:01", 1}} {
			f.clock.set(at(c.now))
			over, err := f.store.OverdueRemovals(ctx, court)
			if err != nil {
				t.Fatal(err)
			}
			if len(over) != c.want {
				t.Errorf("at %s: %d overdue, want %d", c.now, len(over), c.want)
			}
			if len(over) == 1 && (over[0].EntryID != g1.ID || over[0].CaseNumber != g1.CaseNumber || !over[0].Overdue(f.clock.now())) {
				t.Errorf("overdue = %+v", over[0])
			}
		}
		if over, _ := f.store.OverdueRemovals(ctx, "fy411603"); len(over) != 0 {
			t.Errorf("another court sees %d overdue removals", len(over))
		}
		rm, err := f.store.Remove(ctx, officer, g1.ID, credit.Removal{Reason: credit.RemovePerformed})
		if err != nil {
			t.Fatal(err)
		}
		if rm.State != credit.Removed || rm.RemovalReason != credit.RemovePerformed || rm.RemovedAt == nil {
			t.Errorf("removed entry = %+v", rm)
		}
		if over, _ := f.store.OverdueRemovals(ctx, court); len(over) != 0 {
			t.Errorf("after removal %d overdue", len(over))
		}
		ds, _ := f.store.Duties(ctx, g1.ID)
		if len(ds) != 1 || ds[0].Outcome != "removed" || ds[0].ClosedAt == nil {
			t.Errorf("duties = %+v", ds)
		}
		_, err = f.store.Remove(ctx, officer, g1.ID, credit.Removal{Reason: credit.RemovePerformed})
		wantCode(t, err, apperr.Conflict, credit.CodeNotActive)
		// A termed entry leaves early only by art. 2 para 2, with a note.
		_, err = f.store.Remove(ctx, officer, tm.ID, credit.Removal{Reason: credit.RemoveEarly})
		wantCode(t, err, apperr.Invalid, credit.CodeInvalid)
		if _, err := f.store.Remove(ctx, leader, tm.ID, credit.Removal{Reason: credit.RemoveEarly, Note: "主动履行全部义务"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.store.Remove(ctx, otherOfficer, g1.ID, credit.Removal{Reason: credit.RemoveEarly, Note: "x"})
		wantCode(t, err, apperr.Forbidden, access.CodeDenied)
		if as := f.audits(t, "credit.remove"); len(as) != 2 || as[0].CaseNumber != tm.CaseNumber {
			t.Errorf("audit = %+v", as)
		}
	})
}

// "Removed means never returned by Active and appears in Changes."
func TestRemovedNeverActive(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		ctx := context.Background()
		var ids []int64
		for i := 1; i <= 3; i++ {
			ids = append(ids, f.add(t, person(i)).ID)
		}
		if _, err := f.store.Remove(ctx, officer, ids[1], credit.Removal{Reason: credit.RemoveRevoked, Note: "错误纳入"}); err != nil {
			t.Fatal(err)
		}
		got, v := f.active(t)
		if _, ok := got[ids[1]]; ok || len(got) != 2 || v != 4 {
			t.Errorf("Active = %v at version %d", got, v)
		}
		found, err := f.store.Lookup(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 2 || slices.ContainsFunc(found, func(e credit.ScreenEntry) bool { return e.ID == ids[1] }) {
			t.Errorf("Lookup = %+v", found)
		}
		cs := f.changes(t, 3)
		if len(cs) != 1 || cs[0] != (credit.Change{Version: 4, EntryID: ids[1], Op: credit.OpRemove, At: cs[0].At}) {
			t.Errorf("changes after 3 = %+v", cs)
		}
		// The cursor resumes: limit 2 from 0, then from the last seen.
		first, _ := f.store.Changes(ctx, 0, 2)
		rest, _ := f.store.Changes(ctx, first[len(first)-1].Version, 10)
		if len(first) != 2 || len(rest) != 2 || rest[0].Version != 3 {
			t.Errorf("pages %+v %+v", first, rest)
		}
		if v, _ := f.store.Version(ctx); v != 4 {
			t.Errorf("version %d", v)
		}
	})
}

// Expiry (art. 10 para 2): out of Active at the end of the term, removed by
// the sweep, the sweep idempotent.
func TestExpirySweep(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		ctx := context.Background()
		f.clock.set(at("2025-05-30 10:00:00"))
		e := person(1)
		e.Ground, e.CaseNumber, e.FiledOn, e.DecidedOn = credit.Int(3), "（2023）豫1602执1号", "2023-02-01", "2023-06-01"
		ex := f.add(t, e)
		keep := f.add(t, person(2))
		if !ex.ExpiresAt.Equal(at("2025-06-02 00:00:00")) {
			t.Fatalf("expires %v", ex.ExpiresAt)
		}
		f.clock.set(at("2025-06-01 23:59:59"))
		if got, _ := f.active(t); len(got) != 2 {
			t.Errorf("before the end: %d active", len(got))
		}
		n, err := f.store.Expire(ctx, f.clock.now())
		if err != nil || n != 0 {
			t.Fatalf("early sweep: %d, %v", n, err)
		}
		f.clock.set(at("2025-06-02 00:00:00"))
		if got, _ := f.active(t); len(got) != 1 || got[keep.ID].ID != keep.ID {
			t.Errorf("at the end, before the sweep: %v", got)
		}
		if found, _ := f.store.Lookup(ctx, []int64{ex.ID}); len(found) != 0 {
			t.Errorf("Lookup returns an expired entry")
		}
		for i, want := range []int{1, 0} {
			n, err := f.store.Expire(ctx, f.clock.now())
			if err != nil || n != want {
				t.Fatalf("sweep %d: %d, %v; want %d", i, n, err, want)
			}
		}
		got, _ := f.store.Get(ctx, officer, ex.ID)
		if got.State != credit.Removed || got.RemovalReason != credit.RemoveExpired {
			t.Errorf("expired entry = %+v", got)
		}
		cs := f.changes(t, 2)
		if len(cs) != 1 || cs[0].Op != credit.OpRemove || cs[0].EntryID != ex.ID {
			t.Errorf("changes = %+v", cs)
		}
		if as := f.audits(t, "credit.expire"); len(as) != 1 || as[0].CaseNumber != "（2023）豫1602执1号" {
			t.Errorf("audit = %+v", as)
		}
		_, err = f.store.Remove(ctx, officer, keep.ID, credit.Removal{Reason: credit.RemoveExpired})
		wantCode(t, err, apperr.Invalid, credit.CodeRemovalReason)
	})
}

// Corrections (arts. 9, 11, 12): fifteen days to review, three working days
// to carry out.
func TestCorrectionClocks(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		ctx := context.Background()
		a := f.add(t, person(1))
		b := f.add(t, person(2))
		c := f.add(t, person(3))
		f.clock.set(at("2025-09-22 09:00:00"))
		// Received Saturday 09-20: day 15 is 10-05, a holiday; the period
		// ends on the first working day after it, 10-09.
		rv, err := f.store.RequestCorrection(ctx, officer, a.ID, credit.CorrectionRequest{Ground: credit.CorrectInaccurate, Reason: "履行情况记载有误，已履行 3 万元", ReceivedAt: at("2025-09-20 11:00:00")})
		if err != nil {
			t.Fatal(err)
		}
		if want := at("2025-10-09 23:59:59").Add(999999 * time.Microsecond); !rv.Due.Equal(want) {
			t.Fatalf("review due %v, want %v", rv.Due.In(cst), want)
		}
		_, err = f.store.RequestCorrection(ctx, officer, a.ID, credit.CorrectionRequest{Ground: "other", Reason: "x"})
		wantCode(t, err, apperr.Invalid, credit.CodeCorrectionGround)
		f.clock.set(at("2025-10-10 09:00:00"))
		if over, _ := f.store.OverdueReviews(ctx, court); len(over) != 1 || over[0].ID != rv.ID {
			t.Errorf("overdue reviews = %+v", over)
		}
		// Accepted on Friday 10-10: carry out by the end of Tuesday 10-14
		// (Saturday 10-11 is a make-up working day).
		cd, err := f.store.ReviewCorrection(ctx, leader, rv.ID, credit.Review{Accept: true})
		if err != nil {
			t.Fatal(err)
		}
		if want := at("2025-10-14 23:59:59").Add(999999 * time.Microsecond); cd.Kind != credit.DutyCorrection || !cd.Due.Equal(want) {
			t.Fatalf("correction duty %+v, due want %v", cd, want)
		}
		if over, _ := f.store.OverdueReviews(ctx, court); len(over) != 0 {
			t.Errorf("reviewed, still overdue: %+v", over)
		}
		f.clock.set(at("2025-10-15 08:00:00"))
		if over, _ := f.store.OverdueRemovals(ctx, court); len(over) != 1 || over[0].ID != cd.ID {
			t.Errorf("overdue corrections = %+v", over)
		}
		perf := "已履行 30000 元，尚欠 70000 元"
		got, err := f.store.CarryOutCorrection(ctx, officer, cd.ID, credit.Patch{Performance: &perf}, "")
		if err != nil {
			t.Fatal(err)
		}
		if got.Performance != perf || got.State != credit.Active {
			t.Errorf("corrected = %+v", got)
		}
		_, err = f.store.CarryOutCorrection(ctx, officer, cd.ID, credit.Patch{Performance: &perf}, "")
		wantCode(t, err, apperr.Conflict, credit.CodeDutyState)
		// Wrongly listed: accepted and carried out is a revocation.
		rv2, err := f.store.RequestCorrection(ctx, officer, b.ID, credit.CorrectionRequest{Ground: credit.CorrectWrongListing, Reason: "已提供充分有效担保"})
		if err != nil {
			t.Fatal(err)
		}
		cd2, err := f.store.ReviewCorrection(ctx, officer, rv2.ID, credit.Review{Accept: true, Note: "理由成立"})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := f.store.CarryOutCorrection(ctx, officer, cd2.ID, credit.Patch{}, ""); err != nil || got.RemovalReason != credit.RemoveRevoked {
			t.Fatalf("revocation: %+v, %v", got, err)
		}
		// A rejection needs reasons.
		rv3, _ := f.store.RequestCorrection(ctx, officer, c.ID, credit.CorrectionRequest{Ground: credit.CorrectCeased, Reason: "已履行"})
		_, err = f.store.ReviewCorrection(ctx, officer, rv3.ID, credit.Review{Accept: false})
		wantCode(t, err, apperr.Invalid, credit.CodeInvalid)
		rj, err := f.store.ReviewCorrection(ctx, officer, rv3.ID, credit.Review{Accept: false, Note: "未提供履行凭证"})
		if err != nil || rj.Outcome != "rejected" {
			t.Fatalf("rejection %+v %v", rj, err)
		}
		h, err := f.store.History(ctx, officer, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 3 || h[0].Act != "listed" || h[2].Act != "correction_reviewed" || !strings.Contains(h[2].Detail, "复议") {
			t.Errorf("history = %+v", h)
		}
		if got, _ := f.active(t); len(got) != 2 {
			t.Errorf("active = %d", len(got))
		}
	})
}

// The six-month bar (art. 10 para 4) and credit repair.
func TestRelistBarAndRepair(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		ctx := context.Background()
		e := person(1)
		e.Initiation = "applicant"
		first := f.add(t, e)
		f.clock.set(at("2025-01-10 15:00:00"))
		if _, err := f.store.Remove(ctx, officer, first.ID, credit.Removal{Reason: credit.RemoveApplicant, Note: "申请执行人书面申请删除"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			decided, initiation, applied string
			code                         string
		}{
			{"2025-07-10", "applicant", "", credit.CodeRelistBarred}, // the last day of the six months
			{"2025-07-20", "applicant", "2025-07-08", credit.CodeRelistBarred},
			{"2025-07-10", "ex_officio", "", ""}, // the bar is on the applicant's request only
		} {
			f.clock.set(at(c.decided + " 12:00:00"))
			again := person(1)
			again.Initiation, again.DecidedOn, again.AppliedOn = c.initiation, c.decided, c.applied
			got, err := f.store.Add(ctx, officer, again)
			if c.code != "" {
				wantCode(t, err, apperr.Conflict, c.code)
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.store.Remove(ctx, officer, got.ID, credit.Removal{Reason: credit.RemoveRevoked}); err != nil {
				t.Fatal(err)
			}
		}
		f.clock.set(at("2025-07-11 12:00:00"))
		again := person(1)
		again.Initiation, again.DecidedOn = "applicant", "2025-07-11"
		listed := f.add(t, again)

		rp, err := f.store.RecordRepair(ctx, officer, listed.ID, credit.Repair{Measure: "出具信用承诺书并履行部分义务", Note: "依申请出具信用修复证明"})
		if err != nil {
			t.Fatal(err)
		}
		h, _ := f.store.History(ctx, officer, rp.ID)
		if last := h[len(h)-1]; last.Act != "repaired" || !strings.Contains(last.Detail, "信用承诺书") {
			t.Errorf("history = %+v", h)
		}
		if cs := f.changes(t, rp.Version-1); len(cs) != 1 || cs[0].Op != credit.OpUpdate {
			t.Errorf("changes = %+v", cs)
		}
		if as := f.audits(t, "credit.repair"); len(as) != 1 {
			t.Errorf("repair audit = %+v", as)
		}
		_, err = f.store.RecordRepair(ctx, officer, listed.ID, credit.Repair{})
		wantCode(t, err, apperr.Invalid, credit.CodeInvalid)
	})
}
