package credit

import "fmt"

// The numbers of the 2017 rules (最高人民法院关于公布失信被执行人名单信息的
// 若干规定, 法释〔2017〕7号, in force 2017-05-01), one row each with its
// article, so that a change of law is a change of one line. docs/credit.md
// quotes the articles.
const (
	// Art. 2 para 1: grounds 2–6 are listed for two years; ground 1 (ability
	// to perform and refusal) has no term and lasts until a ground of art. 10
	// para 1 removes it.
	TermYears = 2
	// Art. 2 para 1: the term may be extended by one to three years for
	// serious violence or threats, or several dishonest acts.
	MinExtensionYears = 1
	MaxExtensionYears = 3
	// Art. 4: no minors. Adulthood at 18 (民法典 art. 17).
	AdultAge = 18
	// Art. 9, 10 para 1 and 2, 12: removal, revocation and correction within
	// three working days.
	RemovalWorkdays    = 3
	CorrectionWorkdays = 3
	// Art. 12: a written correction application is reviewed within fifteen
	// days of receipt (calendar days, counted as 民事诉讼法 art. 85 counts).
	CorrectionReviewDays = 15
	// Art. 12: the applicant may ask the court one level up to reconsider a
	// rejection within ten days of service.
	ReconsiderationDays = 10
	// Art. 10 para 4: after removal at the applicant's written request
	// (para 1 item 3), the applicant's request to list the same debtor again
	// within six months is not supported.
	RelistBarMonths = 6
)

// Ground is the item of art. 1 a debtor is listed under.
type Ground int

// groundLabels are the six items of art. 1 (2017). The order changed from
// the 2013 rules, where "ability and refusal" was item 6.
var groundLabels = [...]string{
	1: "有履行能力而拒不履行生效法律文书确定义务",
	2: "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
	3: "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行",
	4: "违反财产报告制度",
	5: "违反限制消费令",
	6: "无正当理由拒不履行执行和解协议",
}

// Valid reports whether g is one of the six grounds.
func (g Ground) Valid() bool { return g >= 1 && g <= 6 }

// Label is the ground's text in art. 1.
func (g Ground) Label() string {
	if !g.Valid() {
		return fmt.Sprintf("第%d项", int(g))
	}
	return groundLabels[g]
}

// HasTerm reports whether entries on this ground have a listing term
// (art. 2 para 1: items 2–6 do, item 1 does not).
func (g Ground) HasTerm() bool { return g >= 2 && g <= 6 }

// Initiation says who asked for the listing (art. 5 para 2).
type Initiation string

const (
	ByApplicant Initiation = "applicant"  // 申请执行人申请
	ExOfficio   Initiation = "ex_officio" // 人民法院依职权
)

// Label is the initiation in Chinese.
func (i Initiation) Label() string {
	switch i {
	case ByApplicant:
		return "申请执行人申请"
	case ExOfficio:
		return "依职权"
	}
	return string(i)
}

// ExtensionReason is why a term is extended beyond two years (art. 2).
type ExtensionReason string

const (
	ExtendViolence ExtensionReason = "violence_serious" // 以暴力、威胁方法妨碍、抗拒执行情节严重
	ExtendMultiple ExtensionReason = "multiple_conduct" // 具有多项失信行为
)

// Label is the reason in the words of art. 2.
func (r ExtensionReason) Label() string {
	switch r {
	case ExtendViolence:
		return "以暴力、威胁方法妨碍、抗拒执行情节严重"
	case ExtendMultiple:
		return "具有多项失信行为"
	}
	return string(r)
}

// Valid reports whether r is one of the two reasons.
func (r ExtensionReason) Valid() bool { return r == ExtendViolence || r == ExtendMultiple }

// RemovalReason is why an entry leaves the list.
type RemovalReason string

