// Package docs keeps electronic documents with legal force (S-DOC-1, S-ACT):
// uploaded files stored by content (SM3 digest) in the database, documents
// issued by a unit with an SM2 signature over a canonical statement, a
// short verification code to print on the paper, public verification
// without an account, and correction or revocation that never rewrites an
// issued document.
//
// One responsibility per file: sniff.go decides file types by content,
// blob.go stores and streams file contents, types.go lists document types,
// statement.go is the signed byte format, code.go the verification code,
// issue.go issuing, document.go reading documents back, supersede.go
// correction and revocation, verify.go the public verification answer.
package docs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/signer"
)

// DefaultMaxSize is the upload limit when Options leaves it zero: 20 MiB.
const DefaultMaxSize = 20 << 20

// Options tune a Store.
type Options struct {
	// MaxSize is the largest file Put and VerifyFile accept, in bytes.
	MaxSize int64
}

// Auditor appends an audit entry inside the caller's transaction, so an
// issued or superseded document and its audit entry commit together or not
// at all. *audit.Log satisfies it.
type Auditor interface {
	Append(ctx context.Context, tx *sql.Tx, e audit.Entry) (audit.Entry, error)
}

// Store is the document store. It is safe for concurrent use and holds no
// state besides its dependencies.
type Store struct {
	db      *db.DB
	keys    *signer.Store
	dir     *directory.Store
	auditor Auditor
	maxSize int64
}

// NewStore returns a document store on d that signs with the unit keys in
// keys, reads units and users from dir and audits through auditor (the
// audit log; issuing and superseding fail without one).
func NewStore(d *db.DB, keys *signer.Store, dir *directory.Store, auditor Auditor, opts Options) *Store {
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	return &Store{db: d, keys: keys, dir: dir, auditor: auditor, maxSize: opts.MaxSize}
}

// MaxSize is the upload limit in bytes, for forms and request size limits.
func (s *Store) MaxSize() int64 { return s.maxSize }

// EnsureUnitKeys makes sure each unit has its SM2 key pair, creating the
// missing ones; with no units given it covers every unit in the directory.
// Call it at server start so keys exist before the first document.
func (s *Store) EnsureUnitKeys(ctx context.Context, units []string) error {
	if len(units) == 0 {
		all, err := s.dir.Units(ctx)
		if err != nil {
			return fmt.Errorf("ensure unit keys: %w", err)
		}
		for _, u := range all {
			units = append(units, u.Code)
		}
	}
	for _, code := range units {
		if _, err := s.keys.Ensure(ctx, signer.UnitOwner(code)); err != nil {
			return fmt.Errorf("ensure key of unit %s: %w", code, err)
		}
	}
	return nil
}

// PublicKeyPEM returns the unit's SM2 public key in PEM (SubjectPublicKeyInfo),
// as OpenSSL reads it, with its fingerprint (the first 16 bytes of SM3 over
// the DER key, hex), which statements name in their key line.
func (s *Store) PublicKeyPEM(ctx context.Context, unitCode string) (pemText, fingerprint string, err error) {
	pemText, fingerprint, err = s.keys.PublicPEM(ctx, signer.UnitOwner(unitCode))
	if errors.Is(err, signer.ErrNoKey) {
		return "", "", &apperr.Error{Kind: apperr.NotFound, Code: "doc.key_not_found", Field: "unit",
			Message: fmt.Sprintf("单位“%s”没有签章密钥", unitCode), Err: err}
	}
	return pemText, fingerprint, err
}

// audit appends e in tx. Issuing without an audit trail is not allowed
// (S-SEC-1), so a store built without an auditor refuses to write.
func (s *Store) audit(ctx context.Context, tx *sql.Tx, e audit.Entry) error {
	if s.auditor == nil {
		return errors.New("document store has no auditor: documents are not issued without an audit entry")
	}
	if _, err := s.auditor.Append(ctx, tx, e); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}
