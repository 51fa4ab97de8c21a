package access

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"image/png"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"liandong/internal/apperr"
	"liandong/internal/audit"
)

// The second factor is TOTP (RFC 6238): HMAC-SHA1 over 30-second steps, 6
// digits, as every authenticator app expects. The code below computes
// codes itself (HOTP, RFC 4226, is a dozen lines) because the login needs
// to know which step a code matched, to refuse it a second time;
// github.com/pquerna/otp only builds the otpauth:// URL and its QR code.
const (
	totpPeriod  = 30 // seconds
	totpDigits  = 6
	totpSkew    = 1  // steps accepted either side of now
	secretBytes = 20 // 160 bits, RFC 4226 §4
)

// hotp is RFC 4226: the dynamically truncated HMAC of the counter, as
// digits decimal digits.
func hotp(newHash func() hash.Hash, key []byte, counter uint64, digits int) string {
	mac := hmac.New(newHash, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	code := strconv.FormatUint(uint64(bin%mod), 10)
	return strings.Repeat("0", digits-len(code)) + code
}

// totpStep is the RFC 6238 time step of t.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

type codeResult int

const (
	codeOK       codeResult = iota
	codeWrong               // matches no step in the window
	codeReplayed            // matches a step already used
)

// verifyTOTP checks code against the steps around now (±totpSkew) and
// returns the step it matched. A code whose step is not after lastStep was
// used already (or an older one was): refused as a replay. Every candidate
// is computed and compared in constant time, whatever matches.
func verifyTOTP(secret []byte, code string, now time.Time, lastStep int64) (int64, codeResult) {
	cur := totpStep(now)
	matched := int64(-1)
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		step := cur + d
		want := hotp(sha1.New, secret, uint64(step), totpDigits)
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && matched < 0 {
			matched = step
		}
	}
	switch {
	case matched < 0:
		return 0, codeWrong
	case matched <= lastStep:
		return matched, codeReplayed
	}
	return matched, codeOK
}

