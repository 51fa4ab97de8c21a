package web

import (
	"context"
	"encoding/json"
	"fmt"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/connector"
	"liandong/internal/matter"
)

// intakeViaSystem lets the detention centre take a delivered person in
// through its own system (S-ASSIST-2): the centre's system checks the
// lawful refusal grounds (拘留所条例 art. 12) from the person's facts and
// either takes them in — recorded as the intake with the centre's number
// and time — or refuses with the structured legal ground, which the court
// then answers.
func (s *Server) intakeViaSystem(ctx context.Context, pr access.Principal, m matter.Matter) (string, map[string]any, error) {
	if m.Kind != "detention" || s.conn.Detention == nil {
		return "", nil, apperr.Invalidf("", "intake.kind", "只有“司法拘留”事项可以办理收拘")
	}
	if s.allowedNow(ctx, pr, m, matter.ActionIntake) == "" {
		return "", nil, apperr.New(apperr.Forbidden, "intake.not_now", "当前不能办理收拘（须为受理的拘留所民警，且人员已送达）")
	}
	var decision struct {
		Digest string `json:"decision_digest"`
		Term   int    `json:"term_days"`
	}
	if err := s.creationPayload(ctx, pr, m, &decision); err != nil || decision.Term == 0 {
		return "", nil, fmt.Errorf("intake for matter %d: no decision in the creation event: %v", m.ID, err)
	}
	name, number, err := s.revealResidentID(ctx, pr, m)
	if err != nil {
		return "", nil, err
	}
	res, err := s.conn.Detention.Intake(ctx, connector.IntakeRequest{IDNumber: number, Name: name, DecisionDigest: decision.Digest,
		Court: m.CourtUnit, CaseNumber: m.CaseNumber, TermDays: decision.Term})
	if err != nil {
		return "", nil, fmt.Errorf("detention intake: %w", err)
	}
	action, flash, detail := matter.ActionIntake, "intake_accepted", "accepted"
	payload, _ := json.Marshal(map[string]any{"intake_at": clueTime(res.IntakeAt), "facility": res.Facility, "intake_id": res.IntakeID})
	if !res.Accepted {
		action, flash, detail = matter.ActionRefuseIntake, "intake_refused", "refused:"+string(res.Refusal.Reason)
		payload, _ = json.Marshal(map[string]any{"reason": string(res.Refusal.Reason), "detail": res.Refusal.Label + "（" + res.Refusal.Basis + "），由拘留所系统依被拘留人信息核验"})
	}
	if err := s.recordSystemCall(ctx, pr, "connector.intake", m, detail); err != nil {
		return "", nil, err
	}
	if _, _, err := s.matters.Act(ctx, pr, m.ID, action, 0, payload, nil); err != nil {
		return "", nil, err
	}
	return flash, map[string]any{"accepted": res.Accepted}, nil
}
