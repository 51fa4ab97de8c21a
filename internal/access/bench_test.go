package access_test

import (
	"context"
	"testing"

	"liandong/internal/access"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

// benchEach runs fn on SQLite and, when LIANDONG_TEST_PG is set, on
// PostgreSQL.
func benchEach(b *testing.B, fn func(b *testing.B, d *db.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, dbtest.SQLite(b)) })
	if dsn := dbtest.PGDSN(b); dsn != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, dbtest.Postgres(b, dsn)) })
	}
}

// BenchmarkLogin is a full login with the production argon2id parameters
// (directory.HashPassword): verify, reset the failure count, create the
// session, append the audit entry.
func BenchmarkLogin(b *testing.B) {
	benchEach(b, func(b *testing.B, d *db.DB) {
		ctx := context.Background()
		f := newFixture(b, d, access.Config{HashPassword: directory.HashPassword})
		if _, err := f.dir.AddUser(ctx, directory.NewUser{Username: "zhang", Unit: "fy411600-zxj", Roles: []directory.Role{directory.CourtOfficer}, Password: password}); err != nil {
			b.Fatal(err)
		}
		req := access.LoginRequest{Username: "zhang", Password: password, Source: "10.1.2.3", UserAgent: "bench"}
		for b.Loop() {
			if _, err := f.svc.Login(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAuthenticate is the per-request session lookup (no touch: the
// clock stands still, so last-seen never needs writing).
func BenchmarkAuthenticate(b *testing.B) {
	benchEach(b, func(b *testing.B, d *db.DB) {
		ctx := context.Background()
		f := newFixture(b, d, access.Config{})
		f.addUser(b, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		s := f.mustLogin(b, "zhang", "")
		for b.Loop() {
			if _, err := f.svc.Authenticate(ctx, s.Token, "10.1.2.3"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPolicyCheck is one matter check against the cached unit tree.
func BenchmarkPolicyCheck(b *testing.B) {
	d := dbtest.SQLite(b)
	ctx := context.Background()
	dir := directory.NewStore(d)
	if _, err := dir.LoadZhoukou(ctx); err != nil {
		b.Fatal(err)
	}
	p := access.NewPolicy(dir, access.Config{})
	leader := principal("zy-leader", "fy411600-zxj", directory.CourtLeader)
	target := access.Target{RequestingUnit: "fy411602-zxj", AddressedUnit: "ga411602", CaseNumber: caseNo}
	if err := p.Check(ctx, leader, access.ActionMatterAct, target); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := p.Check(ctx, leader, access.ActionMatterAct, target); err != nil {
			b.Fatal(err)
		}
	}
}
