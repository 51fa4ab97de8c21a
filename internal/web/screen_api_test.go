package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

// TestScreenAPI screens through HTTP as a police system, checks the
// answer's shape and the Chinese errors with their field, and walks the
// hit review page as the listing court's officer; another court's
// officer sees no hit.
func TestScreenAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		hit := probeHit(t, h) // listed by fy411602, one hit recorded
		h.addUser("wu", "ga411602", directory.PoliceHandler)
		h.addUser("chen", "fy411602-zxj", directory.CourtOfficer)
		h.addUser("zhou", "fy411603-zxj", directory.CourtOfficer)
		police := h.session("wu").Token

		id := screenResidentID("411602", "19800501", "013")
		body := fmt.Sprintf(`{"business":"exit_entry_permit","place":"川汇区出入境大厅","queries":[{"ref":"a1","name":"张三","id_number":"%s"},{"ref":"a2","name":"王\"五","birth_date":"1990-02-03","sex":"男"}]}`, id)
		res := h.call("POST", "/api/v1/screen", police, "application/json", strings.NewReader(body))
		var out struct {
			Version  uint64 `json:"version"`
			Business string `json:"business"`
			Hits     int    `json:"hits"`
			Results  []struct {
				Ref     string   `json:"ref"`
				Band    string   `json:"band"`
				EntryID int64    `json:"entry_id"`
				Score   float64  `json:"score"`
				Tier    string   `json:"tier"`
				Reasons []string `json:"reasons"`
				Action  string   `json:"action"`
			} `json:"results"`
		}
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("screen: %d %v", res.StatusCode, err)
		}
		res.Body.Close()
		if out.Version == 0 || out.Business != "exit_entry_permit" || out.Hits != 1 || len(out.Results) != 2 ||
			out.Results[0].Band != "hit" || out.Results[0].Action != "block" || out.Results[0].Tier != "exact" || out.Results[0].Score != 1 || len(out.Results[0].Reasons) == 0 ||
			out.Results[1].Ref != "a2" || out.Results[1].Band != "none" || out.Results[1].Action != "none" {
			t.Fatalf("answer: %+v", out)
		}

		for _, tc := range []struct{ body, code, field string }{
			{`{"business":"exit_entry_permit","queries":[{"ref":"x","name":"张三"},{"ref":"y","birth_date":"1980-01-01"}]}`, "screen.query", "queries[1].name"},
			{`{"business":"exit_entry_permit","queries":[{"name":"张三","birth_date":"80年"}]}`, "screen.query", "queries[0].birth_date"},
			{`{"business":"bank","queries":[{"name":"张三"}]}`, "screen.business", "business"},
			{`{"business":"exit_entry_permit","queries":[]}`, "screen.batch_size", "queries"},
			{`{"business":"exit_entry_permit","queries":[{"name":"张三","nickname":"x"}]}`, "request.json", "nickname"},
		} {
			res := h.call("POST", "/api/v1/screen", police, "application/json", strings.NewReader(tc.body))
			var e struct {
				Error struct{ Code, Message, Field string } `json:"error"`
			}
			json.NewDecoder(res.Body).Decode(&e)
			res.Body.Close()
			if res.StatusCode != http.StatusBadRequest || e.Error.Code != tc.code || e.Error.Field != tc.field || e.Error.Message == "" {
				t.Errorf("%s: %d %+v, want %s on %q", tc.body, res.StatusCode, e.Error, tc.code, tc.field)
			}
		}

		// The listing court's queue: two hits now (probe and a1).
		b := h.browser()
		if code, _, _ := b.post("/login", url.Values{"username": {"chen"}, "password": {testPassword}}); code != http.StatusOK {
			t.Fatalf("login: %d", code)
		}
		code, page := b.get("/credit/hits")
		if code != http.StatusOK || strings.Count(page, `<tr id="hit-`) != 2 || !strings.Contains(page, "出入境证件签发") || !strings.Contains(page, "川汇区出入境大厅") || strings.Contains(page, id) {
			t.Fatalf("hits page: %d\n%s", code, page)
		}
		code, page, _ = b.post(fmt.Sprintf("/credit/hits/%d/review", hit), url.Values{"verdict": {"false_positive"}, "note": {"同名不同人"}})
		if code != http.StatusOK || strings.Count(page, `<tr id="hit-`) != 1 {
			t.Fatalf("after review: %d\n%s", code, page)
		}
		if _, page = b.get("/credit/hits?review=false_positive"); !strings.Contains(page, "同名不同人") {
			t.Fatalf("reviewed hits: %s", page)
		}
		other := h.session("zhou").Token
		res = h.call("GET", "/api/v1/screen/hits?review=", other, "", nil)
		var hs struct {
			Hits []json.RawMessage `json:"hits"`
		}
		json.NewDecoder(res.Body).Decode(&hs)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || len(hs.Hits) != 0 {
			t.Fatalf("another court's queue: %d %d hits", res.StatusCode, len(hs.Hits))
		}
	})
}
