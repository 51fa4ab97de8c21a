package access

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Recovery codes replace the TOTP code once each when the phone is not at
// hand. Ten are made when TOTP is confirmed (and on request), shown once,
// and stored as a keyed SM3 of user and code (keyring.BlindIndex), so a copy
// of the table cannot be searched offline without the key file.
const (
	recoveryCount    = 10
	recoveryHalf     = 5                                 // characters either side of the dash
	recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789" // no i, l, o, 0, 1
)

// newRecoveryCodes makes recoveryCount codes like "k7m2q-x9fbn" (about 49
// bits each).
func newRecoveryCodes() ([]string, error) {
	out := make([]string, recoveryCount)
	for i := range out {
		r, err := randomFrom(recoveryAlphabet, 2*recoveryHalf)
		if err != nil {
			return nil, fmt.Errorf("recovery codes: %w", err)
		}
		out[i] = r[:recoveryHalf] + "-" + r[recoveryHalf:]
	}
	return out, nil
}

// randomFrom returns n characters drawn uniformly from alphabet (bytes
// that would bias the draw are rejected).
func randomFrom(alphabet string, n int) (string, error) {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	var buf [32]byte
	for len(out) < n {
		if _, err := rand.Read(buf[:]); err != nil {
			return "", err
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}

// normalizeRecoveryCode accepts what people type: any case, with or
// without the dash and spaces.
func normalizeRecoveryCode(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

func (s *Service) recoveryHash(userID int64, normalized string) string {
	return s.ring.BlindIndex("recovery_code", strconv.FormatInt(userID, 10)+":"+normalized)
}

// storeRecoveryCodes replaces userID's recovery codes with codes.
func (s *Service) storeRecoveryCodes(ctx context.Context, tx *sql.Tx, userID int64, codes []string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("replace recovery codes: %w", err)
	}
	for _, c := range codes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)`,
			userID, s.recoveryHash(userID, normalizeRecoveryCode(c)), now); err != nil {
			return fmt.Errorf("store recovery code: %w", err)
		}
	}
	return nil
}

// useRecoveryCode marks an unused code of userID used and reports whether
// there was one. The conditional update makes it single-use across
// concurrent logins and servers.
func (s *Service) useRecoveryCode(ctx context.Context, tx *sql.Tx, userID int64, normalized string, now time.Time) (bool, error) {
	if len(normalized) != 2*recoveryHalf {
		return false, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`,
		now, userID, s.recoveryHash(userID, normalized))
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (s *Service) recoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count recovery codes: %w", err)
	}
	return n, nil
}

// RegenerateRecoveryCodes replaces pr's recovery codes with ten new ones,
// given a current TOTP code (or an unused recovery code), and returns them
// to be shown once.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, pr Principal, code string) ([]string, error) {
	if err := s.Authorize(ctx, pr, ActionSelf, Target{}); err != nil {
		return nil, err
	}
	codes, err := newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	err = s.withSecondFactor(ctx, pr, code, "totp.recovery_codes", func(tx *sql.Tx) error {
		return s.storeRecoveryCodes(ctx, tx, pr.UserID, codes, s.now())
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}
