package web

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/connector"
	"liandong/internal/matter"
)

// querySince is how far back crossings and stays are searched. Three years
// is our decision, not a rule from the seed: a debtor's pattern of travel
// and lodging shows over years, and older records rarely help find them.
const querySince = 3 * 365 * 24 * time.Hour

type clue struct {
	Type       string `json:"type"`
	Content    string `json:"content"`
	Source     string `json:"source"`
	ObservedAt string `json:"observed_at"`
}

func clueTime(t time.Time) string { return t.In(shanghai).Format("2006-01-02 15:04") }

// queryLocate asks the police systems about a locate's debtor and answers
// the court with one clue per record, each with its source and time
// (S-LOC-2). The clues carry no identity number.
func (s *Server) queryLocate(ctx context.Context, pr access.Principal, m matter.Matter) (string, map[string]any, error) {
	if m.Kind != "locate" {
		return "", nil, apperr.Invalidf("", "locate.kind", "只有“查找被执行人”事项可以查询公安业务系统")
	}
	if s.allowedNow(ctx, pr, m, matter.ActionAddClue) == "" {
		return "", nil, apperr.New(apperr.Forbidden, "locate.not_now", "当前不能为该事项反馈线索（须为受理单位的承办民警，且事项尚未结束）")
	}
	_, number, err := s.revealResidentID(ctx, pr, m)
	if err != nil {
		return "", nil, err
	}
	var clues []clue
	person, err := s.conn.Population.Person(ctx, number)
	switch {
	case err == nil:
		clues = append(clues, clue{"residence", "户籍地址：" + person.HouseholdAddress, person.Source, clueTime(person.RecordedAt)})
		for _, r := range person.Residences {
			clues = append(clues, clue{"residence", "登记居住地：" + r.Address, r.Source, clueTime(r.RegisteredAt)})
		}
	case !connector.IsNotFound(err):
		return "", nil, fmt.Errorf("query population: %w", err)
	}
	since := time.Now().Add(-querySince)
	crossings, err := s.conn.ExitEntry.Crossings(ctx, number, since)
	if err != nil {
		return "", nil, fmt.Errorf("query exit-entry: %w", err)
	}
	for _, c := range crossings {
		clues = append(clues, clue{"exit_entry", fmt.Sprintf("%s经%s%s，目的地/来自：%s", clueTime(c.At), c.Port, c.Direction.Label(), c.Destination), c.Source, clueTime(c.At)})
	}
	stays, err := s.conn.Hotel.Stays(ctx, number, since)
	if err != nil {
		return "", nil, fmt.Errorf("query hotels: %w", err)
	}
	for _, st := range stays {
		out := "尚未退房"
		if !st.CheckOut.IsZero() {
			out = "退房 " + clueTime(st.CheckOut)
		}
		clues = append(clues, clue{"hotel", fmt.Sprintf("入住 %s（%s），%s，%s", st.HotelName, st.HotelAddress, clueTime(st.CheckIn), out), st.Source, clueTime(st.CheckIn)})
	}
	if err := s.recordSystemCall(ctx, pr, "connector.query", m, fmt.Sprintf("population,exit_entry,hotel records=%d", len(clues))); err != nil {
		return "", nil, err
	}
	for _, c := range clues {
		payload, _ := json.Marshal(c)
		if _, _, err := s.matters.Act(ctx, pr, m.ID, matter.ActionAddClue, 0, payload, nil); err != nil {
			return "", nil, err
		}
	}
	flash := "queried"
	if len(clues) == 0 {
		flash = "queried_none"
	}
	return flash, map[string]any{"clues": len(clues)}, nil
}
