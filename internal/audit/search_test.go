package audit

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
)

// searchLog records 60 varied entries and returns them as stored.
func searchLog(t *testing.T, d *db.DB) (*fixture, []Entry) {
	t.Helper()
	f := newFixture(t, d)
	actions := []string{"session.login", "session.logout", "subject.reveal_id", "subject.read", "user.create", "a_b.x", "axb.x", "100%.y"}
	var all []Entry
	for i := 1; i <= 60; i++ {
		e := Entry{
			Username: "user" + strconv.Itoa(i%3),
			UnitCode: []string{"fy411602", "ga411602"}[i%2],
			Role:     "court_officer",
			Source:   "10.0.0." + strconv.Itoa(i),
			Action:   actions[i%len(actions)],
			Object:   "subject:" + strconv.Itoa(i%5),
			Outcome:  []Outcome{OK, Denied, Failed}[i%3],
			Detail:   "第" + strconv.Itoa(i) + "次",
		}
		if i%4 == 0 {
			e.CaseNumber = "（2024）豫1602执" + strconv.Itoa(i%8) + "号"
		}
		got, err := f.log.Record(context.Background(), e)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, got)
	}
	return f, all
}

func TestSearchFilters(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f, all := searchLog(t, d)
		cst := time.FixedZone("CST", 8*3600)
		from, to := all[10].At.In(cst), all[20].At.In(cst)
		tests := []struct {
			name string
			q    Query
			want func(Entry) bool
		}{
			{"all", Query{}, func(Entry) bool { return true }},
			{"username", Query{Username: "user1"}, func(e Entry) bool { return e.Username == "user1" }},
			{"unit", Query{UnitCode: "ga411602"}, func(e Entry) bool { return e.UnitCode == "ga411602" }},
			{"action prefix", Query{ActionPrefix: "session."}, func(e Entry) bool { return strings.HasPrefix(e.Action, "session.") }},
			{"whole action", Query{ActionPrefix: "subject.read"}, func(e Entry) bool { return e.Action == "subject.read" }},
			{"prefix with _ is literal", Query{ActionPrefix: "a_b"}, func(e Entry) bool { return e.Action == "a_b.x" }},
			{"prefix with % is literal", Query{ActionPrefix: "100%"}, func(e Entry) bool { return e.Action == "100%.y" }},
			{"prefix is case-sensitive", Query{ActionPrefix: "Session."}, func(Entry) bool { return false }},
			{"case number", Query{CaseNumber: "（2024）豫1602执4号"}, func(e Entry) bool { return e.CaseNumber == "（2024）豫1602执4号" }},
			{"outcome", Query{Outcome: Denied}, func(e Entry) bool { return e.Outcome == Denied }},
			{"object", Query{Object: "subject:3"}, func(e Entry) bool { return e.Object == "subject:3" }},
			{"time range in another zone", Query{From: from, To: to}, func(e Entry) bool { return !e.At.Before(from) && e.At.Before(to) }},
			{"combined", Query{Username: "user2", ActionPrefix: "s", Outcome: Failed, From: from},
				func(e Entry) bool {
					return e.Username == "user2" && strings.HasPrefix(e.Action, "s") && e.Outcome == Failed && !e.At.Before(from)
				}},
		}
		for _, tt := range tests {
			var want []int64
			for i := len(all) - 1; i >= 0; i-- {
				if tt.want(all[i]) {
					want = append(want, all[i].Seq)
				}
			}
			// Page through with a small page size.
			var got []int64
			q := tt.q
			q.Limit = 4
			for pages := 0; ; pages++ {
				list, next, err := f.log.Search(context.Background(), q)
				if err != nil {
					t.Fatalf("%s: %v", tt.name, err)
				}
				for _, e := range list {
					got = append(got, e.Seq)
					if e != all[e.Seq-1] {
						t.Errorf("%s: read back %+v, stored %+v", tt.name, e, all[e.Seq-1])
					}
				}
				if next == 0 {
					break
				}
				if pages > 60 {
					t.Fatalf("%s: pagination does not end", tt.name)
				}
				q.Before = next
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: got %v, want %v", tt.name, got, want)
			}
		}
	})
}

func TestSearchRejectsBadQueries(t *testing.T) {
	t.Parallel()
	f := newFixture(t, dbtest.SQLite(t))
	for _, q := range []Query{
		{Limit: MaxLimit + 1},
		{Limit: -1},
		{From: t0, To: t0},
		{Outcome: "maybe"},
	} {
		_, _, err := f.log.Search(context.Background(), q)
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.Invalid || e.Message == "" {
			t.Errorf("Search(%+v): %v, want an Invalid error", q, err)
		}
	}
}

