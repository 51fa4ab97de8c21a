package credit_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/credit"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
)

func importOpts() credit.ImportOptions {
	return credit.ImportOptions{Actor: officer, Court: court}
}

// A file with bad lines is refused whole by default, and every bad line is
// reported with its number and reasons; SkipInvalid imports the others.
func TestImportAllOrNothing(t *testing.T) {
	t.Parallel()
	for _, format := range []credit.Format{credit.JSONL, credit.CSV} {
		t.Run(string(format), func(t *testing.T) {
			t.Parallel()
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				t.Parallel()
				f := newFixture(t, d)
				ctx := context.Background()
				es := lines(1, 100)
				es[56].IDNumber = residentID("411602", "20100101", "011") // line 57 (+1 in CSV): a minor
				es[79].CaseNumber = "（2025）豫1603执80号"                     // line 80: another court's case
				es[89] = es[10]                                           // line 90: the same as line 11
				file := jsonl(t, es)
				first := 1
				if format == credit.CSV {
					file, first = csvFile(t, es), 2
				}
				var calls int
				rep, err := f.store.Import(ctx, bytes.NewReader(file), format, importOpts(), func(done, total int) {
					calls++
					if total != 100 || done > total {
						t.Errorf("progress %d / %d", done, total)
					}
				})
				wantCode(t, err, apperr.Invalid, credit.CodeImportRejected)
				if rep.Committed || rep.Imported != 0 || rep.Lines != 100 || rep.RejectedCount != 3 || calls == 0 {
					t.Fatalf("report = %+v", rep)
				}
				want := []struct {
					line int
					code string
				}{{56 + first, credit.CodeMinor}, {79 + first, credit.CodeCourt}, {89 + first, credit.CodeDuplicate}}
				for i, w := range want {
					r := rep.Rejected[i]
					if r.Line != w.line || r.Problems[0].Code != w.code || r.Problems[0].Message == "" {
						t.Errorf("rejected[%d] = %+v, want line %d %s", i, r, w.line, w.code)
					}
				}
				if n := f.count(t, `SELECT COUNT(*) FROM credit_entries`) + f.count(t, `SELECT COUNT(*) FROM credit_changes`) +
					f.count(t, `SELECT COUNT(*) FROM credit_documents`) + f.count(t, `SELECT COUNT(*) FROM credit_imports`); n != 0 {
					t.Errorf("%d rows written by a refused import", n)
				}
				if v, _ := f.store.Version(ctx); v != 0 {
					t.Errorf("version %d after a refused import", v)
				}

				opts := importOpts()
				opts.SkipInvalid = true
				rep, err = f.store.Import(ctx, bytes.NewReader(file), format, opts, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !rep.Committed || rep.Imported != 97 || rep.RejectedCount != 3 || rep.FirstVersion != 1 || rep.LastVersion != 97 || len(rep.FileSM3) != 64 {
					t.Errorf("report = %+v", rep)
				}
				if got, v := f.active(t); len(got) != 97 || v != 97 {
					t.Errorf("active %d at %d", len(got), v)
				}
				// Importing the same file again: every line is now a duplicate.
				rep, err = f.store.Import(ctx, bytes.NewReader(file), format, opts, nil)
				wantCode(t, err, apperr.Invalid, credit.CodeImportEmpty)
				if rep.RejectedCount != 100 {
					t.Errorf("second import rejected %d", rep.RejectedCount)
				}
			})
		})
	}
}

// failingReader fails after n bytes, as a dropped upload would.
type failingReader struct {
	r io.Reader
	n int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection reset")
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	k, err := f.r.Read(p)
	f.n -= k
	return k, err
}

// A failure mid-way leaves nothing behind.
func TestImportFailureMidway(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		file := jsonl(t, lines(1, 3000))
		_, err := f.store.Import(context.Background(), &failingReader{r: bytes.NewReader(file), n: len(file) / 2}, credit.JSONL, importOpts(), nil)
		if err == nil || !strings.Contains(err.Error(), "connection reset") {
			t.Fatalf("err = %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM credit_entries`) + f.count(t, `SELECT COUNT(*) FROM credit_changes`); n != 0 {
			t.Errorf("%d rows left", n)
		}
		// Wrong court, unknown column, bad format: refused before reading.
		opts := importOpts()
		opts.Court = "fy411603"
		_, err = f.store.Import(context.Background(), bytes.NewReader(file), credit.JSONL, opts, nil)
		wantCode(t, err, apperr.Forbidden, "access.denied")
		_, err = f.store.Import(context.Background(), strings.NewReader("kind,nmae\nperson,张三\n"), credit.CSV, importOpts(), nil)
		wantCode(t, err, apperr.Invalid, credit.CodeImportFormat)
		_, err = f.store.Import(context.Background(), strings.NewReader(""), "xlsx", importOpts(), nil)
		wantCode(t, err, apperr.Invalid, credit.CodeImportFormat)
		rep, err := f.store.Import(context.Background(), strings.NewReader("{\"kind\":\"person\",\"nmae\":\"x\"}\nnot json\n"), credit.JSONL, importOpts(), nil)
		wantCode(t, err, apperr.Invalid, credit.CodeImportRejected)
		if rep.RejectedCount != 2 || !strings.Contains(rep.Rejected[0].Problems[0].Message, "nmae") {
			t.Errorf("report = %+v", rep.Rejected)
		}
	})
}

