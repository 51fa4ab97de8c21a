package subject_test

import (
	"context"
	"strings"
	"testing"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/keyring"
	"liandong/internal/pii"
	"liandong/internal/signer"
	"liandong/internal/subject"
)

// fixture is a migrated database with the Zhoukou directory, the real
// policy and audit log, and a subject store.
type fixture struct {
	d     *db.DB
	log   *audit.Log
	store *subject.Store
}

// Principals of the fixture.
var (
	officer = access.Principal{Username: "zhangfy", UnitCode: "fy411600-zxj", Roles: []directory.Role{directory.CourtOfficer}, Source: "10.0.0.1"}
	// another court's officer: may not reveal numbers for fy411600's matters.
	otherOfficer = access.Principal{Username: "wangch", UnitCode: "fy411602-zxj", Roles: []directory.Role{directory.CourtOfficer}}
	auditor      = access.Principal{Username: "shenji", UnitCode: "fy411600", Roles: []directory.Role{directory.Auditor}}
)

const caseNo = "（2021）豫16执123号"

// matter is the target of reveals in the tests: fy411600 asks the city bureau.
var matter = access.Target{RequestingUnit: "fy411600-zxj", AddressedUnit: "ga411600", CaseNumber: caseNo}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := directory.NewStore(d)
	if _, err := dir.LoadZhoukou(ctx); err != nil {
		t.Fatal(err)
	}
	text, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	ring, err := keyring.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	log := audit.New(d, signer.NewStore(d, ring), audit.Options{})
	policy := access.NewPolicy(dir, access.Config{})
	return &fixture{d: d, log: log, store: subject.NewStore(d, pii.New(ring), policy, log, subject.Options{})}
}

// residentID builds a valid 18-digit number from a region, a birth date
// YYYYMMDD and a 3-digit sequence (odd: male).
func residentID(region, birth, seq string) string {
	body := region + birth + seq
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(body[i]-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

// fullWidth turns ASCII digits and letters into their full-width forms, as
// Chinese input methods type them.
func fullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '!' && r <= '~' {
			r += 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

func wantCode(t testing.TB, err error, kind apperr.Kind, code string) *apperr.Error {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code || e.Kind != kind || e.Message == "" {
		t.Fatalf("err = %v, want %s (kind %d)", err, code, kind)
	}
	return e
}

func (f *fixture) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := f.d.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// entries returns the audit entries on object, newest first.
func (f *fixture) entries(t testing.TB, q audit.Query) []audit.Entry {
	t.Helper()
	es, _, err := f.log.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return es
}
