package connector

import (
	"context"
	"time"
)

// ExitEntry is the exit–entry administration (出入境管理): travel
// documents, border crossings, and border control (边控) lodged and lifted
// for a court's exit restriction (S-ASSIST-1; 出境入境管理法 arts. 12, 28,
// 65; 民诉法 art. 266).
type ExitEntry interface {
	// Documents returns every travel document issued to the holder of
	// idNumber (passports, 往来港澳/台湾通行证), valid or not. None is an
	// empty slice.
	Documents(ctx context.Context, idNumber string) ([]TravelDocument, error)
	// Crossings returns border crossings at or after since, newest first.
	Crossings(ctx context.Context, idNumber string, since time.Time) ([]Crossing, error)
	// Restrict lodges a border control and returns its id.
	Restrict(ctx context.Context, r Restriction) (ControlID, error)
	// Lift lifts a control (解除限制出境); lifting an unknown control is
	// NotFound, a lifted one Conflict.
	Lift(ctx context.Context, id ControlID, reason string) error
	// Restricted returns the controls on a person, active and lifted,
	// newest first.
	Restricted(ctx context.Context, idNumber string) ([]Control, error)
}

// TravelDocKind is the kind of a travel document.
type TravelDocKind string

const (
	PassportDoc TravelDocKind = "passport"    // 普通护照
	HKMOPass    TravelDocKind = "hk_mo_pass"  // 往来港澳通行证 (mainland residents)
	TaiwanPass  TravelDocKind = "taiwan_pass" // 往来台湾通行证 (mainland residents)
)

// Label is the Chinese name.
func (k TravelDocKind) Label() string {
	switch k {
	case PassportDoc:
		return "普通护照"
	case HKMOPass:
		return "往来港澳通行证"
	case TaiwanPass:
		return "往来台湾通行证"
	}
	return string(k)
}

// TravelDocument is one issued travel document.
type TravelDocument struct {
	Kind       TravelDocKind
	Number     string
	IssuedAt   time.Time
	ValidUntil time.Time
	Issuer     string // 签发机关
	Status     string // "valid", "expired", "cancelled" (作废)
	Meta
}

// Direction of a crossing.
type Direction string

const (
	Exit  Direction = "exit"  // 出境
	Entry Direction = "entry" // 入境
)

// Label is the Chinese name.
func (d Direction) Label() string {
	if d == Exit {
		return "出境"
	}
	return "入境"
}

// Crossing is one passage through a port.
type Crossing struct {
	Port           string // 口岸
	Direction      Direction
	At             time.Time
	DocumentKind   TravelDocKind
	DocumentNumber string
	Destination    string // where to (exit) or from (entry)
	Meta
}

// ControlID names a border control.
type ControlID string

// Restriction is a court's request to stop a person leaving the country.
type Restriction struct {
	IDNumber       string
	Name           string
	CaseNumber     string
	Court          string    // deciding court's unit code
	DecisionDigest string    // SM3 of the 限制出境决定书 (internal/docs)
	Until          time.Time // zero: until lifted
	// TravelDocuments lists the numbers the court knows; the control
	// covers the person whatever document they present.
	TravelDocuments []string
}

// Control is a lodged border control.
type Control struct {
	ID ControlID
	Restriction
	LodgedAt   time.Time
	LiftedAt   time.Time // zero while active
	LiftReason string
	Meta
}

// Active reports whether the control is in force at t.
func (c Control) Active(t time.Time) bool {
	return c.LiftedAt.IsZero() && (c.Until.IsZero() || t.Before(c.Until))
}
