package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/audit"
	"liandong/internal/connector"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/docs"
	"liandong/internal/ident"
	"liandong/internal/matter"
	"liandong/internal/signer"
	"liandong/internal/subject"
	"liandong/internal/workday"
)

// MatterEnv is what LoadMatters works with: the services `liandong serve`
// builds.
type MatterEnv struct {
	DB       *db.DB
	Dir      *directory.Store
	Docs     *docs.Store
	Access   *access.Service
	Audit    *audit.Log
	Keys     *signer.Store
	Matters  *matter.Engine
	Subjects *subject.Store
}

// ErrNotAllSide: the demo matters need both sides on this node (--side
// all), since police and court users act on the same matters.
var ErrNotAllSide = errors.New("demo matters need --side all")

// LoadMatters files demo cooperation matters through the real engine, as
// the demo users: for each of the six kinds one matter in every state
// (terminal ones included), with their debtors registered as subjects and
// the documents the payloads name stored in the document store. One locate
// is filed four working days back and left unanswered, so that it is
// overdue and escalated at once. It returns how many matters it created
// (handovers opened by a control included); 0 when the demo matters are
// already there, so running the demo twice on one database adds nothing.
func LoadMatters(ctx context.Context, env MatterEnv) (int, error) {
	if env.Matters.Config().Side != "all" {
		return 0, ErrNotAllSide
	}
	specs := matterSpecs(time.Now())
	if loaded, err := demoMattersExist(ctx, env.DB, specs); err != nil || loaded {
		return 0, err
	}
	l := &loader{env: env, people: connector.NewSimulator(1).People(), prs: map[string]access.Principal{}, subjects: map[int]int64{}}
	defer l.logout(ctx)
	n := 0
	for _, s := range specs {
		c, err := l.file(ctx, s)
		if err != nil {
			return n, fmt.Errorf("demo matter %s %s (%s): %w", s.kind, s.state, s.caseNo, err)
		}
		n += c
	}
	// The backdated locate's clock ran out days ago: the scheduler marks it
	// overdue and escalates it now rather than at its next minute.
	if _, err := env.Matters.Tick(ctx, time.Now()); err != nil {
		return n, fmt.Errorf("demo matters: tick: %w", err)
	}
	return n, nil
}