func TestExportCSV(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f, all := searchLog(t, d)
		ctx := WithActor(context.Background(), Actor{Username: "auditor1", UnitCode: "fy411600", Role: "auditor", Source: "10.9.9.9"})
		// A username typed at a login form, that Excel must not run.
		evil, err := f.log.Record(ctx, Entry{Action: "session.login", Outcome: Failed, Object: "=HYPERLINK(\"http://x\")", Detail: "密码错误, \"引号\"\n换行"})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, evil)

		var buf bytes.Buffer
		n, err := f.log.Export(ctx, Query{}, &buf, CSV)
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(len(all)) {
			t.Errorf("exported %d, want %d", n, len(all))
		}
		data := buf.Bytes()
		if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
			t.Fatal("no UTF-8 byte order mark")
		}
		records, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not parse back: %v", err)
		}
		if !slices.Equal(records[0], csvHeader()) {
			t.Errorf("header %v", records[0])
		}
		if len(records) != len(all)+1 {
			t.Fatalf("%d rows, want %d", len(records)-1, len(all))
		}
		for i, r := range records[1:] {
			e := all[i] // oldest first
			wantObject := e.Object
			if strings.HasPrefix(wantObject, "=") {
				wantObject = "'" + wantObject
			}
			want := []string{strconv.FormatInt(e.Seq, 10), e.At.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04:05.000000"),
				e.Username, e.UnitCode, e.Role, e.Source, e.Action, wantObject, e.CaseNumber, e.Outcome.Label(), e.Detail}
			if !slices.Equal(r, want) {
				t.Errorf("row %d:\n got %q\nwant %q", i+1, r, want)
			}
		}

		// Filters apply; the export itself is audited with its actor.
		buf.Reset()
		if n, err := f.log.Export(ctx, Query{Username: "user1", ActionPrefix: "session."}, &buf, CSV); err != nil || n == 0 {
			t.Fatalf("filtered export: %d, %v", n, err)
		}
		exports, _, err := f.log.Search(context.Background(), Query{ActionPrefix: "audit.export"})
		if err != nil || len(exports) != 2 {
			t.Fatalf("export entries: %v, %v", exports, err)
		}
		if e := exports[0]; e.Username != "auditor1" || e.Source != "10.9.9.9" || e.Outcome != OK || !strings.Contains(e.Detail, "用户 user1") {
			t.Errorf("export entry %+v", e)
		}
		f.mustOK(t)
	})
}

func TestExportJSONLines(t *testing.T) {
	t.Parallel()
	f, all := searchLog(t, dbtest.SQLite(t))
	var buf bytes.Buffer
	n, err := f.log.Export(context.Background(), Query{Outcome: Denied}, &buf, JSONL)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var e jsonEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if e.Outcome != "denied" || e.At != timeText(all[e.Seq-1].At) {
			t.Errorf("line %+v", e)
		}
		got = append(got, e.Seq)
	}
	if int64(len(got)) != n || !slices.IsSorted(got) {
		t.Errorf("exported %d: %v", n, got)
	}
	if _, err := f.log.Export(context.Background(), Query{}, &buf, "xlsx"); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("export as xlsx: %v", err)
	}
}

func TestVerifyProgressAndBatches(t *testing.T) {
	t.Parallel()
	f := newFixture(t, dbtest.SQLite(t))
	f.log = New(f.d, f.log.keys, Options{Now: f.clock.Now, HeadEvery: 1})
	n := walkBatch + 123
	err := f.tx(t, func(tx *sql.Tx) error {
		for i := 0; i < n; i++ {
			if _, err := f.log.Append(context.Background(), tx, sample(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.sign(t)
	var calls int
	var last [2]int64
	rep, err := f.log.Verify(context.Background(), func(done, total int64) { calls++; last = [2]int64{done, total} })
	if err != nil || !rep.OK || rep.Entries != int64(n) {
		t.Fatalf("%+v, %v", rep, err)
	}
	if calls < 2 || last != [2]int64{int64(n), int64(n)} {
		t.Errorf("progress called %d times, last %v", calls, last)
	}
	// A fault in the second batch is found too.
	flipText(t, f, "detail", int64(walkBatch+100))
	if rep := f.verify(t); rep.OK || rep.Seq != int64(walkBatch+100) {
		t.Errorf("%+v", rep)
	}
}
