// Package vehicle is the vehicle seal register (查封登记簿): every court
// seal on a motor vehicle, in force or waiting behind another (轮候查封),
// its term and renewals, and what the vehicle registry (connector.
// VehicleRegistry) was last told of it. It answers "may this registration
// business be done on this vehicle?" from memory, for police systems that
// ask thousands of times a second.
//
// The rules, each with its source (docs/vehicles.md):
//
//   - S-VEH-2: from acceptance the vehicle's transfer, mortgage,
//     deregistration and change registrations are suspended; the seal is
//     entered into the registration system. connector.Operations lists
//     what a seal blocks, article by article of 机动车登记规定 (2021).
//   - S-VEH-3: an unseal (解封) is carried out at once: Lift ends the seal
//     and the registry is told in Committed, right after the commit.
//   - 民诉法解释 art. 485: a seal on movables lasts at most two years;
//     renewal (续行查封) is done before the term ends, each time for at
//     most two years.
//   - 查封扣押冻结规定 art. 27: a seal not renewed by the end of its term
//     loses effect (lapses).
//   - 查封扣押冻结规定 art. 26: other courts may seal a sealed vehicle in
//     turn (轮候查封); when the seal ahead ends, the earliest-registered
//     waiting seal takes effect automatically, its term starting then.
//
// Every mutation runs in the caller's transaction, so a matter event and
// the register change commit together; after the commit the caller hands
// the results to Committed, which refreshes the in-memory index and pushes
// the change to the registry. Sync repairs whatever a failed push left
// behind.
package vehicle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/connector"
	"liandong/internal/db"
)

// MaxTermMonths is the longest term of a vehicle seal and of each renewal:
// two years (民诉法解释 art. 485: 查封、扣押动产的期限不得超过两年).
const MaxTermMonths = 24

// State is where a seal stands.
type State string

const (
	Waiting State = "waiting"  // 轮候查封: accepted behind a seal in force
	InForce State = "in_force" // 查封生效
	Lifted  State = "lifted"   // 已解除查封 (S-VEH-3)
	Lapsed  State = "lapsed"   // 期满未续封，效力消灭 (查封扣押冻结规定 art. 27)
)

// Label is the Chinese name.
func (s State) Label() string {
	switch s {
	case Waiting:
		return "轮候查封"
	case InForce:
		return "查封中"
	case Lifted:
		return "已解除"
	case Lapsed:
		return "期满失效"
	}
	return string(s)
}

// Live reports whether the seal is in force or waiting.
func (s State) Live() bool { return s == Waiting || s == InForce }

// Seal is one court's seal on one vehicle.
type Seal struct {
	ID             int64
	VIN            string
	Plate          string
	CourtUnit      string // unit code of the sealing court
	CourtName      string
	CaseNumber     string
	MatterID       int64 // the matter that asked for it; 0 for none
	DocumentDigest string
	State          State
	QueuePos       int64 // order of acceptance on this vehicle, from 1
	TermMonths     int   // the term asked for, 1–24 months
	AcceptedAt     time.Time
	EffectiveAt    time.Time // zero while waiting
	ExpiresAt      time.Time // zero while waiting
	EndedAt        time.Time // zero while live
	EndReason      string
	Renewals       int
	Registry       RegistryState
}

// RegistryState is what the vehicle registry was last told of a seal.
type RegistryState struct {
	State   string    // "", "recorded" or "released"
	Expires time.Time // the expiry the registry holds while recorded
	At      time.Time
	Error   string // the last push's failure, "" after a success
}

// MarkID is the seal's id in the registry.
func (s Seal) MarkID() string { return "LD-SEAL-" + strconv.FormatInt(s.ID, 10) }

// Mark is the seal as the registry holds it.
func (s Seal) Mark() connector.SealMark {
	return connector.SealMark{ID: s.MarkID(), VIN: s.VIN, Plate: s.Plate, Court: s.CourtUnit, CourtName: s.CourtName,
		CaseNumber: s.CaseNumber, DocumentDigest: s.DocumentDigest, EffectiveAt: s.EffectiveAt, ExpiresAt: s.ExpiresAt}
}

