package access

import (
	"testing"
	"time"
)

// TestAuthCachePutAfterClear: a request that read a session before a
// logout (or a revocation, a role change) committed must not put it back
// into the cache after the logout emptied it.
func TestAuthCachePutAfterClear(t *testing.T) {
	now := time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)
	pr := Principal{Username: "zhang"}
	for _, tc := range []struct {
		name    string
		clear   bool // a clear between reading the generation and put
		wantHit bool
	}{
		{"no change meanwhile", false, true},
		{"cleared meanwhile", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newAuthCache(time.Second, 100)
			gen := c.generation() // Authenticate, before it reads the session
			if tc.clear {
				c.clear() // Logout commits and empties the cache
			}
			c.put("k", pr, now, time.Time{}, gen) // the read, which predates the logout
			if _, hit := c.get("k", now); hit != tc.wantHit {
				t.Errorf("hit = %v, want %v", hit, tc.wantHit)
			}
		})
	}
}
