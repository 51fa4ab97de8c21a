package access

import (
	"sync"
	"time"
)

// authCache remembers, for a short while, whom a session or API token
// authenticated as, so that a busy client (a police business system
// checking vehicles, a court officer's page loading its parts) does not
// cost a database read per request.
//
// Decision: entries live AuthCacheTTL (default 1 second). Whatever this
// service itself changes — a logout, a revoked session or token, a changed
// or reset password, granted roles, a second factor — empties the cache at
// once; a change made elsewhere (another server, a user disabled in the
// directory) takes effect within the TTL. The idle timeout still holds: a
// miss reads the session and touches it as before, and a cached entry never
// outlives the session's absolute end.
type authCache struct {
	mu      sync.RWMutex
	ttl     time.Duration
	max     int
	entries map[string]cachedPrincipal
	// gen counts clears. A caller reads it before it reads the database
	// and hands it to put, which drops the entry if a clear came in
	// between: otherwise a request that read a session just before a
	// logout committed would cache it again just after the logout's clear.
	gen uint64
}

type cachedPrincipal struct {
	pr    Principal
	until time.Time
}

func newAuthCache(ttl time.Duration, max int) *authCache {
	return &authCache{ttl: ttl, max: max, entries: map[string]cachedPrincipal{}}
}

func (c *authCache) get(key string, now time.Time) (Principal, bool) {
	if c == nil {
		return Principal{}, false
	}
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || !now.Before(e.until) {
		return Principal{}, false
	}
	pr := e.pr
	pr.Roles = append(pr.Roles[:0:0], pr.Roles...) // the caller may not touch the cached slice
	return pr, true
}

// generation is what to pass to put for a principal about to be read.
func (c *authCache) generation() uint64 {
	if c == nil {
		return 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// put remembers pr until now+ttl or end, whichever comes first, unless the
// cache was cleared since gen (what was read may predate the change).
func (c *authCache) put(key string, pr Principal, now, end time.Time, gen uint64) {
	if c == nil {
		return
	}
	until := now.Add(c.ttl)
	if !end.IsZero() && end.Before(until) {
		until = end
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.entries) >= c.max { // bounded: start afresh rather than grow
		c.entries = map[string]cachedPrincipal{}
	}
	c.entries[key] = cachedPrincipal{pr: pr, until: until}
}

// clear forgets everything: called after any change that could make a
// cached principal wrong.
func (c *authCache) clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.entries = map[string]cachedPrincipal{}
	c.gen++
	c.mu.Unlock()
}

// AccountChanged empties the authentication cache: call it after changing
// an account outside this service (a user disabled or enabled in the
// directory), so the change takes effect at once on this server.
func (s *Service) AccountChanged() { s.cache.clear() }
