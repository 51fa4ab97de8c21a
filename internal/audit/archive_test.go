package audit

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
)

// archivedLog has 25 entries from January 2024 (a head at 10), 5 from
// March 2025 with a head at 30, and the clock in March 2025.
func archivedLog(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	f := newFixture(t, d)
	f.clock.Set(time.Date(2024, 1, 10, 9, 0, 0, 0, time.UTC))
	f.fill(t, 10)
	f.sign(t)
	f.fill(t, 15)
	f.clock.Set(t0)
	f.fill(t, 5)
	f.sign(t)
	return f
}

func TestArchiveRoundTrip(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := archivedLog(t, d)
		ctx := WithActor(context.Background(), Actor{Username: "sec01", UnitCode: "fy411600", Role: "sec_admin", Source: "cli"})
		before := time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)

		var file bytes.Buffer
		n, err := f.log.Archive(ctx, before, &file)
		if err != nil {
			t.Fatal(err)
		}
		if n != 25 {
			t.Fatalf("archived %d entries, want 25", n)
		}
		if got := f.count(t, `SELECT COUNT(*) FROM audit_entries WHERE seq <= 25`); got != 0 {
			t.Errorf("%d archived entries left in the database", got)
		}
		if got := f.count(t, `SELECT COUNT(*) FROM audit_heads WHERE seq <= 25`); got != 0 {
			t.Errorf("%d archived heads left in the database", got)
		}

		// The chain verifies from the archive boundary.
		rep := f.auditorVerify(t)
		if !rep.OK || rep.Archives != 1 || rep.ArchivedTo != 25 || rep.FirstSeq != 26 || rep.LastSeq != 31 || rep.Entries != 6 {
			t.Fatalf("after archive: %+v", rep)
		}
		// The archive is itself audited, by the actor.
		list, _, err := f.log.Search(ctx, Query{ActionPrefix: "audit.archive"})
		if err != nil || len(list) != 1 {
			t.Fatalf("archive entries: %v, %v", list, err)
		}
		recs, err := f.log.Archives(ctx)
		if err != nil || len(recs) != 1 {
			t.Fatalf("Archives: %v, %v", recs, err)
		}
		rec := recs[0]
		if e := list[0]; e.Username != "sec01" || e.Outcome != OK || e.Object != "archive:"+rec.ID || !strings.Contains(e.Detail, rec.FileSM3) {
			t.Errorf("archive entry %+v", e)
		}

		// The file proves itself, and matches the database's record.
		ar, err := VerifyArchive(bytes.NewReader(file.Bytes()))
		if err != nil || !ar.OK {
			t.Fatalf("VerifyArchive: %+v, %v", ar, err)
		}
		if ar.ID != rec.ID || ar.FirstSeq != 1 || ar.LastSeq != 25 || ar.Entries != 25 || ar.Heads != 2 || ar.SM3 != rec.FileSM3 || ar.Fingerprint != rec.Fingerprint {
			t.Errorf("archive report %+v, record %+v", ar, rec)
		}
		if cr, err := f.log.CheckArchive(ctx, bytes.NewReader(file.Bytes())); err != nil || !cr.OK {
			t.Errorf("CheckArchive: %+v, %v", cr, err)
		}

		// Nothing more is old enough: nothing written, still audited.
		var empty bytes.Buffer
		if n, err := f.log.Archive(ctx, before, &empty); err != nil || n != 0 || empty.Len() != 0 {
			t.Errorf("second archive: %d, %v, %d bytes", n, err, empty.Len())
		}

		// A year on, the next archive continues the chain.
		f.clock.Set(t0.AddDate(1, 0, 0))
		f.fill(t, 3)
		var file2 bytes.Buffer
		n, err = f.log.Archive(ctx, t0.AddDate(0, 3, 0), &file2)
		if err != nil || n != 7 {
			t.Fatalf("second archive: %d, %v", n, err)
		}
		rep = f.auditorVerify(t)
		if !rep.OK || rep.Archives != 2 || rep.ArchivedTo != 32 {
			t.Fatalf("after the second archive: %+v", rep)
		}
		ar2, err := VerifyArchive(&file2)
		if err != nil || !ar2.OK || ar2.FirstSeq != 26 || !bytes.Equal(ar2.PrevHash, ar.LastHash) {
			t.Errorf("second archive file: %+v, %v", ar2, err)
		}
	})
}

