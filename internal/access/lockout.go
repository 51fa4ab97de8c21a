package access

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/audit"
)

// Lockout (graded protection level 3: "login failure handling"): after
// Config.MaxFailures consecutive failures — a wrong password or a wrong
// second factor — the account is locked for Config.LockDuration, and even
// the right password is refused until then. The count lives on the user
// row, so it holds across servers; the increment is one statement, so
// concurrent failures are all counted. Locking resets the count, so after
// the lock ends the user has MaxFailures tries again; a successful login
// resets it too.

func errBadCredentials() error {
	return &apperr.Error{Kind: apperr.Unauthorized, Code: "auth.bad_credentials", Message: "用户名或密码错误"}
}

// errLocked says until when, in the configured zone, rounded up to the
// minute so that retrying at the time shown succeeds.
func (s *Service) errLocked(until time.Time) error {
	t := until.In(s.cfg.Location)
	if t.Truncate(time.Minute) != t {
		t = t.Truncate(time.Minute).Add(time.Minute)
	}
	layout := "15:04"
	if now := s.now().In(s.cfg.Location); now.YearDay() != t.YearDay() || now.Year() != t.Year() {
		layout = "1月2日 15:04"
	}
	return &apperr.Error{Kind: apperr.Unauthorized, Code: "auth.locked",
		Message: fmt.Sprintf("账号已锁定，请于 %s 后重试", t.Format(layout))}
}

// failure records a failed login attempt on a known account: it counts the
// failure, locks the account when that was one too many, and audits both,
// in one transaction. It returns the error to give the user: the locked
// message when this failure locked the account, fail otherwise.
func (s *Service) failure(ctx context.Context, a account, e audit.Entry, reason string, fail error) error {
	now := s.now()
	until := now.Add(s.cfg.LockDuration)
	lockedNow := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `UPDATE users SET
				locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until END,
				failed_logins = CASE WHEN failed_logins + 1 >= $1 THEN 0 ELSE failed_logins + 1 END
			WHERE id = $3 RETURNING failed_logins`, s.cfg.MaxFailures, until, a.ID).Scan(&n)
		if err != nil {
			return fmt.Errorf("count failed login of %s: %w", a.Username, err)
		}
		lockedNow = n == 0 // the count only returns to zero by locking
		e.Outcome, e.Detail = audit.Failed, "reason="+reason
		if err := s.appendAudit(ctx, tx, e); err != nil {
			return err
		}
		if lockedNow {
			lock := e
			lock.Action, lock.Outcome = "session.locked", audit.OK
			lock.Detail = fmt.Sprintf("failures=%d until=%s", s.cfg.MaxFailures, until.Format(time.RFC3339))
			return s.appendAudit(ctx, tx, lock)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if lockedNow {
		return s.errLocked(until)
	}
	return fail
}

// Unlock clears an account's lock and failure count (sys_admin,
// user.manage). ResetPassword unlocks as well.
func (s *Service) Unlock(ctx context.Context, admin Principal, username string) error {
	a, err := s.authorizeOnUser(ctx, admin, ActionUserManage, username)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1`, a.ID); err != nil {
			return fmt.Errorf("unlock %s: %w", a.Username, err)
		}
		return s.appendAudit(ctx, tx, admin.entry("user.unlock", "user:"+a.Username, audit.OK, ""))
	})
}
