package connector

import (
	"context"
	"fmt"
	"strings"
	"time"

	"liandong/internal/apperr"
)

// intake is an accepted intake and its release.
type intake struct {
	result   IntakeResult
	released time.Time
}

// simFacility is the simulated detention centre.
const simFacility = "周口市拘留所（模拟）"

// Intake implements Detention. The simulator decides from the person's
// facts: age from the birth date at the time of intake, and the simulated
// pregnancy, nursing and illness flags. An unknown person is taken in (the
// centre acts on the court's papers, 拘留所条例 art. 9); only a legal ground
// refuses.
func (s *Simulator) Intake(ctx context.Context, r IntakeRequest) (IntakeResult, error) {
	if err := ctx.Err(); err != nil {
		return IntakeResult{}, err
	}
	p, _, err := s.person(r.IDNumber)
	if err != nil {
		return IntakeResult{}, err
	}
	if r.TermDays < 1 || r.TermDays > MaxTermDays {
		return IntakeResult{}, invalid("term_days", "拘留期限应为 1 至 %d 日，实际为 %d 日", MaxTermDays, r.TermDays)
	}
	if strings.TrimSpace(r.DecisionDigest) == "" {
		return IntakeResult{}, invalid("decision", "收拘须凭拘留决定书（拘留所条例第九条）")
	}
	now := s.now().In(cst).Truncate(time.Second)
	meta := Meta{Source: srcDetention, RecordedAt: now}
	if p != nil {
		if ref := refuse(p, now); ref != nil {
			return IntakeResult{Accepted: false, Facility: simFacility, Refusal: ref, Meta: meta}, nil
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	res := IntakeResult{Accepted: true, IntakeID: fmt.Sprintf("JL%s%05d", now.Format("20060102"), s.seq), Facility: simFacility,
		IntakeAt: now, ReleaseDue: ReleaseDue(now, r.TermDays, cst), Meta: meta}
	s.intakes[res.IntakeID] = &intake{result: res}
	return res, nil
}

// refuse applies the refusal table to a person at time at.
func refuse(p *simPerson, at time.Time) *Refusal {
	age := ageAt(p.BirthDate, at)
	with := func(r RefusalReason, detail string) *Refusal {
		ref, _ := RefusalFor(r)
		ref.Detail = detail
		return &ref
	}
	born := "出生日期 " + p.BirthDate.Format(time.DateOnly)
	switch {
	case age >= 70:
		return with(Aged70OrOver, fmt.Sprintf("%s，收拘时 %d 周岁", born, age))
	case p.Pregnant:
		return with(Pregnant, "经检查处于怀孕期间")
	case !p.InfantBorn.IsZero() && at.Before(p.InfantBorn.AddDate(1, 0, 0)):
		return with(NursingInfant, "婴儿出生日期 "+p.InfantBorn.Format(time.DateOnly))
	case age >= 14 && age < 16:
		return with(MinorUnder16, fmt.Sprintf("%s，收拘时 %d 周岁", born, age))
	case age >= 16 && age < 18:
		return with(Minor16To18, fmt.Sprintf("%s，收拘时 %d 周岁", born, age))
	case p.SeriousIllness:
		return with(SeriousIllness, "入所健康检查发现病情严重")
	}
	return nil
}

// ageAt is the age in whole years on the civil date of at (CST): one turns
// N on the birthday.
func ageAt(birth, at time.Time) int {
	y, m, d := at.In(cst).Date()
	age := y - birth.Year()
	if m < birth.Month() || (m == birth.Month() && d < birth.Day()) {
		age--
	}
	return age
}

// Release implements Detention.
func (s *Simulator) Release(ctx context.Context, intakeID string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.intakes[intakeID]
	if !ok {
		return notFound("该收拘记录")
	}
	if !in.released.IsZero() {
		return &apperr.Error{Kind: apperr.Conflict, Code: CodeConflict, Message: "该被拘留人已于 " + in.released.In(cst).Format("2006-01-02 15:04") + " 解除拘留"}
	}
	if at.Before(in.result.IntakeAt) {
		return invalid("at", "解除拘留时间不能早于收拘时间")
	}
	in.released = at
	return nil
}
