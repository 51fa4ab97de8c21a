package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

func TestHealthz(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		res := h.call("GET", "/healthz", "", "", nil)
		var body struct {
			Status        string `json:"status"`
			Engine        string `json:"engine"`
			SchemaVersion int    `json:"schema_version"`
		}
		json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		ms, _ := db.Migrations()
		if res.StatusCode != 200 || body.Status != "ok" || body.Engine != string(d.Engine) || body.SchemaVersion != ms[len(ms)-1].Version {
			t.Errorf("healthz = %d %+v", res.StatusCode, body)
		}
		if res.Header.Get("X-Request-ID") == "" || res.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("missing request id or security headers: %v", res.Header)
		}
		d.Close()
		res = h.call("GET", "/healthz", "", "", nil)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), "数据库无法访问") {
			t.Errorf("healthz on a closed database = %d %s", res.StatusCode, b)
		}
	})
}

// The OpenAPI document lists exactly the API routes, each with a summary.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLite(t))
	res := h.call("GET", "/api/openapi.json", "", "", nil)
	defer res.Body.Close()
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	var inDoc, inRoutes []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			inDoc = append(inDoc, strings.ToUpper(method)+" "+path)
			if s, _ := op["summary"].(string); s == "" {
				t.Errorf("%s %s has no summary", method, path)
			}
		}
	}
	for _, rt := range h.routes() {
		if rt.api {
			inRoutes = append(inRoutes, rt.method+" "+rt.path)
		}
	}
	sort.Strings(inDoc)
	sort.Strings(inRoutes)
	if strings.Join(inDoc, "\n") != strings.Join(inRoutes, "\n") {
		t.Errorf("OpenAPI paths differ from API routes:\ndoc:\n%s\nroutes:\n%s", strings.Join(inDoc, "\n"), strings.Join(inRoutes, "\n"))
	}
	for _, rt := range h.routes() {
		if rt.api && !strings.HasPrefix(rt.path, "/api/") && rt.path != "/healthz" {
			t.Errorf("API route %s outside /api/", rt.path)
		}
	}
}

func TestLoginPagesAndLogout(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
		b := h.browser()
		status, body := b.get("/")
		if status != 200 || !strings.Contains(body, `action="/login"`) {
			t.Fatalf("anonymous / did not land on the login page: %d", status)
		}
		status, body, _ = b.post("/login", url.Values{"username": {"zhang"}, "password": {"wrong-Password1"}})
		if status != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码错误") || !strings.Contains(body, `value="zhang"`) {
			t.Errorf("wrong password: %d, want 401 with the Chinese message and the username kept", status)
		}
		status, body, where := b.post("/login", url.Values{"username": {"zhang"}, "password": {testPassword}, "next": {"/account/totp"}})
		if status != 200 || where.Path != "/account/totp" {
			t.Fatalf("login: %d at %s", status, where)
		}
		status, body = b.get("/")
		for _, want := range []string{"我的权限", "中院执行局", "发起协作事项", "S-"} {
			if !strings.Contains(body, want) {
				t.Errorf("home page lacks %q", want)
			}
		}
		// A form without the CSRF token is refused.
		status, body, _ = b.post("/account/totp/begin", url.Values{"csrf": {"forged"}})
		if status != http.StatusForbidden || !strings.Contains(body, "request.csrf") {
			t.Errorf("forged CSRF token: %d", status)
		}
		status, body, where = b.post("/logout", url.Values{})
		if where.Path != "/login" {
			t.Errorf("logout landed on %s", where)
		}
		status, body = b.get("/account/password")
		if !strings.Contains(body, `action="/login"`) {
			t.Error("after logout a page is still served")
		}
	})
}

func TestCrossOriginLoginIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLite(t))
	req, _ := http.NewRequest("POST", h.srv.URL+"/login", strings.NewReader("username=a&password=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin login post: %d, want 403", res.StatusCode)
	}
}

