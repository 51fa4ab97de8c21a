package access

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/directory"
)

// API tokens let system accounts (police systems calling the screening
// API, S-CREDIT-1) authenticate without a browser: "Authorization: Bearer
// ldt.…". The system administrator issues one for a user, sees it once,
// and can revoke it; only its SM3 hash is stored. A token authenticates
// like a session (same roles, same policy) with Principal.ViaToken set, and
// needs no CSRF token. Administrators cannot have tokens: their logins
// need a second factor, which a token would bypass.

// APIToken describes an issued token (never the token itself).
type APIToken struct {
	ID         int64
	Username   string
	Label      string
	CreatedBy  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt time.Time // zero when never used
	LastSource string
	RevokedAt  time.Time // zero when live
}

// Live reports whether the token still authenticates at now.
func (t APIToken) Live(now time.Time) bool { return t.RevokedAt.IsZero() && now.Before(t.ExpiresAt) }

// IssuedToken is the result of IssueToken: Token is shown once.
type IssuedToken struct {
	Token string
	APIToken
}

func errTokenInvalid() error {
	return &apperr.Error{Kind: apperr.Unauthorized, Code: "auth.token_invalid", Message: "API 令牌无效、已过期或已吊销"}
}

// IssueToken issues a token for username (sys_admin, token.manage). A zero
// expiresAt means the longest allowed (Config.TokenMaxLifetime).
func (s *Service) IssueToken(ctx context.Context, admin Principal, username, label string, expiresAt time.Time) (IssuedToken, error) {
	a, err := s.authorizeOnUser(ctx, admin, ActionTokenManage, username)
	if err != nil {
		return IssuedToken{}, err
	}
	label = strings.TrimSpace(label)
	now := s.now()
	switch {
	case !a.Active:
		return IssuedToken{}, apperr.Invalidf("username", "token.user_disabled", "用户“%s”已停用，不能签发令牌", a.Username)
	case anyAdmin(a.Roles):
		return IssuedToken{}, apperr.Invalidf("username", "token.admin", "管理员账号须使用口令加动态口令登录，不能签发 API 令牌")
	case !a.System:
		// A token for a person would let whoever issued it act as that
		// person; only accounts made for systems hold tokens.
		return IssuedToken{}, apperr.Invalidf("username", "token.not_system", "只能为系统账号签发 API 令牌；“%s”是人员账号，须本人登录使用", a.Username)
	case label == "":
		return IssuedToken{}, apperr.Invalidf("label", "token.label_missing", "请填写令牌用途说明（如“市公安局失信比对接口”）")
	case utf8.RuneCountInString(label) > 64:
		return IssuedToken{}, apperr.Invalidf("label", "token.label_long", "令牌用途说明不能超过 64 个字")
	}
	if expiresAt.IsZero() {
		expiresAt = now.Add(s.cfg.TokenMaxLifetime)
	}
	expiresAt = expiresAt.UTC().Truncate(time.Microsecond)
	if !expiresAt.After(now) {
		return IssuedToken{}, apperr.Invalidf("expires_at", "token.expiry_past", "令牌有效期须晚于当前时间")
	}
	if expiresAt.Sub(now) > s.cfg.TokenMaxLifetime {
		return IssuedToken{}, apperr.Invalidf("expires_at", "token.expiry_long", "令牌有效期不能超过 %d 天", int(s.cfg.TokenMaxLifetime.Hours()/24))
	}
	secret, err := randomToken(tokenBytes)
	if err != nil {
		return IssuedToken{}, err
	}
	token := apiTokenPrefix + secret
	out := IssuedToken{Token: token, APIToken: APIToken{Username: a.Username, Label: label, CreatedBy: admin.Username, CreatedAt: now, ExpiresAt: expiresAt}}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, label, created_by, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, hashToken(token), a.ID, label, admin.Username, now, expiresAt).Scan(&out.ID); err != nil {
			return fmt.Errorf("issue token for %s: %w", a.Username, err)
		}
		return s.appendAudit(ctx, tx, admin.entry("token.issue", "token:"+strconv.FormatInt(out.ID, 10), audit.OK,
			fmt.Sprintf("user=%s label=%s expires=%s", a.Username, label, expiresAt.Format(time.RFC3339))))
	})
	if err != nil {
		return IssuedToken{}, err
	}
	return out, nil
}

