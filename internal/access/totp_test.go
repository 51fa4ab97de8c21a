package access_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

func TestTOTPEnrolmentAndLogin(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, access.Config{})
		pr := f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)

		en, err := f.svc.BeginTOTP(ctx, pr)
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(en.URL)
		if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("issuer") != "周口执行联动" || u.Query().Get("secret") != en.Secret {
			t.Errorf("otpauth URL %q (%v)", en.URL, err)
		}
		if !strings.Contains(u.Path, "周口执行联动:zhang") {
			t.Errorf("otpauth URL path %q does not name issuer and account", u.Path)
		}
		if !bytes.HasPrefix(en.QRPNG, []byte("\x89PNG\r\n\x1a\n")) {
			t.Error("the QR code is not a PNG")
		}
		// The secret is sealed, never in clear.
		var sealed string
		if err := d.Read().QueryRowContext(ctx, `SELECT secret_sealed FROM user_totp WHERE user_id = $1`, pr.UserID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sealed, en.Secret) || !strings.HasPrefix(sealed, f.ring.CurrentID()+":") {
			t.Errorf("stored secret %q is not sealed", sealed)
		}
		// Not on until confirmed: login needs no code yet.
		f.mustLogin(t, "zhang", "")

		_, err = f.svc.ConfirmTOTP(ctx, pr, "123456x")
		wantCode(t, err, "totp.invalid", apperr.Invalid)
		codes, err := f.svc.ConfirmTOTP(ctx, pr, f.code(t, en.Secret, 0))
		if err != nil {
			t.Fatal(err)
		}
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes, want 10", len(codes))
		}
		_, err = f.svc.BeginTOTP(ctx, pr)
		wantCode(t, err, "totp.already_enabled", apperr.Conflict)

		// Password alone is no longer enough; the page then asks for the code.
		_, err = f.login(t, "zhang", password, "")
		wantCode(t, err, access.CodeTOTPRequired, apperr.Unauthorized)
		// A wrong password with a code is still a wrong password.
		f.clock.Advance(30 * time.Second)
		_, err = f.login(t, "zhang", "Wrong#2021x", f.code(t, en.Secret, 0))
		wantCode(t, err, access.CodeBadCredentials)
		// The code used to confirm was of the previous step: it is spent.
		_, err = f.login(t, "zhang", password, f.code(t, en.Secret, -1))
		wantCode(t, err, access.CodeTOTPInvalid)
		// The current code works once; again within its window it is a replay.
		s := f.mustLogin(t, "zhang", f.code(t, en.Secret, 0))
		if s.Principal.NeedsTOTPSetup {
			t.Error("NeedsTOTPSetup on a non-administrator")
		}
		_, err = f.login(t, "zhang", password, f.code(t, en.Secret, 0))
		wantCode(t, err, access.CodeTOTPInvalid)
		// One step ahead (a phone clock a little fast) is accepted; two are not.
		f.mustLogin(t, "zhang", f.code(t, en.Secret, 1))
		f.clock.Advance(2 * time.Minute)
		_, err = f.login(t, "zhang", password, f.code(t, en.Secret, 2))
		wantCode(t, err, access.CodeTOTPInvalid)
		_, err = f.login(t, "zhang", password, f.code(t, en.Secret, -2))
		wantCode(t, err, access.CodeTOTPInvalid)
		// One step behind (a slow phone) is accepted.
		f.mustLogin(t, "zhang", f.code(t, en.Secret, -1))

		// A recovery code replaces the code once, in any case, with or without the dash.
		s = f.mustLogin(t, "zhang", strings.ToUpper(strings.ReplaceAll(codes[3], "-", "")))
		_, err = f.login(t, "zhang", password, codes[3])
		wantCode(t, err, access.CodeTOTPInvalid)
		st, err := f.svc.TOTPStatus(ctx, s.Principal)
		if err != nil || !st.Enabled || st.RecoveryCodesLeft != 9 || st.Required {
			t.Errorf("status %+v, %v; want enabled, 9 codes left, not required", st, err)
		}
		var stored int
		if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE code_hash = $1 OR code_hash = $2`, codes[0], strings.ReplaceAll(codes[0], "-", "")).Scan(&stored); err != nil || stored != 0 {
			t.Errorf("recovery codes stored in clear (%d, %v)", stored, err)
		}

		// Disabling needs a current code.
		f.clock.Advance(time.Minute)
		wantCode(t, f.svc.DisableTOTP(ctx, pr, "000000"), "totp.invalid", apperr.Invalid)
		if err := f.svc.DisableTOTP(ctx, pr, f.code(t, en.Secret, 0)); err != nil {
			t.Fatal(err)
		}
		f.mustLogin(t, "zhang", "")

		// Audit: begin, enable (one failed, one ok), disable (one failed, one ok).
		var actions []string
		for _, e := range f.audits(t, "totp.") {
			actions = append(actions, e.Action+"/"+e.Outcome)
		}
		want := "totp.begin/ok totp.enable/failed totp.enable/ok totp.disable/failed totp.disable/ok"
		if got := strings.Join(actions, " "); got != want {
			t.Errorf("TOTP audit entries\n got %s\nwant %s", got, want)
		}
		for _, e := range f.audits(t, "session.login") {
			if e.Outcome == "failed" && !strings.HasPrefix(e.Detail, "reason=") {
				t.Errorf("failed login without a reason: %+v", e)
			}
		}
	})
}

// Administrators must have TOTP: without it they may only enrol; they
// cannot turn it off; a reset by the security administrator sends them
// back to enrolment.
func TestAdministratorsMustUseTOTP(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, access.Config{})
		f.addUser(t, "sysadmin", "ga411600-xxtx", false, directory.SysAdmin)
		sec := f.addUser(t, "secadmin", "ga411600-xxtx", false, directory.SecAdmin)
		s := f.mustLogin(t, "sysadmin", "")
		pr := s.Principal
		if !pr.NeedsTOTPSetup {
			t.Fatal("an administrator without TOTP is not sent to enrol")
		}
		wantCode(t, f.svc.Authorize(ctx, pr, access.ActionUserManage, access.Target{Username: "zhang"}), access.CodeTOTPSetupRequired, apperr.Forbidden)

		secret, codes := f.enrol(t, pr)
		pr, err := f.svc.Authenticate(ctx, s.Token, "")
		if err != nil {
			t.Fatal(err)
		}
		if pr.NeedsTOTPSetup {
			t.Error("still NeedsTOTPSetup after enrolment")
		}
		if err := f.svc.Authorize(ctx, pr, access.ActionUserManage, access.Target{Username: "zhang"}); err != nil {
			t.Errorf("after enrolment: %v", err)
		}
		f.clock.Advance(30 * time.Second)
		wantCode(t, f.svc.DisableTOTP(ctx, pr, f.code(t, secret, 0)), "totp.required_for_admin", apperr.Forbidden)
		_, err = f.login(t, "sysadmin", password, "")
		wantCode(t, err, access.CodeTOTPRequired)
		f.mustLogin(t, "sysadmin", f.code(t, secret, 0))

		// New recovery codes need a code and replace the old ones.
		f.clock.Advance(30 * time.Second)
		fresh, err := f.svc.RegenerateRecoveryCodes(ctx, pr, f.code(t, secret, 0))
		if err != nil || len(fresh) != 10 {
			t.Fatalf("regenerate: %d codes, %v", len(fresh), err)
		}
		_, err = f.login(t, "sysadmin", password, codes[0])
		wantCode(t, err, access.CodeTOTPInvalid)
		f.mustLogin(t, "sysadmin", fresh[0])

		// Lost phone: the security administrator resets; the next login
		// needs no code but must enrol again.
		if err := f.svc.ResetTOTP(ctx, sec, "sysadmin"); err != nil {
			t.Fatal(err)
		}
		s = f.mustLogin(t, "sysadmin", "")
		if !s.Principal.NeedsTOTPSetup {
			t.Error("after a reset the administrator is not sent to enrol")
		}
		wantCode(t, f.svc.ResetTOTP(ctx, sec, "secadmin"), access.CodeDenied)
		wantCode(t, f.svc.ResetTOTP(ctx, s.Principal, "secadmin"), access.CodeTOTPSetupRequired)
	})
}
