package access_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, access.Config{})
		ctx := context.Background()
		f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		f.addUser(t, "wu", "ga411602", true, directory.PoliceHandler)
		f.addUser(t, "gone", "ga411602", false, directory.PoliceHandler)
		if err := f.dir.SetActive(ctx, "gone", false); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name       string
			username   string
			password   string
			wantCode   string
			wantReason string // Detail of the audit entry
		}{
			{"right password", "zhang", password, "", "session="},
			{"username in other case and spaces", "  ZHANG ", password, "", "session="},
			{"wrong password", "zhang", "Wrong#2021x", access.CodeBadCredentials, "reason=bad_password"},
			{"unknown user gets the same answer", "nobody", password, access.CodeBadCredentials, "reason=unknown_user"},
			{"empty username", "", password, access.CodeBadCredentials, "reason=unknown_user"},
			{"disabled with the right password", "gone", password, access.CodeDisabled, "reason=disabled"},
			{"disabled with a wrong password says nothing more", "gone", "Wrong#2021x", access.CodeBadCredentials, "reason=bad_password"},
			{"initial password", "wu", password, "", "session="},
		}
		var tokens []string
		for _, tt := range tests {
			before := len(f.audits(t, "session.login"))
			s, err := f.login(t, tt.username, tt.password, "")
			e := wantCode(t, err, tt.wantCode, apperr.Unauthorized)
			if tt.wantCode == access.CodeBadCredentials && e.Message != "用户名或密码错误" {
				t.Errorf("%s: message %q", tt.name, e.Message)
			}
			entries := f.audits(t, "session.login")
			if len(entries) != before+1 {
				t.Fatalf("%s: %d new session.login entries, want 1", tt.name, len(entries)-before)
			}
			last := entries[len(entries)-1]
			if !strings.HasPrefix(last.Detail, tt.wantReason) {
				t.Errorf("%s: audit detail %q, want %q…", tt.name, last.Detail, tt.wantReason)
			}
			wantOutcome := "ok"
			if tt.wantCode != "" {
				wantOutcome = "failed"
			}
			if last.Outcome != wantOutcome || last.Object != "user:"+directory.NormalizeUsername(tt.username) {
				t.Errorf("%s: audit entry %+v, want outcome %s on user:%s", tt.name, last, wantOutcome, tt.username)
			}
			if tt.wantCode != "" {
				continue
			}
			tokens = append(tokens, s.Token)
			if len(s.Token) != 43 || len(s.CSRFToken) != 43 || s.Token == s.CSRFToken {
				t.Errorf("%s: token %q / csrf %q: want two different 43-character base64url tokens", tt.name, s.Token, s.CSRFToken)
			}
			if want := start.Add(access.DefaultSessionLifetime); !s.ExpiresAt.Equal(want) {
				t.Errorf("%s: expires %v, want %v", tt.name, s.ExpiresAt, want)
			}
			pr, err := f.svc.Authenticate(ctx, s.Token, "10.1.2.3")
			if err != nil {
				t.Fatalf("%s: authenticate: %v", tt.name, err)
			}
			if pr.Username != directory.NormalizeUsername(tt.username) || pr.SessionID != s.Principal.SessionID || pr.CSRFToken != s.CSRFToken || pr.ViaToken {
				t.Errorf("%s: principal %+v does not match session %+v", tt.name, pr, s.Principal)
			}
			if pr.MustChangePassword != (tt.username == "wu") {
				t.Errorf("%s: MustChangePassword = %v", tt.name, pr.MustChangePassword)
			}
		}
		// Tokens are stored only as hashes.
		for _, tok := range tokens {
			var n int
			if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE token_hash = $1 OR id = $1`, tok).Scan(&n); err != nil || n != 0 {
				t.Errorf("a session token is stored in clear (%d rows, %v)", n, err)
			}
		}
	})
}

func TestPrincipalCourtAndSide(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, access.Config{})
		f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		f.addUser(t, "chen", "fy411602-zxj", false, directory.CourtOfficer)
		f.addUser(t, "wu", "ga411602", false, directory.PoliceHandler)
		for _, tt := range []struct{ user, court, side string }{
			{"zhang", "fy411600", "court"}, {"chen", "fy411602", "court"}, {"wu", "", "police"},
		} {
			s := f.mustLogin(t, tt.user, "")
			if s.Principal.CourtCode != tt.court || s.Principal.Side != tt.side {
				t.Errorf("%s: court %q side %q, want %q %q", tt.user, s.Principal.CourtCode, s.Principal.Side, tt.court, tt.side)
			}
		}
	})
}

func TestLockout(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, access.Config{})
		f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		bad := func() error { _, err := f.login(t, "zhang", "Wrong#2021x", ""); return err }

		// A success resets the count: 4 failures, a success, 4 failures
		// leave the account open.
		for range 4 {
			wantCode(t, bad(), access.CodeBadCredentials)
		}
		f.mustLogin(t, "zhang", "")
		for range 4 {
			wantCode(t, bad(), access.CodeBadCredentials)
		}
		// The fifth consecutive failure locks for 15 minutes and says until
		// when (14:30:10 + 15 min, rounded up: 14:46 in China).
		e := wantCode(t, bad(), access.CodeLocked, apperr.Unauthorized)
		if e.Message != "账号已锁定，请于 14:46 后重试" {
			t.Errorf("lock message %q", e.Message)
		}
		locks := f.audits(t, "session.locked")
		if len(locks) != 1 || locks[0].Object != "user:zhang" {
			t.Fatalf("session.locked entries %+v, want one for user:zhang", locks)
		}
		// The right password is refused while locked, and so is a wrong one.
		f.clock.Advance(14 * time.Minute)
		_, err := f.login(t, "zhang", password, "")
		if e := wantCode(t, err, access.CodeLocked); !strings.Contains(e.Message, "14:46") {
			t.Errorf("lock message while locked %q", e.Message)
		}
		wantCode(t, bad(), access.CodeLocked)
		// After 15 minutes the right password works again.
		f.clock.Advance(time.Minute + time.Second)
		f.mustLogin(t, "zhang", "")

		// Every attempt was audited: 4+1+4+1 failures... each a session.login.
		var ok, failed int
		for _, e := range f.audits(t, "session.login") {
			switch e.Outcome {
			case "ok":
				ok++
			case "failed":
				failed++
			}
		}
		if ok != 2 || failed != 11 {
			t.Errorf("session.login entries: %d ok, %d failed; want 2 and 11", ok, failed)
		}
	})
}

// The count is per user in the database: two services (two servers) on one
// database share it.
func TestLockoutHoldsAcrossServers(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, access.Config{})
		other := newFixtureOn(t, f)
		f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		for i := range 5 {
			svc := f.svc
			if i%2 == 1 {
				svc = other
			}
			_, err := svc.Login(context.Background(), access.LoginRequest{Username: "zhang", Password: "Wrong#2021x"})
			if i < 4 {
				wantCode(t, err, access.CodeBadCredentials)
			} else {
				wantCode(t, err, access.CodeLocked)
			}
		}
		_, err := other.Login(context.Background(), access.LoginRequest{Username: "zhang", Password: password})
		wantCode(t, err, access.CodeLocked)
	})
}

func TestSessionIdleTimeoutAndLifetime(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, access.Config{SessionLifetime: 2 * time.Hour})
		f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		auth := func(token string) error { _, err := f.svc.Authenticate(ctx, token, "10.1.2.3"); return err }

		// Used every 29 minutes, the session lives until its absolute end.
		s := f.mustLogin(t, "zhang", "")
		for elapsed := time.Duration(0); elapsed+29*time.Minute < 2*time.Hour; elapsed += 29 * time.Minute {
			f.clock.Advance(29 * time.Minute)
			if err := auth(s.Token); err != nil {
				t.Fatalf("after %v of use: %v", elapsed+29*time.Minute, err)
			}
		}
		f.clock.Advance(2*time.Hour - 4*29*time.Minute) // exactly the lifetime
		wantCode(t, auth(s.Token), "auth.session_expired", apperr.Unauthorized)

		// Left alone for 30 minutes, a session ends.
		s = f.mustLogin(t, "zhang", "")
		f.clock.Advance(29*time.Minute + 59*time.Second)
		if err := auth(s.Token); err != nil {
			t.Fatalf("29:59 idle: %v", err)
		}
		f.clock.Advance(30 * time.Minute)
		wantCode(t, auth(s.Token), "auth.session_expired")

		// Garbage and unknown tokens.
		wantCode(t, auth(""), "auth.session_expired")
		wantCode(t, auth(strings.Repeat("A", 43)), "auth.session_expired")
		wantCode(t, auth("ldt."+strings.Repeat("A", 43)), "auth.token_invalid")
	})
}

// Authenticate writes last-seen at most once per TouchInterval.
func TestAuthenticateTouchesAtMostOncePerMinute(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, access.Config{})
		f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		s := f.mustLogin(t, "zhang", "")
		lastSeen := func() time.Time {
			var at time.Time
			if err := d.Read().QueryRowContext(ctx, `SELECT last_seen_at FROM sessions WHERE id = $1`, s.Principal.SessionID).Scan(&at); err != nil {
				t.Fatal(err)
			}
			return at
		}
		f.clock.Advance(59 * time.Second)
		if _, err := f.svc.Authenticate(ctx, s.Token, ""); err != nil {
			t.Fatal(err)
		}
		if !lastSeen().Equal(start) {
			t.Errorf("last seen moved after 59 s: %v", lastSeen())
		}
		f.clock.Advance(time.Second)
		if _, err := f.svc.Authenticate(ctx, s.Token, ""); err != nil {
			t.Fatal(err)
		}
		if want := start.Add(time.Minute); !lastSeen().Equal(want) {
			t.Errorf("last seen %v after a minute, want %v", lastSeen(), want)
		}
	})
}

func TestLogoutEndsTheSession(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, access.Config{})
		f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		s := f.mustLogin(t, "zhang", "")
		other := f.mustLogin(t, "zhang", "")
		pr, err := f.svc.Authenticate(ctx, s.Token, "10.1.2.3")
		if err != nil {
			t.Fatal(err)
		}
		list, err := f.svc.Sessions(ctx, pr)
		if err != nil || len(list) != 2 {
			t.Fatalf("sessions = %v, %v; want 2", list, err)
		}
		if err := f.svc.Logout(ctx, pr); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Authenticate(ctx, s.Token, "10.1.2.3")
		wantCode(t, err, "auth.session_expired")
		if _, err := f.svc.Authenticate(ctx, other.Token, "10.1.2.3"); err != nil {
			t.Errorf("the other session ended too: %v", err)
		}
		var reason string
		if err := d.Read().QueryRowContext(ctx, `SELECT revoke_reason FROM sessions WHERE id = $1 AND revoked_at IS NOT NULL`, pr.SessionID).Scan(&reason); err != nil || reason != "logout" {
			t.Errorf("revoked session row: reason %q, %v", reason, err)
		}
		if got := f.audits(t, "session.logout"); len(got) != 1 || got[0].Username != "zhang" || got[0].Outcome != "ok" {
			t.Errorf("logout audit entries %+v", got)
		}
	})
}

func TestDisablingAUserEndsTheirSessions(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, access.Config{})
		f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		s := f.mustLogin(t, "zhang", "")
		if err := f.dir.SetActive(ctx, "zhang", false); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Authenticate(ctx, s.Token, "")
		wantCode(t, err, "auth.session_expired")
	})
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	pr := access.Principal{CSRFToken: "abc"}
	if !pr.CheckCSRF("abc") || pr.CheckCSRF("abd") || pr.CheckCSRF("") {
		t.Error("CheckCSRF on a session principal")
	}
	if (access.Principal{}).CheckCSRF("") {
		t.Error("CheckCSRF accepted an empty token on a principal without one")
	}
	if !(access.Principal{ViaToken: true}).CheckCSRF("") {
		t.Error("API token requests need no CSRF token")
	}
}

func TestRevokeAndPurgeSessions(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, access.Config{})
		f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		f.addUser(t, "chen", "fy411602-zxj", false, directory.CourtOfficer)
		a := f.mustLogin(t, "zhang", "")
		b := f.mustLogin(t, "zhang", "")
		c := f.mustLogin(t, "chen", "")
		// One may end one's own other session, not someone else's.
		wantCode(t, f.svc.RevokeSession(ctx, a.Principal, c.Principal.SessionID), "session.not_found", apperr.NotFound)
		if err := f.svc.RevokeSession(ctx, a.Principal, b.Principal.SessionID); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Authenticate(ctx, b.Token, "")
		wantCode(t, err, "auth.session_expired")
		if _, err := f.svc.Authenticate(ctx, c.Token, ""); err != nil {
			t.Fatal(err)
		}
		// Purge keeps live sessions and ended ones younger than keep.
		if n, err := f.svc.PurgeSessions(ctx, 24*time.Hour); err != nil || n != 0 {
			t.Fatalf("purge right away: %d, %v", n, err)
		}
		f.clock.Advance(2 * 24 * time.Hour)
		if n, err := f.svc.PurgeSessions(ctx, 24*time.Hour); err != nil || n != 3 {
			t.Fatalf("purge after two days: %d, %v; want 3", n, err)
		}
	})
}
