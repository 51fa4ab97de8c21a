package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"liandong/internal/apperr"
	"liandong/internal/db"
)

// User is a person (or a system account) who signs in.
type User struct {
	ID                 int64
	Username           string
	DisplayName        string
	UnitCode           string
	Roles              []Role
	PasswordHash       string
	MustChangePassword bool
	Active             bool
	SystemAccount      bool
	CreatedAt          time.Time
	UpdatedAt          time.Time
	PasswordChangedAt  time.Time
}

// Has reports whether u holds role r.
func (u User) Has(r Role) bool {
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// NewUser is what it takes to add a user.
type NewUser struct {
	Username    string
	DisplayName string
	Unit        string // code, full name or short name
	Roles       []Role
	Password    string
	// PasswordHash, when set, is stored as is and Password is ignored: for
	// accounts carried over from another system with their argon2id hash,
	// and for tests that use cheap parameters.
	PasswordHash string
	// SystemAccount marks an account for a police or court system that
	// calls the API with tokens and never signs in interactively.
	SystemAccount bool
	// MustChangePassword forces a change at first login; initial passwords
	// set by an administrator should always be changed (graded protection).
	MustChangePassword bool
}

var usernamePattern = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,31}$`)

// NormalizeUsername lower-cases and trims a username.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func checkUsername(name string) error {
	if !usernamePattern.MatchString(name) {
		return apperr.Invalidf("username", "user.username_format", "用户名“%s”不合规：须为 2–32 位小写字母、数字或 . _ -，以字母开头", name)
	}
	return nil
}

// AddUser validates and stores a new user with an argon2id password hash.
func (s *Store) AddUser(ctx context.Context, nu NewUser) (User, error) {
	nu.Username = NormalizeUsername(nu.Username)
	nu.DisplayName = strings.TrimSpace(nu.DisplayName)
	if err := checkUsername(nu.Username); err != nil {
		return User{}, err
	}
	if nu.DisplayName == "" {
		nu.DisplayName = nu.Username
	}
	if !utf8.ValidString(nu.DisplayName) || utf8.RuneCountInString(nu.DisplayName) > 64 {
		return User{}, apperr.Invalidf("name", "user.name_format", "姓名须为不超过 64 个字的有效文字")
	}
	unit, err := s.FindUnit(ctx, nu.Unit)
	if err != nil {
		return User{}, err
	}
	if err := CheckRoles(nu.Roles, unit.Side); err != nil {
		return User{}, err
	}
	hash := nu.PasswordHash
	if hash == "" {
		if err := CheckPasswordStrength(nu.Password, nu.Username); err != nil {
			return User{}, err
		}
		if hash, err = HashPassword(nu.Password); err != nil {
			return User{}, err
		}
	} else if !strings.HasPrefix(hash, "$argon2id$") {
		return User{}, apperr.Invalidf("password", "user.hash_format", "密码散列须为 argon2id 格式")
	}
	now := db.Now()
	u := User{Username: nu.Username, DisplayName: nu.DisplayName, UnitCode: unit.Code, Roles: dedupRoles(nu.Roles), SystemAccount: nu.SystemAccount,
		PasswordHash: hash, MustChangePassword: nu.MustChangePassword, Active: true, CreatedAt: now, UpdatedAt: now, PasswordChangedAt: now}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, unit_code, password_hash, must_change_password, active, created_at, updated_at, password_changed_at, system_account)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			u.Username, u.DisplayName, u.UnitCode, u.PasswordHash, u.MustChangePassword, u.Active, now, now, now, nu.SystemAccount).Scan(&u.ID)
		if db.IsUniqueViolation(err) {
			return &apperr.Error{Kind: apperr.Conflict, Code: "user.username_taken", Field: "username", Message: fmt.Sprintf("用户名“%s”已被使用", u.Username), Err: err}
		}
		if err != nil {
			return fmt.Errorf("add user %s: %w", u.Username, err)
		}
		for _, r := range u.Roles {
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, u.ID, string(r)); err != nil {
				return fmt.Errorf("add user %s role %s: %w", u.Username, r, err)
			}
		}
		return nil
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

func dedupRoles(in []Role) []Role {
	seen := map[Role]bool{}
	var out []Role
	for _, r := range in {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

const userColumns = `id, username, display_name, unit_code, password_hash, must_change_password, active, created_at, updated_at, password_changed_at, system_account`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.UnitCode, &u.PasswordHash, &u.MustChangePassword, &u.Active, &u.CreatedAt, &u.UpdatedAt, &u.PasswordChangedAt, &u.SystemAccount)
	return u, err
}

// UserByUsername returns the user, or a NotFound error.
func (s *Store) UserByUsername(ctx context.Context, username string) (User, error) {
	username = NormalizeUsername(username)
	u, err := scanUser(s.db.Read().QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE username = $1`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, &apperr.Error{Kind: apperr.NotFound, Code: "user.not_found", Field: "username", Message: fmt.Sprintf("用户“%s”不存在", username)}
	}
	if err != nil {
		return User{}, fmt.Errorf("read user %s: %w", username, err)
	}
	roles, err := s.rolesOf(ctx, []int64{u.ID})
	if err != nil {
		return User{}, err
	}
	u.Roles = roles[u.ID]
	return u, nil
}

