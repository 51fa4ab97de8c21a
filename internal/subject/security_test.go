package subject_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/ident"
	"liandong/internal/subject"
)

// S-SEC-2, S-SEC-3: a full number is revealed only with permission and a
// case number, and every attempt is in the audit log.
func TestS_SEC_3_RevealNeedsPermissionAndCaseAndIsAudited(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		s := mustAdd(t, f, subject.NewPerson{Name: "李秀英", Documents: []subject.NewDocument{
			{Kind: ident.KindResidentID, Number: idHuaiyang15}, {Kind: ident.KindPassport, Number: passport}}})
		idDoc, passDoc := s.Documents[0], s.Documents[1]
		object := fmt.Sprintf("subject:%d/document:%d", s.ID, idDoc.ID)

		noCase := matter
		noCase.CaseNumber = ""
		_, err := f.store.Reveal(ctx, officer, s.ID, idDoc.ID, noCase)
		wantCode(t, err, apperr.Forbidden, access.CodePurposeRequired)
		_, err = f.store.Reveal(ctx, otherOfficer, s.ID, idDoc.ID, matter)
		wantCode(t, err, apperr.Forbidden, access.CodeDenied)
		_, err = f.store.Reveal(ctx, auditor, s.ID, idDoc.ID, matter)
		wantCode(t, err, apperr.Forbidden, access.CodeDenied)

		got, err := f.store.Reveal(ctx, officer, s.ID, idDoc.ID, matter)
		if err != nil || got != idHuaiyang {
			t.Fatalf("Reveal = %q, %v; want the upgraded 18-digit %s", got, err, idHuaiyang)
		}
		if got, err := f.store.Reveal(ctx, officer, s.ID, passDoc.ID, matter); err != nil || got != passport {
			t.Errorf("Reveal passport = %q, %v", got, err)
		}
		// A document id of another subject is not found, not revealed.
		other := mustAdd(t, f, subject.NewPerson{Name: "王建国", Documents: []subject.NewDocument{{Kind: ident.KindResidentID, Number: idChuanhui}}})
		_, err = f.store.Reveal(ctx, officer, other.ID, idDoc.ID, matter)
		wantCode(t, err, apperr.NotFound, "subject.document_not_found")

		es := f.entries(t, audit.Query{Object: object})
		var outcomes []string
		for _, e := range es {
			if e.Action != subject.ActionReveal {
				t.Errorf("entry action %q", e.Action)
			}
			outcomes = append(outcomes, string(e.Outcome)+"/"+e.Username+"/"+e.CaseNumber+"/"+e.Detail)
		}
		want := []string{ // newest first
			"ok/zhangfy/" + caseNo + "/kind=resident_id",
			"denied/shenji/" + caseNo + "/" + access.CodeDenied,
			"denied/wangch/" + caseNo + "/" + access.CodeDenied,
			"denied/zhangfy//" + access.CodePurposeRequired,
		}
		if strings.Join(outcomes, "\n") != strings.Join(want, "\n") {
			t.Errorf("audit entries:\n%s\nwant:\n%s", strings.Join(outcomes, "\n"), strings.Join(want, "\n"))
		}
		if es[0].UnitCode != "fy411600-zxj" || es[0].Role != "court_officer" || es[0].Source != "10.0.0.1" {
			t.Errorf("reveal entry %+v", es[0])
		}
	})
}

// S-SEC-3: nothing readable in the database without the key: no table of
// this package, nor the audit log, holds an identity number, phone or
// address in clear, in any form that was typed.
func TestS_SEC_3_NothingInClear(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		const (
			phone     = "13800138000"
			household = "河南省周口市淮阳区羲皇大道88号"
			residence = "河南省郑州市金水区花园路12号院3号楼"
		)
		s := mustAdd(t, f, subject.NewPerson{Name: "李秀英", Documents: []subject.NewDocument{
			{Kind: ident.KindResidentID, Number: idHuaiyang15}, {Kind: ident.KindPassport, Number: passport},
			{Kind: ident.KindHKMOPermit, Number: "H87654321"}},
			Phones: []string{phone}, HouseholdAddress: household, ResidenceAddresses: []string{residence}, CaseNumber: caseNo})
		if _, err := f.store.Reveal(ctx, officer, s.ID, s.Documents[0].ID, matter); err != nil {
			t.Fatal(err)
		}
		secrets := []string{idHuaiyang, idHuaiyang15, idHuaiyang[6:14] + idHuaiyang[14:17], passport, "87654321", phone, "0013800", "羲皇大道", "花园路"}

		for _, table := range []string{"subjects", "subject_documents", "subject_attributes", "subject_contacts", "audit_entries"} {
			rows, err := d.Read().QueryContext(ctx, `SELECT * FROM `+table)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			n := 0
			for rows.Next() {
				n++
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for i, v := range vals {
					var text string
					switch x := v.(type) {
					case string:
						text = x
					case []byte:
						text = string(x)
					default:
						continue
					}
					for _, secret := range secrets {
						if strings.Contains(text, secret) {
							t.Errorf("%s.%s holds %q in clear: %q", table, cols[i], secret, text)
						}
					}
				}
			}
			rows.Close()
			if n == 0 {
				t.Errorf("%s is empty: the test reads nothing", table)
			}
		}
		// The sealed columns are filled (a row is sealed in the same
		// transaction that inserts it).
		var empty int
		if err := d.Read().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM subject_documents WHERE number_sealed = '')
			+ (SELECT COUNT(*) FROM subject_contacts WHERE value_sealed = '')`).Scan(&empty); err != nil {
			t.Fatal(err)
		}
		if empty != 0 {
			t.Errorf("%d rows without a sealed value", empty)
		}
	})
}

// Masked forms: identity numbers keep region and last 4, other documents
// first and last 2, phones 3+4, addresses their first 6 characters.
func TestMaskedForms(t *testing.T) {
	t.Parallel()
	f := newFixture(t, dbtest.SQLite(t))
	s := mustAdd(t, f, subject.NewPerson{Name: "李秀英", Documents: []subject.NewDocument{
		{Kind: ident.KindResidentID, Number: idHuaiyang15}, {Kind: ident.KindPassport, Number: passport}},
		Phones: []string{"+86 138 0013 8000"}, HouseholdAddress: "河南省周口市淮阳区羲皇大道88号"})
	want := map[string]string{
		"resident_id": "411626********" + idHuaiyang[14:],
		"passport":    "E1*****78",
	}
	for _, d := range s.Documents {
		if d.Masked != want[d.Kind] {
			t.Errorf("%s masked %q, want %q", d.Kind, d.Masked, want[d.Kind])
		}
	}
	if d := s.Documents[0]; d.Category != "resident" || d.BirthDate != "1968-02-15" || d.Sex != "F" {
		t.Errorf("resident ID facts %+v", d)
	}
	wantContacts := map[subject.ContactKind]string{subject.Phone: "138****8000", subject.HouseholdAddress: "河南省周口市****"}
	for _, c := range s.Contacts {
		if c.Masked != wantContacts[c.Kind] {
			t.Errorf("%s masked %q, want %q", c.Kind, c.Masked, wantContacts[c.Kind])
		}
	}
}