// 10,000 lines in one go, counted everywhere they should be.
func TestImport10k(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d)
		ctx := context.Background()
		first := f.add(t, person(1)) // version 1, a case the file does not use
		const n = 10_000
		es := lines(1, n)
		es[5].Documents = []credit.NewDocument{{Kind: "passport", Number: "E12345678"}}
		opts := importOpts()
		opts.BulkFrom = 5000 // on SQLite: the index rebuild path
		indexes := `SELECT COUNT(*) FROM credit_documents WHERE number_index <> ''`
		if d.Engine == db.SQLite {
			indexes = `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('credit_entries', 'credit_documents') AND sql IS NOT NULL`
		}
		before := f.count(t, indexes)
		rep, err := f.store.Import(ctx, bytes.NewReader(jsonl(t, es)), credit.JSONL, opts, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Imported != n || rep.Lines != n || rep.FirstVersion != 2 || rep.LastVersion != n+1 || rep.ImportID == 0 {
			t.Fatalf("report = %+v", rep)
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM credit_entries WHERE state = 'active'`:         n + 1,
			`SELECT COUNT(*) FROM credit_documents`:                              n + 1 + 1,
			`SELECT COUNT(*) FROM credit_changes WHERE op = 'add'`:               n + 1,
			`SELECT COUNT(*) FROM credit_entries WHERE term_years = 0`:           n/6 + 1,
			`SELECT COUNT(*) FROM credit_entries WHERE initiation = 'applicant'`: n / 6,
			`SELECT COUNT(DISTINCT debtor_key) FROM credit_entries`:              n + 1,
			`SELECT COUNT(*) FROM credit_entries WHERE import_id IS NOT NULL`:    n,
			`SELECT COUNT(*) FROM audit_entries WHERE action = 'credit.import'`:  1,
			`SELECT MAX(version) FROM credit_changes`:                            n + 1,
			`SELECT COUNT(*) FROM credit_entries WHERE expires_at IS NOT NULL`:   n - n/6,
		} {
			if got := f.count(t, q); got != want {
				t.Errorf("%s = %d, want %d", q, got, want)
			}
		}
		got, v := f.active(t)
		if len(got) != n+1 || v != n+1 {
			t.Fatalf("Active: %d at %d", len(got), v)
		}
		var with2 int
		for _, e := range got {
			if len(e.IDs) == 2 {
				with2++
			}
		}
		if with2 != 1 || got[first.ID].IDs[0] != person(1).IDNumber {
			t.Errorf("documents unsealed wrongly")
		}
		if cs := f.changes(t, 0); len(cs) != n+1 || cs[n].Version != n+1 {
			t.Errorf("%d changes", len(cs))
		}
		if d.Engine == db.SQLite {
			if after := f.count(t, indexes); after != before {
				t.Errorf("%d indexes after the import, %d before", after, before)
			}
		}
		// The unique index is back: the same debtor in the same case again.
		_, err = f.store.Add(ctx, officer, es[99])
		wantCode(t, err, apperr.Conflict, credit.CodeDuplicate)
	})
}

// BenchmarkImport imports 100,000 generated lines (or -lines) into a fresh
// SQLite database per iteration.
func BenchmarkImport(b *testing.B) {
	n := *benchLines
	file := jsonl(b, lines(1, n))
	b.SetBytes(int64(len(file)))
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		f := newFixture(b, dbtest.SQLite(b))
		for _, ix := range strings.Fields(os.Getenv("CREDIT_DROP")) {
			if _, err := f.d.Write().Exec("DROP INDEX " + ix); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		rep, err := f.store.Import(context.Background(), bytes.NewReader(file), credit.JSONL, importOpts(), nil)
		if err != nil || rep.Imported != n {
			b.Fatalf("import: %v (%d imported)", err, rep.Imported)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

func TestWriteSample(t *testing.T) {
	if *writeSample == "" {
		t.Skip("no -write-sample path")
	}
	es := lines(1, *benchLines)
	b := jsonl(t, es)
	if strings.HasSuffix(*writeSample, ".csv") {
		b = csvFile(t, es)
	}
	if err := os.WriteFile(*writeSample, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestImportFile(t *testing.T) {
	if *importFile == "" {
		t.Skip("no -import-file")
	}
	f := newFixture(t, dbtest.SQLite(t))
	in, err := os.Open(*importFile)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	start := time.Now()
	var linesDone time.Duration
	rep, err := f.store.Import(context.Background(), in, credit.JSONL, importOpts(), func(done, total int) {
		if done == total {
			linesDone = time.Since(start)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d lines imported in %v (all lines written after %v; indexes, change feed and commit after that)", rep.Imported, time.Since(start), linesDone)
}

// TestImportCSVWithSomeColumns: a CSV header may name only some of the
// columns (docs/credit.md); such a file imports rather than crashing the
// importer (a regression: the field slice was sized by the header).
func TestImportCSVWithSomeColumns(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		full, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvFile(t, lines(1, 3)), []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		drop := map[string]bool{"documents": true, "credit_code": true, "legal_rep": true, "legal_rep_id": true, "extension_reason": true}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		for _, rec := range full {
			var out []string
			for i, v := range rec {
				if !drop[full[0][i]] {
					out = append(out, v)
				}
			}
			w.Write(out)
		}
		w.Flush()
		rep, err := f.store.Import(context.Background(), &b, credit.CSV, importOpts(), nil)
		if err != nil || !rep.Committed || rep.Imported != 3 {
			t.Fatalf("import of a file with %d of %d columns: %+v %v", len(full[0])-len(drop), len(full[0]), rep, err)
		}
	})
}
