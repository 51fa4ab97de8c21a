package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/directory"
	"liandong/internal/matter"
	"liandong/internal/subject"
	"liandong/internal/workday"
)

// fieldView is one form field with what the template needs to draw it.
type fieldView struct {
	matter.Field
	Value string
	Units []directory.Unit // FieldUnit: the units offered
	Error string
}

func (s *Server) fieldViews(r *http.Request, fields []matter.Field, values url.Values, e *apperr.Error) ([]fieldView, error) {
	var units []directory.Unit
	out := make([]fieldView, len(fields))
	for i, f := range fields {
		fv := fieldView{Field: f, Value: values.Get(f.Name)}
		if f.Type == matter.FieldUnit {
			if units == nil {
				var err error
				if units, err = s.dir.Units(r.Context()); err != nil {
					return nil, err
				}
			}
			for _, u := range units {
				if len(f.UnitTypes) == 0 || slices.Contains(f.UnitTypes, string(u.Type)) {
					fv.Units = append(fv.Units, u)
				}
			}
		}
		if e != nil && e.Field == f.Name {
			fv.Error = e.Message
		}
		out[i] = fv
	}
	return out, nil
}

// stateClass maps a matter to the colour of UI.md, always shown with a
// word: overdue red, due within a day orange, on time green, no clock grey.
func stateClass(m matter.Matter, now time.Time) (class, word string) {
	switch {
	case m.Terminal:
		return "state-waiting", "已办结"
	case m.DueAt == nil:
		return "state-waiting", "待处理"
	case m.Overdue || now.After(*m.DueAt):
		return "state-overdue", "已超期"
	case m.DueAt.Sub(now) < 24*time.Hour:
		return "state-soon", "即将到期"
	}
	return "state-ok", "按期"
}

type matterRow struct {
	matter.Matter
	KindLabel, StateLabel, Class, Word, TimeLeft string
	Other                                        string // the other party's unit name
}

// unitLabels maps unit codes to the short names people read.
func unitLabels(units []directory.Unit) map[string]string {
	names := make(map[string]string, len(units))
	for _, u := range units {
		names[u.Code] = u.Label()
	}
	return names
}

// unitNames reads the directory once for a page's unit names.
func (s *Server) unitNames(r *http.Request) (map[string]string, error) {
	units, err := s.dir.Units(r.Context())
	if err != nil {
		return nil, err
	}
	return unitLabels(units), nil
}

func matterRows(names map[string]string, pr access.Principal, ms []matter.Matter) []matterRow {
	now := time.Now()
	out := make([]matterRow, len(ms))
	for i, m := range ms {
		row := matterRow{Matter: m}
		if k, ok := matter.KindByName(m.Kind); ok {
			row.KindLabel, row.StateLabel = k.Label, k.StateLabel(m.State)
		}
		row.Class, row.Word = stateClass(m, now)
		if m.DueAt != nil && !m.Terminal {
			row.TimeLeft = workday.TimeLeftWords(*m.DueAt, now)
		}
		other := m.AddressedUnit
		if pr.Side == "police" {
			other = m.RequestingUnit
		}
		row.Other = names[other]
		out[i] = row
	}
	return out
}

type mattersData struct {
	Rows      []matterRow
	Kinds     []*matter.Kind
	Filter    map[string]string
	Next      string
	CanCreate bool
}

func (s *Server) mattersPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	f := matter.Filter{Kind: q.Get("kind"), State: matter.State(q.Get("state")), Overdue: q.Get("overdue") == "true", Cursor: q.Get("cursor")}
	p, err := s.matters.List(r.Context(), *rq.User, f)
	if err != nil {
		return err
	}
	names, err := s.unitNames(r)
	if err != nil {
		return err
	}
	d := mattersData{Rows: matterRows(names, *rq.User, p.Matters), Kinds: matter.Kinds(), Filter: map[string]string{"kind": f.Kind, "overdue": q.Get("overdue")},
		CanCreate: roleGranted(*rq.User, access.ActionMatterCreate)}
	if p.Next != "" {
		v := r.URL.Query()
		v.Set("cursor", p.Next)
		d.Next = "/matters?" + v.Encode()
	}
	title := "我的协作事项"
	if rq.User.Side == "police" {
		title = "待办协作事项"
	}
	s.render(w, r, http.StatusOK, "matters.html", s.pageFor(r, rq, title, d))
	return nil
}

type newMatterData struct {
	Kinds     []*matter.Kind
	Kind      *matter.Kind
	Addressed []directory.Unit
	Fields    []fieldView
	Values    url.Values
	Error     *apperr.Error
}

func creatableKinds() []*matter.Kind {
	var out []*matter.Kind
	for _, k := range matter.Kinds() {
		if len(k.AddressedTypes) > 0 {
			out = append(out, k)
		}
	}
	return out
}

