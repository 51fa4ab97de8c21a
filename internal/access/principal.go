package access

import (
	"strings"

	"liandong/internal/directory"
)

// Principal is who is acting: the user behind a session or an API token,
// as Authenticate found them on this request (roles and flags are read
// fresh each time, so a role change or a finished TOTP enrolment applies at
// once).
type Principal struct {
	UserID      int64
	Username    string
	DisplayName string
	UnitCode    string
	// CourtCode is the unit code of the user's court (the nearest
	// ancestor-or-self that is an intermediate or basic court: fy411600 for
	// a user of fy411600-zxj), "" for police users. For display and for
	// filters; Policy.Check derives it again from UnitCode.
	CourtCode string
	Side      string // "court" or "police": the side of the user's unit
	Roles     []directory.Role
	// SessionID is the public id of the session ("" for API tokens): it
	// appears in audit details and in the list of one's sessions.
	SessionID string
	// ViaToken is true when an API token authenticated the request. Such
	// requests need no CSRF token (they carry no cookie).
	ViaToken bool
	// MustChangePassword: the password was set by an administrator (or is
	// the initial one) and must be changed; only ActionSelf is allowed
	// until it is.
	MustChangePassword bool
	// NeedsTOTPSetup: an administrator without a second factor yet; only
	// ActionSelf is allowed until TOTP enrolment is confirmed.
	NeedsTOTPSetup bool
	// CSRFToken is the session's anti-forgery token, to embed in forms.
	CSRFToken string
	// Source is the client address Authenticate was given, for the audit
	// entries of what this principal does.
	Source string
}

// Has reports whether the principal holds role r.
func (p Principal) Has(r directory.Role) bool {
	for _, x := range p.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// IsAdmin reports whether the principal holds one of the three separated
// administrator roles (who must use a second factor).
func (p Principal) IsAdmin() bool { return anyAdmin(p.Roles) }

// Restricted reports whether the principal may only use ActionSelf until a
// password change or TOTP enrolment is done.
func (p Principal) Restricted() bool { return p.MustChangePassword || p.NeedsTOTPSetup }

// CheckCSRF reports, in constant time, whether token is this session's
// CSRF token. Requests authenticated by an API token need no CSRF token
// and pass.
func (p Principal) CheckCSRF(token string) bool {
	if p.ViaToken {
		return true
	}
	if p.CSRFToken == "" || token == "" {
		return false
	}
	return equalSecret(p.CSRFToken, token)
}

// roleNames joins roles for audit entries.
func (p Principal) roleNames() string { return joinRoles(p.Roles) }

func joinRoles(rs []directory.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func anyAdmin(rs []directory.Role) bool {
	for _, r := range rs {
		if ri, ok := r.Info(); ok && ri.Admin {
			return true
		}
	}
	return false
}
