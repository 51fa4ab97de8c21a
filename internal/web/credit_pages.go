package web

// The dishonest-debtor list pages for court users (失信被执行人名单):
// search (/credit), an entry with its history, duties and acts
// (/credit/{id}), the correction applications (/credit/corrections). The
// import pages are credit_pages_import.go; the JSON API credit_api.go.
//
// Scope. The list itself is public (art. 7) and credit.read is granted to
// every court user, but these pages are the court's working records (who
// did what, the duties and their clocks): a user sees the entries of the
// courts whose entries they may manage (credit.manage: officers and
// leaders, their own court) or supervise (credit.supervise: leaders and
// presidents, their court and the courts under it). Anything else is
// refused with access.denied, and the refusal is audited.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/credit"
	"liandong/internal/ident"
	"liandong/internal/workday"
)

// creditPageSize is how many entries a search page shows (UI.md: 20–50).
const creditPageSize = 30

// creditOn refuses when the server runs without the list.
func (s *Server) creditOn() error {
	if s.credit == nil {
		return apperr.New(apperr.Unavailable, "credit.unavailable", "本节点未启用失信被执行人名单")
	}
	return nil
}

// creditScope is what of the list a user may see and do.
type creditScope struct {
	Courts []string          // unit codes of the courts whose entries the user sees
	Names  map[string]string // unit code → name, for every unit
	manage map[string]bool   // courts whose entries the user may change
}

// creditScope works out the courts pr reaches (see the file comment).
func (s *Server) creditScope(ctx context.Context, pr access.Principal) (creditScope, error) {
	units, err := s.dir.Units(ctx)
	if err != nil {
		return creditScope{}, err
	}
	sc := creditScope{Names: unitLabels(units), manage: map[string]bool{}}
	policy := s.acc.Policy()
	var managed access.MatterScope
	if roleGranted(pr, access.ActionCreditManage) {
		if managed, err = policy.MatterScope(ctx, pr, access.ActionCreditManage); err != nil && apperr.KindOf(err) != apperr.Forbidden {
			return creditScope{}, err
		}
	}
	supervise := roleGranted(pr, access.ActionCreditSupervise)
	for _, u := range units {
		if u.Side != "court" || u.CourtCode == "" || !u.Active {
			continue
		}
		m := managed.Contains(u.Code, "")
		if m {
			sc.manage[u.Code] = true
		}
		if m || supervise && policy.Can(ctx, pr, access.ActionCreditSupervise, access.Target{RequestingUnit: u.Code}) {
			sc.Courts = append(sc.Courts, u.Code)
		}
	}
	return sc, nil
}

// sees reports whether court is in the scope.
func (sc creditScope) sees(court string) bool {
	for _, c := range sc.Courts {
		if c == court {
			return true
		}
	}
	return false
}

// creditEntry reads an entry the user may see; out of scope is an audited
// access.denied.
func (s *Server) creditEntry(ctx context.Context, pr access.Principal, id int64) (credit.Entry, creditScope, error) {
	if err := s.creditOn(); err != nil {
		return credit.Entry{}, creditScope{}, err
	}
	sc, err := s.creditScope(ctx, pr)
	if err != nil {
		return credit.Entry{}, sc, err
	}
	e, err := s.credit.Get(ctx, pr, id)
	if err != nil {
		return e, sc, err
	}
	if !sc.sees(e.CourtUnit) {
		return credit.Entry{}, sc, s.creditDenied(ctx, pr, e.CourtUnit, e.CaseNumber)
	}
	return e, sc, nil
}

// creditDenied refuses an act on another court's entry and audits the
// refusal (the policy's own denial of credit.manage for that court).
func (s *Server) creditDenied(ctx context.Context, pr access.Principal, court, caseNumber string) error {
	if err := s.acc.Authorize(ctx, pr, access.ActionCreditManage, access.Target{RequestingUnit: court, CaseNumber: caseNumber}); err != nil {
		return err
	}
	info, _ := access.ActionCreditRead.Info()
	return apperr.New(apperr.Forbidden, access.CodeDenied, fmt.Sprintf("您没有%s中其他法院条目的权限", info.Label))
}

