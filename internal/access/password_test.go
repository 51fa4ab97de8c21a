package access_test

import (
	"context"
	"fmt"
	"testing"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

func TestChangePasswordRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, access.Config{})
		f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		s := f.mustLogin(t, "zhang", "")
		pr := s.Principal

		tests := []struct {
			name, old, new, code string
		}{
			{"wrong old password", "Wrong#2021x", "Fresh#2022a", "auth.old_password_wrong"},
			{"too short", password, "Ab#1", "password.too_short"},
			{"two classes only", password, "abcdefgh12", "password.classes"},
			{"contains the username", password, "Zhang#2022x", "password.contains_username"},
			{"the current password", password, password, access.CodePasswordReused},
		}
		for _, tt := range tests {
			err := f.svc.ChangePassword(ctx, pr, tt.old, tt.new)
			e := wantCode(t, err, tt.code, apperr.Invalid)
			if tt.code == access.CodePasswordReused && e.Message != "新密码不能与最近 5 次使用过的密码相同" {
				t.Errorf("%s: message %q", tt.name, e.Message)
			}
		}

		// p0 is the initial password; change to p1…p5. Then each of the last
		// five (p5 current, p4…p1) is refused and p0, the sixth, allowed.
		pw := func(i int) string { return fmt.Sprintf("Round#%d-2024", i) }
		current := password
		for i := 1; i <= 5; i++ {
			if err := f.svc.ChangePassword(ctx, pr, current, pw(i)); err != nil {
				t.Fatalf("change to p%d: %v", i, err)
			}
			current = pw(i)
		}
		for i := 5; i >= 1; i-- {
			wantCode(t, f.svc.ChangePassword(ctx, pr, current, pw(i)), access.CodePasswordReused)
		}
		if err := f.svc.ChangePassword(ctx, pr, current, password); err != nil {
			t.Fatalf("the sixth most recent password was refused: %v", err)
		}
		if _, err := f.login(t, "zhang", password, ""); err != nil {
			t.Fatalf("login with the new password: %v", err)
		}
		var n int
		if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM password_history WHERE user_id = $1`, pr.UserID).Scan(&n); err != nil || n != 5 {
			t.Errorf("password history holds %d rows (%v), want 5", n, err)
		}
		changes := f.audits(t, "password.change")
		var ok, failed int
		for _, e := range changes {
			if e.Outcome == "ok" {
				ok++
			} else {
				failed++
			}
		}
		if ok != 6 || failed != 7 { // 5 rounds + the last; 1 wrong old + 1 current + 5 reuses
			t.Errorf("password.change entries: %d ok, %d failed; want 6 and 7", ok, failed)
		}
	})
}

// A change ends the user's other sessions and keeps the one that made it;
// it clears the forced-change flag.
func TestChangePasswordEndsOtherSessionsAndClearsTheFlag(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, access.Config{})
		f.addUser(t, "wu", "ga411602", true, directory.PoliceHandler)
		mine := f.mustLogin(t, "wu", "")
		other := f.mustLogin(t, "wu", "")
		pr := mine.Principal
		if !pr.MustChangePassword || !pr.Restricted() {
			t.Fatal("an initial password does not force a change")
		}
		// Until the change, only the user's own account may be touched.
		target := access.Target{AddressedUnit: "ga411602", CaseNumber: "（2024）豫1602执100号"}
		wantCode(t, f.svc.Authorize(ctx, pr, access.ActionMatterRead, target), access.CodePasswordChangeRequired, apperr.Forbidden)
		if err := f.svc.Policy().Check(ctx, pr, access.ActionSelf, access.Target{}); err != nil {
			t.Fatalf("self is refused before the change: %v", err)
		}
		if err := f.svc.ChangePassword(ctx, pr, password, "Fresh#2022a"); err != nil {
			t.Fatal(err)
		}
		pr2, err := f.svc.Authenticate(ctx, mine.Token, "")
		if err != nil {
			t.Fatalf("the session that changed the password ended: %v", err)
		}
		if pr2.MustChangePassword {
			t.Error("MustChangePassword still set after the change")
		}
		if err := f.svc.Authorize(ctx, pr2, access.ActionMatterRead, target); err != nil {
			t.Errorf("after the change: %v", err)
		}
		_, err = f.svc.Authenticate(ctx, other.Token, "")
		wantCode(t, err, "auth.session_expired")
	})
}

func TestResetPassword(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, access.Config{})
		admin := f.addUser(t, "sysadmin", "ga411600-xxtx", false, directory.SysAdmin)
		sec := f.addUser(t, "secadmin", "ga411600-xxtx", false, directory.SecAdmin)
		f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		s := f.mustLogin(t, "zhang", "")
		for range 5 {
			f.login(t, "zhang", "Wrong#2021x", "")
		}
		_, err := f.login(t, "zhang", password, "")
		wantCode(t, err, access.CodeLocked)

		// Only the system administrator, and not on oneself.
		wantCode(t, f.svc.ResetPassword(ctx, sec, "zhang", "Temp#2024abc"), access.CodeDenied, apperr.Forbidden)
		wantCode(t, f.svc.ResetPassword(ctx, sec, "nobody", "Temp#2024abc"), access.CodeDenied, apperr.Forbidden)
		wantCode(t, f.svc.ResetPassword(ctx, admin, "sysadmin", "Temp#2024abc"), access.CodeDenied)
		wantCode(t, f.svc.ResetPassword(ctx, admin, "nobody", "Temp#2024abc"), "user.not_found", apperr.NotFound)
		wantCode(t, f.svc.ResetPassword(ctx, admin, "zhang", "weak"), "password.too_short")
		if err := f.svc.ResetPassword(ctx, admin, "zhang", "Temp#2024abc"); err != nil {
			t.Fatal(err)
		}
		// Unlocked, all sessions ended, the temporary password must be changed.
		_, err = f.svc.Authenticate(ctx, s.Token, "")
		wantCode(t, err, "auth.session_expired")
		s2, err := f.login(t, "zhang", "Temp#2024abc", "")
		if err != nil {
			t.Fatalf("login with the temporary password: %v", err)
		}
		if !s2.Principal.MustChangePassword {
			t.Error("a reset password need not be changed")
		}
		if got := f.audits(t, "password.reset"); len(got) != 1 || got[0].Username != "sysadmin" || got[0].Object != "user:zhang" {
			t.Errorf("password.reset entries %+v", got)
		}
		if denials := f.audits(t, "user.manage"); len(denials) != 3 {
			t.Errorf("%d user.manage denials audited, want 3: %+v", len(denials), denials)
		}
	})
}

func TestUnlock(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, access.Config{})
		admin := f.addUser(t, "sysadmin", "ga411600-xxtx", false, directory.SysAdmin)
		f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		for range 5 {
			f.login(t, "zhang", "Wrong#2021x", "")
		}
		if err := f.svc.Unlock(ctx, admin, "zhang"); err != nil {
			t.Fatal(err)
		}
		f.mustLogin(t, "zhang", "")
	})
}
