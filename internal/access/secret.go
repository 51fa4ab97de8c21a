package access

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/emmansun/gmsm/sm3"
)

// tokenBytes is the entropy of session tokens, CSRF tokens and API tokens.
const tokenBytes = 32

// apiTokenPrefix marks API tokens. The dot never occurs in base64url, so a
// session token can never be mistaken for one.
const apiTokenPrefix = "ldt."

// randomToken returns n random bytes, base64url without padding.
func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// randomID returns a short random public handle (hex), for session ids.
func randomID() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// hashToken is the stored form of a session or API token: SM3, hex. The
// tokens carry 256 bits of entropy, so an unkeyed hash is enough: nobody
// can search for a preimage.
func hashToken(token string) string {
	sum := sm3.Sum([]byte(token))
	return hex.EncodeToString(sum[:])
}

// IsAPIToken reports whether s has the form of an API token rather than a
// session token. The web layer takes API tokens only from the Authorization
// header and session tokens only from the cookie.
func IsAPIToken(s string) bool { return strings.HasPrefix(s, apiTokenPrefix) }

// equalSecret compares two secrets in constant time.
func equalSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// clip shortens s to at most n bytes on a rune boundary, for values from
// clients (usernames tried, user agents) that go into rows and audit
// entries.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
