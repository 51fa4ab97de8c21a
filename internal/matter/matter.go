// Package matter is the event engine of cooperation matters (协作事项):
// each matter is an append-only list of events (DESIGN.md principle 1); its
// state, its clocks and its timeline are derived from them by Replay, and
// the matters row is a cache updated in the same transaction as each event.
// Kinds of matter are tables (kind.go, principle 2); deadlines come from one
// clock table (clock.go); cross-side events leave through an outbox and are
// applied by an inbox handler (exchange.go, principle 3). docs/matters.md
// describes the design and its decisions.
package matter

import (
	"time"

	"liandong/internal/apperr"
)

// Side is the agency that authors an event: court or police.
type Side string

const (
	Court  Side = "court"
	Police Side = "police"
)

// Label is the side's Chinese name.
func (s Side) Label() string {
	switch s {
	case Court:
		return "人民法院"
	case Police:
		return "公安机关"
	}
	return string(s)
}

func (s Side) valid() bool { return s == Court || s == Police }

// State is where a matter stands. Each kind declares its states.
type State string

// NoState is the From of a kind's creation transition: the matter does not
// exist yet.
const NoState State = ""

// Matter is the cached row of a matter: everything here is derived from its
// events except the local ID.
type Matter struct {
	ID             int64  // local to this database
	UID            string // identity across the two nodes (random 128 bits, hex)
	Kind           string
	ParentID       int64 // the matter that opened this one (a locate opens a handover), 0 if none
	CaseNumber     string
	CourtUnit      string // the filing court: the court of the requesting unit
	Officer        string // the responsible court officer (承办人), a username
	RequestingUnit string
	RequestingSide Side
	AddressedUnit  string
	AddressedSide  Side
	// DelegateUnit is a court that takes over on the requesting court's
	// behalf (代为接收, S-LOC-3, S-VEH-5); it becomes a party of the matter.
	DelegateUnit string
	SubjectID    int64
	State        State
	Terminal     bool
	Seq          int64      // the last event's sequence number
	DueAt        *time.Time // the soonest running clock, nil when none runs
	Overdue      bool       // a running clock passed its deadline (set by Tick)
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// NewMatter is what Create needs.
type NewMatter struct {
	Kind           string
	CaseNumber     string
	RequestingUnit string // "" means the actor's unit
	AddressedUnit  string
	SubjectID      int64 // 0 until internal/subject links one
	Payload        []byte
	Documents      []string // SM3 digests (hex) of internal/docs blobs
}

// Filter narrows List. Zero values match everything.
type Filter struct {
	Kind    string
	State   State
	Overdue bool // only overdue matters
	Limit   int  // default 50, at most 200
	Cursor  string
}

// Error codes returned by the engine.
const (
	CodeNotFound      = "matter.not_found"
	CodeStale         = "matter.stale"
	CodeState         = "matter.state"
	CodeSide          = "matter.side"
	CodeRole          = "matter.role"
	CodeActionUnknown = "matter.action_unknown"
	CodeKindUnknown   = "matter.kind_unknown"
	CodeCase          = "matter.case_number"
	CodeUnit          = "matter.unit"
	CodePayload       = "matter.payload"
	CodeDocument      = "matter.document"
	CodeNodeSide      = "matter.node_side"
)

func errNotFound() error {
	return apperr.New(apperr.NotFound, CodeNotFound, "未找到该协作事项（不存在或您无权查看）")
}

func errStale() error {
	return apperr.New(apperr.Conflict, CodeStale, "该事项已被他人更新，请刷新后重试")
}
