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

// Password rules (graded protection level 3): at least 8 characters from
// three of four classes and not containing the username
// (directory.CheckPasswordStrength); none of the last Config.PasswordHistory
// passwords, the current one included; initial passwords and passwords an
// administrator set must be changed at the next login (the Principal
// carries MustChangePassword and the policy allows only ActionSelf until
// then). A change ends the user's other sessions; a reset ends all of them.

// CodePasswordReused is the error code of a refused reuse.
const CodePasswordReused = "auth.password_reused"

// ChangePassword replaces pr's password after checking the old one, the
// strength rules and the history; it clears MustChangePassword and ends
// pr's other sessions. A wrong old password counts toward the lockout.
func (s *Service) ChangePassword(ctx context.Context, pr Principal, oldPassword, newPassword string) error {
	defer s.cache.clear() // what it changes may be cached (authcache.go)
	if err := s.Authorize(ctx, pr, ActionSelf, Target{}); err != nil {
		return err
	}
	a, err := s.accountByID(ctx, pr.UserID)
	if err != nil {
		return fmt.Errorf("change password of %s: %w", pr.Username, err)
	}
	e := pr.entry("password.change", "user:"+a.Username, audit.OK, "")
	ok, err := directory.VerifyPassword(a.PasswordHash, oldPassword)
	if err != nil {
		return fmt.Errorf("change password of %s: %w", a.Username, err)
	}
	if !ok {
		return s.failure(ctx, a, e, "old_password_wrong",
			apperr.Invalidf("old_password", "auth.old_password_wrong", "原密码不正确"))
	}
	if err := directory.CheckPasswordStrength(newPassword, a.Username); err != nil {
		return err
	}
	reused, err := s.recentlyUsed(ctx, a, newPassword)
	if err != nil {
		return err
	}
	if reused {
		e.Outcome, e.Detail = audit.Failed, "reason=reused"
		if err := s.record(ctx, e); err != nil {
			return err
		}
		return apperr.Invalidf("password", CodePasswordReused, "新密码不能与最近 %d 次使用过的密码相同", s.cfg.PasswordHistory)
	}
	hash, err := s.cfg.HashPassword(newPassword)
	if err != nil {
		return fmt.Errorf("change password of %s: %w", a.Username, err)
	}
	now := s.now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.replacePassword(ctx, tx, a, hash, false, now); err != nil {
			return err
		}
		n, err := revokeSessions(ctx, tx, a.ID, pr.SessionID, revokedPasswordChanged, now)
		if err != nil {
			return err
		}
		e.Detail = fmt.Sprintf("other_sessions_ended=%d", n)
		return s.appendAudit(ctx, tx, e)
	})
}

// ResetPassword sets a temporary password for another user (sys_admin,
// user.manage): it must meet the strength rules, must be changed at the
// next login, clears a lock and ends all the user's sessions.
func (s *Service) ResetPassword(ctx context.Context, admin Principal, username, temp string) error {
	defer s.cache.clear() // what it changes may be cached (authcache.go)
	a, err := s.authorizeOnUser(ctx, admin, ActionUserManage, username)
	if err != nil {
		return err
	}
	if err := directory.CheckPasswordStrength(temp, a.Username); err != nil {
		return err
	}
	hash, err := s.cfg.HashPassword(temp)
	if err != nil {
		return fmt.Errorf("reset password of %s: %w", a.Username, err)
	}
	now := s.now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.replacePassword(ctx, tx, a, hash, true, now); err != nil {
			return err
		}
		n, err := revokeSessions(ctx, tx, a.ID, "", revokedPasswordReset, now)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, admin.entry("password.reset", "user:"+a.Username, audit.OK, fmt.Sprintf("sessions_ended=%d", n)))
	})
}

// replacePassword moves a's current hash into the history, keeps the
// history short, and stores the new hash. It also clears the lockout: a
// new password is a fresh start.
func (s *Service) replacePassword(ctx context.Context, tx *sql.Tx, a account, hash string, mustChange bool, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO password_history (user_id, password_hash, retired_at) VALUES ($1, $2, $3)`,
		a.ID, a.PasswordHash, now); err != nil {
		return fmt.Errorf("keep password history of %s: %w", a.Username, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM password_history WHERE user_id = $1 AND id NOT IN
		(SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2)`, a.ID, s.cfg.PasswordHistory); err != nil {
		return fmt.Errorf("trim password history of %s: %w", a.Username, err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3, updated_at = $3,
			failed_logins = 0, locked_until = NULL
		WHERE id = $4`, hash, mustChange, now, a.ID)
	if err != nil {
		return fmt.Errorf("store password of %s: %w", a.Username, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store password of %s: user row gone", a.Username)
	}
	return nil
}

// recentlyUsed reports whether password is the current one or one of the
// PasswordHistory-1 before it. Each comparison is an argon2id verification.
func (s *Service) recentlyUsed(ctx context.Context, a account, password string) (bool, error) {
	hashes := []string{a.PasswordHash}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2`,
		a.ID, s.cfg.PasswordHistory-1)
	if err != nil {
		return false, fmt.Errorf("read password history of %s: %w", a.Username, err)
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return false, fmt.Errorf("read password history of %s: %w", a.Username, err)
		}
		hashes = append(hashes, h)
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("read password history of %s: %w", a.Username, err)
	}
	for _, h := range hashes {
		ok, err := directory.VerifyPassword(h, password)
		if err != nil {
			return false, fmt.Errorf("compare with password history of %s: %w", a.Username, err)
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}