// creditManaged checks before an act that the user may change the entry
// (the store checks again); a refusal is audited.
func (s *Server) creditManaged(ctx context.Context, pr access.Principal, id int64) (credit.Entry, error) {
	e, _, err := s.creditEntry(ctx, pr, id)
	if err != nil {
		return e, err
	}
	if err := s.acc.Authorize(ctx, pr, access.ActionCreditManage, access.Target{RequestingUnit: e.CourtUnit, CaseNumber: e.CaseNumber}); err != nil {
		return e, err
	}
	return e, nil
}

func creditID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		if name == "duty" {
			return 0, apperr.New(apperr.NotFound, credit.CodeDutyNotFound, "没有该待办事项")
		}
		return 0, apperr.New(apperr.NotFound, credit.CodeNotFound, "失信名单中没有该条目")
	}
	return id, nil
}

// ---- words shown on the pages ----

func creditStateWords(e credit.Entry, now time.Time) (class, word string) {
	switch {
	case e.State == credit.Removed:
		return "state-waiting", "已删除"
	case e.ExpiresAt != nil && !now.Before(*e.ExpiresAt):
		return "state-waiting", "期限已届满"
	}
	return "state-active", "在列"
}

// groundNumeral writes a ground's item number as the statute does.
func groundNumeral(g credit.Ground) string {
	if g.Valid() {
		return string([]rune("一二三四五六")[g-1])
	}
	return strconv.Itoa(int(g))
}

func sexWord(s string) string {
	switch s {
	case "M":
		return "男"
	case "F":
		return "女"
	}
	return ""
}

// termText says the listing term: 不设纳入期限, or 2 年（至 2027-03-02 届满）.
func termText(e credit.Entry) string {
	if e.TermYears == 0 {
		return "不设纳入期限（第一条第一项）"
	}
	s := fmt.Sprintf("%d 年", e.TermYears)
	if e.ExpiresAt != nil {
		s += "，至 " + e.ExpiresAt.Add(-time.Second).In(shanghai).Format(time.DateOnly) + " 届满"
	}
	if e.ExtensionReason != "" {
		s += "（延长理由：" + e.ExtensionReason.Label() + "）"
	}
	return s
}

var eventLabels = map[string]string{
	"listed": "纳入名单", "extended": "延长纳入期限", "removal_requested": "记录删除事由", "removed": "删除失信信息",
	"correction_requested": "收到纠正申请", "correction_reviewed": "审查纠正申请", "updated": "更正失信信息", "repaired": "信用修复",
}

var outcomeLabels = map[string]string{
	"removed": "已删除", "accepted": "申请成立", "rejected": "已驳回", "corrected": "已纠正", "expired": "期限届满自动删除",
}

func actorWords(username string) string {
	if username == "system" {
		return "（系统自动办理）"
	}
	return username
}

// articleWords keeps the statute's articles and drops the engineers'
// clause ids (S-CREDIT-2), which users do not read.
func articleWords(a string) string {
	if strings.HasPrefix(a, "S-") {
		return ""
	}
	return a
}

// ---- views ----

type creditRow struct {
	credit.Entry
	Class, Word string
	Masked      string // the debtor's first document, masked; credit code for organisations
	CourtLabel  string
	OpenDuties  int
	GroundShort string
}

func creditRowOf(e credit.Entry, names map[string]string, now time.Time) creditRow {
	row := creditRow{Entry: e, CourtLabel: names[e.CourtUnit], GroundShort: "第" + groundNumeral(e.Ground) + "项"}
	if row.CourtLabel == "" {
		row.CourtLabel = e.CourtName
	}
	row.Class, row.Word = creditStateWords(e, now)
	if e.Kind == credit.Organisation {
		row.Masked = e.CreditCode
	}
	for _, d := range e.Documents {
		if d.Holder == "debtor" {
			row.Masked = d.Masked
			break
		}
	}
	return row
}

