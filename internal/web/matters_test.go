package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"liandong/internal/connector"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

func decodeInto(t testing.TB, res *http.Response, v any) {
	t.Helper()
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v (%s)", res.Request.URL.Path, err, b)
	}
}

// A locate through the API (S-LOC-2, S-LOC-3): a court officer files it
// with the debtor's ID, the police handler of the addressed bureau adds a
// clue and marks the debtor controlled, a handover opens, the court takes
// over. Another bureau's handler sees none of it.
func TestLocateAndHandoverThroughTheAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
		h.addUser("wu", "ga411602", directory.PoliceHandler)
		h.addUser("zheng", "ga411681", directory.PoliceHandler)
		court, police, other := h.session("zhang").Token, h.session("wu").Token, h.session("zheng").Token

		type mj struct {
			ID         int64  `json:"id"`
			State      string `json:"state"`
			StateLabel string `json:"state_label"`
			Seq        int64  `json:"seq"`
			SubjectID  int64  `json:"subject_id"`
			TimeLeft   string `json:"time_left"`
		}
		body := `{"kind":"locate","case_number":"(2024)豫16执100号","addressed_unit":"ga411602",
			"debtor":{"name":"王建设","id_number":"411626198001010011"},"payload":{"note":"请协助查找被执行人下落"}}`
		// A valid ID number for the debtor: compute its check digit.
		body = strings.Replace(body, "411626198001010011", validID("41162619800101001"), 1)
		res := h.call("POST", "/api/v1/matters", court, "application/json", strings.NewReader(body))
		var m mj
		if res.StatusCode != 201 {
			b, _ := io.ReadAll(res.Body)
			t.Fatalf("create: %d %s", res.StatusCode, b)
		}
		decodeInto(t, res, &m)
		if m.SubjectID == 0 || m.TimeLeft == "" {
			t.Errorf("created matter %+v: no debtor linked or no time left", m)
		}
		path := fmt.Sprintf("/api/v1/matters/%d", m.ID)
		// A detention goes to a detention centre, not to a bureau.
		res = h.call("POST", "/api/v1/matters", court, "application/json", strings.NewReader(`{"kind":"detention","case_number":"(2024)豫16执100号","addressed_unit":"ga411602","payload":{}}`))
		if code := errorCode(res); res.StatusCode != 400 || code != "matter.addressed_type" {
			t.Errorf("detention to a bureau: %d %s", res.StatusCode, code)
		}

		// Another bureau neither sees nor acts.
		res = h.call("GET", path, other, "", nil)
		if res.StatusCode != 404 {
			t.Errorf("other bureau GET: %d, want 404", res.StatusCode)
		}
		res.Body.Close()
		res = h.call("POST", path+"/actions/add_clue", other, "application/json", strings.NewReader(`{"payload":{}}`))
		if res.StatusCode != 404 {
			t.Errorf("other bureau act: %d, want 404", res.StatusCode)
		}
		res.Body.Close()

		// The addressed bureau sees it, with its allowed actions, and acts.
		var detail struct {
			Matter  mj `json:"matter"`
			Actions []struct {
				Action string `json:"action"`
			} `json:"actions"`
			Timeline []struct {
				Action string `json:"action"`
			} `json:"timeline"`
		}
		decodeInto(t, h.call("GET", path, police, "", nil), &detail)
		var acts []string
		for _, a := range detail.Actions {
			acts = append(acts, a.Action)
		}
		if !strings.Contains(strings.Join(acts, ","), "add_clue") || strings.Contains(strings.Join(acts, ","), "refuse") {
			t.Errorf("police actions %v", acts)
		}
		act := func(token, action, payload string) mj {
			t.Helper()
			res := h.call("POST", path+"/actions/"+action, token, "application/json", strings.NewReader(`{"payload":`+payload+`}`))
			var out struct {
				Matter mj `json:"matter"`
			}
			if res.StatusCode != 200 {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				t.Fatalf("%s: %d %s", action, res.StatusCode, b)
			}
			decodeInto(t, res, &out)
			return out.Matter
		}
		act(police, "add_clue", `{"type":"residence","content":"实际居住于川汇区七一路 18 号院","source":"人口信息系统","observed_at":"2025-03-03 10:00"}`)
		// The court may not add police clues.
		res = h.call("POST", path+"/actions/add_clue", court, "application/json", strings.NewReader(`{"payload":{"type":"residence","content":"x","source":"y","observed_at":"2025-03-03 10:00"}}`))
		if res.StatusCode < 400 {
			t.Errorf("court adding a police clue: %d", res.StatusCode)
		}
		res.Body.Close()
		after := act(police, "mark_controlled", `{"place":"川汇分局人民路派出所","controlled_at":"2025-03-03 11:00","unit":"川汇分局"}`)

		// The handover opened; the court finds it in its list and takes over.
		var list struct {
			Matters []struct {
				ID   int64  `json:"id"`
				Kind string `json:"kind"`
			} `json:"matters"`
		}
		decodeInto(t, h.call("GET", "/api/v1/matters?kind=handover", court, "", nil), &list)
		if len(list.Matters) != 1 {
			t.Fatalf("court sees %d handovers, want 1 (locate now %s)", len(list.Matters), after.State)
		}
		path = fmt.Sprintf("/api/v1/matters/%d", list.Matters[0].ID)
		taken := act(court, "take_over", `{"receiver":"张法官","place":"人民路派出所","received_at":"2025-03-03 12:00"}`)
		if taken.State == "" {
			t.Errorf("take_over: %+v", taken)
		}
		// A stale expect_seq is refused.
		res = h.call("POST", path+"/actions/hand_over", police, "application/json", strings.NewReader(`{"expect_seq":1,"payload":{"officer":"王警官","place":"人民路派出所","handed_at":"2025-03-03 12:05"}}`))
		if res.StatusCode != 409 {
			t.Errorf("stale expect_seq: %d, want 409", res.StatusCode)
		}
		res.Body.Close()
	})
}

