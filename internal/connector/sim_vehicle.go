package connector

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/ident"
)

// MaxSimVehicles is the most vehicles a VehicleSimulator can hold: the
// number of five-character 豫P serials it draws ordinary plates from (two
// letters-or-digits, then three digits: 34 × 34 × 1000).
const MaxSimVehicles = plateSpace

// Plate and VIN serial spaces. Vehicle i's plate and VIN serial are affine
// permutations of i in these spaces, so a plate or VIN maps back to i in
// constant time and no vehicle needs to be stored.
const (
	plateAlnum = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ" // plate characters: no I, O
	plateSpace = 34 * 34 * 1000                       // ordinary: 豫P + [alnum][alnum][ddd]
	nevSpace   = 5 * 34 * 10000                       // new-energy: 豫P + [DABCE|FGHJK][alnum][dddd]
	vinPlants  = "ABCDEFGHJK"                         // VIN position 11
	vinSpace   = len(vinPlants) * 1_000_000           // positions 11–17: plant + six digits
)

// VehicleSimulator implements VehicleRegistry on n synthetic vehicles
// registered in Zhoukou (豫P), generated on demand from their index and a
// seed: plates, VINs with GB 16735 check digits on real Chinese makers'
// WMIs, owners with valid Zhoukou identity numbers, some under mortgage.
// Seal marks are kept in memory (a restart loses them; the register
// re-syncs). It is safe for concurrent use.
type VehicleSimulator struct {
	seed   uint64
	n      int
	now    func() time.Time
	owners []SimPerson

	plate, nev, vin affine

	mu    sync.RWMutex
	marks map[string]SealMark
	byVIN map[string][]string // mark ids per VIN, in recording order
	down  bool
}

// VehicleOption tunes a VehicleSimulator.
type VehicleOption func(*VehicleSimulator)

// WithVehicleClock sets the clock that decides whether a mark is in force
// (default time.Now).
func WithVehicleClock(now func() time.Time) VehicleOption {
	return func(s *VehicleSimulator) { s.now = now }
}

// WithVehicleOwners makes people (Simulator.People) the owners of the
// first len(people) vehicles, so demo debtors own cars.
func WithVehicleOwners(people []SimPerson) VehicleOption {
	return func(s *VehicleSimulator) { s.owners = append([]SimPerson(nil), people...) }
}

// NewVehicleSimulator returns a registry of n vehicles (1 ≤ n ≤
// MaxSimVehicles) determined by seed. Construction costs nothing per
// vehicle.
func NewVehicleSimulator(seed int64, n int, opts ...VehicleOption) (*VehicleSimulator, error) {
	if n < 1 || n > MaxSimVehicles {
		return nil, fmt.Errorf("vehicle simulator: %d vehicles asked for, want 1 to %d", n, MaxSimVehicles)
	}
	s := &VehicleSimulator{seed: uint64(seed), n: n, now: time.Now, marks: map[string]SealMark{}, byVIN: map[string][]string{}}
	for _, o := range opts {
		o(s)
	}
	r := rand.New(rand.NewPCG(s.seed, 0x76656869636c6573)) // "vehicles"
	s.plate = newAffine(plateSpace, r)
	s.nev = newAffine(nevSpace, r)
	s.vin = newAffine(vinSpace, r)
	return s, nil
}

// Interfaces the simulator implements.
var _ VehicleRegistry = (*VehicleSimulator)(nil)

// Len is the number of vehicles.
func (s *VehicleSimulator) Len() int { return s.n }

// At returns vehicle i (0 ≤ i < Len), for demos, tests and benchmarks to
// pick keys.
func (s *VehicleSimulator) At(i int) Vehicle {
	if i < 0 || i >= s.n {
		panic(fmt.Sprintf("connector: vehicle %d out of range [0, %d)", i, s.n))
	}
	return s.generate(i)
}

// SetAvailable makes RecordSeal and ReleaseSeal fail with
// connector.unavailable (false) or work again (true), so tests can show
// that nothing is lost while the registry is down.
func (s *VehicleSimulator) SetAvailable(up bool) {
	s.mu.Lock()
	s.down = !up
	s.mu.Unlock()
}

// Marks returns every mark the registry holds, by VIN then recording order.
func (s *VehicleSimulator) Marks() []SealMark {
	s.mu.RLock()
	defer s.mu.RUnlock()
	vins := make([]string, 0, len(s.byVIN))
	for v := range s.byVIN {
		vins = append(vins, v)
	}
	sort.Strings(vins)
	out := []SealMark{}
	for _, v := range vins {
		for _, id := range s.byVIN[v] {
			out = append(out, s.marks[id])
		}
	}
	return out
}

// Vehicle implements VehicleRegistry.
func (s *VehicleSimulator) Vehicle(ctx context.Context, key string) (Vehicle, error) {
	if err := ctx.Err(); err != nil {
		return Vehicle{}, err
	}
	k, err := ParseVehicleKey(key)
	if err != nil {
		return Vehicle{}, err
	}
	if i, ok := s.lookup(k); ok {
		return s.generate(i), nil
	}
	return Vehicle{}, notFound("该号牌号码或车辆识别代号的机动车登记信息")
}

