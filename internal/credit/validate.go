package credit

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"liandong/internal/ident"
	"liandong/internal/workday"
)

// NewEntry is a listing decision as a court officer enters it or as one
// line of an import file carries it (the JSON keys are the file's field
// names; docs/credit.md describes each).
type NewEntry struct {
	Kind string `json:"kind"` // person | organisation (自然人 | 单位)
	Name string `json:"name"`

	// Persons.
	Sex       string        `json:"sex"`        // 男/女 or M/F; optional when a resident ID is given
	BirthDate string        `json:"birth_date"` // YYYY-MM-DD; optional when a resident ID is given
	IDNumber  string        `json:"id_number"`  // resident ID (居民身份证, residence permits)
	Documents []NewDocument `json:"documents"`  // other documents: passports, permits

	// Organisations.
	CreditCode string `json:"credit_code"`
	LegalRep   string `json:"legal_rep"`    // legal representative or responsible person
	LegalRepID string `json:"legal_rep_id"` // their identity number, optional

	Ground         FlexInt `json:"ground"` // art. 1 item, 1–6
	Obligation     string  `json:"obligation"`
	Performance    string  `json:"performance"`
	Conduct        string  `json:"conduct"`
	BasisUnit      string  `json:"basis_unit"`
	BasisNumber    string  `json:"basis_number"`
	CaseNumber     string  `json:"case_number"`
	FiledOn        string  `json:"filed_on"`
	Initiation     string  `json:"initiation"` // applicant | ex_officio (default)
	AppliedOn      string  `json:"applied_on"`
	DecisionNumber string  `json:"decision_number"` // default: the case number
	DecidedOn      string  `json:"decided_on"`
	DecisionSM3    string  `json:"decision_sm3"`
	// TermYears: empty for the statutory term (none for ground 1, 2 years
	// otherwise); 3–5 with an ExtensionReason.
	TermYears       FlexInt `json:"term_years"`
	ExtensionReason string  `json:"extension_reason"`
	PublishedAt     string  `json:"published_at"` // default: when recorded
}

// NewDocument is an identity document other than the resident ID.
type NewDocument struct {
	Kind   string `json:"kind"` // passport, hk_mo_permit, tw_permit, foreign_pr_card, resident_id
	Number string `json:"number"`
}

// FlexInt is an integer that a file may write as a number or a string
// ("2", "２"); empty means not given.
type FlexInt struct {
	Set   bool
	Value int
	Raw   string // what was written, for messages
}

// Int returns a set FlexInt.
func Int(v int) FlexInt { return FlexInt{Set: true, Value: v, Raw: strconv.Itoa(v)} }

// UnmarshalJSON accepts a JSON number, a string of digits or null.
func (f *FlexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*f = FlexInt{}
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	*f = parseFlexInt(s)
	return nil
}

// MarshalJSON writes the number, or null when not set.
func (f FlexInt) MarshalJSON() ([]byte, error) {
	if !f.Set {
		return []byte("null"), nil
	}
	return []byte(strconv.Itoa(f.Value)), nil
}

// parseFlexInt reads s; a value that is not an integer keeps Set with
// Value -1 so validation reports it.
func parseFlexInt(s string) FlexInt {
	s = strings.TrimSpace(foldWidth(s))
	if s == "" {
		return FlexInt{}
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return FlexInt{Set: true, Value: -1, Raw: s}
	}
	return FlexInt{Set: true, Value: v, Raw: s}
}

// Problem is one thing wrong with an entry or a line.
type Problem struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// court is the listing court as validation needs it.
type court struct {
	unit string // unit code, fy411602
	name string
	code string // case-number court code, 豫1602
}

// doc is a validated document in ident's normalized form.
type doc struct {
	holder string // debtor | legal_rep
	kind   ident.Kind
	number string
}

// row is a validated entry, ready to seal and insert.
type row struct {
	kind        Kind
	name        string
	sex         string
	birth       string
	region      string
	creditCode  string
	legalRep    string
	docs        []doc
	keyNumber   string // the number debtor_key indexes
	ground      Ground
	obligation  string
	performance string
	conduct     string
	basisUnit   string
	basisNumber string
	caseNumber  string
	filedOn     string
	initiation  Initiation
	appliedOn   string
	decisionNo  string
	decidedOn   string
	decisionSM3 string
	termYears   int
	extReason   ExtensionReason
	expiresAt   *time.Time
	publishedAt time.Time
}

