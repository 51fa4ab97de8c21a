package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"liandong/internal/access"
	"liandong/internal/audit"
	"liandong/internal/credit"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
	"liandong/internal/feed"
)

func feedResidentID(seq int) string {
	body := fmt.Sprintf("41160219800501%03d", seq)
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(body[i]-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

// The change feed through the API: a police system's token reads full
// numbers page by page, a police leader masked ones, a police handler in a
// session nothing; each read is audited. The security administrator adds,
// lists and removes webhook subscriptions; the node key is public.
func TestCreditFeedAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		ctx := context.Background()
		officer := access.Principal{Username: "chfy", UnitCode: "fy411602-zxj", Roles: []directory.Role{directory.CourtOfficer}}
		for i := 1; i <= 3; i++ {
			if _, err := h.credit.Add(ctx, officer, credit.NewEntry{Kind: "person", Name: "王伟", IDNumber: feedResidentID(i), Ground: credit.Int(1),
				Obligation: "支付货款 1000 元", Performance: "全部未履行", Conduct: "有履行能力而拒不履行", BasisUnit: "周口市川汇区人民法院",
				BasisNumber: "（2023）豫1602民初1号", CaseNumber: fmt.Sprintf("（2024）豫1602执%d号", i), FiledOn: "2024-01-05", DecidedOn: "2024-03-15"}); err != nil {
				t.Fatal(err)
			}
		}
		h.addUser("admin", "ga411600-xxtx", directory.SysAdmin)
		h.addUser("sec", "ga411600-xxtx", directory.SecAdmin)
		h.addUser("ga-leader", "ga411602", directory.PoliceLeader)
		h.addUser("ga-handler", "ga411602", directory.PoliceHandler)
		hash, _ := cheapHash(testPassword)
		if _, err := h.dir.AddUser(ctx, directory.NewUser{Username: "crj-system", Unit: "ga411602", Roles: []directory.Role{directory.PoliceHandler},
			PasswordHash: hash, SystemAccount: true}); err != nil {
			t.Fatal(err)
		}
		var tok struct{ Token string }
		decodeInto(t, h.call("POST", "/api/v1/users/crj-system/tokens", h.session("admin").Token, "application/json", strings.NewReader(`{"label":"出入境系统","days":30}`)), &tok)

		var page feed.Page
		res := h.call("GET", "/api/v1/credit/changes?limit=2", tok.Token, "", nil)
		decodeInto(t, res, &page)
		if res.StatusCode != 200 || len(page.Changes) != 2 || page.Next != 2 || !page.More || page.Changes[0].Entry.IDNumbers[0] != feedResidentID(1) || page.Changes[0].Entry.Masked {
			t.Fatalf("system page: %d %+v", res.StatusCode, page)
		}
		decodeInto(t, h.call("GET", "/api/v1/credit/changes?after=2", tok.Token, "", nil), &page)
		if len(page.Changes) != 1 || page.Next != 3 || page.More {
			t.Errorf("second page: %+v", page)
		}
		res = h.call("GET", "/api/v1/credit/changes", h.session("ga-leader").Token, "", nil)
		decodeInto(t, res, &page)
		if res.StatusCode != 200 || len(page.Changes) != 3 || !page.Changes[0].Entry.Masked || strings.Contains(page.Changes[0].Entry.IDNumbers[0], "19800501") {
			t.Errorf("leader page: %d %+v", res.StatusCode, page)
		}
		for path, code := range map[string]string{"/api/v1/credit/changes?after=x": feed.CodeBadCursor, "/api/v1/credit/changes?after=99": feed.CodeCursorAhead,
			"/api/v1/credit/changes?limit=0": feed.CodeBadLimit} {
			res := h.call("GET", path, tok.Token, "", nil)
			if got := errorCode(res); res.StatusCode != 400 || got != code {
				t.Errorf("%s: %d %s, want 400 %s", path, res.StatusCode, got, code)
			}
			res.Body.Close()
		}
		res = h.call("GET", "/api/v1/credit/changes", h.session("ga-handler").Token, "", nil)
		if got := errorCode(res); res.StatusCode != 403 || got != access.CodeDenied {
			t.Errorf("handler in a session: %d %s", res.StatusCode, got)
		}
		res.Body.Close()
		es, _, err := h.audit.Search(ctx, audit.Query{ActionPrefix: "credit.feed_read", Limit: audit.MaxLimit})
		if err != nil || len(es) != 6 || !strings.Contains(es[len(es)-1].Detail+es[0].Detail, "full_numbers=true") {
			t.Errorf("feed audit: %d entries, %v", len(es), err)
		}

		// Webhook subscriptions.
		sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		t.Cleanup(sub.Close)
		sec := h.session("sec").Token
		var hook struct {
			ID                   int64  `json:"id"`
			DeliveredVersion     uint64 `json:"delivered_version"`
			PublicKeyFingerprint string `json:"public_key_fingerprint"`
		}
		res = h.call("POST", "/api/v1/credit/webhooks", sec, "application/json", strings.NewReader(`{"url":"`+sub.URL+`/hook","label":"出入境管理系统","after":1}`))
		decodeInto(t, res, &hook)
		if res.StatusCode != 201 || hook.ID == 0 || hook.DeliveredVersion != 1 || len(hook.PublicKeyFingerprint) != 32 {
			t.Fatalf("create webhook: %d %+v", res.StatusCode, hook)
		}
		res = h.call("POST", "/api/v1/credit/webhooks", sec, "application/json", strings.NewReader(`{"url":"http://10.0.0.9/hook","label":"x"}`))
		if got := errorCode(res); res.StatusCode != 400 || got != feed.CodeBadURL {
			t.Errorf("plain http to another host: %d %s", res.StatusCode, got)
		}
		res.Body.Close()
		var list struct{ Webhooks []feed.Webhook }
		decodeInto(t, h.call("GET", "/api/v1/credit/webhooks", sec, "", nil), &list)
		if len(list.Webhooks) != 1 || list.Webhooks[0].Label != "出入境管理系统" {
			t.Errorf("list: %+v", list)
		}
		path := fmt.Sprintf("/api/v1/credit/webhooks/%d", hook.ID)
		res = h.call("GET", path+"/deliveries", sec, "", nil)
		if res.StatusCode != 200 {
			t.Errorf("deliveries: %d", res.StatusCode)
		}
		res.Body.Close()
		if res := h.call("DELETE", path, sec, "", nil); res.StatusCode != 200 {
			t.Errorf("delete: %d", res.StatusCode)
		}
		res = h.call("DELETE", path, sec, "", nil)
		if got := errorCode(res); res.StatusCode != 404 || got != feed.CodeNotFound {
			t.Errorf("second delete: %d %s", res.StatusCode, got)
		}
		res.Body.Close()

		res = h.call("GET", "/api/v1/node/public-key", "", "", nil)
		pemText, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(string(pemText), "-----BEGIN PUBLIC KEY-----") || res.Header.Get("X-Liandong-Key-Fingerprint") != hook.PublicKeyFingerprint {
			t.Errorf("node public key: %d %s", res.StatusCode, pemText)
		}
	})
}
