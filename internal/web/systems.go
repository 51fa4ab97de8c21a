package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/connector"
	"liandong/internal/matter"
)

// Connectors are the police systems that acts on a matter go through
// (DESIGN principle 8): population, border crossings and controls, hotel
// stays, detention intake. The server and the tests use connector's
// simulator until real adapters exist.
type Connectors struct {
	Population connector.Population
	ExitEntry  connector.ExitEntry
	Hotel      connector.Hotel
	Detention  connector.Detention
}

// systemAct does one act on a matter through a police system and returns
// the flash key for the page and the result for the API.
type systemAct func(ctx context.Context, pr access.Principal, m matter.Matter) (flash string, result map[string]any, err error)

// systemAPI and systemPage turn a systemAct into the API route (JSON) and
// the page route (redirect back to the matter with a notice).
func (s *Server) systemAPI(act systemAct) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		m, err := s.matterFor(r, rq)
		if err != nil {
			return err
		}
		_, result, err := act(r.Context(), *rq.User, m)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, result)
		return nil
	}
}

func (s *Server) systemPage(act systemAct) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		m, err := s.matterFor(r, rq)
		if err != nil {
			return err
		}
		flash, _, err := act(r.Context(), *rq.User, m)
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/matters/"+strconv.FormatInt(m.ID, 10)+"?done="+flash, http.StatusSeeOther)
		return nil
	}
}

// matterFor reads the matter of the request's {id}, within the user's scope.
func (s *Server) matterFor(r *http.Request, rq *request) (matter.Matter, error) {
	id, err := matterID(r)
	if err != nil {
		return matter.Matter{}, err
	}
	return s.matters.Get(r.Context(), *rq.User, id)
}

// allowedNow returns the first of actions that pr may take on m now, "".
func (s *Server) allowedNow(ctx context.Context, pr access.Principal, m matter.Matter, actions ...string) string {
	for _, t := range s.matters.Allowed(ctx, pr, m) {
		for _, a := range actions {
			if t.Action == a {
				return a
			}
		}
	}
	return ""
}

// revealResidentID opens the resident ID number of m's debtor for m's case:
// the subject store checks pii.reveal and audits the reveal (S-SEC-2).
func (s *Server) revealResidentID(ctx context.Context, pr access.Principal, m matter.Matter) (name, number string, err error) {
	if m.SubjectID == 0 || s.subjects == nil {
		return "", "", apperr.Invalidf("", "system.no_person", "该事项未登记当事人证件，无法经业务系统办理，请人工核验后登记")
	}
	sub, err := s.subjects.Get(ctx, m.SubjectID)
	if err != nil {
		return "", "", err
	}
	for _, d := range sub.Documents {
		if d.Kind == "resident_id" {
			number, err = s.subjects.Reveal(ctx, pr, m.SubjectID, d.ID, matterTargetOf(m))
			return sub.Name, number, err
		}
	}
	return "", "", apperr.Invalidf("", "system.no_id", "当事人没有登记居民身份证号码，无法经业务系统办理，请人工核验后登记")
}

func matterTargetOf(m matter.Matter) access.Target {
	return access.Target{RequestingUnit: m.RequestingUnit, AddressedUnit: m.AddressedUnit, CaseNumber: m.CaseNumber}
}

// recordSystemCall audits a call to a police system made for m: the
// connectors' answers are the platform's acts on personal data (S-SEC-1).
func (s *Server) recordSystemCall(ctx context.Context, pr access.Principal, action string, m matter.Matter, detail string) error {
	e := audit.Entry{Username: pr.Username, UnitCode: pr.UnitCode, Role: roleList(pr), Source: pr.Source, Action: action,
		Object: "matter:" + strconv.FormatInt(m.ID, 10), CaseNumber: m.CaseNumber, Outcome: audit.OK, Detail: detail}
	_, err := s.audit.Record(ctx, e)
	return err
}

// creationPayload decodes the payload of m's creation event into v.
func (s *Server) creationPayload(ctx context.Context, pr access.Principal, m matter.Matter, v any) error {
	events, err := s.matters.Timeline(ctx, pr, m.ID)
	if err != nil {
		return err
	}
	if len(events) == 0 {
		return apperr.New(apperr.NotFound, matter.CodeNotFound, "未找到该协作事项")
	}
	return json.Unmarshal(events[0].Payload, v)
}
