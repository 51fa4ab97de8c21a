// Package access signs people and systems in and decides what they may do:
// password login with lockout, sessions, bearer tokens for system accounts,
// the TOTP second factor with recovery codes, the password rules of graded
// protection level 3, and THE permission policy (policy.go), one table of
// role × action × scope with the seed clause each row serves (S-SEC-2,
// S-ORG). Every login attempt and every change it makes is audited
// (S-SEC-1), in the same transaction as the change where there is one.
//
// The HTTP layer owns cookies, headers and CSRF checking; it calls Login,
// Authenticate, Logout and the rest with plain values and gets a Principal
// back, which it passes to Policy.Check (or Service.Authorize, which also
// audits a denial) before each domain call.
package access

import (
	"time"

	"liandong/internal/directory"
	"liandong/internal/workday"
)

// Config tunes the service. Zero fields take the defaults below; NewService
// fills them in. It is built once by the caller; nothing here is global.
type Config struct {
	// Now is the clock (tests inject one). Default time.Now.
	Now func() time.Time
	// IdleTimeout ends a session that has not been used for this long.
	// Default 30 minutes.
	IdleTimeout time.Duration
	// SessionLifetime ends a session this long after login whatever its use.
	// Default 12 hours.
	SessionLifetime time.Duration
	// TouchInterval is how stale a session's last-seen time may get before
	// Authenticate writes it again; it bounds the error of the idle timeout
	// and keeps Authenticate a read almost always. Default 1 minute.
	TouchInterval time.Duration
	// MaxFailures consecutive failed logins lock the account for
	// LockDuration. Defaults 5 and 15 minutes.
	MaxFailures  int
	LockDuration time.Duration
	// PasswordHistory is how many recent passwords (the current one
	// included) a change may not reuse. Default 5.
	PasswordHistory int
	// TokenMaxLifetime caps the expiry of API tokens. Default 366 days.
	TokenMaxLifetime time.Duration
	// TreeTTL is how long the cached unit tree is trusted before it is read
	// again (other servers may have changed units). Default 1 minute.
	TreeTTL time.Duration
	// Location is the time zone of times in messages ("请于 14:35 后重试").
	// Default China Standard Time (UTC+8, no daylight saving).
	Location *time.Location
	// Issuer names the platform in authenticator apps. Default "周口执行联动".
	Issuer string
	// AuthCacheTTL is how long an authenticated session or token is
	// remembered without reading the database again (authcache.go).
	// Default 1 second; negative turns the cache off.
	AuthCacheTTL time.Duration
	// HashPassword hashes new passwords. Default directory.HashPassword
	// (argon2id). Tests pass a cheaper argon2id; production leaves it nil.
	HashPassword func(password string) (string, error)
}

// Defaults of Config.
const (
	DefaultIdleTimeout      = 30 * time.Minute
	DefaultSessionLifetime  = 12 * time.Hour
	DefaultTouchInterval    = time.Minute
	DefaultAuthCacheTTL     = time.Second
	DefaultMaxFailures      = 5
	DefaultLockDuration     = 15 * time.Minute
	DefaultPasswordHistory  = 5
	DefaultTokenMaxLifetime = 366 * 24 * time.Hour
	DefaultTreeTTL          = time.Minute
	DefaultIssuer           = "周口执行联动"
)

// chinaTime is UTC+8; China has had no daylight saving since 1991, so a
// fixed zone is exact and needs no tzdata on the server.
var chinaTime = workday.Location()

func (c Config) withDefaults() Config {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.SessionLifetime <= 0 {
		c.SessionLifetime = DefaultSessionLifetime
	}
	if c.AuthCacheTTL == 0 {
		c.AuthCacheTTL = DefaultAuthCacheTTL
	}
	if c.TouchInterval <= 0 {
		c.TouchInterval = DefaultTouchInterval
	}
	if c.MaxFailures <= 0 {
		c.MaxFailures = DefaultMaxFailures
	}
	if c.LockDuration <= 0 {
		c.LockDuration = DefaultLockDuration
	}
	if c.PasswordHistory <= 0 {
		c.PasswordHistory = DefaultPasswordHistory
	}
	if c.TokenMaxLifetime <= 0 {
		c.TokenMaxLifetime = DefaultTokenMaxLifetime
	}
	if c.TreeTTL <= 0 {
		c.TreeTTL = DefaultTreeTTL
	}
	if c.Location == nil {
		c.Location = chinaTime
	}
	if c.Issuer == "" {
		c.Issuer = DefaultIssuer
	}
	if c.HashPassword == nil {
		c.HashPassword = directory.HashPassword
	}
	return c
}
