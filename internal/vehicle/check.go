package vehicle

import (
	"context"
	"fmt"
	"sync"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/connector"
)

// index holds every vehicle's live seals (in force first, then waiting in
// queue order), by VIN and by plate.
type index struct {
	mu    sync.RWMutex
	byVIN map[string][]Seal
	plate map[string]string // plate → VIN
}

func newIndex() index { return index{byVIN: map[string][]Seal{}, plate: map[string]string{}} }

func (x *index) load(seals []Seal) {
	by := map[string][]Seal{}
	for _, s := range seals {
		by[s.VIN] = append(by[s.VIN], s)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for vin, ss := range by {
		x.setLocked(vin, ss)
	}
}

func (x *index) set(vin string, live []Seal) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.setLocked(vin, live)
}

func (x *index) setLocked(vin string, live []Seal) {
	if old, ok := x.byVIN[vin]; ok && len(old) > 0 {
		delete(x.plate, old[0].Plate)
	}
	if len(live) == 0 {
		delete(x.byVIN, vin)
		return
	}
	ordered := make([]Seal, 0, len(live))
	for _, s := range live {
		if s.State == InForce {
			ordered = append(ordered, s)
		}
	}
	for _, s := range live {
		if s.State == Waiting {
			ordered = append(ordered, s)
		}
	}
	x.byVIN[vin] = ordered
	x.plate[ordered[0].Plate] = vin
}

func (x *index) get(k connector.VehicleKey) []Seal {
	x.mu.RLock()
	defer x.mu.RUnlock()
	vin := k.VIN
	if vin == "" {
		vin = x.plate[k.Plate]
	}
	return x.byVIN[vin]
}

// Len is the number of vehicles with live seals.
func (r *Register) Len() int {
	r.idx.mu.RLock()
	defer r.idx.mu.RUnlock()
	return len(r.idx.byVIN)
}

// Verdict answers "may op be done on this vehicle now?".
type Verdict struct {
	Key       string // the key as normalized (plate or VIN)
	VIN       string // "" when the register holds no seal on the vehicle
	Plate     string
	Operation connector.OperationInfo
	Allowed   bool
	// Blocking is the seal in force when there is one, whether or not it
	// blocks op (a seal does not block plate replacement).
	Blocking *Blocking
	Waiting  int // seals waiting behind it (轮候查封)
}

// Blocking is the seal in force, as a police system is told of it.
type Blocking struct {
	SealID         int64
	CourtUnit      string
	CourtName      string
	CaseNumber     string
	DocumentDigest string
	EffectiveAt    time.Time
	ExpiresAt      time.Time
}

// Check answers from memory whether op may be done on the vehicle with this
// plate or VIN now (S-VEH-2). The seal in force is the one the register
// holds, or — when its term ended and LapseDue has not run yet — the
// waiting seal that took effect at that moment (查封扣押冻结规定 arts.
// 26–27), so the answer never waits for the scheduler. A vehicle without
// seals is allowed: Check does not ask the registry whether it exists.
func (r *Register) Check(ctx context.Context, key string, op connector.Operation) (Verdict, error) {
	if err := ctx.Err(); err != nil {
		return Verdict{}, err
	}
	k, err := connector.ParseVehicleKey(key)
	if err != nil {
		return Verdict{}, err
	}
	info, ok := op.Info()
	if !ok {
		_, err := connector.ParseOperation(string(op))
		return Verdict{}, err
	}
	v := Verdict{Key: k.String(), Plate: k.Plate, VIN: k.VIN, Operation: info, Allowed: true}
	seals := r.idx.get(k)
	if len(seals) == 0 {
		return v, nil
	}
	v.VIN, v.Plate = seals[0].VIN, seals[0].Plate
	now := r.cfg.Now()
	// Walk the queue: each seal holds from the end of the one before.
	var from, until time.Time
	for i, s := range seals {
		switch {
		case i == 0 && s.State == InForce:
			from, until = s.EffectiveAt, s.ExpiresAt
		case i == 0:
			// No seal in force yet the queue waits: not a state the register
			// writes; report the queue without a blocking seal.
			v.Waiting = len(seals)
			return v, nil
		default:
			from, until = until, addMonths(until, s.TermMonths)
		}
		if now.Before(until) {
			v.Blocking = &Blocking{SealID: s.ID, CourtUnit: s.CourtUnit, CourtName: s.CourtName, CaseNumber: s.CaseNumber,
				DocumentDigest: s.DocumentDigest, EffectiveAt: from, ExpiresAt: until}
			v.Waiting = len(seals) - i - 1
			v.Allowed = !info.Blocked
			return v, nil
		}
	}
	return v, nil
}

// Reason is the verdict in one Chinese sentence.
func (v Verdict) Reason() string {
	switch {
	case v.Blocking != nil && !v.Allowed:
		return fmt.Sprintf("该车已被%s查封（案号 %s，查封期限 %s 至 %s），依据%s，不予办理%s", v.Blocking.CourtName, v.Blocking.CaseNumber,
			day(v.Blocking.EffectiveAt), day(v.Blocking.ExpiresAt), v.Operation.Basis, v.Operation.Label)
	case v.Blocking != nil:
		return fmt.Sprintf("该车已被%s查封，但查封不影响办理%s（%s）", v.Blocking.CourtName, v.Operation.Label, v.Operation.Basis)
	}
	return "查封登记簿中该车没有生效的查封，可以办理" + v.Operation.Label
}

// VehicleFile is a vehicle with every seal it ever had, in order of
// acceptance (the seal part of the vehicle's archive, S-VEH-2).
type VehicleFile struct {
	Vehicle connector.Vehicle
	Known   bool // the registry knows the vehicle
	Seals   []Seal
}

// File returns the vehicle from the registry and all its seals. A key the
// registry does not know and the register holds no seal for is NotFound.
func (r *Register) File(ctx context.Context, key string) (VehicleFile, error) {
	k, err := connector.ParseVehicleKey(key)
	if err != nil {
		return VehicleFile{}, err
	}
	var f VehicleFile
	veh, err := r.reg.Vehicle(ctx, k.String())
	switch {
	case err == nil:
		f.Vehicle, f.Known = veh, true
	case connector.IsNotFound(err):
	default:
		return VehicleFile{}, fmt.Errorf("vehicle file: look up vehicle: %w", err)
	}
	vin := k.VIN
	if f.Known {
		vin = f.Vehicle.VIN
	} else if vin == "" {
		if err := r.db.Read().QueryRowContext(ctx, `SELECT vin FROM vehicle_files WHERE plate = $1 ORDER BY created_at DESC LIMIT 1`, k.Plate).Scan(&vin); err != nil {
			vin = ""
		}
	}
	if vin != "" {
		if f.Seals, err = r.query(ctx, r.db.Read(), `WHERE vin = $1 ORDER BY queue_pos`, vin); err != nil {
			return VehicleFile{}, fmt.Errorf("vehicle file: read seals: %w", err)
		}
	}
	if !f.Known && len(f.Seals) == 0 {
		return VehicleFile{}, &apperr.Error{Kind: apperr.NotFound, Code: CodeNotFound, Field: "vehicle",
			Message: "机动车登记系统和查封登记簿中都没有该车辆（" + k.String() + "）"}
	}
	if f.Seals == nil {
		f.Seals = []Seal{}
	}
	return f, nil
}