type dutyView struct {
	credit.Duty
	KindLabel, ReasonWords string
	Class, Word, TimeLeft  string
	OutcomeLabel           string
	CourtLabel             string
	// The forms of an open duty the user may act on (_credit_duty.html).
	Act   bool
	CSRF  string
	Back  string // "corrections" when the form is on the correction page
	Form  creditForm
	Patch []patchField // an accepted "inaccurate" correction: the fields to correct
}

// patchField is one correctable fact, with its current value.
type patchField struct {
	Name, Label, Value string
	Long               bool
}

// withForms readies an open duty's forms for a user who may act on it.
func (v dutyView) withForms(e credit.Entry, csrf, back string, f creditForm) dutyView {
	if v.ClosedAt != nil {
		return v
	}
	v.Act, v.CSRF, v.Back, v.Form = true, csrf, back, f
	if v.Kind == credit.DutyCorrection && credit.CorrectionGround(v.Reason) == credit.CorrectInaccurate {
		v.Patch = []patchField{{"name", "姓名或名称", e.Name, false}}
		if e.Kind == credit.Organisation {
			v.Patch = append(v.Patch, patchField{"legal_rep", "法定代表人或负责人", e.LegalRep, false})
		}
		v.Patch = append(v.Patch,
			patchField{"obligation", "生效法律文书确定的义务", e.Obligation, true},
			patchField{"performance", "被执行人的履行情况", e.Performance, true},
			patchField{"conduct", "失信行为的具体情形", e.Conduct, true},
			patchField{"basis_unit", "执行依据的制作单位", e.BasisUnit, false},
			patchField{"basis_number", "执行依据文号", e.BasisNumber, false})
		if f.Values != nil {
			for i := range v.Patch {
				if val, ok := f.Values[v.Patch[i].Name]; ok && len(val) > 0 {
					v.Patch[i].Value = val[0]
				}
			}
		}
	}
	return v
}

func dutyViewOf(d credit.Duty, names map[string]string, now time.Time) dutyView {
	v := dutyView{Duty: d, KindLabel: d.Kind.Label(), ReasonWords: d.ReasonLabel(), CourtLabel: names[d.Court]}
	switch {
	case d.ClosedAt != nil:
		v.Class, v.Word = "state-waiting", "已办结"
		v.OutcomeLabel = outcomeLabels[d.Outcome]
	case d.Overdue(now):
		v.Class, v.Word = "state-overdue", "已超期"
	case d.Due.Sub(now) < 24*time.Hour:
		v.Class, v.Word = "state-soon", "即将到期"
	default:
		v.Class, v.Word = "state-ok", "按期"
	}
	if d.ClosedAt == nil {
		v.TimeLeft = workday.TimeLeftWords(d.Due, now)
	}
	return v
}

// clockRule says each duty's time limit in words.
func (v dutyView) ClockRule() string {
	switch v.Kind {
	case credit.DutyRemoval:
		return fmt.Sprintf("%d 个工作日内删除（%s）", credit.RemovalWorkdays, v.Kind.Article())
	case credit.DutyCorrectionReview:
		return fmt.Sprintf("收到申请之日起 %d 日内审查（%s）", credit.CorrectionReviewDays, v.Kind.Article())
	case credit.DutyCorrection:
		return fmt.Sprintf("%d 个工作日内纠正（%s）", credit.CorrectionWorkdays, v.Kind.Article())
	}
	return ""
}

type option struct{ Value, Label string }

type eventRow struct {
	credit.Event
	Label, Actor, Article string
}

// creditForm is one act's form on the entry page: its values and error
// after a failed submit.
type creditForm struct {
	Error  *apperr.Error
	Values url.Values
}

func (f creditForm) V(name string) string {
	if f.Values == nil {
		return ""
	}
	return f.Values.Get(name)
}

// FieldError is the message for a field of this form.
func (f creditForm) FieldError(name string) string {
	if f.Error != nil && f.Error.Field == name {
		return f.Error.Message
	}
	return ""
}