// checker collects the problems of one entry.
type checker struct {
	problems []Problem
}

func (c *checker) add(field, code, format string, args ...any) {
	c.problems = append(c.problems, Problem{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Field limits, in characters.
const (
	maxPersonName = 50
	maxOrgName    = 100
	maxText       = 2000
	maxShortText  = 200
)

var personKinds = map[ident.Kind]bool{
	ident.KindResidentID: true, ident.KindPassport: true, ident.KindHKMOPermit: true,
	ident.KindTWPermit: true, ident.KindForeignPR: true,
}

// validate checks e as a listing decision of c made on or before today
// (any instant of the day), and returns the row or every problem found.
func validate(e NewEntry, c court, now time.Time) (row, []Problem) {
	var ck checker
	today := civil(now)
	r := row{}

	switch strings.TrimSpace(e.Kind) {
	case "person", "自然人", "个人":
		r.kind = Person
	case "organisation", "organization", "单位", "法人", "其他组织", "法人或其他组织":
		r.kind = Organisation
	case "":
		ck.add("kind", CodeInvalid, "请填写被执行人类型：person（自然人）或 organisation（单位）")
	default:
		ck.add("kind", CodeInvalid, "被执行人类型“%s”无效：应为 person（自然人）或 organisation（单位）", clip(e.Kind))
	}
	r.name = checkName(&ck, e.Name, r.kind)

	var birthFromID string
	switch r.kind {
	case Person:
		birthFromID = checkPerson(&ck, e, &r, now)
	case Organisation:
		checkOrganisation(&ck, e, &r, now)
	}

	// art. 1: the ground.
	switch {
	case !e.Ground.Set:
		ck.add("ground", CodeInvalid, "请填写失信情形（第一条第一至六项，填 1 到 6）")
	case !Ground(e.Ground.Value).Valid():
		ck.add("ground", CodeInvalid, "失信情形“%s”无效：应为 1 到 6（第一条各项）", clip(e.Ground.Raw))
	default:
		r.ground = Ground(e.Ground.Value)
	}
	// art. 6 items 3–5: the published facts.
	r.obligation = checkText(&ck, "obligation", "生效法律文书确定的义务", e.Obligation, maxText)
	r.performance = checkText(&ck, "performance", "被执行人的履行情况", e.Performance, maxText)
	r.conduct = checkText(&ck, "conduct", "失信行为的具体情形", e.Conduct, maxText)
	r.basisUnit = checkText(&ck, "basis_unit", "执行依据的制作单位", e.BasisUnit, maxShortText)
	r.basisNumber = checkText(&ck, "basis_number", "执行依据文号", e.BasisNumber, maxShortText)

	cn, caseOK := checkCase(&ck, e.CaseNumber, c, now)
	if caseOK {
		r.caseNumber = cn.String()
	}
	filed, filedOK := checkDate(&ck, "filed_on", "立案时间", e.FiledOn, true, today)
	if filedOK {
		r.filedOn = filed.Format(time.DateOnly)
		if caseOK && filed.Year() != cn.Year {
			ck.add("filed_on", CodeInvalid, "立案时间 %s 与案号的收案年度 %d 不符", r.filedOn, cn.Year)
		}
	}
	decided, decidedOK := checkDate(&ck, "decided_on", "决定书作出日期", e.DecidedOn, true, today)
	if decidedOK {
		r.decidedOn = decided.Format(time.DateOnly)
		if filedOK && decided.Before(filed) {
			ck.add("decided_on", CodeInvalid, "决定书作出日期 %s 早于立案时间 %s", r.decidedOn, r.filedOn)
		}
	}

	// art. 5 para 2: who asked.
	switch strings.TrimSpace(e.Initiation) {
	case "", "ex_officio", "依职权":
		r.initiation = ExOfficio
		if strings.TrimSpace(e.AppliedOn) != "" {
			ck.add("applied_on", CodeInvalid, "依职权纳入的不填申请日期（applied_on）")
		}
	case "applicant", "申请", "申请执行人申请":
		r.initiation = ByApplicant
		if strings.TrimSpace(e.AppliedOn) != "" {
			if d, ok := checkDate(&ck, "applied_on", "申请日期", e.AppliedOn, false, today); ok {
				r.appliedOn = d.Format(time.DateOnly)
				if decidedOK && d.After(decided) {
					ck.add("applied_on", CodeInvalid, "申请日期 %s 晚于决定书作出日期 %s", r.appliedOn, r.decidedOn)
				}
			}
		}
	default:
		ck.add("initiation", CodeInvalid, "纳入方式“%s”无效：应为 applicant（申请执行人申请）或 ex_officio（依职权）", clip(e.Initiation))
	}

	r.decisionNo = strings.Join(strings.Fields(e.DecisionNumber), "")
	if r.decisionNo == "" {
		r.decisionNo = r.caseNumber
	} else if n := utf8.RuneCountInString(r.decisionNo); n > 100 {
		ck.add("decision_number", CodeInvalid, "决定书文号不能超过 100 个字（现为 %d 个）", n)
	}
	validateSM3(&ck, e.DecisionSM3, &r)

	// art. 4: never a minor, judged on the day the decision is made.
	if r.kind == Person && decidedOK && r.birth != "" {
		b, _ := time.Parse(time.DateOnly, r.birth)
		adult := addYears(b, AdultAge)
		if decided.Before(adult) {
			ck.add("birth_date", CodeMinor, "被执行人出生于 %s，决定作出之日（%s）未满十八周岁：不得将未成年人纳入失信被执行人名单（第四条）", r.birth, r.decidedOn)
		}
	}
	if r.kind == Person && birthFromID == "" && r.birth == "" {
		ck.add("birth_date", CodeInvalid, "没有居民身份证号码时须填写出生日期，以核对是否未成年（第四条）")
	}

	// art. 2: the term.
	if r.ground.Valid() {
		checkTerm(&ck, e, &r)
		if decidedOK && r.termYears > 0 {
			// The term starts the day after the decision and ends on the
			// same date termYears later (民事诉讼法 art. 85); the entry
			// leaves the list at 00:00 of the next day.
			last := addYears(decided, r.termYears)
			exp := time.Date(last.Year(), last.Month(), last.Day()+1, 0, 0, 0, 0, workday.Location())
			r.expiresAt = &exp
			if !now.Before(exp) {
				ck.add("term_years", CodeTerm, "纳入期限已于 %s 届满，不能再纳入名单（第二条、第十条第二款）", last.Format(time.DateOnly))
			}
		}
	}

	r.publishedAt = now
	if s := strings.TrimSpace(e.PublishedAt); s != "" {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			r.publishedAt = t
		} else if d, ok := parseDate(s); ok {
			r.publishedAt = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, workday.Location())
		} else {
			ck.add("published_at", CodeInvalid, "公布时间“%s”无效：应为 YYYY-MM-DD 或 RFC 3339（如 2021-06-02T10:00:00+08:00）", clip(s))
		}
		if decidedOK && civil(r.publishedAt).Before(decided) {
			ck.add("published_at", CodeInvalid, "公布时间早于决定书作出日期 %s", r.decidedOn)
		}
		if r.publishedAt.After(now) {
			ck.add("published_at", CodeInvalid, "公布时间晚于现在")
		}
	}
	return r, ck.problems
}

// checkPerson validates the person fields and documents and returns the
// birth date the resident ID carries ("" without one).
func checkPerson(ck *checker, e NewEntry, r *row, now time.Time) string {
	if strings.TrimSpace(e.CreditCode) != "" || strings.TrimSpace(e.LegalRep) != "" || strings.TrimSpace(e.LegalRepID) != "" {
		ck.add("credit_code", CodeInvalid, "自然人不填统一社会信用代码和法定代表人")
	}
	var idBirth, idSex string
	if s := strings.TrimSpace(e.IDNumber); s != "" {
		id, err := ident.ParseResidentIDAt(s, now)
		if err != nil {
			ck.add("id_number", CodeInvalid, "%s", err.Error())
		} else {
			r.docs = append(r.docs, doc{holder: "debtor", kind: ident.KindResidentID, number: id.Number})
			idBirth, idSex, r.region = id.BirthDate.Format(time.DateOnly), string(id.Sex), id.Region
			r.keyNumber = id.Number
		}
	}
	for i, d := range e.Documents {
		field := fmt.Sprintf("documents[%d]", i)
		k := ident.Kind(strings.TrimSpace(d.Kind))
		if !personKinds[k] {
			ck.add(field, CodeInvalid, "证件类型“%s”无效：应为 resident_id、passport、hk_mo_permit、tw_permit 或 foreign_pr_card", clip(d.Kind))
			continue
		}
		res, err := ident.CheckAt(k, d.Number, now)
		if err != nil {
			ck.add(field, CodeInvalid, "%s", err.Error())
			continue
		}
		dup := false
		for _, have := range r.docs {
			dup = dup || (have.kind == k && have.number == res.Normalized)
		}
		if dup {
			continue
		}
		r.docs = append(r.docs, doc{holder: "debtor", kind: k, number: res.Normalized})
		if r.keyNumber == "" {
			r.keyNumber = res.Normalized
		}
		if k == ident.KindResidentID && idBirth == "" {
			id, _ := ident.ParseResidentIDAt(d.Number, now)
			idBirth, idSex, r.region = id.BirthDate.Format(time.DateOnly), string(id.Sex), id.Region
		}
	}
	if len(r.docs) == 0 && strings.TrimSpace(e.IDNumber) == "" && len(e.Documents) == 0 {
		ck.add("id_number", CodeInvalid, "请填写身份证号码（第六条第二项）；没有身份证的，在 documents 中填写护照或通行证号码")
	}

	sex := ""
	switch strings.ToUpper(strings.TrimSpace(e.Sex)) {
	case "":
	case "M", "男", "MALE":
		sex = string(ident.SexMale)
	case "F", "女", "FEMALE":
		sex = string(ident.SexFemale)
	default:
		ck.add("sex", CodeInvalid, "性别“%s”无效：应为男或女", clip(e.Sex))
	}
	switch {
	case sex != "" && idSex != "" && sex != idSex:
		ck.add("sex", CodeInvalid, "性别“%s”与身份证号码显示的性别（%s）不符", clip(e.Sex), ident.Sex(idSex).Label())
	case idSex != "":
		r.sex = idSex
	default:
		r.sex = sex
	}
	if s := strings.TrimSpace(e.BirthDate); s != "" {
		d, ok := checkDate(ck, "birth_date", "出生日期", s, false, civil(now))
		if ok {
			b := d.Format(time.DateOnly)
			if idBirth != "" && b != idBirth {
				ck.add("birth_date", CodeInvalid, "出生日期 %s 与身份证号码显示的出生日期 %s 不符", b, idBirth)
			}
			r.birth = b
		}
	}
	if idBirth != "" {
		r.birth = idBirth
	}
	return idBirth
}

func checkOrganisation(ck *checker, e NewEntry, r *row, now time.Time) {
	if strings.TrimSpace(e.IDNumber) != "" || len(e.Documents) > 0 || strings.TrimSpace(e.Sex) != "" || strings.TrimSpace(e.BirthDate) != "" {
		ck.add("id_number", CodeInvalid, "单位不填身份证号码、证件、性别和出生日期；法定代表人的身份证号码填在 legal_rep_id")
	}
	if s := strings.TrimSpace(e.CreditCode); s == "" {
		ck.add("credit_code", CodeInvalid, "请填写统一社会信用代码（第六条第一项）")
	} else if cc, err := ident.ParseCreditCode(s); err != nil {
		ck.add("credit_code", CodeInvalid, "%s", err.Error())
	} else {
		r.creditCode, r.region, r.keyNumber = cc.Code, cc.Region, cc.Code
	}
	rep := strings.Join(strings.Fields(e.LegalRep), " ")
	switch n := utf8.RuneCountInString(rep); {
	case n == 0:
		ck.add("legal_rep", CodeInvalid, "请填写法定代表人或者负责人姓名（第六条第一项）")
	case n > maxPersonName:
		ck.add("legal_rep", CodeInvalid, "法定代表人姓名不能超过 %d 个字（现为 %d 个）", maxPersonName, n)
	default:
		r.legalRep = normalizeDots(rep)
	}
	if s := strings.TrimSpace(e.LegalRepID); s != "" {
		res, err := ident.DetectAt(s, now)
		switch {
		case err != nil:
			ck.add("legal_rep_id", CodeInvalid, "法定代表人证件号码无效：%s", err.Error())
		case !personKinds[res.Kind]:
			ck.add("legal_rep_id", CodeInvalid, "法定代表人证件号码应为身份证、护照或通行证号码，而不是%s", res.Kind.Label())
		default:
			r.docs = append(r.docs, doc{holder: "legal_rep", kind: res.Kind, number: res.Normalized})
		}
	}
}

// checkTerm applies art. 2 para 1 to the term asked for.
func checkTerm(ck *checker, e NewEntry, r *row) {
	reason := ExtensionReason(strings.TrimSpace(e.ExtensionReason))
	if !r.ground.HasTerm() {
		if e.TermYears.Set && e.TermYears.Value != 0 {
			ck.add("term_years", CodeTerm, "第一条第一项（有履行能力而拒不履行）的不设纳入期限（第二条第一款），不填 term_years；履行后依第十条删除")
		}
		if reason != "" {
			ck.add("extension_reason", CodeTerm, "第一条第一项的不设纳入期限，不能延长（第二条第一款）")
		}
		return
	}
	years := TermYears
	if e.TermYears.Set {
		years = e.TermYears.Value
	}
	switch {
	case years == TermYears:
		if reason != "" {
			ck.add("extension_reason", CodeTerm, "纳入期限为二年时不填延长理由")
		}
	case years > TermYears && years <= TermYears+MaxExtensionYears:
		if !reason.Valid() {
			ck.add("extension_reason", CodeTerm, "纳入期限超过二年须写明延长理由：violence_serious（以暴力、威胁方法妨碍、抗拒执行情节严重）或 multiple_conduct（具有多项失信行为）（第二条第一款）")
		}
	default:
		ck.add("term_years", CodeTerm, "纳入期限“%s”无效：为二年，可延长一至三年，即 2 到 5 年（第二条第一款）", clip(e.TermYears.Raw))
	}
	r.termYears, r.extReason = years, reason
}

func checkName(ck *checker, s string, k Kind) string {
	s = normalizeDots(strings.Join(strings.Fields(foldWidthLetters(s)), " "))
	n := utf8.RuneCountInString(s)
	limit := maxOrgName
	if k == Person {
		limit = maxPersonName
	}
	switch {
	case n == 0:
		ck.add("name", CodeInvalid, "请填写被执行人姓名或名称（第六条）")
		return ""
	case n > limit:
		ck.add("name", CodeInvalid, "姓名或名称不能超过 %d 个字（现为 %d 个）", limit, n)
		return ""
	}
	for _, c := range s {
		switch {
		case unicode.IsControl(c):
			ck.add("name", CodeInvalid, "姓名或名称含有控制字符")
			return ""
		case k == Person && unicode.IsDigit(c):
			ck.add("name", CodeInvalid, "姓名“%s”含有数字", s)
			return ""
		}
	}
	return s
}

func checkText(ck *checker, field, label, s string, limit int) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		ck.add(field, CodeInvalid, "请填写%s（第六条）", label)
	case n > limit:
		ck.add(field, CodeInvalid, "%s不能超过 %d 个字（现为 %d 个）", label, limit, n)
	case strings.ContainsRune(s, 0) || !utf8.ValidString(s):
		ck.add(field, CodeInvalid, "%s含有无效字符", label)
	default:
		return s
	}
	return ""
}

