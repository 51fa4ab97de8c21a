package matter_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"liandong/internal/access"
	"liandong/internal/audit"
	"liandong/internal/connector"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/keyring"
	"liandong/internal/matter"
	"liandong/internal/signer"
	"liandong/internal/vehicle"
)

// t0 is Monday 2025-03-03 09:00 in China: a working day.
var t0 = time.Date(2025, 3, 3, 1, 0, 0, 0, time.UTC)

const caseNo = "（2021）豫16执123号"

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// fixture is an engine on a test database with the Zhoukou directory and
// the people of the scenarios.
type fixture struct {
	d      *db.DB
	dir    *directory.Store
	policy *access.Policy
	log    *audit.Log
	keys   *signer.Store
	ring   *keyring.Ring
	// The vehicle registry simulator and the seal register on it.
	vehicles     *connector.VehicleSimulator
	register     *vehicle.Register
	vehicleIndex int // the last simulator vehicle a table test took
	clock        *clock
	en           *matter.Engine
	people       map[string]access.Principal
}

// The people. Usernames say who they are.
var people = []struct {
	username, unit string
	side           string
	roles          []directory.Role
}{
	{"officer", "fy411600-zxj", "court", []directory.Role{directory.CourtOfficer}},
	{"courtlead", "fy411600-zxj", "court", []directory.Role{directory.CourtLeader}},
	{"jingcha", "fy411600", "court", []directory.Role{directory.JudicialPolice}},
	{"handler", "ga411602", "police", []directory.Role{directory.PoliceHandler}},
	{"polilead", "ga411602", "police", []directory.Role{directory.PoliceLeader}},
	{"citylead", "ga411600", "police", []directory.Role{directory.PoliceLeader}},
	{"otherjudge", "fy411621-zxj", "court", []directory.Role{directory.CourtOfficer}},
	{"othercop", "ga411621", "police", []directory.Role{directory.PoliceHandler}},
	{"luyijudge", "fy411628-zxj", "court", []directory.Role{directory.CourtOfficer}},
	// The police units the S-ASSIST kinds are addressed to.
	{"jls", "ga411600-jls", "police", []directory.Role{directory.PoliceHandler}},
	{"crj", "ga411600-crj", "police", []directory.Role{directory.PoliceHandler}},
	{"zhzx", "ga411602-zhzx", "police", []directory.Role{directory.PoliceHandler}},
	{"cgs", "ga411600-jj-cgs", "police", []directory.Role{directory.PoliceHandler}},
}

func newRing(t testing.TB) *keyring.Ring {
	t.Helper()
	text, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	r, err := keyring.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := directory.NewStore(d)
	if _, err := dir.LoadZhoukou(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fixture{d: d, dir: dir, clock: &clock{t: t0}, people: map[string]access.Principal{}}
	f.ring = newRing(t)
	f.keys = signer.NewStore(d, f.ring)
	f.log = audit.New(d, f.keys, audit.Options{Now: f.clock.Now})
	f.policy = access.NewPolicy(dir, access.Config{Now: f.clock.Now})
	for _, p := range people {
		var id int64
		now := db.Now()
		if err := d.Write().QueryRowContext(ctx, `INSERT INTO users (username, display_name, unit_code, password_hash, must_change_password, active, created_at, updated_at, password_changed_at)
			VALUES ($1, $2, $3, 'x', FALSE, TRUE, $4, $4, $4) RETURNING id`, p.username, "测试 "+p.username, p.unit, now).Scan(&id); err != nil {
			t.Fatalf("add user %s: %v", p.username, err)
		}
		for _, r := range p.roles {
			if _, err := d.Write().ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, id, string(r)); err != nil {
				t.Fatal(err)
			}
		}
		f.people[p.username] = access.Principal{UserID: id, Username: p.username, UnitCode: p.unit, Side: p.side, Roles: p.roles, Source: "test"}
	}
	var err error
	if f.vehicles, err = connector.NewVehicleSimulator(1, 10_000, connector.WithVehicleClock(f.clock.Now)); err != nil {
		t.Fatal(err)
	}
	if f.register, err = vehicle.New(ctx, d, f.vehicles, vehicle.Config{Now: f.clock.Now}); err != nil {
		t.Fatal(err)
	}
	f.en = f.engine(t, matter.Config{})
	return f
}

