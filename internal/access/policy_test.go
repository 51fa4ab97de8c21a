package access_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

const caseNo = "（2024）豫16执100号"

func principal(username, unit string, roles ...directory.Role) access.Principal {
	return access.Principal{UserID: 1, Username: username, UnitCode: unit, Roles: roles}
}

func policyOn(t *testing.T, d *db.DB) *access.Policy {
	t.Helper()
	dir := directory.NewStore(d)
	if _, err := dir.LoadZhoukou(context.Background()); err != nil {
		t.Fatal(err)
	}
	return access.NewPolicy(dir, access.Config{})
}

// The scenarios the seed and the brief name, each decided by the table.
func TestPolicyScenarios(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		p := policyOn(t, d)
		ctx := context.Background()
		var (
			zyOfficer  = principal("zy-officer", "fy411600-zxj", directory.CourtOfficer)
			zyLeader   = principal("zy-leader", "fy411600-zxj", directory.CourtLeader, directory.Liaison)
			chOfficer  = principal("ch-officer", "fy411602-zxj", directory.CourtOfficer)
			chLeader   = principal("ch-leader", "fy411602-zxj", directory.CourtLeader)
			president  = principal("zy-president", "fy411600", directory.CourtPresident)
			judPolice  = principal("zy-police", "fy411600", directory.JudicialPolice)
			chPolice   = principal("ch-police", "ga411602", directory.PoliceHandler)
			xcPolice   = principal("xc-police", "ga411681", directory.PoliceHandler)
			cityLeader = principal("gaj-leader", "ga411600", directory.PoliceLeader)
			chPLeader  = principal("ch-pleader", "ga411602", directory.PoliceLeader)
			sysAdmin   = principal("sysadmin", "ga411600-xxtx", directory.SysAdmin)
			secAdmin   = principal("secadmin", "ga411600-xxtx", directory.SecAdmin)
			auditor    = principal("auditor", "fy411600", directory.Auditor)
			liaison    = principal("xxtx-liaison", "ga411600-xxtx", directory.Liaison)
		)
		matter := func(req, addr string) access.Target {
			return access.Target{RequestingUnit: req, AddressedUnit: addr, CaseNumber: caseNo}
		}
		tests := []struct {
			name string
			pr   access.Principal
			a    access.Action
			t    access.Target
			code string // "" = allowed
		}{
			// Courts: one's own court; leaders also the courts under it.
			{"officer acts on a matter of his court (filed by the court)", zyOfficer, access.ActionMatterAct, matter("fy411600", "ga411602"), ""},
			{"officer acts on a matter of his court (filed by the bureau)", zyOfficer, access.ActionMatterAct, matter("fy411600-zxj", "ga411602"), ""},
			{"officer may not act on a basic court's matter", zyOfficer, access.ActionMatterAct, matter("fy411602", "ga411602"), access.CodeDenied},
			{"officer may not read a basic court's matter", zyOfficer, access.ActionMatterRead, matter("fy411602-zxj", "ga411602"), access.CodeDenied},
			{"basic court officer: own court", chOfficer, access.ActionMatterRead, matter("fy411602-zxj", "ga411602"), ""},
			{"basic court officer: not the intermediate court", chOfficer, access.ActionMatterRead, matter("fy411600-zxj", "ga411602"), access.CodeDenied},
			{"basic court officer: not a sibling court", chOfficer, access.ActionMatterRead, matter("fy411681-zxj", "ga411681"), access.CodeDenied},
			{"intermediate court leader sees a basic court's matter", zyLeader, access.ActionMatterRead, matter("fy411602", "ga411602"), ""},
			{"intermediate court leader acts on it", zyLeader, access.ActionMatterAct, matter("fy411602-zxj", "ga411602"), ""},
			{"basic court leader does not see the intermediate court's", chLeader, access.ActionMatterRead, matter("fy411600-zxj", "ga411602"), access.CodeDenied},
			{"basic court leader does not see a sibling's", chLeader, access.ActionMatterRead, matter("fy411681", "ga411681"), access.CodeDenied},
			{"president approves a basic court's detention", president, access.ActionMatterAct, matter("fy411628-zxj", "ga411628"), ""},
			{"judicial police: own court", judPolice, access.ActionMatterAct, matter("fy411600-zxj", "ga411600-jls"), ""},
			{"judicial police: not a basic court", judPolice, access.ActionMatterAct, matter("fy411602-zxj", "ga411600-jls"), access.CodeDenied},
			{"court asked to receive a vehicle for another court (S-VEH-5)", chOfficer, access.ActionMatterAct, matter("fy411681-zxj", "fy411602-zxj"), ""},
			{"officer files for his court", zyOfficer, access.ActionMatterCreate, matter("fy411600-zxj", "ga411602"), ""},
			{"officer may not file in another court's name", zyOfficer, access.ActionMatterCreate, matter("fy411602-zxj", "ga411602"), access.CodeDenied},
			{"police may not file", chPolice, access.ActionMatterCreate, matter("fy411602-zxj", "ga411602"), access.CodeDenied},

			// Police: what is addressed to the unit; leaders also below it.
			{"police handler acts on what is addressed to his unit", chPolice, access.ActionMatterAct, matter("fy411602-zxj", "ga411602"), ""},
			{"police handler: not another county's", chPolice, access.ActionMatterAct, matter("fy411602-zxj", "ga411681"), access.CodeDenied},
			{"police handler: not his sub-units'", chPolice, access.ActionMatterRead, matter("fy411602-zxj", "ga411602-xz"), access.CodeDenied},
			{"xc handler: his own county", xcPolice, access.ActionMatterRead, matter("fy411681-zxj", "ga411681"), ""},
			{"city bureau leader sees a county's", cityLeader, access.ActionMatterRead, matter("fy411602-zxj", "ga411602"), ""},
			{"city bureau leader sees a county's sub-unit's", cityLeader, access.ActionMatterRead, matter("fy411602-zxj", "ga411602-xz"), ""},
			{"county leader: his own and below", chPLeader, access.ActionMatterAct, matter("fy411602-zxj", "ga411602-zhzx"), ""},
			{"county leader: not the city bureau's", chPLeader, access.ActionMatterRead, matter("fy411600-zxj", "ga411600"), access.CodeDenied},
			{"police never reach matters by the requesting court", chPolice, access.ActionMatterRead, matter("fy411602-zxj", ""), access.CodeDenied},

			// Full identity numbers.
			{"officer reveals on his court's matter", zyOfficer, access.ActionPIIReveal, matter("fy411600-zxj", "ga411602"), ""},
			{"handler reveals on a matter addressed to him", chPolice, access.ActionPIIReveal, matter("fy411602-zxj", "ga411602"), ""},
			{"police leader does not reveal", cityLeader, access.ActionPIIReveal, matter("fy411602-zxj", "ga411600"), access.CodeDenied},
			{"judicial police do not reveal", judPolice, access.ActionPIIReveal, matter("fy411600-zxj", "ga411602"), access.CodeDenied},

			// Purpose: no case number, no personal data (S-SEC-2).
			{"read without a case number", zyOfficer, access.ActionMatterRead, access.Target{RequestingUnit: "fy411600-zxj"}, access.CodePurposeRequired},
			{"reveal without a case number", chPolice, access.ActionPIIReveal, access.Target{AddressedUnit: "ga411602", CaseNumber: "  "}, access.CodePurposeRequired},
			{"act without a case number", chPolice, access.ActionMatterAct, access.Target{AddressedUnit: "ga411602"}, access.CodePurposeRequired},

			// The three separated administrators.
			{"system administrator may not read matters", sysAdmin, access.ActionMatterRead, matter("fy411600-zxj", "ga411602"), access.CodeDenied},
			{"system administrator may not read the audit log", sysAdmin, access.ActionAuditRead, access.Target{}, access.CodeDenied},
			{"system administrator manages users", sysAdmin, access.ActionUserManage, access.Target{Username: "zhang", UnitCode: "fy411600-zxj"}, ""},
			{"system administrator manages units", sysAdmin, access.ActionUnitManage, access.Target{UnitCode: "fy411602"}, ""},
			{"system administrator may not grant roles", sysAdmin, access.ActionRoleGrant, access.Target{Username: "zhang"}, access.CodeDenied},
			{"system administrator may not manage himself", sysAdmin, access.ActionUserManage, access.Target{Username: "sysadmin"}, access.CodeDenied},
			{"security administrator grants roles", secAdmin, access.ActionRoleGrant, access.Target{Username: "zhang"}, ""},
			{"security administrator not to himself", secAdmin, access.ActionRoleGrant, access.Target{Username: "SecAdmin"}, access.CodeDenied},
			{"security administrator may not manage users", secAdmin, access.ActionUserManage, access.Target{Username: "zhang"}, access.CodeDenied},
			{"security administrator may not read the audit log", secAdmin, access.ActionAuditRead, access.Target{}, access.CodeDenied},
			{"security administrator may not read matters", secAdmin, access.ActionMatterRead, matter("fy411600-zxj", "ga411602"), access.CodeDenied},
			{"auditor reads the audit log", auditor, access.ActionAuditRead, access.Target{}, ""},
			{"auditor exports the audit log", auditor, access.ActionAuditExport, access.Target{}, ""},
			{"auditor may not manage users", auditor, access.ActionUserManage, access.Target{Username: "zhang"}, access.CodeDenied},
			{"auditor may not read matters", auditor, access.ActionMatterRead, matter("fy411600", "ga411602"), access.CodeDenied},
			{"auditor may not read the unit directory", auditor, access.ActionUnitRead, access.Target{}, access.CodeDenied},
			{"officer may not export the audit log", zyOfficer, access.ActionAuditExport, access.Target{}, access.CodeDenied},

			// Users and units.
			{"leader sees the people of a unit below", cityLeader, access.ActionUserRead, access.Target{UnitCode: "ga411602-xz"}, ""},
			{"leader does not see a unit beside", chPLeader, access.ActionUserRead, access.Target{UnitCode: "ga411681"}, access.CodeDenied},
			{"leader: no unit named, no answer", chPLeader, access.ActionUserRead, access.Target{}, access.CodeDenied},
			{"officer does not list users", zyOfficer, access.ActionUserRead, access.Target{UnitCode: "fy411600-zxj"}, access.CodeDenied},
			{"everyone sees the unit directory", chPolice, access.ActionUnitRead, access.Target{}, ""},
			{"liaison officer reads liaison work", liaison, access.ActionLiaisonRead, access.Target{}, ""},
			{"liaison role alone reads no matter", liaison, access.ActionMatterRead, matter("fy411600", "ga411600-xxtx"), access.CodeDenied},
			{"self on oneself", chPolice, access.ActionSelf, access.Target{Username: "ch-police"}, ""},
			{"self on another", chPolice, access.ActionSelf, access.Target{Username: "xc-police"}, access.CodeDenied},
			{"unknown action", zyOfficer, access.Action("matter.delete"), matter("fy411600", "ga411602"), access.CodeDenied},
			{"no roles", principal("nobody", "fy411600"), access.ActionUnitRead, access.Target{}, access.CodeDenied},
		}
		for _, tt := range tests {
			err := p.Check(ctx, tt.pr, tt.a, tt.t)
			if tt.code == "" {
				if err != nil {
					t.Errorf("%s: %v", tt.name, err)
				}
				continue
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != tt.code || e.Kind != apperr.Forbidden {
				t.Errorf("%s: %v, want Forbidden %s", tt.name, err, tt.code)
				continue
			}
			if info, _ := tt.a.Info(); tt.code == access.CodeDenied && info.Label != "" && !strings.Contains(e.Message, info.Label) {
				t.Errorf("%s: message %q does not name %q", tt.name, e.Message, info.Label)
			}
			if p.Can(ctx, tt.pr, tt.a, tt.t) {
				t.Errorf("%s: Can disagrees with Check", tt.name)
			}
		}
		// Anonymous principals are unauthenticated, not merely forbidden.
		if e, ok := apperr.As(p.Check(ctx, access.Principal{}, access.ActionSelf, access.Target{})); !ok || e.Kind != apperr.Unauthorized {
			t.Errorf("anonymous: %v", e)
		}
	})
}

