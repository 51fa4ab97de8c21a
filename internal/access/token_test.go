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

func TestAPITokens(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, access.Config{})
		admin := f.addUser(t, "sysadmin", "ga411600-xxtx", false, directory.SysAdmin)
		f.addUser(t, "secadmin", "ga411600-xxtx", false, directory.SecAdmin)
		officer := f.addUser(t, "zhang", "fy411600-zxj", false, directory.CourtOfficer)
		f.addUser(t, "xinyong", "ga411600-xxtx", true, directory.PoliceHandler) // a system account
		if _, err := f.d.Write().ExecContext(context.Background(), `UPDATE users SET system_account = TRUE WHERE username = 'xinyong'`); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.IssueToken(context.Background(), admin, "zhang", "比对接口", time.Time{}); err == nil {
			t.Error("a token was issued for a person's account")
		}

		// Who may issue, and for whom.
		_, err := f.svc.IssueToken(ctx, officer, "xinyong", "比对接口", time.Time{})
		wantCode(t, err, access.CodeDenied, apperr.Forbidden)
		_, err = f.svc.IssueToken(ctx, admin, "secadmin", "比对接口", time.Time{})
		wantCode(t, err, "token.admin", apperr.Invalid)
		_, err = f.svc.IssueToken(ctx, admin, "xinyong", " ", time.Time{})
		wantCode(t, err, "token.label_missing")
		_, err = f.svc.IssueToken(ctx, admin, "xinyong", "比对接口", start.Add(-time.Hour))
		wantCode(t, err, "token.expiry_past")
		_, err = f.svc.IssueToken(ctx, admin, "xinyong", "比对接口", start.Add(400*24*time.Hour))
		wantCode(t, err, "token.expiry_long")

		issued, err := f.svc.IssueToken(ctx, admin, "xinyong", "市公安局失信比对接口", start.Add(30*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if !access.IsAPIToken(issued.Token) || len(issued.Token) != 47 {
			t.Errorf("token %q is not ldt. + 43 characters", issued.Token)
		}
		pr, err := f.svc.Authenticate(ctx, issued.Token, "10.9.9.9")
		if err != nil {
			t.Fatal(err)
		}
		if !pr.ViaToken || pr.Username != "xinyong" || pr.SessionID != "" || pr.MustChangePassword || !pr.CheckCSRF("") {
			t.Errorf("token principal %+v", pr)
		}
		if err := f.svc.Authorize(ctx, pr, access.ActionMatterRead, access.Target{AddressedUnit: "ga411600-xxtx", CaseNumber: "（2024）豫16执1号"}); err != nil {
			t.Errorf("a token principal is held to its roles: %v", err)
		}

		list, err := f.svc.ListTokens(ctx, admin, "xinyong")
		if err != nil || len(list) != 1 {
			t.Fatalf("list = %+v, %v", list, err)
		}
		if got := list[0]; got.Label != "市公安局失信比对接口" || got.CreatedBy != "sysadmin" || !got.LastUsedAt.Equal(start) || got.LastSource != "10.9.9.9" || !got.Live(start) {
			t.Errorf("listed token %+v", got)
		}
		var n int
		if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1 OR label = $1`, issued.Token).Scan(&n); err != nil || n != 0 {
			t.Errorf("token stored in clear (%d, %v)", n, err)
		}
		_, err = f.svc.ListTokens(ctx, officer, "")
		wantCode(t, err, access.CodeDenied)

		// Revoked tokens stop at once; so do expired ones and tokens of
		// users who are disabled or become administrators.
		if err := f.svc.RevokeToken(ctx, admin, issued.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Authenticate(ctx, issued.Token, "")
		wantCode(t, err, "auth.token_invalid", apperr.Unauthorized)
		wantCode(t, f.svc.RevokeToken(ctx, admin, issued.ID), "token.not_found", apperr.NotFound)

		short, err := f.svc.IssueToken(ctx, admin, "xinyong", "临时", start.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(ctx, short.Token, ""); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Hour)
		_, err = f.svc.Authenticate(ctx, short.Token, "")
		wantCode(t, err, "auth.token_invalid")

		live, err := f.svc.IssueToken(ctx, admin, "xinyong", "接口", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if !live.ExpiresAt.Equal(f.clock.Now().Add(access.DefaultTokenMaxLifetime)) {
			t.Errorf("default expiry %v", live.ExpiresAt)
		}
		if err := f.dir.SetActive(ctx, "xinyong", false); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Authenticate(ctx, live.Token, "")
		wantCode(t, err, "auth.token_invalid")

		var actions []string
		for _, e := range f.audits(t, "token.") {
			if e.Action != "token.manage" { // denials, counted below
				actions = append(actions, e.Action+"/"+e.Outcome)
			}
		}
		if got, want := strings.Join(actions, " "), "token.issue/ok token.revoke/ok token.issue/ok token.issue/ok"; got != want {
			t.Errorf("token audit entries %s, want %s", got, want)
		}
		if got := f.audits(t, "token.manage"); len(got) != 2 || got[0].Outcome != "denied" {
			t.Errorf("denials of token.manage %+v, want 2", got)
		}
	})
}

func TestGrantRoles(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, access.Config{})
		admin := f.addUser(t, "sysadmin", "ga411600-xxtx", false, directory.SysAdmin)
		sec := f.addUser(t, "secadmin", "ga411600-xxtx", false, directory.SecAdmin)
		f.addUser(t, "wu", "ga411602", false, directory.PoliceHandler)
		s := f.mustLogin(t, "wu", "")

		tests := []struct {
			name  string
			by    access.Principal
			user  string
			roles []directory.Role
			code  string
		}{
			{"system administrator may not grant", admin, "wu", []directory.Role{directory.PoliceLeader}, access.CodeDenied},
			{"not to oneself", sec, "secadmin", []directory.Role{directory.SecAdmin, directory.Liaison}, access.CodeDenied},
			{"unknown user", sec, "nobody", []directory.Role{directory.PoliceLeader}, "user.not_found"},
			{"court role to a police user", sec, "wu", []directory.Role{directory.CourtOfficer}, "user.role_side"},
			{"two administrator roles", sec, "wu", []directory.Role{directory.SysAdmin, directory.Auditor}, "user.admin_separation"},
			{"administrator and business role", sec, "wu", []directory.Role{directory.Auditor, directory.PoliceHandler}, "user.admin_separation"},
			{"no role", sec, "wu", nil, "user.role_missing"},
			{"unknown role", sec, "wu", []directory.Role{"boss"}, "user.role_unknown"},
			{"leader and liaison", sec, "wu", []directory.Role{directory.PoliceLeader, directory.Liaison, directory.Liaison}, ""},
		}
		for _, tt := range tests {
			err := f.svc.GrantRoles(ctx, tt.by, tt.user, tt.roles)
			if tt.code == "" {
				if err != nil {
					t.Errorf("%s: %v", tt.name, err)
				}
				continue
			}
			if e, ok := apperr.As(err); !ok || e.Code != tt.code {
				t.Errorf("%s: error %v, want %s", tt.name, err, tt.code)
			}
		}
		// The change applies on the next request of the running session.
		pr, err := f.svc.Authenticate(ctx, s.Token, "")
		if err != nil {
			t.Fatal(err)
		}
		if !pr.Has(directory.PoliceLeader) || !pr.Has(directory.Liaison) || pr.Has(directory.PoliceHandler) || len(pr.Roles) != 2 {
			t.Errorf("roles after the grant: %v", pr.Roles)
		}
		grants := f.audits(t, "role.grant")
		var ok, denied int
		for _, e := range grants {
			switch e.Outcome {
			case "ok":
				ok++
				if e.Username != "secadmin" || e.Object != "user:wu" || e.Detail != "from=police_handler to=police_leader,liaison" {
					t.Errorf("grant entry %+v", e)
				}
			case "denied":
				denied++
			}
		}
		if ok != 1 || denied != 2 {
			t.Errorf("role.grant entries: %d ok, %d denied; want 1 and 2", ok, denied)
		}
	})
}
