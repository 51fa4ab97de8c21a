package docs

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/signer"
)

// SupersedeRequest corrects a document by a newer one, or revokes it.
type SupersedeRequest struct {
	OldID int64
	// NewID is the correcting document, issued after the old one by the
	// same unit; 0 revokes the old document without a replacement.
	NewID int64
	// Reason is kept with the record and signed, but not shown to anonymous
	// verifiers.
	Reason   string
	Username string // must be able to issue in the old document's unit's name
	Role     string // for the audit entry
	Source   string // for the audit entry
}

// maxReason is the longest reason, in characters.
const maxReason = 200

// Supersede records that a document is corrected or revoked and returns the
// old document as it now reads. Issued documents are never changed: the
// record is a new row in document_supersessions, signed by the old
// document's unit, written with its audit entry in one transaction. A
// document is superseded at most once; a correction may itself be
// corrected later, which makes a chain.
func (s *Store) Supersede(ctx context.Context, req SupersedeRequest) (Document, error) {
	reason := strings.TrimSpace(req.Reason)
	if reason == "" {
		return Document{}, apperr.Invalidf("reason", "doc.reason_missing", "请填写更正或撤销的理由")
	}
	if n := utf8.RuneCountInString(reason); n > maxReason {
		return Document{}, apperr.Invalidf("reason", "doc.reason_too_long", "理由过长：最多 %d 个字，实际 %d 个字", maxReason, n)
	}
	for _, r := range reason {
		if unsafeRune(r) {
			return Document{}, apperr.Invalidf("reason", "doc.reason_char", "理由含有换行、控制字符或不可见字符")
		}
	}
	old, err := s.Document(ctx, req.OldID)
	if err != nil {
		return Document{}, err
	}
	if old.Superseded != nil {
		return Document{}, alreadySuperseded(old)
	}
	_, user, err := s.issuer(ctx, old.UnitCode, req.Username)
	if err != nil {
		return Document{}, err
	}
	st := SupersessionStatement{Code: old.Code, Digest: old.Digest, Action: Revoked, Reason: reason, UnitCode: old.UnitCode, By: user.Username}
	if req.NewID != 0 {
		repl, err := s.replacement(ctx, old, req.NewID)
		if err != nil {
			return Document{}, err
		}
		st.Action, st.ReplacementCode, st.ReplacementDigest = Corrected, repl.Code, repl.Digest
	}
	key, err := s.keys.Ensure(ctx, signer.UnitOwner(old.UnitCode))
	if err != nil {
		return Document{}, fmt.Errorf("supersede document %s: %w", old.Code, err)
	}
	st.KeyFingerprint, st.At = key.Fingerprint, db.Now()
	statement, err := st.Encode()
	if err != nil {
		return Document{}, fmt.Errorf("supersede document %s: %w", old.Code, err)
	}
	sig, err := key.Sign(statement)
	if err != nil {
		return Document{}, fmt.Errorf("supersede document %s: %w", old.Code, err)
	}
	newID := sql.NullInt64{Int64: req.NewID, Valid: req.NewID != 0}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if newID.Valid { // checked before; again inside the transaction
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM document_supersessions WHERE old_id = $1`, req.NewID).Scan(&n); err != nil {
				return fmt.Errorf("supersede document %s: %w", old.Code, err)
			}
			if n > 0 {
				return apperr.New(apperr.Conflict, "doc.replacement_superseded", "用作更正的文书本身已被更正或撤销")
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO document_supersessions (old_id, kind, new_id, reason, username, at, key_fingerprint, statement, signature)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			old.ID, string(st.Action), newID, reason, user.Username, st.At, st.KeyFingerprint, statement, sig)
		if db.IsUniqueViolation(err) {
			return &apperr.Error{Kind: apperr.Conflict, Code: "doc.already_superseded", Message: "该文书已被更正或撤销", Err: err}
		}
		if err != nil {
			return fmt.Errorf("supersede document %s: %w", old.Code, err)
		}
		action, detail := "document.revoke", "撤销"
		if st.Action == Corrected {
			action, detail = "document.correct", "更正为 "+st.ReplacementCode
		}
		return s.audit(ctx, tx, audit.Entry{Username: user.Username, UnitCode: user.UnitCode, Role: req.Role, Source: req.Source,
			Action: action, Object: "document:" + old.Code, CaseNumber: old.CaseNumber, Outcome: audit.OK, Detail: detail})
	})
	if err != nil {
		return Document{}, err
	}
	return s.Document(ctx, old.ID)
}

// replacement loads and checks the correcting document.
func (s *Store) replacement(ctx context.Context, old Document, newID int64) (Document, error) {
	if newID == old.ID {
		return Document{}, apperr.Invalidf("new", "doc.supersede_self", "文书不能更正它自己")
	}
	repl, err := s.Document(ctx, newID)
	if err != nil {
		return Document{}, err
	}
	switch {
	case repl.UnitCode != old.UnitCode:
		return Document{}, apperr.Invalidf("new", "doc.supersede_unit", "更正文书应由原签发单位（%s）签发，该文书由%s签发", old.UnitName, repl.UnitName)
	case repl.ID < old.ID: // ids grow with issuing; this also rules out cycles
		return Document{}, apperr.Invalidf("new", "doc.supersede_order", "更正文书应在原文书之后签发")
	case repl.Superseded != nil:
		return Document{}, apperr.New(apperr.Conflict, "doc.replacement_superseded", "用作更正的文书本身已被更正或撤销")
	}
	return repl, nil
}

func alreadySuperseded(d Document) error {
	msg := fmt.Sprintf("该文书%s（%s）", d.Superseded.Kind.Label(), d.Superseded.At.In(beijing).Format("2006-01-02 15:04"))
	if d.Superseded.ReplacementCode != "" {
		msg += "，更正文书校验码 " + d.Superseded.ReplacementCode
	}
	return apperr.New(apperr.Conflict, "doc.already_superseded", msg)
}
