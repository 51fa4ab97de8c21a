package access_test

import (
	"context"
	"testing"
	"time"

	"liandong/internal/access"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

// TestAuthCache: a session is remembered for the cache's TTL, so a
// change made behind this service's back (another server disables the
// user) takes effect within it, while what this service itself does — a
// logout, a revoked token — takes effect at once.
func TestAuthCache(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, access.Config{AuthCacheTTL: time.Second})
		f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		sess := f.mustLogin(t, "zhang", "")
		if _, err := f.svc.Authenticate(ctx, sess.Token, "t"); err != nil {
			t.Fatal(err)
		}
		// Another server disables the account.
		if _, err := d.Write().ExecContext(ctx, `UPDATE users SET active = FALSE WHERE username = 'zhang'`); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(ctx, sess.Token, "t"); err != nil {
			t.Errorf("within the TTL the cached session should still stand: %v", err)
		}
		f.clock.Advance(time.Second)
		if _, err := f.svc.Authenticate(ctx, sess.Token, "t"); err == nil {
			t.Error("a disabled account still authenticated after the TTL")
		}

		// This service's own logout is at once.
		if _, err := d.Write().ExecContext(ctx, `UPDATE users SET active = TRUE WHERE username = 'zhang'`); err != nil {
			t.Fatal(err)
		}
		sess = f.mustLogin(t, "zhang", "")
		pr, err := f.svc.Authenticate(ctx, sess.Token, "t")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Logout(ctx, pr); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(ctx, sess.Token, "t"); err == nil {
			t.Error("a logged-out session authenticated from the cache")
		}

		// Off: every request reads.
		g := newFixture(t, d, access.Config{AuthCacheTTL: -1})
		s2 := g.mustLogin(t, "zhang", "")
		if _, err := g.svc.Authenticate(ctx, s2.Token, "t"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write().ExecContext(ctx, `UPDATE users SET active = FALSE WHERE username = 'zhang'`); err != nil {
			t.Fatal(err)
		}
		if _, err := g.svc.Authenticate(ctx, s2.Token, "t"); err == nil {
			t.Error("with the cache off a disabled account authenticated")
		}
	})
}