type creditEntryData struct {
	Row        creditRow
	Sex        string
	Term       string
	Ground     string
	Documents  []docView
	Events     []eventRow
	Duties     []dutyView // open first, then closed
	OpenDuties int
	Manage     bool // the user may act on this entry
	Active     bool
	// What the forms offer.
	CanExtend        bool
	ExtendYears      []int
	ExtendReasons    []option
	RemoveReasons    []option
	RequestReasons   []option
	CorrectionGround []option
	HasOpenRemoval   bool // an open removal or correction duty blocks a new removal request
	Today            string
	// Forms by name with the failed one's error and values.
	Forms map[string]creditForm
}

type docView struct {
	Holder, Kind, Masked string
}

func removalOptions(e credit.Entry, forDuty bool) []option {
	var out []option
	if e.TermYears == 0 {
		for _, r := range []credit.RemovalReason{credit.RemovePerformed, credit.RemoveSettlement, credit.RemoveApplicant, credit.RemoveNoProperty,
			credit.RemoveSuspended, credit.RemoveNotEnforced, credit.RemoveTerminated} {
			out = append(out, option{string(r), r.Label() + "（" + r.Article() + "）"})
		}
	}
	if !forDuty {
		out = append(out, option{string(credit.RemoveEarly), credit.RemoveEarly.Label() + "（" + credit.RemoveEarly.Article() + "）"})
	}
	out = append(out, option{string(credit.RemoveRevoked), credit.RemoveRevoked.Label() + "（" + credit.RemoveRevoked.Article() + "）"})
	return out
}

func (s *Server) creditEntryData(r *http.Request, rq *request, id int64, failed string, fe *apperr.Error) (creditEntryData, error) {
	ctx := r.Context()
	pr := *rq.User
	e, sc, err := s.creditEntry(ctx, pr, id)
	if err != nil {
		return creditEntryData{}, err
	}
	if err := s.auditCreditRead(ctx, r, rq, e); err != nil {
		return creditEntryData{}, err
	}
	events, err := s.credit.History(ctx, pr, id)
	if err != nil {
		return creditEntryData{}, err
	}
	duties, err := s.credit.Duties(ctx, id)
	if err != nil {
		return creditEntryData{}, err
	}
	now := time.Now()
	d := creditEntryData{Row: creditRowOf(e, sc.Names, now), Sex: sexWord(e.Sex), Term: termText(e),
		Ground: "第一条第" + groundNumeral(e.Ground) + "项：" + e.Ground.Label(), Today: now.In(shanghai).Format(time.DateOnly),
		Forms: map[string]creditForm{}}
	d.Active = e.State == credit.Active && (e.ExpiresAt == nil || now.Before(*e.ExpiresAt))
	d.Manage = sc.manage[e.CourtUnit] && s.acc.Policy().Can(ctx, pr, access.ActionCreditManage, access.Target{RequestingUnit: e.CourtUnit, CaseNumber: e.CaseNumber})
	for _, doc := range e.Documents {
		holder := "被执行人"
		if doc.Holder == "legal_rep" {
			holder = "法定代表人"
		}
		d.Documents = append(d.Documents, docView{Holder: holder, Kind: ident.Kind(doc.Kind).Label(), Masked: doc.Masked})
	}
	for i := len(events) - 1; i >= 0; i-- { // newest first
		ev := events[i]
		label := eventLabels[ev.Act]
		if label == "" {
			label = ev.Act
		}
		d.Events = append(d.Events, eventRow{Event: ev, Label: label, Actor: actorWords(ev.By), Article: articleWords(ev.Article)})
	}
	var closed []dutyView
	for _, du := range duties {
		v := dutyViewOf(du, sc.Names, now)
		if d.Manage {
			form := creditForm{}
			if failed == fmt.Sprintf("duty-%d", du.ID) {
				form = creditForm{Error: fe, Values: r.PostForm}
			}
			v = v.withForms(e, rq.User.CSRFToken, "", form)
		}
		if du.ClosedAt == nil {
			d.Duties = append(d.Duties, v)
			d.OpenDuties++
			if du.Kind == credit.DutyRemoval || du.Kind == credit.DutyCorrection {
				d.HasOpenRemoval = true
			}
		} else {
			closed = append(closed, v)
		}
	}
	d.Duties = append(d.Duties, closed...)
	if d.Manage && d.Active {
		if e.Ground.HasTerm() && e.TermYears < credit.TermYears+credit.MaxExtensionYears {
			d.CanExtend = true
			for y := credit.MinExtensionYears; e.TermYears+y <= credit.TermYears+credit.MaxExtensionYears; y++ {
				d.ExtendYears = append(d.ExtendYears, y)
			}
			d.ExtendReasons = []option{{string(credit.ExtendViolence), credit.ExtendViolence.Label()}, {string(credit.ExtendMultiple), credit.ExtendMultiple.Label()}}
		}
		d.RemoveReasons = removalOptions(e, false)
		d.RequestReasons = removalOptions(e, true)
		for _, g := range []credit.CorrectionGround{credit.CorrectWrongListing, credit.CorrectInaccurate, credit.CorrectCeased} {
			d.CorrectionGround = append(d.CorrectionGround, option{string(g), g.Label()})
		}
	}
	if failed != "" {
		d.Forms[failed] = creditForm{Error: fe, Values: r.PostForm}
	}
	return d, nil
}