// demoMattersExist reports whether a demo case number already has a matter.
func demoMattersExist(ctx context.Context, d *db.DB, specs []spec) (bool, error) {
	for _, s := range specs {
		cn, err := ident.ParseCaseNumber(s.caseNo)
		if err != nil {
			return false, fmt.Errorf("demo case number %s: %w", s.caseNo, err)
		}
		var n int
		if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM matters WHERE case_number = $1`, cn.String()).Scan(&n); err != nil {
			return false, fmt.Errorf("look for demo matters: %w", err)
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// act is one act on a demo matter.
type act struct {
	who, action string
	payload     map[string]any
	docs        []docRef
}

// docRef is a document a payload names: its field, and the sample PDF
// text that makes its digest.
type docRef struct{ field, title string }

// spec is one demo matter: who files it, to whom, about whom, and the acts
// that bring it to state. For a locate whose control opens a handover,
// child acts are done on the handover and after acts on the locate after
// them.
type spec struct {
	kind      string
	state     matter.State // the state the acts lead to (the handover's for child specs)
	who       string
	addressed string
	caseNo    string
	person    int // index into connector.NewSimulator(1).People()
	payload   map[string]any
	docs      []docRef
	acts      []act
	child     []act
	after     []act
	backdate  bool // file it four working days back (an overdue locate)
	// vehicle, when > 0, files about the registry's vehicle vehicle-1 (its
	// owner is person vehicle-1): "{plate}" in payloads becomes its plate.
	vehicle int
	// longAgo files it and does its acts that long ago (a seal whose term
	// ran out, lapsed by the tick at the end of LoadMatters).
	longAgo time.Duration
}

type loader struct {
	env      MatterEnv
	people   []connector.SimPerson
	prs      map[string]access.Principal
	subjects map[int]int64
}

// pr logs the demo user in (once) and returns the session's principal:
// the roles, unit and side as access reads them, nothing made up here.
func (l *loader) pr(ctx context.Context, username string) (access.Principal, error) {
	if p, ok := l.prs[username]; ok {
		return p, nil
	}
	sess, err := l.env.Access.Login(ctx, access.LoginRequest{Username: username, Password: Password, Source: "demo-loader", UserAgent: "liandong demo"})
	if err != nil {
		return access.Principal{}, fmt.Errorf("log in as demo user %s: %w", username, err)
	}
	l.prs[username] = sess.Principal
	return sess.Principal, nil
}

func (l *loader) logout(ctx context.Context) {
	for _, p := range l.prs {
		_ = l.env.Access.Logout(ctx, p)
	}
}

// subject registers the debtor through the subject store, as the filing
// officer, once per person.
func (l *loader) subject(ctx context.Context, pr access.Principal, i int, caseNo string) (int64, error) {
	if id, ok := l.subjects[i]; ok {
		return id, nil
	}
	p := l.people[i]
	added, err := l.env.Subjects.AddPerson(ctx, pr, subject.NewPerson{
		Name: p.Name, FormerNames: p.FormerNames, Sex: p.Sex, BirthDate: p.BirthDate.Format(time.DateOnly),
		Documents:        []subject.NewDocument{{Kind: ident.KindResidentID, Number: p.IDNumber, Source: "执行立案材料"}},
		Phones:           []string{p.Phone},
		HouseholdAddress: p.HouseholdAddress,
		Source:           "执行立案材料",
		CaseNumber:       caseNo,
	})
	if err != nil {
		return 0, fmt.Errorf("register debtor %s: %w", p.Name, err)
	}
	l.subjects[i] = added.Subject.ID
	return added.Subject.ID, nil
}

// documents stores a sample PDF per reference (its text names the case and
// the document, so each digest differs), sets each digest in payload and
// returns the digests.
func (l *loader) documents(ctx context.Context, caseNo string, refs []docRef, payload map[string]any) ([]string, error) {
	var out []string
	for _, r := range refs {
		b, err := l.env.Docs.Put(ctx, bytes.NewReader(samplePDF(asciiCase(caseNo)+" - "+r.title)), r.title+".pdf")
		if err != nil {
			return nil, fmt.Errorf("store %s: %w", r.title, err)
		}
		payload[r.field] = b.Digest
		out = append(out, b.Digest)
	}
	return out, nil
}

// file creates one demo matter and does its acts; it returns how many
// matters that made (2 when a control opened a handover).
func (l *loader) file(ctx context.Context, s spec) (int, error) {
	pr, err := l.pr(ctx, s.who)
	if err != nil {
		return 0, err
	}
	sid, err := l.subject(ctx, pr, s.person, s.caseNo)
	if err != nil {
		return 0, err
	}
	payload := clone(s.payload)
	digests, err := l.documents(ctx, s.caseNo, s.docs, payload)
	if err != nil {
		return 0, err
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return 0, err
	}
	en := l.env.Matters
	if s.backdate {
		if en, err = l.backdated(ctx); err != nil {
			return 0, err
		}
	}
	if s.longAgo > 0 {
		at := time.Now().Add(-s.longAgo)
		en = l.env.Matters.WithNow(func() time.Time { return at })
	}
	var plate string
	if s.vehicle > 0 {
		if plate, err = l.plate(s.vehicle - 1); err != nil {
			return 0, err
		}
		raw = []byte(strings.ReplaceAll(string(raw), "{plate}", plate))
	}
	kind := s.kind
	switch kind {
	case "handover": // opened by the control of a locate (S-LOC-3)
		kind = "locate"
	case "vehicle_control": // opened from a seal (S-VEH-4)
		kind = "vehicle_seal"
	}
	m, err := en.Create(ctx, pr, matter.NewMatter{Kind: kind, CaseNumber: s.caseNo, AddressedUnit: s.addressed,
		SubjectID: sid, Payload: raw, Documents: digests})
	if err != nil {
		return 0, fmt.Errorf("create: %w", err)
	}
	n := 1
	acts := l.env.Matters
	if s.longAgo > 0 {
		acts = en
	}
	if err := l.do(ctx, acts, s.caseNo, plate, m.ID, s.acts); err != nil {
		return n, err
	}
	if hasAction(s.acts, matter.ActionMarkControlled) || hasAction(s.acts, matter.ActionRequestControl) {
		var child int64
		if err := l.env.DB.Read().QueryRowContext(ctx, `SELECT id FROM matters WHERE parent_id = $1`, m.ID).Scan(&child); err != nil {
			return n, fmt.Errorf("the handover opened by matter %d: %w", m.ID, err)
		}
		n++
		if err := l.do(ctx, acts, s.caseNo, plate, child, s.child); err != nil {
			return n, err
		}
	}
	return n, l.do(ctx, acts, s.caseNo, plate, m.ID, s.after)
}

// plate is the plate of the registry's vehicle i (the simulator's; a real
// registry has no demo vehicles).
func (l *loader) plate(i int) (string, error) {
	reg := l.env.Matters.Config().Vehicles
	if reg == nil {
		return "", errors.New("no vehicle register on this node")
	}
	sim, ok := reg.Registry().(interface{ At(int) connector.Vehicle })
	if !ok {
		return "", errors.New("the vehicle registry is not the simulator")
	}
	return sim.At(i).Plate, nil
}

// do does acts on matter id; "{plate}" in their payloads becomes plate.
func (l *loader) do(ctx context.Context, en *matter.Engine, caseNo, plate string, id int64, acts []act) error {
	for _, a := range acts {
		pr, err := l.pr(ctx, a.who)
		if err != nil {
			return err
		}
		payload := clone(a.payload)
		digests, err := l.documents(ctx, caseNo, a.docs, payload)
		if err != nil {
			return err
		}
		raw, err := json.Marshal(payload)
		if err != nil {
			return err
		}
		raw = []byte(strings.ReplaceAll(string(raw), "{plate}", plate))
		if _, _, err := en.Act(ctx, pr, id, a.action, 0, raw, digests); err != nil {
			return fmt.Errorf("%s %s on matter %d: %w", a.who, a.action, id, err)
		}
	}
	return nil
}

// backdated returns an engine on the same database whose clock stands on
// the morning of the latest day whose 3-working-day info request ran out
// more than two hours ago (about four working days back): a locate filed
// through it is overdue, and past the one-hour escalation, at the first
// tick of the real engine.
func (l *loader) backdated(ctx context.Context) (*matter.Engine, error) {
	cfg := l.env.Matters.Config()
	rule, err := cfg.Clock(matter.ClockInfoRequest)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	day := now.AddDate(0, 0, -1)
	for {
		due, err := cfg.Calendar.Due(day, rule.N, rule.Unit)
		if err != nil {
			return nil, err
		}
		if due.Before(now.Add(-2 * time.Hour)) {
			break
		}
		day = day.AddDate(0, 0, -1)
	}
	y, mo, d := day.In(china).Date()
	at := time.Date(y, mo, d, 9, 30, 0, 0, china)
	return l.env.Matters.WithNow(func() time.Time { return at }), nil
}

func hasAction(acts []act, action string) bool {
	for _, a := range acts {
		if a.action == action {
			return true
		}
	}
	return false
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// asciiCase writes a case number in ASCII for the sample PDF, whose
// standard font has no Chinese: （2025）豫16执45号 → (2025) Yu 16 Zhi 45.
func asciiCase(s string) string {
	cn, err := ident.ParseCaseNumber(s)
	if err != nil {
		return "demo"
	}
	typ := map[string]string{"执": "Zhi", "执恢": "Zhi Hui", "执保": "Zhi Bao"}[cn.Type]
	if typ == "" {
		typ = "Zhi"
	}
	code := []rune(cn.CourtCode)
	return fmt.Sprintf("(%d) Yu %s %s %d", cn.Year, string(code[1:]), typ, cn.Seq)
}

var china = workday.Location()

// matterSpecs are the demo matters, with times relative to now.
func matterSpecs(now time.Time) []spec {
	at := func(d time.Duration) string { return now.Add(-d).In(china).Format("2006-01-02 15:04") }
	day := func(n int) string { return now.AddDate(0, 0, -n).In(china).Format(time.DateOnly) }
	h := time.Hour
	d := 24 * time.Hour

	// People (connector.NewSimulator(1).People()): the refused intake is
	// the simulator's pregnant woman; the others, from 6 on, have no
	// special trait.
	const (
		zy, ch           = "zy-officer", "ch-officer"
		zyPolice         = "zy-police"
		chPolice, xcPol  = "ch-police", "xc-police"
		jls, crj, zhzx   = "jls-handler", "crj-handler", "zhzx-handler"
		gaCH, gaXC       = "ga411602", "ga411681"
		gaJLS, gaCRJ     = "ga411600-jls", "ga411600-crj"
		gaZHZX           = "ga411600-zhzx"
		warrant          = "Summons warrant (Ju Chuan Piao)"
		detentionOrder   = "Detention decision (Ju Liu Jue Ding Shu)"
		detentionNotice  = "Detention notice to family (Ju Liu Tong Zhi Shu)"
		earlyRelease     = "Early release decision"
		exitbanOrder     = "Exit restriction decision"
		exitbanLiftOrder = "Exit restriction lifting decision"
		exitbanRenewal   = "Exit restriction renewal decision"
	)
	locate := func(note string) map[string]any { return map[string]any{"note": note} }
	control := func(place, unit string, ago time.Duration) map[string]any {
		return map[string]any{"place": place, "controlled_at": at(ago), "unit": unit}
	}
	summons := func(reason string, ago time.Duration) map[string]any {
		return map[string]any{"approved_by": "zy-president", "approved_at": at(ago), "reason": reason}
	}
	detention := func(reason string, term int, ago time.Duration) map[string]any {
		return map[string]any{"approved_by": "zy-president", "approved_at": at(ago), "term_days": term, "reason": reason}
	}
	intake := func(ago time.Duration, id string, term int) map[string]any {
		t := now.Add(-ago)
		return map[string]any{"intake_at": at(ago), "facility": "周口市拘留所", "intake_id": id, "term_days": term,
			"release_due": matter.DetentionReleaseDue(t, term).Format(time.DateOnly)}
	}
	deliver := func(officers string, ago time.Duration) map[string]any {
		return map[string]any{"officers": officers, "delivered_at": at(ago)}
	}
	family := func(who string, ago time.Duration) map[string]any {
		return map[string]any{"notified": who, "notified_at": at(ago), "method": "电话通知并送达拘留通知书"}
	}
	exitban := func(p connector.SimPerson, role, unit string, docs []map[string]any, reason string) map[string]any {
		m := map[string]any{"person": map[string]any{"name": p.Name, "id_number": p.IDNumber, "role": role},
			"travel_documents": docs, "until": now.AddDate(1, 0, 0).In(china).Format(time.DateOnly), "reason": reason}
		if unit != "" {
			m["unit"] = unit
		}
		return m
	}
	passport := func(n string) map[string]any { return map[string]any{"kind": "passport", "number": n} }
	hkmo := func(n string) map[string]any { return map[string]any{"kind": "hk_mo_pass", "number": n} }
	call := func(address string, lat, lng float64, situation, phone string) map[string]any {
		return map[string]any{"address": address, "lat": lat, "lng": lng, "situation": situation, "phone": phone}
	}
	people := connector.NewSimulator(1).People()
	pregnant := 2
	for i, p := range people {
		if p.Pregnant {
			pregnant = i
			break
		}
	}

	return append([]spec{
		// ── 查找被执行人 (locate) ──
		{kind: "locate", state: matter.LocateRequested, who: zy, addressed: gaXC, caseNo: "（2024）豫16执恢123号", person: 6, backdate: true,
			payload: locate("被执行人韩振华长期下落不明，户籍地项城无人居住，请协助查找其实际居住地及近期住宿、出行记录。")},
		{kind: "locate", state: matter.LocateRequested, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执456号", person: 7,
			payload: locate("被执行人石磊（曾用名潘辉）拒不履行生效判决，请协助查找其下落。"),
			acts: []act{
				{who: chPolice, action: matter.ActionSuggestReview, payload: map[string]any{"suggestion": "协助查找函未列明被执行人曾用名的使用期间，建议补充，便于比对旅馆住宿登记。"}},
				{who: ch, action: matter.ActionAnswerReview, payload: map[string]any{"answer": "曾用名“潘辉”使用至 2008 年，已在执行立案材料中补充。"}},
			}},
		{kind: "locate", state: matter.LocateAnswered, who: zy, addressed: gaCH, caseNo: "（2025）豫16执45号", person: 8,
			payload: locate("请协助查找被执行人谭秀英的实际居住地。"),
			acts: []act{
				{who: chPolice, action: matter.ActionAddClue, payload: map[string]any{"type": "residence", "content": "实际居住于周口市川汇区七一路 18 号院 3 号楼 2 单元，系租住。",
					"source": "人口信息系统", "observed_at": at(3 * h)}},
				{who: chPolice, action: matter.ActionAddClue, payload: map[string]any{"type": "hotel", "content": "近 30 日在周口市川汇区中州大道某快捷酒店入住 2 次，最近一次退房时间见附记录。",
					"source": "旅馆业治安管理系统", "observed_at": at(2 * h)}},
			}},
		{kind: "locate", state: matter.LocateAnswered, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执512号", person: 9,
			payload: locate("请协助查找被执行人范敏的下落及出入境情况。"),
			acts: []act{
				{who: chPolice, action: matter.ActionAnswerNone, payload: map[string]any{"note": "经查人口信息系统、旅馆业治安管理系统，暂无线索。"}},
				{who: ch, action: matter.ActionRequestMore, payload: map[string]any{"note": "申请执行人反映被执行人可能经深圳出境，请补充查询出入境记录。"}},
				{who: chPolice, action: matter.ActionAddClue, payload: map[string]any{"type": "exit_entry", "content": "被执行人于近期经深圳湾口岸出境赴香港，尚无入境记录。",
					"source": "出入境管理信息系统", "observed_at": at(5 * h)}},
			}},
		{kind: "locate", state: matter.LocateClosed, who: zy, addressed: gaXC, caseNo: "（2024）豫16执恢87号", person: 10,
			payload: locate("请协助查找被执行人谢宇的下落。"),
			acts: []act{
				{who: xcPol, action: matter.ActionAddClue, payload: map[string]any{"type": "whereabouts", "content": "被执行人在项城市莲花大道某物流园务工，每日 8 时至 18 时在岗。",
					"source": "人口信息系统", "observed_at": at(2 * d)}},
				{who: zy, action: matter.ActionClose, payload: map[string]any{"note": "被执行人经约谈已主动履行全部义务，结束查找。"}},
			}},

		// ── 人员交接 (handover), each opened by a locate's control ──
		{kind: "handover", state: matter.HandoverControlled, who: zy, addressed: gaCH, caseNo: "（2025）豫16执78号", person: 11,
			payload: locate("请协助查找并控制被执行人田敏。"),
			acts:    []act{{who: chPolice, action: matter.ActionMarkControlled, payload: control("川汇分局人民路派出所", "川汇分局", 30*time.Minute)}}},
		{kind: "handover", state: matter.HandoverDelegated, who: zy, addressed: gaXC, caseNo: "（2025）豫16执91号", person: 12,
			payload: locate("请协助查找被执行人贾娟，发现后请予控制。"),
			acts:    []act{{who: xcPol, action: matter.ActionMarkControlled, payload: control("项城市公安局光武派出所", "项城市公安局", h)}},
			child: []act{{who: zy, action: matter.ActionDelegate, payload: map[string]any{"court": "fy411681",
				"note": "被执行人在项城市被控制，路途较远，委托项城市人民法院代为接收。"}}}},
		{kind: "handover", state: matter.HandoverReceived, who: zy, addressed: gaCH, caseNo: "（2025）豫16执103号", person: 13,
			payload: locate("请协助查找被执行人谭凯。"),
			acts:    []act{{who: chPolice, action: matter.ActionMarkControlled, payload: control("周口东站进站口", "川汇分局", 3*h)}},
			child: []act{{who: zyPolice, action: matter.ActionTakeOver, payload: map[string]any{"receiver": "赵志强（司法警察）",
				"place": "川汇分局人民路派出所", "received_at": at(2 * h)}}}},
		{kind: "handover", state: matter.HandoverDone, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执377号", person: 14,
			payload: locate("请协助查找被执行人袁玲。"),
			acts:    []act{{who: chPolice, action: matter.ActionMarkControlled, payload: control("川汇区交通大道某小区", "川汇分局", 26*h)}},
			child: []act{
				{who: ch, action: matter.ActionTakeOver, payload: map[string]any{"receiver": "陈晓梅", "place": "川汇分局城北派出所", "received_at": at(25 * h)}},
				{who: chPolice, action: matter.ActionHandOver, payload: map[string]any{"officer": "吴国庆", "place": "川汇分局城北派出所", "handed_at": at(25 * h)}},
			},
			after: []act{{who: ch, action: matter.ActionClose, payload: map[string]any{"note": "被执行人已到案，查找结束。"}}}},
		{kind: "handover", state: matter.HandoverCancelled, who: zy, addressed: gaXC, caseNo: "（2025）豫16执119号", person: 15,
			payload: locate("请协助查找被执行人薛桂英。"),
			acts:    []act{{who: xcPol, action: matter.ActionMarkControlled, payload: control("项城市水寨镇某网吧", "项城市公安局", 5*h)}},
			child:   []act{{who: zy, action: matter.ActionCancel, payload: map[string]any{"reason": "被执行人家属已代为履行全部义务，申请执行人撤回申请。"}}},
			after:   []act{{who: zy, action: matter.ActionClose, payload: map[string]any{"note": "案件已执行完毕。"}}}},

		// ── 协助拘传 (summons) ──
		{kind: "summons", state: matter.SummonsIssued, who: zy, addressed: gaCH, caseNo: "（2025）豫16执132号", person: 16,
			payload: summons("经两次传票传唤，无正当理由拒不到场。", 20*h), docs: []docRef{{"warrant_digest", warrant}}},
		{kind: "summons", state: matter.SummonsBrought, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执601号", person: 17,
			payload: summons("拒不到庭接受询问，拒不申报财产。", 2*d), docs: []docRef{{"warrant_digest", warrant}},
			acts: []act{{who: chPolice, action: matter.ActionAssist, payload: map[string]any{"place": "川汇区交通大道 206 号", "brought_at": at(h)}}}},
		{kind: "summons", state: matter.SummonsQuestioned, who: zy, addressed: gaXC, caseNo: "（2025）豫16执147号", person: 18,
			payload: summons("经传唤拒不到场，涉嫌转移财产。", 3*d), docs: []docRef{{"warrant_digest", warrant}},
			acts: []act{
				{who: xcPol, action: matter.ActionAssist, payload: map[string]any{"place": "项城市莲花大道某小区", "brought_at": at(4 * h)}},
				{who: zy, action: matter.ActionStartQuestioning, payload: map[string]any{"place": "周口中院执行局询问室"}},
				{who: zy, action: matter.ActionDeclareComplex, payload: map[string]any{"reason": "被执行人拒不说明财产去向，依法可能拘留。"}},
			}},
		{kind: "summons", state: matter.SummonsEnded, who: zy, addressed: gaCH, caseNo: "（2025）豫16执158号", person: 19,
			payload: summons("拒不申报财产。", 4*d), docs: []docRef{{"warrant_digest", warrant}},
			acts: []act{
				{who: chPolice, action: matter.ActionAssist, payload: map[string]any{"place": "川汇区八一大道某商铺", "brought_at": at(30 * h)}},
				{who: zy, action: matter.ActionStartQuestioning, payload: map[string]any{"place": "周口中院执行局询问室"}},
				{who: zy, action: matter.ActionEndQuestioning, payload: map[string]any{"outcome": "detention_decided", "note": "拒不申报财产，已报院长批准司法拘留。"}},
			}},
		{kind: "summons", state: matter.SummonsWithdrawn, who: ch, addressed: gaCH, caseNo: "（2025）豫1602执622号", person: 20,
			payload: summons("经传唤拒不到场。", 2*d), docs: []docRef{{"warrant_digest", warrant}},
			acts: []act{{who: ch, action: matter.ActionCancel, payload: map[string]any{"reason": "被执行人已主动到院说明情况并申报财产。"}}}},

		// ── 司法拘留 (detention), to the 拘留所 ──
		{kind: "detention", state: matter.DetentionDecided, who: zy, addressed: gaJLS, caseNo: "（2025）豫16执158号", person: 19,
			payload: detention("拒不申报财产，经拘传询问仍拒不申报。", 15, 5*h), docs: []docRef{{"decision_digest", detentionOrder}}},
		{kind: "detention", state: matter.DetentionDelivered, who: zy, addressed: gaJLS, caseNo: "（2025）豫16执166号", person: 21,
			payload: detention("有能力履行而拒不履行。", 10, 8*h), docs: []docRef{{"decision_digest", detentionOrder}},
			acts: []act{{who: zyPolice, action: matter.ActionDeliver, payload: deliver("赵志强、孙法警", h)}}},
		{kind: "detention", state: matter.DetentionRefused, who: ch, addressed: gaJLS, caseNo: "（2025）豫1602执633号", person: pregnant,
			payload: detention("隐匿财产，拒不履行。", 15, 2*d), docs: []docRef{{"decision_digest", detentionOrder}},
			acts: []act{
				{who: ch, action: matter.ActionDeliver, payload: deliver("陈晓梅、川汇区法院法警二人", 30*h)},
				{who: jls, action: matter.ActionRefuseIntake, payload: map[string]any{"reason": "pregnant", "detail": "入所健康检查：经周口市中心医院检查已怀孕 12 周。"}},
			}},
		{kind: "detention", state: matter.DetentionHeld, who: zy, addressed: gaJLS, caseNo: "（2025）豫16执171号", person: 22,
			payload: detention("以暴力方法阻碍执行人员执行职务。", 15, 3*d), docs: []docRef{{"decision_digest", detentionOrder}},
			acts: []act{
				{who: zyPolice, action: matter.ActionDeliver, payload: deliver("赵志强、孙法警", 2*d)},
				{who: jls, action: matter.ActionIntake, payload: intake(2*d-h, "JL2025-0412", 15)},
				{who: zyPolice, action: matter.ActionNotifyFamily, payload: family("丈夫 李某", 2*d-3*h), docs: []docRef{{"notice_digest", detentionNotice}}},
				{who: zy, action: matter.ActionReconsideration, payload: map[string]any{"applicant": "被拘留人 郑玉梅", "served_on": day(2), "applied_on": day(1)}},
			}},
		{kind: "detention", state: matter.DetentionReleasing, who: zy, addressed: gaJLS, caseNo: "（2025）豫16执176号", person: 23,
			payload: detention("拒不履行生效裁定。", 15, 5*d), docs: []docRef{{"decision_digest", detentionOrder}},
			acts: []act{
				{who: zyPolice, action: matter.ActionDeliver, payload: deliver("赵志强、孙法警", 4*d)},
				{who: jls, action: matter.ActionIntake, payload: intake(4*d-h, "JL2025-0398", 15)},
				{who: zyPolice, action: matter.ActionNotifyFamily, payload: family("妻子 王某", 4*d-2*h), docs: []docRef{{"notice_digest", detentionNotice}}},
				{who: zy, action: matter.ActionEarlyRelease, payload: map[string]any{"reason": "被拘留人家属已代为履行全部给付义务。"}, docs: []docRef{{"decision_digest", earlyRelease}}},
			}},
		{kind: "detention", state: matter.DetentionReleased, who: ch, addressed: gaJLS, caseNo: "（2024）豫1602执恢58号", person: 24,
			payload: detention("拒不履行，转移财产。", 15, 18*d), docs: []docRef{{"decision_digest", detentionOrder}},
			acts: []act{
				{who: ch, action: matter.ActionDeliver, payload: deliver("陈晓梅、川汇区法院法警二人", 16*d)},
				{who: jls, action: matter.ActionIntake, payload: intake(16*d-h, "JL2025-0301", 15)},
				{who: ch, action: matter.ActionNotifyFamily, payload: family("父亲 傅某", 16*d-4*h), docs: []docRef{{"notice_digest", detentionNotice}}},
				{who: jls, action: matter.ActionRelease, payload: map[string]any{"released_at": at(2 * h), "certificate_no": "JC2025-0301"}},
			}},
		{kind: "detention", state: matter.DetentionClosed, who: zy, addressed: gaJLS, caseNo: "（2025）豫16执182号", person: 25,
			payload: detention("拒不履行。", 7, 3*d), docs: []docRef{{"decision_digest", detentionOrder}},
			acts: []act{{who: zy, action: matter.ActionClose, payload: map[string]any{"note": "送拘前被执行人已履行全部义务，拘留决定已撤销。"}}}},

		// ── 限制出境 (exitban), to 出入境 ──
		{kind: "exitban", state: matter.ExitbanRequested, who: zy, addressed: gaCRJ, caseNo: "（2025）豫16执188号", person: 8,
			payload: exitban(people[8], "debtor", "", []map[string]any{passport("E61283507")}, "被执行人有出境经商记录，可能出境逃避执行。"),
			docs:    []docRef{{"decision_digest", exitbanOrder}}},
		{kind: "exitban", state: matter.ExitbanInForce, who: ch, addressed: gaCRJ, caseNo: "（2025）豫1602执645号", person: 10,
			payload: exitban(people[10], "legal_representative", "周口市某某建材有限公司", []map[string]any{passport("E70345128"), hkmo("C60427713")}, "被执行单位未履行，法定代表人频繁出入境。"),
			docs:    []docRef{{"decision_digest", exitbanOrder}},
			acts: []act{
				{who: crj, action: matter.ActionLodge, payload: map[string]any{"control_id": "BK4116-2025-0107", "lodged_at": at(20 * h)}},
				{who: ch, action: matter.ActionRenew, payload: map[string]any{"until": now.AddDate(2, 0, 0).In(china).Format(time.DateOnly)}, docs: []docRef{{"decision_digest", exitbanRenewal}}},
			}},
		{kind: "exitban", state: matter.ExitbanLifting, who: zy, addressed: gaCRJ, caseNo: "（2025）豫16执193号", person: 13,
			payload: exitban(people[13], "debtor", "", []map[string]any{passport("EB1234567")}, "被执行人可能出境。"),
			docs:    []docRef{{"decision_digest", exitbanOrder}},
			acts: []act{
				{who: crj, action: matter.ActionLodge, payload: map[string]any{"control_id": "BK4116-2025-0112", "lodged_at": at(6 * d)}},
				{who: zy, action: matter.ActionLift, payload: map[string]any{"reason": "security", "note": "被执行人提供房产担保，经申请执行人认可。"}, docs: []docRef{{"decision_digest", exitbanLiftOrder}}},
			}},
		{kind: "exitban", state: matter.ExitbanLifted, who: zy, addressed: gaCRJ, caseNo: "（2024）豫16执恢131号", person: 19,
			payload: exitban(people[19], "debtor", "", []map[string]any{passport("E53018842"), hkmo("C71830264")}, "被执行人有出境记录。"),
			docs:    []docRef{{"decision_digest", exitbanOrder}},
			acts: []act{
				{who: crj, action: matter.ActionLodge, payload: map[string]any{"control_id": "BK4116-2024-0388", "lodged_at": at(40 * d)}},
				{who: zy, action: matter.ActionLift, payload: map[string]any{"reason": "performed"}, docs: []docRef{{"decision_digest", exitbanLiftOrder}}},
				{who: crj, action: matter.ActionConfirmLift, payload: map[string]any{"lifted_at": at(3 * h), "note": "已通知边防检查机关撤销边控。"}},
			}},

		// ── 请求出警 (dispatch), to 情报指挥中心 ──
		{kind: "dispatch", state: matter.DispatchRaised, who: zy, addressed: gaZHZX, caseNo: "（2025）豫16执201号", person: 20,
			payload: call("川汇区七一路 18 号院门口", 33.6257, 114.6495, "被执行人亲属十余人围堵执行干警，抢夺执法记录仪。", "13803940000")},
		{kind: "dispatch", state: matter.DispatchAcknowledged, who: ch, addressed: gaZHZX, caseNo: "（2025）豫1602执657号", person: 21,
			payload: call("川汇区交通大道与八一大道交叉口某商铺", 33.6301, 114.6412, "查封现场被执行人持械阻挠。", "13937600000"),
			acts:    []act{{who: zhzx, action: matter.ActionAcknowledge, payload: map[string]any{"note": "已接警，正在调度。"}}}},
		{kind: "dispatch", state: matter.DispatchDispatched, who: zy, addressed: gaZHZX, caseNo: "（2025）豫16执207号", person: 22,
			payload: call("周口市经济开发区某厂区大门", 33.5869, 114.6842, "腾退厂房时聚集三十余人阻挠。", "13838600000"),
			acts: []act{
				{who: zhzx, action: matter.ActionAcknowledge, payload: map[string]any{"note": "已接警。"}},
				{who: zhzx, action: matter.ActionDispatch, payload: map[string]any{"units": "川汇分局城南派出所、特警支队", "officers": "民警 6 人、特警 8 人"}},
			}},
		{kind: "dispatch", state: matter.DispatchOnScene, who: zy, addressed: gaZHZX, caseNo: "（2025）豫16执211号", person: 23,
			payload: call("淮阳区羲皇大道某小区", 33.7325, 114.8862, "强制腾退时被执行人以自伤相威胁。", "13903940000"),
			acts: []act{
				{who: zhzx, action: matter.ActionAcknowledge, payload: map[string]any{"note": "已接警。"}},
				{who: zhzx, action: matter.ActionDispatch, payload: map[string]any{"units": "淮阳分局城关派出所", "officers": "民警 4 人"}},
				{who: zhzx, action: matter.ActionArrive, payload: map[string]any{"note": "民警已到达现场，正在劝解。"}},
			}},
		{kind: "dispatch", state: matter.DispatchResolved, who: ch, addressed: gaZHZX, caseNo: "（2025）豫1602执668号", person: 24,
			payload: call("川汇区文昌大道某门面房", 33.6198, 114.6603, "查封门面房时被执行人亲属推搡执行干警。", "13598100000"),
			acts: []act{
				{who: zhzx, action: matter.ActionAcknowledge, payload: map[string]any{"note": "已接警。"}},
				{who: zhzx, action: matter.ActionDispatch, payload: map[string]any{"units": "川汇分局人民路派出所", "officers": "王警官等 4 人"}},
				{who: zhzx, action: matter.ActionArrive, payload: map[string]any{"note": "已到达现场。"}},
				{who: zhzx, action: matter.ActionResolve, payload: map[string]any{"outcome": "现场已控制，将推搡执行干警的 2 人带回派出所调查。", "follow_up": "obstruction"}},
			}},
		{kind: "dispatch", state: matter.DispatchCancelled, who: zy, addressed: gaZHZX, caseNo: "（2025）豫16执215号", person: 25,
			payload: call("项城市交通路某小区", 33.4431, 114.8757, "被执行人情绪激动，扬言阻挠搜查。", "13782200000"),
			acts: []act{
				{who: zhzx, action: matter.ActionAcknowledge, payload: map[string]any{"note": "已接警。"}},
				{who: zy, action: matter.ActionCancel, payload: map[string]any{"reason": "经劝解被执行人情绪平稳，配合执行，无需出警。"}},
			}},
	}, append(criminalSpecs(now), vehicleSpecs(now)...)...)
}