// scopeProbe gives, for a rule's scope, a unit where a principal with the
// role sits, a target inside the scope, and one outside it ("" when every
// target is inside).
func scopeProbe(r access.Rule) (unit string, in, out *access.Target) {
	ri, _ := r.Role.Info()
	unit = "fy411600"
	switch {
	case ri.Side == "police":
		unit = "ga411602"
	case r.Scope == access.ScopeCourtTree:
		unit = "fy411602-zxj" // a basic court: the intermediate court is outside
	case ri.Side == "court":
		unit = "fy411600-zxj"
	}
	withCase := func(t access.Target) *access.Target { t.CaseNumber = caseNo; return &t }
	switch r.Scope {
	case access.ScopeSelf:
		return unit, withCase(access.Target{Username: "probe"}), withCase(access.Target{Username: "other"})
	case access.ScopeOthers:
		return unit, withCase(access.Target{Username: "other"}), withCase(access.Target{Username: "probe"})
	case access.ScopeAll:
		return unit, withCase(access.Target{UnitCode: "ga411681", RequestingUnit: "fy411681", AddressedUnit: "ga411681", Username: "other"}), nil
	case access.ScopeOwnUnit:
		return unit, withCase(access.Target{UnitCode: unit}), withCase(access.Target{UnitCode: "ga411681"})
	case access.ScopeSubtree:
		if strings.HasPrefix(unit, "ga") {
			return unit, withCase(access.Target{UnitCode: "ga411602-xz"}), withCase(access.Target{UnitCode: "ga411681"})
		}
		return unit, withCase(access.Target{UnitCode: unit}), withCase(access.Target{UnitCode: "fy411681-zxj"})
	case access.ScopeOwnCourt:
		return unit, withCase(access.Target{RequestingUnit: "fy411600", AddressedUnit: "ga411602"}), withCase(access.Target{RequestingUnit: "fy411602-zxj", AddressedUnit: "ga411602"})
	case access.ScopeCourtTree:
		return unit, withCase(access.Target{RequestingUnit: "fy411602", AddressedUnit: "ga411602"}), withCase(access.Target{RequestingUnit: "fy411600-zxj", AddressedUnit: "ga411602"})
	case access.ScopeAddressed:
		return unit, withCase(access.Target{RequestingUnit: "fy411602-zxj", AddressedUnit: unit}), withCase(access.Target{RequestingUnit: "fy411602-zxj", AddressedUnit: "ga411602-xz"})
	case access.ScopeTrafficPolice: // the principal's unit decides, not the target
		return "ga411600-jj-cgs", withCase(access.Target{}), nil
	case access.ScopeSystem: // the principal's API token decides (TestPolicySystemScope), not the target
		return unit, withCase(access.Target{}), nil
	case access.ScopeAddressedTree:
		return unit, withCase(access.Target{RequestingUnit: "fy411602-zxj", AddressedUnit: "ga411602-xz"}), withCase(access.Target{RequestingUnit: "fy411602-zxj", AddressedUnit: "ga411681"})
	}
	return unit, nil, nil
}

