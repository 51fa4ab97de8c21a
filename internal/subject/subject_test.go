package subject_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/ident"
	"liandong/internal/subject"
)

// A resident ID issued in 淮阳县 (411626, retired in 2019 but still valid),
// to a woman born 1968-02-15; its legacy 15-digit form; a passport.
var (
	idHuaiyang   = residentID("411626", "19680215", "052")
	idHuaiyang15 = "411626680215052"
	passport     = "E12345678"
	idChuanhui   = residentID("411602", "19850312", "123") // a man born 1985-03-12
)

// S-LOC-1: one subject carries every document; any of them, however typed,
// finds it and links new data to it.
func TestS_LOC_1_DedupByAnyDocument(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		first, err := f.store.AddPerson(ctx, officer, subject.NewPerson{
			Name: "李秀英", Sex: "女", BirthDate: "1968-02-15",
			Documents:        []subject.NewDocument{{Kind: ident.KindResidentID, Number: idHuaiyang}},
			Phones:           []string{"138-0013-8000"},
			HouseholdAddress: "河南省周口市淮阳区羲皇大道 88 号",
			CaseNumber:       caseNo,
		})
		if err != nil {
			t.Fatal(err)
		}
		if !first.Created || first.Subject.Name != "李秀英" || first.Subject.Kind != subject.Person {
			t.Fatalf("first add = %+v", first)
		}

		// The legacy 15-digit number is the same document: the passport is
		// linked to the existing subject.
		second, err := f.store.AddPerson(ctx, officer, subject.NewPerson{
			Name:      "李秀英",
			Documents: []subject.NewDocument{{Kind: ident.KindResidentID, Number: idHuaiyang15}, {Kind: ident.KindPassport, Number: passport, ValidUntil: "2030-05-01"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if second.Created || second.Subject.ID != first.Subject.ID || len(second.Subject.Documents) != 2 {
			t.Fatalf("second add = created %v id %d docs %d, want linked to %d with 2 documents", second.Created, second.Subject.ID, len(second.Subject.Documents), first.Subject.ID)
		}

		// Full-width passport number typed with an input method, a new
		// phone (+86 form of a new number) and a residence.
		third, err := f.store.AddPerson(ctx, officer, subject.NewPerson{
			Name:               "李秀英",
			Documents:          []subject.NewDocument{{Kind: ident.KindPassport, Number: fullWidth("e1234 5678")}},
			Phones:             []string{"+86 139 0000 1111", "13800138000"},
			ResidenceAddresses: []string{"河南省郑州市金水区花园路 12 号"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if third.Created || third.Subject.ID != first.Subject.ID {
			t.Fatalf("third add = %+v, want linked", third)
		}
		if n := len(third.Subject.Documents); n != 2 {
			t.Errorf("documents = %d, want 2", n)
		}
		if n := len(third.Subject.Contacts); n != 4 { // 2 phones (one repeated), household, residence
			t.Errorf("contacts = %d, want 4: %+v", n, third.Subject.Contacts)
		}
		if n := f.count(t, "subjects"); n != 1 {
			t.Errorf("subjects = %d, want 1", n)
		}
		if v := third.Subject.Documents[1].ValidUntil; v != "2030-05-01" {
			t.Errorf("passport valid until %q", v)
		}

		for _, q := range []struct {
			kind   ident.Kind
			number string
		}{
			{ident.KindResidentID, idHuaiyang},
			{ident.KindResidentID, idHuaiyang15},
			{ident.KindResidentID, fullWidth(idHuaiyang)},
			{ident.KindResidentID, idHuaiyang[:6] + " " + idHuaiyang[6:14] + " " + idHuaiyang[14:]},
			{ident.KindPassport, "e12345678"},
		} {
			got, err := f.store.FindByDocument(ctx, q.kind, q.number)
			if err != nil || got.ID != first.Subject.ID {
				t.Errorf("FindByDocument(%s, %q) = %d, %v; want %d", q.kind, q.number, got.ID, err, first.Subject.ID)
			}
		}
		if _, err := f.store.FindByDocument(ctx, ident.KindResidentID, idChuanhui); !apperr.IsNotFound(err) {
			t.Errorf("unknown number: err = %v, want not found", err)
		}
		if _, err := f.store.FindByDocument(ctx, ident.KindResidentID, badCheck(idHuaiyang)); err == nil || apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("bad check digit: err = %v, want invalid", err)
		}
		id, err := f.store.Resolve(ctx, subject.NewDocument{Kind: ident.KindPassport, Number: passport})
		if err != nil || id != first.Subject.ID {
			t.Errorf("Resolve = %d, %v", id, err)
		}

		// Audited: one create, two links, with the case number when given.
		es := f.entries(t, audit.Query{Object: "subject:" + itoa(first.Subject.ID)})
		var actions []string
		for _, e := range es {
			actions = append(actions, e.Action)
		}
		slices.Sort(actions)
		if !slices.Equal(actions, []string{"subject.create", "subject.link", "subject.link"}) {
			t.Errorf("audited %v", actions)
		}
	})
}

// S-LOC-1: documents of two subjects in one request are refused, never
// merged; both subjects are named with masked numbers.
func TestS_LOC_1_TwoSubjectsRefused(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		a := mustAdd(t, f, subject.NewPerson{Name: "李秀英", Documents: []subject.NewDocument{{Kind: ident.KindResidentID, Number: idHuaiyang}}})
		b := mustAdd(t, f, subject.NewPerson{Name: "王建国", Documents: []subject.NewDocument{{Kind: ident.KindResidentID, Number: idChuanhui}}})

		_, err := f.store.AddPerson(ctx, officer, subject.NewPerson{Name: "王建国", Documents: []subject.NewDocument{
			{Kind: ident.KindResidentID, Number: idChuanhui}, {Kind: ident.KindResidentID, Number: idHuaiyang15}, {Kind: ident.KindPassport, Number: passport}}})
		e := wantCode(t, err, apperr.Conflict, subject.CodeDocumentsConflict)
		var dc *subject.DocumentConflict
		if !errors.As(err, &dc) || len(dc.Subjects) != 2 {
			t.Fatalf("cause = %#v", dc)
		}
		ids := []int64{dc.Subjects[0].SubjectID, dc.Subjects[1].SubjectID}
		slices.Sort(ids)
		if ids[0] != a.ID || ids[1] != b.ID {
			t.Errorf("conflicting subjects %v, want %d and %d", ids, a.ID, b.ID)
		}
		for _, want := range []string{"李秀英", "王建国", a.Documents[0].Masked, b.Documents[0].Masked} {
			if !strings.Contains(e.Message, want) {
				t.Errorf("message %q lacks %q", e.Message, want)
			}
		}
		if strings.Contains(e.Message, idHuaiyang) || strings.Contains(e.Error(), idChuanhui) {
			t.Errorf("conflict error shows a full number: %v", e)
		}
		// Nothing was written: the passport is on neither subject.
		if n := f.count(t, "subject_documents"); n != 2 {
			t.Errorf("documents = %d, want 2", n)
		}

		// Linking a's document to b explicitly is refused too.
		_, err = f.store.AddDocuments(ctx, officer, b.ID, []subject.NewDocument{{Kind: ident.KindResidentID, Number: idHuaiyang}}, caseNo)
		wantCode(t, err, apperr.Conflict, subject.CodeDocumentsConflict)
		// A new document links.
		got, err := f.store.AddDocuments(ctx, officer, b.ID, []subject.NewDocument{{Kind: ident.KindHKMOPermit, Number: "H12345678"}}, caseNo)
		if err != nil || len(got.Documents) != 2 {
			t.Fatalf("AddDocuments = %+v, %v", got.Documents, err)
		}
	})
}

// S-LOC-1: conflicting data is shown, not overwritten: a second name for
// the same number, and stated facts the number contradicts.
func TestS_LOC_1_ConflictsShown(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		// The number says male, born 1985-03-12; the officer typed 女 and 1985-03-21.
		p := subject.NewPerson{Name: "王建国", FormerNames: []string{"王小军"}, Sex: "女", BirthDate: "1985-03-21",
			Documents: []subject.NewDocument{{Kind: ident.KindResidentID, Number: idChuanhui}}}
		first := mustAdd(t, f, p)
		if first.Sex != "M" || first.BirthDate != "1985-03-12" {
			t.Errorf("display sex %q birth %q, want the number's M 1985-03-12", first.Sex, first.BirthDate)
		}
		cs := first.Conflicts()
		if len(cs) != 2 || cs[0].Attr != subject.AttrSex || cs[1].Attr != subject.AttrBirthDate {
			t.Fatalf("conflicts = %+v", cs)
		}
		for _, c := range cs {
			var srcs []string
			for _, v := range c.Values {
				for _, r := range v.Records {
					srcs = append(srcs, r.Source)
				}
			}
			if !slices.Contains(srcs, "stated:zhangfy") || !slices.Contains(srcs, "document:resident_id:"+first.Documents[0].Masked) {
				t.Errorf("%s sources %v", c.Label, srcs)
			}
		}

		// Adding the same again changes nothing.
		again := mustAdd(t, f, p)
		if len(again.Attributes) != len(first.Attributes) {
			t.Errorf("attributes grew from %d to %d on a repeated add", len(first.Attributes), len(again.Attributes))
		}

		// A different name from another source for the same number.
		linked, err := f.store.AddPerson(ctx, officer, subject.NewPerson{Name: "王建郭", Source: "population",
			Documents: []subject.NewDocument{{Kind: ident.KindResidentID, Number: idChuanhui}}})
		if err != nil {
			t.Fatal(err)
		}
		s := linked.Subject
		if s.Name != "王建国" {
			t.Errorf("name overwritten: %q", s.Name)
		}
		var name *subject.Conflict
		for _, c := range s.Conflicts() {
			if c.Attr == subject.AttrName {
				name = &c
			}
		}
		if name == nil || len(name.Values) != 2 || name.Values[0].Value != "王建国" || name.Values[1].Value != "王建郭" ||
			name.Values[1].Records[0].Source != "population" || name.Values[1].Records[0].RecordedAt.IsZero() {
			t.Fatalf("name conflict = %+v", name)
		}
		if !strings.Contains(name.String(), "王建郭（population）") {
			t.Errorf("String() = %q", name.String())
		}
		if !slices.Equal(s.FormerNames, []string{"王小军"}) {
			t.Errorf("former names %v", s.FormerNames)
		}

		// Found by the name, the second name and the former name.
		for _, n := range []string{"王建国", "王建郭", "王小军", " 王建国 "} {
			got, err := f.store.FindByName(ctx, n)
			if err != nil || len(got) != 1 || got[0].ID != s.ID {
				t.Errorf("FindByName(%q) = %d subjects, %v", n, len(got), err)
			}
		}
		if got, err := f.store.FindByName(ctx, "王建"); err != nil || len(got) != 0 {
			t.Errorf("FindByName is not exact: %d, %v", len(got), err)
		}
	})
}

