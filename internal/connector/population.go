package connector

import (
	"context"
	"time"
)

// Population is the population and household registration system
// (人口与户籍/居住信息): who a person is and where they live. It answers
// the identity part of a locate request (S-LOC-2; DOMAIN "What police
// return to a locate request").
type Population interface {
	// Person returns the registered record of the holder of idNumber (any
	// form ident accepts). No record is an apperr NotFound with code
	// connector.not_found (IsNotFound), a normal answer.
	Person(ctx context.Context, idNumber string) (PersonRecord, error)
}

// PersonRecord is a person as the population system records them.
type PersonRecord struct {
	IDNumber         string // 18 characters
	Name             string
	FormerNames      []string
	Sex              string    // "M" or "F"
	BirthDate        time.Time // civil date at 00:00 UTC
	HouseholdAddress string    // 户籍地址
	// Residences are registered temporary or actual residences (暂住/实际
	//居住地), newest first, each with its registration date.
	Residences     []Residence
	PhotoAvailable bool // the system holds an ID photo the court may request
	Meta
}

// ResidenceKind says how a residence is known.
type ResidenceKind string

const (
	Temporary ResidenceKind = "temporary" // 暂住登记 / 居住证
	Actual    ResidenceKind = "actual"    // 实际居住地 from police work
)

// Label is the Chinese name.
func (k ResidenceKind) Label() string {
	if k == Temporary {
		return "暂住登记"
	}
	return "实际居住地"
}

// Residence is one registered place of residence.
type Residence struct {
	Kind         ResidenceKind
	Address      string
	RegisteredAt time.Time
	Meta
}
