package web_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/argon2"

	"liandong/internal/access"
	"liandong/internal/audit"
	"liandong/internal/connector"
	"liandong/internal/credit"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/docs"
	"liandong/internal/feed"
	"liandong/internal/keyring"
	"liandong/internal/matter"
	"liandong/internal/pii"
	"liandong/internal/screening"
	"liandong/internal/signer"
	"liandong/internal/subject"
	"liandong/internal/vehicle"
	"liandong/internal/web"
)

const testPassword = "Zhoukou#2021"

// cheapHash is argon2id with tiny parameters (the hash records them), so
// logins stay fast under the race detector.
func cheapHash(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, 1, 64, 1, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=64,t=1,p=1$%s$%s", argon2.Version, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// harness is a whole server on a test database.
type harness struct {
	t        testing.TB
	recovery map[string][]string // unused recovery codes of enrolled administrators
	matters  *matter.Engine
	server   *web.Server
	d        *db.DB
	srv      *httptest.Server
	dir      *directory.Store
	acc      *access.Service
	audit    *audit.Log
	docs     *docs.Store
	vehicles *connector.VehicleSimulator // the registry the matter engine's seal register pushes to
	credit   *credit.Store
	// screening is the screening service over credit (started).
	screening *screening.Service
}

func newHarness(t testing.TB, d *db.DB) *harness {
	t.Helper()
	ctx := context.Background()
	dir := directory.NewStore(d)
	if _, err := dir.LoadZhoukou(ctx); err != nil {
		t.Fatal(err)
	}
	text, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	ring, err := keyring.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	keys := signer.NewStore(d, ring)
	if _, err := keys.Ensure(ctx, signer.NodeOwner); err != nil {
		t.Fatal(err)
	}
	log := audit.New(d, keys, audit.Options{})
	documents := docs.NewStore(d, keys, dir, log, docs.Options{})
	acc := access.NewService(d, dir, log, ring, access.Config{HashPassword: cheapHash})
	vsim, err := connector.NewVehicleSimulator(1, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	vreg, err := vehicle.New(ctx, d, vsim, vehicle.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	engine, err := matter.New(ctx, d, dir, acc.Policy(), log, keys, ring, matter.Config{Side: "all", Vehicles: vreg})
	if err != nil {
		t.Fatal(err)
	}
	subjects := subject.NewStore(d, pii.New(ring), acc.Policy(), log, subject.Options{})
	credits := credit.NewStore(d, pii.New(ring), acc.Policy(), log, credit.Options{})
	screens := screening.New(d, credits, dir, acc.Policy(), log, screening.Config{Poll: 100 * time.Millisecond})
	screenCtx, stopScreens := context.WithCancel(context.Background())
	t.Cleanup(stopScreens)
	if err := screens.Start(screenCtx); err != nil {
		t.Fatal(err)
	}
	sim := connector.NewSimulator(1)
	s, err := web.New(web.Config{Side: "all", Version: "test"}, web.Deps{DB: d, Dir: dir, Access: acc, Audit: log, Docs: documents, Matters: engine, Subjects: subjects,
		Connectors: web.Connectors{Population: sim, ExitEntry: sim, Hotel: sim, Detention: sim}, Vehicles: vreg, Credit: credits, Screening: screens,
		Feed: feed.New(d, credits, keys, log, feed.Config{})},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &harness{t: t, recovery: map[string][]string{}, matters: engine, server: s, d: d, srv: srv, dir: dir, acc: acc, audit: log, docs: documents,
		vehicles: vsim, credit: credits, screening: screens}
}

type routeRow struct {
	method, path string
	action       access.Action
	api, public  bool
}

func (h *harness) routes() []routeRow {
	var out []routeRow
	for _, r := range h.server.Routes() {
		out = append(out, routeRow{r.Method, r.Path, r.Action, r.API, r.Public})
	}
	return out
}

// addUser creates a user with the test password (cheaply hashed) who need
// not change it.
func (h *harness) addUser(username, unit string, roles ...directory.Role) {
	h.t.Helper()
	hash, err := cheapHash(testPassword)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.dir.AddUser(context.Background(), directory.NewUser{Username: username, Unit: unit, Roles: roles, PasswordHash: hash}); err != nil {
		h.t.Fatalf("add %s: %v", username, err)
	}
}

// session logs username in through the service and returns the session;
// administrators enrol TOTP first and sign in with a recovery code.
func (h *harness) session(username string) access.Session {
	h.t.Helper()
	ctx := context.Background()
	if codes := h.recovery[username]; len(codes) > 0 {
		h.recovery[username] = codes[1:]
		sess, err := h.acc.Login(ctx, access.LoginRequest{Username: username, Password: testPassword, TOTP: codes[0], Source: "127.0.0.1"})
		if err != nil {
			h.t.Fatalf("login %s with a recovery code: %v", username, err)
		}
		return sess
	}
	sess, err := h.acc.Login(ctx, access.LoginRequest{Username: username, Password: testPassword, Source: "127.0.0.1"})
	if err != nil {
		h.t.Fatalf("login %s: %v", username, err)
	}
	if !sess.Principal.NeedsTOTPSetup {
		return sess
	}
	en, err := h.acc.BeginTOTP(ctx, sess.Principal)
	if err != nil {
		h.t.Fatal(err)
	}
	code, err := totp.GenerateCodeCustom(en.Secret, time.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		h.t.Fatal(err)
	}
	recovery, err := h.acc.ConfirmTOTP(ctx, sess.Principal, code)
	if err != nil {
		h.t.Fatalf("confirm TOTP for %s: %v", username, err)
	}
	h.recovery[username] = recovery[1:]
	sess, err = h.acc.Login(ctx, access.LoginRequest{Username: username, Password: testPassword, TOTP: recovery[0], Source: "127.0.0.1"})
	if err != nil {
		h.t.Fatalf("login %s with a recovery code: %v", username, err)
	}
	return sess
}

// call sends a request with a bearer token ("" for none).
func (h *harness) call(method, path, token, contentType string, body io.Reader) *http.Response {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	return res
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// browser is a cookie-keeping client that follows redirects like a person.
type browser struct {
	h    *harness
	c    *http.Client
	csrf string
}

func (h *harness) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{h: h, c: &http.Client{Jar: jar}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) get(path string) (int, string) {
	b.h.t.Helper()
	res, err := b.c.Get(b.h.srv.URL + path)
	if err != nil {
		b.h.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return res.StatusCode, string(body)
}

func (b *browser) post(path string, form url.Values) (int, string, *url.URL) {
	b.h.t.Helper()
	if form.Get("csrf") == "" && b.csrf != "" {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest("POST", b.h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.h.srv.URL)
	res, err := b.c.Do(req)
	if err != nil {
		b.h.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return res.StatusCode, string(body), res.Request.URL
}