// ---- the search page ----

type creditListData struct {
	Rows   []creditRow
	Filter map[string]string
	Total  int
	Page   int
	Pages  int
	Prev   string
	Next   string
	Error  *apperr.Error
	// CanImport: offer the import page.
	CanImport bool
	Courts    []string // names of the courts searched
	// CourtOptions: the court filter, for users who see several courts.
	CourtOptions []option
}

func creditQuery(q url.Values, sc creditScope) credit.SearchQuery {
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}
	sq := credit.SearchQuery{Courts: sc.Courts, Name: q.Get("name"), IDNumber: q.Get("id_number"), CaseNumber: q.Get("case_number"),
		State: credit.State(q.Get("state")), Limit: creditPageSize, Offset: (page - 1) * creditPageSize}
	if c := q.Get("court"); c != "" {
		if sc.sees(c) {
			sq.Courts = []string{c}
		} else {
			sq.Courts = nil
		}
	}
	return sq
}

func (s *Server) creditListPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.creditOn(); err != nil {
		return err
	}
	q := r.URL.Query()
	sc, err := s.creditScope(r.Context(), *rq.User)
	if err != nil {
		return err
	}
	sq := creditQuery(q, sc)
	d := creditListData{Filter: map[string]string{}, CanImport: roleGranted(*rq.User, access.ActionCreditImport)}
	for _, k := range []string{"name", "id_number", "case_number", "state", "court"} {
		d.Filter[k] = q.Get(k)
	}
	for _, c := range sc.Courts {
		d.Courts = append(d.Courts, sc.Names[c])
	}
	if len(sc.Courts) > 1 {
		d.CourtOptions = creditCourtOptions(sc)
	}
	status := http.StatusOK
	res, err := s.credit.Search(r.Context(), *rq.User, sq)
	if err != nil {
		e, ok := formError(err)
		if !ok {
			return err
		}
		d.Error, status = e, statusOf(err)
	} else if err := s.auditCreditSearch(r.Context(), r, rq, sq, len(res.Entries)); err != nil {
		return err
	}
	now := time.Now()
	for _, e := range res.Entries {
		row := creditRowOf(e, sc.Names, now)
		row.OpenDuties = res.OpenDuties[e.ID]
		d.Rows = append(d.Rows, row)
	}
	d.Total = res.Total
	d.Page = sq.Offset/creditPageSize + 1
	d.Pages = (res.Total + creditPageSize - 1) / creditPageSize
	link := func(p int) string {
		v := url.Values{}
		for k, val := range d.Filter {
			if val != "" {
				v.Set(k, val)
			}
		}
		v.Set("page", strconv.Itoa(p))
		return "/credit?" + v.Encode()
	}
	if d.Page > 1 {
		d.Prev = link(d.Page - 1)
	}
	if d.Page < d.Pages {
		d.Next = link(d.Page + 1)
	}
	s.render(w, r, status, "credit_list.html", s.pageFor(r, rq, "失信被执行人名单", d))
	return nil
}

