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
func (s *Server) borderControl(ctx context.Context, pr access.Principal, m matter.Matter) (string, map[string]any, error) {
	if m.Kind != "exitban" || s.conn.ExitEntry == nil {
		return "", nil, apperr.Invalidf("", "border.kind", "只有“限制出境”事项可以经边控系统布控或撤控")
	}
	next := s.allowedNow(ctx, pr, m, matter.ActionLodge, matter.ActionConfirmLift)
	if next == "" {
		return "", nil, apperr.New(apperr.Forbidden, "border.not_now", "当前不能经边控系统布控或撤控（须为受理的出入境管理部门民警）")
	}
	var req exitbanRequest
	if err := s.creationPayload(ctx, pr, m, &req); err != nil || req.Person.IDNumber == "" {
		return "", nil, fmt.Errorf("border control for matter %d: no person in the creation event: %v", m.ID, err)
	}
	now := time.Now()
	var payload []byte
	var detail, flash string
	switch next {
	case matter.ActionLodge:
		r := connector.Restriction{IDNumber: req.Person.IDNumber, Name: req.Person.Name, CaseNumber: m.CaseNumber, Court: m.CourtUnit, DecisionDigest: req.DecisionDigest}
		for _, d := range req.TravelDocuments {
			r.TravelDocuments = append(r.TravelDocuments, d.Number)
		}
		cid, err := s.conn.ExitEntry.Restrict(ctx, r)
		if err != nil {
			return "", nil, fmt.Errorf("lodge border control: %w", err)
		}
		payload, _ = json.Marshal(map[string]string{"control_id": string(cid), "lodged_at": clueTime(now)})
		detail, flash = "lodged "+string(cid), "border_lodged"
	case matter.ActionConfirmLift:
		cid, err := s.lodgedControl(ctx, pr, m)
		if err != nil {
			return "", nil, err
		}
		if cid != "" {
			if err := s.conn.ExitEntry.Lift(ctx, connector.ControlID(cid), "法院决定解除限制出境（案号 "+m.CaseNumber+"）"); err != nil && !connector.IsNotFound(err) {
				return "", nil, fmt.Errorf("lift border control %s: %w", cid, err)
			}
		}
		payload, _ = json.Marshal(map[string]string{"lifted_at": clueTime(now)})
		detail, flash = "lifted "+cid, "border_lifted"
	}
	if err := s.recordSystemCall(ctx, pr, "connector.border_control", m, detail); err != nil {
		return "", nil, err
	}
	if _, _, err := s.matters.Act(ctx, pr, m.ID, next, 0, payload, nil); err != nil {
		return "", nil, err
	}
	return flash, map[string]any{"action": next}, nil
}

// lodgedControl finds the control id the lodge event recorded, "" if the
// control was lodged by hand without one.
func (s *Server) lodgedControl(ctx context.Context, pr access.Principal, m matter.Matter) (string, error) {
	events, err := s.matters.Timeline(ctx, pr, m.ID)
	if err != nil {
		return "", err
	}
	cid := ""
	for _, e := range events {
		if e.Type == matter.ActionLodge {
			var p struct {
				ControlID string `json:"control_id"`
			}
			if json.Unmarshal(e.Payload, &p) == nil {
				cid = p.ControlID
			}
		}
	}
	return cid, nil
}