// Every row of the table: allowed inside its scope, refused outside it,
// and refused for every role that has no row for the action.
func TestPolicyEveryRule(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		p := policyOn(t, d)
		ctx := context.Background()
		rules := access.Rules()
		for _, r := range rules {
			unit, in, out := scopeProbe(r)
			if in == nil {
				t.Errorf("rule %+v: scope %q has no probe", r, r.Scope)
				continue
			}
			pr := principal("probe", unit, r.Role)
			pr.ViaToken = r.Scope == access.ScopeSystem
			if err := p.Check(ctx, pr, r.Action, *in); err != nil {
				t.Errorf("%s %s %s (%s): refused inside the scope %+v: %v", r.Role, r.Action, r.Scope, r.Clause, *in, err)
			}
			if out != nil {
				if err := p.Check(ctx, pr, r.Action, *out); err == nil {
					t.Errorf("%s %s %s: allowed outside the scope %+v", r.Role, r.Action, r.Scope, *out)
				}
			}
		}
		// Role × action with no row: refused, whatever the target.
		for _, ri := range directory.Roles() {
			for _, ai := range access.Actions() {
				if slices.ContainsFunc(rules, func(r access.Rule) bool { return r.Role == ri.Role && r.Action == ai.Action }) {
					continue
				}
				pr := principal("probe", "fy411600-zxj", ri.Role)
				if ri.Side == "police" {
					pr.UnitCode = "ga411602"
				}
				t2 := access.Target{UnitCode: pr.UnitCode, RequestingUnit: pr.UnitCode, AddressedUnit: pr.UnitCode, CaseNumber: caseNo, Username: "other"}
				if err := p.Check(ctx, pr, ai.Action, t2); err == nil {
					t.Errorf("%s may %s with no rule granting it", ri.Role, ai.Action)
				}
			}
		}
	})
}