// creditCourtOptions lists the courts of the scope for the filter.
func creditCourtOptions(sc creditScope) []option {
	out := make([]option, len(sc.Courts))
	for i, c := range sc.Courts {
		out[i] = option{c, sc.Names[c]}
	}
	return out
}

// ---- the entry page and its acts ----

func (s *Server) creditEntryPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := creditID(r, "entry")
	if err != nil {
		return err
	}
	d, err := s.creditEntryData(r, rq, id, "", nil)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "credit_entry.html", s.pageFor(r, rq, d.Row.Name+" · 失信名单条目", d))
	return nil
}

// creditAct runs one act of the entry page: on a user error the page is
// shown again with the message in the act's form and the values kept; on
// success it redirects back with a confirmation.
func (s *Server) creditAct(form, done string, act func(r *http.Request, pr access.Principal, id int64) error) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		id, err := creditID(r, "entry")
		if err != nil {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return apperr.Invalidf("", "request.form", "表单内容有误，请重新填写")
		}
		if _, err := s.creditManaged(r.Context(), *rq.User, id); err != nil {
			return err
		}
		if err := act(r, *rq.User, id); err != nil {
			e, ok := formError(err)
			if !ok || e.Kind == apperr.Forbidden {
				return err
			}
			d, derr := s.creditEntryData(r, rq, id, form, e)
			if derr != nil {
				return derr
			}
			s.render(w, r, statusOf(err), "credit_entry.html", s.pageFor(r, rq, d.Row.Name+" · 失信名单条目", d))
			return nil
		}
		http.Redirect(w, r, "/credit/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
		return nil
	}
}

// confirmed refuses an irreversible act whose confirmation box is not
// ticked (the browser asks too; this is for the server's own sake).
func confirmed(r *http.Request) error {
	if r.PostFormValue("confirm") != "true" {
		return apperr.Invalidf("confirm", "credit.confirm", "请勾选确认后再提交")
	}
	return nil
}

// formDate reads a date input as the start of that day in China, or now
// when it is empty or today.
func formDate(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	now := time.Now()
	if v == "" || v == now.In(shanghai).Format(time.DateOnly) {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, v, shanghai)
	if err != nil {
		return time.Time{}, apperr.Invalidf(field, "credit.invalid", "日期“%s”无效，应为 YYYY-MM-DD", v)
	}
	return t, nil
}

func (s *Server) creditExtendSubmit() handler {
	return s.creditAct("extend", "credit_extended", func(r *http.Request, pr access.Principal, id int64) error {
		years, _ := strconv.Atoi(r.PostFormValue("years"))
		_, err := s.credit.Extend(r.Context(), pr, id, credit.Extension{Years: years, Reason: credit.ExtensionReason(r.PostFormValue("reason")), Note: r.PostFormValue("note")})
		return err
	})
}

func (s *Server) creditRemoveSubmit() handler {
	return s.creditAct("remove", "credit_removed", func(r *http.Request, pr access.Principal, id int64) error {
		if err := confirmed(r); err != nil {
			return err
		}
		_, err := s.credit.Remove(r.Context(), pr, id, credit.Removal{Reason: credit.RemovalReason(r.PostFormValue("reason")), Note: r.PostFormValue("note")})
		return err
	})
}

func (s *Server) creditRemovalRequestSubmit() handler {
	return s.creditAct("removal_request", "credit_removal_requested", func(r *http.Request, pr access.Principal, id int64) error {
		at, err := formDate("at", r.PostFormValue("at"))
		if err != nil {
			return err
		}
		_, err = s.credit.RequestRemoval(r.Context(), pr, id, credit.RemovalRequest{Reason: credit.RemovalReason(r.PostFormValue("reason")), Note: r.PostFormValue("note"), At: at})
		return err
	})
}

func (s *Server) creditRepairSubmit() handler {
	return s.creditAct("repair", "credit_repaired", func(r *http.Request, pr access.Principal, id int64) error {
		_, err := s.credit.RecordRepair(r.Context(), pr, id, credit.Repair{Measure: r.PostFormValue("measure"), Note: r.PostFormValue("note")})
		return err
	})
}

