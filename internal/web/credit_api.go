package web

// The JSON API of the dishonest-debtor list pages (/api/v1/credit/...):
// the same searches and acts as credit_pages.go, with the same scope and
// the same error codes. Imports are in credit_pages_import.go.

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/credit"
)

type creditDocJSON struct {
	Holder string `json:"holder"` // debtor, legal_rep
	Kind   string `json:"kind"`
	Masked string `json:"masked"`
}

type creditEntryJSON struct {
	ID              int64           `json:"id"`
	Kind            credit.Kind     `json:"kind"`
	Name            string          `json:"name"`
	Sex             string          `json:"sex,omitempty"`
	BirthDate       string          `json:"birth_date,omitempty"`
	CreditCode      string          `json:"credit_code,omitempty"`
	LegalRep        string          `json:"legal_rep,omitempty"`
	Documents       []creditDocJSON `json:"documents"`
	Ground          int             `json:"ground"`
	GroundLabel     string          `json:"ground_label"`
	Obligation      string          `json:"obligation"`
	Performance     string          `json:"performance"`
	Conduct         string          `json:"conduct"`
	BasisUnit       string          `json:"basis_unit"`
	BasisNumber     string          `json:"basis_number"`
	CaseNumber      string          `json:"case_number"`
	FiledOn         string          `json:"filed_on"`
	Court           string          `json:"court"`
	CourtName       string          `json:"court_name"`
	Initiation      string          `json:"initiation"`
	AppliedOn       string          `json:"applied_on,omitempty"`
	DecisionNumber  string          `json:"decision_number"`
	DecidedOn       string          `json:"decided_on"`
	TermYears       int             `json:"term_years"`
	ExtensionReason string          `json:"extension_reason,omitempty"`
	ExpiresAt       *time.Time      `json:"expires_at,omitempty"`
	PublishedAt     time.Time       `json:"published_at"`
	State           credit.State    `json:"state"`
	StateLabel      string          `json:"state_label"`
	RemovedAt       *time.Time      `json:"removed_at,omitempty"`
	RemovalReason   string          `json:"removal_reason,omitempty"`
	RemovalNote     string          `json:"removal_note,omitempty"`
	ImportID        int64           `json:"import_id,omitempty"`
	Version         uint64          `json:"version"`
	OpenDuties      *int            `json:"open_duties,omitempty"`
	Href            string          `json:"href"`
}

func toCreditEntryJSON(e credit.Entry, now time.Time) creditEntryJSON {
	_, word := creditStateWords(e, now)
	out := creditEntryJSON{ID: e.ID, Kind: e.Kind, Name: e.Name, Sex: e.Sex, BirthDate: e.BirthDate, CreditCode: e.CreditCode, LegalRep: e.LegalRep,
		Documents: []creditDocJSON{}, Ground: int(e.Ground), GroundLabel: e.Ground.Label(), Obligation: e.Obligation, Performance: e.Performance,
		Conduct: e.Conduct, BasisUnit: e.BasisUnit, BasisNumber: e.BasisNumber, CaseNumber: e.CaseNumber, FiledOn: e.FiledOn, Court: e.CourtUnit,
		CourtName: e.CourtName, Initiation: string(e.Initiation), AppliedOn: e.AppliedOn, DecisionNumber: e.DecisionNumber, DecidedOn: e.DecidedOn,
		TermYears: e.TermYears, ExtensionReason: string(e.ExtensionReason), ExpiresAt: e.ExpiresAt, PublishedAt: e.PublishedAt, State: e.State,
		StateLabel: word, RemovedAt: e.RemovedAt, RemovalReason: string(e.RemovalReason), RemovalNote: e.RemovalNote, ImportID: e.ImportID,
		Version: e.Version, Href: "/credit/" + strconv.FormatInt(e.ID, 10)}
	for _, d := range e.Documents {
		out.Documents = append(out.Documents, creditDocJSON{Holder: d.Holder, Kind: d.Kind, Masked: d.Masked})
	}
	return out
}

