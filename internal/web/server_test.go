package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
	"liandong/internal/web"
)

func newServer(t *testing.T, d *db.DB) *httptest.Server {
	t.Helper()
	s, err := web.New(web.Config{Side: "all", Version: "test"}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ts := newServer(t, d)
		res, err := http.Get(ts.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var h struct {
			Status        string `json:"status"`
			Engine        string `json:"engine"`
			SchemaVersion int    `json:"schema_version"`
		}
		if err := json.NewDecoder(res.Body).Decode(&h); err != nil {
			t.Fatal(err)
		}
		ms, _ := db.Migrations()
		if res.StatusCode != 200 || h.Status != "ok" || h.Engine != string(d.Engine) || h.SchemaVersion != ms[len(ms)-1].Version {
			t.Errorf("healthz = %d %+v", res.StatusCode, h)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type %q", ct)
		}
	})
}

func TestHealthzIs503WhenTheDatabaseIsGone(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ts := newServer(t, d)
		d.Close()
		res, err := http.Get(ts.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "数据库无法访问") {
			t.Errorf("healthz on a closed database = %d %s", res.StatusCode, body)
		}
	})
}

func TestHomeListsUnitsWithSecurityHeaders(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	if _, err := directory.NewStore(d).LoadZhoukou(t.Context()); err != nil {
		t.Fatal(err)
	}
	ts := newServer(t, d)
	res, err := http.Get(ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	for _, want := range []string{"周口市法院公安执行协作联动平台", "周口市中级人民法院", "周口市公安局信息通信处", "联络部门"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	for h, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	res2, err := http.Get(ts.URL + "/no-such-page")
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %d, want 404", res2.StatusCode)
	}
}
