package connector

import (
	"context"
	"time"
)

// Detention is the detention centre (拘留所) and jail (看守所) intake
// system: the court delivers a person with its decision and the centre
// takes them in (收拘) or refuses on a legal ground only (S-ASSIST-2;
// 拘留所条例 arts. 9, 12).
type Detention interface {
	// Intake asks the centre to take the person in. A refusal is not an
	// error: the result says Accepted=false with a structured reason.
	Intake(ctx context.Context, r IntakeRequest) (IntakeResult, error)
	// Release records the person's release (term served, early release by
	// 提前解除拘留决定书, or a decision to stop execution).
	Release(ctx context.Context, intakeID string, at time.Time) error
}

// IntakeRequest is a delivery for detention.
type IntakeRequest struct {
	IDNumber       string
	Name           string
	DecisionDigest string // SM3 of the 拘留决定书 (internal/docs)
	Court          string // deciding court's unit code
	CaseNumber     string
	TermDays       int // 1–15 (民诉法 art. 118)
}

// IntakeResult is the centre's answer.
type IntakeResult struct {
	Accepted bool
	IntakeID string
	Facility string
	IntakeAt time.Time
	// ReleaseDue is the day the term ends: counted by day from the day of
	// intake, intake day to the next day being one day, so a 15-day term
	// taken in on day D ends on D+15 (拘留所条例 art. 32).
	ReleaseDue time.Time
	Refusal    *Refusal // set when Accepted is false
	Meta
}

// RefusalReason is a legal ground for not taking a person in.
type RefusalReason string

const (
	Aged70OrOver   RefusalReason = "aged_70_or_over" // 七十周岁以上
	Pregnant       RefusalReason = "pregnant"        // 怀孕
	NursingInfant  RefusalReason = "nursing_infant"  // 哺乳自己不满一周岁婴儿
	MinorUnder16   RefusalReason = "minor_14_16"     // 已满十四周岁不满十六周岁
	Minor16To18    RefusalReason = "minor_16_18"     // 已满十六周岁不满十八周岁（初次违反治安管理的）
	SeriousIllness RefusalReason = "serious_illness" // 患有精神病、传染病需隔离治疗或病情严重可能危及生命
)

// Refusal is a structured refusal: the ground, its legal basis and whether
// the ground binds the centre.
type Refusal struct {
	Reason RefusalReason
	Label  string // Chinese
	Basis  string // the article, as cited in the decision
	// Binding: the centre must not take the person in (拘留所条例 art. 12
	// with 治安管理处罚法 art. 21). Not binding: the centre suggests that the
	// deciding court stop execution (拘留所条例 art. 19) or the ground
	// applies only where its condition holds (a first offence); the court
	// decides.
	Binding bool
	Detail  string // the facts: "出生日期 1950-03-01，收拘时 75 周岁"
}

// refusalRules is the table of grounds with their sources, in the order
// they are checked. The texts are in /work/shared/law: 拘留所条例 (2012)
// art. 12 makes the centre refuse whoever 治安管理处罚法 (2012 text) art. 21
// exempts; art. 19 lists the illnesses on which the centre asks the court to
// stop execution. (治安管理处罚法 was revised in 2025 with new article
// numbers from 2026-01-01; check the citation against the text in force.)
var refusalRules = []Refusal{
	{Reason: Aged70OrOver, Label: "七十周岁以上", Binding: true,
		Basis: "《拘留所条例》第十二条，《治安管理处罚法》第二十一条第（三）项"},
	{Reason: Pregnant, Label: "怀孕", Binding: true,
		Basis: "《拘留所条例》第十二条，《治安管理处罚法》第二十一条第（四）项"},
	{Reason: NursingInfant, Label: "哺乳自己不满一周岁的婴儿", Binding: true,
		Basis: "《拘留所条例》第十二条，《治安管理处罚法》第二十一条第（四）项"},
	{Reason: MinorUnder16, Label: "已满十四周岁不满十六周岁", Binding: true,
		Basis: "《拘留所条例》第十二条，《治安管理处罚法》第二十一条第（一）项"},
	{Reason: Minor16To18, Label: "已满十六周岁不满十八周岁", Binding: false,
		Basis: "《治安管理处罚法》第二十一条第（二）项（限初次违反治安管理的）"},
	{Reason: SeriousIllness, Label: "患有精神病或传染病需隔离治疗，或病情严重可能危及生命", Binding: false,
		Basis: "《拘留所条例》第十九条（建议拘留决定机关停止执行拘留）"},
}

// RefusalFor returns the table row of a reason.
func RefusalFor(r RefusalReason) (Refusal, bool) {
	for _, x := range refusalRules {
		if x.Reason == r {
			return x, true
		}
	}
	return Refusal{}, false
}

// RefusalRules returns the table, for docs and screens.
func RefusalRules() []Refusal { return append([]Refusal(nil), refusalRules...) }

// MaxTermDays is the longest judicial detention (民诉法 art. 118).
const MaxTermDays = 15

// ReleaseDue returns the last day of a term of days taken in at intake:
// the civil date of intake plus days (拘留所条例 art. 32), in loc.
func ReleaseDue(intake time.Time, days int, loc *time.Location) time.Time {
	y, m, d := intake.In(loc).Date()
	return time.Date(y, m, d+days, 0, 0, 0, 0, loc)
}