func (s *Server) newMatterData(r *http.Request, kindName string, values url.Values, e *apperr.Error) (newMatterData, error) {
	d := newMatterData{Kinds: creatableKinds(), Values: values, Error: e}
	k, ok := matter.KindByName(kindName)
	if !ok || len(k.AddressedTypes) == 0 {
		return d, nil
	}
	d.Kind = k
	units, err := s.dir.Units(r.Context())
	if err != nil {
		return d, err
	}
	for _, u := range units {
		if slices.Contains(k.AddressedTypes, string(u.Type)) {
			d.Addressed = append(d.Addressed, u)
		}
	}
	d.Fields, err = s.fieldViews(r, k.CreateFields, values, e)
	return d, err
}

func (s *Server) newMatterPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, err := s.newMatterData(r, r.URL.Query().Get("kind"), url.Values{}, nil)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "matter_new.html", s.pageFor(r, rq, "发起协作事项", d))
	return nil
}

// formDocuments stores the files of document fields and puts their SM3
// digests into the form values, returning the digests for the event.
func (s *Server) formDocuments(r *http.Request, fields []matter.Field) ([]string, error) {
	var digests []string
	for _, f := range fields {
		if f.Type != matter.FieldDocument {
			continue
		}
		file, fh, err := r.FormFile(f.Name)
		if errors.Is(err, http.ErrMissingFile) {
			continue // PayloadFromForm says so if it is required
		}
		if err != nil {
			return nil, apperr.Invalidf(f.Name, "matter.upload", "“%s”上传失败，请重新选择文件", f.Label)
		}
		b, err := s.docs.Put(r.Context(), file, fh.Filename)
		file.Close()
		if err != nil {
			if e, ok := apperr.As(err); ok {
				e.Field = f.Name
			}
			return nil, err
		}
		r.Form.Set(f.Name, b.Digest)
		digests = append(digests, b.Digest)
	}
	return digests, nil
}

func (s *Server) newMatterSubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return apperr.Invalidf("", "request.form", "表单内容有误，请重新填写")
	}
	kindName := r.FormValue("kind")
	fail := func(err error) error {
		e, ok := formError(err)
		if !ok {
			return err
		}
		d, derr := s.newMatterData(r, kindName, r.Form, e)
		if derr != nil {
			return derr
		}
		s.render(w, r, statusOf(err), "matter_new.html", s.pageFor(r, rq, "发起协作事项", d))
		return nil
	}
	k, ok := matter.KindByName(kindName)
	if !ok {
		return fail(apperr.Invalidf("kind", "matter.kind", "请选择事项类型"))
	}
	if err := s.checkAddressed(r, k.Name, r.FormValue("addressed_unit")); err != nil {
		return fail(err)
	}
	docs, err := s.formDocuments(r, k.CreateFields)
	if err != nil {
		return fail(err)
	}
	payload, err := k.PayloadFromForm(matter.ActionCreate, r.Form)
	if err != nil {
		return fail(err)
	}
	caseNumber := strings.TrimSpace(r.FormValue("case_number"))
	var subjectID int64
	if name, number := strings.TrimSpace(r.FormValue("debtor_name")), strings.TrimSpace(r.FormValue("debtor_id")); name != "" || number != "" {
		if number == "" {
			return fail(apperr.Invalidf("debtor_id", "matter.debtor_id", "请填写被执行人的身份证件号码（所有有效证件关联为同一人，S-LOC-1）"))
		}
		if subjectID, err = s.linkDebtor(r, *rq.User, debtorBody{Name: name, IDNumber: number}, caseNumber); err != nil {
			return fail(err)
		}
	}
	m, err := s.matters.Create(r.Context(), *rq.User, matter.NewMatter{Kind: k.Name, CaseNumber: caseNumber,
		AddressedUnit: r.FormValue("addressed_unit"), SubjectID: subjectID, Payload: payload, Documents: docs})
	if err != nil {
		return fail(err)
	}
	http.Redirect(w, r, "/matters/"+strconv.FormatInt(m.ID, 10), http.StatusSeeOther)
	return nil
}

type actionView struct {
	matter.Transition
	Fields []fieldView
	Error  *apperr.Error
}

type eventView struct {
	matter.Event
	Label    string
	UnitName string
	Actor    string // the username, or words for the system's automatic acts
	Payload  []kv
}

type kv struct{ K, V string }

type matterData struct {
	Row      matterRow
	Kind     *matter.Kind
	Subject  *subject.Subject
	Events   []eventView
	Actions  []actionView
	Deadline string
	// Clocks: every clock the matter started, with its source (transfers.go).
	Clocks   []clockView
	CanQuery bool // a locate the user may answer: offer the system query
	// CanIntake: a delivered detention the centre may take in through its
	// system.
	CanIntake bool
	// CanBorder: an exit ban the exit–entry handler may lodge or lift
	// through the border-control system.
	CanBorder bool
}