type creditDutyJSON struct {
	ID          int64      `json:"id"`
	EntryID     int64      `json:"entry_id"`
	Court       string     `json:"court"`
	Kind        string     `json:"kind"`
	KindLabel   string     `json:"kind_label"`
	Reason      string     `json:"reason"`
	ReasonLabel string     `json:"reason_label"`
	Note        string     `json:"note,omitempty"`
	OpenedAt    time.Time  `json:"opened_at"`
	OpenedBy    string     `json:"opened_by"`
	Due         time.Time  `json:"due_at"`
	Overdue     bool       `json:"overdue"`
	TimeLeft    string     `json:"time_left,omitempty"`
	Rule        string     `json:"rule"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	ClosedBy    string     `json:"closed_by,omitempty"`
	Outcome     string     `json:"outcome,omitempty"`
	OutcomeNote string     `json:"outcome_note,omitempty"`
	Name        string     `json:"name"`
	CaseNumber  string     `json:"case_number"`
}

func toCreditDutyJSON(d credit.Duty, now time.Time) creditDutyJSON {
	v := dutyViewOf(d, nil, now)
	return creditDutyJSON{ID: d.ID, EntryID: d.EntryID, Court: d.Court, Kind: string(d.Kind), KindLabel: v.KindLabel, Reason: d.Reason, ReasonLabel: v.ReasonWords,
		Note: d.Note, OpenedAt: d.OpenedAt, OpenedBy: d.OpenedBy, Due: d.Due, Overdue: d.Overdue(now), TimeLeft: v.TimeLeft, Rule: v.ClockRule(),
		ClosedAt: d.ClosedAt, ClosedBy: d.ClosedBy, Outcome: d.Outcome, OutcomeNote: d.OutcomeNote, Name: d.Name, CaseNumber: d.CaseNumber}
}

// apiCreditSearch: GET /api/v1/credit/entries?name=&id_number=&case_number=&state=&court=&page=
func (s *Server) apiCreditSearch(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.creditOn(); err != nil {
		return err
	}
	sc, err := s.creditScope(r.Context(), *rq.User)
	if err != nil {
		return err
	}
	sq := creditQuery(r.URL.Query(), sc)
	res, err := s.credit.Search(r.Context(), *rq.User, sq)
	if err != nil {
		return err
	}
	if err := s.auditCreditSearch(r.Context(), r, rq, sq, len(res.Entries)); err != nil {
		return err
	}
	now := time.Now()
	items := make([]creditEntryJSON, len(res.Entries))
	for i, e := range res.Entries {
		items[i] = toCreditEntryJSON(e, now)
		n := res.OpenDuties[e.ID]
		items[i].OpenDuties = &n
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": items, "total": res.Total, "page": sq.Offset/creditPageSize + 1, "page_size": creditPageSize, "courts": sc.Courts})
	return nil
}

type creditEventJSON struct {
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	Act     string    `json:"act"`
	Label   string    `json:"label"`
	Article string    `json:"article,omitempty"`
	Detail  string    `json:"detail"`
}

// apiCreditEntry: the entry, its history (oldest first), its duties and
// the acts the caller may do.
func (s *Server) apiCreditEntry(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := creditID(r, "entry")
	if err != nil {
		return err
	}
	d, err := s.creditEntryData(r, rq, id, "", nil)
	if err != nil {
		return err
	}
	e, err := s.credit.Get(r.Context(), *rq.User, id)
	if err != nil {
		return err
	}
	history, err := s.credit.History(r.Context(), *rq.User, id)
	if err != nil {
		return err
	}
	now := time.Now()
	out := map[string]any{"entry": toCreditEntryJSON(e, now)}
	events := make([]creditEventJSON, len(history))
	for i, ev := range history {
		events[i] = creditEventJSON{At: ev.At, By: ev.By, Act: ev.Act, Label: eventLabels[ev.Act], Article: articleWords(ev.Article), Detail: ev.Detail}
	}
	out["history"] = events
	duties := make([]creditDutyJSON, len(d.Duties))
	for i, du := range d.Duties {
		duties[i] = toCreditDutyJSON(du.Duty, now)
	}
	out["duties"] = duties
	acts := []string{}
	if d.Manage {
		if d.Active {
			if d.CanExtend {
				acts = append(acts, "extend")
			}
			acts = append(acts, "remove", "correction_request")
			if !d.HasOpenRemoval {
				acts = append(acts, "removal_request")
			}
		}
		acts = append(acts, "repair")
	}
	out["acts"] = acts
	writeJSON(w, http.StatusOK, out)
	return nil
}

// creditAPIAct runs an act on an entry from a JSON body and answers with
// the entry (or the duty the act opened).
func (s *Server) creditAPIAct(body func() any, act func(r *http.Request, pr access.Principal, id int64, b any) (any, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		id, err := creditID(r, "entry")
		if err != nil {
			return err
		}
		if _, err := s.creditManaged(r.Context(), *rq.User, id); err != nil {
			return err
		}
		b := body()
		if err := decodeJSON(r, b); err != nil {
			return err
		}
		v, err := act(r, *rq.User, id, b)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

type extendBody struct {
	Years  int    `json:"years"`
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

type reasonBody struct {
	Reason string `json:"reason"`
	Note   string `json:"note"`
	// At: when the ground came to the court (RFC 3339 or YYYY-MM-DD); empty
	// for now. Removal requests only.
	At string `json:"at"`
}

type repairBody struct {
	Measure string `json:"measure"`
	Note    string `json:"note"`
}

type correctionBody struct {
	Ground     string `json:"ground"`
	Reason     string `json:"reason"`
	ReceivedAt string `json:"received_at"` // RFC 3339 or YYYY-MM-DD; empty for now
}

// apiTime reads an instant or a date (the start of that day in China).
func apiTime(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return formDate(field, v)
}

func (s *Server) apiCreditExtend() handler {
	return s.creditAPIAct(func() any { return &extendBody{} }, func(r *http.Request, pr access.Principal, id int64, b any) (any, error) {
		x := b.(*extendBody)
		e, err := s.credit.Extend(r.Context(), pr, id, credit.Extension{Years: x.Years, Reason: credit.ExtensionReason(x.Reason), Note: x.Note})
		return toCreditEntryJSON(e, time.Now()), err
	})
}

func (s *Server) apiCreditRemove() handler {
	return s.creditAPIAct(func() any { return &reasonBody{} }, func(r *http.Request, pr access.Principal, id int64, b any) (any, error) {
		x := b.(*reasonBody)
		e, err := s.credit.Remove(r.Context(), pr, id, credit.Removal{Reason: credit.RemovalReason(x.Reason), Note: x.Note})
		return toCreditEntryJSON(e, time.Now()), err
	})
}

func (s *Server) apiCreditRemovalRequest() handler {
	return s.creditAPIAct(func() any { return &reasonBody{} }, func(r *http.Request, pr access.Principal, id int64, b any) (any, error) {
		x := b.(*reasonBody)
		at, err := apiTime("at", x.At)
		if err != nil {
			return nil, err
		}
		d, err := s.credit.RequestRemoval(r.Context(), pr, id, credit.RemovalRequest{Reason: credit.RemovalReason(x.Reason), Note: x.Note, At: at})
		return toCreditDutyJSON(d, time.Now()), err
	})
}

func (s *Server) apiCreditRepair() handler {
	return s.creditAPIAct(func() any { return &repairBody{} }, func(r *http.Request, pr access.Principal, id int64, b any) (any, error) {
		x := b.(*repairBody)
		e, err := s.credit.RecordRepair(r.Context(), pr, id, credit.Repair{Measure: x.Measure, Note: x.Note})
		return toCreditEntryJSON(e, time.Now()), err
	})
}

func (s *Server) apiCreditCorrectionRequest() handler {
	return s.creditAPIAct(func() any { return &correctionBody{} }, func(r *http.Request, pr access.Principal, id int64, b any) (any, error) {
		x := b.(*correctionBody)
		at, err := apiTime("received_at", x.ReceivedAt)
		if err != nil {
			return nil, err
		}
		d, err := s.credit.RequestCorrection(r.Context(), pr, id, credit.CorrectionRequest{Ground: credit.CorrectionGround(x.Ground), Reason: x.Reason, ReceivedAt: at})
		return toCreditDutyJSON(d, time.Now()), err
	})
}

// apiCreditCorrections: the open correction reviews and corrections of the
// caller's courts, soonest due first.
func (s *Server) apiCreditCorrections(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.creditOn(); err != nil {
		return err
	}
	d, err := s.creditCorrectionsData(r, rq, "", nil)
	if err != nil {
		return err
	}
	now := time.Now()
	out := make([]creditDutyJSON, len(d.Rows))
	for i, row := range d.Rows {
		out[i] = toCreditDutyJSON(row.View.Duty, now)
	}
	writeJSON(w, http.StatusOK, map[string]any{"duties": out})
	return nil
}

type reviewBody struct {
	Accept *bool  `json:"accept"`
	Note   string `json:"note"`
}

type patchBody struct {
	Name        *string `json:"name"`
	LegalRep    *string `json:"legal_rep"`
	Obligation  *string `json:"obligation"`
	Performance *string `json:"performance"`
	Conduct     *string `json:"conduct"`
	BasisUnit   *string `json:"basis_unit"`
	BasisNumber *string `json:"basis_number"`
	DecisionSM3 *string `json:"decision_sm3"`
}

type carryOutBody struct {
	Patch patchBody `json:"patch"`
	Note  string    `json:"note"`
}

// apiCreditDuty runs "review" or "carry-out" on a duty: a correction
// review, an accepted correction, or a removal duty (carried out by
// removing the entry on the duty's reason).
func (s *Server) apiCreditDuty(act string) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if err := s.creditOn(); err != nil {
			return err
		}
		dutyID, err := creditID(r, "duty")
		if err != nil {
			return err
		}
		ctx, pr := r.Context(), *rq.User
		du, err := s.creditDuty(ctx, pr, dutyID)
		if err != nil {
			return err
		}
		if _, err := s.creditManaged(ctx, pr, du.EntryID); err != nil {
			return err
		}
		now := time.Now()
		switch act {
		case "review":
			var b reviewBody
			if err := decodeJSON(r, &b); err != nil {
				return err
			}
			if b.Accept == nil {
				return apperr.Invalidf("accept", "credit.invalid", "请给出审查结论：accept 为 true（理由成立）或 false（驳回）")
			}
			d, err := s.credit.ReviewCorrection(ctx, pr, dutyID, credit.Review{Accept: *b.Accept, Note: b.Note})
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusOK, toCreditDutyJSON(d, now))
		default:
			var b carryOutBody
			if err := decodeJSON(r, &b); err != nil {
				return err
			}
			var e credit.Entry
			if du.Kind == credit.DutyRemoval {
				e, err = s.credit.Remove(ctx, pr, du.EntryID, credit.Removal{Reason: credit.RemovalReason(du.Reason), Note: b.Note})
			} else {
				p := b.Patch
				e, err = s.credit.CarryOutCorrection(ctx, pr, dutyID, credit.Patch{Name: p.Name, LegalRep: p.LegalRep, Obligation: p.Obligation, Performance: p.Performance,
					Conduct: p.Conduct, BasisUnit: p.BasisUnit, BasisNumber: p.BasisNumber, DecisionSM3: p.DecisionSM3}, b.Note)
			}
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusOK, toCreditEntryJSON(e, now))
		}
		return nil
	}
}
