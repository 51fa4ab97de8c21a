package connector

import (
	"context"
	"time"
)

// Stays implements Hotel.
func (s *Simulator) Stays(ctx context.Context, idNumber string, from time.Time) ([]Stay, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, _, err := s.person(idNumber)
	if err != nil || p == nil {
		return []Stay{}, err
	}
	return since(p.stays, from, func(x Stay) time.Time { return x.CheckIn }), nil
}
