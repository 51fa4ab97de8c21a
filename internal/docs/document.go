package docs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"liandong/internal/apperr"
)

// Document is an issued document as the platform's own users see it.
type Document struct {
	ID             int64
	Code           string // verification code, formatted: 7KQM-2X9P-RD4T
	Digest         string // SM3 of the file
	MIME           string
	Size           int64
	Type           string
	Title          string
	CaseNumber     string
	UnitCode       string
	UnitName       string // as it was when issued
	Issuer         string // username
	IssuedAt       time.Time
	KeyFingerprint string
	Statement      []byte // the exact signed bytes
	Signature      []byte // SM2 signature of Statement, DER
	// Superseded is set once the document has been corrected or revoked.
	Superseded *Supersession
}

// Current reports whether the document is neither corrected nor revoked.
func (d Document) Current() bool { return d.Superseded == nil }

// SupersessionKind says how a document stopped being current.
type SupersessionKind string

const (
	Corrected SupersessionKind = "corrected" // replaced by a newer document
	Revoked   SupersessionKind = "revoked"   // withdrawn without a replacement
)

// Label is the Chinese status of a document superseded this way.
func (k SupersessionKind) Label() string {
	switch k {
	case Corrected:
		return "已被更正"
	case Revoked:
		return "已撤销"
	}
	return string(k)
}

// Supersession records that a document was corrected or revoked.
type Supersession struct {
	Kind              SupersessionKind
	ReplacementID     int64  // 0 when revoked
	ReplacementCode   string // formatted; "" when revoked
	ReplacementDigest string
	Reason            string
	Username          string
	At                time.Time
	KeyFingerprint    string
	Statement         []byte
	Signature         []byte
}

const documentQuery = `SELECT d.id, d.code, d.digest, b.mime, b.size, d.doc_type, d.title, d.case_number, d.unit_code, d.unit_name,
       d.issuer, d.issued_at, d.key_fingerprint, d.statement, d.signature,
       s.kind, s.new_id, n.code, n.digest, s.reason, s.username, s.at, s.key_fingerprint, s.statement, s.signature
  FROM documents d
  JOIN document_blobs b ON b.digest = d.digest
  LEFT JOIN document_supersessions s ON s.old_id = d.id
  LEFT JOIN documents n ON n.id = s.new_id`

type rowScanner interface{ Scan(...any) error }

func scanDocument(row rowScanner) (Document, error) {
	var (
		d                                              Document
		kind, newCode, newDigest, reason, username, fp sql.NullString
		newID                                          sql.NullInt64
		at                                             sql.NullTime
		supStatement, supSignature                     []byte
	)
	err := row.Scan(&d.ID, &d.Code, &d.Digest, &d.MIME, &d.Size, &d.Type, &d.Title, &d.CaseNumber, &d.UnitCode, &d.UnitName,
		&d.Issuer, &d.IssuedAt, &d.KeyFingerprint, &d.Statement, &d.Signature,
		&kind, &newID, &newCode, &newDigest, &reason, &username, &at, &fp, &supStatement, &supSignature)
	if err != nil {
		return Document{}, err
	}
	d.Code = FormatCode(d.Code)
	d.IssuedAt = d.IssuedAt.UTC()
	if kind.Valid {
		d.Superseded = &Supersession{Kind: SupersessionKind(kind.String), ReplacementID: newID.Int64, ReplacementDigest: newDigest.String,
			Reason: reason.String, Username: username.String, At: at.Time.UTC(), KeyFingerprint: fp.String, Statement: supStatement, Signature: supSignature}
		if newCode.Valid {
			d.Superseded.ReplacementCode = FormatCode(newCode.String)
		}
	}
	return d, nil
}

func docNotFound() error {
	return &apperr.Error{Kind: apperr.NotFound, Code: "doc.not_found", Message: "未找到该文书"}
}

// readDocument runs documentQuery with one condition on db or tx.
func readDocument(ctx context.Context, q queryer, where string, arg any) (Document, error) {
	d, err := scanDocument(q.QueryRowContext(ctx, documentQuery+" WHERE "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, docNotFound()
	}
	if err != nil {
		return Document{}, fmt.Errorf("read document (%s %v): %w", where, arg, err)
	}
	return d, nil
}

// queryer is what *sql.DB and *sql.Tx share.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Document returns the document with the given id.
func (s *Store) Document(ctx context.Context, id int64) (Document, error) {
	return readDocument(ctx, s.db.Read(), "d.id = $1", id)
}

// ByCode returns the document with the given verification code, typed with
// or without dashes, in either case.
func (s *Store) ByCode(ctx context.Context, code string) (Document, error) {
	c, ok := normalizeCode(code)
	if !ok {
		return Document{}, codeFormatError()
	}
	return readDocument(ctx, s.db.Read(), "d.code = $1", c)
}

// ByDigest returns the document issued for the file with the given SM3
// digest. A file is issued at most once.
func (s *Store) ByDigest(ctx context.Context, digest string) (Document, error) {
	d, ok := normalizeDigest(digest)
	if !ok {
		return Document{}, apperr.Invalidf("digest", "doc.digest_format", "SM3 摘要应为 64 位十六进制数字")
	}
	return readDocument(ctx, s.db.Read(), "d.digest = $1", d)
}

// Lookup finds a document by verification code or by SM3 digest, whichever
// q is.
func (s *Store) Lookup(ctx context.Context, q string) (Document, error) {
	if d, ok := normalizeDigest(q); ok {
		return readDocument(ctx, s.db.Read(), "d.digest = $1", d)
	}
	if c, ok := normalizeCode(q); ok {
		return readDocument(ctx, s.db.Read(), "d.code = $1", c)
	}
	return Document{}, apperr.Invalidf("q", "doc.lookup_format", "请输入文书上印的 12 位校验码（如 7KQM-2X9P-RD4T）或 64 位 SM3 摘要")
}

func codeFormatError() error {
	return apperr.Invalidf("code", "doc.code_format", "校验码应为 12 位字母或数字（如 7KQM-2X9P-RD4T），不含 0、1、I、L、O、U")
}

// Filter narrows Documents; zero values match everything.
type Filter struct {
	UnitCode   string
	CaseNumber string // canonical form
	Limit      int    // default 100, at most 1000
}

// Documents lists issued documents, newest first.
func (s *Store) Documents(ctx context.Context, f Filter) ([]Document, error) {
	var (
		conds []string
		args  []any
	)
	if f.UnitCode != "" {
		args = append(args, f.UnitCode)
		conds = append(conds, fmt.Sprintf("d.unit_code = $%d", len(args)))
	}
	if f.CaseNumber != "" {
		args = append(args, f.CaseNumber)
		conds = append(conds, fmt.Sprintf("d.case_number = $%d", len(args)))
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q := documentQuery
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY d.issued_at DESC, d.id DESC LIMIT %d", min(f.Limit, 1000))
	rows, err := s.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("list documents: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	return out, nil
}