// ListTokens lists the tokens of username, or of everyone when username is
// "" (sys_admin, token.manage), newest first.
func (s *Service) ListTokens(ctx context.Context, admin Principal, username string) ([]APIToken, error) {
	if err := s.Authorize(ctx, admin, ActionTokenManage, Target{Username: username}); err != nil {
		return nil, err
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT t.id, u.username, t.label, t.created_by, t.created_at, t.expires_at, t.last_used_at, t.last_source, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE $1 = '' OR u.username = $1
		ORDER BY t.id DESC`, directory.NormalizeUsername(username))
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var used, revoked sql.NullTime
		if err := rows.Scan(&t.ID, &t.Username, &t.Label, &t.CreatedBy, &t.CreatedAt, &t.ExpiresAt, &used, &t.LastSource, &revoked); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		t.LastUsedAt, t.RevokedAt = used.Time, revoked.Time
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken ends a token at once (sys_admin, token.manage).
func (s *Service) RevokeToken(ctx context.Context, admin Principal, id int64) error {
	defer s.cache.clear() // what it changes may be cached (authcache.go)
	if err := s.Authorize(ctx, admin, ActionTokenManage, Target{}); err != nil {
		return err
	}
	now := s.now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL`, now, admin.Username, id)
		if err != nil {
			return fmt.Errorf("revoke token %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &apperr.Error{Kind: apperr.NotFound, Code: "token.not_found", Message: fmt.Sprintf("令牌 %d 不存在或已吊销", id)}
		}
		return s.appendAudit(ctx, tx, admin.entry("token.revoke", "token:"+strconv.FormatInt(id, 10), audit.OK, ""))
	})
}

// authenticateToken is Authenticate for API tokens.
func (s *Service) authenticateToken(ctx context.Context, token, source string) (Principal, time.Time, error) {
	if len(token) > 128 {
		return Principal{}, time.Time{}, errTokenInvalid()
	}
	now := s.now()
	rows, err := s.db.Read().QueryContext(ctx, `SELECT t.id, t.expires_at, t.revoked_at IS NOT NULL, t.last_used_at,
			u.id, u.username, u.display_name, u.unit_code, u.active, r.role
		FROM api_tokens t
		JOIN users u ON u.id = t.user_id
		LEFT JOIN user_roles r ON r.user_id = u.id
		WHERE t.token_hash = $1`, hashToken(token))
	if err != nil {
		return Principal{}, time.Time{}, fmt.Errorf("authenticate token: %w", err)
	}
	defer rows.Close()
	var (
		a        account
		id       int64
		expires  time.Time
		lastUsed sql.NullTime
		revoked  bool
		found    bool
	)
	for rows.Next() {
		var role sql.NullString
		if err := rows.Scan(&id, &expires, &revoked, &lastUsed, &a.ID, &a.Username, &a.DisplayName, &a.UnitCode, &a.Active, &role); err != nil {
			return Principal{}, time.Time{}, fmt.Errorf("authenticate token: %w", err)
		}
		found = true
		if role.Valid {
			a.Roles = append(a.Roles, directory.Role(role.String))
		}
	}
	if err := rows.Err(); err != nil {
		return Principal{}, time.Time{}, fmt.Errorf("authenticate token: %w", err)
	}
	rows.Close()
	if !found || revoked || !a.Active || !now.Before(expires) || anyAdmin(a.Roles) {
		return Principal{}, time.Time{}, errTokenInvalid()
	}
	if !lastUsed.Valid || now.Sub(lastUsed.Time) >= s.cfg.TouchInterval {
		if _, err := s.db.Write().ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1, last_source = $2 WHERE id = $3 AND (last_used_at IS NULL OR last_used_at < $1)`,
			now, clip(source, 100), id); err != nil {
			return Principal{}, time.Time{}, fmt.Errorf("authenticate token: touch: %w", err)
		}
	}
	// A token is its own credential: the password flags do not apply.
	pr, err := s.principal(ctx, a, true)
	if err != nil {
		return Principal{}, time.Time{}, err
	}
	pr.ViaToken, pr.Source = true, source
	return pr, expires, nil
}
