package subject

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"liandong/internal/apperr"
	"liandong/internal/ident"
	"liandong/internal/pii"
)

// querier is *sql.DB or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func notFound() error {
	return &apperr.Error{Kind: apperr.NotFound, Code: CodeNotFound, Message: "未找到该被执行人"}
}

// Get returns a subject with its documents, contacts and attribute history,
// every personal number masked. It does not audit: the caller that shows
// the subject to a user records the view with its case number; revealing a
// full number goes through Reveal.
func (s *Store) Get(ctx context.Context, id int64) (Subject, error) {
	q := s.db.Read()
	var sub Subject
	var kind string
	err := q.QueryRowContext(ctx, `SELECT id, kind, name, created_at, created_by FROM subjects WHERE id = $1`, id).
		Scan(&sub.ID, &kind, &sub.Name, &sub.CreatedAt, &sub.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return Subject{}, notFound()
	}
	if err != nil {
		return Subject{}, fmt.Errorf("read subject %d: %w", id, err)
	}
	sub.Kind, sub.CreatedAt = Kind(kind), sub.CreatedAt.UTC()
	if sub.Documents, err = loadDocuments(ctx, q, id); err != nil {
		return Subject{}, err
	}
	if sub.Contacts, err = loadContacts(ctx, q, id); err != nil {
		return Subject{}, err
	}
	if sub.Attributes, err = loadAttributes(ctx, q, id); err != nil {
		return Subject{}, err
	}
	sub.derive()
	return sub, nil
}

func loadDocuments(ctx context.Context, q querier, id int64) ([]Document, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, kind, category, number_masked, birth_date, sex, valid_until, source, added_at, added_by
		FROM subject_documents WHERE subject_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("read documents of subject %d: %w", id, err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		if err := rows.Scan(&d.ID, &d.Kind, &d.Category, &d.Masked, &d.BirthDate, &d.Sex, &d.ValidUntil, &d.Source, &d.AddedAt, &d.AddedBy); err != nil {
			return nil, fmt.Errorf("read documents of subject %d: %w", id, err)
		}
		d.AddedAt = d.AddedAt.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

func loadContacts(ctx context.Context, q querier, id int64) ([]Contact, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, kind, value_masked, source, recorded_at, recorded_by
		FROM subject_contacts WHERE subject_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("read contacts of subject %d: %w", id, err)
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		var c Contact
		var kind string
		if err := rows.Scan(&c.ID, &kind, &c.Masked, &c.Source, &c.RecordedAt, &c.RecordedBy); err != nil {
			return nil, fmt.Errorf("read contacts of subject %d: %w", id, err)
		}
		c.Kind, c.RecordedAt = ContactKind(kind), c.RecordedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// Resolve returns the id of the subject a document belongs to, found by
// the blind index of its normalized number; subject.not_found (NotFound)
// when no subject has it.
func (s *Store) Resolve(ctx context.Context, d NewDocument) (int64, error) {
	n, err := normalizeDocument(d, "number", s.clock())
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.db.Read().QueryRowContext(ctx, `SELECT subject_id FROM subject_documents WHERE kind = $1 AND number_index = $2`,
		string(n.kind), s.pii.Index(pii.IDNumber, n.number)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound()
	}
	if err != nil {
		return 0, fmt.Errorf("resolve %s: %w", n.kind, err)
	}
	return id, nil
}

// FindByDocument normalizes number with ident (15-digit resident IDs,
// full-width characters, spaces) and returns the subject it belongs to,
// masked; subject.not_found when none.
func (s *Store) FindByDocument(ctx context.Context, kind ident.Kind, number string) (Subject, error) {
	id, err := s.Resolve(ctx, NewDocument{Kind: kind, Number: number})
	if err != nil {
		return Subject{}, err
	}
	return s.Get(ctx, id)
}

// maxByName caps FindByName: a common name matches many people, and an
// officer narrows by document, not by paging through namesakes.
const maxByName = 50

// FindByName returns the subjects whose recorded name or former name is
// exactly name (whitespace collapsed), oldest first, at most 50: the
// officer's "is this debtor already registered" check. An empty result is
// not an error.
func (s *Store) FindByName(ctx context.Context, name string) ([]Subject, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return nil, nil
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id FROM subjects WHERE name = $1
		UNION SELECT subject_id FROM subject_attributes WHERE attr IN ('name', 'former_name') AND value = $1
		ORDER BY 1 LIMIT `+fmt.Sprint(maxByName), name)
	if err != nil {
		return nil, fmt.Errorf("find subjects by name: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("find subjects by name: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find subjects by name: %w", err)
	}
	out := make([]Subject, 0, len(ids))
	for _, id := range ids {
		sub, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, nil
}
