package access

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/directory"
)

// Session is what a successful login gives the web layer.
type Session struct {
	// Token is the secret the client presents (the cookie value). Only its
	// SM3 hash is stored; it cannot be shown again.
	Token     string
	CSRFToken string
	Principal Principal
	// ExpiresAt is the absolute end of the session (the idle timeout may
	// end it earlier). Use it as the cookie's expiry.
	ExpiresAt time.Time
}

// SessionInfo describes a session for the "my sessions" page.
type SessionInfo struct {
	ID           string
	SecondFactor string // "", "totp" or "recovery"
	CreatedAt    time.Time
	LastSeenAt   time.Time
	ExpiresAt    time.Time
	Source       string
	UserAgent    string
	Current      bool // the session asking
}

// Revocation reasons stored with revoked sessions.
const (
	revokedLogout          = "logout"
	revokedPasswordChanged = "password_changed"
	revokedPasswordReset   = "password_reset"
	revokedByUser          = "revoked_by_user"
)

func errSessionExpired() error {
	return &apperr.Error{Kind: apperr.Unauthorized, Code: "auth.session_expired", Message: "登录已失效，请重新登录"}
}

// createSession inserts a new session for a inside tx.
func (s *Service) createSession(ctx context.Context, tx *sql.Tx, a account, factor, source, userAgent string, now time.Time) (Session, string, error) {
	token, err := randomToken(tokenBytes)
	if err != nil {
		return Session{}, "", err
	}
	csrf, err := randomToken(tokenBytes)
	if err != nil {
		return Session{}, "", err
	}
	id, err := randomID()
	if err != nil {
		return Session{}, "", err
	}
	expires := now.Add(s.cfg.SessionLifetime)
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, token_hash, user_id, csrf_token, second_factor, created_at, last_seen_at, expires_at, source, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9)`,
		id, hashToken(token), a.ID, csrf, factor, now, expires, clip(source, 100), clip(userAgent, 300)); err != nil {
		return Session{}, "", fmt.Errorf("create session for %s: %w", a.Username, err)
	}
	return Session{Token: token, CSRFToken: csrf, ExpiresAt: expires}, id, nil
}

// Authenticate returns the principal behind a session token or an API
// token (IsAPIToken tells them apart). It reads roles and flags afresh, so
// changes apply on the next request. It writes only when the last-seen
// time is older than Config.TouchInterval. Unknown, revoked, idle or
// expired sessions and disabled users all give auth.session_expired;
// tokens give auth.token_invalid.
func (s *Service) Authenticate(ctx context.Context, token, source string) (Principal, error) {
	if token == "" || len(token) > 128 {
		if IsAPIToken(token) {
			return Principal{}, errTokenInvalid()
		}
		return Principal{}, errSessionExpired()
	}
	key := hashToken(token)
	now := s.now()
	if pr, ok := s.cache.get(key, now); ok {
		pr.Source = source
		return pr, nil
	}
	gen := s.cache.generation()
	pr, end, err := s.authenticate(ctx, token, source)
	if err == nil {
		s.cache.put(key, pr, now, end, gen)
	}
	return pr, err
}

// authenticate reads the session or token; end is when it ends whatever
// its use.
func (s *Service) authenticate(ctx context.Context, token, source string) (Principal, time.Time, error) {
	if IsAPIToken(token) {
		return s.authenticateToken(ctx, token, source)
	}
	now := s.now()
	rows, err := s.db.Read().QueryContext(ctx, `SELECT s.id, s.csrf_token, s.last_seen_at, s.expires_at, s.revoked_at IS NOT NULL,
			u.id, u.username, u.display_name, u.unit_code, u.must_change_password, u.active,
			t.confirmed_at IS NOT NULL, r.role
		FROM sessions s
		JOIN users u ON u.id = s.user_id
		LEFT JOIN user_totp t ON t.user_id = u.id
		LEFT JOIN user_roles r ON r.user_id = u.id
		WHERE s.token_hash = $1`, hashToken(token))
	if err != nil {
		return Principal{}, time.Time{}, fmt.Errorf("authenticate: read session: %w", err)
	}
	defer rows.Close()
	var (
		a                 account
		id, csrf          string
		lastSeen, expires time.Time
		revoked, totpOK   bool
		found             bool
	)
	for rows.Next() {
		var role sql.NullString
		if err := rows.Scan(&id, &csrf, &lastSeen, &expires, &revoked, &a.ID, &a.Username, &a.DisplayName, &a.UnitCode, &a.MustChange, &a.Active, &totpOK, &role); err != nil {
			return Principal{}, time.Time{}, fmt.Errorf("authenticate: read session: %w", err)
		}
		found = true
		if role.Valid {
			a.Roles = append(a.Roles, directory.Role(role.String))
		}
	}
	if err := rows.Err(); err != nil {
		return Principal{}, time.Time{}, fmt.Errorf("authenticate: read session: %w", err)
	}
	rows.Close()
	if !found || revoked || !a.Active || !now.Before(expires) || now.Sub(lastSeen) >= s.cfg.IdleTimeout {
		return Principal{}, time.Time{}, errSessionExpired()
	}
	if now.Sub(lastSeen) >= s.cfg.TouchInterval {
		// Conditional, so that concurrent requests and other servers write once.
		if _, err := s.db.Write().ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1`, now, id); err != nil {
			return Principal{}, time.Time{}, fmt.Errorf("authenticate: touch session: %w", err)
		}
	}
	pr, err := s.principal(ctx, a, totpOK)
	if err != nil {
		return Principal{}, time.Time{}, err
	}
	pr.SessionID, pr.CSRFToken, pr.Source = id, csrf, source
	return pr, expires, nil
}