// engine returns another engine on f's database (a restart, or another
// server) with cfg; the fixture's clock unless cfg has one.
func (f *fixture) engine(t testing.TB, cfg matter.Config) *matter.Engine {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = f.clock.Now
	}
	if cfg.Vehicles == nil {
		cfg.Vehicles = f.register
	}
	en, err := matter.New(context.Background(), f.d, f.dir, f.policy, f.log, f.keys, f.ring, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return en
}

func (f *fixture) pr(name string) access.Principal {
	p, ok := f.people[name]
	if !ok {
		panic("no test user " + name)
	}
	return p
}

// payloads are valid payloads for every action.
var payloads = map[string]string{
	matter.ActionCreate:         `{"note":"请协助查找被执行人下落"}`,
	matter.ActionAddClue:        `{"type":"residence","content":"实际居住于川汇区七一路 18 号院","source":"人口信息系统","observed_at":"2025-03-03 10:00"}`,
	matter.ActionAnswerNone:     `{"note":"经查询各系统，暂无线索"}`,
	matter.ActionRequestMore:    `{"note":"请补充查询住宿记录"}`,
	matter.ActionMarkControlled: `{"place":"川汇分局人民路派出所","controlled_at":"2025-03-03 11:00","unit":"川汇分局"}`,
	matter.ActionClose:          `{"note":"已执行完毕"}`,
	matter.ActionSuggestReview:  `{"suggestion":"协助执行通知书缺少被执行人身份证号码"}`,
	matter.ActionAnswerReview:   `{"answer":"已补充，见附件"}`,
	matter.ActionDelegate:       `{"court":"fy411628","note":"跨区域，委托鹿邑县法院代为接收"}`,
	matter.ActionTakeOver:       `{"receiver":"张法官","place":"人民路派出所","received_at":"2025-03-03 12:00"}`,
	matter.ActionHandOver:       `{"officer":"王警官","place":"人民路派出所","handed_at":"2025-03-03 12:05"}`,
	matter.ActionCancel:         `{"reason":"被执行人已履行全部义务"}`,

	// summons (拘传)
	matter.ActionAssist:           `{"place":"川汇区七一路 18 号院","brought_at":"2025-03-03 10:00"}`,
	matter.ActionStartQuestioning: `{"place":"执行局询问室"}`,
	matter.ActionDeclareComplex:   `{"reason":"拒不申报财产，依法可能拘留"}`,
	matter.ActionEndQuestioning:   `{"outcome":"released","note":"已申报财产"}`,
	// detention (司法拘留)
	matter.ActionDeliver:          `{"officers":"李法警、赵法警","delivered_at":"2025-03-03 14:00"}`,
	matter.ActionRedeliver:        `{"officers":"李法警、赵法警","delivered_at":"2025-03-04 09:00","note":"经医院复查未怀孕"}`,
	matter.ActionIntake:           `{"intake_at":"2025-03-03 15:00","facility":"周口市拘留所","intake_id":"JL2025-0012","term_days":15,"release_due":"2025-03-18"}`,
	matter.ActionRefuseIntake:     `{"reason":"pregnant","detail":"经周口市中心医院检查已怀孕 12 周"}`,
	matter.ActionNotifyFamily:     `{"notice_digest":"` + digestB + `","notified":"妻子 王某","notified_at":"2025-03-03 18:00","method":"电话并送达拘留通知书"}`,
	matter.ActionEarlyRelease:     `{"decision_digest":"` + digestC + `","reason":"已履行全部义务"}`,
	matter.ActionRelease:          `{"released_at":"2025-03-18 09:00","certificate_no":"JC2025-0012"}`,
	matter.ActionReconsideration:  `{"applicant":"被拘留人 张某","served_on":"2025-03-03","applied_on":"2025-03-05"}`,
	matter.ActionDecideReconsider: `{"outcome":"upheld","court":"河南省高级人民法院","decided_on":"2025-03-08"}`,
	matter.ActionRaiseQuery:       `{"question":"被拘留人称已于 3 月 1 日履行完毕，是否错误拘留？"}`,
	matter.ActionAnswerQuery:      `{"answer":"经核实未履行，继续执行拘留"}`,
	// exitban (限制出境)
	matter.ActionLodge:       `{"control_id":"BK4100-2025-0001","lodged_at":"2025-03-03 16:00"}`,
	matter.ActionRenew:       `{"until":"2026-03-03"}`,
	matter.ActionLift:        `{"decision_digest":"` + digestC + `","reason":"performed"}`,
	matter.ActionConfirmLift: `{"lifted_at":"2025-03-04 10:00"}`,
	// dispatch (出警)
	matter.ActionAcknowledge: `{"note":"已接警"}`,
	matter.ActionDispatch:    `{"units":"川汇分局人民路派出所","officers":"王警官等 4 人"}`,
	matter.ActionArrive:      `{"note":"已到达现场"}`,
	matter.ActionResolve:     `{"outcome":"现场已控制，将阻挠人员带回派出所调查","follow_up":"obstruction"}`,
}

