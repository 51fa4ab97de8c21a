package matter

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"time"

	"liandong/internal/directory"
)

// Kind is one kind of matter as a table you can read beside DOMAIN.md
// (DESIGN.md principle 2). Adding a kind is one file that declares a Kind
// and lists it in kinds below.
type Kind struct {
	Name   string // stable code: "locate"
	Label  string // Chinese: 查找被执行人
	Clause string // the seed clause the kind serves: S-LOC-2
	// Initial is the state the creation transition leads to.
	Initial State
	States  []StateInfo
	// Transitions include exactly one creation transition (From {NoState},
	// Action ActionCreate).
	Transitions []Transition
	// AddressedTypes are the directory unit types (directory.UnitType) a
	// matter of this kind may be addressed to; nil when the kind is never
	// created directly (handover: opened by a locate's control).
	AddressedTypes []string
	// CreateFields describe the kind-specific creation payload as form
	// fields (field.go); the common part — case number, addressed unit,
	// debtor — is the web layer's.
	CreateFields []Field
	// CreateFromForm builds the creation payload from a form; nil means
	// the default flat mapping (PayloadFromForm).
	CreateFromForm func(values url.Values) (json.RawMessage, error)
	// Effects, when set, runs inside the transaction of every act on a
	// matter of this kind, after its event is written, on the node that
	// serves EffectsSide — for acts done there and acts received from the
	// other node alike. It carries the act into records outside the matter
	// tables (the vehicle seal register) and may queue automatic acts.
	Effects func(ctx context.Context, fx *Effects) error
	// Sweep, when set, runs on each scheduler tick on the node that serves
	// EffectsSide (a vehicle seal lapsing at the end of its term).
	Sweep       func(ctx context.Context, sw *Sweep) error
	EffectsSide Side
}

// StateInfo names a state.
type StateInfo struct {
	Name     State
	Label    string // Chinese: 待反馈
	Terminal bool   // nothing but review answers may follow
}

// Transition is one row of a kind's table: in one of From, a user of Side
// holding one of Roles may do Action, which leads To (or leaves the state
// as it is when To is NoState), starts the clocks in Starts and stops those
// in Stops.
type Transition struct {
	From   []State
	Action string
	Label  string // Chinese button text: 补充线索
	Side   Side
	Roles  []directory.Role
	To     State // NoState: the state does not change
	Starts []ClockID
	Stops  []ClockID
	Clause string
	// Validate checks the payload; nil accepts any JSON object.
	Validate func(payload json.RawMessage) error
	// Confirm is the Chinese confirmation text for irreversible or legally
	// significant acts (UI.md), "" when none is needed.
	Confirm string
	// Opens names a kind that this act opens as a linked matter in the
	// same transaction (control opens a handover, S-LOC-3); the new matter
	// gets the act's payload as its creation payload.
	Opens string
	// System marks an act only the engine does (Effects.System): no user
	// may do it and it has no button; its event names SystemUser.
	System bool
	// Delegates: the payload's "court" names a court that becomes a party
	// and may act for the requesting court (代为接收, S-LOC-3, S-VEH-5).
	Delegates bool
	// Fields describe the payload as form fields (field.go). The creation
	// transition's are Kind.CreateFields.
	Fields []Field
	// FromForm builds the payload from a form; nil means the default flat
	// mapping (PayloadFromForm).
	FromForm func(values url.Values) (json.RawMessage, error)
	// DueFor, when set, gives the due time of a clock this transition
	// starts from the matter's creation payload and the act's time (a
	// detention term of the decision's days, 拘留所条例 art. 32); ok false
	// keeps the rule's. The due time is stored in the event, so replay and
	// the other node need no hook.
	DueFor func(clock ClockID, m Matter, createPayload json.RawMessage, at time.Time) (due time.Time, ok bool)
}

// ActionCreate is the action of every kind's creation transition.
const ActionCreate = "create"

// Review actions every kind addressed to the police carries (S-DOC-2):
// police do not review substance and may not refuse; they may send a
// review suggestion, which never changes the state, and the court answers.
const (
	ActionSuggestReview = "suggest_review"
	ActionAnswerReview  = "answer_review"
)

// reviewTransitions returns the S-DOC-2 pair: suggestions while the matter
// is open, answers in any state (a suggestion may arrive just before the
// court closes the matter).
func reviewTransitions(open, all []State) []Transition {
	return []Transition{
		{From: open, Action: ActionSuggestReview, Label: "提出审查建议", Side: Police,
			Roles: []directory.Role{directory.PoliceHandler, directory.PoliceLeader}, Clause: "S-DOC-2",
			Validate: requireText("suggestion", "审查建议内容", 2000),
			Fields: []Field{{Name: "suggestion", Label: "审查建议内容", Type: FieldTextarea, Required: true,
				Hint: "公安机关不审查法律文书的实体内容，不得拒绝协助；对文书形式或内容有疑问的，可在此提出建议"}}},
		{From: all, Action: ActionAnswerReview, Label: "答复审查建议", Side: Court,
			Roles: []directory.Role{directory.CourtOfficer, directory.CourtLeader}, Clause: "S-DOC-2",
			Validate: requireText("answer", "答复内容", 2000),
			Fields:   []Field{{Name: "answer", Label: "答复内容", Type: FieldTextarea, Required: true}}},
	}
}

