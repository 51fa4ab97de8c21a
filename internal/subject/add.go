package subject

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/ident"
	"liandong/internal/pii"
)

// NewPerson is a person debtor as a court officer (or a connector) states
// it. Everything but the name and one document is optional.
type NewPerson struct {
	Name        string
	FormerNames []string
	Sex         string // "M"/"F" or 男/女; optional
	BirthDate   string // "YYYY-MM-DD"; optional
	// Documents: at least one. Any that already belongs to a subject makes
	// this data link to that subject.
	Documents          []NewDocument
	Phones             []string
	HouseholdAddress   string   // 户籍地址
	ResidenceAddresses []string // 实际居住地
	// Source says where the data came from (a document name, a connector);
	// empty means the acting user stated it ("stated:<username>").
	Source string
	// CaseNumber is the enforcement case the data is entered for; audited
	// with the act (S-SEC-2). Optional here: the matter records it too.
	CaseNumber string
}

// NewOrganisation is an organisation debtor: name, unified social credit
// code and optionally its legal representative (a person subject).
type NewOrganisation struct {
	Name                string
	CreditCode          string
	LegalRepresentative int64 // a person subject's id; 0 when not known
	Phones              []string
	Addresses           []string // 住所 / 经营地, stored as residence addresses
	Source              string
	CaseNumber          string
}

// Added is the outcome of AddPerson or AddOrganisation: the subject as it
// now stands, and whether it is new (false: the data was linked to the
// subject an existing document belongs to).
type Added struct {
	Subject Subject
	Created bool
}

// Error codes.
const (
	CodeDocumentsConflict = "subject.documents_conflict"
	CodeNotFound          = "subject.not_found"
)

// DocumentConflict is the cause of a subject.documents_conflict error: the
// given documents belong to more than one subject. Numbers are masked.
type DocumentConflict struct {
	Subjects []ConflictingSubject
}

// ConflictingSubject is one of the subjects a request's documents belong to.
type ConflictingSubject struct {
	SubjectID int64
	Name      string
	Kind      string // the document's ident kind
	Document  string // masked number
}

func (e *DocumentConflict) Error() string {
	parts := make([]string, len(e.Subjects))
	for i, s := range e.Subjects {
		parts[i] = fmt.Sprintf("%s %s belongs to subject %d", s.Kind, s.Document, s.SubjectID)
	}
	return "documents of different subjects: " + strings.Join(parts, "; ")
}

func (e *DocumentConflict) message() string {
	parts := make([]string, len(e.Subjects))
	for i, s := range e.Subjects {
		if s.Document == "" { // the subject the request names (AddDocuments)
			parts[i] = fmt.Sprintf("被执行人“%s”（编号 %d）", s.Name, s.SubjectID)
			continue
		}
		parts[i] = fmt.Sprintf("%s %s 属于被执行人“%s”（编号 %d）", ident.Kind(s.Kind).Label(), s.Document, s.Name, s.SubjectID)
	}
	return "所填证件分属不同的被执行人：" + strings.Join(parts, "；") + "。系统不会自动合并，请核实证件后分别登记"
}

// AddPerson records a person debtor (S-LOC-1). When one of the documents
// already belongs to a subject, everything given is linked to that subject
// (new documents, names, facts, phones, addresses) and no subject is
// created; values that disagree with the recorded ones are kept beside them
// and show in Subject.Conflicts. Documents of two different subjects are
// refused with subject.documents_conflict (kind Conflict; the cause is a
// *DocumentConflict). The act is audited in the same transaction.
func (s *Store) AddPerson(ctx context.Context, actor access.Principal, p NewPerson) (Added, error) {
	today := s.clock()
	name, err := cleanName(p.Name)
	if err != nil {
		return Added{}, err
	}
	docs, err := normalizeDocuments(Person, p.Documents, today)
	if err != nil {
		return Added{}, err
	}
	if len(docs) == 0 {
		return Added{}, apperr.Invalidf("documents", "subject.document_required", "请至少填写一种有效身份证件（居民身份证、护照或通行证等）")
	}
	sex, err := cleanSex(p.Sex)
	if err != nil {
		return Added{}, err
	}
	birth, err := cleanDate(p.BirthDate, "birth_date", today)
	if err != nil {
		return Added{}, err
	}
	src := sourceOf(p.Source, actor)
	attrs := []Attribute{{Attr: AttrName, Value: name, Source: src}}
	for _, f := range p.FormerNames {
		if f = strings.Join(strings.Fields(f), " "); f != "" {
			attrs = append(attrs, Attribute{Attr: AttrFormerName, Value: f, Source: src})
		}
	}
	attrs = append(attrs, Attribute{Attr: AttrSex, Value: sex, Source: src}, Attribute{Attr: AttrBirthDate, Value: birth, Source: src})
	contacts, err := cleanContacts(p.Phones, p.HouseholdAddress, p.ResidenceAddresses)
	if err != nil {
		return Added{}, err
	}
	return s.add(ctx, actor, addRequest{kind: Person, name: name, docs: docs, attrs: attrs, contacts: contacts, source: src, caseNumber: p.CaseNumber})
}