// validID completes 17 digits with the GB 11643 check digit.
func validID(first17 string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range first17 {
		sum += int(c-'0') * weights[i]
	}
	return first17 + string("10X98765432"[sum%11])
}

// The same work on the pages: a court officer files a locate with the
// form, the police handler answers it from the inbox.
func TestMatterPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLite(t))
	h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
	h.addUser("wu", "ga411602", directory.PoliceHandler)
	court := h.browser()
	court.post("/login", url.Values{"username": {"zhang"}, "password": {testPassword}})
	status, body := court.get("/matters/new?kind=locate")
	if status != 200 || !strings.Contains(body, "执行案号") || !strings.Contains(body, "周口市公安局川汇分局") {
		t.Fatalf("new locate form: %d", status)
	}
	// A bad case number keeps the values and says what is wrong.
	_, body, _ = court.post("/matters", url.Values{"kind": {"locate"}, "case_number": {"豫16执100号"}, "addressed_unit": {"ga411602"}, "note": {"请协助"}})
	if !strings.Contains(body, "error-box") || !strings.Contains(body, `value="豫16执100号"`) {
		t.Errorf("bad case number: no message or the value was lost")
	}
	form := url.Values{"kind": {"locate"}, "case_number": {"（2024）豫16执100号"}, "addressed_unit": {"ga411602"},
		"debtor_name": {"王建设"}, "debtor_id": {validID("41162619800101001")}}
	for _, f := range []string{"note"} {
		form.Set(f, "请协助查找被执行人下落")
	}
	status, body, where := court.post("/matters", form)
	if status != 200 || !strings.HasPrefix(where.Path, "/matters/") || !strings.Contains(body, "时间线") {
		t.Fatalf("create through the page: %d at %s", status, where)
	}
	if !strings.Contains(body, "411626********") {
		t.Error("the debtor's ID is not shown masked")
	}
	if strings.Contains(body, validID("41162619800101001")) {
		t.Error("the debtor's full ID number is on the page")
	}
	police := h.browser()
	police.post("/login", url.Values{"username": {"wu"}, "password": {testPassword}})
	_, body = police.get("/matters")
	if !strings.Contains(body, "（2024）豫16执100号") || !strings.Contains(body, "按期") {
		t.Errorf("police inbox lacks the matter or its time state")
	}
	_, body = police.get(where.Path)
	if !strings.Contains(body, "补充线索") && !strings.Contains(body, "反馈线索") && !strings.Contains(body, "add_clue") {
		t.Errorf("police page offers no clue action")
	}
}

