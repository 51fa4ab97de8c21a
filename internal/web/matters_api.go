package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/ident"
	"liandong/internal/matter"
	"liandong/internal/subject"
	"liandong/internal/workday"
)

// matterJSON is a matter as the API shows it, with its state and time
// left in words (UI.md) beside the raw values.
type matterJSON struct {
	ID             int64      `json:"id"`
	Kind           string     `json:"kind"`
	KindLabel      string     `json:"kind_label"`
	CaseNumber     string     `json:"case_number"`
	RequestingUnit string     `json:"requesting_unit"`
	AddressedUnit  string     `json:"addressed_unit"`
	DelegateUnit   string     `json:"delegate_unit,omitempty"`
	Officer        string     `json:"officer"`
	SubjectID      int64      `json:"subject_id,omitempty"`
	ParentID       int64      `json:"parent_id,omitempty"`
	State          string     `json:"state"`
	StateLabel     string     `json:"state_label"`
	Terminal       bool       `json:"terminal"`
	Seq            int64      `json:"seq"`
	DueAt          *time.Time `json:"due_at,omitempty"`
	TimeLeft       string     `json:"time_left,omitempty"`
	Overdue        bool       `json:"overdue"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

func toMatterJSON(m matter.Matter, now time.Time) matterJSON {
	j := matterJSON{ID: m.ID, Kind: m.Kind, CaseNumber: m.CaseNumber, RequestingUnit: m.RequestingUnit, AddressedUnit: m.AddressedUnit,
		DelegateUnit: m.DelegateUnit, Officer: m.Officer, SubjectID: m.SubjectID, ParentID: m.ParentID, State: string(m.State),
		Terminal: m.Terminal, Seq: m.Seq, DueAt: m.DueAt, Overdue: m.Overdue, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
	if k, ok := matter.KindByName(m.Kind); ok {
		j.KindLabel, j.StateLabel = k.Label, k.StateLabel(m.State)
	}
	if m.DueAt != nil && !m.Terminal {
		j.TimeLeft = workday.TimeLeftWords(*m.DueAt, now)
	}
	return j
}

type eventJSON struct {
	ID        string          `json:"id"`
	Seq       int64           `json:"seq"`
	Side      string          `json:"side"`
	Username  string          `json:"username"`
	Unit      string          `json:"unit"`
	Role      string          `json:"role"`
	At        time.Time       `json:"at"`
	Action    string          `json:"action"`
	Label     string          `json:"label"`
	Payload   json.RawMessage `json:"payload"`
	Documents []string        `json:"documents"`
}

type actionJSON struct {
	Action  string `json:"action"`
	Label   string `json:"label"`
	Confirm string `json:"confirm,omitempty"`
}

func (s *Server) apiMatters(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	f := matter.Filter{Kind: q.Get("kind"), State: matter.State(q.Get("state")), Overdue: q.Get("overdue") == "true", Cursor: q.Get("cursor")}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			return apperr.Invalidf("limit", "matter.limit", "每页条数应为 1–200")
		}
		f.Limit = n
	}
	p, err := s.matters.List(r.Context(), *rq.User, f)
	if err != nil {
		return err
	}
	now := time.Now()
	out := make([]matterJSON, len(p.Matters))
	for i, m := range p.Matters {
		out[i] = toMatterJSON(m, now)
	}
	writeJSON(w, http.StatusOK, map[string]any{"matters": out, "next": p.Next})
	return nil
}

type debtorBody struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	Kind     string `json:"kind"` // ident kind of id_number; default resident_id
}

type newMatterBody struct {
	Kind          string          `json:"kind"`
	CaseNumber    string          `json:"case_number"`
	AddressedUnit string          `json:"addressed_unit"`
	SubjectID     int64           `json:"subject_id"`
	Debtor        *debtorBody     `json:"debtor"`
	Payload       json.RawMessage `json:"payload"`
	Documents     []string        `json:"documents"`
}

// linkDebtor registers or finds the debtor by an identity document
// (S-LOC-1: all documents of one person are one subject).
func (s *Server) linkDebtor(r *http.Request, pr access.Principal, d debtorBody, caseNumber string) (int64, error) {
	kind := ident.Kind(d.Kind)
	if kind == "" {
		kind = ident.KindResidentID
	}
	if strings.TrimSpace(d.Name) == "" {
		return 0, apperr.Invalidf("debtor_name", "matter.debtor_name", "请填写被执行人姓名")
	}
	added, err := s.subjects.AddPerson(r.Context(), pr, subject.NewPerson{Name: strings.TrimSpace(d.Name),
		Documents: []subject.NewDocument{{Kind: kind, Number: d.IDNumber}}, CaseNumber: caseNumber})
	if err != nil {
		return 0, err
	}
	return added.Subject.ID, nil
}

// checkAddressed refuses a matter sent to a unit of the wrong kind (a
// detention to a bureau rather than a detention centre …).
func (s *Server) checkAddressed(r *http.Request, kindName, unitCode string) error {
	k, ok := matter.KindByName(kindName)
	if !ok {
		return apperr.Invalidf("kind", "matter.kind", "未知的事项类型“%s”", kindName)
	}
	if len(k.AddressedTypes) == 0 {
		return apperr.Invalidf("kind", "matter.kind_not_creatable", "“%s”不能直接发起", k.Label)
	}
	u, err := s.dir.Unit(r.Context(), unitCode)
	if err != nil {
		return apperr.Invalidf("addressed_unit", "matter.addressed_unit", "请选择协助单位")
	}
	for _, t := range k.AddressedTypes {
		if string(u.Type) == t {
			return nil
		}
	}
	return apperr.Invalidf("addressed_unit", "matter.addressed_type", "“%s”不能发给%s（%s）", k.Label, u.Name, u.Type.Label())
}

func (s *Server) apiMatterCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	var b newMatterBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if err := s.checkAddressed(r, b.Kind, b.AddressedUnit); err != nil {
		return err
	}
	if b.Debtor != nil && b.SubjectID == 0 {
		id, err := s.linkDebtor(r, *rq.User, *b.Debtor, b.CaseNumber)
		if err != nil {
			return err
		}
		b.SubjectID = id
	}
	if len(b.Payload) == 0 {
		b.Payload = json.RawMessage(`{}`)
	}
	m, err := s.matters.Create(r.Context(), *rq.User, matter.NewMatter{Kind: b.Kind, CaseNumber: b.CaseNumber, AddressedUnit: b.AddressedUnit,
		SubjectID: b.SubjectID, Payload: b.Payload, Documents: b.Documents})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toMatterJSON(m, time.Now()))
	return nil
}

func matterID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, matter.CodeNotFound, "未找到该协作事项")
	}
	return id, nil
}

func (s *Server) apiMatter(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := matterID(r)
	if err != nil {
		return err
	}
	m, err := s.matters.Get(r.Context(), *rq.User, id)
	if err != nil {
		return err
	}
	events, err := s.matters.Timeline(r.Context(), *rq.User, id)
	if err != nil {
		return err
	}
	k, _ := matter.KindByName(m.Kind)
	timeline := make([]eventJSON, len(events))
	for i, e := range events {
		timeline[i] = eventJSON{ID: e.ID, Seq: e.Seq, Side: string(e.Side), Username: e.Username, Unit: e.UnitCode, Role: e.Role,
			At: e.At, Action: e.Type, Label: k.ActionLabel(e.Type), Payload: json.RawMessage(maskPersonal(string(e.Payload))), Documents: nonNil(e.Documents)}
	}
	actions := []actionJSON{}
	for _, t := range s.matters.Allowed(r.Context(), *rq.User, m) {
		actions = append(actions, actionJSON{Action: t.Action, Label: t.Label, Confirm: t.Confirm})
	}
	writeJSON(w, http.StatusOK, map[string]any{"matter": toMatterJSON(m, time.Now()), "actions": actions, "timeline": timeline})
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type actBody struct {
	ExpectSeq int64           `json:"expect_seq"`
	Payload   json.RawMessage `json:"payload"`
	Documents []string        `json:"documents"`
}

func (s *Server) apiMatterAct(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := matterID(r)
	if err != nil {
		return err
	}
	var b actBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if len(b.Payload) == 0 {
		b.Payload = json.RawMessage(`{}`)
	}
	m, e, err := s.matters.Act(r.Context(), *rq.User, id, r.PathValue("action"), b.ExpectSeq, b.Payload, b.Documents)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"matter": toMatterJSON(m, time.Now()), "event": map[string]any{"id": e.ID, "seq": e.Seq, "action": e.Type, "at": e.At}})
	return nil
}

type notificationJSON struct {
	ID        int64      `json:"id"`
	MatterID  int64      `json:"matter_id"`
	Kind      string     `json:"kind"`
	Text      string     `json:"text"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

func (s *Server) apiNotifications(w http.ResponseWriter, r *http.Request, rq *request) error {
	ns, err := s.matters.Notifications(r.Context(), rq.User.Username, r.URL.Query().Get("unread") == "true")
	if err != nil {
		return err
	}
	out := make([]notificationJSON, len(ns))
	for i, n := range ns {
		out[i] = notificationJSON{n.ID, n.MatterID, n.Kind, n.Text, n.CreatedAt, n.ReadAt}
	}
	writeJSON(w, http.StatusOK, map[string]any{"notifications": out})
	return nil
}

func (s *Server) apiNotificationRead(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.Invalidf("id", "notification.id", "通知编号应为整数")
	}
	if err := s.matters.MarkRead(r.Context(), rq.User.Username, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
