package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/connector"
	"liandong/internal/pii"
	"liandong/internal/vehicle"
)

// The vehicle seal register's API for police systems (S-VEH-2): before a
// registration business the vehicle administration, or a police system
// with its token, asks whether the vehicle is sealed. Answers come from the
// register's memory; every request is audited (S-SEC-1) with what was
// checked, through the grouped audit appends of vehicles_audit.go.

// maxVehicleBatch is the most checks one batch request may carry.
const maxVehicleBatch = 1000

func errVehiclesOff() error {
	return &apperr.Error{Kind: apperr.Unavailable, Code: "vehicle.unavailable", Message: "本节点未启用车辆查封登记簿"}
}

type sealJSON struct {
	ID             int64     `json:"id"`
	CourtUnit      string    `json:"court_unit"`
	CourtName      string    `json:"court_name"`
	CaseNumber     string    `json:"case_number"`
	DocumentDigest string    `json:"document_digest"`
	EffectiveAt    time.Time `json:"effective_at"`
	ExpiresAt      time.Time `json:"expires_at"`
}

type verdictJSON struct {
	Vehicle        string    `json:"vehicle"`
	VIN            string    `json:"vin,omitempty"`
	Plate          string    `json:"plate,omitempty"`
	Operation      string    `json:"operation"`
	OperationLabel string    `json:"operation_label"`
	Allowed        bool      `json:"allowed"`
	Reason         string    `json:"reason"`
	Basis          string    `json:"basis"`
	Seal           *sealJSON `json:"seal,omitempty"` // the seal in force, if any
	Waiting        int       `json:"waiting"`        // seals waiting behind it (轮候查封)
}

func toVerdictJSON(v vehicle.Verdict) verdictJSON {
	j := verdictJSON{Vehicle: v.Key, VIN: v.VIN, Plate: v.Plate, Operation: string(v.Operation.Op), OperationLabel: v.Operation.Label,
		Allowed: v.Allowed, Reason: v.Reason(), Basis: v.Operation.Basis, Waiting: v.Waiting}
	if b := v.Blocking; b != nil {
		j.Seal = &sealJSON{ID: b.SealID, CourtUnit: b.CourtUnit, CourtName: b.CourtName, CaseNumber: b.CaseNumber,
			DocumentDigest: b.DocumentDigest, EffectiveAt: b.EffectiveAt.In(shanghai), ExpiresAt: b.ExpiresAt.In(shanghai)}
	}
	return j
}

// checkWord is how one check ends, in the audit detail.
func checkWord(v vehicle.Verdict, err error) string {
	switch {
	case err != nil:
		if e, ok := apperr.As(err); ok {
			return e.Code
		}
		return "error"
	case !v.Allowed:
		return "blocked:seal-" + strconv.FormatInt(v.Blocking.SealID, 10)
	case v.Blocking != nil:
		return "allowed:sealed"
	}
	return "allowed"
}

// auditKey names a checked vehicle in the audit log: normalized when it
// parsed, otherwise the input cut short.
func auditKey(v vehicle.Verdict, raw string) string {
	if v.Key != "" {
		return v.Key
	}
	return "?" + clipText(strings.TrimSpace(raw), 24)
}

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

// authorizeVehicles checks the principal's scope for a vehicle action (the
// route only checked that one of its roles holds it).
func (s *Server) authorizeVehicles(r *http.Request, rq *request, a access.Action) error {
	if err := s.acc.Authorize(r.Context(), *rq.User, a, access.Target{}); err != nil {
		return err
	}
	if s.vehicles == nil {
		return errVehiclesOff()
	}
	return nil
}

// apiVehicleCheck answers one check: GET ?vehicle=豫P12345&operation=transfer.
func (s *Server) apiVehicleCheck(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.authorizeVehicles(r, rq, access.ActionVehicleCheck); err != nil {
		return err
	}
	q := r.URL.Query()
	raw, op := q.Get("vehicle"), q.Get("operation")
	v, err := s.vehicles.Check(r.Context(), raw, connector.Operation(strings.TrimSpace(op)))
	outcome := audit.OK
	if err != nil {
		outcome = audit.Failed
	}
	e := s.entry(r, rq, "vehicle.check", "vehicle:"+auditKey(v, raw), outcome, "operation="+clipText(op, 32)+" result="+checkWord(v, err))
	if aerr := s.vehicleAudit.record(r.Context(), e); aerr != nil {
		return aerr
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toVerdictJSON(v))
	return nil
}

