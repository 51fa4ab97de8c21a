package access_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

// One TOTP code, sent by several logins at once (to one or two servers),
// opens one session; the others are refused as replays.
func TestConcurrentLoginsShareOneTOTPCode(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, access.Config{MaxFailures: 100})
		other := newFixtureOn(t, f)
		pr := f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		secret, _ := f.enrol(t, pr)
		f.clock.Advance(30 * time.Second)
		code := f.code(t, secret, 0)
		const n = 6
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			svc := f.svc
			if i%2 == 1 {
				svc = other
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = svc.Login(context.Background(), access.LoginRequest{Username: "zhang", Password: password, TOTP: code})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch e, _ := apperr.As(err); {
			case err == nil:
				ok++
			case e == nil || e.Code != access.CodeTOTPInvalid:
				t.Errorf("concurrent login: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d logins with one code succeeded, want 1", ok)
		}
	})
}

// Failures that arrive at once are all counted.
func TestConcurrentFailuresAllCount(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, access.Config{})
		f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		var wg sync.WaitGroup
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f.svc.Login(context.Background(), access.LoginRequest{Username: "zhang", Password: "Wrong#2021x"})
			}()
		}
		wg.Wait()
		_, err := f.login(t, "zhang", password, "")
		wantCode(t, err, access.CodeLocked)
		if got := f.audits(t, "session.locked"); len(got) != 1 {
			t.Errorf("%d session.locked entries, want 1", len(got))
		}
	})
}
