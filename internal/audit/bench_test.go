package audit

import (
	"context"
	"database/sql"
	"sync/atomic"
	"testing"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
)

// Run with:
//
//	LIANDONG_TEST_PG='postgres://…' go test -run '^$' -bench . -benchtime 2s ./internal/audit/
//
// BenchmarkAppend against BenchmarkPlainInsert is the cost of the chain
// per audited act; BenchmarkAppendInTx/with-audit against without-audit is
// the cost added to a request that already writes.

func engines(b *testing.B, fn func(b *testing.B, d *db.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, dbtest.SQLite(b)) })
	if dsn := dbtest.PGDSN(b); dsn != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, dbtest.Postgres(b, dsn)) })
	}
}

func perSecond(b *testing.B, unit string) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, unit)
	}
}

// plainTable has the shape of audit_entries without the chain.
const plainTable = `CREATE TABLE plain_entries (
    seq BIGINT PRIMARY KEY, at {{time}} NOT NULL, username TEXT NOT NULL, unit_code TEXT NOT NULL,
    role TEXT NOT NULL, source TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL,
    case_number TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL, hash {{bytes}} NOT NULL)`

func plainInsert(ctx context.Context, tx *sql.Tx, seq int64, e Entry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO plain_entries (seq, at, username, unit_code, role, source, action, object, case_number, outcome, detail, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		seq, db.Now(), e.Username, e.UnitCode, e.Role, e.Source, e.Action, e.Object, e.CaseNumber, string(e.Outcome), e.Detail, make([]byte, HashSize))
	return err
}

func BenchmarkAppend(b *testing.B) {
	engines(b, func(b *testing.B, d *db.DB) {
		f := newFixture(b, d)
		ctx := context.Background()
		e := sample(1)
		for b.Loop() {
			if _, err := f.log.Record(ctx, e); err != nil {
				b.Fatal(err)
			}
		}
		perSecond(b, "appends/s")
	})
}

func BenchmarkPlainInsert(b *testing.B) {
	engines(b, func(b *testing.B, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Write().ExecContext(ctx, db.ExpandTypes(d.Engine, plainTable)); err != nil {
			b.Fatal(err)
		}
		e := sample(1)
		var seq int64
		for b.Loop() {
			seq++
			if err := d.Tx(ctx, func(tx *sql.Tx) error { return plainInsert(ctx, tx, seq, e) }); err != nil {
				b.Fatal(err)
			}
		}
		perSecond(b, "inserts/s")
	})
}

// BenchmarkAppendInTx is the cost per request: a transaction doing one
// business insert, with and without its audit entry.
func BenchmarkAppendInTx(b *testing.B) {
	engines(b, func(b *testing.B, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Write().ExecContext(ctx, `CREATE TABLE bench_matters (id BIGINT PRIMARY KEY, title TEXT NOT NULL, state TEXT NOT NULL)`); err != nil {
			b.Fatal(err)
		}
		f := newFixture(b, d)
		var id int64
		for _, audited := range []bool{false, true} {
			name := "without-audit"
			if audited {
				name = "with-audit"
			}
			b.Run(name, func(b *testing.B) {
				e := sample(2)
				for b.Loop() {
					id++
					err := d.Tx(ctx, func(tx *sql.Tx) error {
						if _, err := tx.ExecContext(ctx, `INSERT INTO bench_matters (id, title, state) VALUES ($1, $2, $3)`, id, "查人找车", "sent"); err != nil {
							return err
						}
						if !audited {
							return nil
						}
						_, err := f.log.Append(ctx, tx, e)
						return err
					})
					if err != nil {
						b.Fatal(err)
					}
				}
				perSecond(b, "requests/s")
			})
		}
	})
}

// BenchmarkAppendParallel measures appends from many goroutines: the
// chain-head lock makes audited commits take turns.
func BenchmarkAppendParallel(b *testing.B) {
	engines(b, func(b *testing.B, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Write().ExecContext(ctx, db.ExpandTypes(d.Engine, plainTable)); err != nil {
			b.Fatal(err)
		}
		f := newFixture(b, d)
		e := sample(3)
		b.Run("audit", func(b *testing.B) {
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := f.log.Record(ctx, e); err != nil {
						b.Error(err)
						return
					}
				}
			})
			perSecond(b, "appends/s")
		})
		var seq atomic.Int64 // across the runs of the sub-benchmark: the table keeps its rows
		b.Run("plain", func(b *testing.B) {
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := seq.Add(1)
					if err := d.Tx(ctx, func(tx *sql.Tx) error { return plainInsert(ctx, tx, n, e) }); err != nil {
						b.Error(err)
						return
					}
				}
			})
			perSecond(b, "inserts/s")
		})
	})
}

func BenchmarkVerify(b *testing.B) {
	engines(b, func(b *testing.B, d *db.DB) {
		const n = 50000
		f := newFixture(b, d)
		for done := 0; done < n; done += 1000 {
			f.fill(b, 1000)
			if done%10000 == 0 {
				f.sign(b)
			}
		}
		f.sign(b)
		ctx := context.Background()
		var entries int64
		for b.Loop() {
			rep, err := f.log.Verify(ctx, nil)
			if err != nil || !rep.OK {
				b.Fatalf("%+v, %v", rep, err)
			}
			entries += rep.Entries
		}
		if s := b.Elapsed().Seconds(); s > 0 {
			b.ReportMetric(float64(entries)/s, "entries/s")
		}
	})
}
