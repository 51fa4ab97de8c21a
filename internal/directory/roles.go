package directory

import (
	"fmt"
	"strings"

	"liandong/internal/apperr"
)

// Role is what a user may do; the permission policy (internal/access) maps
// roles to actions. The three administrators are separated as graded
// protection level 3 requires (GB/T 22239-2019): system, security and audit.
type Role string

const (
	CourtOfficer   Role = "court_officer"   // 执行法官/执行员: files and follows requests
	CourtLeader    Role = "court_leader"    // 执行局领导: approves, sees the court and units under it
	CourtPresident Role = "court_president" // 院长/副院长: approves detention and fines
	JudicialPolice Role = "judicial_police" // 司法警察: delivers people to detention, field work
	PoliceHandler  Role = "police_handler"  // 公安承办民警: acts on matters addressed to the unit
	PoliceLeader   Role = "police_leader"   // 公安领导: sees the unit and units under it
	Liaison        Role = "liaison"         // 联络员 (S-ORG): joint meetings, link incidents
	SysAdmin       Role = "sys_admin"       // 系统管理员: units and users, no matters, no audit
	SecAdmin       Role = "sec_admin"       // 安全管理员: grants roles, security settings
	Auditor        Role = "auditor"         // 安全审计员: reads the audit log and nothing else
)

// RoleInfo describes a role for people and for checks.
type RoleInfo struct {
	Role  Role
	Label string
	// Side is the side whose units may hold the role: "court", "police", or
	// "" for roles any unit may hold (liaison officers and administrators).
	Side  string
	Admin bool
}

var roleTable = []RoleInfo{
	{CourtOfficer, "执行法官", "court", false},
	{CourtLeader, "执行局领导", "court", false},
	{CourtPresident, "院领导", "court", false},
	{JudicialPolice, "司法警察", "court", false},
	{PoliceHandler, "承办民警", "police", false},
	{PoliceLeader, "公安领导", "police", false},
	{Liaison, "联络员", "", false},
	{SysAdmin, "系统管理员", "", true},
	{SecAdmin, "安全管理员", "", true},
	{Auditor, "安全审计员", "", true},
}

// Roles lists every role in display order.
func Roles() []RoleInfo { return append([]RoleInfo(nil), roleTable...) }

// Info returns the description of r.
func (r Role) Info() (RoleInfo, bool) {
	for _, ri := range roleTable {
		if ri.Role == r {
			return ri, true
		}
	}
	return RoleInfo{}, false
}

// Label is the Chinese name of r.
func (r Role) Label() string {
	if ri, ok := r.Info(); ok {
		return ri.Label
	}
	return string(r)
}

// ParseRole accepts a role's code or its Chinese label.
func ParseRole(s string) (Role, error) {
	s = strings.TrimSpace(s)
	for _, ri := range roleTable {
		if string(ri.Role) == s || ri.Label == s {
			return ri.Role, nil
		}
	}
	codes := make([]string, len(roleTable))
	for i, ri := range roleTable {
		codes[i] = fmt.Sprintf("%s(%s)", ri.Role, ri.Label)
	}
	return "", apperr.Invalidf("role", "user.role_unknown", "未知角色“%s”，可选：%s", s, strings.Join(codes, "、"))
}

// CheckRoles enforces that roles (possibly none: an account waiting for the
// security administrator to grant roles) fit the unit's side and that no user holds
// two of the separated administrator roles, or an administrator role beside
// a business role.
func CheckRoles(roles []Role, side string) error {
	admins, business := 0, 0
	seen := map[Role]bool{}
	for _, r := range roles {
		ri, ok := r.Info()
		if !ok {
			_, err := ParseRole(string(r))
			return err
		}
		if seen[r] {
			continue
		}
		seen[r] = true
		if ri.Side != "" && ri.Side != side {
			return apperr.Invalidf("role", "user.role_side", "角色“%s”只能授予%s单位的用户", ri.Label, sideLabel(ri.Side))
		}
		if ri.Admin {
			admins++
		} else if r != Liaison {
			business++
		}
	}
	if admins > 1 {
		return apperr.Invalidf("role", "user.admin_separation", "系统管理员、安全管理员、安全审计员须由不同人员担任（三员分立）")
	}
	if admins == 1 && business > 0 {
		return apperr.Invalidf("role", "user.admin_separation", "管理员角色不得与业务角色兼任")
	}
	return nil
}

func sideLabel(side string) string {
	switch side {
	case "court":
		return "法院"
	case "police":
		return "公安"
	}
	return side
}