// checkCase validates an enforcement case number of court c.
func checkCase(ck *checker, s string, c court, now time.Time) (ident.CaseNumber, bool) {
	if strings.TrimSpace(s) == "" {
		ck.add("case_number", CodeInvalid, "请填写执行案号（第六条第五项）")
		return ident.CaseNumber{}, false
	}
	cn, err := ident.ParseCaseNumberAt(s, now)
	if err != nil {
		ck.add("case_number", CodeInvalid, "%s", err.Error())
		return cn, false
	}
	if !cn.IsEnforcement() {
		ck.add("case_number", CodeInvalid, "案号 %s 不是执行案件（类型“%s”）：失信名单须依执行案件作出", cn.String(), cn.Type)
		return cn, false
	}
	if !sameCourt(cn.CourtCode, c.code) {
		ck.add("case_number", CodeCourt, "案号 %s 的法院代字“%s”与纳入法院%s（%s）不符", cn.String(), cn.CourtCode, c.name, c.code)
		return cn, false
	}
	return cn, true
}

// sameCourt compares case-number court codes, treating codes ident names
// as one court alike (淮阳: 豫1603 and the retired 豫1626).
func sameCourt(a, b string) bool {
	if a == b {
		return true
	}
	na, oka := ident.CaseNumber{CourtCode: a}.CourtName()
	nb, okb := ident.CaseNumber{CourtCode: b}.CourtName()
	return oka && okb && na == nb
}