// isTOTPFormat reports whether s looks like a TOTP code rather than a
// recovery code.
func isTOTPFormat(s string) bool {
	if len(s) != totpDigits {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// totpState is a user's TOTP row.
type totpState struct {
	exists    bool
	confirmed bool
	secret    []byte
	lastStep  int64
}

func totpAAD(userID int64) []byte { return []byte("user_totp.secret:" + strconv.FormatInt(userID, 10)) }

func (s *Service) totpState(ctx context.Context, userID int64) (totpState, error) {
	var (
		sealed    string
		confirmed sql.NullTime
		st        totpState
	)
	err := s.db.Read().QueryRowContext(ctx, `SELECT secret_sealed, confirmed_at, last_step FROM user_totp WHERE user_id = $1`, userID).
		Scan(&sealed, &confirmed, &st.lastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return totpState{}, nil
	}
	if err != nil {
		return totpState{}, fmt.Errorf("read TOTP of user %d: %w", userID, err)
	}
	st.exists, st.confirmed = true, confirmed.Valid
	st.secret, err = s.ring.Open(sealed, totpAAD(userID))
	if err != nil {
		return totpState{}, fmt.Errorf("open TOTP secret of user %d: %w", userID, err)
	}
	return st, nil
}

// TOTPEnrollment is what BeginTOTP returns for the setup page.
type TOTPEnrollment struct {
	Secret string // base32, for typing into an app by hand
	URL    string // otpauth://totp/周口执行联动:username?secret=…&issuer=周口执行联动
	QRPNG  []byte // the URL as a QR code, PNG
}

// TOTPStatus is what the account page shows about the second factor.
type TOTPStatus struct {
	Enabled           bool
	Pending           bool // begun, not confirmed
	Required          bool // administrators must have it
	RecoveryCodesLeft int
}

// TOTPStatus tells pr's second-factor state.
func (s *Service) TOTPStatus(ctx context.Context, pr Principal) (TOTPStatus, error) {
	if err := s.Authorize(ctx, pr, ActionSelf, Target{}); err != nil {
		return TOTPStatus{}, err
	}
	st, err := s.totpState(ctx, pr.UserID)
	if err != nil {
		return TOTPStatus{}, err
	}
	out := TOTPStatus{Enabled: st.confirmed, Pending: st.exists && !st.confirmed, Required: pr.IsAdmin()}
	if st.confirmed {
		if out.RecoveryCodesLeft, err = s.recoveryCodesLeft(ctx, pr.UserID); err != nil {
			return TOTPStatus{}, err
		}
	}
	return out, nil
}

// BeginTOTP starts enrolment: a new secret, sealed and stored as pending,
// and its otpauth:// URL and QR code for the authenticator app. Calling it
// again replaces a pending secret. It is refused when TOTP is already on.
func (s *Service) BeginTOTP(ctx context.Context, pr Principal) (TOTPEnrollment, error) {
	if err := s.Authorize(ctx, pr, ActionSelf, Target{}); err != nil {
		return TOTPEnrollment{}, err
	}
	secret := make([]byte, secretBytes)
	if _, err := rand.Read(secret); err != nil {
		return TOTPEnrollment{}, fmt.Errorf("begin TOTP: %w", err)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.cfg.Issuer, AccountName: pr.Username, Secret: secret,
		Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPEnrollment{}, fmt.Errorf("begin TOTP: %w", err)
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return TOTPEnrollment{}, fmt.Errorf("begin TOTP: QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPEnrollment{}, fmt.Errorf("begin TOTP: QR code: %w", err)
	}
	sealed, err := s.ring.Seal(secret, totpAAD(pr.UserID))
	if err != nil {
		return TOTPEnrollment{}, fmt.Errorf("begin TOTP: %w", err)
	}
	now := s.now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL`, pr.UserID).Scan(&n); err != nil {
			return fmt.Errorf("begin TOTP: %w", err)
		}
		if n > 0 {
			return &apperr.Error{Kind: apperr.Conflict, Code: "totp.already_enabled", Message: "已启用动态口令；如需更换，请先停用（须输入当前动态口令），或请安全管理员重置"}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_totp WHERE user_id = $1`, pr.UserID); err != nil {
			return fmt.Errorf("begin TOTP: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_totp (user_id, secret_sealed, last_step, created_at) VALUES ($1, $2, 0, $3)`, pr.UserID, sealed, now); err != nil {
			return fmt.Errorf("begin TOTP: %w", err)
		}
		return s.appendAudit(ctx, tx, pr.entry("totp.begin", "user:"+pr.Username, audit.OK, ""))
	})
	if err != nil {
		return TOTPEnrollment{}, err
	}
	return TOTPEnrollment{Secret: key.Secret(), URL: key.URL(), QRPNG: buf.Bytes()}, nil
}

func errCodeInvalid() error {
	return &apperr.Error{Kind: apperr.Invalid, Code: "totp.invalid", Field: "code", Message: "动态口令不正确，请输入验证器上当前显示的 6 位数字"}
}

// ConfirmTOTP finishes enrolment with a code from the app, turns the second
// factor on and returns ten new recovery codes, to be shown once.
func (s *Service) ConfirmTOTP(ctx context.Context, pr Principal, code string) ([]string, error) {
	defer s.cache.clear() // what it changes may be cached (authcache.go)
	if err := s.Authorize(ctx, pr, ActionSelf, Target{}); err != nil {
		return nil, err
	}
	st, err := s.totpState(ctx, pr.UserID)
	if err != nil {
		return nil, err
	}
	if !st.exists || st.confirmed {
		return nil, &apperr.Error{Kind: apperr.Conflict, Code: "totp.not_pending", Message: "没有待确认的动态口令绑定，请重新开始绑定"}
	}
	code = strings.TrimSpace(code)
	now := s.now()
	step, res := verifyTOTP(st.secret, code, now, 0)
	if !isTOTPFormat(code) || res != codeOK {
		if err := s.record(ctx, pr.entry("totp.enable", "user:"+pr.Username, audit.Failed, "reason=totp_invalid")); err != nil {
			return nil, err
		}
		return nil, errCodeInvalid()
	}
	codes, err := newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE user_totp SET confirmed_at = $1, last_step = $2 WHERE user_id = $3 AND confirmed_at IS NULL`, now, step, pr.UserID)
		if err != nil {
			return fmt.Errorf("confirm TOTP: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &apperr.Error{Kind: apperr.Conflict, Code: "totp.not_pending", Message: "没有待确认的动态口令绑定，请重新开始绑定"}
		}
		if err := s.storeRecoveryCodes(ctx, tx, pr.UserID, codes, now); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, pr.entry("totp.enable", "user:"+pr.Username, audit.OK, ""))
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// checkSecondFactor verifies a TOTP code (against st) or a recovery code
// of userID inside tx and marks it used. It reports whether it was good.
func (s *Service) checkSecondFactor(ctx context.Context, tx *sql.Tx, userID int64, st totpState, code string, now time.Time) (bool, error) {
	code = strings.TrimSpace(code)
	if code == "" || !st.confirmed {
		return false, nil
	}
	if !isTOTPFormat(code) {
		return s.useRecoveryCode(ctx, tx, userID, normalizeRecoveryCode(code), now)
	}
	step, r := verifyTOTP(st.secret, code, now, st.lastStep)
	if r != codeOK {
		return false, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE user_totp SET last_step = $1 WHERE user_id = $2 AND last_step < $1`, step, userID)
	if err != nil {
		return false, fmt.Errorf("mark TOTP step: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// DisableTOTP turns the second factor off, given a current code (or a
// recovery code). Administrators may not: they must always have it.
func (s *Service) DisableTOTP(ctx context.Context, pr Principal, code string) error {
	defer s.cache.clear() // what it changes may be cached (authcache.go)
	if err := s.Authorize(ctx, pr, ActionSelf, Target{}); err != nil {
		return err
	}
	if pr.IsAdmin() {
		return &apperr.Error{Kind: apperr.Forbidden, Code: "totp.required_for_admin", Message: "管理员账号必须使用动态口令（等级保护三级要求双因素认证），不能停用"}
	}
	return s.withSecondFactor(ctx, pr, code, "totp.disable", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, pr.UserID); err != nil {
			return fmt.Errorf("disable TOTP: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_totp WHERE user_id = $1`, pr.UserID); err != nil {
			return fmt.Errorf("disable TOTP: %w", err)
		}
		return nil
	})
}

// withSecondFactor runs fn in a transaction after checking a second factor
// code of pr's, and audits action with the outcome.
func (s *Service) withSecondFactor(ctx context.Context, pr Principal, code, action string, fn func(tx *sql.Tx) error) error {
	st, err := s.totpState(ctx, pr.UserID)
	if err != nil {
		return err
	}
	if !st.confirmed {
		return &apperr.Error{Kind: apperr.Conflict, Code: "totp.not_enabled", Message: "尚未启用动态口令"}
	}
	errBad := errors.New("bad second factor")
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		ok, err := s.checkSecondFactor(ctx, tx, pr.UserID, st, code, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return errBad
		}
		if err := fn(tx); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, pr.entry(action, "user:"+pr.Username, audit.OK, ""))
	})
	if errors.Is(err, errBad) {
		if err := s.record(ctx, pr.entry(action, "user:"+pr.Username, audit.Failed, "reason=totp_invalid")); err != nil {
			return err
		}
		return &apperr.Error{Kind: apperr.Invalid, Code: "totp.invalid", Field: "code", Message: "动态口令或恢复码不正确，或已使用过"}
	}
	return err
}

// ResetTOTP clears another user's second factor and recovery codes (a lost
// phone); an administrator must then enrol again before doing anything
// else (sec_admin, mfa.reset).
func (s *Service) ResetTOTP(ctx context.Context, secAdmin Principal, username string) error {
	defer s.cache.clear() // what it changes may be cached (authcache.go)
	a, err := s.authorizeOnUser(ctx, secAdmin, ActionMFAReset, username)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, a.ID); err != nil {
			return fmt.Errorf("reset TOTP of %s: %w", a.Username, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_totp WHERE user_id = $1`, a.ID); err != nil {
			return fmt.Errorf("reset TOTP of %s: %w", a.Username, err)
		}
		return s.appendAudit(ctx, tx, secAdmin.entry("totp.reset", "user:"+a.Username, audit.OK, ""))
	})
}