// Test document digests (SM3 digests are 64 hex characters).
var (
	digestA = strings.Repeat("a1", 32)
	digestB = strings.Repeat("b2", 32)
	digestC = strings.Repeat("c3", 32)
)

// createPayloads are valid creation payloads of the S-ASSIST kinds.
var createPayloads = map[string]string{
	"summons":   `{"warrant_digest":"` + digestA + `","approved_by":"president","approved_at":"2025-03-02 17:00","reason":"经两次传票传唤无正当理由拒不到场"}`,
	"detention": `{"decision_digest":"` + digestA + `","approved_by":"president","approved_at":"2025-03-03 12:00","term_days":15,"reason":"拒不报告财产"}`,
	"exitban": `{"decision_digest":"` + digestA + `","person":{"name":"张某","id_number":"411602199001011232","role":"legal_representative"},` +
		`"unit":"周口某某商贸有限公司","travel_documents":[{"kind":"passport","number":"E12345678"},{"kind":"hk_mo_pass","number":"C12345678"}]}`,
	"dispatch": `{"address":"川汇区七一路 18 号院门口","lat":33.6257,"lng":114.6495,"situation":"被执行人亲属十余人围堵执行干警，抢夺执法记录仪","phone":"13803940000"}`,
}

// step is one act on the way to a state.
type step struct{ who, action string }

// assistPaths are the paths to each state of the S-ASSIST kinds, from a
// matter the officer created addressed to ga411602 (so that the table
// test's handler and polilead may act).
var assistPaths = map[string]map[matter.State][]step{
	"summons": {
		matter.SummonsIssued:     nil,
		matter.SummonsBrought:    {{"handler", matter.ActionAssist}},
		matter.SummonsQuestioned: {{"handler", matter.ActionAssist}, {"officer", matter.ActionStartQuestioning}},
		matter.SummonsEnded:      {{"handler", matter.ActionAssist}, {"officer", matter.ActionStartQuestioning}, {"officer", matter.ActionEndQuestioning}},
		matter.SummonsWithdrawn:  {{"officer", matter.ActionCancel}},
	},
	"detention": {
		matter.DetentionDecided:   nil,
		matter.DetentionDelivered: {{"jingcha", matter.ActionDeliver}},
		matter.DetentionRefused:   {{"jingcha", matter.ActionDeliver}, {"handler", matter.ActionRefuseIntake}},
		matter.DetentionHeld:      {{"jingcha", matter.ActionDeliver}, {"handler", matter.ActionIntake}},
		matter.DetentionReleasing: {{"jingcha", matter.ActionDeliver}, {"handler", matter.ActionIntake}, {"officer", matter.ActionEarlyRelease}},
		matter.DetentionReleased:  {{"jingcha", matter.ActionDeliver}, {"handler", matter.ActionIntake}, {"handler", matter.ActionRelease}},
		matter.DetentionClosed:    {{"officer", matter.ActionClose}},
	},
	"exitban": {
		matter.ExitbanRequested: nil,
		matter.ExitbanInForce:   {{"handler", matter.ActionLodge}},
		matter.ExitbanLifting:   {{"handler", matter.ActionLodge}, {"officer", matter.ActionLift}},
		matter.ExitbanLifted:    {{"handler", matter.ActionLodge}, {"officer", matter.ActionLift}, {"handler", matter.ActionConfirmLift}},
	},
	"dispatch": {
		matter.DispatchRaised:       nil,
		matter.DispatchAcknowledged: {{"handler", matter.ActionAcknowledge}},
		matter.DispatchDispatched:   {{"handler", matter.ActionAcknowledge}, {"handler", matter.ActionDispatch}},
		matter.DispatchOnScene:      {{"handler", matter.ActionAcknowledge}, {"handler", matter.ActionDispatch}, {"handler", matter.ActionArrive}},
		matter.DispatchResolved: {{"handler", matter.ActionAcknowledge}, {"handler", matter.ActionDispatch}, {"handler", matter.ActionArrive},
			{"handler", matter.ActionResolve}},
		matter.DispatchCancelled: {{"officer", matter.ActionCancel}},
	},
}

