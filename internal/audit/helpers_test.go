package audit

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"liandong/internal/db"
	"liandong/internal/keyring"
	"liandong/internal/signer"
)

// clock is a test clock that moves 1.000007 ms at every reading, so
// entries get distinct times with microseconds in them.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond + 7*time.Microsecond)
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// t0 is the test clock's start: 2025-03-03 09:00:00.123456 Beijing time.
var t0 = time.Date(2025, 3, 3, 9, 0, 0, 123456000, time.FixedZone("CST", 8*3600))

// fixture is a log on a test database with its key ring and clock.
type fixture struct {
	d     *db.DB
	ring  *keyring.Ring
	clock *clock
	log   *Log
	n     int // entries recorded by fill
}

func newRing(t testing.TB) *keyring.Ring {
	t.Helper()
	text, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	r, err := keyring.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	f := &fixture{d: d, ring: newRing(t), clock: newClock(t0)}
	f.log = New(d, signer.NewStore(d, f.ring), Options{Now: f.clock.Now})
	return f
}

// server opens a second handle on the same database with its own Log, as
// another liandong server sharing the database would.
func (f *fixture) server(t testing.TB) *Log {
	t.Helper()
	target := f.d.Target
	if f.d.Engine == db.SQLite {
		target = filepath.Dir(target)
	}
	d2, err := db.Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d2.Close() })
	return New(d2, signer.NewStore(d2, f.ring), Options{Now: f.clock.Now})
}

// sample is the i-th test entry: every field set, some Chinese.
func sample(i int) Entry {
	return Entry{
		Username:   fmt.Sprintf("zhang%d", i),
		UnitCode:   "fy411602",
		Role:       "court_officer",
		Source:     fmt.Sprintf("10.16.2.%d", i%250),
		Action:     []string{"session.login", "subject.reveal_id", "matter.create", "user.create"}[i%4],
		Object:     fmt.Sprintf("subject:%d", i),
		CaseNumber: fmt.Sprintf("（2024）豫1602执%d号", i),
		Outcome:    []Outcome{OK, OK, Denied, Failed}[i%4],
		Detail:     fmt.Sprintf("查询被执行人户籍信息 no.%d", i),
	}
}

// fill appends n more sample entries in one transaction.
func (f *fixture) fill(t testing.TB, n int) {
	t.Helper()
	ctx := context.Background()
	err := f.d.Tx(ctx, func(tx *sql.Tx) error {
		for i := 1; i <= n; i++ {
			if _, err := f.log.Append(ctx, tx, sample(f.n+i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.n += n
}

func (f *fixture) sign(t testing.TB) Head {
	t.Helper()
	h, err := f.log.SignHead(context.Background())
	if err != nil {
		t.Fatalf("SignHead: %v", err)
	}
	return h
}

func (f *fixture) verify(t testing.TB) Report {
	t.Helper()
	rep, err := f.log.Verify(context.Background(), nil)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return rep
}

func (f *fixture) mustOK(t testing.TB) Report {
	t.Helper()
	rep := f.verify(t)
	if !rep.OK {
		t.Fatalf("Verify: %s (problem %s, seq %d, head %d)", rep, rep.Problem, rep.Seq, rep.HeadSeq)
	}
	return rep
}

func (f *fixture) exec(t testing.TB, q string, args ...any) {
	t.Helper()
	if _, err := f.d.Write().ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (f *fixture) count(t testing.TB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := f.d.Read().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// tx runs fn in a transaction on the fixture's database.
func (f *fixture) tx(t testing.TB, fn func(tx *sql.Tx) error) error {
	t.Helper()
	return f.d.Tx(context.Background(), fn)
}
