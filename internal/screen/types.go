// Package screen is the in-memory screening engine for the dishonest-debtor
// list (S-CREDIT-1): police approval and credit systems compare every
// applicant against the list automatically. An Index is built from the
// list's entries and never changes; Current holds the index in use, swaps
// a rebuilt one in atomically and applies additions and removals between
// rebuilds, so that a removed entry never produces a hit from the moment
// its removal is applied (S-CREDIT-2).
//
// The package knows nothing about the database; internal/credit feeds it.
// See docs/screening.md for the algorithm, the bands and the evaluation.
package screen

// Entry is one entry of the list as the engine sees it.
type Entry struct {
	ID     int64
	Person bool   // a natural person; false for a unit (organisation)
	Name   string // as recorded; folded by the engine
	Sex    byte   // 'M', 'F' or 0 when unknown (taken from the resident ID if 0)
	Birth  Date   // zero when unknown (taken from the resident ID if zero)
	Region string // 6-digit GB/T 2260 code; taken from the resident ID if empty
	// IDs are the person's documents: resident IDs (18 or 15 digits),
	// passports, permits, in any form ident accepts.
	IDs []string
	// Units only.
	CreditCode string
	LegalRep   string
	LegalRepID string
}

// Query is one screen as it comes from outside: every field is raw input
// and may be empty (Ref aside, which is only echoed).
type Query struct {
	Ref       string
	Name      string
	IDNumber  string // resident ID, passport, permit or credit code
	BirthDate string // YYYY-MM-DD (also YYYYMMDD, YYYY/MM/DD, 1985年3月2日, or a year)
	Sex       string // M/F, 男/女, 1/2
	Region    string // 6-digit division code or a place name (周口市淮阳区, 淮阳 …)
}

// Band is the outcome of a screen.
type Band string

// Bands.
const (
	BandHit    Band = "hit"    // on the list: the business system applies its punishment rule
	BandReview Band = "review" // possibly on the list: a person must look
	BandNone   Band = "none"   // not on the list
)

// Tiers say which comparison produced the result.
const (
	TierExact = "exact" // an identity document or credit code agreed
	TierName  = "name"  // name and birth date (sex, place) agreed
	TierNone  = "none"
)

// Result is the answer to one Query.
type Result struct {
	Ref     string
	Band    Band
	EntryID int64   // 0 when Band is none
	Score   float64 // 0–1: the estimated probability that the entry is this person
	Tier    string
	Reasons []string // in Chinese, for the officer
	Version uint64   // the list version the index reflects
}