// lookup finds the index of the vehicle with this key.
func (s *VehicleSimulator) lookup(k VehicleKey) (int, bool) {
	var i int
	switch {
	case k.VIN != "":
		plant := strings.IndexByte(vinPlants, k.VIN[10])
		serial, ok := digits(k.VIN[11:])
		if plant < 0 || !ok {
			return 0, false
		}
		i = s.vin.inverse(plant*1_000_000 + serial)
	case strings.HasPrefix(k.Plate, "豫P"):
		serial := k.Plate[len("豫P"):]
		switch len(serial) {
		case 5:
			a, b := strings.IndexByte(plateAlnum, serial[0]), strings.IndexByte(plateAlnum, serial[1])
			d, ok := digits(serial[2:])
			if a < 0 || b < 0 || !ok {
				return 0, false
			}
			i = s.plate.inverse((a*34+b)*1000 + d)
		case 6:
			l := strings.IndexByte(nevPureSmall, serial[0])
			if l < 0 {
				l = strings.IndexByte(nevOtherSmall, serial[0])
			}
			b := strings.IndexByte(plateAlnum, serial[1])
			d, ok := digits(serial[2:])
			if l < 0 || b < 0 || !ok {
				return 0, false
			}
			i = s.nev.inverse((l*34+b)*10000 + d)
		default:
			return 0, false
		}
	default:
		return 0, false
	}
	if i >= s.n {
		return 0, false
	}
	// The key decoded to an index; the vehicle there must carry exactly it
	// (a plate of the other kind or a VIN of another maker decodes too).
	v := s.generate(i)
	return i, v.VIN == k.VIN || v.Plate == k.Plate
}

// Letters of new-energy small-vehicle serials (as ident reads them).
const (
	nevPureSmall  = "DABCE"
	nevOtherSmall = "FGHJK"
)

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// generate builds vehicle i. The draws are in a fixed order, so the same
// seed and index always give the same vehicle.
func (s *VehicleSimulator) generate(i int) Vehicle {
	r := rand.New(rand.NewPCG(s.seed, uint64(i)*0x9e3779b97f4a7c15+1))
	newEnergy := r.IntN(100) < 12
	var m vehicleModel
	if newEnergy {
		m = pick(r, newEnergyModels)
	} else {
		m = pick(r, ordinaryModels)
	}
	year := 2012 + r.IntN(14)
	registered := time.Date(year, time.Month(1+r.IntN(12)), 1+r.IntN(28), 9+r.IntN(8), r.IntN(60), 0, 0, cst)
	if registered.After(historyEnd) {
		registered = historyEnd.AddDate(0, 0, -1-r.IntN(300))
	}
	v := Vehicle{
		VIN: simVIN(m, registered.Year(), s.vin.apply(i)), Make: m.make, Model: m.model, Colour: pick(r, vehicleColours),
		VehicleType: m.vehicleType, Authority: vehicleAuthority, RegisteredAt: registered,
		Meta: Meta{Source: srcVehicle, RecordedAt: registered},
	}
	if newEnergy {
		c := s.nev.apply(i)
		letters := nevOtherSmall
		if m.pureElectric {
			letters = nevPureSmall
		}
		v.Plate = fmt.Sprintf("豫P%c%c%04d", letters[c/340000], plateAlnum[(c/10000)%34], c%10000)
	} else {
		c := s.plate.apply(i)
		v.Plate = fmt.Sprintf("豫P%c%c%03d", plateAlnum[c/34000], plateAlnum[(c/1000)%34], c%1000)
	}
	sex := "M"
	if r.IntN(3) == 0 {
		sex = "F"
	}
	c := counties[r.IntN(len(counties))]
	birth := date(1958+r.IntN(45), time.Month(1+r.IntN(12)), 1+r.IntN(28))
	seq := r.IntN(1000)
	if (seq%2 == 1) != (sex == "M") {
		seq ^= 1
	}
	body := fmt.Sprintf("%s%s%03d", c.code, birth.Format("20060102"), seq)
	v.OwnerID = body + string(checkChar(body))
	v.OwnerName = (&generator{r: r}).name(sex)
	if i < len(s.owners) {
		v.OwnerID, v.OwnerName = s.owners[i].IDNumber, s.owners[i].Name
	}
	if r.IntN(100) < 8 {
		v.Mortgaged, v.Mortgagee = true, pick(r, mortgagees)
	}
	return v
}

// simVIN builds a VIN: WMI, descriptor, check digit, model-year code,
// plant and six-digit serial, with the GB 16735 (ISO 3779) check digit.
func simVIN(m vehicleModel, year, code int) string {
	b := []byte(m.wmi + m.vds + "0")
	b = append(b, vinYearCodes[(year-1980)%30], vinPlants[code/1_000_000])
	b = fmt.Appendf(b, "%06d", code%1_000_000)
	b[8], _ = ident.VINCheckDigit(string(b)) // the generator only writes allowed characters
	return string(b)
}