// The table itself: every action has a rule, every row names known roles,
// actions, scopes and a clause, no row repeats, and the three
// administrators stay separated.
func TestPolicyTableShape(t *testing.T) {
	t.Parallel()
	rules := access.Rules()
	seen := map[string]bool{}
	for _, r := range rules {
		key := string(r.Role) + "|" + string(r.Action)
		if seen[key] {
			t.Errorf("two rows for %s %s", r.Role, r.Action)
		}
		seen[key] = true
		if _, ok := r.Role.Info(); !ok {
			t.Errorf("rule names unknown role %q", r.Role)
		}
		if _, ok := r.Action.Info(); !ok {
			t.Errorf("rule names unknown action %q", r.Action)
		}
		if r.Scope.Label() == string(r.Scope) {
			t.Errorf("rule %s %s has unknown scope %q", r.Role, r.Action, r.Scope)
		}
		if r.Clause == "" || r.Note == "" {
			t.Errorf("rule %s %s lacks its clause or note", r.Role, r.Action)
		}
		ri, _ := r.Role.Info()
		switch {
		case ri.Admin && strings.HasPrefix(string(r.Action), "matter."),
			ri.Admin && (r.Action == access.ActionPIIReveal || strings.HasPrefix(string(r.Action), "doc.")),
			r.Role != directory.Auditor && strings.HasPrefix(string(r.Action), "audit."),
			r.Role == directory.Auditor && r.Action != access.ActionSelf && !strings.HasPrefix(string(r.Action), "audit."):
			t.Errorf("rule %s %s breaks the separation of administrators", r.Role, r.Action)
		}
	}
	for _, ai := range access.Actions() {
		if !slices.ContainsFunc(rules, func(r access.Rule) bool { return r.Action == ai.Action }) {
			t.Errorf("no rule grants %s", ai.Action)
		}
	}
	for _, ri := range directory.Roles() {
		if !seen[string(ri.Role)+"|self"] {
			t.Errorf("role %s cannot manage its own account", ri.Role)
		}
	}
	// Each role that needs full identity numbers has them; no other does.
	var reveal []string
	for _, r := range rules {
		if r.Action == access.ActionPIIReveal {
			reveal = append(reveal, string(r.Role))
		}
	}
	slices.Sort(reveal)
	if got := strings.Join(reveal, ","); got != "court_leader,court_officer,police_handler" {
		t.Errorf("pii.reveal granted to %s", got)
	}
}