// The addressed bureau's handler queries the police systems for a locate's
// debtor (S-LOC-2); each record becomes a clue with its source and time,
// the court sees them, and no clue carries the identity number.
func TestLocateQueriesThePoliceSystems(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
		h.addUser("wu", "ga411602", directory.PoliceHandler)
		court, police := h.session("zhang").Token, h.session("wu").Token
		var debtor connector.SimPerson
		for _, p := range connector.NewSimulator(1).People() {
			if p.HasStays && p.HasTravelDocs && p.Note == "" {
				debtor = p
				break
			}
		}
		if debtor.IDNumber == "" {
			t.Fatal("the simulator has no person with stays and travel documents")
		}
		body := fmt.Sprintf(`{"kind":"locate","case_number":"（2024）豫16执100号","addressed_unit":"ga411602","debtor":{"name":%q,"id_number":%q},"payload":{"note":"请协助查找"}}`, debtor.Name, debtor.IDNumber)
		var m struct {
			ID int64 `json:"id"`
		}
		decodeInto(t, h.call("POST", "/api/v1/matters", court, "application/json", strings.NewReader(body)), &m)
		path := fmt.Sprintf("/api/v1/matters/%d", m.ID)
		// The court cannot answer its own request.
		res := h.call("POST", path+"/query-systems", court, "application/json", strings.NewReader(`{}`))
		if res.StatusCode != 403 {
			t.Errorf("court querying police systems: %d, want 403", res.StatusCode)
		}
		res.Body.Close()
		var out struct {
			Clues int `json:"clues"`
		}
		decodeInto(t, h.call("POST", path+"/query-systems", police, "application/json", strings.NewReader(`{}`)), &out)
		if out.Clues < 2 {
			t.Fatalf("clues from the simulated systems: %d, want at least household and a stay", out.Clues)
		}
		var detail struct {
			Matter struct {
				StateLabel string `json:"state_label"`
			} `json:"matter"`
			Timeline []struct {
				Action  string          `json:"action"`
				Payload json.RawMessage `json:"payload"`
			} `json:"timeline"`
		}
		decodeInto(t, h.call("GET", path, court, "", nil), &detail)
		sources := map[string]bool{}
		for _, e := range detail.Timeline {
			if e.Action != "add_clue" {
				continue
			}
			var c struct{ Source, Content string }
			json.Unmarshal(e.Payload, &c)
			sources[c.Source] = true
			if strings.Contains(c.Content, debtor.IDNumber) || strings.Contains(string(e.Payload), debtor.IDNumber) {
				t.Errorf("a clue carries the identity number: %s", e.Payload)
			}
		}
		if len(sources) < 2 {
			t.Errorf("clue sources %v, want several systems", sources)
		}
		// The reveal and the query are audited with the case number.
		var n int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM audit_entries WHERE action IN ('subject.reveal_id', 'connector.query') AND case_number = '（2024）豫16执100号'`).Scan(&n); err != nil || n < 2 {
			t.Errorf("audited reveal and query: %d, %v", n, err)
		}
	})
}

// A request form with its 拘传票 attached: a scanned warrant of a few MiB
// goes through the page (multipart uploads get the upload cap, not the
// 1 MiB cap of ordinary bodies).
func TestMatterFormTakesALargeDocument(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLite(t))
	h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
	b := h.browser()
	b.post("/login", url.Values{"username": {"zhang"}, "password": {testPassword}})
	b.get("/matters/new?kind=summons")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"csrf": b.csrf, "kind": "summons", "case_number": "（2024）豫16执100号", "addressed_unit": "ga411602",
		"approved_by": "president", "approved_at": "2025-03-02T17:00", "reason": "经两次传票传唤无正当理由拒不到场"} {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("warrant_digest", "拘传票.pdf")
	fw.Write([]byte("%PDF-1.4\n"))
	fw.Write(bytes.Repeat([]byte("% scanned page padding\n"), (2<<20)/23))
	fw.Write([]byte("startxref\n0\n%%EOF\n"))
	mw.Close()
	req, _ := http.NewRequest("POST", h.srv.URL+"/matters", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", h.srv.URL)
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Request.URL.Path, "/matters/") || !strings.Contains(string(body), "协助拘传") {
		t.Fatalf("a summons with a 2 MiB warrant: %d at %s", res.StatusCode, res.Request.URL)
	}
}