// vinYearCodes are the model-year codes from 1980, repeating every 30 years.
const vinYearCodes = "ABCDEFGHJKLMNPRSTVWXY123456789"

// affine is the permutation x ↦ (a·x + b) mod m of [0, m), a coprime to m.
type affine struct{ m, a, b, ainv int }

func newAffine(m int, r *rand.Rand) affine {
	for {
		a := 1 + r.IntN(m-1)
		if inv, ok := modInverse(a, m); ok && a > m/7 {
			return affine{m: m, a: a, b: r.IntN(m), ainv: inv}
		}
	}
}

func (f affine) apply(x int) int   { return (f.a*x + f.b) % f.m }
func (f affine) inverse(y int) int { return (f.ainv * ((y - f.b + f.m) % f.m)) % f.m }

// modInverse is a⁻¹ mod m by the extended Euclidean algorithm.
func modInverse(a, m int) (int, bool) {
	t, nt, r, nr := 0, 1, m, a
	for nr != 0 {
		q := r / nr
		t, nt = nt, t-q*nt
		r, nr = nr, r-q*nr
	}
	if r != 1 {
		return 0, false
	}
	if t < 0 {
		t += m
	}
	return t, true
}

// RecordSeal implements VehicleRegistry.
func (s *VehicleSimulator) RecordSeal(ctx context.Context, m SealMark) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(m.ID) == "":
		return invalid("id", "查封登记须有查封编号")
	case strings.TrimSpace(m.CaseNumber) == "" || strings.TrimSpace(m.DocumentDigest) == "":
		return invalid("document", "查封登记须附案号和协助执行通知书")
	case !m.ExpiresAt.After(m.EffectiveAt):
		return invalid("expires_at", "查封期限的截止时间须晚于生效时间")
	}
	k, err := ParseVehicleKey(m.VIN)
	if err != nil {
		return err
	}
	i, ok := s.lookup(k)
	if !ok {
		return notFound("该车辆识别代号的机动车登记信息")
	}
	m.VIN, m.Plate = k.VIN, s.generate(i).Plate
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return unavailable()
	}
	if _, seen := s.marks[m.ID]; !seen {
		s.byVIN[m.VIN] = append(s.byVIN[m.VIN], m.ID)
	}
	s.marks[m.ID] = m
	return nil
}

// ReleaseSeal implements VehicleRegistry.
func (s *VehicleSimulator) ReleaseSeal(ctx context.Context, markID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return unavailable()
	}
	m, ok := s.marks[markID]
	if !ok {
		return nil
	}
	delete(s.marks, markID)
	ids := s.byVIN[m.VIN]
	for j, id := range ids {
		if id == markID {
			ids = append(ids[:j:j], ids[j+1:]...)
			break
		}
	}
	if len(ids) == 0 {
		delete(s.byVIN, m.VIN)
	} else {
		s.byVIN[m.VIN] = ids
	}
	return nil
}

// Register implements VehicleRegistry: the simulated business succeeds
// unless a mark in force blocks op, or op is deregistration of a
// mortgaged vehicle (机动车登记规定 art. 42).
func (s *VehicleSimulator) Register(ctx context.Context, key string, op Operation) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	info, ok := op.Info()
	if !ok {
		_, err := ParseOperation(string(op))
		return err
	}
	v, err := s.Vehicle(ctx, key)
	if err != nil {
		return err
	}
	if info.Blocked {
		now := s.now()
		s.mu.RLock()
		var block *SealMark
		for _, id := range s.byVIN[v.VIN] {
			if m := s.marks[id]; m.InForce(now) && (block == nil || m.EffectiveAt.Before(block.EffectiveAt)) {
				block = &m
			}
		}
		s.mu.RUnlock()
		if block != nil {
			court := block.CourtName
			if court == "" {
				court = block.Court
			}
			return &apperr.Error{Kind: apperr.Conflict, Code: CodeSealed, Field: "vehicle", Message: fmt.Sprintf(
				"该车（%s）已被%s查封（案号 %s，协助执行通知书 SM3 %s，查封期限 %s 至 %s），依据%s，不予办理%s",
				v.Plate, court, block.CaseNumber, shortDigest(block.DocumentDigest),
				block.EffectiveAt.In(cst).Format("2006-01-02"), block.ExpiresAt.In(cst).Format("2006-01-02"), info.Basis, info.Label)}
		}
	}
	if op == OpDeregistration && v.Mortgaged {
		return &apperr.Error{Kind: apperr.Conflict, Code: CodeMortgaged, Field: "vehicle", Message: fmt.Sprintf(
			"该车（%s）在抵押登记期间（抵押权人 %s），依据《机动车登记规定》第四十二条，不予办理注销登记", v.Plate, v.Mortgagee)}
	}
	return nil
}

func shortDigest(d string) string {
	if len(d) > 16 {
		return d[:16] + "…"
	}
	return d
}

func unavailable() error {
	return &apperr.Error{Kind: apperr.Unavailable, Code: CodeUnavailable, Message: "机动车登记系统暂时无法连接，请稍后重试"}
}
