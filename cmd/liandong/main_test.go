package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/demo"
	"liandong/internal/directory"
	"liandong/internal/keyring"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine to write while
// the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var urlLine = regexp.MustCompile(`地址 URL:\s+(http://\S+)`)

// startServer runs serve on a free port and returns its URL and output.
func startServer(t *testing.T, cfg Config, seed seedFunc) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, &out, &logs, seed) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := urlLine.FindStringSubmatch(out.String()); m != nil {
			return m[1], &out
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v\nlogs: %s", err, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("server did not print its URL; output: %s", out.String())
	return "", nil
}

func getHealth(t *testing.T, url string) map[string]any {
	t.Helper()
	res, err := http.Get(url + "healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("healthz status %d", res.StatusCode)
	}
	var h map[string]any
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestDemoStartsAndPrintsAccounts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	url, out := startServer(t, Config{DB: dir, Addr: "127.0.0.1:0", Side: "all", SessionLifetime: 12 * time.Hour}, loadDemo)
	h := getHealth(t, url)
	if h["engine"] != "sqlite" || h["status"] != "ok" {
		t.Errorf("healthz %v", h)
	}
	text := out.String()
	for _, a := range demo.Accounts() {
		if !strings.Contains(text, a.Username) {
			t.Errorf("banner lacks demo account %s", a.Username)
		}
	}
	if !strings.Contains(text, demo.Password) {
		t.Error("banner lacks the demo password")
	}
	// The sample document verifies, anonymously, by the code the banner prints.
	m := regexp.MustCompile(`示例电子文书验证码: ([A-Z0-9-]+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("banner lacks the sample document's verification code")
	}
	res, err := http.Get(url + "api/v1/verify/" + m[1])
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Valid bool `json:"valid"`
	}
	json.NewDecoder(res.Body).Decode(&v)
	res.Body.Close()
	if !v.Valid {
		t.Errorf("sample document %s does not verify", m[1])
	}
	if _, err := os.Stat(filepath.Join(dir, db.SQLiteFile)); err != nil {
		t.Errorf("no SQLite file in the data folder: %v", err)
	}
}

func TestServeOnPostgres(t *testing.T) {
	t.Parallel()
	dsn := dbtest.PGDSN(t)
	if dsn == "" {
		t.Log("LIANDONG_TEST_PG not set: PostgreSQL serve is exercised on CI")
		return
	}
	// A schema of our own: dbtest.Postgres creates and migrates it; serve
	// then opens the same schema by DSN.
	d := dbtest.Postgres(t, dsn)
	var schema string
	if err := d.Read().QueryRow(`SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "liandong.keys")
	text, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	url, _ := startServer(t, Config{DB: dbtest.WithSearchPath(dsn, schema), Addr: "127.0.0.1:0", Side: "police", KeyFile: keyFile, SessionLifetime: 12 * time.Hour}, nil)
	h := getHealth(t, url)
	if h["engine"] != "postgres" || h["side"] != "police" {
		t.Errorf("healthz %v", h)
	}
	n, err := directory.NewStore(d).Units(context.Background())
	if err != nil || len(n) == 0 {
		t.Errorf("serve did not load the Zhoukou directory: %d units, %v", len(n), err)
	}
}

func TestVerbsAnswerHelp(t *testing.T) {
	t.Parallel()
	verbs := [][]string{
		{"serve", "--help"}, {"demo", "--help"}, {"migrate", "--help"}, {"user", "--help"},
		{"ident", "--help"}, {"workday", "--help"}, {"version", "--help"}, {"--help"},
	}
	for _, args := range verbs {
		var out, errb bytes.Buffer
		if rc := run(args, strings.NewReader(""), &out, &errb); rc != 0 {
			t.Errorf("%v: exit %d, stderr %s", args, rc, errb.String())
		}
		if out.Len() == 0 {
			t.Errorf("%v printed no help on stdout", args)
		}
	}
	var out, errb bytes.Buffer
	if rc := run([]string{"frobnicate"}, strings.NewReader(""), &out, &errb); rc != 2 || !strings.Contains(errb.String(), "未知命令") {
		t.Errorf("unknown verb: exit %d, stderr %q", rc, errb.String())
	}
	if rc := run([]string{"serve", "--side", "court-and-police"}, strings.NewReader(""), &out, &errb); rc != 2 {
		t.Errorf("bad --side: exit %d", rc)
	}
}

