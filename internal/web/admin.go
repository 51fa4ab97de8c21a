package web

import (
	"fmt"
	"net/http"
	"strings"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/directory"
)

type userRow struct {
	directory.User
	UnitName   string
	RoleLabels string
}

type usersData struct {
	Users     []userRow
	Units     []directory.Unit
	Roles     []directory.RoleInfo
	CanManage bool
	CanGrant  bool
	CanReset  bool
	Error     *apperr.Error
	Form      map[string]string
}

// visibleUsers lists the users pr may see: all for the administrators,
// the unit and the units under it for leaders (policy user.read).
func (s *Server) visibleUsers(r *http.Request, pr access.Principal) ([]userRow, []directory.Unit, error) {
	users, err := s.dir.Users(r.Context(), directory.UserFilter{})
	if err != nil {
		return nil, nil, err
	}
	units, err := s.dir.Units(r.Context())
	if err != nil {
		return nil, nil, err
	}
	names := unitLabels(units)
	pol := s.acc.Policy()
	var out []userRow
	for _, u := range users {
		if !pol.Can(r.Context(), pr, access.ActionUserRead, access.Target{UnitCode: u.UnitCode, Username: u.Username}) {
			continue
		}
		labels := make([]string, len(u.Roles))
		for i, role := range u.Roles {
			labels[i] = role.Label()
		}
		out = append(out, userRow{User: u, UnitName: names[u.UnitCode], RoleLabels: strings.Join(labels, "、")})
	}
	return out, units, nil
}

func (s *Server) usersData(r *http.Request, rq *request) (usersData, error) {
	users, units, err := s.visibleUsers(r, *rq.User)
	if err != nil {
		return usersData{}, err
	}
	return usersData{Users: users, Units: units, Roles: directory.Roles(), Form: map[string]string{},
		CanManage: roleGranted(*rq.User, access.ActionUserManage),
		CanGrant:  roleGranted(*rq.User, access.ActionRoleGrant),
		CanReset:  roleGranted(*rq.User, access.ActionMFAReset)}, nil
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, err := s.usersData(r, rq)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "users.html", s.pageFor(r, rq, "用户管理", d))
	return nil
}

// usersFormError re-shows the users page with a message and the values typed.
func (s *Server) usersFormError(w http.ResponseWriter, r *http.Request, rq *request, err error) error {
	e, ok := formError(err)
	if !ok {
		return err
	}
	d, derr := s.usersData(r, rq)
	if derr != nil {
		return derr
	}
	d.Error = e
	for _, k := range []string{"username", "name", "unit", "system"} {
		d.Form[k] = r.PostFormValue(k)
	}
	s.render(w, r, statusOf(err), "users.html", s.pageFor(r, rq, "用户管理", d))
	return nil
}

// createUser adds a user with an initial password the user must change.
// The system administrator may add users to any unit (policy user.manage).
func (s *Server) createUser(r *http.Request, rq *request, nu directory.NewUser) (directory.User, error) {
	unit, err := s.dir.FindUnit(r.Context(), nu.Unit)
	if err != nil {
		return directory.User{}, err
	}
	if err := s.acc.Authorize(r.Context(), *rq.User, access.ActionUserManage, access.Target{UnitCode: unit.Code, Username: nu.Username}); err != nil {
		return directory.User{}, err
	}
	// Separation of duties (GB/T 22239): the system administrator opens
	// accounts, the security administrator grants roles. Creating an
	// account with roles therefore needs role.grant as well, which no one
	// holds together with user.manage.
	if len(nu.Roles) > 0 {
		if err := s.acc.Authorize(r.Context(), *rq.User, access.ActionRoleGrant, access.Target{UnitCode: unit.Code, Username: nu.Username}); err != nil {
			return directory.User{}, err
		}
	}
	nu.MustChangePassword = true
	u, err := s.dir.AddUser(r.Context(), nu)
	if err != nil {
		return directory.User{}, err
	}
	if _, err := s.audit.Record(r.Context(), s.entry(r, rq, "user.create", "user:"+u.Username, audit.OK,
		fmt.Sprintf("unit=%s roles=%s system=%v", u.UnitCode, joinRoleCodes(u.Roles), u.SystemAccount))); err != nil {
		return u, err
	}
	return u, nil
}

func joinRoleCodes(rs []directory.Role) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = string(r)
	}
	return strings.Join(parts, ",")
}

func parseRoles(values []string) ([]directory.Role, error) {
	var out []directory.Role
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			role, err := directory.ParseRole(part)
			if err != nil {
				return nil, err
			}
			out = append(out, role)
		}
	}
	return out, nil
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	roles, err := parseRoles(r.PostForm["role"])
	if err == nil {
		_, err = s.createUser(r, rq, directory.NewUser{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("name"),
			Unit: r.PostFormValue("unit"), Roles: roles, Password: r.PostFormValue("password"), SystemAccount: r.PostFormValue("system") == "true"})
	}
	if err != nil {
		return s.usersFormError(w, r, rq, err)
	}
	http.Redirect(w, r, "/admin/users?done=user_created", http.StatusSeeOther)
	return nil
}

