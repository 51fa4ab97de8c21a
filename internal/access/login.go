package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/directory"
)

// LoginRequest is what the login form or an API client sends.
type LoginRequest struct {
	Username string
	Password string
	// TOTP is the 6-digit code from the authenticator app, or one of the
	// user's recovery codes (xxxxx-xxxxx), which then is used up.
	TOTP      string
	Source    string // client address
	UserAgent string
}

// Error codes of Login, all of kind Unauthorized.
const (
	CodeBadCredentials = "auth.bad_credentials"
	CodeLocked         = "auth.locked"
	CodeDisabled       = "auth.disabled"
	CodeTOTPRequired   = "auth.totp_required"
	CodeTOTPInvalid    = "auth.totp_invalid"
)

func errDisabled() error {
	return &apperr.Error{Kind: apperr.Unauthorized, Code: CodeDisabled, Message: "账号已停用，请联系系统管理员"}
}

func errTOTPRequired() error {
	return &apperr.Error{Kind: apperr.Unauthorized, Code: CodeTOTPRequired, Field: "totp", Message: "请输入动态口令（或恢复码）"}
}

func errTOTPInvalid() error {
	return &apperr.Error{Kind: apperr.Unauthorized, Code: CodeTOTPInvalid, Field: "totp", Message: "动态口令或恢复码不正确，或已使用过"}
}

// maxPasswordBytes is the longest password directory.CheckPasswordStrength
// accepts.
const maxPasswordBytes = 128

// errSecondFactorSpent is returned inside the login transaction when a
// TOTP step or a recovery code was used by a concurrent login first.
var errSecondFactorSpent = errors.New("second factor already used")

// Login checks a username and password (and the second factor where the
// user has one) and opens a session. Every attempt is audited: session.login
// with outcome ok or failed (the reason in Detail), and session.locked when
// a failure locks the account.
//
// Unknown usernames and wrong passwords get the same error
// (auth.bad_credentials, "用户名或密码错误") after the same work: an
// argon2id verification either way. A locked account is refused even with
// the right password (auth.locked, naming the time it unlocks); a disabled
// one only after the right password (auth.disabled). With the right
// password but no code where TOTP is enabled, the error is
// auth.totp_required and the page asks for the code; a wrong code is
// auth.totp_invalid and counts as a failed login.
func (s *Service) Login(ctx context.Context, req LoginRequest) (Session, error) {
	now := s.now()
	username := directory.NormalizeUsername(req.Username)
	e := audit.Entry{Action: "session.login", Object: "user:" + clip(username, 64), Source: clip(req.Source, 100)}
	fail := func(reason string, err error) (Session, error) {
		e.Outcome, e.Detail = audit.Failed, "reason="+reason
		if aerr := s.record(ctx, e); aerr != nil {
			return Session{}, errors.Join(err, aerr)
		}
		return Session{}, err
	}

	a, err := s.accountByName(ctx, username)
	if errors.Is(err, errNoAccount) {
		_, _ = directory.VerifyPassword(s.dummyHash, clip(req.Password, maxPasswordBytes)) // same time as a known user
		return fail("unknown_user", errBadCredentials())
	}
	if err != nil {
		return Session{}, fmt.Errorf("login %s: %w", username, err)
	}
	e.UnitCode, e.Role = a.UnitCode, joinRoles(a.Roles)
	if a.locked(now) {
		return fail("locked", s.errLocked(a.LockedUntil.Time))
	}
	// Argon2 cost grows with the input: verify at most maxPasswordBytes (no
	// valid password is longer) and refuse anything longer.
	ok, err := directory.VerifyPassword(a.PasswordHash, clip(req.Password, maxPasswordBytes))
	if err != nil {
		return fail("bad_hash", fmt.Errorf("login %s: %w", username, err))
	}
	if !ok || len(req.Password) > maxPasswordBytes {
		return Session{}, s.failure(ctx, a, e, "bad_password", errBadCredentials())
	}
	if !a.Active {
		return fail("disabled", errDisabled())
	}
	if a.System {
		return fail("system_account", &apperr.Error{Kind: apperr.Unauthorized, Code: "auth.system_account", Message: "系统账号只能凭 API 令牌调用接口，不能登录页面"})
	}

	tf, err := s.totpState(ctx, a.ID)
	if err != nil {
		return Session{}, fmt.Errorf("login %s: %w", username, err)
	}
	factor, step, recovery := "", int64(0), ""
	if tf.confirmed {
		code := strings.TrimSpace(req.TOTP)
		switch {
		case code == "":
			return fail("totp_required", errTOTPRequired())
		case isTOTPFormat(code):
			var res codeResult
			step, res = verifyTOTP(tf.secret, code, now, tf.lastStep)
			switch res {
			case codeReplayed:
				return Session{}, s.failure(ctx, a, e, "totp_replay", errTOTPInvalid())
			case codeWrong:
				return Session{}, s.failure(ctx, a, e, "totp_invalid", errTOTPInvalid())
			}
			factor = "totp"
		default:
			recovery = normalizeRecoveryCode(code)
			factor = "recovery"
		}
	}

	var sess Session
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		switch factor {
		case "totp":
			// Conditional on the step: a concurrent login with the same code
			// (on any server) loses here.
			res, err := tx.ExecContext(ctx, `UPDATE user_totp SET last_step = $1 WHERE user_id = $2 AND last_step < $1`, step, a.ID)
			if err != nil {
				return fmt.Errorf("mark TOTP step: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errSecondFactorSpent
			}
		case "recovery":
			used, err := s.useRecoveryCode(ctx, tx, a.ID, recovery, now)
			if err != nil {
				return err
			}
			if !used {
				return errSecondFactorSpent
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $1 WHERE id = $2`, now, a.ID); err != nil {
			return fmt.Errorf("reset failed logins: %w", err)
		}
		var id string
		var err error
		sess, id, err = s.createSession(ctx, tx, a, factor, req.Source, req.UserAgent, now)
		if err != nil {
			return err
		}
		okEntry := e
		okEntry.Username, okEntry.Outcome, okEntry.Detail = a.Username, audit.OK, "session="+id
		if factor != "" {
			okEntry.Detail += " factor=" + factor
		}
		if err := s.appendAudit(ctx, tx, okEntry); err != nil {
			return err
		}
		sess.Principal.SessionID = id
		return nil
	})
	if errors.Is(err, errSecondFactorSpent) {
		reason := "totp_replay"
		if factor == "recovery" {
			reason = "recovery_invalid"
		}
		return Session{}, s.failure(ctx, a, e, reason, errTOTPInvalid())
	}
	if err != nil {
		return Session{}, fmt.Errorf("login %s: %w", username, err)
	}
	pr, err := s.principal(ctx, a, tf.confirmed)
	if err != nil {
		return Session{}, err
	}
	pr.SessionID, pr.CSRFToken, pr.Source = sess.Principal.SessionID, sess.CSRFToken, req.Source
	sess.Principal = pr
	return sess, nil
}
