package docs

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"liandong/internal/apperr"
	"liandong/internal/db"
)

// Blob is a stored file, named by the SM3 digest of its content.
type Blob struct {
	Digest    string // SM3, 64 lower-case hex digits
	Kind      Kind
	MIME      string
	Size      int64
	CreatedAt time.Time
}

// chunkSize is how file contents are cut for storage. Neither engine lets
// database/sql stream one large value (pgx reads a bytea whole; SQLite's
// incremental blob I/O is not reachable through database/sql), so a file is
// stored as numbered chunks and a reader fetches one chunk per query: memory
// stays at one chunk per open reader and no connection or transaction is
// held while a slow client reads. 256 KiB keeps a 20 MiB file at 80 rows.
const chunkSize = 256 << 10

// Digest returns the SM3 digest of b as lower-case hex, the same text
// `openssl dgst -sm3` prints.
func Digest(b []byte) string {
	sum := sm3.Sum(b)
	return hex.EncodeToString(sum[:])
}

// isDigest reports whether s is 64 lower-case hex digits.
func isDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// normalizeDigest accepts a digest typed in either case with spaces around.
func normalizeDigest(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	return s, isDigest(s)
}

// Put stores a file after checking its size and its type by content, and
// returns its digest, kind and size. declaredName is only used in messages:
// names are neither trusted nor stored (they often hold a party's name).
// Storing the same content twice stores it once and returns the same Blob.
func (s *Store) Put(ctx context.Context, r io.Reader, declaredName string) (Blob, error) {
	data, err := s.readLimited(r, declaredName)
	if err != nil {
		return Blob{}, err
	}
	kind, err := Sniff(data)
	if err != nil {
		if e, ok := apperr.As(err); ok {
			if name := displayName(declaredName); name != "" {
				e.Message = fmt.Sprintf("“%s”：%s", name, e.Message)
			}
		}
		return Blob{}, err
	}
	b := Blob{Digest: Digest(data), Kind: kind, MIME: kind.MIME(), Size: int64(len(data)), CreatedAt: db.Now()}
	chunks := (len(data) + chunkSize - 1) / chunkSize
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO document_blobs (digest, mime, size, chunks, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (digest) DO NOTHING`, b.Digest, b.MIME, b.Size, chunks, b.CreatedAt)
		if err != nil {
			return fmt.Errorf("store blob %s: %w", b.Digest, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store blob %s: %w", b.Digest, err)
		} else if n == 0 { // stored before: same content, same chunks
			if err := tx.QueryRowContext(ctx, `SELECT created_at FROM document_blobs WHERE digest = $1`, b.Digest).Scan(&b.CreatedAt); err != nil {
				return fmt.Errorf("read blob %s: %w", b.Digest, err)
			}
			b.CreatedAt = b.CreatedAt.UTC()
			return nil
		}
		for i := 0; i < chunks; i++ {
			part := data[i*chunkSize : min(len(data), (i+1)*chunkSize)]
			if _, err := tx.ExecContext(ctx, `INSERT INTO document_blob_chunks (digest, seq, data) VALUES ($1, $2, $3)`, b.Digest, i, part); err != nil {
				return fmt.Errorf("store blob %s chunk %d: %w", b.Digest, i, err)
			}
		}
		return nil
	})
	if err != nil {
		return Blob{}, err
	}
	return b, nil
}

// displayName makes an uploaded file's name fit for a message: the last
// path element, without control or invisible characters, at most 60
// characters.
func displayName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(name) {
		if unsafeRune(r) {
			continue
		}
		if n++; n > 60 {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// readLimited reads all of r, refusing more than the size limit.
func (s *Store) readLimited(r io.Reader, declaredName string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, s.maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read upload %q: %w", declaredName, err)
	}
	if int64(len(data)) > s.maxSize {
		return nil, s.tooLarge()
	}
	if len(data) == 0 {
		return nil, apperr.Invalidf("file", "doc.empty", "文件为空")
	}
	return data, nil
}

func (s *Store) tooLarge() error {
	return apperr.Invalidf("file", "doc.too_large", "文件过大：单个文件不能超过 %s", sizeLabel(s.maxSize))
}

// sizeLabel writes a byte count the way people read limits: 20 MiB, 512 KiB.
func sizeLabel(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

func blobNotFound(digest string) error {
	return &apperr.Error{Kind: apperr.NotFound, Code: "doc.blob_not_found", Field: "digest", Message: "未找到该文件（SM3 摘要 " + digest + "）"}
}

// Stat returns a stored file's description.
func (s *Store) Stat(ctx context.Context, digest string) (Blob, error) {
	b, _, err := s.stat(ctx, digest)
	return b, err
}

func (s *Store) stat(ctx context.Context, digest string) (Blob, int, error) {
	d, ok := normalizeDigest(digest)
	if !ok {
		return Blob{}, 0, apperr.Invalidf("digest", "doc.digest_format", "SM3 摘要应为 64 位十六进制数字")
	}
	b := Blob{Digest: d}
	var chunks int
	err := s.db.Read().QueryRowContext(ctx, `SELECT mime, size, chunks, created_at FROM document_blobs WHERE digest = $1`, d).
		Scan(&b.MIME, &b.Size, &chunks, &b.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Blob{}, 0, blobNotFound(d)
	}
	if err != nil {
		return Blob{}, 0, fmt.Errorf("read blob %s: %w", d, err)
	}
	b.Kind, _ = KindOfMIME(b.MIME)
	b.CreatedAt = b.CreatedAt.UTC()
	return b, chunks, nil
}

// Open returns a reader of a stored file. It streams chunk by chunk (see
// chunkSize) using ctx for each query, and checks the content against the
// digest as it goes: a stored file that no longer matches its name ends in
// an error instead of io.EOF. Close releases nothing but should be called.
func (s *Store) Open(ctx context.Context, digest string) (io.ReadCloser, Blob, error) {
	b, chunks, err := s.stat(ctx, digest)
	if err != nil {
		return nil, Blob{}, err
	}
	return &blobReader{ctx: ctx, db: s.db.Read(), blob: b, chunks: chunks, sum: sm3.New()}, b, nil
}

// blobReader reads a blob one chunk query at a time.
type blobReader struct {
	ctx    context.Context
	db     *sql.DB
	blob   Blob
	chunks int
	next   int
	buf    []byte
	read   int64
	sum    hash.Hash
	err    error
}

func (r *blobReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	for len(r.buf) == 0 {
		if r.next == r.chunks {
			r.err = r.finish()
			return 0, r.err
		}
		var data []byte
		err := r.db.QueryRowContext(r.ctx, `SELECT data FROM document_blob_chunks WHERE digest = $1 AND seq = $2`, r.blob.Digest, r.next).Scan(&data)
		if err != nil {
			r.err = fmt.Errorf("read blob %s chunk %d: %w", r.blob.Digest, r.next, err)
			return 0, r.err
		}
		r.sum.Write(data)
		r.read += int64(len(data))
		r.buf = data
		r.next++
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// finish checks the whole content once the last chunk is out.
func (r *blobReader) finish() error {
	if got := hex.EncodeToString(r.sum.Sum(nil)); got != r.blob.Digest || r.read != r.blob.Size {
		return fmt.Errorf("stored blob %s is corrupt: %d bytes with SM3 %s", r.blob.Digest, r.read, got)
	}
	return io.EOF
}

func (r *blobReader) Close() error {
	if r.err == nil {
		r.err = errors.New("read after close")
	}
	return nil
}