func (s *Server) creditCorrectionRequestSubmit() handler {
	return s.creditAct("correction_request", "credit_correction_requested", func(r *http.Request, pr access.Principal, id int64) error {
		at, err := formDate("received_at", r.PostFormValue("received_at"))
		if err != nil {
			return err
		}
		_, err = s.credit.RequestCorrection(r.Context(), pr, id, credit.CorrectionRequest{Ground: credit.CorrectionGround(r.PostFormValue("ground")),
			Reason: r.PostFormValue("reason"), ReceivedAt: at})
		return err
	})
}

// ---- duties: carrying out a removal, reviewing and carrying out corrections ----

// creditDutySubmit runs an act on a duty, from the entry page or the
// correction page (back says which, and the failed form is shown there).
func (s *Server) creditDutySubmit(act string) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if err := s.creditOn(); err != nil {
			return err
		}
		dutyID, err := creditID(r, "duty")
		if err != nil {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return apperr.Invalidf("", "request.form", "表单内容有误，请重新填写")
		}
		ctx, pr := r.Context(), *rq.User
		du, err := s.creditDuty(ctx, pr, dutyID)
		if err != nil {
			return err
		}
		entry, err := s.creditManaged(ctx, pr, du.EntryID)
		if err != nil {
			return err
		}
		form := fmt.Sprintf("duty-%d", dutyID)
		done := ""
		switch act {
		case "review":
			done = "credit_reviewed"
			var accept bool
			switch r.PostFormValue("decision") {
			case "accept":
				accept = true
			case "reject":
			default:
				err = apperr.Invalidf("decision", "credit.invalid", "请选择审查结论：理由成立或驳回")
			}
			if err == nil {
				_, err = s.credit.ReviewCorrection(ctx, pr, dutyID, credit.Review{Accept: accept, Note: r.PostFormValue("note")})
			}
		case "carry-out":
			done = "credit_corrected"
			if du.Kind == credit.DutyRemoval {
				done = "credit_removed"
				if err = confirmed(r); err == nil {
					_, err = s.credit.Remove(ctx, pr, du.EntryID, credit.Removal{Reason: credit.RemovalReason(du.Reason), Note: r.PostFormValue("note")})
				}
				break
			}
			if credit.CorrectionGround(du.Reason) != credit.CorrectInaccurate {
				err = confirmed(r)
			}
			if err == nil {
				_, err = s.credit.CarryOutCorrection(ctx, pr, dutyID, patchFromForm(r.PostForm, entry), r.PostFormValue("note"))
			}
		}
		back := "/credit/" + strconv.FormatInt(du.EntryID, 10)
		fromList := r.PostFormValue("back") == "corrections"
		if fromList {
			back = "/credit/corrections"
		}
		if err != nil {
			e, ok := formError(err)
			if !ok || e.Kind == apperr.Forbidden {
				return err
			}
			if fromList {
				d, derr := s.creditCorrectionsData(r, rq, form, e)
				if derr != nil {
					return derr
				}
				s.render(w, r, statusOf(err), "credit_corrections.html", s.pageFor(r, rq, "失信信息纠正申请", d))
				return nil
			}
			d, derr := s.creditEntryData(r, rq, du.EntryID, form, e)
			if derr != nil {
				return derr
			}
			s.render(w, r, statusOf(err), "credit_entry.html", s.pageFor(r, rq, d.Row.Name+" · 失信名单条目", d))
			return nil
		}
		http.Redirect(w, r, back+"?done="+done, http.StatusSeeOther)
		return nil
	}
}