// createKind files a matter of kind from the officer to addressed with the
// kind's valid creation payload.
func (f *fixture) createKind(t testing.TB, kind, addressed string) matter.Matter {
	t.Helper()
	m, err := f.en.Create(context.Background(), f.pr("officer"), matter.NewMatter{Kind: kind, CaseNumber: caseNo,
		AddressedUnit: addressed, Payload: json.RawMessage(createPayloads[kind]), Documents: []string{digestA}})
	if err != nil {
		t.Fatalf("create %s: %v", kind, err)
	}
	return m
}

func payload(action string) json.RawMessage { return json.RawMessage(payloads[action]) }

// create files a locate from the officer to ga411602.
func (f *fixture) create(t testing.TB) matter.Matter {
	t.Helper()
	m, err := f.en.Create(context.Background(), f.pr("officer"), matter.NewMatter{Kind: "locate", CaseNumber: caseNo,
		AddressedUnit: "ga411602", Payload: payload(matter.ActionCreate)})
	if err != nil {
		t.Fatalf("create locate: %v", err)
	}
	return m
}

// act does action as user and fails the test on error.
func (f *fixture) act(t testing.TB, user string, id int64, action string) matter.Matter {
	t.Helper()
	m, _, err := f.en.Act(context.Background(), f.pr(user), id, action, 0, payload(action), nil)
	if err != nil {
		t.Fatalf("%s %s on matter %d: %v", user, action, id, err)
	}
	return m
}

// child returns the matter id opened by parent (the handover of a locate).
func (f *fixture) child(t testing.TB, parent int64) int64 {
	t.Helper()
	var id int64
	if err := f.d.Read().QueryRowContext(context.Background(), `SELECT id FROM matters WHERE parent_id = $1`, parent).Scan(&id); err != nil {
		t.Fatalf("handover of matter %d: %v", parent, err)
	}
	return id
}

// customInState reaches states that need more than acts on one matter
// (a waiting vehicle seal needs another seal ahead of it).
var customInState = map[string]func(f *fixture, t testing.TB, s matter.State) int64{}

// inState returns a fresh matter of kind in state s.
func (f *fixture) inState(t testing.TB, kind string, s matter.State) int64 {
	t.Helper()
	if in, ok := customInState[kind]; ok {
		return in(f, t, s)
	}
	if paths, ok := assistPaths[kind]; ok {
		path, ok := paths[s]
		if !ok {
			t.Fatalf("no path to %s/%s", kind, s)
		}
		m := f.createKind(t, kind, "ga411602")
		for _, st := range path {
			f.act(t, st.who, m.ID, st.action)
		}
		return m.ID
	}
	l := f.create(t)
	switch kind + "/" + string(s) {
	case "locate/requested":
	case "locate/answered":
		f.act(t, "handler", l.ID, matter.ActionAddClue)
	case "locate/controlled":
		f.act(t, "handler", l.ID, matter.ActionMarkControlled)
	case "locate/closed":
		f.act(t, "officer", l.ID, matter.ActionClose)
	default:
		f.act(t, "handler", l.ID, matter.ActionMarkControlled)
		h := f.child(t, l.ID)
		switch s {
		case matter.HandoverControlled:
		case matter.HandoverDelegated:
			f.act(t, "officer", h, matter.ActionDelegate)
		case matter.HandoverReceived:
			f.act(t, "officer", h, matter.ActionTakeOver)
		case matter.HandoverDone:
			f.act(t, "officer", h, matter.ActionTakeOver)
			f.act(t, "handler", h, matter.ActionHandOver)
		case matter.HandoverCancelled:
			f.act(t, "officer", h, matter.ActionCancel)
		default:
			t.Fatalf("no path to %s/%s", kind, s)
		}
		return h
	}
	return l.ID
}

var china = time.FixedZone("CST", 8*3600)