// SealRequest is a court's request to seal a vehicle (S-VEH-1: with the
// 协助执行通知书 or 公函, whose digest is given).
type SealRequest struct {
	Vehicle        string // plate or VIN, any form connector.ParseVehicleKey reads
	CourtUnit      string
	CourtName      string // "" uses CourtUnit
	CaseNumber     string
	MatterID       int64 // 0 for none
	DocumentDigest string
	TermMonths     int // 0 for the maximum, 24
}

// Change is what one lift or lapse did: the seal that ended and the
// waiting seal that took effect in its place, if any.
type Change struct {
	Ended    Seal
	Promoted *Seal
}

// Ended lists the seals the changes ended (each names its vehicle).
func Ended(chs ...Change) []Seal {
	out := make([]Seal, len(chs))
	for i, ch := range chs {
		out[i] = ch.Ended
	}
	return out
}

// Config tunes a Register.
type Config struct {
	Now    func() time.Time // default time.Now
	Logger *slog.Logger     // default slog.Default()
	// Lapse makes Run also lapse seals whose term ended (LapseDue in a
	// transaction of its own). Leave it false when another scheduler (the
	// matter engine) calls LapseDue with its own events.
	Lapse bool
}

// Error codes.
const (
	CodeInvalid      = "vehicle.invalid"        // a malformed request
	CodeNotFound     = "vehicle.not_found"      // no such vehicle in the registry
	CodeSealNotFound = "vehicle.seal_not_found" // no such seal
	CodeSealEnded    = "vehicle.seal_ended"     // lifting, renewing a lifted or lapsed seal
	CodeSealLapsed   = "vehicle.seal_lapsed"    // the term ended before the act
	CodeSealWaiting  = "vehicle.seal_waiting"   // renewing a waiting seal
	CodeRenewTooLong = "vehicle.renew_too_long" // a renewal beyond two years
	CodeRenewEarlier = "vehicle.renew_earlier"  // a renewal that does not extend the term
)

// Register is the seal register. It is safe for concurrent use.
type Register struct {
	db  *db.DB
	reg connector.VehicleRegistry
	cfg Config
	log *slog.Logger

	idx index
	// refreshMu orders index refreshes: each reads a vehicle's seals and
	// sets them as one step, so a refresh that read before another
	// transaction committed cannot overwrite the newer refresh that
	// transaction's Committed made (a lift reading [] after another
	// court's accept set [B] would leave the vehicle unsealed in Check).
	refreshMu sync.Mutex
	// full: the next Sync pushes every live seal, not only the ones whose
	// registry state differs (set at start: the registry may have lost
	// its marks, as the simulator does on restart).
	full   atomic.Bool
	syncMu sync.Mutex // one Sync at a time
}

// New loads the live seals into memory. The first Sync pushes all of them
// to the registry.
func New(ctx context.Context, d *db.DB, reg connector.VehicleRegistry, cfg Config) (*Register, error) {
	if d == nil || reg == nil {
		return nil, errors.New("vehicle register: a database and a vehicle registry are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	r := &Register{db: d, reg: reg, cfg: cfg, log: cfg.Logger, idx: newIndex()}
	r.full.Store(true)
	seals, err := r.query(ctx, d.Read(), `WHERE state IN ('waiting', 'in_force') ORDER BY vin, queue_pos`)
	if err != nil {
		return nil, fmt.Errorf("vehicle register: load live seals: %w", err)
	}
	r.idx.load(seals)
	return r, nil
}

// now is the configured clock, as the database stores times.
func (r *Register) now() time.Time { return db.Time(r.cfg.Now()) }

// addMonths ends a term: the same instant m civil months later in China
// time (a seal from 2025-03-10 10:00 for 24 months ends 2027-03-10 10:00).
func addMonths(t time.Time, m int) time.Time {
	return db.Time(t.In(cst).AddDate(0, m, 0))
}

func invalidf(field, format string, args ...any) error {
	return apperr.Invalidf(field, CodeInvalid, format, args...)
}

func conflict(code, format string, args ...any) error {
	return &apperr.Error{Kind: apperr.Conflict, Code: code, Message: fmt.Sprintf(format, args...)}
}

func day(t time.Time) string { return t.In(cst).Format("2006-01-02") }
