package matter

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/ident"
	"liandong/internal/keyring"
	"liandong/internal/signer"
	"liandong/internal/vehicle"
	"liandong/internal/workday"
)

// Config tunes an Engine. It is built once by the caller; zero fields take
// defaults. Nothing in this package is global.
type Config struct {
	// Side is the side this node serves: "court", "police" or "all" (the
	// default: one machine, both sides, loopback exchange).
	Side string
	// Clocks overrides configurable clock rules (ClockRule.Configurable).
	Clocks map[ClockID]Period
	// Calendar computes deadlines. Default workday.Default().
	Calendar *workday.Calendar
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// EscalateAfter is how long a clock may be overdue before the owner's
	// leader is told. Default 1 hour: overdue already means the legal or
	// agreed time is gone, so the leader hears of it the same working day.
	EscalateAfter time.Duration
	// PeerKeys trusts the other node's envelope signatures: key fingerprint
	// → PEM public key. The own node key is always trusted (all mode).
	PeerKeys map[string]string
	// Logger receives the background workers' failures. Default: discarded.
	Logger *slog.Logger
	// Vehicles is the vehicle seal register the vehicle kinds keep on the
	// police side (S-VEH-2); nil on a node without one, where they refuse.
	Vehicles *vehicle.Register
}

func (c Config) withDefaults() (Config, error) {
	switch c.Side {
	case "":
		c.Side = "all"
	case "all", string(Court), string(Police):
	default:
		return c, fmt.Errorf("matter engine: side %q, want court, police or all", c.Side)
	}
	if c.Calendar == nil {
		c.Calendar = workday.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.EscalateAfter <= 0 {
		c.EscalateAfter = time.Hour
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	for id, p := range c.Clocks {
		r, ok := ruleByID(id)
		if !ok {
			return c, fmt.Errorf("matter engine: unknown clock %s in configuration", id)
		}
		if !r.Configurable {
			return c, fmt.Errorf("matter engine: clock %s is fixed by law (%s) and cannot be configured", id, r.Source)
		}
		if _, err := c.Calendar.Due(time.Now(), p.N, p.Unit); err != nil {
			return c, fmt.Errorf("matter engine: clock %s: %w", id, err)
		}
	}
	return c, nil
}

func (c Config) serves(s Side) bool { return c.Side == "all" || c.Side == string(s) }

// Engine runs matters on one database.
//
// Decision: the acting user is an access.Principal as Authenticate returned
// it — its Side, UnitCode and Roles are what the tables check, and the
// event records the first of the principal's roles that the transition
// allows. No separate Actor type to keep in step with it.
type Engine struct {
	db     *db.DB
	dir    *directory.Store
	policy *access.Policy
	audit  *audit.Log
	key    *signer.Key // the node key that signs envelopes and receipts
	cfg    Config
	stmts  map[string]*sql.Stmt // the hot statements, prepared (nil: plain SQL)
	vault  vault                // seals payloads and envelopes at rest
}

// New returns an engine. It creates the node key on first use and seals
// payloads an earlier version left in clear, so call it at start-up on a
// migrated database. ring seals payloads and envelopes at rest (S-SEC-3).
func New(ctx context.Context, d *db.DB, dir *directory.Store, policy *access.Policy, log *audit.Log, keys *signer.Store, ring *keyring.Ring, cfg Config) (*Engine, error) {
	if ring == nil {
		return nil, errors.New("matter engine: no keyring to seal payloads with")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	for _, k := range kinds {
		if err := k.Check(); err != nil {
			return nil, err
		}
	}
	key, err := keys.Ensure(ctx, signer.NodeOwner)
	if err != nil {
		return nil, fmt.Errorf("matter engine: node key: %w", err)
	}
	en := &Engine{db: d, dir: dir, policy: policy, audit: log, key: key, cfg: cfg, vault: vault{ring}}
	n, err := en.sealLegacy(ctx)
	if err != nil {
		return nil, fmt.Errorf("matter engine: %w", err)
	}
	if n > 0 {
		cfg.Logger.Info("sealed payloads stored in clear by an earlier version", "rows", n)
	}
	en.stmts = prepareStatements(ctx, d.Write())
	return en, nil
}

// WithNow returns an engine on the same database, keys and statements
// whose clock is now: the demo files matters back-dated through it.
func (en *Engine) WithNow(now func() time.Time) *Engine {
	c := *en
	c.cfg.Now = now
	return &c
}

// Config returns the engine's configuration with defaults filled in.
func (en *Engine) Config() Config { return en.cfg }

func (en *Engine) now() time.Time { return db.Time(en.cfg.Now()) }

// targets are the access targets of a matter: its requesting and addressed
// units, and the requesting and delegate units once a court takes over on
// the requesting court's behalf. A principal reaches the matter through
// any of them.
func (m Matter) targets() []access.Target {
	t := []access.Target{{RequestingUnit: m.RequestingUnit, AddressedUnit: m.AddressedUnit, CaseNumber: m.CaseNumber}}
	if m.DelegateUnit != "" {
		t = append(t, access.Target{RequestingUnit: m.RequestingUnit, AddressedUnit: m.DelegateUnit, CaseNumber: m.CaseNumber})
	}
	return t
}

// check returns nil when pr may do a to m through any of its targets, else
// the policy's error for the first target.
func (en *Engine) check(ctx context.Context, pr access.Principal, a access.Action, m Matter) error {
	var first error
	for _, t := range m.targets() {
		err := en.policy.Check(ctx, pr, a, t)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// visible checks that pr may read m; out of scope is NotFound, so that
// whether a matter exists does not leak.
func (en *Engine) visible(ctx context.Context, pr access.Principal, m Matter) error {
	if err := en.check(ctx, pr, access.ActionMatterRead, m); err != nil {
		if k := apperr.KindOf(err); k == apperr.Forbidden {
			return errNotFound()
		}
		return err
	}
	return nil
}

// authorize checks that pr may act as t in m's current state: the policy,
// then the table (state, side, role). It returns the role to record.
func (en *Engine) authorize(ctx context.Context, pr access.Principal, k *Kind, m Matter, action string) (Transition, directory.Role, error) {
	if err := en.visible(ctx, pr, m); err != nil {
		return Transition{}, "", err
	}
	if err := en.check(ctx, pr, access.ActionMatterAct, m); err != nil {
		return Transition{}, "", err
	}
	return permitted(k, m.State, action, pr)
}

// permitted checks the table alone.
func permitted(k *Kind, state State, action string, pr access.Principal) (Transition, directory.Role, error) {
	label := k.ActionLabel(action)
	known := false
	for _, t := range k.Transitions {
		known = known || t.Action == action
	}
	if !known || (action == ActionCreate) != (state == NoState) {
		return Transition{}, "", apperr.Invalidf("action", CodeActionUnknown, "“%s”事项没有“%s”操作", k.Label, action)
	}
	t, ok := k.find(state, action)
	if !ok {
		return Transition{}, "", apperr.New(apperr.Conflict, CodeState,
			fmt.Sprintf("事项当前状态为“%s”，不能进行“%s”", k.StateLabel(state), label))
	}
	if t.System {
		return Transition{}, "", apperr.New(apperr.Forbidden, CodeRole, fmt.Sprintf("“%s”由系统自动办理", label))
	}
	if Side(pr.Side) != t.Side {
		return Transition{}, "", apperr.New(apperr.Forbidden, CodeSide,
			fmt.Sprintf("“%s”须由%s办理", label, t.Side.Label()))
	}
	for _, r := range pr.Roles {
		if t.allowsRole(r) {
			return t, r, nil
		}
	}
	names := make([]string, len(t.Roles))
	for i, r := range t.Roles {
		names[i] = r.Label()
	}
	return Transition{}, "", apperr.New(apperr.Forbidden, CodeRole,
		fmt.Sprintf("您的角色不能进行“%s”，须由%s办理", label, strings.Join(names, "、")))
}

var digestPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// prepare validates and canonicalizes an act's payload and documents.
func prepare(t Transition, payload json.RawMessage, docs []string) (json.RawMessage, []string, error) {
	if len(payload) > MaxPayload {
		return nil, nil, apperr.Invalidf("payload", CodePayload, "提交的内容过长（上限 %d KB）", MaxPayload>>10)
	}
	if _, err := object(payload); err != nil {
		return nil, nil, err
	}
	if t.Validate != nil {
		if err := t.Validate(payload); err != nil {
			return nil, nil, err
		}
	}
	canon, err := CanonicalJSON(payload)
	if err != nil {
		return nil, nil, apperr.Invalidf("payload", CodePayload, "提交的内容格式不正确（应为 JSON 对象）")
	}
	var out []string
	for _, d := range docs {
		d = strings.ToLower(strings.TrimSpace(d))
		if !digestPattern.MatchString(d) {
			return nil, nil, apperr.Invalidf("documents", CodeDocument, "文书摘要“%s”无效，应为 64 位十六进制 SM3 摘要", d)
		}
		out = append(out, d)
	}
	return canon, out, nil
}

// Create files a new matter: the kind's creation transition, checked
// against the policy (ActionMatterCreate) and the table, in one
// transaction with its event, clocks, audit entry and outbox envelope.
func (en *Engine) Create(ctx context.Context, pr access.Principal, nm NewMatter) (Matter, error) {
	k, ok := KindByName(nm.Kind)
	if !ok {
		return Matter{}, apperr.Invalidf("kind", CodeKindUnknown, "未知的协作事项类型“%s”", nm.Kind)
	}
	cn, err := ident.ParseCaseNumber(nm.CaseNumber)
	if err != nil {
		return Matter{}, apperr.Invalidf("case_number", CodeCase, "%s", err.Error())
	}
	if !cn.IsEnforcement() {
		return Matter{}, apperr.Invalidf("case_number", CodeCase, "案号“%s”不是执行案件（应为“执”字号案件），协作事项须属于执行案件", cn.String())
	}
	if nm.RequestingUnit == "" {
		nm.RequestingUnit = pr.UnitCode
	}
	req, err := en.unit(ctx, "requesting_unit", nm.RequestingUnit)
	if err != nil {
		return Matter{}, err
	}
	addr, err := en.unit(ctx, "addressed_unit", nm.AddressedUnit)
	if err != nil {
		return Matter{}, err
	}
	court, err := en.courtOf(ctx, req)
	if err != nil {
		return Matter{}, err
	}
	if err := matchCourt(cn, court); err != nil {
		return Matter{}, err
	}
	m := Matter{Kind: k.Name, CaseNumber: cn.String(), CourtUnit: court.Code, Officer: pr.Username,
		RequestingUnit: req.Code, RequestingSide: Side(req.Side), AddressedUnit: addr.Code, AddressedSide: Side(addr.Side),
		SubjectID: nm.SubjectID}
	if err := en.policy.Check(ctx, pr, access.ActionMatterCreate, m.targets()[0]); err != nil {
		en.denied(ctx, pr, "matter.create", "matter:new", m.CaseNumber, err)
		return Matter{}, err
	}
	t, role, err := permitted(k, NoState, ActionCreate, pr)
	if err != nil {
		return Matter{}, err
	}
	if !en.cfg.serves(t.Side) {
		return Matter{}, errNodeSide(t.Side)
	}
	payload, docs, err := prepare(t, nm.Payload, nm.Documents)
	if err != nil {
		return Matter{}, err
	}
	var out Matter
	run := &txRun{}
	err = en.db.Tx(ctx, func(tx *sql.Tx) error {
		*run = txRun{}
		now := en.now()
		e := Event{ID: newID(), MatterUID: newID(), Kind: k.Name, Seq: 1, Side: t.Side,
			Username: pr.Username, UnitCode: pr.UnitCode, Role: string(role), At: now, Type: ActionCreate,
			Payload: payload, Documents: docs,
			Header: &Header{CaseNumber: m.CaseNumber, CourtUnit: m.CourtUnit, Officer: m.Officer,
				RequestingUnit: m.RequestingUnit, RequestingSide: m.RequestingSide,
				AddressedUnit: m.AddressedUnit, AddressedSide: m.AddressedSide, SubjectID: m.SubjectID}}
		if e.Clocks, err = en.cfg.start(t.Starts, now); err != nil {
			return err
		}
		dueFor(t, m, payload, e.Clocks, now)
		res, err := en.commit(ctx, tx, k, nil, e, pr.Source, false)
		if err != nil {
			return err
		}
		out = res.matter
		if err := en.effects(ctx, run, tx, k, res, false); err != nil {
			return err
		}
		if k.Effects != nil { // automatic acts may have moved the matter on
			out, err = en.reload(ctx, tx, out.ID)
		}
		return err
	})
	if err != nil {
		return Matter{}, err
	}
	run.committed(ctx)
	return out, nil
}

// matchCourt refuses a case number of another court: a court files
// matters in its own cases (S-SEC-2). Huaiyang's numbers may carry 豫1626
// (its code before 2019) or 豫1603; both are accepted for it.
func matchCourt(cn ident.CaseNumber, court directory.Unit) error {
	if court.CourtCode == "" || cn.CourtCode == court.CourtCode {
		return nil
	}
	if aliases[cn.CourtCode] == court.CourtCode || aliases[court.CourtCode] == cn.CourtCode {
		return nil
	}
	return apperr.Invalidf("case_number", CodeCase, "案号“%s”不是%s的案件（本院案号代字为“%s”）", cn.String(), court.Name, court.CourtCode)
}

var aliases = map[string]string{"豫1626": "豫1603"}

func errNodeSide(s Side) error {
	return apperr.New(apperr.Forbidden, CodeNodeSide, fmt.Sprintf("本节点不办理%s一方的操作", s.Label()))
}

// unit returns an active unit or an Invalid error about field.
func (en *Engine) unit(ctx context.Context, field, code string) (directory.Unit, error) {
	if strings.TrimSpace(code) == "" {
		return directory.Unit{}, apperr.Invalidf(field, CodeUnit, "请选择单位")
	}
	u, err := en.dir.Unit(ctx, strings.TrimSpace(code))
	if err != nil {
		if apperr.IsNotFound(err) {
			return directory.Unit{}, apperr.Invalidf(field, CodeUnit, "单位“%s”不存在", code)
		}
		return directory.Unit{}, fmt.Errorf("look up unit %s: %w", code, err)
	}
	if !u.Active {
		return directory.Unit{}, apperr.Invalidf(field, CodeUnit, "单位“%s”已停用", u.Name)
	}
	return u, nil
}

// courtOf returns the court of u: u or its nearest ancestor that is an
// intermediate or basic court.
func (en *Engine) courtOf(ctx context.Context, u directory.Unit) (directory.Unit, error) {
	for range 8 {
		if u.Type == directory.IntermediateCourt || u.Type == directory.BasicCourt {
			return u, nil
		}
		if u.ParentCode == "" {
			break
		}
		p, err := en.dir.Unit(ctx, u.ParentCode)
		if err != nil {
			return directory.Unit{}, fmt.Errorf("look up unit %s: %w", u.ParentCode, err)
		}
		u = p
	}
	return directory.Unit{}, apperr.Invalidf("requesting_unit", CodeUnit, "发起单位“%s”不属于任何法院", u.Name)
}

// Act does action on matter id as pr. expectSeq, when not 0, is the
// sequence number the user saw: if the matter moved on since, the act is
// refused with a Conflict ("该事项已被他人更新，请刷新后重试").
func (en *Engine) Act(ctx context.Context, pr access.Principal, id int64, action string, expectSeq int64, payload json.RawMessage, docs []string) (Matter, Event, error) {
	var (
		out   Matter
		event Event
		deny  error
		cur   Matter
	)
	run := &txRun{}
	err := en.db.Tx(ctx, func(tx *sql.Tx) error {
		deny = nil
		*run = txRun{}
		c, err := loadCurrent(ctx, txq{tx, en.stmts}, id)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound()
		}
		if err != nil {
			return err
		}
		cur = c.matter
		k, ok := KindByName(cur.Kind)
		if !ok {
			return fmt.Errorf("matter %d: unknown kind %s", id, cur.Kind)
		}
		t, role, err := en.authorize(ctx, pr, k, cur, action)
		if err != nil {
			if k := apperr.KindOf(err); k == apperr.Forbidden || k == apperr.NotFound {
				deny = err // the matter exists: an attempt beyond one's authority (S-SEC-2)
			}
			return err
		}
		if !en.cfg.serves(t.Side) {
			return errNodeSide(t.Side)
		}
		if expectSeq != 0 && expectSeq != cur.Seq {
			return errStale()
		}
		p, d, err := prepare(t, payload, docs)
		if err != nil {
			return err
		}
		if t.Delegates {
			if err := en.checkDelegate(ctx, cur, p); err != nil {
				return err
			}
		}
		res, err := en.appendAct(ctx, run, tx, k, c, t, actor{username: pr.Username, unit: pr.UnitCode, role: string(role)}, p, d, pr.Source, en.now())
		if err != nil {
			return err
		}
		out, event = res.matter, res.event
		if t.Opens != "" {
			if _, err := en.open(ctx, run, tx, pr, role, res, t.Opens); err != nil {
				return err
			}
		}
		if k.Effects != nil { // automatic acts may have moved the matter on
			out, err = en.reload(ctx, tx, out.ID)
		}
		return err
	})
	if err != nil {
		if deny != nil {
			en.denied(ctx, pr, "matter."+action, fmt.Sprintf("matter:%d", id), cur.CaseNumber, deny)
		}
		return Matter{}, Event{}, err
	}
	run.committed(ctx)
	return out, event, nil
}

// checkDelegate: the delegate must be an active court (or a unit of one)
// other than the requesting court (S-LOC-3 代为接收).
func (en *Engine) checkDelegate(ctx context.Context, m Matter, payload json.RawMessage) error {
	var p struct {
		Court string `json:"court"`
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		return apperr.Invalidf("court", CodePayload, "请填写代为接收的法院")
	}
	u, err := en.unit(ctx, "court", p.Court)
	if err != nil {
		return err
	}
	if u.Type != directory.IntermediateCourt && u.Type != directory.BasicCourt {
		return apperr.Invalidf("court", CodePayload, "“%s”不是法院，代为接收须委托当地人民法院", u.Name)
	}
	if u.Code == m.CourtUnit {
		return apperr.Invalidf("court", CodePayload, "不能委托本院代为接收")
	}
	return nil
}

// open creates the linked matter a transition opens (a handover from a
// locate's control, S-LOC-3), authored by the same user in the same
// transaction, with the parent's case, units, officer and subject.
func (en *Engine) open(ctx context.Context, run *txRun, tx *sql.Tx, pr access.Principal, role directory.Role, parent committed, kindName string) (Matter, error) {
	k, _ := KindByName(kindName)
	t := k.Creation()
	if t.Side != parent.event.Side || !t.allowsRole(role) {
		return Matter{}, fmt.Errorf("kind %s cannot be opened by %s %s", kindName, parent.event.Side, role)
	}
	p := parent.matter
	e := Event{ID: newID(), MatterUID: newID(), Kind: k.Name, Seq: 1, Side: t.Side,
		Username: pr.Username, UnitCode: pr.UnitCode, Role: string(role), At: parent.event.At, Type: ActionCreate,
		Payload: parent.event.Payload, Documents: parent.event.Documents,
		Header: &Header{CaseNumber: p.CaseNumber, CourtUnit: p.CourtUnit, Officer: p.Officer,
			RequestingUnit: p.RequestingUnit, RequestingSide: p.RequestingSide,
			AddressedUnit: p.AddressedUnit, AddressedSide: p.AddressedSide, SubjectID: p.SubjectID, ParentUID: p.UID}}
	var err error
	if e.Clocks, err = en.cfg.start(t.Starts, e.At); err != nil {
		return Matter{}, err
	}
	dueFor(t, Matter{UID: e.MatterUID, Kind: k.Name, CaseNumber: p.CaseNumber, CourtUnit: p.CourtUnit, Officer: p.Officer,
		RequestingUnit: p.RequestingUnit, RequestingSide: p.RequestingSide, AddressedUnit: p.AddressedUnit,
		AddressedSide: p.AddressedSide, SubjectID: p.SubjectID, ParentID: p.ID}, e.Payload, e.Clocks, e.At)
	res, err := en.commit(ctx, tx, k, nil, e, pr.Source, false)
	if err != nil {
		return Matter{}, err
	}
	return res.matter, en.effects(ctx, run, tx, k, res, false)
}

// reload reads matter id's row in tx.
func (en *Engine) reload(ctx context.Context, tx *sql.Tx, id int64) (Matter, error) {
	c, err := loadCurrent(ctx, txq{tx, en.stmts}, id)
	if err != nil {
		return Matter{}, fmt.Errorf("reload matter %d: %w", id, err)
	}
	return c.matter, nil
}

// dueFor replaces the rule's due times of clocks by the transition's own
// (Transition.DueFor) where it gives one. The period recorded stays the
// rule's: for the detention term it is the 15-day cap, the due time the
// matter's own term.
func dueFor(t Transition, m Matter, createPayload json.RawMessage, clocks []ClockStart, at time.Time) {
	if t.DueFor == nil {
		return
	}
	for i, c := range clocks {
		if due, ok := t.DueFor(c.ID, m, createPayload, at); ok {
			clocks[i].Due = db.Time(due)
		}
	}
}

// denied records a refused act in the audit log (S-SEC-1), outside the
// failed transaction. Failing to record is logged, not returned: the user
// gets the denial either way.
func (en *Engine) denied(ctx context.Context, pr access.Principal, action, object, caseNumber string, cause error) {
	msg := cause.Error()
	if e, ok := apperr.As(cause); ok {
		msg = e.Code
	}
	if _, err := en.audit.Record(ctx, audit.Entry{Username: pr.Username, UnitCode: pr.UnitCode, Role: joinRoles(pr.Roles),
		Source: pr.Source, Action: action, Object: object, CaseNumber: caseNumber, Outcome: audit.Denied, Detail: msg}); err != nil {
		en.cfg.Logger.Warn("audit a denied matter act", "action", action, "err", err)
	}
}

func joinRoles(rs []directory.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

// Allowed returns the transitions pr may take on m now: the buttons to
// show. The creation transition is never among them.
func (en *Engine) Allowed(ctx context.Context, pr access.Principal, m Matter) []Transition {
	k, ok := KindByName(m.Kind)
	if !ok || en.check(ctx, pr, access.ActionMatterAct, m) != nil {
		return nil
	}
	var out []Transition
	for _, t := range k.Transitions {
		if t.Action == ActionCreate || t.System || !slices.Contains(t.From, m.State) || Side(pr.Side) != t.Side || !en.cfg.serves(t.Side) {
			continue
		}
		if slices.ContainsFunc(pr.Roles, t.allowsRole) {
			out = append(out, t)
		}
	}
	return out
}