func TestMatterScope(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		p := policyOn(t, d)
		ctx := context.Background()
		tests := []struct {
			name    string
			pr      access.Principal
			in, out [][2]string // requesting, addressed
			code    string
		}{
			{"intermediate court officer", principal("a", "fy411600-zxj", directory.CourtOfficer),
				[][2]string{{"fy411600", "ga411602"}, {"fy411600-zxj", "ga411681"}}, [][2]string{{"fy411602-zxj", "ga411602"}}, ""},
			{"intermediate court leader", principal("a", "fy411600-zxj", directory.CourtLeader),
				[][2]string{{"fy411600", "ga411602"}, {"fy411602-zxj", "ga411602"}, {"fy411681", "ga411681"}}, nil, ""},
			{"basic court leader", principal("a", "fy411602-zxj", directory.CourtLeader),
				[][2]string{{"fy411602", "ga411602"}}, [][2]string{{"fy411600-zxj", "ga411602"}, {"fy411681", "ga411681"}}, ""},
			{"county handler", principal("a", "ga411602", directory.PoliceHandler),
				[][2]string{{"fy411681", "ga411602"}}, [][2]string{{"fy411602", "ga411602-xz"}, {"fy411602", "ga411681"}}, ""},
			{"city leader", principal("a", "ga411600", directory.PoliceLeader),
				[][2]string{{"fy411681", "ga411602"}, {"fy411602", "ga411602-xz"}, {"fy411600", "ga411600-jls"}}, nil, ""},
			{"system administrator", principal("a", "ga411600-xxtx", directory.SysAdmin), nil, nil, access.CodeDenied},
			{"must change password", access.Principal{Username: "a", UnitCode: "ga411602", Roles: []directory.Role{directory.PoliceHandler}, MustChangePassword: true},
				nil, nil, access.CodePasswordChangeRequired},
		}
		for _, tt := range tests {
			ms, err := p.MatterScope(ctx, tt.pr, access.ActionMatterRead)
			if tt.code != "" {
				if e, ok := apperr.As(err); !ok || e.Code != tt.code {
					t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			for _, m := range tt.in {
				if !ms.Contains(m[0], m[1]) {
					t.Errorf("%s: scope lacks %v", tt.name, m)
				}
				// The list agrees with the per-matter check.
				if err := p.Check(ctx, tt.pr, access.ActionMatterRead, access.Target{RequestingUnit: m[0], AddressedUnit: m[1], CaseNumber: caseNo}); err != nil {
					t.Errorf("%s: scope has %v but Check refuses: %v", tt.name, m, err)
				}
			}
			for _, m := range tt.out {
				if ms.Contains(m[0], m[1]) {
					t.Errorf("%s: scope has %v", tt.name, m)
				}
			}
		}
		if _, err := p.MatterScope(ctx, principal("a", "fy411600", directory.CourtOfficer), access.ActionUnitRead); err == nil {
			t.Error("MatterScope of a non-matter action")
		}
	})
}

