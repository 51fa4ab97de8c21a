package matter

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Derived is everything Replay derives from a matter's events.
type Derived struct {
	State        State
	Terminal     bool
	Seq          int64
	Deadlines    []Deadline // every clock started, running or stopped, in start order
	DelegateUnit string
	Header       Header
	UpdatedAt    time.Time
}

// DueAt is the soonest running deadline, nil when none runs.
func (d Derived) DueAt() *time.Time {
	var due *time.Time
	for _, dl := range d.Deadlines {
		if dl.Running() && (due == nil || dl.Due.Before(*due)) {
			t := dl.Due
			due = &t
		}
	}
	return due
}

// Replay derives a matter's state and deadlines from its events, in
// sequence order. It is the definition of what the events mean; the
// matters row is a cache of it.
func Replay(k *Kind, events []Event) (State, []Deadline, error) {
	d, err := Derive(k, events)
	return d.State, d.Deadlines, err
}

// Derive is Replay with everything it derives.
func Derive(k *Kind, events []Event) (Derived, error) {
	var d Derived
	for _, e := range events {
		if _, err := d.step(k, e); err != nil {
			return d, err
		}
	}
	return d, nil
}

// step applies one event and returns the transition it followed.
func (d *Derived) step(k *Kind, e Event) (Transition, error) {
	if e.Seq != d.Seq+1 {
		return Transition{}, fmt.Errorf("matter %s: event %s has seq %d, want %d", e.MatterUID, e.ID, e.Seq, d.Seq+1)
	}
	if e.Kind != k.Name {
		return Transition{}, fmt.Errorf("matter %s: event %s is of kind %s, not %s", e.MatterUID, e.ID, e.Kind, k.Name)
	}
	if (e.Seq == 1) != (e.Header != nil) {
		return Transition{}, fmt.Errorf("matter %s: event %d: a header belongs to the creation event only", e.MatterUID, e.Seq)
	}
	t, ok := k.find(d.State, e.Type)
	if !ok {
		return Transition{}, fmt.Errorf("matter %s: event %d: %s has no action %s in state %q", e.MatterUID, e.Seq, k.Name, e.Type, d.State)
	}
	if e.Side != t.Side {
		return Transition{}, fmt.Errorf("matter %s: event %d: action %s belongs to side %s, event says %s", e.MatterUID, e.Seq, e.Type, t.Side, e.Side)
	}
	if e.Header != nil {
		d.Header = *e.Header
	}
	for i := range d.Deadlines {
		dl := &d.Deadlines[i]
		if !dl.Running() {
			continue
		}
		restarted := slices.ContainsFunc(e.Clocks, func(c ClockStart) bool { return c.ID == dl.Clock })
		if slices.Contains(t.Stops, dl.Clock) || restarted {
			at := e.At
			dl.StoppedSeq, dl.StoppedAt = e.Seq, &at
		}
	}
	for _, c := range e.Clocks {
		d.Deadlines = append(d.Deadlines, Deadline{Clock: c.ID, StartedSeq: e.Seq, StartedAt: e.At, Due: c.Due})
	}
	if t.Delegates {
		var p struct {
			Court string `json:"court"`
		}
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return Transition{}, fmt.Errorf("matter %s: event %d: delegate payload: %w", e.MatterUID, e.Seq, err)
		}
		d.DelegateUnit = p.Court
	}
	d.State = t.next(d.State)
	si, _ := k.StateInfo(d.State)
	d.Terminal = si.Terminal
	if d.Terminal { // a finished matter owes nobody anything
		for i := range d.Deadlines {
			if dl := &d.Deadlines[i]; dl.Running() {
				at := e.At
				dl.StoppedSeq, dl.StoppedAt = e.Seq, &at
			}
		}
	}
	d.Seq = e.Seq
	d.UpdatedAt = e.At
	return t, nil
}
