package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/connector"
	"liandong/internal/matter"
)

// Connectors are the police systems a handler queries for a locate
// (S-LOC-2): population and residence records, border crossings, hotel
// stays. The demo and tests use connector's simulator.
type Connectors struct {
	Population connector.Population
	ExitEntry  connector.ExitEntry
	Hotel      connector.Hotel
	Detention  connector.Detention
}

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
// the court with one clue per record, each with its source and time. The
// full identity number is revealed only to the addressed bureau's handler
// for this case (pii.reveal, audited by the subject store); the clues
// themselves carry no identity number.
func (s *Server) queryLocate(ctx context.Context, pr access.Principal, id int64) (int, error) {
	m, err := s.matters.Get(ctx, pr, id)
	if err != nil {
		return 0, err
	}
	if m.Kind != "locate" {
		return 0, apperr.Invalidf("", "locate.kind", "只有“查找被执行人”事项可以查询公安业务系统")
	}
	allowed := false
	for _, t := range s.matters.Allowed(ctx, pr, m) {
		allowed = allowed || t.Action == matter.ActionAddClue
	}
	if !allowed {
		return 0, apperr.New(apperr.Forbidden, "locate.not_now", "当前不能为该事项反馈线索（须为受理单位的承办民警，且事项尚未结束）")
	}
	if m.SubjectID == 0 || s.subjects == nil {
		return 0, apperr.Invalidf("", "locate.no_debtor", "该事项未登记被执行人证件，无法查询")
	}
	sub, err := s.subjects.Get(ctx, m.SubjectID)
	if err != nil {
		return 0, err
	}
	var docID int64
	for _, d := range sub.Documents {
		if d.Kind == "resident_id" {
			docID = d.ID
			break
		}
	}
	if docID == 0 {
		return 0, apperr.Invalidf("", "locate.no_id", "被执行人没有登记居民身份证号码，无法查询")
	}
	target := access.Target{RequestingUnit: m.RequestingUnit, AddressedUnit: m.AddressedUnit, CaseNumber: m.CaseNumber}
	number, err := s.subjects.Reveal(ctx, pr, m.SubjectID, docID, target)
	if err != nil {
		return 0, err
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
		return 0, fmt.Errorf("query population: %w", err)
	}
	since := time.Now().Add(-querySince)
	crossings, err := s.conn.ExitEntry.Crossings(ctx, number, since)
	if err != nil {
		return 0, fmt.Errorf("query exit-entry: %w", err)
	}
	for _, c := range crossings {
		clues = append(clues, clue{"exit_entry", fmt.Sprintf("%s经%s%s，目的地/来自：%s", clueTime(c.At), c.Port, c.Direction.Label(), c.Destination), c.Source, clueTime(c.At)})
	}
	stays, err := s.conn.Hotel.Stays(ctx, number, since)
	if err != nil {
		return 0, fmt.Errorf("query hotels: %w", err)
	}
	for _, st := range stays {
		out := "尚未退房"
		if !st.CheckOut.IsZero() {
			out = "退房 " + clueTime(st.CheckOut)
		}
		clues = append(clues, clue{"hotel", fmt.Sprintf("入住 %s（%s），%s，%s", st.HotelName, st.HotelAddress, clueTime(st.CheckIn), out), st.Source, clueTime(st.CheckIn)})
	}
	// The connectors' answers are the platform's acts on personal data:
	// audited with the case (S-SEC-1, S-SEC-2).
	e := audit.Entry{Username: pr.Username, UnitCode: pr.UnitCode, Role: roleList(pr), Source: pr.Source, Action: "connector.query",
		Object: "matter:" + strconv.FormatInt(id, 10), CaseNumber: m.CaseNumber, Outcome: audit.OK,
		Detail: fmt.Sprintf("population,exit_entry,hotel records=%d", len(clues))}
	if _, err := s.audit.Record(ctx, e); err != nil {
		return 0, err
	}
	for _, c := range clues {
		payload, _ := json.Marshal(c)
		if _, _, err := s.matters.Act(ctx, pr, id, matter.ActionAddClue, 0, payload, nil); err != nil {
			return 0, err
		}
	}
	return len(clues), nil
}

func (s *Server) apiLocateQuery(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := matterID(r)
	if err != nil {
		return err
	}
	n, err := s.queryLocate(r.Context(), *rq.User, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"clues": n})
	return nil
}

func (s *Server) locateQuerySubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := matterID(r)
	if err != nil {
		return err
	}
	n, err := s.queryLocate(r.Context(), *rq.User, id)
	if err != nil {
		return err
	}
	done := "queried"
	if n == 0 {
		done = "queried_none"
	}
	http.Redirect(w, r, "/matters/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
	return nil
}