func (s *Server) matterData(r *http.Request, rq *request, id int64, failed string, e *apperr.Error) (matterData, error) {
	m, err := s.matters.Get(r.Context(), *rq.User, id)
	if err != nil {
		return matterData{}, err
	}
	events, err := s.matters.Timeline(r.Context(), *rq.User, id)
	if err != nil {
		return matterData{}, err
	}
	names, err := s.unitNames(r)
	if err != nil {
		return matterData{}, err
	}
	k, _ := matter.KindByName(m.Kind)
	d := matterData{Row: matterRows(names, *rq.User, []matter.Matter{m})[0], Kind: k}
	if m.DueAt != nil {
		d.Deadline = m.DueAt.In(shanghai).Format("2006-01-02 15:04")
	}
	d.Clocks = clockViews(k, events, time.Now())
	if m.SubjectID != 0 && s.subjects != nil {
		if sub, err := s.subjects.Get(r.Context(), m.SubjectID); err == nil {
			d.Subject = &sub
		}
	}
	for _, ev := range events {
		pairs := payloadPairs(ev.Payload)
		action := ev.Type
		if ev.Seq == 1 {
			action = matter.ActionCreate
		}
		fields := map[string]matter.Field{}
		for _, f := range k.Fields(action) {
			fields[f.Name] = f
		}
		for i := range pairs {
			pairs[i] = timelinePair(k, fields, names, pairs[i])
		}
		actor := ev.Username
		if ev.Username == matter.SystemUser {
			actor = "（系统自动办理）"
		}
		d.Events = append(d.Events, eventView{Event: ev, Label: k.ActionLabel(ev.Type), UnitName: names[ev.UnitCode], Actor: actor, Payload: pairs})
	}
	for _, t := range s.matters.Allowed(r.Context(), *rq.User, m) {
		var av actionView
		av.Transition = t
		values := url.Values{}
		var fe *apperr.Error
		if t.Action == failed {
			values, fe, av.Error = r.Form, e, e
		}
		if av.Fields, err = s.fieldViews(r, t.Fields, values, fe); err != nil {
			return matterData{}, err
		}
		d.Actions = append(d.Actions, av)
		if m.Kind == "locate" && t.Action == matter.ActionAddClue && m.SubjectID != 0 && s.conn.Population != nil {
			d.CanQuery = true
		}
		if m.Kind == "exitban" && (t.Action == matter.ActionLodge || t.Action == matter.ActionConfirmLift) && s.conn.ExitEntry != nil {
			d.CanBorder = true
		}
		if m.Kind == "detention" && t.Action == matter.ActionIntake && m.SubjectID != 0 && s.conn.Detention != nil {
			d.CanIntake = true
		}
	}
	return d, nil
}

func (s *Server) matterPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := matterID(r)
	if err != nil {
		return err
	}
	d, err := s.matterData(r, rq, id, "", nil)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "matter.html", s.pageFor(r, rq, d.Row.CaseNumber+" "+d.Row.KindLabel, d))
	return nil
}

func (s *Server) matterActSubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := matterID(r)
	if err != nil {
		return err
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return apperr.Invalidf("", "request.form", "表单内容有误，请重新填写")
	}
	action := r.PathValue("action")
	fail := func(err error) error {
		e, ok := formError(err)
		if !ok {
			return err
		}
		d, derr := s.matterData(r, rq, id, action, e)
		if derr != nil {
			return derr
		}
		s.render(w, r, statusOf(err), "matter.html", s.pageFor(r, rq, d.Row.CaseNumber+" "+d.Row.KindLabel, d))
		return nil
	}
	m, err := s.matters.Get(r.Context(), *rq.User, id)
	if err != nil {
		return err
	}
	k, _ := matter.KindByName(m.Kind)
	docs, err := s.formDocuments(r, k.Fields(action))
	if err != nil {
		return fail(err)
	}
	payload, err := k.PayloadFromForm(action, r.Form)
	if err != nil {
		return fail(err)
	}
	seq, _ := strconv.ParseInt(r.FormValue("seq"), 10, 64)
	if _, _, err := s.matters.Act(r.Context(), *rq.User, id, action, seq, payload, docs); err != nil {
		return fail(err)
	}
	http.Redirect(w, r, "/matters/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ns, err := s.matters.Notifications(r.Context(), rq.User.Username, false)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "notifications.html", s.pageFor(r, rq, "通知", ns))
	return nil
}

func (s *Server) notificationRead(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.Invalidf("id", "notification.id", "通知编号应为整数")
	}
	if err := s.matters.MarkRead(r.Context(), rq.User.Username, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
	return nil
}