func TestOrganisation(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		rep := mustAdd(t, f, subject.NewPerson{Name: "王建国", Documents: []subject.NewDocument{{Kind: ident.KindResidentID, Number: idChuanhui}}})
		const code = "91440300708461136T"
		org, err := f.store.AddOrganisation(ctx, officer, subject.NewOrganisation{Name: "周口某建材有限公司", CreditCode: code, LegalRepresentative: rep.ID,
			Phones: []string{"0394-8123456"}, Addresses: []string{"河南省周口市川汇区七一路 100 号"}})
		if err != nil {
			t.Fatal(err)
		}
		if !org.Created || org.Subject.Kind != subject.Organisation || org.Subject.LegalRepresentative != rep.ID {
			t.Fatalf("org = %+v", org)
		}
		again, err := f.store.AddOrganisation(ctx, officer, subject.NewOrganisation{Name: "周口某建材有限责任公司", CreditCode: strings.ToLower(code)})
		if err != nil || again.Created || again.Subject.ID != org.Subject.ID || len(again.Subject.Conflicts()) != 1 {
			t.Fatalf("again = %+v, %v", again, err)
		}
		_, err = f.store.AddOrganisation(ctx, officer, subject.NewOrganisation{Name: "某公司", CreditCode: "91350100M000100Y43", LegalRepresentative: org.Subject.ID})
		wantCode(t, err, apperr.Invalid, "subject.legal_rep")
		_, err = f.store.AddPerson(ctx, officer, subject.NewPerson{Name: "某公司", Documents: []subject.NewDocument{{Kind: ident.KindCreditCode, Number: code}}})
		wantCode(t, err, apperr.Invalid, "subject.document_kind")
	})
}

func TestInvalidInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t, dbtest.SQLite(t))
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		p    subject.NewPerson
		code string
	}{
		{"no name", subject.NewPerson{Documents: []subject.NewDocument{{Kind: ident.KindResidentID, Number: idChuanhui}}}, "subject.name_required"},
		{"no document", subject.NewPerson{Name: "王建国"}, "subject.document_required"},
		{"bad check digit", subject.NewPerson{Name: "王建国", Documents: []subject.NewDocument{{Kind: ident.KindResidentID, Number: badCheck(idChuanhui)}}}, "subject.document_invalid"},
		{"unknown kind", subject.NewPerson{Name: "王建国", Documents: []subject.NewDocument{{Kind: "driving_licence", Number: "1"}}}, "subject.document_kind"},
		{"bad sex", subject.NewPerson{Name: "王建国", Sex: "X", Documents: []subject.NewDocument{{Kind: ident.KindResidentID, Number: idChuanhui}}}, "subject.sex"},
		{"future birth", subject.NewPerson{Name: "王建国", BirthDate: "2999-01-01", Documents: []subject.NewDocument{{Kind: ident.KindResidentID, Number: idChuanhui}}}, "subject.birth_date"},
		{"bad phone", subject.NewPerson{Name: "王建国", Phones: []string{"12"}, Documents: []subject.NewDocument{{Kind: ident.KindResidentID, Number: idChuanhui}}}, "subject.phone"},
		{"bad validity", subject.NewPerson{Name: "王建国", Documents: []subject.NewDocument{{Kind: ident.KindPassport, Number: passport, ValidUntil: "2030-13-01"}}}, "subject.valid_until"},
	} {
		_, err := f.store.AddPerson(ctx, officer, tc.p)
		wantCode(t, err, apperr.Invalid, tc.code)
	}
	if n := f.count(t, "subjects"); n != 0 {
		t.Errorf("subjects = %d after invalid input", n)
	}
	if _, err := f.store.Get(ctx, 999); !apperr.IsNotFound(err) {
		t.Errorf("Get(999) = %v", err)
	}
}

