package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

// testResidentID builds a valid 18-digit number from a region, a birth
// date YYYYMMDD and a 3-digit sequence.
func testResidentID(region, birth, seq string) string {
	body := region + birth + seq
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(body[i]-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

const creditCSVHeader = "kind,name,sex,birth_date,id_number,documents,credit_code,legal_rep,legal_rep_id,ground,obligation,performance,conduct,basis_unit,basis_number,case_number,filed_on,initiation,applied_on,decision_number,decided_on,decision_sm3,term_years,extension_reason,published_at\n"

// creditCSVLine is a listing decision of 川汇区法院 (fy411602) for debtor
// number n: ground 1 (no term) when n is odd, 4 (two years) when even.
func creditCSVLine(name string, n int) string {
	ground := 1
	if n%2 == 0 {
		ground = 4
	}
	return fmt.Sprintf("person,%s,,,%s,,,,,%d,支付借款本金 100000 元及利息,全部未履行,有履行能力而拒不履行,周口市川汇区人民法院,（2025）豫1602民初%d号,（2026）豫1602执%d号,2026-01-05,,,,2026-03-02,,,,\n",
		name, testResidentID("411602", fmt.Sprintf("%d0101", 1980+n/1000), fmt.Sprintf("%03d", (100+n)%1000)), ground, n, n)
}

// importBody is a multipart upload of a list file.
func importBody(name, content string, skip bool) (string, io.Reader) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if skip {
		_ = mw.WriteField("skip_invalid", "true")
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write([]byte(content))
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func decode[T any](t testing.TB, res *http.Response, want int) T {
	t.Helper()
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", res.Request.Method, res.Request.URL.Path, res.StatusCode, want, b)
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v: %s", res.Request.URL.Path, err, b)
	}
	return v
}

type jobJSON struct {
	ID        string `json:"id"`
	State     string `json:"state"`
	Done      int    `json:"done"`
	Total     int    `json:"total"`
	Committed bool   `json:"committed"`
	Report    struct {
		Lines         int `json:"lines"`
		Imported      int `json:"imported"`
		RejectedCount int `json:"rejected_count"`
		Rejected      []struct {
			Line     int `json:"line"`
			Problems []struct {
				Message string `json:"message"`
			} `json:"problems"`
		} `json:"rejected"`
	} `json:"report"`
	Error *struct{ Code, Message string } `json:"error"`
}

// importAndWait uploads a file through the API and polls its job to the end.
func (h *harness) importAndWait(token, name, content string, skip bool) jobJSON {
	h.t.Helper()
	ct, body := importBody(name, content, skip)
	j := decode[jobJSON](h.t, h.call("POST", "/api/v1/credit/imports", token, ct, body), http.StatusAccepted)
	for i := 0; j.State == "running"; i++ {
		if i > 500 {
			h.t.Fatalf("import %s still running", j.ID)
		}
		time.Sleep(10 * time.Millisecond)
		j = decode[jobJSON](h.t, h.call("GET", "/api/v1/credit/imports/"+j.ID, token, "", nil), http.StatusOK)
	}
	return j
}

type searchJSON struct {
	Entries []struct {
		ID         int64  `json:"id"`
		Name       string `json:"name"`
		State      string `json:"state"`
		CaseNumber string `json:"case_number"`
		Documents  []struct {
			Masked string `json:"masked"`
		} `json:"documents"`
		OpenDuties *int `json:"open_duties"`
	} `json:"entries"`
	Total int `json:"total"`
}

func (h *harness) creditSearch(token, query string) searchJSON {
	h.t.Helper()
	return decode[searchJSON](h.t, h.call("GET", "/api/v1/credit/entries?"+query, token, "", nil), http.StatusOK)
}

// TestCreditPagesAndAPI walks the list pages' API and pages: an import
// with its report, a refused file that leaves the list unchanged, search
// by name, number and case, an entry's acts with their duties and audit,
// the correction applications, and the scope: another court's officer and
// police are refused, a leader of the court above reads but cannot change.
func TestCreditPagesAndAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.addUser("chfy", "fy411602-zxj", directory.CourtOfficer)
		h.addUser("hyfy", "fy411603-zxj", directory.CourtOfficer)
		h.addUser("zy-leader", "fy411600-zxj", directory.CourtLeader)
		h.addUser("ga", "ga411602", directory.PoliceHandler)
		off := h.session("chfy").Token
		other := h.session("hyfy").Token
		leader := h.session("zy-leader").Token
		police := h.session("ga").Token

		// A good file: all three lines listed.
		good := creditCSVHeader + creditCSVLine("王建国", 1) + creditCSVLine("李秀英", 2) + creditCSVLine("张伟", 3)
		j := h.importAndWait(off, "list.csv", good, false)
		if j.State != "done" || !j.Committed || j.Report.Imported != 3 || j.Done != 3 || j.Total != 3 {
			t.Fatalf("good import: %+v", j)
		}
		// Another user cannot see the job, even with its id.
		if res := h.call("GET", "/api/v1/credit/imports/"+j.ID, other, "", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("another user's job: %d", res.StatusCode)
		}

		// A file with a bad line (a minor, and a case of another court) is
		// refused whole, with line numbers and Chinese reasons.
		bad := creditCSVHeader + creditCSVLine("赵敏", 5) +
			strings.Replace(creditCSVLine("钱多多", 6), testResidentID("411602", "19800101", "106"), testResidentID("411602", "20150101", "106"), 1) +
			strings.Replace(creditCSVLine("孙小美", 7), "豫1602执", "豫1603执", 1)
		j = h.importAndWait(off, "bad.csv", bad, false)
		if j.State != "refused" || j.Committed || j.Error == nil || j.Error.Code != "credit.import_rejected" || j.Report.RejectedCount != 2 {
			t.Fatalf("bad import: %+v", j)
		}
		if j.Report.Rejected[0].Line != 3 || !strings.Contains(j.Report.Rejected[0].Problems[0].Message, "未成年人") || j.Report.Rejected[1].Line != 4 {
			t.Errorf("rejected lines: %+v", j.Report.Rejected)
		}
		if s := h.creditSearch(off, ""); s.Total != 3 {
			t.Fatalf("after the refused file the list has %d entries, want 3", s.Total)
		}

		// Search: a part of the name, the exact number (full-width digits
		// find it too), the case number in another bracket style, the state.
		s := h.creditSearch(off, "name="+url.QueryEscape("秀"))
		if s.Total != 1 || s.Entries[0].Name != "李秀英" || !strings.Contains(s.Entries[0].Documents[0].Masked, "*") {
			t.Fatalf("search by name: %+v", s)
		}
		li := s.Entries[0].ID
		num := testResidentID("411602", "19800101", "102")
		wide := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r - '0' + '０'
			}
			return r
		}, num)
		if s := h.creditSearch(off, "id_number="+url.QueryEscape(wide)); s.Total != 1 || s.Entries[0].ID != li {
			t.Errorf("search by number: %+v", s)
		}
		if s := h.creditSearch(off, "case_number="+url.QueryEscape("(2026)豫1602执3号")); s.Total != 1 || s.Entries[0].Name != "张伟" {
			t.Errorf("search by case: %+v", s)
		}
		// Reading the list is audited (S-SEC-1); a searched number only masked.
		if res := h.call("GET", "/api/v1/credit/entries/"+strconv.FormatInt(li, 10), off, "", nil); res.StatusCode != http.StatusOK {
			t.Fatalf("entry: %d", res.StatusCode)
		}
		searches, _, err := h.audit.Search(context.Background(), audit.Query{ActionPrefix: "credit.search", Limit: audit.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		masked := false
		for _, e := range searches {
			if strings.Contains(e.Detail, num) || strings.Contains(e.Detail, wide) {
				t.Errorf("the audit log holds the searched number in clear: %s", e.Detail)
			}
			masked = masked || (e.Username == "chfy" && strings.Contains(e.Detail, "id=") && strings.Contains(e.Detail, "rows=1"))
		}
		reads, _, err := h.audit.Search(context.Background(), audit.Query{ActionPrefix: "credit.entry_read", Limit: audit.MaxLimit})
		if err != nil || !masked || len(reads) == 0 || reads[0].Object != "credit:"+strconv.FormatInt(li, 10) {
			t.Errorf("list reads not audited: searches %d (number search found: %v), reads %+v, %v", len(searches), masked, reads, err)
		}
		if res := h.call("GET", "/api/v1/credit/entries?id_number=12345", off, "", nil); errorCode(res) != "credit.invalid" {
			t.Errorf("a malformed number is not refused as such")
		}
		wang := h.creditSearch(off, "name="+url.QueryEscape("王建国")).Entries[0].ID
		zhang := h.creditSearch(off, "name="+url.QueryEscape("张伟")).Entries[0].ID

		// Scope: another court's officer finds nothing and is refused the
		// entry and every act; police are refused; the intermediate court's
		// leader reads (court tree) but cannot change (own court only).
		if s := h.creditSearch(other, ""); s.Total != 0 {
			t.Errorf("another court's officer finds %d entries", s.Total)
		}
		entryPath := "/api/v1/credit/entries/" + strconv.FormatInt(wang, 10)
		for _, tc := range []struct {
			who, token, method, path string
			body                     string
			want                     int
		}{
			{"other court", other, "GET", entryPath, "", http.StatusForbidden},
			{"other court", other, "POST", entryPath + "/remove", `{"reason":"performed"}`, http.StatusForbidden},
			{"other court", other, "POST", entryPath + "/repairs", `{"measure":"x"}`, http.StatusForbidden},
			{"police", police, "GET", entryPath, "", http.StatusForbidden},
			{"police", police, "GET", "/api/v1/credit/entries", "", http.StatusForbidden},
			{"leader above", leader, "GET", entryPath, "", http.StatusOK},
			{"leader above", leader, "POST", entryPath + "/remove", `{"reason":"performed"}`, http.StatusForbidden},
		} {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			res := h.call(tc.method, tc.path, tc.token, "application/json", body)
			code := errorCode(res)
			res.Body.Close()
			if res.StatusCode != tc.want || tc.want == http.StatusForbidden && code != "access.denied" {
				t.Errorf("%s %s %s: %d %s, want %d", tc.who, tc.method, tc.path, res.StatusCode, code, tc.want)
			}
		}
		if s := h.creditSearch(leader, ""); s.Total != 3 {
			t.Errorf("the intermediate court's leader finds %d entries, want 3", s.Total)
		}
		var denied int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM audit_entries WHERE username = 'hyfy' AND outcome = 'denied' AND action = 'credit.manage'`).Scan(&denied); err != nil || denied < 3 {
			t.Errorf("denials of the other court's officer audited: %d (%v)", denied, err)
		}

		// Removal: the ground is recorded (a 3-working-day duty), then the
		// removal is done through the duty.
		type dutyJSON struct {
			ID      int64  `json:"id"`
			Kind    string `json:"kind"`
			Overdue bool   `json:"overdue"`
			Rule    string `json:"rule"`
		}
		du := decode[dutyJSON](t, h.call("POST", entryPath+"/removal-requests", off, "application/json", strings.NewReader(`{"reason":"performed","note":"已全部履行"}`)), http.StatusOK)
		if du.Kind != "removal" || du.Overdue || !strings.Contains(du.Rule, "3 个工作日") {
			t.Errorf("removal duty: %+v", du)
		}
		res := h.call("POST", entryPath+"/removal-requests", off, "application/json", strings.NewReader(`{"reason":"performed"}`))
		if code := errorCode(res); res.StatusCode != http.StatusConflict || code != "credit.duty_state" {
			t.Errorf("a second removal request: %d %s", res.StatusCode, code)
		}
		type entryJSON struct {
			Entry struct {
				State         string `json:"state"`
				RemovalReason string `json:"removal_reason"`
				Obligation    string `json:"obligation"`
			} `json:"entry"`
			History []struct{ Act, Label string } `json:"history"`
			Duties  []dutyJSON                    `json:"duties"`
			Acts    []string                      `json:"acts"`
		}
		e := decode[entryJSON](t, h.call("GET", entryPath, off, "", nil), http.StatusOK)
		if len(e.Duties) != 1 || e.Duties[0].ID != du.ID || len(e.History) != 2 || e.History[1].Label != "记录删除事由" {
			t.Errorf("entry with its duty: %+v", e)
		}
		decode[map[string]any](t, h.call("POST", "/api/v1/credit/duties/"+strconv.FormatInt(du.ID, 10)+"/carry-out", off, "application/json", strings.NewReader(`{"note":"当事人提交履行凭证"}`)), http.StatusOK)
		e = decode[entryJSON](t, h.call("GET", entryPath, off, "", nil), http.StatusOK)
		if e.Entry.State != "removed" || e.Entry.RemovalReason != "performed" || len(e.Acts) != 1 || e.Acts[0] != "repair" {
			t.Errorf("removed entry: %+v", e)
		}
		if s := h.creditSearch(off, "state=active"); s.Total != 2 {
			t.Errorf("active entries after the removal: %d", s.Total)
		}
		decode[map[string]any](t, h.call("POST", entryPath+"/repairs", off, "application/json", strings.NewReader(`{"measure":"已全部履行并作出信用承诺"}`)), http.StatusOK)

		// A correction application: reviewed (accepted), then carried out
		// by correcting the obligation.
		zhangPath := "/api/v1/credit/entries/" + strconv.FormatInt(zhang, 10)
		rv := decode[dutyJSON](t, h.call("POST", zhangPath+"/correction-requests", off, "application/json",
			strings.NewReader(`{"ground":"inaccurate","reason":"本金应为 80000 元"}`)), http.StatusOK)
		type corrections struct{ Duties []dutyJSON }
		if c := decode[corrections](t, h.call("GET", "/api/v1/credit/corrections", off, "", nil), http.StatusOK); len(c.Duties) != 1 || c.Duties[0].Kind != "correction_review" {
			t.Errorf("corrections: %+v", c)
		}
		if c := decode[corrections](t, h.call("GET", "/api/v1/credit/corrections", other, "", nil), http.StatusOK); len(c.Duties) != 0 {
			t.Errorf("another court sees corrections: %+v", c)
		}
		res = h.call("POST", "/api/v1/credit/duties/"+strconv.FormatInt(rv.ID, 10)+"/review", off, "application/json", strings.NewReader(`{"accept":false}`))
		if code := errorCode(res); res.StatusCode != http.StatusBadRequest || code != "credit.invalid" {
			t.Errorf("a rejection without reasons: %d %s", res.StatusCode, code)
		}
		fix := decode[dutyJSON](t, h.call("POST", "/api/v1/credit/duties/"+strconv.FormatInt(rv.ID, 10)+"/review", off, "application/json", strings.NewReader(`{"accept":true,"note":"核实无误"}`)), http.StatusOK)
		if fix.Kind != "correction" {
			t.Fatalf("accepted review opens %+v", fix)
		}
		decode[map[string]any](t, h.call("POST", "/api/v1/credit/duties/"+strconv.FormatInt(fix.ID, 10)+"/carry-out", off, "application/json",
			strings.NewReader(`{"patch":{"obligation":"支付借款本金 80000 元及利息"}}`)), http.StatusOK)
		if e := decode[entryJSON](t, h.call("GET", zhangPath, off, "", nil), http.StatusOK); e.Entry.Obligation != "支付借款本金 80000 元及利息" {
			t.Errorf("corrected entry: %+v", e.Entry)
		}
		var audited int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM audit_entries WHERE username = 'chfy' AND outcome = 'ok' AND action IN
			('credit.import', 'credit.removal_request', 'credit.remove', 'credit.repair', 'credit.correction_request', 'credit.correction_review', 'credit.update')`).Scan(&audited); err != nil || audited != 7 {
			t.Errorf("audited acts: %d (%v), want 7", audited, err)
		}

		// The pages: search, entry, corrections, import; a form error keeps
		// what was typed and says what is wrong next to the form.
		b := h.browser()
		if st, _, _ := b.post("/login", url.Values{"username": {"chfy"}, "password": {testPassword}}); st != http.StatusOK {
			t.Fatalf("login: %d", st)
		}
		for path, want := range map[string]string{
			"/credit":                                "李秀英",
			"/credit?name=" + url.QueryEscape("张"):   "张伟",
			"/credit/" + strconv.FormatInt(wang, 10): "已全部履行并作出信用承诺",
			"/credit/corrections":                    "暂无待审查或待纠正的纠正申请",
			"/credit/import":                         "上传并导入",
			"/credit?id_number=123":                  "不是有效的身份证件号码",
		} {
			st, body := b.get(path)
			if st >= 500 || !strings.Contains(body, want) {
				t.Errorf("GET %s: %d, missing %q", path, st, want)
			}
			if strings.Contains(body, "S-CREDIT") {
				t.Errorf("GET %s shows a clause id", path)
			}
		}
		liPath := "/credit/" + strconv.FormatInt(li, 10)
		b.get(liPath)
		st, body, _ := b.post(liPath+"/remove", url.Values{"reason": {"early"}, "note": {""}, "confirm": {"true"}})
		if st != http.StatusBadRequest || !strings.Contains(body, "请填写说明") || !strings.Contains(body, `<details open>`) {
			t.Errorf("early removal without a note: %d", st)
		}
		st, body, _ = b.post(liPath+"/remove", url.Values{"reason": {"early"}, "note": {"主动履行完毕"}})
		if st != http.StatusBadRequest || !strings.Contains(body, "请勾选确认") || !strings.Contains(body, "主动履行完毕") {
			t.Errorf("removal without confirmation: %d", st)
		}
		st, body, u := b.post(liPath+"/remove", url.Values{"reason": {"early"}, "note": {"主动履行完毕"}, "confirm": {"true"}})
		if st != http.StatusOK || u.Path != liPath || !strings.Contains(body, "已删除该失信信息") {
			t.Errorf("removal through the page: %d %s", st, u)
		}
	})
}