func TestForcedPasswordChange(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLite(t))
	hash, _ := cheapHash(testPassword)
	if _, err := h.dir.AddUser(t.Context(), directory.NewUser{Username: "newbie", Unit: "ga411602", Roles: []directory.Role{directory.PoliceHandler}, PasswordHash: hash, MustChangePassword: true}); err != nil {
		t.Fatal(err)
	}
	b := h.browser()
	_, body, where := b.post("/login", url.Values{"username": {"newbie"}, "password": {testPassword}})
	if where.Path != "/account/password" || !strings.Contains(body, "须先修改密码") {
		t.Fatalf("login with an initial password landed on %s", where)
	}
	if _, _ = b.get("/"); true {
		_, body = b.get("/admin/units")
		if !strings.Contains(body, "须先修改密码") {
			t.Error("a restricted user reached another page")
		}
	}
	_, body, _ = b.post("/account/password", url.Values{"old": {testPassword}, "new": {"Xinmima#2026"}, "confirm": {"Xinmima#2026"}})
	if !strings.Contains(body, "密码已修改") {
		t.Errorf("password change did not land on home with the notice")
	}
	if _, body = b.get("/admin/units"); !strings.Contains(body, "周口市中级人民法院") {
		t.Error("after the change the unit directory is still closed")
	}
}

func TestAPISession(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.addUser("li", "ga411681", directory.PoliceHandler)
		res := h.call("GET", "/api/v1/me", "", "", nil)
		if code := errorCode(res); res.StatusCode != 401 || code != "auth.required" {
			t.Errorf("me without a token: %d %s", res.StatusCode, code)
		}
		res = h.call("GET", "/api/v1/me", "not-a-token", "", nil)
		if res.StatusCode != 401 {
			t.Errorf("me with a bad token: %d", res.StatusCode)
		}
		res = h.call("POST", "/api/v1/session", "", "application/json", strings.NewReader(`{"username":"li",`))
		if code := errorCode(res); res.StatusCode != 400 || code != "request.json" {
			t.Errorf("bad JSON: %d %s", res.StatusCode, code)
		}
		res = h.call("POST", "/api/v1/session", "", "application/json", strings.NewReader(`{"username":"li","password":"`+testPassword+`"}`))
		var sess struct {
			Token string `json:"token"`
			User  struct {
				Username string   `json:"username"`
				Roles    []string `json:"roles"`
				UnitName string   `json:"unit_name"`
			} `json:"user"`
		}
		json.NewDecoder(res.Body).Decode(&sess)
		res.Body.Close()
		if res.StatusCode != 201 || sess.Token == "" || sess.User.Username != "li" || sess.User.UnitName != "项城市公安局" {
			t.Fatalf("login: %d %+v", res.StatusCode, sess)
		}
		res = h.call("GET", "/api/v1/me", sess.Token, "", nil)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("me: %d", res.StatusCode)
		}
		res = h.call("DELETE", "/api/v1/session", sess.Token, "", nil)
		res.Body.Close()
		if res.StatusCode != 204 {
			t.Errorf("logout: %d", res.StatusCode)
		}
		res = h.call("GET", "/api/v1/me", sess.Token, "", nil)
		res.Body.Close()
		if res.StatusCode != 401 {
			t.Errorf("me after logout: %d, want 401", res.StatusCode)
		}
	})
}

func TestLoginIsRateLimitedAndBodiesCapped(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLite(t))
	var last *http.Response
	for i := 0; i < 12; i++ {
		last = h.call("POST", "/api/v1/session", "", "application/json", strings.NewReader(`{"username":"nobody","password":"x"}`))
		if i < 11 {
			last.Body.Close()
		}
	}
	if code := errorCode(last); last.StatusCode != http.StatusTooManyRequests || code != "request.rate_limited" {
		t.Errorf("12th login in a burst: %d %s, want 429", last.StatusCode, code)
	}
	big := bytes.Repeat([]byte("x"), 2<<20)
	res := h.call("POST", "/api/v1/users", "", "application/json", bytes.NewReader(big))
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: %d, want 413", res.StatusCode)
	}
	res.Body.Close()
	res = h.call("GET", "/api/v1/nothing-here", "", "", nil)
	if code := errorCode(res); res.StatusCode != 404 || code != "not_found" {
		t.Errorf("unknown API path: %d %s", res.StatusCode, code)
	}
}