// checkDate reads a civil date; required says whether empty is a problem.
// Dates after today are refused.
func checkDate(ck *checker, field, label, s string, required bool, today time.Time) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			ck.add(field, CodeInvalid, "请填写%s（YYYY-MM-DD）", label)
		}
		return time.Time{}, false
	}
	d, ok := parseDate(s)
	switch {
	case !ok:
		ck.add(field, CodeInvalid, "%s“%s”不是有效日期（应为 YYYY-MM-DD）", label, clip(s))
	case d.Year() < 1900:
		ck.add(field, CodeInvalid, "%s“%s”早于 1900 年", label, clip(s))
	case d.After(today):
		ck.add(field, CodeInvalid, "%s %s 晚于今天", label, d.Format(time.DateOnly))
	default:
		return d, true
	}
	return time.Time{}, false
}

// parseDate reads YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日,
// full-width digits allowed, as a civil date at 00:00 UTC.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, ok := parseISODate(s); ok {
		return t, true
	}
	s = dateSeparators.Replace(foldWidth(s))
	parts := strings.Split(s, "-")
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) < 1 || len(parts[1]) > 2 || len(parts[2]) < 1 || len(parts[2]) > 2 {
		return time.Time{}, false
	}
	var v [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return time.Time{}, false
		}
		v[i] = n
	}
	t := time.Date(v[0], time.Month(v[1]), v[2], 0, 0, 0, 0, time.UTC)
	if t.Year() != v[0] || int(t.Month()) != v[1] || t.Day() != v[2] {
		return time.Time{}, false
	}
	return t, true
}

