package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/keyring"
)

// Service signs people in and keeps their sessions, tokens, passwords and
// second factors. It is safe for concurrent use and holds no state that
// another server sharing the database would need: lockout counters, TOTP
// replay marks and sessions all live in the database.
type Service struct {
	db     *db.DB
	dir    *directory.Store
	audit  *audit.Log
	ring   *keyring.Ring
	cfg    Config
	policy *Policy
	// dummyHash is verified against when the username is unknown, so that
	// unknown and known usernames take the same time.
	dummyHash string
	cache     *authCache // nil when Config.AuthCacheTTL < 0
}

// NewService returns the access service. cfg's zero fields take defaults.
func NewService(d *db.DB, dir *directory.Store, auditLog *audit.Log, ring *keyring.Ring, cfg Config) *Service {
	cfg = cfg.withDefaults()
	random, err := randomToken(24)
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	dummy, err := cfg.HashPassword(random)
	if err != nil {
		panic(fmt.Sprintf("access: hash the dummy password: %v", err))
	}
	s := &Service{db: d, dir: dir, audit: auditLog, ring: ring, cfg: cfg, policy: NewPolicy(dir, cfg), dummyHash: dummy}
	if cfg.AuthCacheTTL > 0 {
		s.cache = newAuthCache(cfg.AuthCacheTTL, 100_000)
	}
	return s
}

// Policy returns the permission policy the service checks with.
func (s *Service) Policy() *Policy { return s.policy }

// Config returns the effective configuration (defaults filled in).
func (s *Service) Config() Config { return s.cfg }

// now is the service clock in the database's precision.
func (s *Service) now() time.Time { return db.Time(s.cfg.Now()) }

// Authorize is Policy.Check that also writes a denial to the audit log
// (outcome denied, S-SEC-1, S-SEC-2). Use it for every request; use Check
// or Can only to decide what to show. The denial is recorded in a
// transaction of its own, so do not call Authorize inside one (on SQLite it
// would wait for the writer that transaction holds).
func (s *Service) Authorize(ctx context.Context, pr Principal, a Action, t Target) error {
	err := s.policy.Check(ctx, pr, a, t)
	if err == nil {
		return nil
	}
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.Forbidden {
		return err
	}
	entry := pr.entry(string(a), t.object(), audit.Denied, e.Code)
	entry.CaseNumber = t.CaseNumber
	if _, aerr := s.audit.Record(ctx, entry); aerr != nil {
		return errors.Join(err, fmt.Errorf("audit the denial: %w", aerr))
	}
	return err
}

// entry starts an audit entry for an act pr does.
func (pr Principal) entry(action, object string, outcome audit.Outcome, detail string) audit.Entry {
	return audit.Entry{Username: pr.Username, UnitCode: pr.UnitCode, Role: pr.roleNames(), Source: pr.Source,
		Action: action, Object: object, Outcome: outcome, Detail: detail}
}

// record writes an entry in a transaction of its own.
func (s *Service) record(ctx context.Context, e audit.Entry) error {
	if _, err := s.audit.Record(ctx, e); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// appendAudit writes an entry inside tx (last, as audit.Log.Append asks).
func (s *Service) appendAudit(ctx context.Context, tx *sql.Tx, e audit.Entry) error {
	if _, err := s.audit.Append(ctx, tx, e); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// account is what the service reads of a user: the directory's fields and
// the login state this package adds to the users table.
type account struct {
	ID           int64
	Username     string
	DisplayName  string
	UnitCode     string
	PasswordHash string
	MustChange   bool
	Active       bool
	System       bool // a system account: tokens only, no interactive login
	FailedLogins int
	LockedUntil  sql.NullTime
	Roles        []directory.Role
}

func (a account) locked(now time.Time) bool {
	return a.LockedUntil.Valid && now.Before(a.LockedUntil.Time)
}

var errNoAccount = errors.New("no such account")

// loadAccount reads a user by normalized username, or errNoAccount.
func (s *Service) loadAccount(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, where string, arg any) (account, error) {
	var a account
	err := q.QueryRowContext(ctx, `SELECT id, username, display_name, unit_code, password_hash, must_change_password, active, system_account, failed_logins, locked_until
		FROM users WHERE `+where, arg).Scan(&a.ID, &a.Username, &a.DisplayName, &a.UnitCode, &a.PasswordHash, &a.MustChange, &a.Active, &a.System, &a.FailedLogins, &a.LockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		return account{}, errNoAccount
	}
	if err != nil {
		return account{}, fmt.Errorf("read account: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role`, a.ID)
	if err != nil {
		return account{}, fmt.Errorf("read roles of %s: %w", a.Username, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return account{}, fmt.Errorf("read roles of %s: %w", a.Username, err)
		}
		a.Roles = append(a.Roles, directory.Role(r))
	}
	if err := rows.Err(); err != nil {
		return account{}, fmt.Errorf("read roles of %s: %w", a.Username, err)
	}
	return a, nil
}

func (s *Service) accountByName(ctx context.Context, username string) (account, error) {
	return s.loadAccount(ctx, s.db.Read(), "username = $1", directory.NormalizeUsername(username))
}

func (s *Service) accountByID(ctx context.Context, id int64) (account, error) {
	return s.loadAccount(ctx, s.db.Read(), "id = $1", id)
}

// targetAccount reads the user an administrator acts on. Unknown users are
// NotFound (the administrator may see every user).
func (s *Service) targetAccount(ctx context.Context, username string) (account, error) {
	a, err := s.accountByName(ctx, username)
	if errors.Is(err, errNoAccount) {
		return account{}, &apperr.Error{Kind: apperr.NotFound, Code: "user.not_found", Field: "username",
			Message: fmt.Sprintf("用户“%s”不存在", clip(directory.NormalizeUsername(username), 64))}
	}
	return a, err
}

// authorizeOnUser reads the user pr acts on and checks a on them. An
// unknown user is NotFound only to those who may act on users at all;
// others get the same denial as for an existing user they may not touch.
func (s *Service) authorizeOnUser(ctx context.Context, pr Principal, a Action, username string) (account, error) {
	acct, err := s.targetAccount(ctx, username)
	if apperr.IsNotFound(err) {
		if aerr := s.Authorize(ctx, pr, a, Target{Username: directory.NormalizeUsername(username)}); aerr != nil {
			return account{}, aerr
		}
		return account{}, err
	}
	if err != nil {
		return account{}, err
	}
	if err := s.Authorize(ctx, pr, a, Target{Username: acct.Username, UnitCode: acct.UnitCode}); err != nil {
		return account{}, err
	}
	return acct, nil
}

// principal builds the Principal of an account.
func (s *Service) principal(ctx context.Context, a account, totpConfirmed bool) (Principal, error) {
	tree, err := s.policy.tree.get(ctx, a.UnitCode)
	if err != nil {
		return Principal{}, err
	}
	return Principal{
		UserID:             a.ID,
		Username:           a.Username,
		DisplayName:        a.DisplayName,
		UnitCode:           a.UnitCode,
		CourtCode:          tree.courtOf(a.UnitCode),
		Side:               tree.side[a.UnitCode],
		Roles:              a.Roles,
		MustChangePassword: a.MustChange,
		NeedsTOTPSetup:     anyAdmin(a.Roles) && !totpConfirmed,
	}, nil
}