func mustAdd(t testing.TB, f *fixture, p subject.NewPerson) subject.Subject {
	t.Helper()
	a, err := f.store.AddPerson(context.Background(), officer, p)
	if err != nil {
		t.Fatal(err)
	}
	return a.Subject
}

// badCheck returns id with a wrong check character.
func badCheck(id string) string {
	if id[17] == '0' {
		return id[:17] + "1"
	}
	return id[:17] + "0"
}

func itoa(n int64) string {
	const digits = "0123456789"
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{digits[n%10]}, b...)
	}
	return string(b)
}

// Two requests racing to register the same new number end with one
// subject: the loser links to the winner's (UNIQUE (kind, number_index)).
func TestConcurrentAddsMakeOneSubject(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				docs := []subject.NewDocument{{Kind: ident.KindResidentID, Number: idChuanhui}}
				if i%2 == 1 {
					docs = append(docs, subject.NewDocument{Kind: ident.KindPassport, Number: passport})
				}
				_, err := f.store.AddPerson(context.Background(), officer, subject.NewPerson{Name: "王建国", Documents: docs})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		if n := f.count(t, "subjects"); n != 1 {
			t.Errorf("subjects = %d, want 1", n)
		}
		if n := f.count(t, "subject_documents"); n != 2 {
			t.Errorf("documents = %d, want 2", n)
		}
	})
}