// creditDuty finds a duty among its entry's duties, for a user who may
// see the entry.
func (s *Server) creditDuty(ctx context.Context, pr access.Principal, dutyID int64) (credit.Duty, error) {
	notFound := apperr.New(apperr.NotFound, credit.CodeDutyNotFound, fmt.Sprintf("没有编号为 %d 的待办事项", dutyID))
	var entryID int64
	if err := s.db.Read().QueryRowContext(ctx, `SELECT entry_id FROM credit_duties WHERE id = $1`, dutyID).Scan(&entryID); err != nil {
		return credit.Duty{}, notFound
	}
	if _, _, err := s.creditEntry(ctx, pr, entryID); err != nil {
		return credit.Duty{}, err
	}
	duties, err := s.credit.Duties(ctx, entryID)
	if err != nil {
		return credit.Duty{}, err
	}
	for _, d := range duties {
		if d.ID == dutyID {
			return d, nil
		}
	}
	return credit.Duty{}, notFound
}

// patchFromForm takes the fields of the correction form that differ from
// the entry.
func patchFromForm(f url.Values, e credit.Entry) credit.Patch {
	var p credit.Patch
	pick := func(name, current string) *string {
		if _, ok := f[name]; !ok {
			return nil
		}
		v := strings.TrimSpace(f.Get(name))
		if v == current {
			return nil
		}
		return &v
	}
	p.Name = pick("name", e.Name)
	if e.Kind == credit.Organisation {
		p.LegalRep = pick("legal_rep", e.LegalRep)
	}
	p.Obligation = pick("obligation", e.Obligation)
	p.Performance = pick("performance", e.Performance)
	p.Conduct = pick("conduct", e.Conduct)
	p.BasisUnit = pick("basis_unit", e.BasisUnit)
	p.BasisNumber = pick("basis_number", e.BasisNumber)
	return p
}

// ---- the correction applications page ----

type correctionRow struct {
	View  dutyView
	Entry credit.Entry
}

type creditCorrectionsData struct {
	Rows   []correctionRow
	Courts []string
}

func (s *Server) creditCorrectionsData(r *http.Request, rq *request, failed string, fe *apperr.Error) (creditCorrectionsData, error) {
	ctx, pr := r.Context(), *rq.User
	sc, err := s.creditScope(ctx, pr)
	if err != nil {
		return creditCorrectionsData{}, err
	}
	if _, err := s.audit.Record(ctx, s.entry(r, rq, "credit.corrections_read", "credit:corrections", audit.OK, "courts="+strings.Join(sc.Courts, ","))); err != nil {
		return creditCorrectionsData{}, fmt.Errorf("audit reading the corrections: %w", err)
	}
	var d creditCorrectionsData
	now := time.Now()
	policy := s.acc.Policy()
	for _, c := range sc.Courts {
		d.Courts = append(d.Courts, sc.Names[c])
		duties, err := s.credit.OpenDuties(ctx, c)
		if err != nil {
			return d, err
		}
		for _, du := range duties {
			if du.Kind != credit.DutyCorrectionReview && du.Kind != credit.DutyCorrection {
				continue
			}
			e, err := s.credit.Get(ctx, pr, du.EntryID)
			if err != nil {
				return d, err
			}
			row := correctionRow{View: dutyViewOf(du, sc.Names, now), Entry: e}
			if sc.manage[e.CourtUnit] && policy.Can(ctx, pr, access.ActionCreditManage, access.Target{RequestingUnit: e.CourtUnit, CaseNumber: e.CaseNumber}) {
				form := creditForm{}
				if failed == fmt.Sprintf("duty-%d", du.ID) {
					form = creditForm{Error: fe, Values: r.PostForm}
				}
				row.View = row.View.withForms(e, pr.CSRFToken, "corrections", form)
			}
			d.Rows = append(d.Rows, row)
		}
	}
	// Soonest due first across courts (each court's list is already so).
	for i := 1; i < len(d.Rows); i++ {
		for j := i; j > 0 && d.Rows[j].View.Due.Before(d.Rows[j-1].View.Due); j-- {
			d.Rows[j], d.Rows[j-1] = d.Rows[j-1], d.Rows[j]
		}
	}
	return d, nil
}

func (s *Server) creditCorrectionsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.creditOn(); err != nil {
		return err
	}
	d, err := s.creditCorrectionsData(r, rq, "", nil)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "credit_corrections.html", s.pageFor(r, rq, "失信信息纠正申请", d))
	return nil
}