func TestMigrateAndUserVerbs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	runOK := func(stdin string, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if rc := run(args, strings.NewReader(stdin), &out, &errb); rc != 0 {
			t.Fatalf("%v: exit %d\nstdout: %s\nstderr: %s", args, rc, out.String(), errb.String())
		}
		return out.String()
	}
	runFail := func(wantRC int, wantErr string, args ...string) {
		t.Helper()
		var out, errb bytes.Buffer
		if rc := run(args, strings.NewReader(""), &out, &errb); rc != wantRC || !strings.Contains(errb.String(), wantErr) {
			t.Errorf("%v: exit %d stderr %q; want exit %d containing %q", args, rc, errb.String(), wantRC, wantErr)
		}
	}
	if s := runOK("", "migrate", "status", "--db", dir); !strings.Contains(s, "未执行") {
		t.Errorf("status before up: %s", s)
	}
	if s := runOK("", "migrate", "up", "--db", dir); !strings.Contains(s, "已执行迁移 0001") {
		t.Errorf("migrate up: %s", s)
	}
	if s := runOK("", "migrate", "up", "--db", dir); !strings.Contains(s, "无需迁移") {
		t.Errorf("second migrate up: %s", s)
	}
	runOK("", "user", "add", "--db", dir, "--username", "zhang", "--name", "张三", "--unit", "中院执行局", "--role", "court_officer,liaison", "--password", "Zhoukou#2021")
	// The password may come on standard input.
	runOK("Xiangcheng#2021\n", "user", "add", "--db", dir, "--username", "li", "--unit", "ga411681", "--role", "承办民警")
	runFail(1, "user.username_taken", "user", "add", "--db", dir, "--username", "zhang", "--unit", "fy411600", "--role", "court_officer", "--password", "Zhoukou#2021")
	runFail(1, "password.classes", "user", "add", "--db", dir, "--username", "wang", "--unit", "fy411600", "--role", "court_officer", "--password", "password")
	runFail(1, "user.role_unknown", "user", "add", "--db", dir, "--username", "wang", "--unit", "fy411600", "--role", "king", "--password", "Zhoukou#2021")
	runFail(2, "--username", "user", "disable", "--db", dir)
	list := runOK("", "user", "list", "--db", dir)
	for _, want := range []string{"zhang", "张三", "fy411600-zxj", "执行法官、联络员", "li", "ga411681", "须改密码"} {
		if !strings.Contains(list, want) {
			t.Errorf("user list lacks %q:\n%s", want, list)
		}
	}
	runOK("", "user", "disable", "--db", dir, "--username", "li")
	if list := runOK("", "user", "list", "--db", dir, "--unit", "ga411681"); !strings.Contains(list, "停用") {
		t.Errorf("disabled user not shown as 停用:\n%s", list)
	}
	runOK("", "user", "passwd", "--db", dir, "--username", "zhang", "--password", "Another#2022", "--temporary=false")
	ctx := context.Background()
	d, err := db.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	u, err := directory.NewStore(d).UserByUsername(ctx, "zhang")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := directory.VerifyPassword(u.PasswordHash, "Another#2022"); !ok || u.MustChangePassword {
		t.Errorf("passwd did not take: verifies=%v mustChange=%v", ok, u.MustChangePassword)
	}
	// The console's changes are in the audit log, and the log verifies.
	var n int
	if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_entries WHERE action LIKE 'user.%'`).Scan(&n); err != nil || n < 4 {
		t.Errorf("audited user changes: %d, %v; want at least 4 (2 adds, a disable, a password)", n, err)
	}
	if s := runOK("", "audit", "verify", "--db", dir); !strings.Contains(s, "完整") {
		t.Errorf("audit verify after user changes: %s", s)
	}
	if s := runOK("", "version"); !strings.HasPrefix(s, "liandong ") || !strings.Contains(s, "schema") {
		t.Errorf("version: %q", s)
	}
}
