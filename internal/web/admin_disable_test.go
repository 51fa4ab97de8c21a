package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

// TestDisabledUserStopsAtOnce: when the system administrator disables a
// user on the users page, the user's open session stops at the next
// request, although authentication is cached for a second.
func TestDisabledUserStopsAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.addUser("admin", "ga411600-xxtx", directory.SysAdmin)
		h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
		admin := h.session("admin") // enrolling the administrator's second factor empties the cache: before the user's request
		user := h.session("zhang")
		if res := h.call("GET", "/api/v1/matters", user.Token, "", nil); res.StatusCode != http.StatusOK {
			t.Fatalf("before: %d", res.StatusCode)
		}
		form := url.Values{"active": {"false"}, "csrf": {admin.CSRFToken}}
		res := h.call("POST", "/admin/users/zhang/active", admin.Token, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if res.StatusCode >= 400 {
			t.Fatalf("disable: %d", res.StatusCode)
		}
		if res := h.call("GET", "/api/v1/matters", user.Token, "", nil); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("a disabled user's session still answered: %d", res.StatusCode)
		}
	})
}