// AddOrganisation records an organisation debtor by its unified social
// credit code, linking to the existing subject when the code is known, like
// AddPerson. The legal representative must be a person subject.
func (s *Store) AddOrganisation(ctx context.Context, actor access.Principal, o NewOrganisation) (Added, error) {
	today := s.clock()
	name, err := cleanName(o.Name)
	if err != nil {
		return Added{}, err
	}
	docs, err := normalizeDocuments(Organisation, []NewDocument{{Kind: ident.KindCreditCode, Number: o.CreditCode, Source: o.Source}}, today)
	if err != nil {
		return Added{}, err
	}
	src := sourceOf(o.Source, actor)
	attrs := []Attribute{{Attr: AttrName, Value: name, Source: src}}
	if o.LegalRepresentative != 0 {
		attrs = append(attrs, Attribute{Attr: AttrLegalRep, Value: strconv.FormatInt(o.LegalRepresentative, 10), Source: src})
	}
	contacts, err := cleanContacts(o.Phones, "", o.Addresses)
	if err != nil {
		return Added{}, err
	}
	return s.add(ctx, actor, addRequest{kind: Organisation, name: name, docs: docs, attrs: attrs, contacts: contacts,
		source: src, caseNumber: o.CaseNumber, legalRep: o.LegalRepresentative})
}

// AddDocuments links more documents to an existing subject. A document that
// already belongs to another subject is refused (subject.documents_conflict).
func (s *Store) AddDocuments(ctx context.Context, actor access.Principal, subjectID int64, ds []NewDocument, caseNumber string) (Subject, error) {
	sub, err := s.Get(ctx, subjectID)
	if err != nil {
		return Subject{}, err
	}
	docs, err := normalizeDocuments(sub.Kind, ds, s.clock())
	if err != nil {
		return Subject{}, err
	}
	added, err := s.add(ctx, actor, addRequest{kind: sub.Kind, subjectID: subjectID, docs: docs, source: sourceOf("", actor), caseNumber: caseNumber})
	return added.Subject, err
}

// addRequest is a validated add or link.
type addRequest struct {
	kind       Kind
	subjectID  int64 // link to this subject (AddDocuments); 0: find or create
	name       string
	docs       []normDoc
	attrs      []Attribute
	contacts   []newContact
	source     string
	caseNumber string
	legalRep   int64
}

// add runs the request in one transaction. Two requests racing to add the
// same new number meet the UNIQUE (kind, number_index) constraint on
// PostgreSQL; the loser runs again and then links to the winner's subject.
func (s *Store) add(ctx context.Context, actor access.Principal, r addRequest) (Added, error) {
	var out Added
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			var e error
			out, e = s.addTx(ctx, tx, actor, r)
			return e
		})
		if err == nil || !db.IsUniqueViolation(err) {
			break
		}
	}
	if err != nil {
		return Added{}, err
	}
	sub, err := s.Get(ctx, out.Subject.ID)
	if err != nil {
		return Added{}, err
	}
	out.Subject = sub
	return out, nil
}

