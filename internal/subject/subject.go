// Package subject keeps the debtors (被执行人) of enforcement cases: persons
// and organisations with every valid identity document linked as one
// subject (S-LOC-1).
//
// Identity numbers, phone numbers and addresses are stored only sealed with
// the node's SM4 key, found by a keyed blind index and listed masked
// (S-SEC-3); a full number is revealed only to a principal the access policy
// allows, for a named enforcement case, and every reveal is audited in the
// same transaction (S-SEC-1, S-SEC-2). Names are stored in clear; see
// docs/subjects.md for why.
//
// A document that already belongs to a subject links new data to that
// subject instead of creating a duplicate; documents of two different
// subjects in one request are refused, never merged silently. Attribute
// values (name, sex, birth date …) are kept as a history with their source
// and time: conflicting values are shown by Subject.Conflicts, not
// overwritten.
//
// One responsibility per file: subject.go the types and the store,
// document.go normalizing documents with internal/ident, add.go adding and
// linking, attrs.go attribute history and conflicts, read.go reading and
// searching, reveal.go revealing a full number.
package subject

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/pii"
)

// Kind says whether a subject is a person or an organisation.
type Kind string

const (
	Person       Kind = "person"
	Organisation Kind = "organisation"
)

// Label is the Chinese name of the kind.
func (k Kind) Label() string {
	switch k {
	case Person:
		return "自然人"
	case Organisation:
		return "单位"
	}
	return string(k)
}

// ContactKind is the kind of a phone or address.
type ContactKind string

const (
	Phone            ContactKind = "phone"
	HouseholdAddress ContactKind = "household_address" // 户籍地址
	ResidenceAddress ContactKind = "residence_address" // 实际居住地
)

// Label is the Chinese name of the contact kind.
func (k ContactKind) Label() string {
	switch k {
	case Phone:
		return "联系电话"
	case HouseholdAddress:
		return "户籍地址"
	case ResidenceAddress:
		return "实际居住地"
	}
	return string(k)
}

func (k ContactKind) piiKind() pii.Kind {
	if k == Phone {
		return pii.Phone
	}
	return pii.Address
}

// Subject is a debtor as users see it: personal numbers masked.
type Subject struct {
	ID   int64
	Kind Kind
	// Name is the first name recorded; other names stated later for the
	// same subject are in Attributes and Conflicts.
	Name        string
	FormerNames []string
	// Sex ("M"/"F") and BirthDate ("YYYY-MM-DD") prefer what a resident ID
	// number itself says over stated values; a disagreement is a conflict.
	Sex       string
	BirthDate string
	// LegalRepresentative is the person subject that represents an
	// organisation (0 when none is recorded).
	LegalRepresentative int64
	Documents           []Document
	Contacts            []Contact
	// Attributes is the full history, oldest first.
	Attributes []Attribute
	CreatedAt  time.Time
	CreatedBy  string
}

// Document is an identity document as stored: the number masked.
type Document struct {
	ID       int64
	Kind     string // internal/ident kind: resident_id, passport, …
	Category string // for resident_id: resident, hk_permit, mo_permit, tw_permit, foreign_pr
	Masked   string
	// Facts the number itself carries (resident IDs): "YYYY-MM-DD", "M"/"F".
	BirthDate  string
	Sex        string
	ValidUntil string // "YYYY-MM-DD" when known
	Source     string
	AddedAt    time.Time
	AddedBy    string
}

// Contact is a phone or address as stored: masked.
type Contact struct {
	ID         int64
	Kind       ContactKind
	Masked     string
	Source     string
	RecordedAt time.Time
	RecordedBy string
}

// Attribute is one recorded value of an attribute, with its source.
type Attribute struct {
	Attr       string // see the Attr… constants
	Value      string
	Source     string
	RecordedAt time.Time
	RecordedBy string
}

// Checker decides whether a principal may do an action; *access.Policy
// satisfies it.
type Checker interface {
	Check(ctx context.Context, pr access.Principal, a access.Action, t access.Target) error
}

// Auditor appends an audit entry inside the caller's transaction;
// *audit.Log satisfies it.
type Auditor interface {
	Append(ctx context.Context, tx *sql.Tx, e audit.Entry) (audit.Entry, error)
}

// Options tune a Store.
type Options struct {
	// Now is the clock (default time.Now); tests set it.
	Now func() time.Time
}

// Store keeps subjects. It is safe for concurrent use and holds no state
// besides its dependencies.
type Store struct {
	db      *db.DB
	pii     *pii.Protector
	policy  Checker
	auditor Auditor
	now     func() time.Time
}

// NewStore returns a subject store on d that seals personal fields with
// protector, asks policy before revealing a full number, and audits through
// auditor.
func NewStore(d *db.DB, protector *pii.Protector, policy Checker, auditor Auditor, opts Options) *Store {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Store{db: d, pii: protector, policy: policy, auditor: auditor, now: opts.Now}
}

func (s *Store) clock() time.Time { return db.Time(s.now()) }

// entry starts an audit entry for an act pr does.
func entry(pr access.Principal, action, object, caseNumber string, outcome audit.Outcome, detail string) audit.Entry {
	roles := make([]string, len(pr.Roles))
	for i, r := range pr.Roles {
		roles[i] = string(r)
	}
	return audit.Entry{Username: pr.Username, UnitCode: pr.UnitCode, Role: strings.Join(roles, ","), Source: pr.Source,
		Action: action, Object: object, CaseNumber: caseNumber, Outcome: outcome, Detail: detail}
}