func (s *Server) userSetActive(w http.ResponseWriter, r *http.Request, rq *request) error {
	username := r.PathValue("username")
	active := r.PostFormValue("active") == "true"
	u, err := s.dir.UserByUsername(r.Context(), username)
	if err == nil {
		err = s.acc.Authorize(r.Context(), *rq.User, access.ActionUserManage, access.Target{UnitCode: u.UnitCode, Username: u.Username})
	}
	if err == nil {
		err = s.dir.SetActive(r.Context(), u.Username, active)
		s.acc.AccountChanged() // a disabled user's sessions and tokens stop at once
	}
	if err == nil {
		action := "user.disable"
		if active {
			action = "user.enable"
		}
		_, err = s.audit.Record(r.Context(), s.entry(r, rq, action, "user:"+u.Username, audit.OK, ""))
	}
	if err != nil {
		return s.usersFormError(w, r, rq, err)
	}
	http.Redirect(w, r, "/admin/users?done=user_updated", http.StatusSeeOther)
	return nil
}

func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.acc.ResetPassword(r.Context(), *rq.User, r.PathValue("username"), r.PostFormValue("password")); err != nil {
		return s.usersFormError(w, r, rq, err)
	}
	http.Redirect(w, r, "/admin/users?done=password_reset", http.StatusSeeOther)
	return nil
}

func (s *Server) userUnlock(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.acc.Unlock(r.Context(), *rq.User, r.PathValue("username")); err != nil {
		return s.usersFormError(w, r, rq, err)
	}
	http.Redirect(w, r, "/admin/users?done=unlocked", http.StatusSeeOther)
	return nil
}

func (s *Server) userGrantRoles(w http.ResponseWriter, r *http.Request, rq *request) error {
	roles, err := parseRoles(r.PostForm["role"])
	if err == nil {
		err = s.acc.GrantRoles(r.Context(), *rq.User, r.PathValue("username"), roles)
	}
	if err != nil {
		return s.usersFormError(w, r, rq, err)
	}
	http.Redirect(w, r, "/admin/users?done=roles", http.StatusSeeOther)
	return nil
}

func (s *Server) userResetTOTP(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.acc.ResetTOTP(r.Context(), *rq.User, r.PathValue("username")); err != nil {
		return s.usersFormError(w, r, rq, err)
	}
	http.Redirect(w, r, "/admin/users?done=totp_reset", http.StatusSeeOther)
	return nil
}

type userJSON struct {
	SystemAccount      bool     `json:"system_account"`
	Username           string   `json:"username"`
	DisplayName        string   `json:"display_name"`
	Unit               string   `json:"unit"`
	Roles              []string `json:"roles"`
	Active             bool     `json:"active"`
	MustChangePassword bool     `json:"must_change_password"`
}

func toUserJSON(u directory.User) userJSON {
	j := userJSON{SystemAccount: u.SystemAccount, Username: u.Username, DisplayName: u.DisplayName, Unit: u.UnitCode, Active: u.Active, MustChangePassword: u.MustChangePassword, Roles: []string{}}
	for _, r := range u.Roles {
		j.Roles = append(j.Roles, string(r))
	}
	return j
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request, rq *request) error {
	users, _, err := s.visibleUsers(r, *rq.User)
	if err != nil {
		return err
	}
	out := make([]userJSON, len(users))
	for i, u := range users {
		out[i] = toUserJSON(u.User)
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out})
	return nil
}

type newUserBody struct {
	Username      string   `json:"username"`
	DisplayName   string   `json:"display_name"`
	Unit          string   `json:"unit"`
	Roles         []string `json:"roles"` // only with role.grant (never the system administrator's)
	Password      string   `json:"password"`
	SystemAccount bool     `json:"system_account"`
}

func (s *Server) apiUserCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	var b newUserBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	roles, err := parseRoles(b.Roles)
	if err != nil {
		return err
	}
	u, err := s.createUser(r, rq, directory.NewUser{Username: b.Username, DisplayName: b.DisplayName, Unit: b.Unit, Roles: roles, Password: b.Password, SystemAccount: b.SystemAccount})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toUserJSON(u))
	return nil
}

type unitsData struct {
	Units []directory.Unit
}

func (s *Server) unitsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	units, err := s.dir.Units(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "units.html", s.pageFor(r, rq, "单位目录", unitsData{Units: units}))
	return nil
}

type unitJSON struct {
	Code              string `json:"code"`
	Name              string `json:"name"`
	ShortName         string `json:"short_name"`
	Side              string `json:"side"`
	Type              string `json:"type"`
	Parent            string `json:"parent"`
	Division          string `json:"division"`
	CourtCode         string `json:"court_code,omitempty"`
	LiaisonDepartment bool   `json:"liaison_department"`
}

func (s *Server) apiUnits(w http.ResponseWriter, r *http.Request, rq *request) error {
	units, err := s.dir.Units(r.Context())
	if err != nil {
		return err
	}
	out := make([]unitJSON, len(units))
	for i, u := range units {
		out[i] = unitJSON{u.Code, u.Name, u.ShortName, u.Side, string(u.Type), u.ParentCode, u.Division, u.CourtCode, u.LiaisonDepartment}
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": out})
	return nil
}