type checkItem struct {
	Vehicle   string `json:"vehicle"`
	Operation string `json:"operation"`
}

type checkResult struct {
	*verdictJSON
	Error *errorJSON `json:"error,omitempty"`
}

type errorJSON struct {
	Vehicle string `json:"vehicle"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// apiVehicleCheckBatch answers up to 1,000 checks in one request, in the
// order asked; a malformed item gets its own error and does not fail the
// others. The audit names every item (several entries when they do not fit
// in one detail), all committed before the answer.
func (s *Server) apiVehicleCheckBatch(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.authorizeVehicles(r, rq, access.ActionVehicleCheck); err != nil {
		return err
	}
	var body struct {
		Items []checkItem `json:"items"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if len(body.Items) == 0 || len(body.Items) > maxVehicleBatch {
		return apperr.Invalidf("items", "vehicle.batch_size", "每次核查 1 至 %d 辆车，本次为 %d 辆", maxVehicleBatch, len(body.Items))
	}
	results := make([]checkResult, len(body.Items))
	words := make([]string, len(body.Items))
	blocked := 0
	for i, it := range body.Items {
		v, err := s.vehicles.Check(r.Context(), it.Vehicle, connector.Operation(strings.TrimSpace(it.Operation)))
		words[i] = auditKey(v, it.Vehicle) + ":" + clipText(it.Operation, 24) + ":" + checkWord(v, err)
		if err != nil {
			pe := publicError(r, err)
			results[i].Error = &errorJSON{Vehicle: clipText(it.Vehicle, 32), Code: pe.Code, Message: pe.Message, Field: pe.Field}
			continue
		}
		if !v.Allowed {
			blocked++
		}
		j := toVerdictJSON(v)
		results[i].verdictJSON = &j
	}
	if err := s.vehicleAudit.record(r.Context(), batchEntries(s.entry(r, rq, "vehicle.check", "", audit.OK, ""), words)...); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"checked": len(results), "blocked": blocked, "results": results})
	return nil
}

// batchEntries splits the items of a batch over as few entries as their
// detail limit allows, each naming its range: "items 1-180 of 1000".
func batchEntries(base audit.Entry, words []string) []audit.Entry {
	const budget = 3800 // characters of detail, under audit's 4000
	var out []audit.Entry
	start, size := 0, 0
	var b strings.Builder
	flush := func(end int) {
		e := base
		e.Object = "vehicles:batch:" + strconv.Itoa(len(words))
		e.Detail = "items " + strconv.Itoa(start+1) + "-" + strconv.Itoa(end) + " of " + strconv.Itoa(len(words)) + ": " + b.String()
		out = append(out, e)
		b.Reset()
		start, size = end, 0
	}
	for i, w := range words {
		n := len([]rune(w)) + 1
		if size > 0 && size+n > budget {
			flush(i)
		}
		if size > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		size += n
	}
	flush(len(words))
	return out
}

type vehicleFileJSON struct {
	Known   bool              `json:"known"`
	Vehicle *vehicleJSON      `json:"vehicle,omitempty"`
	Seals   []sealRecordJSON  `json:"seals"`
	Queue   map[string]string `json:"state_labels"`
}

type vehicleJSON struct {
	Plate        string    `json:"plate"`
	VIN          string    `json:"vin"`
	OwnerName    string    `json:"owner_name"`
	OwnerID      string    `json:"owner_id_masked"`
	Make         string    `json:"make"`
	Model        string    `json:"model"`
	Colour       string    `json:"colour"`
	VehicleType  string    `json:"vehicle_type"`
	Authority    string    `json:"authority"`
	RegisteredAt time.Time `json:"registered_at"`
	Mortgaged    bool      `json:"mortgaged"`
	Mortgagee    string    `json:"mortgagee,omitempty"`
	Source       string    `json:"source"`
}