// kinds is the registry. Each entry is declared in its own kind_*.go file.
var kinds = []*Kind{&locateKind, &handoverKind, &summonsKind, &detentionKind, &exitbanKind, &dispatchKind, &transferKind, &arrestKind, &vehicleSealKind, &vehicleControlKind}

// Kinds lists every kind.
func Kinds() []*Kind { return slices.Clone(kinds) }

// KindByName returns the kind called name.
func KindByName(name string) (*Kind, bool) {
	for _, k := range kinds {
		if k.Name == name {
			return k, true
		}
	}
	return nil, false
}

// StateInfo returns the description of s.
func (k *Kind) StateInfo(s State) (StateInfo, bool) {
	for _, si := range k.States {
		if si.Name == s {
			return si, true
		}
	}
	return StateInfo{}, false
}

// StateLabel is the Chinese name of s.
func (k *Kind) StateLabel(s State) string {
	if si, ok := k.StateInfo(s); ok {
		return si.Label
	}
	return string(s)
}

// Creation returns the creation transition.
func (k *Kind) Creation() Transition {
	for _, t := range k.Transitions {
		if t.Action == ActionCreate {
			return t
		}
	}
	panic("matter: kind " + k.Name + " has no creation transition") // checked by Check at test time
}

// Actions lists the kind's actions (without duplicates), in table order.
func (k *Kind) Actions() []string {
	var out []string
	for _, t := range k.Transitions {
		if !slices.Contains(out, t.Action) {
			out = append(out, t.Action)
		}
	}
	return out
}

// find returns the transition for action in state from.
func (k *Kind) find(from State, action string) (Transition, bool) {
	for _, t := range k.Transitions {
		if t.Action == action && slices.Contains(t.From, from) {
			return t, true
		}
	}
	return Transition{}, false
}

// ActionLabel is the Chinese name of action.
func (k *Kind) ActionLabel(action string) string {
	for _, t := range k.Transitions {
		if t.Action == action {
			return t.Label
		}
	}
	if action == ActionCreate {
		return "发起"
	}
	return action
}

// next is the state after t in state from.
func (t Transition) next(from State) State {
	if t.To == NoState {
		return from
	}
	return t.To
}

func (t Transition) allowsRole(r directory.Role) bool { return slices.Contains(t.Roles, r) }

// Check reports mistakes in a kind's table: unknown states or clocks, a
// missing or doubled creation transition, two rows for one (state, action),
// a transition out of a terminal state other than the review answer.
func (k *Kind) Check() error {
	known := map[State]bool{}
	for _, s := range k.States {
		if s.Name == NoState || known[s.Name] {
			return fmt.Errorf("kind %s: state %q empty or declared twice", k.Name, s.Name)
		}
		known[s.Name] = true
	}
	if !known[k.Initial] {
		return fmt.Errorf("kind %s: initial state %q not declared", k.Name, k.Initial)
	}
	creations := 0
	seen := map[string]bool{}
	for _, t := range k.Transitions {
		if !t.Side.valid() || (len(t.Roles) == 0) != t.System || t.Label == "" || t.Clause == "" {
			return fmt.Errorf("kind %s: action %s needs a side, roles (none if automatic), a label and a clause", k.Name, t.Action)
		}
		if t.Action == ActionCreate {
			creations++
			if len(t.From) != 1 || t.From[0] != NoState || t.To != k.Initial {
				return fmt.Errorf("kind %s: creation must go from NoState to the initial state", k.Name)
			}
		} else {
			for _, f := range t.From {
				if !known[f] {
					return fmt.Errorf("kind %s: action %s from unknown state %q", k.Name, t.Action, f)
				}
				if si, _ := k.StateInfo(f); si.Terminal && t.To != NoState {
					return fmt.Errorf("kind %s: action %s leaves terminal state %s", k.Name, t.Action, f)
				}
				key := string(f) + "\x00" + t.Action
				if seen[key] {
					return fmt.Errorf("kind %s: two rows for action %s in state %s", k.Name, t.Action, f)
				}
				seen[key] = true
			}
		}
		if t.To != NoState && !known[t.To] {
			return fmt.Errorf("kind %s: action %s to unknown state %q", k.Name, t.Action, t.To)
		}
		for _, c := range append(slices.Clone(t.Starts), t.Stops...) {
			if _, ok := ruleByID(c); !ok {
				return fmt.Errorf("kind %s: action %s names unknown clock %s", k.Name, t.Action, c)
			}
		}
		if t.Opens != "" {
			if _, ok := KindByName(t.Opens); !ok {
				return fmt.Errorf("kind %s: action %s opens unknown kind %s", k.Name, t.Action, t.Opens)
			}
		}
	}
	if err := checkFields(k.CreateFields); err != nil {
		return fmt.Errorf("kind %s: create: %w", k.Name, err)
	}
	for _, t := range k.Transitions {
		if t.Action == ActionCreate && (t.Fields != nil || t.FromForm != nil) {
			return fmt.Errorf("kind %s: the creation form belongs in Kind.CreateFields", k.Name)
		}
		if err := checkFields(t.Fields); err != nil {
			return fmt.Errorf("kind %s: action %s: %w", k.Name, t.Action, err)
		}
	}
	if creations != 1 {
		return fmt.Errorf("kind %s: %d creation transitions, want 1", k.Name, creations)
	}
	return nil
}