// A court officer issues a document; anyone verifies it by code without an
// account (S-DOC-1).
func TestIssueAndPublicVerification(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		if err := h.docs.EnsureUnitKeys(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
		tok := h.session("zhang").Token
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("case_number", "(2021)豫16执123号")
		fw, _ := mw.CreateFormFile("file", "notice.pdf")
		fw.Write([]byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\nstartxref\n0\n%%EOF\n"))
		mw.Close()
		res := h.call("POST", "/api/v1/documents", tok, mw.FormDataContentType(), &buf)
		var blob struct {
			Digest string `json:"sm3"`
		}
		json.NewDecoder(res.Body).Decode(&blob)
		res.Body.Close()
		if res.StatusCode != 201 || len(blob.Digest) != 64 {
			t.Fatalf("upload: %d %+v", res.StatusCode, blob)
		}
		issue, _ := json.Marshal(map[string]string{"sm3": blob.Digest, "type": "协助执行通知书", "case_number": "(2021)豫16执123号", "unit": "fy411600"})
		res = h.call("POST", "/api/v1/documents/issue", tok, "application/json", bytes.NewReader(issue))
		var doc struct {
			Code       string `json:"code"`
			CaseNumber string `json:"case_number"`
		}
		json.NewDecoder(res.Body).Decode(&doc)
		res.Body.Close()
		if res.StatusCode != 201 || doc.Code == "" || doc.CaseNumber != "（2021）豫16执123号" {
			t.Fatalf("issue: %d %+v", res.StatusCode, doc)
		}
		// Anonymous page and API.
		status, body := h.browser().get("/verify?code=" + url.QueryEscape(doc.Code))
		if status != 200 || !strings.Contains(body, "验证通过") || !strings.Contains(body, "周口市中级人民法院") {
			t.Errorf("verify page: %d", status)
		}
		res = h.call("GET", "/api/v1/verify/"+url.PathEscape(doc.Code), "", "", nil)
		var v struct {
			Valid  bool   `json:"valid"`
			Status string `json:"status"`
		}
		json.NewDecoder(res.Body).Decode(&v)
		res.Body.Close()
		if !v.Valid || v.Status != "current" {
			t.Errorf("verify API: %+v", v)
		}
		res = h.call("GET", "/api/v1/units/fy411600/public-key", "", "", nil)
		pem, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.HasPrefix(string(pem), "-----BEGIN PUBLIC KEY-----") {
			t.Errorf("public key: %q", pem)
		}
		res = h.call("GET", "/api/v1/verify/AAAA-BBBB-CCCC", "", "", nil)
		if res.StatusCode != 404 {
			t.Errorf("unknown code: %d", res.StatusCode)
		}
		res.Body.Close()
		// A police officer of another case's unit may not issue in the court's name.
		h.addUser("wu", "ga411602", directory.PoliceHandler)
		res = h.call("POST", "/api/v1/documents/issue", h.session("wu").Token, "application/json", bytes.NewReader(issue))
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("police issuing for the court: %d, want 403", res.StatusCode)
		}
		res.Body.Close()
	})
}

func TestAuditorSeesLoginsAndExports(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLite(t))
	h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
	h.addUser("shenji", "fy411600", directory.Auditor)
	h.session("zhang")
	tok := h.session("shenji").Token
	res := h.call("GET", "/api/v1/audit?action=session.login&user=zhang", tok, "", nil)
	var out struct {
		Entries []struct {
			Username, Action, Outcome string
		} `json:"entries"`
	}
	json.NewDecoder(res.Body).Decode(&out)
	res.Body.Close()
	if len(out.Entries) == 0 || out.Entries[0].Username != "zhang" || out.Entries[0].Outcome != "ok" {
		t.Errorf("audit search: %+v", out)
	}
	res = h.call("GET", "/audit/export?user=zhang", tok, "", nil)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) || !strings.Contains(string(body), "session.login") {
		t.Errorf("export: %q", body[:min(len(body), 200)])
	}
	res = h.call("GET", "/api/v1/audit?from=2024-13-01", tok, "", nil)
	if code := errorCode(res); res.StatusCode != 400 || code != "request.date" {
		t.Errorf("bad date: %d %s", res.StatusCode, code)
	}
	// The auditor's own searches are audited.
	res = h.call("GET", "/api/v1/audit?action=audit.", tok, "", nil)
	json.NewDecoder(res.Body).Decode(&out)
	res.Body.Close()
	if len(out.Entries) == 0 || out.Entries[0].Username != "shenji" {
		t.Errorf("audit searches are not audited: %+v", out)
	}
}