type sealRecordJSON struct {
	ID             int64      `json:"id"`
	State          string     `json:"state"`
	QueuePos       int64      `json:"queue_pos"`
	CourtUnit      string     `json:"court_unit"`
	CourtName      string     `json:"court_name"`
	CaseNumber     string     `json:"case_number"`
	MatterID       int64      `json:"matter_id,omitempty"`
	DocumentDigest string     `json:"document_digest"`
	TermMonths     int        `json:"term_months"`
	AcceptedAt     time.Time  `json:"accepted_at"`
	EffectiveAt    *time.Time `json:"effective_at,omitempty"`
	ExpiresAt      *time.Time `json:"expires_at,omitempty"`
	EndedAt        *time.Time `json:"ended_at,omitempty"`
	EndReason      string     `json:"end_reason,omitempty"`
	Renewals       int        `json:"renewals"`
	RegistryState  string     `json:"registry_state"`
	RegistryError  string     `json:"registry_error,omitempty"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.In(shanghai)
	return &t
}

// apiVehicleFile shows a vehicle and every seal it had, in order: for the
// traffic police, and for a court with a seal (in force, waiting or ended)
// on the vehicle. The owner's identity number is masked.
func (s *Server) apiVehicleFile(w http.ResponseWriter, r *http.Request, rq *request) error {
	out, err := s.vehicleFile(r, rq, r.URL.Query().Get("vehicle"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// vehicleFile reads the file of the vehicle key names for rq's user, with
// the checks and the audit entry the API and the page share.
func (s *Server) vehicleFile(r *http.Request, rq *request, vehicleKey string) (vehicleFileJSON, error) {
	ctx := r.Context()
	pr := *rq.User
	if s.vehicles == nil {
		if err := s.acc.Authorize(ctx, pr, access.ActionVehicleFileRead, access.Target{}); err != nil {
			return vehicleFileJSON{}, err
		}
		return vehicleFileJSON{}, errVehiclesOff()
	}
	pol := s.acc.Policy()
	f, err := s.vehicles.File(ctx, vehicleKey)
	if err != nil {
		// Whether a vehicle is known is itself register data: only those
		// who may read any file learn that it is not.
		if apperr.IsNotFound(err) && !pol.Can(ctx, pr, access.ActionVehicleFileRead, access.Target{}) {
			return vehicleFileJSON{}, s.acc.Authorize(ctx, pr, access.ActionVehicleFileRead, access.Target{RequestingUnit: "-"})
		}
		return vehicleFileJSON{}, err
	}
	ok := pol.Can(ctx, pr, access.ActionVehicleFileRead, access.Target{})
	for i := 0; !ok && i < len(f.Seals); i++ {
		ok = pol.Can(ctx, pr, access.ActionVehicleFileRead, access.Target{RequestingUnit: f.Seals[i].CourtUnit})
	}
	if !ok {
		// Audited denial, saying nothing of the vehicle.
		return vehicleFileJSON{}, s.acc.Authorize(ctx, pr, access.ActionVehicleFileRead, access.Target{RequestingUnit: "-"})
	}
	key := f.Vehicle.VIN
	if !f.Known && len(f.Seals) > 0 {
		key = f.Seals[0].VIN
	}
	if _, err := s.audit.Record(ctx, s.entry(r, rq, "vehicle.file.read", "vehicle:"+key, audit.OK, "seals="+strconv.Itoa(len(f.Seals)))); err != nil {
		return vehicleFileJSON{}, err
	}
	out := vehicleFileJSON{Known: f.Known, Seals: make([]sealRecordJSON, len(f.Seals)), Queue: map[string]string{}}
	for _, st := range []vehicle.State{vehicle.InForce, vehicle.Waiting, vehicle.Lifted, vehicle.Lapsed} {
		out.Queue[string(st)] = st.Label()
	}
	if f.Known {
		v := f.Vehicle
		out.Vehicle = &vehicleJSON{Plate: v.Plate, VIN: v.VIN, OwnerName: v.OwnerName, OwnerID: pii.Mask(pii.IDNumber, v.OwnerID), Make: v.Make,
			Model: v.Model, Colour: v.Colour, VehicleType: v.VehicleType, Authority: v.Authority, RegisteredAt: v.RegisteredAt.In(shanghai),
			Mortgaged: v.Mortgaged, Mortgagee: v.Mortgagee, Source: v.Source}
	}
	for i, sl := range f.Seals {
		out.Seals[i] = sealRecordJSON{ID: sl.ID, State: string(sl.State), QueuePos: sl.QueuePos, CourtUnit: sl.CourtUnit, CourtName: sl.CourtName,
			CaseNumber: sl.CaseNumber, MatterID: sl.MatterID, DocumentDigest: sl.DocumentDigest, TermMonths: sl.TermMonths,
			AcceptedAt: sl.AcceptedAt.In(shanghai), EffectiveAt: optTime(sl.EffectiveAt), ExpiresAt: optTime(sl.ExpiresAt), EndedAt: optTime(sl.EndedAt),
			EndReason: sl.EndReason, Renewals: sl.Renewals, RegistryState: sl.Registry.State, RegistryError: sl.Registry.Error}
	}
	return out, nil
}