var dateSeparators = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-")

// parseISODate is the fast path of parseDate: exactly YYYY-MM-DD.
func parseISODate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	n := 0
	var v [3]int
	for i := 0; i < 10; i++ {
		if i == 4 || i == 7 {
			n++
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		v[n] = v[n]*10 + int(c-'0')
	}
	t := time.Date(v[0], time.Month(v[1]), v[2], 0, 0, 0, 0, time.UTC)
	if t.Year() != v[0] || int(t.Month()) != v[1] || t.Day() != v[2] {
		return time.Time{}, false
	}
	return t, true
}

// civil is the date of t in China as a civil date at 00:00 UTC.
func civil(t time.Time) time.Time {
	y, m, d := t.In(workday.Location()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// addYears adds whole years to a civil date; 29 February becomes 28
// February in a common year (the period ends on the month's last day).
func addYears(d time.Time, years int) time.Time {
	y, m, day := d.Date()
	t := time.Date(y+years, m, day, 0, 0, 0, 0, time.UTC)
	if t.Month() != m {
		t = time.Date(y+years, m+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return t
}

// addMonths adds whole months to an instant's civil date in China, keeping
// the time of day; the 31st becomes the month's last day when needed.
func addMonths(t time.Time, months int) time.Time {
	t = t.In(workday.Location())
	y, m, d := t.Date()
	out := time.Date(y, m+time.Month(months), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	if out.Day() != d {
		out = time.Date(y, m+time.Month(months)+1, 0, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	}
	return out
}

// foldWidth turns full-width ASCII into ASCII.
func foldWidth(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.Map(func(r rune) rune {
				if r >= 0xFF01 && r <= 0xFF5E {
					return r - 0xFEE0
				}
				if r == 0x3000 {
					return ' '
				}
				return r
			}, s)
		}
	}
	return s
}

// foldWidthLetters folds full-width Latin letters and spaces in names
// (digits are refused in person names anyway).
func foldWidthLetters(s string) string { return foldWidth(s) }

// normalizeDots writes the middle dot of minority and foreign names as
// U+00B7 whatever dot was typed (• ‧ ・ ･ ● and the full stop some
// keyboards give).
func normalizeDots(s string) string {
	if !strings.ContainsAny(s, "•‧・･●．") {
		return s
	}
	return strings.NewReplacer("•", "·", "‧", "·", "・", "·", "･", "·", "●", "·", "．", "·").Replace(s)
}

// clip shortens a value quoted back in a message.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// validateSM3 checks the digest of the signed decision document.
func validateSM3(ck *checker, s string, r *row) {
	if s = strings.ToLower(strings.TrimSpace(s)); s == "" {
		return
	}
	if b, err := hex.DecodeString(s); err != nil || len(b) != 32 {
		ck.add("decision_sm3", CodeInvalid, "决定书 SM3 摘要应为 64 位十六进制数字")
		return
	}
	r.decisionSM3 = s
}
