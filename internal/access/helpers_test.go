package access_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/argon2"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/keyring"
	"liandong/internal/signer"
)

// start is 14:30:10 in China on a Monday.
var start = time.Date(2026, 3, 2, 6, 30, 10, 0, time.UTC)

// clock is a settable clock shared by the service and the audit log.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// cheapHash is argon2id in the same PHC format with tiny parameters:
// directory.VerifyPassword reads the parameters from the hash, and the
// race detector makes the real ones take over a second each.
func cheapHash(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, 1, 64, 1, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=64,t=1,p=1$%s$%s", argon2.Version, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

const password = "Zhoukou#2021"

type fixture struct {
	d     *db.DB
	dir   *directory.Store
	svc   *access.Service
	ring  *keyring.Ring
	clock *clock
}

func newFixture(t testing.TB, d *db.DB, cfg access.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := directory.NewStore(d)
	if _, err := dir.LoadZhoukou(ctx); err != nil {
		t.Fatal(err)
	}
	keys, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	ring, err := keyring.Parse(strings.NewReader(keys))
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: start}
	log := audit.New(d, signer.NewStore(d, ring), audit.Options{Now: c.Now})
	cfg.Now = c.Now
	if cfg.HashPassword == nil {
		cfg.HashPassword = cheapHash
	}
	return &fixture{d: d, dir: dir, svc: access.NewService(d, dir, log, ring, cfg), ring: ring, clock: c}
}

// newFixtureOn returns a second service on f's database and keys: another
// server of the same deployment.
func newFixtureOn(t testing.TB, f *fixture) *access.Service {
	t.Helper()
	log := audit.New(f.d, signer.NewStore(f.d, f.ring), audit.Options{Now: f.clock.Now})
	return access.NewService(f.d, f.dir, log, f.ring, f.svc.Config())
}

// addUser inserts a user with the test password hashed cheaply. It writes
// the rows directly rather than through directory.AddUser, whose argon2id
// costs seconds under the race detector.
func (f *fixture) addUser(t testing.TB, username, unit string, mustChange bool, roles ...directory.Role) access.Principal {
	t.Helper()
	ctx := context.Background()
	hash, err := cheapHash(password)
	if err != nil {
		t.Fatal(err)
	}
	now := db.Now()
	var id int64
	if err := f.d.Write().QueryRowContext(ctx, `INSERT INTO users (username, display_name, unit_code, password_hash, must_change_password, active, created_at, updated_at, password_changed_at)
		VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6, $6) RETURNING id`, username, "测试 "+username, unit, hash, mustChange, now).Scan(&id); err != nil {
		t.Fatalf("add user %s: %v", username, err)
	}
	for _, r := range roles {
		if _, err := f.d.Write().ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, id, string(r)); err != nil {
			t.Fatal(err)
		}
	}
	u, err := f.dir.Unit(ctx, unit)
	if err != nil {
		t.Fatal(err)
	}
	return access.Principal{UserID: id, Username: username, DisplayName: "测试 " + username, UnitCode: unit, Side: u.Side, Roles: roles, MustChangePassword: mustChange, Source: "127.0.0.1"}
}

func (f *fixture) login(t testing.TB, username, pw, code string) (access.Session, error) {
	t.Helper()
	return f.svc.Login(context.Background(), access.LoginRequest{Username: username, Password: pw, TOTP: code, Source: "10.1.2.3", UserAgent: "test"})
}

func (f *fixture) mustLogin(t testing.TB, username, code string) access.Session {
	t.Helper()
	s, err := f.login(t, username, password, code)
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return s
}

// enrol turns TOTP on for pr and returns the base32 secret and the
// recovery codes.
func (f *fixture) enrol(t testing.TB, pr access.Principal) (string, []string) {
	t.Helper()
	ctx := context.Background()
	en, err := f.svc.BeginTOTP(ctx, pr)
	if err != nil {
		t.Fatalf("begin TOTP for %s: %v", pr.Username, err)
	}
	codes, err := f.svc.ConfirmTOTP(ctx, pr, f.code(t, en.Secret, 0))
	if err != nil {
		t.Fatalf("confirm TOTP for %s: %v", pr.Username, err)
	}
	return en.Secret, codes
}

// code is the TOTP code of secret at the fixture's time plus steps × 30 s,
// computed by github.com/pquerna/otp (an implementation independent of
// ours).
func (f *fixture) code(t testing.TB, secret string, steps int) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, f.clock.Now().Add(time.Duration(steps)*30*time.Second),
		totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type auditRow struct {
	Username, Action, Object, Outcome, Detail, CaseNumber string
}

// audits returns the audit entries whose action starts with prefix.
func (f *fixture) audits(t testing.TB, prefix string) []auditRow {
	t.Helper()
	rows, err := f.d.Read().QueryContext(context.Background(),
		`SELECT username, action, object, outcome, detail, case_number FROM audit_entries WHERE action LIKE $1 ORDER BY seq`, prefix+"%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var r auditRow
		if err := rows.Scan(&r.Username, &r.Action, &r.Object, &r.Outcome, &r.Detail, &r.CaseNumber); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// wantCode fails unless err is an apperr.Error with code (and, when kind
// is given, that kind).
func wantCode(t testing.TB, err error, code string, kind ...apperr.Kind) *apperr.Error {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return nil
	}
	e, ok := apperr.As(err)
	if !ok {
		t.Fatalf("error %v, want code %s", err, code)
	}
	if e.Code != code {
		t.Fatalf("error code %s (%v), want %s", e.Code, err, code)
	}
	if len(kind) > 0 && e.Kind != kind[0] {
		t.Fatalf("error %v has kind %d, want %d", err, e.Kind, kind[0])
	}
	return e
}
