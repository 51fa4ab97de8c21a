package subject

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/pii"
)

// ActionReveal is the audited action of a reveal.
const ActionReveal = "subject.reveal_id"

// Reveal returns the full number of one of a subject's documents to pr.
// target names the matter the reveal serves: its requesting and addressed
// units and, required, its case number (S-SEC-2). The policy decides
// (access.ActionPIIReveal); a refusal — including access.purpose_required
// when the case number is missing — is audited as denied in a transaction
// of its own, and a reveal is audited ("subject.reveal_id", the document,
// the case number) in the same transaction that reads the sealed number, so
// no number leaves the store unrecorded (S-SEC-1, S-SEC-3).
func (s *Store) Reveal(ctx context.Context, pr access.Principal, subjectID, documentID int64, target access.Target) (string, error) {
	object := objectOf(subjectID) + "/document:" + strconv.FormatInt(documentID, 10)
	if err := s.policy.Check(ctx, pr, access.ActionPIIReveal, target); err != nil {
		if e, ok := apperr.As(err); ok && e.Kind == apperr.Forbidden {
			aerr := s.db.Tx(ctx, func(tx *sql.Tx) error {
				_, err := s.auditor.Append(ctx, tx, entry(pr, ActionReveal, object, target.CaseNumber, audit.Denied, e.Code))
				return err
			})
			if aerr != nil {
				return "", errors.Join(err, fmt.Errorf("audit the denied reveal: %w", aerr))
			}
		}
		return "", err
	}
	var number string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var sealed, kind string
		err := tx.QueryRowContext(ctx, `SELECT number_sealed, kind FROM subject_documents WHERE id = $1 AND subject_id = $2`,
			documentID, subjectID).Scan(&sealed, &kind)
		if errors.Is(err, sql.ErrNoRows) {
			return &apperr.Error{Kind: apperr.NotFound, Code: "subject.document_not_found", Message: "未找到该证件"}
		}
		if err != nil {
			return fmt.Errorf("read document %d: %w", documentID, err)
		}
		if number, err = s.pii.Reveal(pii.IDNumber, sealed, documentPlace(documentID)); err != nil {
			return err
		}
		if _, err := s.auditor.Append(ctx, tx, entry(pr, ActionReveal, object, target.CaseNumber, audit.OK, "kind="+kind)); err != nil {
			return fmt.Errorf("audit reveal: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return number, nil
}