func (s *Store) addTx(ctx context.Context, tx *sql.Tx, actor access.Principal, r addRequest) (Added, error) {
	now := s.clock()
	by := actor.Username
	owners, err := s.owners(ctx, tx, r.docs)
	if err != nil {
		return Added{}, err
	}
	id := r.subjectID
	if id != 0 {
		for _, o := range owners {
			if o.SubjectID != id {
				return Added{}, s.conflictError(ctx, tx, append([]ConflictingSubject{{SubjectID: id}}, subjectsOf(owners)...))
			}
		}
	} else {
		distinct := map[int64]bool{}
		for _, o := range owners {
			distinct[o.SubjectID] = true
		}
		if len(distinct) > 1 {
			return Added{}, s.conflictError(ctx, tx, subjectsOf(owners))
		}
		if len(owners) > 0 {
			id = owners[0].SubjectID
		}
	}
	if r.legalRep != 0 {
		if err := checkPerson(ctx, tx, r.legalRep); err != nil {
			return Added{}, err
		}
	}
	created := id == 0
	if created {
		if err := tx.QueryRowContext(ctx, `INSERT INTO subjects (kind, name, created_at, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
			string(r.kind), r.name, now, by).Scan(&id); err != nil {
			return Added{}, fmt.Errorf("insert subject: %w", err)
		}
	} else if err := checkKind(ctx, tx, id, r.kind); err != nil {
		return Added{}, err
	}
	known := map[string]bool{}
	for _, o := range owners {
		known[o.Kind+"|"+o.index] = true
	}
	newDocs := 0
	for _, d := range r.docs {
		if known[string(d.kind)+"|"+s.pii.Index(pii.IDNumber, d.number)] {
			continue
		}
		masked, err := s.insertDocument(ctx, tx, id, d, r.source, now, by)
		if err != nil {
			return Added{}, err
		}
		newDocs++
		if d.birthDate != "" { // the number's own facts, to compare with stated ones
			src := sourceDocument + string(d.kind) + ":" + masked
			r.attrs = append(r.attrs,
				Attribute{Attr: AttrBirthDate, Value: d.birthDate, Source: src},
				Attribute{Attr: AttrSex, Value: d.sex, Source: src})
		}
	}
	for _, a := range r.attrs {
		a.RecordedAt, a.RecordedBy = now, by
		if err := s.addAttribute(ctx, tx, id, a); err != nil {
			return Added{}, err
		}
	}
	newContacts := 0
	for _, c := range r.contacts {
		added, err := s.insertContact(ctx, tx, id, c, r.source, now, by)
		if err != nil {
			return Added{}, err
		}
		if added {
			newContacts++
		}
	}
	action := "subject.link"
	if created {
		action = "subject.create"
	}
	detail := fmt.Sprintf("kind=%s documents+%d contacts+%d", r.kind, newDocs, newContacts)
	if _, err := s.auditor.Append(ctx, tx, entry(actor, action, objectOf(id), r.caseNumber, audit.OK, detail)); err != nil {
		return Added{}, fmt.Errorf("audit %s: %w", action, err)
	}
	return Added{Subject: Subject{ID: id}, Created: created}, nil
}

func objectOf(id int64) string { return "subject:" + strconv.FormatInt(id, 10) }

// owners finds the subjects the documents already belong to, by blind
// index, one row per matching document.
func (s *Store) owners(ctx context.Context, tx *sql.Tx, docs []normDoc) ([]ownerRow, error) {
	var out []ownerRow
	for _, d := range docs {
		idx := s.pii.Index(pii.IDNumber, d.number)
		var o ownerRow
		err := tx.QueryRowContext(ctx, `SELECT subject_id, number_masked FROM subject_documents WHERE kind = $1 AND number_index = $2`,
			string(d.kind), idx).Scan(&o.SubjectID, &o.Document)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("look up %s by blind index: %w", d.kind, err)
		}
		o.Kind, o.index = string(d.kind), idx
		out = append(out, o)
	}
	return out, nil
}

// ownerRow is a ConflictingSubject with the blind index it was found by.
type ownerRow struct {
	ConflictingSubject
	index string
}

func subjectsOf(rows []ownerRow) []ConflictingSubject {
	out := make([]ConflictingSubject, len(rows))
	for i, r := range rows {
		out[i] = r.ConflictingSubject
	}
	return out
}

// conflictError builds the subject.documents_conflict error, naming each
// subject with its name and the masked document that points to it.
func (s *Store) conflictError(ctx context.Context, tx *sql.Tx, list []ConflictingSubject) error {
	for i := range list {
		if err := tx.QueryRowContext(ctx, `SELECT name FROM subjects WHERE id = $1`, list[i].SubjectID).Scan(&list[i].Name); err != nil {
			return fmt.Errorf("read conflicting subject %d: %w", list[i].SubjectID, err)
		}
	}
	c := &DocumentConflict{Subjects: list}
	return &apperr.Error{Kind: apperr.Conflict, Code: CodeDocumentsConflict, Field: "documents", Message: c.message(), Err: c}
}

// insertDocument stores a document sealed at "subject_documents.number:<id>"
// and returns its masked number. The row is inserted first (with the blind
// index, so UNIQUE catches a racing duplicate) to learn its id, then sealed.
func (s *Store) insertDocument(ctx context.Context, tx *sql.Tx, subjectID int64, d normDoc, reqSource string, now time.Time, by string) (string, error) {
	src := d.source
	if src == "" {
		src = reqSource
	}
	idx := s.pii.Index(pii.IDNumber, d.number)
	masked := pii.Mask(pii.IDNumber, d.number)
	var docID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO subject_documents
		(subject_id, kind, category, number_sealed, number_index, number_masked, birth_date, sex, valid_until, source, added_at, added_by)
		VALUES ($1, $2, $3, '', $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		subjectID, string(d.kind), d.category, idx, masked, d.birthDate, d.sex, d.validUntil, src, now, by).Scan(&docID); err != nil {
		return "", fmt.Errorf("insert %s document: %w", d.kind, err)
	}
	f, err := s.pii.Protect(pii.IDNumber, d.number, documentPlace(docID))
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE subject_documents SET number_sealed = $1 WHERE id = $2`, f.Sealed, docID); err != nil {
		return "", fmt.Errorf("seal document %d: %w", docID, err)
	}
	return masked, nil
}

func documentPlace(id int64) string { return "subject_documents.number:" + strconv.FormatInt(id, 10) }
func contactPlace(id int64) string  { return "subject_contacts.value:" + strconv.FormatInt(id, 10) }

// newContact is a normalized phone or address.
type newContact struct {
	kind  ContactKind
	value string
}

// insertContact stores a contact unless the subject already has it.
func (s *Store) insertContact(ctx context.Context, tx *sql.Tx, subjectID int64, c newContact, src string, now time.Time, by string) (bool, error) {
	pk := c.kind.piiKind()
	idx := s.pii.Index(pk, c.value)
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM subject_contacts WHERE subject_id = $1 AND kind = $2 AND value_index = $3`,
		subjectID, string(c.kind), idx).Scan(&n); err != nil {
		return false, fmt.Errorf("read %s: %w", c.kind, err)
	}
	if n > 0 {
		return false, nil
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO subject_contacts
		(subject_id, kind, value_sealed, value_index, value_masked, source, recorded_at, recorded_by)
		VALUES ($1, $2, '', $3, $4, $5, $6, $7) RETURNING id`,
		subjectID, string(c.kind), idx, pii.Mask(pk, c.value), src, now, by).Scan(&id); err != nil {
		return false, fmt.Errorf("insert %s: %w", c.kind, err)
	}
	f, err := s.pii.Protect(pk, c.value, contactPlace(id))
	if err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE subject_contacts SET value_sealed = $1 WHERE id = $2`, f.Sealed, id); err != nil {
		return false, fmt.Errorf("seal contact %d: %w", id, err)
	}
	return true, nil
}

func checkKind(ctx context.Context, tx *sql.Tx, id int64, want Kind) error {
	var k string
	if err := tx.QueryRowContext(ctx, `SELECT kind FROM subjects WHERE id = $1`, id).Scan(&k); err != nil {
		return fmt.Errorf("read subject %d: %w", id, err)
	}
	if Kind(k) != want {
		return &apperr.Error{Kind: apperr.Conflict, Code: "subject.kind_mismatch",
			Message: fmt.Sprintf("证件已登记在%s（编号 %d）名下，不能再作为%s登记", Kind(k).Label(), id, want.Label())}
	}
	return nil
}

func checkPerson(ctx context.Context, tx *sql.Tx, id int64) error {
	var k string
	err := tx.QueryRowContext(ctx, `SELECT kind FROM subjects WHERE id = $1`, id).Scan(&k)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && Kind(k) != Person) {
		return apperr.Invalidf("legal_representative", "subject.legal_rep", "法定代表人须为已登记的自然人（编号 %d 不是）", id)
	}
	if err != nil {
		return fmt.Errorf("read legal representative %d: %w", id, err)
	}
	return nil
}

// sourceOf is the given source, or "stated:<username>".
func sourceOf(src string, actor access.Principal) string {
	if src = strings.TrimSpace(src); src != "" {
		return src
	}
	return sourceStated + actor.Username
}

func cleanName(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", apperr.Invalidf("name", "subject.name_required", "请填写姓名或名称")
	case n > 100:
		return "", apperr.Invalidf("name", "subject.name_length", "姓名或名称不能超过 100 个字（现为 %d 个）", n)
	}
	return s, nil
}

func cleanSex(s string) (string, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "":
		return "", nil
	case "M", "男", "MALE":
		return string(ident.SexMale), nil
	case "F", "女", "FEMALE":
		return string(ident.SexFemale), nil
	}
	return "", apperr.Invalidf("sex", "subject.sex", "性别“%s”无效：应为男或女", s)
}

func cleanDate(s, field string, today time.Time) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < 1900 || t.After(today) {
		return "", apperr.Invalidf(field, "subject.birth_date", "出生日期“%s”无效（应为 YYYY-MM-DD，且不晚于今天）", s)
	}
	return t.Format(time.DateOnly), nil
}

func cleanContacts(phones []string, household string, residences []string) ([]newContact, error) {
	var out []newContact
	for i, p := range phones {
		if strings.TrimSpace(p) == "" {
			continue
		}
		n := pii.NormalizePhone(p)
		if len(n) < 7 || len(n) > 15 {
			return nil, apperr.Invalidf(fmt.Sprintf("phones[%d]", i), "subject.phone", "电话号码“%s”无效：应为 7–15 位数字", p)
		}
		out = append(out, newContact{Phone, n})
	}
	if a := pii.NormalizeAddress(household); a != "" {
		out = append(out, newContact{HouseholdAddress, a})
	}
	for _, r := range residences {
		if a := pii.NormalizeAddress(r); a != "" {
			out = append(out, newContact{ResidenceAddress, a})
		}
	}
	return out, nil
}
