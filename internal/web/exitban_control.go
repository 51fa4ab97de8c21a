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

// exitbanRequest is what an exit ban's creation event says of the person.
type exitbanRequest struct {
	DecisionDigest string `json:"decision_digest"`
	Person         struct {
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
	} `json:"person"`
	TravelDocuments []struct {
		Number string `json:"number"`
	} `json:"travel_documents"`
}

// borderControl lodges or lifts the border control of an exit ban through
// the exit–entry system (S-ASSIST-1; 出境入境管理法 arts. 12, 28, 65): the
// exit–entry handler presses one button, the system answers with the
// control's id (lodge) or confirms the lift, and the matter records it.
func (s *Server) borderControl(ctx context.Context, pr access.Principal, id int64) (string, error) {
	m, err := s.matters.Get(ctx, pr, id)
	if err != nil {
		return "", err
	}
	if m.Kind != "exitban" || s.conn.ExitEntry == nil {
		return "", apperr.Invalidf("", "border.kind", "只有“限制出境”事项可以经边控系统布控或撤控")
	}
	var next string
	for _, t := range s.matters.Allowed(ctx, pr, m) {
		if t.Action == matter.ActionLodge || t.Action == matter.ActionConfirmLift {
			next = t.Action
		}
	}
	if next == "" {
		return "", apperr.New(apperr.Forbidden, "border.not_now", "当前不能经边控系统布控或撤控（须为受理的出入境管理部门民警）")
	}
	events, err := s.matters.Timeline(ctx, pr, id)
	if err != nil {
		return "", err
	}
	var req exitbanRequest
	if len(events) == 0 || json.Unmarshal(events[0].Payload, &req) != nil || req.Person.IDNumber == "" {
		return "", fmt.Errorf("border control for matter %d: no person in the creation event", id)
	}
	now := time.Now()
	var payload []byte
	var detail string
	switch next {
	case matter.ActionLodge:
		r := connector.Restriction{IDNumber: req.Person.IDNumber, Name: req.Person.Name, CaseNumber: m.CaseNumber, Court: m.CourtUnit, DecisionDigest: req.DecisionDigest}
		for _, d := range req.TravelDocuments {
			r.TravelDocuments = append(r.TravelDocuments, d.Number)
		}
		cid, err := s.conn.ExitEntry.Restrict(ctx, r)
		if err != nil {
			return "", fmt.Errorf("lodge border control: %w", err)
		}
		payload, _ = json.Marshal(map[string]string{"control_id": string(cid), "lodged_at": clueTime(now)})
		detail = "lodged " + string(cid)
	case matter.ActionConfirmLift:
		var cid string
		for _, e := range events {
			if e.Type == matter.ActionLodge {
				var p struct {
					ControlID string `json:"control_id"`
				}
				json.Unmarshal(e.Payload, &p)
				cid = p.ControlID
			}
		}
		if cid != "" {
			if err := s.conn.ExitEntry.Lift(ctx, connector.ControlID(cid), "法院决定解除限制出境（案号 "+m.CaseNumber+"）"); err != nil && !connector.IsNotFound(err) {
				return "", fmt.Errorf("lift border control %s: %w", cid, err)
			}
		}
		payload, _ = json.Marshal(map[string]string{"lifted_at": clueTime(now)})
		detail = "lifted " + cid
	}
	e := audit.Entry{Username: pr.Username, UnitCode: pr.UnitCode, Role: roleList(pr), Source: pr.Source, Action: "connector.border_control",
		Object: "matter:" + strconv.FormatInt(id, 10), CaseNumber: m.CaseNumber, Outcome: audit.OK, Detail: detail}
	if _, err := s.audit.Record(ctx, e); err != nil {
		return "", err
	}
	if _, _, err := s.matters.Act(ctx, pr, id, next, 0, payload, nil); err != nil {
		return "", err
	}
	return next, nil
}

func (s *Server) apiBorderControl(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := matterID(r)
	if err != nil {
		return err
	}
	done, err := s.borderControl(r.Context(), *rq.User, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"action": done})
	return nil
}

func (s *Server) borderControlSubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := matterID(r)
	if err != nil {
		return err
	}
	done, err := s.borderControl(r.Context(), *rq.User, id)
	if err != nil {
		return err
	}
	flash := "border_lodged"
	if done == matter.ActionConfirmLift {
		flash = "border_lifted"
	}
	http.Redirect(w, r, "/matters/"+strconv.FormatInt(id, 10)+"?done="+flash, http.StatusSeeOther)
	return nil
}
