// Package connector is the boundary to the police systems the cooperation
// kinds touch (DESIGN principle 8): population and residence records,
// exit–entry records and border control, hotel stays and detention centre
// intake. Each is a small Go interface, context first, whose results carry
// the source system and time of every record (S-LOC-2: clues "each with
// source and time"). A built-in Simulator implements all of them on
// synthetic Zhoukou data, so every flow runs on one machine; a real adapter
// replaces it without touching callers. docs/connectors.md is the contract
// a real adapter must meet (fields, errors, timeouts, audit, retries).
//
// One responsibility per file: connector.go shared types and errors,
// population.go, exitentry.go, hotel.go and detention.go the interfaces
// and their records, sim*.go the simulator.
package connector

import (
	"fmt"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/ident"
)

// Meta says where a record came from and when: the system that holds it
// and the time that system recorded (or last updated) it. Every record a
// connector returns carries one, so a clue shown to a court names its
// source and time (S-LOC-2).
type Meta struct {
	Source     string    // the system, in Chinese: "人口信息管理系统"
	RecordedAt time.Time // when the source recorded the fact
}

// Error codes.
const (
	CodeNotFound = "connector.not_found" // the source has no record of this person or control
	CodeInvalid  = "connector.invalid"   // the request is malformed (bad identity number, term)
	CodeConflict = "connector.conflict"  // the request contradicts the source's state (lift a lifted control)
	// CodeUnavailable: the source did not answer in time or is down. The
	// simulator never returns it; real adapters must (docs/connectors.md).
	CodeUnavailable = "connector.unavailable"
)

// IsNotFound reports whether err is the "no record" answer, which callers
// treat as a normal, empty answer (FLOWS: "empty answers are answers too").
func IsNotFound(err error) bool {
	e, ok := apperr.As(err)
	return ok && e.Code == CodeNotFound
}

func notFound(what string) error {
	return &apperr.Error{Kind: apperr.NotFound, Code: CodeNotFound, Message: "未查询到" + what}
}

func invalid(field, format string, args ...any) error {
	return apperr.Invalidf(field, CodeInvalid, format, args...)
}

// normalizeID validates and normalizes an identity number with ident, so
// every connector is queried with the canonical 18-character form.
func normalizeID(idNumber string) (string, error) {
	id, err := ident.ParseResidentID(idNumber)
	if err != nil {
		return "", &apperr.Error{Kind: apperr.Invalid, Code: CodeInvalid, Field: "id_number", Message: err.Error(),
			Err: fmt.Errorf("normalize identity number: %w", err)}
	}
	return id.Number, nil
}
