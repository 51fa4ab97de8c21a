package screening

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
)

// Action is what a result means for the police business (自动惩戒).
type Action string

// Actions. None is the action of a result that is not on the list.
const (
	Block  Action = "block"  // 不予办理: the business system refuses
	Flag   Action = "flag"   // 提示: the clerk is told and decides
	Report Action = "report" // 仅报告: nothing shown; the hit is recorded for the court
	None   Action = "none"   // 正常办理
)

// Label is the action in Chinese.
func (a Action) Label() string {
	switch a {
	case Block:
		return "不予办理"
	case Flag:
		return "提示"
	case Report:
		return "仅报告"
	case None:
		return "正常办理"
	}
	return string(a)
}

func (a Action) valid() bool { return a == Block || a == Flag || a == Report }

// Actions lists the actions a rule may name, for forms.
func Actions() []Action { return []Action{Block, Flag, Report} }

// Rule is what a hit and a review do in one police business.
type Rule struct {
	Business  string    `json:"business"`
	Label     string    `json:"label"`
	OnHit     Action    `json:"on_hit"`
	OnReview  Action    `json:"on_review"`
	Basis     string    `json:"basis"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	UpdatedBy string    `json:"updated_by,omitempty"`
}

// ruleSet is the rules as loaded, by business.
type ruleSet struct {
	list   []Rule
	byCode map[string]Rule
}

// Error codes of this package. Messages are Chinese; codes are stable.
const (
	CodeUnavailable     = "screen.unavailable"     // the index is not built (the service is starting)
	CodeBusiness        = "screen.business"        // unknown or missing business type
	CodeBatchSize       = "screen.batch_size"      // 1–10,000 queries
	CodeQuery           = "screen.query"           // a query is malformed (Field names it: queries[i].field)
	CodeRule            = "screen.rule"            // a rule change is malformed
	CodeHitNotFound     = "screen.hit_not_found"   // no such hit (or not the principal's court's)
	CodeHitReviewed     = "screen.hit_reviewed"    // the hit was already reviewed
	CodeVerdict         = "screen.verdict"         // a review verdict other than confirmed / false_positive
	CodePlace           = "screen.place"           // the place is too long
	CodeRulesNotChanged = "screen.rules_unchanged" // a PUT that changes nothing
)

// LoadRules reads the rules from the database (the follower does so every
// few seconds, so a change on another server arrives here too).
func (s *Service) LoadRules(ctx context.Context) error {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT business, label, on_hit, on_review, basis, updated_at, updated_by FROM screen_rules ORDER BY ord, business`)
	if err != nil {
		return fmt.Errorf("screening: read the rules: %w", err)
	}
	defer rows.Close()
	rs := &ruleSet{byCode: map[string]Rule{}}
	for rows.Next() {
		var (
			r      Rule
			hit    string
			review string
			at     sql.NullTime
		)
		if err := rows.Scan(&r.Business, &r.Label, &hit, &review, &r.Basis, &at, &r.UpdatedBy); err != nil {
			return fmt.Errorf("screening: read the rules: %w", err)
		}
		r.OnHit, r.OnReview = Action(hit), Action(review)
		if at.Valid {
			r.UpdatedAt = db.Time(at.Time)
		}
		rs.list = append(rs.list, r)
		rs.byCode[r.Business] = r
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("screening: read the rules: %w", err)
	}
	s.rules.Store(rs)
	return nil
}

func (s *Service) ruleSet() *ruleSet {
	if rs := s.rules.Load(); rs != nil {
		return rs
	}
	return &ruleSet{byCode: map[string]Rule{}}
}

// Rules returns the rules for a principal who may read them.
func (s *Service) Rules(ctx context.Context, pr access.Principal) ([]Rule, error) {
	if err := s.policy.Check(ctx, pr, access.ActionScreenRulesRead, access.Target{}); err != nil {
		return nil, err
	}
	return slices.Clone(s.ruleSet().list), nil
}

// RuleChange sets what a hit and a review do in one business.
type RuleChange struct {
	Business string `json:"business"`
	OnHit    Action `json:"on_hit"`
	OnReview Action `json:"on_review"`
}

