package audit

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
)

func TestRecordAndAppend(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		if rep := f.mustOK(t); rep.Entries != 0 || rep.Heads != 0 {
			t.Errorf("empty log: %+v", rep)
		}
		if h := f.sign(t); h.Seq != 0 {
			t.Errorf("SignHead on an empty log signed %d", h.Seq)
		}

		// Record: own transaction, seq and time assigned.
		in := sample(1)
		got, err := f.log.Record(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Seq != 1 || got.At.IsZero() || got.At.Location() != time.UTC || got.At.Nanosecond()%1000 != 0 {
			t.Errorf("Record returned seq %d at %v", got.Seq, got.At)
		}

		// Append inside a business transaction: both commit.
		f.exec(t, `CREATE TABLE probe_business (id BIGINT PRIMARY KEY, title TEXT NOT NULL)`)
		var appended Entry
		err = f.tx(t, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO probe_business (id, title) VALUES (1, '查人找车')`); err != nil {
				return err
			}
			e := sample(2)
			e.At = t0.Add(-time.Hour) // a caller may date the act itself
			appended, err = f.log.Append(ctx, tx, e)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if appended.Seq != 2 || !appended.At.Equal(t0.Add(-time.Hour)) {
			t.Errorf("Append returned seq %d at %v", appended.Seq, appended.At)
		}

		// Read back exactly what was appended.
		list, next, err := f.log.Search(ctx, Query{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || next != 0 {
			t.Fatalf("Search: %d entries, next %d", len(list), next)
		}
		if list[0] != appended || list[1] != got {
			t.Errorf("read back\n %+v\n %+v\nwant\n %+v\n %+v", list[0], list[1], appended, got)
		}

		h := f.sign(t)
		if h.Seq != 2 || len(h.Hash) != HashSize || len(h.Signature) == 0 || h.Fingerprint == "" {
			t.Errorf("head %+v", h)
		}
		if again := f.sign(t); again.Seq != 2 || !again.SignedAt.Equal(h.SignedAt) {
			t.Errorf("signing an unchanged chain made a new head: %+v", again)
		}
		rep := f.mustOK(t)
		if rep.Entries != 2 || rep.Heads != 1 || rep.LastHead != 2 || rep.Unsigned != 0 || !rep.KeySealed || rep.FirstSeq != 1 || rep.LastSeq != 2 {
			t.Errorf("report %+v", rep)
		}
		if latest, err := f.log.LatestHead(ctx); err != nil || latest.Seq != 2 {
			t.Errorf("LatestHead = %+v, %v", latest, err)
		}
	})
}

func TestAppendRejectsBadEntries(t *testing.T) {
	t.Parallel()
	f := newFixture(t, dbtest.SQLite(t))
	for _, e := range []Entry{{Outcome: OK}, {Action: "x"}, {Action: "x", Outcome: "perhaps"}} {
		if _, err := f.log.Record(context.Background(), e); err == nil {
			t.Errorf("Record(%+v) succeeded", e)
		}
	}
	if n := f.count(t, `SELECT COUNT(*) FROM audit_entries`); n != 0 {
		t.Errorf("%d entries after refused appends", n)
	}
}

func TestRolledBackAppendLeavesNoTrace(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.fill(t, 3)
		boom := errors.New("business rule failed")
		err := f.tx(t, func(tx *sql.Tx) error {
			if _, err := f.log.Append(ctx, tx, sample(4)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("tx returned %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_entries`); n != 3 {
			t.Errorf("%d entries after a rolled-back append, want 3", n)
		}
		if n := f.count(t, `SELECT seq FROM audit_chain`); n != 3 {
			t.Errorf("chain head at %d after a rolled-back append, want 3", n)
		}
		f.mustOK(t)
		// The next append takes the seq the rolled-back one had.
		e, err := f.log.Record(ctx, sample(5))
		if err != nil || e.Seq != 4 {
			t.Fatalf("Record after rollback: seq %d, %v", e.Seq, err)
		}
		f.sign(t)
		f.mustOK(t)
	})
}

// Eight appenders on two servers sharing the database (two pools, two
// Logs) make one gap-free chain.
func TestConcurrentAppenders(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		logs := []*Log{f.log, f.server(t)}
		const workers, each = 8, 200
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l := logs[w%len(logs)]
				for i := 0; i < each; i++ {
					if w%2 == 0 {
						if _, err := l.Record(ctx, sample(w*each+i)); err != nil {
							errs <- err
							return
						}
						continue
					}
					err := l.db.Tx(ctx, func(tx *sql.Tx) error {
						_, err := l.Append(ctx, tx, sample(w*each+i))
						return err
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		// A head signed while appends run must hold too.
		for i := 0; i < 5; i++ {
			if _, err := logs[i%2].SignHead(ctx); err != nil {
				t.Errorf("SignHead during appends: %v", err)
			}
			time.Sleep(10 * time.Millisecond)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_entries`); n != workers*each {
			t.Fatalf("%d entries, want %d", n, workers*each)
		}
		if n := f.count(t, `SELECT MAX(seq) FROM audit_entries`); n != workers*each {
			t.Fatalf("max seq %d, want %d", n, workers*each)
		}
		f.sign(t)
		rep := f.mustOK(t)
		if rep.Entries != workers*each || rep.LastHead != workers*each {
			t.Errorf("report %+v", rep)
		}
	})
}

func TestRunSignsHeadsByCountAndAtShutdown(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		f := newFixture(t, d)
		var mu sync.Mutex
		var published []int64
		l := New(d, f.log.keys, Options{HeadEvery: 10, HeadInterval: time.Hour, Now: f.clock.Now, OnHead: func(h Head) {
			mu.Lock()
			published = append(published, h.Seq)
			mu.Unlock()
		}})
		stopped := make(chan struct{})
		go func() { l.Run(ctx); close(stopped) }()
		for i := 0; i < 25; i++ {
			if _, err := l.Record(context.Background(), sample(i)); err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			h, err := l.LatestHead(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			// Heads follow the count: once appends stop, fewer than
			// HeadEvery entries are left unsigned.
			if 25-h.Seq < 10 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after 25 entries with HeadEvery 10 the latest head is at %d", h.Seq)
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		<-stopped
		h, err := l.LatestHead(context.Background())
		if err != nil || h.Seq != 25 {
			t.Fatalf("after shutdown the latest head is %d (%v), want 25", h.Seq, err)
		}
		mu.Lock()
		if len(published) == 0 || published[len(published)-1] != 25 {
			t.Errorf("OnHead saw %v", published)
		}
		mu.Unlock()
		f.mustOK(t)
	})
}

func TestRunSignsAtTheInterval(t *testing.T) {
	t.Parallel()
	f := newFixture(t, dbtest.SQLite(t))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l := New(f.d, f.log.keys, Options{HeadEvery: 1000, HeadInterval: 20 * time.Millisecond, Now: f.clock.Now})
	go l.Run(ctx)
	f.fill(t, 3)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if h, _ := l.LatestHead(ctx); h.Seq == 3 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no head signed within the interval")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