// A system administrator issues an API token for a police system account;
// the token works as a bearer credential until it is revoked.
func TestAPITokenLifecycle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		hash, _ := cheapHash(testPassword)
		if _, err := h.dir.AddUser(t.Context(), directory.NewUser{Username: "cgs-system", Unit: "ga411600-jj-cgs", Roles: []directory.Role{directory.PoliceHandler}, PasswordHash: hash, SystemAccount: true}); err != nil {
			t.Fatal(err)
		}
		h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
		h.addUser("admin", "ga411600-xxtx", directory.SysAdmin)
		admin := h.session("admin").Token
		res := h.call("POST", "/api/v1/users/cgs-system/tokens", admin, "application/json", strings.NewReader(`{"label":"车管所登记系统","days":30}`))
		var tok struct {
			ID    int64  `json:"id"`
			Token string `json:"token"`
		}
		json.NewDecoder(res.Body).Decode(&tok)
		res.Body.Close()
		if res.StatusCode != 201 || tok.Token == "" {
			t.Fatalf("issue: %d %+v", res.StatusCode, tok)
		}
		res = h.call("GET", "/api/v1/me", tok.Token, "", nil)
		var me struct {
			Username string `json:"username"`
		}
		json.NewDecoder(res.Body).Decode(&me)
		res.Body.Close()
		if me.Username != "cgs-system" {
			t.Errorf("token authenticates as %q", me.Username)
		}
		res = h.call("POST", "/api/v1/users/admin/tokens", admin, "application/json", strings.NewReader(`{"label":"x"}`))
		if res.StatusCode < 400 {
			t.Errorf("a token for an administrator account was issued: %d", res.StatusCode)
		}
		res.Body.Close()
		// A token for a person would let the administrator act as them.
		res = h.call("POST", "/api/v1/users/zhang/tokens", admin, "application/json", strings.NewReader(`{"label":"x"}`))
		if code := errorCode(res); res.StatusCode != 400 || code != "token.not_system" {
			t.Errorf("a token for a person: %d %s, want 400 token.not_system", res.StatusCode, code)
		}
		// A system account cannot sign in on the pages.
		res = h.call("POST", "/api/v1/session", "", "application/json", strings.NewReader(`{"username":"cgs-system","password":"`+testPassword+`"}`))
		if code := errorCode(res); res.StatusCode != 401 || code != "auth.system_account" {
			t.Errorf("system account login: %d %s", res.StatusCode, code)
		}
		res = h.call("POST", "/api/v1/users/cgs-system/tokens", admin, "application/json", strings.NewReader(`{"label":"x","days":9999}`))
		if code := errorCode(res); res.StatusCode != 400 || code != "token.days" {
			t.Errorf("a 9999-day token: %d %s", res.StatusCode, code)
		}
		if err := h.acc.RevokeToken(t.Context(), h.session("admin").Principal, tok.ID); err != nil {
			t.Fatal(err)
		}
		res = h.call("GET", "/api/v1/me", tok.Token, "", nil)
		res.Body.Close()
		if res.StatusCode != 401 {
			t.Errorf("revoked token: %d, want 401", res.StatusCode)
		}
	})
}

