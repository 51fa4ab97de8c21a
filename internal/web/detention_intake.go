package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/connector"
	"liandong/internal/matter"
)

// intakeViaSystem lets the detention centre take a delivered person in
// through its own system (S-ASSIST-2): the centre's system checks the
// lawful refusal grounds (拘留所条例 art. 12) from the person's facts and
// either takes them in — recorded as the intake with the centre's number
// and time — or refuses with the structured legal ground, which the court
// then answers. The person's identity number is revealed to the centre
// for this case only (pii.reveal, audited).
func (s *Server) intakeViaSystem(ctx context.Context, pr access.Principal, id int64) (bool, error) {
	m, err := s.matters.Get(ctx, pr, id)
	if err != nil {
		return false, err
	}
	if m.Kind != "detention" {
		return false, apperr.Invalidf("", "intake.kind", "只有“司法拘留”事项可以办理收拘")
	}
	allowed := false
	for _, t := range s.matters.Allowed(ctx, pr, m) {
		allowed = allowed || t.Action == matter.ActionIntake
	}
	if !allowed {
		return false, apperr.New(apperr.Forbidden, "intake.not_now", "当前不能办理收拘（须为受理的拘留所民警，且人员已送达）")
	}
	if m.SubjectID == 0 || s.subjects == nil || s.conn.Detention == nil {
		return false, apperr.Invalidf("", "intake.no_person", "该事项未登记被拘留人证件，请按决定书人工核验后登记收拘")
	}
	events, err := s.matters.Timeline(ctx, pr, id)
	if err != nil {
		return false, err
	}
	var decision struct {
		Digest string `json:"decision_digest"`
		Term   int    `json:"term_days"`
	}
	if len(events) == 0 || json.Unmarshal(events[0].Payload, &decision) != nil || decision.Term == 0 {
		return false, fmt.Errorf("intake for matter %d: no decision in the creation event", id)
	}
	sub, err := s.subjects.Get(ctx, m.SubjectID)
	if err != nil {
		return false, err
	}
	var docID int64
	for _, d := range sub.Documents {
		if d.Kind == "resident_id" {
			docID = d.ID
			break
		}
	}
	if docID == 0 {
		return false, apperr.Invalidf("", "intake.no_id", "被拘留人没有登记居民身份证号码，请人工核验后登记收拘")
	}
	target := access.Target{RequestingUnit: m.RequestingUnit, AddressedUnit: m.AddressedUnit, CaseNumber: m.CaseNumber}
	number, err := s.subjects.Reveal(ctx, pr, m.SubjectID, docID, target)
	if err != nil {
		return false, err
	}
	res, err := s.conn.Detention.Intake(ctx, connector.IntakeRequest{IDNumber: number, Name: sub.Name, DecisionDigest: decision.Digest,
		Court: m.CourtUnit, CaseNumber: m.CaseNumber, TermDays: decision.Term})
	if err != nil {
		return false, fmt.Errorf("detention intake: %w", err)
	}
	outcome := "accepted"
	if !res.Accepted {
		outcome = "refused:" + string(res.Refusal.Reason)
	}
	e := audit.Entry{Username: pr.Username, UnitCode: pr.UnitCode, Role: roleList(pr), Source: pr.Source, Action: "connector.intake",
		Object: "matter:" + strconv.FormatInt(id, 10), CaseNumber: m.CaseNumber, Outcome: audit.OK, Detail: outcome}
	if _, err := s.audit.Record(ctx, e); err != nil {
		return false, err
	}
	var action string
	var payload []byte
	if res.Accepted {
		action = matter.ActionIntake
		payload, _ = json.Marshal(map[string]any{"intake_at": clueTime(res.IntakeAt), "facility": res.Facility, "intake_id": res.IntakeID})
	} else {
		action = matter.ActionRefuseIntake
		payload, _ = json.Marshal(map[string]any{"reason": string(res.Refusal.Reason), "detail": res.Refusal.Label + "（" + res.Refusal.Basis + "），由拘留所系统依被拘留人信息核验"})
	}
	if _, _, err := s.matters.Act(ctx, pr, id, action, 0, payload, nil); err != nil {
		return false, err
	}
	return res.Accepted, nil
}

func (s *Server) apiIntakeViaSystem(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := matterID(r)
	if err != nil {
		return err
	}
	ok, err := s.intakeViaSystem(r.Context(), *rq.User, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"accepted": ok})
	return nil
}

func (s *Server) intakeViaSystemSubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := matterID(r)
	if err != nil {
		return err
	}
	ok, err := s.intakeViaSystem(r.Context(), *rq.User, id)
	if err != nil {
		return err
	}
	done := "intake_accepted"
	if !ok {
		done = "intake_refused"
	}
	http.Redirect(w, r, "/matters/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
	return nil
}