// A unit added after the tree was cached is found: an unknown code forces
// a reload (at most every few seconds), and Invalidate forces one at once.
func TestPolicyTreeCache(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dir := directory.NewStore(d)
		if _, err := dir.LoadZhoukou(ctx); err != nil {
			t.Fatal(err)
		}
		p := access.NewPolicy(dir, access.Config{})
		leader := principal("a", "ga411602", directory.PoliceLeader)
		target := access.Target{UnitCode: "ga411602-jjdd"}
		if err := p.Check(ctx, leader, access.ActionUserRead, target); err == nil {
			t.Fatal("a unit that does not exist is in scope")
		}
		if err := dir.AddUnit(ctx, directory.Unit{Code: "ga411602-jjdd", Name: "周口市公安局川汇分局交警大队", Side: "police", Type: directory.TrafficPolice, ParentCode: "ga411602", Division: "411602"}); err != nil {
			t.Fatal(err)
		}
		p.Invalidate()
		if err := p.Check(ctx, leader, access.ActionUserRead, target); err != nil {
			t.Errorf("new unit after Invalidate: %v", err)
		}
	})
}

// ScopeSystem rows hold for a system account calling with its API token
// and never for the same role in a session.
func TestPolicySystemScope(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		p := policyOn(t, d)
		ctx := context.Background()
		for _, r := range access.Rules() {
			if r.Scope != access.ScopeSystem {
				continue
			}
			unit, _, _ := scopeProbe(r)
			pr := principal("probe", unit, r.Role)
			if p.Can(ctx, pr, r.Action, access.Target{}) {
				t.Errorf("%s %s: allowed in a session, want only with an API token", r.Role, r.Action)
			}
			pr.ViaToken = true
			if !p.Can(ctx, pr, r.Action, access.Target{}) {
				t.Errorf("%s %s: refused with an API token", r.Role, r.Action)
			}
		}
	})
}