// The system administrator opens accounts but cannot give them roles: that
// is the security administrator's (三员分立), else sys_admin could make
// himself an auditor or a court officer.
func TestSysAdminCannotGrantRolesByCreatingUsers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLite(t))
	h.addUser("admin", "ga411600-xxtx", directory.SysAdmin)
	admin := h.session("admin").Token
	for _, role := range []string{"auditor", "sec_admin", "court_officer"} {
		res := h.call("POST", "/api/v1/users", admin, "application/json", strings.NewReader(`{"username":"shadow-`+strings.ReplaceAll(role, "_", "-")+`","unit":"fy411600","roles":["`+role+`"],"password":"Shadow#2026x"}`))
		if code := errorCode(res); res.StatusCode != 403 || code != "access.denied" {
			t.Errorf("sys_admin creating a user with role %s: %d %s, want 403", role, res.StatusCode, code)
		}
	}
	res := h.call("POST", "/api/v1/users", admin, "application/json", strings.NewReader(`{"username":"plain","unit":"fy411600","password":"Kaihu#2026x"}`))
	var u struct {
		Roles []string `json:"roles"`
	}
	json.NewDecoder(res.Body).Decode(&u)
	res.Body.Close()
	if res.StatusCode != 201 || len(u.Roles) != 0 {
		t.Errorf("creating a plain account: %d %+v", res.StatusCode, u)
	}
}

func TestSafeNextKeepsRedirectsHere(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLite(t))
	h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
	for _, next := range []string{"//evil.example/", "/\t/evil.example", "/\\evil.example", "http://evil.example/", "/%0a/evil.example", "javascript:alert(1)", "/\n/evil.example"} {
		b := h.browser()
		b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		form := url.Values{"username": {"zhang"}, "password": {testPassword}, "next": {next}}
		req, _ := http.NewRequest("POST", h.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc := res.Header.Get("Location")
		if u, err := url.Parse(loc); err != nil || u.Host != "" || strings.ContainsAny(loc, "\t\n\\") || strings.HasPrefix(loc, "//") {
			t.Errorf("next=%q redirected to %q", next, loc)
		}
	}
	// A safe path survives.
	if got := func() string {
		b := h.browser()
		b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		form := url.Values{"username": {"zhang"}, "password": {testPassword}, "next": {"/audit?user=a"}}
		req, _ := http.NewRequest("POST", h.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, _ := b.c.Do(req)
		res.Body.Close()
		return res.Header.Get("Location")
	}(); got != "/audit?user=a" {
		t.Errorf("safe next became %q", got)
	}
}

// Bad requests get our JSON error with a Chinese message and a code: wrong
// method, bad JSON of every kind, directory listings.
func TestBadRequestsAreAnsweredClearly(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLite(t))
	res := h.call("PUT", "/api/v1/session", "", "", nil)
	if code := errorCode(res); res.StatusCode != 405 || code != "method_not_allowed" || !strings.Contains(res.Header.Get("Allow"), "POST") {
		t.Errorf("PUT /api/v1/session: %d %s Allow=%q", res.StatusCode, code, res.Header.Get("Allow"))
	}
	for body, want := range map[string]string{
		``:                                       "请求体为空",
		`{"username":`:                           "不完整",
		`{"username": 12}`:                       "字段 username 的类型不对",
		`{"user":"a"}`:                           "不认识的字段 user",
		`{"username":"a","password":"b"} {}`:     "只能包含一个 JSON 对象",
		`[1,2]`:                                  "应为一个 JSON 对象",
		"{\"username\":\"\xff\",\"password\":1}": "类型不对",
		`{"username":"a" "password":"b"}`:        "语法错误",
	} {
		res := h.call("POST", "/api/v1/session", "", "application/json", strings.NewReader(body))
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		json.NewDecoder(res.Body).Decode(&e)
		res.Body.Close()
		if res.StatusCode != 400 || e.Error.Code != "request.json" || !strings.Contains(e.Error.Message, want) || strings.Contains(e.Error.Message, "Go") {
			t.Errorf("body %q: %d %+v, want 400 request.json mentioning %q", body, res.StatusCode, e.Error, want)
		}
	}
	res = h.call("GET", "/static/", "", "", nil)
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Errorf("static directory listing: %d", res.StatusCode)
	}
	res = h.call("GET", "/static/app.css", "", "", nil)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("static file: %d", res.StatusCode)
	}
}