func TestArchiveRefusesRecentEntries(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := archivedLog(t, d)
		var file bytes.Buffer
		_, err := f.log.Archive(context.Background(), t0.AddDate(0, -5, 0), &file)
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.Invalid || !strings.Contains(e.Message, "六个月") {
			t.Fatalf("archive of five-month-old entries: %v", err)
		}
		if file.Len() != 0 {
			t.Error("a refused archive wrote to the file")
		}
		list, _, err := f.log.Search(context.Background(), Query{ActionPrefix: "audit.archive", Outcome: Failed})
		if err != nil || len(list) != 1 || !strings.Contains(list[0].Detail, "六个月") {
			t.Errorf("the refusal is not audited: %v, %v", list, err)
		}
		f.mustOK(t)
	})
}

func TestArchiveRefusesABrokenChain(t *testing.T) {
	t.Parallel()
	f := archivedLog(t, dbtest.SQLite(t))
	flipText(t, f, "detail", 5)
	var file bytes.Buffer
	_, err := f.log.Archive(context.Background(), time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC), &file)
	if e, ok := apperr.As(err); !ok || e.Kind != apperr.Conflict || !strings.Contains(e.Message, "第 5 条") {
		t.Fatalf("archive over a tampered chain: %v", err)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM audit_entries WHERE seq <= 25`); n != 25 {
		t.Errorf("%d entries left, want all 25", n)
	}
}

func TestArchiveTamperIsDetected(t *testing.T) {
	t.Parallel()
	f := archivedLog(t, dbtest.SQLite(t))
	ctx := context.Background()
	var file bytes.Buffer
	if _, err := f.log.Archive(ctx, time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC), &file); err != nil {
		t.Fatal(err)
	}
	good := file.String()
	lines := strings.SplitAfter(good, "\n")

	files := []struct {
		name string
		text string
		seq  int64
	}{
		{"one byte of an entry", strings.Replace(good, "no.7\"", "no.8\"", 1), 7},
		{"an entry removed", strings.Join(append(append([]string{}, lines[:5]...), lines[6:]...), ""), 5},
		{"truncated", strings.Join(lines[:20], ""), 0},
		{"a head's signature", strings.Replace(good, `"signature":"30`, `"signature":"31`, 1), 10},
	}
	for _, tt := range files {
		rep, err := VerifyArchive(strings.NewReader(tt.text))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if rep.OK || (tt.seq != 0 && rep.Seq != tt.seq) || rep.Reason == "" {
			t.Errorf("%s: %+v", tt.name, rep)
		}
	}
	if rep, err := VerifyArchive(strings.NewReader("not an archive\n")); err != nil || rep.OK {
		t.Errorf("garbage: %+v, %v", rep, err)
	}
	// A file that proves itself but is not the one the database recorded.
	other := archivedLog(t, dbtest.SQLite(t))
	var otherFile bytes.Buffer
	if _, err := other.log.Archive(ctx, time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC), &otherFile); err != nil {
		t.Fatal(err)
	}
	if rep, err := f.log.CheckArchive(ctx, &otherFile); err != nil || rep.OK {
		t.Errorf("another node's archive passed CheckArchive: %+v, %v", rep, err)
	}

	// In the database: the archive record is what the chain resumes from.
	for _, tt := range []struct {
		name    string
		do      func(f *fixture)
		problem Problem
	}{
		{"archive record deleted", func(f *fixture) { f.exec(t, `DELETE FROM audit_archives`) }, EntryMissing},
		{"archive record's last hash", func(f *fixture) {
			var b []byte
			if err := f.d.Read().QueryRow(`SELECT last_hash FROM audit_archives`).Scan(&b); err != nil {
				t.Fatal(err)
			}
			b[0] ^= 1
			f.exec(t, `UPDATE audit_archives SET last_hash = $1`, b)
		}, ArchiveInvalid},
		{"archive record's range widened over deleted entries", func(f *fixture) {
			f.exec(t, `UPDATE audit_archives SET last_seq = 28, last_hash = (SELECT hash FROM audit_entries WHERE seq = 28)`)
			f.exec(t, `DELETE FROM audit_entries WHERE seq <= 28`)
		}, ArchiveInvalid},
	} {
		g := archivedLog(t, dbtest.SQLite(t))
		if _, err := g.log.Archive(ctx, time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC), &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		g.mustOK(t)
		tt.do(g)
		if rep := g.auditorVerify(t); rep.OK || rep.Problem != tt.problem {
			t.Errorf("%s: %+v", tt.name, rep)
		}
	}
}
