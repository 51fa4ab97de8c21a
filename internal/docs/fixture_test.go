package docs_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/docs"
	"liandong/internal/keyring"
	"liandong/internal/signer"
)

const password = "Zhoukou#2021"

// fixture is a migrated database with the Zhoukou directory, three users,
// unit keys and a document store.
type fixture struct {
	d       *db.DB
	dir     *directory.Store
	keys    *signer.Store
	auditor *txAuditor
	store   *docs.Store
}

// Users of the fixture.
const (
	courtUser  = "zhangfy" // 周口中院执行局 (fy411600-zxj), issues for fy411600
	otherCourt = "wangch"  // 川汇区法院执行局 (fy411602-zxj)
	policeUser = "ligong"  // 周口市公安局 (ga411600)
	vehicleAdm = "chegs"   // 车辆管理所 (ga411600-jj-cgs), under the traffic police of ga411600
)

func newFixture(t testing.TB, d *db.DB, opts docs.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := directory.NewStore(d)
	if _, err := dir.LoadZhoukou(ctx); err != nil {
		t.Fatal(err)
	}
	for _, u := range []directory.NewUser{
		{Username: courtUser, Unit: "fy411600-zxj", Roles: []directory.Role{directory.CourtOfficer}, Password: password},
		{Username: otherCourt, Unit: "fy411602-zxj", Roles: []directory.Role{directory.CourtOfficer}, Password: password},
		{Username: policeUser, Unit: "ga411600", Roles: []directory.Role{directory.PoliceHandler}, Password: password},
		{Username: vehicleAdm, Unit: "ga411600-jj-cgs", Roles: []directory.Role{directory.PoliceHandler}, Password: password},
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
	a := newTxAuditor(t, d)
	return &fixture{d: d, dir: dir, keys: keys, auditor: a, store: docs.NewStore(d, keys, dir, a, opts)}
}

// txAuditor writes entries to a table of its own inside the caller's
// transaction, so tests see that a document and its entry commit together,
// and can make Append fail.
type txAuditor struct {
	fail error
}

func newTxAuditor(t testing.TB, d *db.DB) *txAuditor {
	t.Helper()
	if _, err := d.Write().ExecContext(context.Background(), `CREATE TABLE test_audit (
		action TEXT NOT NULL, object TEXT NOT NULL, username TEXT NOT NULL, unit_code TEXT NOT NULL, case_number TEXT NOT NULL, detail TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return &txAuditor{}
}

func (a *txAuditor) Append(ctx context.Context, tx *sql.Tx, e audit.Entry) (audit.Entry, error) {
	if a.fail != nil {
		return audit.Entry{}, a.fail
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO test_audit (action, object, username, unit_code, case_number, detail) VALUES ($1, $2, $3, $4, $5, $6)`,
		e.Action, e.Object, e.Username, e.UnitCode, e.CaseNumber, e.Detail)
	return e, err
}

// auditActions lists the audited actions on object, in order.
func (f *fixture) auditActions(t testing.TB, object string) []string {
	t.Helper()
	rows, err := f.d.Read().QueryContext(context.Background(), `SELECT action FROM test_audit WHERE object = $1`, object)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func (f *fixture) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := f.d.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// put stores data and fails the test on error.
func (f *fixture) put(t testing.TB, data []byte, name string) docs.Blob {
	t.Helper()
	b, err := f.store.Put(context.Background(), strings.NewReader(string(data)), name)
	if err != nil {
		t.Fatalf("Put(%s): %v", name, err)
	}
	return b
}

// issue stores data and issues it as a court document of fy411600.
func (f *fixture) issue(t testing.TB, data []byte, docType string) docs.Document {
	t.Helper()
	b := f.put(t, data, "doc")
	doc, err := f.store.Issue(context.Background(), docs.IssueRequest{Digest: b.Digest, Type: docType, CaseNumber: "(2021)豫16执123号",
		UnitCode: "fy411600", Username: courtUser, Role: "court_officer", Source: "127.0.0.1"})
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	return doc
}

// wantCode checks that err is an apperr with the given code and kind.
func wantCode(t testing.TB, err error, kind apperr.Kind, code string) *apperr.Error {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code || e.Kind != kind || e.Message == "" {
		t.Fatalf("err = %v, want %s (kind %d)", err, code, kind)
	}
	return e
}

var errAuditDown = errors.New("audit log unavailable")
