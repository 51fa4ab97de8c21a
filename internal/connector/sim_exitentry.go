package connector

import (
	"context"
	"fmt"
	"strings"
	"time"

	"liandong/internal/apperr"
)

// Documents implements ExitEntry.
func (s *Simulator) Documents(ctx context.Context, idNumber string) ([]TravelDocument, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, _, err := s.person(idNumber)
	if err != nil || p == nil {
		return []TravelDocument{}, err
	}
	out := append([]TravelDocument{}, p.docs...)
	now := s.now()
	for i := range out {
		if out[i].ValidUntil.Before(now) {
			out[i].Status = "expired"
		}
	}
	return out, nil
}

// Crossings implements ExitEntry.
func (s *Simulator) Crossings(ctx context.Context, idNumber string, from time.Time) ([]Crossing, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, _, err := s.person(idNumber)
	if err != nil || p == nil {
		return []Crossing{}, err
	}
	return since(p.crossings, from, func(c Crossing) time.Time { return c.At }), nil
}

// Restrict implements ExitEntry. The simulator lodges a control on any
// valid number, known or not: border control does not depend on the
// population record.
func (s *Simulator) Restrict(ctx context.Context, r Restriction) (ControlID, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	n, err := normalizeID(r.IDNumber)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(r.CaseNumber) == "" || strings.TrimSpace(r.DecisionDigest) == "" {
		return "", invalid("decision", "限制出境须附案号和限制出境决定书")
	}
	r.IDNumber = n
	r.TravelDocuments = append([]string(nil), r.TravelDocuments...)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	now := s.now().In(cst).Truncate(time.Second)
	c := &Control{ID: ControlID(fmt.Sprintf("BK%s%05d", now.Format("20060102"), s.seq)), Restriction: r, LodgedAt: now,
		Meta: Meta{Source: srcControl, RecordedAt: now}}
	s.controls = append(s.controls, c)
	return c.ID, nil
}

// Lift implements ExitEntry.
func (s *Simulator) Lift(ctx context.Context, id ControlID, reason string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return invalid("reason", "解除边控须说明理由")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.controls {
		if c.ID != id {
			continue
		}
		if !c.LiftedAt.IsZero() {
			return &apperr.Error{Kind: apperr.Conflict, Code: CodeConflict, Message: "该边控已于 " + c.LiftedAt.Format("2006-01-02 15:04") + " 解除"}
		}
		now := s.now().In(cst).Truncate(time.Second)
		c.LiftedAt, c.LiftReason, c.RecordedAt = now, reason, now
		return nil
	}
	return notFound("该边控记录")
}

// Restricted implements ExitEntry.
func (s *Simulator) Restricted(ctx context.Context, idNumber string) ([]Control, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n, err := normalizeID(idNumber)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Control{}
	for i := len(s.controls) - 1; i >= 0; i-- {
		if c := s.controls[i]; c.IDNumber == n {
			cp := *c
			cp.TravelDocuments = append([]string(nil), c.TravelDocuments...)
			out = append(out, cp)
		}
	}
	return out, nil
}