// SetRules changes the rules (the security administrator), in one
// transaction with one audit entry naming every change. Businesses are
// the catalogue's; a change that names an unknown one is refused whole.
func (s *Service) SetRules(ctx context.Context, pr access.Principal, source string, changes []RuleChange) ([]Rule, error) {
	if err := s.policy.Check(ctx, pr, access.ActionScreenRulesManage, access.Target{}); err != nil {
		return nil, err
	}
	if err := s.LoadRules(ctx); err != nil {
		return nil, err
	}
	rs := s.ruleSet()
	if len(changes) == 0 {
		return nil, apperr.Invalidf("rules", CodeRule, "请至少给出一条业务规则")
	}
	var words []string
	seen := map[string]bool{}
	for i, c := range changes {
		field := fmt.Sprintf("rules[%d]", i)
		old, ok := rs.byCode[c.Business]
		switch {
		case !ok:
			return nil, apperr.Invalidf(field+".business", CodeBusiness, "第 %d 条规则：未知的业务类型“%s”，可用：%s", i+1, clipText(c.Business, 40), businessCodes(rs))
		case seen[c.Business]:
			return nil, apperr.Invalidf(field+".business", CodeRule, "第 %d 条规则：业务类型“%s”重复", i+1, old.Label)
		case !c.OnHit.valid():
			return nil, apperr.Invalidf(field+".on_hit", CodeRule, "第 %d 条规则（%s）：比中后的处理应为 block（不予办理）、flag（提示）或 report（仅报告）", i+1, old.Label)
		case !c.OnReview.valid():
			return nil, apperr.Invalidf(field+".on_review", CodeRule, "第 %d 条规则（%s）：疑似比中的处理应为 block（不予办理）、flag（提示）或 report（仅报告）", i+1, old.Label)
		}
		seen[c.Business] = true
		if c.OnHit != old.OnHit || c.OnReview != old.OnReview {
			words = append(words, fmt.Sprintf("%s hit %s->%s review %s->%s", c.Business, old.OnHit, c.OnHit, old.OnReview, c.OnReview))
		}
	}
	if len(words) == 0 {
		return nil, apperr.New(apperr.Invalid, CodeRulesNotChanged, "所给规则与现行规则相同，未作修改")
	}
	now := db.Time(s.cfg.Now())
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, c := range changes {
			if _, err := tx.ExecContext(ctx, `UPDATE screen_rules SET on_hit = $1, on_review = $2, updated_at = $3, updated_by = $4 WHERE business = $5`,
				string(c.OnHit), string(c.OnReview), now, pr.Username, c.Business); err != nil {
				return fmt.Errorf("update screening rule %s: %w", c.Business, err)
			}
		}
		_, err := s.log.Append(ctx, tx, auditEntry(pr, source, "screen.rules.update", "screen_rules", "", strings.Join(words, "; ")))
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := s.LoadRules(ctx); err != nil {
		return nil, err
	}
	return slices.Clone(s.ruleSet().list), nil
}

func businessCodes(rs *ruleSet) string {
	codes := make([]string, len(rs.list))
	for i, r := range rs.list {
		codes[i] = r.Business + "（" + r.Label + "）"
	}
	return strings.Join(codes, "、")
}

// auditEntry starts an audit entry for an act pr does.
func auditEntry(pr access.Principal, source, action, object, caseNumber, detail string) audit.Entry {
	roles := make([]string, len(pr.Roles))
	for i, r := range pr.Roles {
		roles[i] = string(r)
	}
	return audit.Entry{Username: pr.Username, UnitCode: pr.UnitCode, Role: strings.Join(roles, ","), Source: source,
		Action: action, Object: object, CaseNumber: caseNumber, Outcome: audit.OK, Detail: detail}
}

// clipText cuts s to n characters.
func clipText(s string, n int) string {
	i := 0
	for p := range s {
		if i == n {
			return s[:p] + "…"
		}
		i++
	}
	return s
}

// BusinessLabel is the Chinese name of a business type (the code itself
// when unknown); labels are not confidential, so no permission is asked.
func (s *Service) BusinessLabel(code string) string {
	if r, ok := s.ruleSet().byCode[code]; ok {
		return r.Label
	}
	return code
}
