// Package credit keeps the dishonest-debtor list (失信被执行人名单,
// S-CREDIT-1..2) under the 2017 rules (法释〔2017〕7号): entries for persons
// and organisations with the fields art. 6 requires, the rules of arts. 1–12
// enforced (no minors, terms and extensions, removal and correction clocks,
// expiry, the six-month bar on re-listing, credit repair), a versioned
// change feed for screening indexes and police systems, and bulk import of
// JSON Lines and CSV files.
//
// A removed or expired entry never produces a hit from the moment it is
// removed: Active skips it, Lookup skips it, and its removal is a "remove"
// row of the change feed at the version it made. Entries whose term ends
// are out of Active from that instant even before the Expire sweep records
// the removal.
//
// Identity document numbers are sealed with internal/pii (SM4, bound to
// their row) with the same blind index internal/subject uses, and shown
// masked; Active and Lookup open them for the in-memory screening engine.
//
// Every change runs in one transaction that first locks the list version
// row (so versions commit in order), writes the change feed and ends with
// its audit entry (audit.Append), with the case number as its purpose.
//
// One responsibility per file: rules.go the statute's numbers, credit.go
// the types and the store, validate.go checking and normalizing an entry,
// write.go the shared write path, lifecycle.go the acts on entries,
// read.go reading, the feed and Active, importer.go bulk import.
package credit

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/pii"
	"liandong/internal/workday"
)

// Kind says whether an entry lists a person or an organisation.
type Kind string

const (
	Person       Kind = "person"
	Organisation Kind = "organisation"
)

// Label is the kind in Chinese.
func (k Kind) Label() string {
	switch k {
	case Person:
		return "自然人"
	case Organisation:
		return "法人或其他组织"
	}
	return string(k)
}

// State is whether an entry is on the list.
type State string

const (
	Active  State = "active"
	Removed State = "removed"
)

// Entry is a list entry as court users see it: numbers masked.
type Entry struct {
	ID   int64
	Kind Kind
	Name string
	// Persons: "M"/"F" and "YYYY-MM-DD" (from the resident ID when there is
	// one); Region is the 6-digit division code of the resident ID or of
	// the credit code's registering authority.
	Sex        string
	BirthDate  string
	Region     string
	CreditCode string // organisations, in clear (public registry data)
	LegalRep   string // organisations: legal representative or responsible person
	Documents  []Document

	Ground          Ground
	Obligation      string // 生效法律文书确定的义务
	Performance     string // 被执行人的履行情况
	Conduct         string // 失信行为的具体情形
	BasisUnit       string // 执行依据的制作单位
	BasisNumber     string // 执行依据文号
	CaseNumber      string // 执行案号, canonical
	FiledOn         string // 立案时间
	CourtUnit       string // the listing court's unit code
	CourtName       string // 执行法院
	Initiation      Initiation
	AppliedOn       string // the applicant's application date, when applicant-initiated
	DecisionNumber  string // 决定书文号
	DecidedOn       string // 决定书作出日期: the listing takes effect that day (art. 5)
	DecisionSM3     string // SM3 of the signed 决定书 file, hex, when known
	TermYears       int    // 0: no term (ground 1); else 2 plus any extension
	ExtensionReason ExtensionReason
	// ExpiresAt is the first instant after the term (00:00 CST of the day
	// after its last day); nil without a term.
	ExpiresAt   *time.Time
	PublishedAt time.Time

	State         State
	RemovedAt     *time.Time
	RemovalReason RemovalReason
	RemovalNote   string

	ImportID  int64  // the import that added it, 0 when entered singly
	Version   uint64 // the list version of its last change
	CreatedAt time.Time
	CreatedBy string
}

// Document is an identity document of the debtor or of an organisation's
// legal representative, masked.
type Document struct {
	Holder string // "debtor" or "legal_rep"
	Kind   string // internal/ident kind
	Masked string
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
	// Calendar counts working days (default workday.Default()).
	Calendar *workday.Calendar
	// OnChange, when set, is called after every commit that changed the
	// list, with the new list version: an in-process screening index can
	// follow Changes from there without polling. On PostgreSQL every such
	// commit also sends NOTIFY on channel NotifyChannel with the version.
	OnChange func(version uint64)
}

// NotifyChannel is the PostgreSQL NOTIFY channel of list changes; the
// payload is the new list version in decimal.
const NotifyChannel = "liandong_credit"

// Store keeps the list. It is safe for concurrent use and holds no state
// besides its dependencies.
type Store struct {
	db       *db.DB
	pii      *pii.Protector
	policy   Checker
	auditor  Auditor
	now      func() time.Time
	cal      *workday.Calendar
	onChange func(uint64)
}

// NewStore returns the list on d, sealing numbers with protector, asking
// policy before every act of a user and auditing through auditor.
func NewStore(d *db.DB, protector *pii.Protector, policy Checker, auditor Auditor, opts Options) *Store {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Calendar == nil {
		opts.Calendar = workday.Default()
	}
	return &Store{db: d, pii: protector, policy: policy, auditor: auditor, now: opts.Now, cal: opts.Calendar, onChange: opts.OnChange}
}

func (s *Store) clock() time.Time { return db.Time(s.now()) }

// Error codes. Messages are Chinese; the codes are stable.
const (
	CodeInvalid          = "credit.invalid"           // a field is wrong (Field says which)
	CodeMinor            = "credit.minor"             // art. 4
	CodeTerm             = "credit.term"              // art. 2
	CodeDuplicate        = "credit.duplicate"         // the debtor is already listed in this case
	CodeRelistBarred     = "credit.relist_barred"     // art. 10 para 4
	CodeNotFound         = "credit.not_found"         // no such entry (or not visible)
	CodeNotActive        = "credit.not_active"        // the entry is already removed
	CodeRemovalReason    = "credit.removal_reason"    // a reason that does not apply to this entry
	CodeDutyNotFound     = "credit.duty_not_found"    // no such open duty
	CodeDutyState        = "credit.duty_state"        // the duty is not in a state for this act
	CodeCourt            = "credit.court"             // the court is unknown or the case belongs to another court
	CodeImportRejected   = "credit.import_rejected"   // a file with bad lines, nothing imported
	CodeImportFormat     = "credit.import_format"     // the file itself cannot be read
	CodeImportEmpty      = "credit.import_empty"      // no data lines
	CodeExtensionBarred  = "credit.extension_barred"  // ground 1 or beyond three years
	CodeCorrectionGround = "credit.correction_ground" // art. 11
)

// entry starts an audit entry for an act pr does.
func auditEntry(pr access.Principal, action, object, caseNumber, detail string) audit.Entry {
	roles := make([]string, len(pr.Roles))
	for i, r := range pr.Roles {
		roles[i] = string(r)
	}
	return audit.Entry{Username: pr.Username, UnitCode: pr.UnitCode, Role: strings.Join(roles, ","), Source: pr.Source,
		Action: action, Object: object, CaseNumber: caseNumber, Outcome: audit.OK, Detail: detail}
}