// Art. 10 para 1 items 1–7 (only for entries without a term, para 2), the
// discretionary early removal of art. 2 para 2, expiry of the term (art. 10
// para 2), revocation of a wrong listing (art. 9 para 1, art. 11 item 1) and
// removal because the dishonest conduct has ceased (art. 11 item 3).
const (
	RemovePerformed   RemovalReason = "performed"            // 10(1)(1)
	RemoveSettlement  RemovalReason = "settlement_performed" // 10(1)(2)
	RemoveApplicant   RemovalReason = "applicant_request"    // 10(1)(3)
	RemoveNoProperty  RemovalReason = "no_property"          // 10(1)(4)
	RemoveSuspended   RemovalReason = "suspended"            // 10(1)(5)
	RemoveNotEnforced RemovalReason = "not_enforced"         // 10(1)(6)
	RemoveTerminated  RemovalReason = "terminated"           // 10(1)(7)
	RemoveEarly       RemovalReason = "early"                // 2(2)
	RemoveExpired     RemovalReason = "expired"              // 10(2)
	RemoveRevoked     RemovalReason = "revoked"              // 9(1), 11(1)
	RemoveCeased      RemovalReason = "ceased"               // 11(3)
)

type removalInfo struct {
	label   string
	article string
	// art10 marks the items of art. 10 para 1: a duty with a three-working-
	// day clock, and only for entries without a term (art. 10 para 2).
	art10 bool
}

var removalTable = map[RemovalReason]removalInfo{
	RemovePerformed:   {"被执行人已履行生效法律文书确定的全部义务", "第十条第一款第一项", true},
	RemoveSettlement:  {"当事人达成执行和解协议且已履行完毕", "第十条第一款第二项", true},
	RemoveApplicant:   {"申请执行人书面申请删除失信信息，人民法院审查同意", "第十条第一款第三项", true},
	RemoveNoProperty:  {"终结本次执行程序后两次以上网络查控未发现可供执行财产，且无有效财产线索", "第十条第一款第四项", true},
	RemoveSuspended:   {"因审判监督或破产程序裁定中止执行", "第十条第一款第五项", true},
	RemoveNotEnforced: {"人民法院依法裁定不予执行", "第十条第一款第六项", true},
	RemoveTerminated:  {"人民法院依法裁定终结执行", "第十条第一款第七项", true},
	RemoveEarly:       {"积极履行义务或主动纠正失信行为，决定提前删除", "第二条第二款", false},
	RemoveExpired:     {"纳入期限届满", "第十条第二款", false},
	RemoveRevoked:     {"不应纳入失信被执行人名单，撤销失信信息", "第九条第一款、第十一条第一项", false},
	RemoveCeased:      {"失信情形已消除", "第十一条第三项", false},
}

// Label is the reason in Chinese.
func (r RemovalReason) Label() string {
	if i, ok := removalTable[r]; ok {
		return i.label
	}
	return string(r)
}

// Article is the article of the 2017 rules the reason rests on.
func (r RemovalReason) Article() string { return removalTable[r].article }

// Valid reports whether r is a known reason.
func (r RemovalReason) Valid() bool { _, ok := removalTable[r]; return ok }

// IsArt10 reports whether r is an item of art. 10 para 1.
func (r RemovalReason) IsArt10() bool { return removalTable[r].art10 }

// CorrectionGround is what a correction application (纠正申请) claims,
// art. 11 items 1–3.
type CorrectionGround string

const (
	CorrectWrongListing CorrectionGround = "wrongly_listed" // 不应将其纳入失信被执行人名单
	CorrectInaccurate   CorrectionGround = "inaccurate"     // 记载和公布的失信信息不准确
	CorrectCeased       CorrectionGround = "ceased"         // 失信情形已消除
)

// Label is the ground in the words of art. 11.
func (g CorrectionGround) Label() string {
	switch g {
	case CorrectWrongListing:
		return "不应将其纳入失信被执行人名单"
	case CorrectInaccurate:
		return "记载和公布的失信信息不准确"
	case CorrectCeased:
		return "失信情形已消除"
	}
	return string(g)
}

// Valid reports whether g is one of the three grounds.
func (g CorrectionGround) Valid() bool {
	return g == CorrectWrongListing || g == CorrectInaccurate || g == CorrectCeased
}