// UserFilter narrows Users; zero values match everything.
type UserFilter struct {
	Unit       string // unit code
	ActiveOnly bool
}

// Users lists users ordered by unit and username.
func (s *Store) Users(ctx context.Context, f UserFilter) ([]User, error) {
	q := `SELECT ` + userColumns + ` FROM users WHERE ($1 = '' OR unit_code = $1) AND ($2 = FALSE OR active = TRUE) ORDER BY unit_code, username`
	rows, err := s.db.Read().QueryContext(ctx, q, f.Unit, f.ActiveOnly)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []User
	var ids []int64
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
		ids = append(ids, u.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	roles, err := s.rolesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Roles = roles[out[i].ID]
	}
	return out, nil
}

func (s *Store) rolesOf(ctx context.Context, ids []int64) (map[int64][]Role, error) {
	out := map[int64][]Role{}
	if len(ids) == 0 {
		return out, nil
	}
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	// The directory is small (hundreds of users); one scan beats building an
	// engine-specific IN list.
	rows, err := s.db.Read().QueryContext(ctx, `SELECT user_id, role FROM user_roles ORDER BY user_id, role`)
	if err != nil {
		return nil, fmt.Errorf("read roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r string
		if err := rows.Scan(&id, &r); err != nil {
			return nil, fmt.Errorf("read roles: %w", err)
		}
		if want[id] {
			out[id] = append(out[id], Role(r))
		}
	}
	for id := range out {
		sort.Slice(out[id], func(i, j int) bool { return roleOrder(out[id][i]) < roleOrder(out[id][j]) })
	}
	return out, rows.Err()
}

func roleOrder(r Role) int {
	for i, ri := range roleTable {
		if ri.Role == r {
			return i
		}
	}
	return len(roleTable)
}

// SetActive enables or disables a user. A disabled user cannot sign in; the
// row stays, because audit entries and matters refer to it.
func (s *Store) SetActive(ctx context.Context, username string, active bool) error {
	return s.updateUser(ctx, username, `UPDATE users SET active = $1, updated_at = $2 WHERE username = $3`, active, db.Now(), NormalizeUsername(username))
}

// SetPassword replaces a user's password after checking its strength.
// mustChange marks it as an initial password the user has to change.
func (s *Store) SetPassword(ctx context.Context, username, password string, mustChange bool) error {
	username = NormalizeUsername(username)
	if err := CheckPasswordStrength(password, username); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	now := db.Now()
	return s.updateUser(ctx, username, `UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3, updated_at = $3 WHERE username = $4`,
		hash, mustChange, now, username)
}

func (s *Store) updateUser(ctx context.Context, username, q string, args ...any) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("update user %s: %w", username, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &apperr.Error{Kind: apperr.NotFound, Code: "user.not_found", Field: "username", Message: fmt.Sprintf("用户“%s”不存在", NormalizeUsername(username))}
		}
		return nil
	})
}
