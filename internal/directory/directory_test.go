package directory_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

const goodPassword = "Zhoukou#2021"

func loaded(t *testing.T, d *db.DB) *directory.Store {
	t.Helper()
	s := directory.NewStore(d)
	if _, err := s.LoadZhoukou(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestZhoukouDirectory(t *testing.T) {
	t.Parallel()
	units, err := directory.ZhoukouUnits()
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]directory.Unit{}
	for _, u := range units {
		byCode[u.Code] = u
	}
	// One intermediate court and ten basic courts, each with its case-number
	// court code, as DOMAIN.md lists them.
	wantCourts := map[string]string{
		"fy411600": "豫16", "fy411602": "豫1602", "fy411603": "豫1603", "fy411621": "豫1621", "fy411622": "豫1622",
		"fy411623": "豫1623", "fy411624": "豫1624", "fy411625": "豫1625", "fy411627": "豫1627", "fy411628": "豫1628", "fy411681": "豫1681",
	}
	courts := 0
	for _, u := range units {
		if u.Type == directory.IntermediateCourt || u.Type == directory.BasicCourt {
			courts++
			if want, ok := wantCourts[u.Code]; !ok || u.CourtCode != want {
				t.Errorf("court %s %s has court code %q, want %q", u.Code, u.Name, u.CourtCode, want)
			}
			if _, ok := byCode[u.Code+"-zxj"]; !ok {
				t.Errorf("court %s has no enforcement bureau", u.Code)
			}
		}
	}
	if courts != 11 {
		t.Errorf("%d courts, want 11", courts)
	}
	// S-ORG: the two liaison departments are exactly these.
	var liaison []string
	for _, u := range units {
		if u.LiaisonDepartment {
			liaison = append(liaison, u.Code)
		}
	}
	slices.Sort(liaison)
	if want := []string{"fy411600-zxj", "ga411600-xxtx"}; !slices.Equal(liaison, want) {
		t.Errorf("liaison departments %v, want %v", liaison, want)
	}
	// Every workflow's addressee exists at city level.
	for _, typ := range []directory.UnitType{directory.VehicleAdmin, directory.ExitEntryAdmin, directory.DetentionCenter, directory.Jail, directory.CommandCenter, directory.CriminalInvestigation} {
		found := false
		for _, u := range units {
			if u.Type == typ && u.Division == "411600" {
				found = true
			}
		}
		if !found {
			t.Errorf("no city-level unit of type %s", typ)
		}
	}
}

func TestLoadZhoukouIsIdempotentAndBuildsTheTree(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := directory.NewStore(d)
		n, err := s.LoadZhoukou(ctx)
		if err != nil {
			t.Fatal(err)
		}
		units, _ := directory.ZhoukouUnits()
		if n != len(units) {
			t.Errorf("first load added %d units, want %d", n, len(units))
		}
		if n, err = s.LoadZhoukou(ctx); err != nil || n != 0 {
			t.Errorf("second load added %d, %v; want 0, nil", n, err)
		}
		sub, err := s.Subtree(ctx, "fy411600")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"fy411600", "fy411600-zxj", "fy411602", "fy411602-zxj", "fy411681"} {
			if !slices.Contains(sub, want) {
				t.Errorf("subtree of fy411600 lacks %s", want)
			}
		}
		if slices.Contains(sub, "ga411600") {
			t.Error("court subtree contains a police unit")
		}
		sub, _ = s.Subtree(ctx, "fy411602")
		if slices.Contains(sub, "fy411600") || slices.Contains(sub, "fy411621") {
			t.Errorf("a basic court's subtree reaches above or beside it: %v", sub)
		}
		u, err := s.FindUnit(ctx, "周口市公安局交通管理支队车辆管理所")
		if err != nil || u.Type != directory.VehicleAdmin {
			t.Errorf("FindUnit by name = %+v, %v", u, err)
		}
		if _, err := s.FindUnit(ctx, "不存在的单位"); !apperr.IsNotFound(err) {
			t.Errorf("FindUnit of an unknown unit: %v, want NotFound", err)
		}
	})
}

func TestAddUserRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := loaded(t, d)
		tests := []struct {
			name     string
			nu       directory.NewUser
			wantCode string
		}{
			{"officer", directory.NewUser{Username: "Zy-Officer", Unit: "fy411600-zxj", Roles: []directory.Role{directory.CourtOfficer}, Password: goodPassword}, ""},
			{"taken", directory.NewUser{Username: "zy-officer", Unit: "fy411600-zxj", Roles: []directory.Role{directory.CourtOfficer}, Password: goodPassword}, "user.username_taken"},
			{"bad username", directory.NewUser{Username: "张三", Unit: "fy411600", Roles: []directory.Role{directory.CourtOfficer}, Password: goodPassword}, "user.username_format"},
			{"unknown unit", directory.NewUser{Username: "nobody", Unit: "fy999999", Roles: []directory.Role{directory.CourtOfficer}, Password: goodPassword}, "unit.not_found"},
			{"court role in police unit", directory.NewUser{Username: "wrongside", Unit: "ga411600", Roles: []directory.Role{directory.CourtOfficer}, Password: goodPassword}, "user.role_side"},
			{"no role yet", directory.NewUser{Username: "norole", Unit: "ga411600", Password: goodPassword}, ""},
			{"long name", directory.NewUser{Username: "longname", DisplayName: strings.Repeat("张", 65), Unit: "ga411600", Password: goodPassword}, "user.name_format"},
			{"bad utf-8", directory.NewUser{Username: "badutf", DisplayName: "\xff\xfe", Unit: "ga411600", Password: goodPassword}, "user.name_format"},
			{"two admins", directory.NewUser{Username: "superuser", Unit: "ga411600-xxtx", Roles: []directory.Role{directory.SysAdmin, directory.Auditor}, Password: goodPassword}, "user.admin_separation"},
			{"admin and business", directory.NewUser{Username: "mixed", Unit: "ga411600", Roles: []directory.Role{directory.SecAdmin, directory.PoliceHandler}, Password: goodPassword}, "user.admin_separation"},
			{"short password", directory.NewUser{Username: "shortpw", Unit: "ga411600", Roles: []directory.Role{directory.PoliceHandler}, Password: "Ab1!"}, "password.too_short"},
			{"two classes", directory.NewUser{Username: "weakpw", Unit: "ga411600", Roles: []directory.Role{directory.PoliceHandler}, Password: "abcdefgh12"}, "password.classes"},
			{"contains username", directory.NewUser{Username: "wang", Unit: "ga411600", Roles: []directory.Role{directory.PoliceHandler}, Password: "Wang#20210"}, "password.contains_username"},
			{"liaison and handler", directory.NewUser{Username: "ga-liaison", Unit: "ga411600-xxtx", Roles: []directory.Role{directory.Liaison, directory.PoliceHandler}, Password: goodPassword}, ""},
		}
		for _, tt := range tests {
			_, err := s.AddUser(ctx, tt.nu)
			if tt.wantCode == "" {
				if err != nil {
					t.Errorf("%s: %v", tt.name, err)
				}
				continue
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != tt.wantCode || e.Message == "" {
				t.Errorf("%s: err = %v, want code %s", tt.name, err, tt.wantCode)
			}
		}
		u, err := s.UserByUsername(ctx, "ZY-OFFICER")
		if err != nil {
			t.Fatal(err)
		}
		if u.UnitCode != "fy411600-zxj" || !u.Has(directory.CourtOfficer) || !u.Active {
			t.Errorf("stored user %+v", u)
		}
		if ok, err := directory.VerifyPassword(u.PasswordHash, goodPassword); !ok || err != nil {
			t.Errorf("stored hash does not verify the password: %v", err)
		}
		if ok, _ := directory.VerifyPassword(u.PasswordHash, goodPassword+"x"); ok {
			t.Error("stored hash verifies a wrong password")
		}
	})
}

func TestDisableAndPasswordChange(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := loaded(t, d)
		if _, err := s.AddUser(ctx, directory.NewUser{Username: "cgs-handler", Unit: "ga411600-jj-cgs", Roles: []directory.Role{directory.PoliceHandler}, Password: goodPassword, MustChangePassword: true}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetActive(ctx, "cgs-handler", false); err != nil {
			t.Fatal(err)
		}
		active, err := s.Users(ctx, directory.UserFilter{ActiveOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(active) != 0 {
			t.Errorf("active users after disabling the only one: %d", len(active))
		}
		if err := s.SetPassword(ctx, "cgs-handler", "New#Password9", false); err != nil {
			t.Fatal(err)
		}
		u, _ := s.UserByUsername(ctx, "cgs-handler")
		if ok, _ := directory.VerifyPassword(u.PasswordHash, "New#Password9"); !ok || u.MustChangePassword {
			t.Errorf("after SetPassword: verifies=%v mustChange=%v", ok, u.MustChangePassword)
		}
		if err := s.SetPassword(ctx, "cgs-handler", "weak", false); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("weak password accepted: %v", err)
		}
		if err := s.SetActive(ctx, "ghost", true); !apperr.IsNotFound(err) {
			t.Errorf("SetActive on a missing user: %v", err)
		}
	})
}

func TestLiaisonOfficers(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := loaded(t, d)
		for _, name := range []string{"liaison-a", "liaison-b"} {
			if _, err := s.AddUser(ctx, directory.NewUser{Username: name, Unit: "ga411600-xxtx", Roles: []directory.Role{directory.Liaison}, Password: goodPassword}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetLiaison(ctx, "ga411600-xxtx", "liaison-a", "0394-1234567"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetLiaison(ctx, "ga411600-xxtx", "liaison-b", "0394-7654321"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetLiaison(ctx, "fy411600-zxj", "liaison-a", ""); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("liaison of another unit accepted: %v", err)
		}
		ls, err := s.Liaisons(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) != 1 || ls[0].Username != "liaison-b" || ls[0].OfficePhone != "0394-7654321" {
			t.Errorf("current liaisons %+v, want only liaison-b", ls)
		}
	})
}

func TestParseRole(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"court_officer", "执行法官"} {
		if r, err := directory.ParseRole(in); err != nil || r != directory.CourtOfficer {
			t.Errorf("ParseRole(%q) = %q, %v", in, r, err)
		}
	}
	if _, err := directory.ParseRole("god"); err == nil {
		t.Error("ParseRole(god) succeeded")
	}
}