// Logout ends pr's session on the server. Logging out of an already ended
// session succeeds.
func (s *Service) Logout(ctx context.Context, pr Principal) error {
	defer s.cache.clear() // what it changes may be cached (authcache.go)
	if pr.ViaToken || pr.SessionID == "" {
		return apperr.Invalidf("", "auth.not_a_session", "API 令牌无需退出登录；如需停用，请由系统管理员吊销令牌")
	}
	now := s.now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1, revoke_reason = $2 WHERE id = $3 AND user_id = $4 AND revoked_at IS NULL`,
			now, revokedLogout, pr.SessionID, pr.UserID); err != nil {
			return fmt.Errorf("logout %s: %w", pr.Username, err)
		}
		return s.appendAudit(ctx, tx, pr.entry("session.logout", "session:"+pr.SessionID, audit.OK, ""))
	})
}

// revokeSessions ends every live session of userID except keep ("" keeps
// none) and returns how many it ended.
func revokeSessions(ctx context.Context, tx *sql.Tx, userID int64, keep, reason string, now time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1, revoke_reason = $2 WHERE user_id = $3 AND id <> $4 AND revoked_at IS NULL AND expires_at > $1`,
		now, reason, userID, keep)
	if err != nil {
		return 0, fmt.Errorf("revoke sessions of user %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// Sessions lists pr's live sessions, newest first.
func (s *Service) Sessions(ctx context.Context, pr Principal) ([]SessionInfo, error) {
	if err := s.Authorize(ctx, pr, ActionSelf, Target{}); err != nil {
		return nil, err
	}
	now := s.now()
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, second_factor, created_at, last_seen_at, expires_at, source, user_agent
		FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $3
		ORDER BY created_at DESC`, pr.UserID, now, now.Add(-s.cfg.IdleTimeout))
	if err != nil {
		return nil, fmt.Errorf("list sessions of %s: %w", pr.Username, err)
	}
	defer rows.Close()
	var out []SessionInfo
	for rows.Next() {
		var si SessionInfo
		if err := rows.Scan(&si.ID, &si.SecondFactor, &si.CreatedAt, &si.LastSeenAt, &si.ExpiresAt, &si.Source, &si.UserAgent); err != nil {
			return nil, fmt.Errorf("list sessions of %s: %w", pr.Username, err)
		}
		si.Current = si.ID == pr.SessionID
		out = append(out, si)
	}
	return out, rows.Err()
}

// RevokeSession ends one of pr's own sessions (say, one left open on
// another computer).
func (s *Service) RevokeSession(ctx context.Context, pr Principal, id string) error {
	defer s.cache.clear() // what it changes may be cached (authcache.go)
	if err := s.Authorize(ctx, pr, ActionSelf, Target{}); err != nil {
		return err
	}
	now := s.now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = $1, revoke_reason = $2 WHERE id = $3 AND user_id = $4 AND revoked_at IS NULL`,
			now, revokedByUser, id, pr.UserID)
		if err != nil {
			return fmt.Errorf("revoke session of %s: %w", pr.Username, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &apperr.Error{Kind: apperr.NotFound, Code: "session.not_found", Message: "该登录会话不存在或已结束"}
		}
		return s.appendAudit(ctx, tx, pr.entry("session.revoke", "session:"+id, audit.OK, ""))
	})
}

// PurgeSessions deletes sessions that ended more than keep ago (expired,
// idle or revoked) and returns how many. The audit log keeps the history;
// the table only serves live lookups.
func (s *Service) PurgeSessions(ctx context.Context, keep time.Duration) (int64, error) {
	cut := s.now().Add(-keep)
	res, err := s.db.Write().ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2 OR revoked_at < $1`,
		cut, cut.Add(-s.cfg.IdleTimeout))
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
