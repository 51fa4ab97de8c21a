package docs_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/docs"
)

func TestPutEachKindAndReadBack(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, docs.Options{})
		for _, tt := range []struct {
			name string
			data []byte
			kind docs.Kind
			mime string
		}{
			{"通知书.pdf", docs.SamplePDF("put", 0), docs.PDF, "application/pdf"},
			{"photo.png", docs.SamplePNG(1), docs.PNG, "image/png"},
			{"photo.jpg", docs.SampleJPEG(1), docs.JPEG, "image/jpeg"},
			{"通知书.ofd", docs.SampleOFD("put"), docs.OFD, "application/ofd"},
			// The name is not trusted: a PNG called .pdf is stored as PNG.
			{"裁定书.pdf", docs.SamplePNG(2), docs.PNG, "image/png"},
		} {
			b := f.put(t, tt.data, tt.name)
			if b.Kind != tt.kind || b.MIME != tt.mime || b.Size != int64(len(tt.data)) || b.Digest != docs.Digest(tt.data) || b.CreatedAt.IsZero() {
				t.Errorf("%s: Put = %+v, want kind %s, %d bytes, digest %s", tt.name, b, tt.kind, len(tt.data), docs.Digest(tt.data))
			}
			st, err := f.store.Stat(ctx, strings.ToUpper(b.Digest))
			if err != nil || st.Kind != tt.kind || st.Size != b.Size || !st.CreatedAt.Equal(b.CreatedAt) {
				t.Errorf("%s: Stat = %+v, %v", tt.name, st, err)
			}
			rc, ob, err := f.store.Open(ctx, b.Digest)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, tt.data) || ob.MIME != tt.mime {
				t.Errorf("%s: read back %d bytes, %v (mime %s)", tt.name, len(got), err, ob.MIME)
			}
		}
		if n := f.count(t, "document_blobs"); n != 5 {
			t.Errorf("%d blobs stored, want 5", n)
		}
	})
}

func TestPutRejects(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, docs.Options{})
		small := docs.NewStore(d, f.keys, f.dir, f.auditor, docs.Options{MaxSize: 2 << 10})
		for _, tt := range []struct {
			name     string
			store    *docs.Store
			r        io.Reader
			code     string
			contains string
		}{
			{"setup.pdf", f.store, bytes.NewReader(docs.SampleEXE()), "doc.type_unsupported", "“setup.pdf”：文件类型不受支持：只接受 PDF、JPEG、PNG、OFD，本文件内容为 Windows 可执行程序"},
			{"材料.ofd", f.store, bytes.NewReader(docs.SampleZip([2]string{"readme.txt", "x"})), "doc.type_unsupported", "根目录下没有 OFD.xml"},
			{"C:\\fakepath\\page\u202e.pdf", f.store, strings.NewReader("<!doctype html><title>x</title>"), "doc.type_unsupported", "“page.pdf”：文件类型不受支持：只接受 PDF、JPEG、PNG、OFD，本文件内容为 HTML 网页"},
			{"empty.pdf", f.store, strings.NewReader(""), "doc.empty", "文件为空"},
			{"big.pdf", small, bytes.NewReader(docs.SamplePDF("big", 4<<10)), "doc.too_large", "不能超过 2 KiB"},
			// The default limit, 20 MiB, without holding 20 MiB in the test.
			{"huge.pdf", f.store, io.MultiReader(strings.NewReader("%PDF-1.7\n"), io.LimitReader(zeros{}, docs.DefaultMaxSize)), "doc.too_large", "不能超过 20 MiB"},
		} {
			_, err := tt.store.Put(ctx, tt.r, tt.name)
			e := wantCode(t, err, apperr.Invalid, tt.code)
			if !strings.Contains(e.Message, tt.contains) {
				t.Errorf("%s: message %q does not contain %q", tt.name, e.Message, tt.contains)
			}
		}
		if n := f.count(t, "document_blobs") + f.count(t, "document_blob_chunks"); n != 0 {
			t.Errorf("%d rows stored by refused uploads", n)
		}
		if f.store.MaxSize() != docs.DefaultMaxSize || small.MaxSize() != 2<<10 {
			t.Errorf("MaxSize = %d, %d", f.store.MaxSize(), small.MaxSize())
		}
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestPutStoresSameContentOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, docs.Options{})
		data := docs.SamplePDF("dedup", 300<<10) // two chunks
		first := f.put(t, data, "a.pdf")
		second := f.put(t, data, "b.pdf")
		if first != second {
			t.Errorf("second Put = %+v, want %+v", second, first)
		}
		if n := f.count(t, "document_blobs"); n != 1 {
			t.Errorf("%d blobs, want 1", n)
		}
		if n := f.count(t, "document_blob_chunks"); n != 2 {
			t.Errorf("%d chunks, want 2", n)
		}
	})
}

// Open streams a file of several chunks and notices stored bytes that no
// longer match the digest.
func TestOpenStreamsAndChecksContent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, docs.Options{})
		data := docs.SamplePDF("stream", 700<<10)
		b := f.put(t, data, "big.pdf")
		rc, _, err := f.store.Open(ctx, b.Digest)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := io.CopyBuffer(&out, struct{ io.Reader }{rc}, make([]byte, 1000)); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		if !bytes.Equal(out.Bytes(), data) {
			t.Fatalf("read %d bytes, want the %d stored", out.Len(), len(data))
		}

		if _, err := d.Write().ExecContext(ctx, `UPDATE document_blob_chunks SET data = $1 WHERE digest = $2 AND seq = 1`, bytes.Repeat([]byte("x"), 256<<10), b.Digest); err != nil {
			t.Fatal(err)
		}
		rc, _, err = f.store.Open(ctx, b.Digest)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(rc); err == nil || !strings.Contains(err.Error(), "corrupt") {
			t.Errorf("reading a changed blob: err = %v, want a corruption error", err)
		}

		_, _, err = f.store.Open(ctx, docs.Digest([]byte("never stored")))
		wantCode(t, err, apperr.NotFound, "doc.blob_not_found")
		_, _, err = f.store.Open(ctx, "../etc/passwd")
		wantCode(t, err, apperr.Invalid, "doc.digest_format")
	})
}
