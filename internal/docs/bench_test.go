package docs_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/docs"
)

// Figures are in docs/documents.md. Run with
//
//	LIANDONG_TEST_PG=… go test ./internal/docs -run '^$' -bench . -benchmem

// eachEngine runs fn on SQLite and, when LIANDONG_TEST_PG is set, PostgreSQL.
func eachEngine(b *testing.B, fn func(b *testing.B, d *db.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, dbtest.SQLite(b)) })
	if dsn := dbtest.PGDSN(b); dsn != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, dbtest.Postgres(b, dsn)) })
	}
}

const mib = 1 << 20

// padding is where a sample PDF's content stream padding starts: bytes
// that can change without breaking the file.
func padding(pdf []byte) int {
	i := bytes.Index(pdf, bytes.Repeat([]byte("%"), 16))
	if i < 0 {
		panic("sample PDF without padding")
	}
	return i
}

func BenchmarkDigest1MiB(b *testing.B) {
	data := bytes.Repeat([]byte("协助执行通知书"), mib/21+1)[:mib]
	b.SetBytes(mib)
	for b.Loop() {
		docs.Digest(data)
	}
}

func BenchmarkPut1MiBPDF(b *testing.B) {
	eachEngine(b, func(b *testing.B, d *db.DB) {
		f := newFixture(b, d, docs.Options{})
		ctx := context.Background()
		base := docs.SamplePDF("bench", 0)
		pdf := docs.SamplePDF("bench", mib-len(base))
		mid := padding(pdf)
		b.SetBytes(int64(len(pdf)))
		var n uint64
		for b.Loop() {
			n++
			binary.BigEndian.PutUint64(pdf[mid:], n) // new content each time: no dedup shortcut
			if _, err := f.store.Put(ctx, bytes.NewReader(pdf), "bench.pdf"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkIssue(b *testing.B) {
	eachEngine(b, func(b *testing.B, d *db.DB) {
		f := newFixture(b, d, docs.Options{})
		ctx := context.Background()
		if err := f.store.EnsureUnitKeys(ctx, []string{"fy411600"}); err != nil {
			b.Fatal(err)
		}
		pdf := docs.SamplePDF("issue bench", 64)
		mid := padding(pdf)
		var n uint64
		for b.Loop() {
			b.StopTimer() // a new file per document: a file is issued once
			n++
			binary.BigEndian.PutUint64(pdf[mid:], n)
			blob, err := f.store.Put(ctx, bytes.NewReader(pdf), "x.pdf")
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := f.store.Issue(ctx, docs.IssueRequest{Digest: blob.Digest, Type: "协助执行通知书", CaseNumber: "（2021）豫16执123号",
				UnitCode: "fy411600", Username: courtUser}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkVerifyByCode(b *testing.B) {
	eachEngine(b, func(b *testing.B, d *db.DB) {
		f := newFixture(b, d, docs.Options{})
		ctx := context.Background()
		doc := f.issue(b, docs.SamplePDF("verify bench", 0), "协助执行通知书")
		for b.Loop() {
			v, err := f.store.Verify(ctx, doc.Code)
			if err != nil || !v.SignatureValid {
				b.Fatal(v.Problem, err)
			}
		}
	})
}
