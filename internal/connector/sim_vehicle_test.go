package connector_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/connector"
	"liandong/internal/ident"
)

func newVehicles(t testing.TB, n int, opts ...connector.VehicleOption) *connector.VehicleSimulator {
	t.Helper()
	opts = append([]connector.VehicleOption{connector.WithVehicleClock(func() time.Time { return clock })}, opts...)
	s, err := connector.NewVehicleSimulator(7, n, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Every generated vehicle carries a valid 豫P plate, a VIN whose GB 16735
// check digit is right on a Chinese WMI, and an owner with a valid Zhoukou
// identity number; plates and VINs are unique and map back to the vehicle.
func TestSimVehiclesAreValid(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newVehicles(t, 20000)
	plates, vins := map[string]bool{}, map[string]bool{}
	nev, mortgaged := 0, 0
	for i := range s.Len() {
		v := s.At(i)
		p, err := ident.ParsePlate(v.Plate)
		if err != nil || p.Number != v.Plate || p.Province != "豫" || p.Authority != 'P' {
			t.Fatalf("vehicle %d plate %s: %v", i, v.Plate, err)
		}
		vin, err := ident.ParseVIN(v.VIN)
		if err != nil || vin.WMI[0] != 'L' {
			t.Fatalf("vehicle %d VIN %s: %v", i, v.VIN, err)
		}
		if i%50 == 0 {
			id, err := ident.ParseResidentIDAt(v.OwnerID, clock)
			if err != nil || id.Region[:4] != "4116" {
				t.Fatalf("vehicle %d owner %s: %v", i, v.OwnerID, err)
			}
			for _, key := range []string{v.Plate, v.VIN, strings.ToLower(v.VIN), "豫p·" + v.Plate[len("豫P"):]} {
				got, err := s.Vehicle(ctx, key)
				if err != nil || got.VIN != v.VIN {
					t.Fatalf("lookup %q: %v %v", key, got.VIN, err)
				}
			}
		}
		if plates[v.Plate] || vins[v.VIN] {
			t.Fatalf("duplicate plate %s or VIN %s", v.Plate, v.VIN)
		}
		plates[v.Plate], vins[v.VIN] = true, true
		if p.NewEnergy {
			nev++
		}
		if v.Mortgaged {
			mortgaged++
			if v.Mortgagee == "" {
				t.Errorf("%s mortgaged without a mortgagee", v.Plate)
			}
		}
	}
	if nev < 1000 || nev > 4000 || mortgaged < 800 || mortgaged > 2500 {
		t.Errorf("%d new-energy and %d mortgaged of 20000", nev, mortgaged)
	}
}

func TestSimVehiclesDeterministic(t *testing.T) {
	t.Parallel()
	a, b := newVehicles(t, 1000), newVehicles(t, 1000)
	for i := range 1000 {
		if a.At(i) != b.At(i) {
			t.Fatalf("vehicle %d differs between two simulators of one seed", i)
		}
	}
	c, _ := connector.NewVehicleSimulator(8, 1000)
	if c.At(0).VIN == a.At(0).VIN {
		t.Error("another seed gave the same first vehicle")
	}
}

func TestSimVehicleOwners(t *testing.T) {
	t.Parallel()
	people := newSim().People()
	s := newVehicles(t, 1000, connector.WithVehicleOwners(people[:10]))
	if v := s.At(3); v.OwnerID != people[3].IDNumber || v.OwnerName != people[3].Name {
		t.Errorf("vehicle 3 owned by %s %s, want %s", v.OwnerName, v.OwnerID, people[3].Name)
	}
}

// The VIN check digit is the GB 16735 one: the simulator's VINs pass
// ident.ParseVIN (checked above) and a known-good VIN and a wrong check
// digit are told apart by the key parser.
func TestVehicleKeyParsing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, plate, vin, errPart string
	}{
		{"豫P12345", "豫P12345", "", ""},
		{" 豫p·d12345 ", "豫PD12345", "", ""},
		{"豫PD12345", "豫PD12345", "", ""},
		{"1M8GDM9AXKP042788", "", "1M8GDM9AXKP042788", ""}, // the textbook example (ISO 3779 check digit X)
		{"1m8gdm9axkp042788", "", "1M8GDM9AXKP042788", ""},
		{"１Ｍ８ＧＤＭ９ＡＸＫＰ０４２７８８", "", "1M8GDM9AXKP042788", ""},
		{"1M8GDM9A1KP042788", "", "", "校验位"},
		{"1M8GDM9AXKP04278", "", "", "17"},
		{"", "", "", "号牌号码或车辆识别代号"},
		{"豫P1234", "", "", "7 位"},
		{"X豫P12345", "", "", ""},
	} {
		k, err := connector.ParseVehicleKey(tc.in)
		if tc.plate == "" && tc.vin == "" {
			if err == nil {
				t.Errorf("%q: accepted as %v", tc.in, k)
				continue
			}
			if e, ok := apperr.As(err); !ok || e.Code != connector.CodeInvalid || !strings.Contains(e.Message, tc.errPart) {
				t.Errorf("%q: %v, want connector.invalid mentioning %q", tc.in, err, tc.errPart)
			}
			continue
		}
		if err != nil || k.Plate != tc.plate || k.VIN != tc.vin {
			t.Errorf("%q: %+v %v, want plate %q vin %q", tc.in, k, err, tc.plate, tc.vin)
		}
	}
}

func TestSimVehicleNotFound(t *testing.T) {
	t.Parallel()
	s := newVehicles(t, 100)
	ctx := context.Background()
	// Another city, a plate of 100 vehicles' registry beyond its size, a
	// valid VIN no vehicle here carries.
	for _, key := range []string{"京A12345", "豫A12345", "1M8GDM9AXKP042788"} {
		if _, err := s.Vehicle(ctx, key); !connector.IsNotFound(err) {
			t.Errorf("%s: %v, want not found", key, err)
		}
	}
}

func mark(id string, v connector.Vehicle, from time.Time) connector.SealMark {
	return connector.SealMark{ID: id, VIN: v.VIN, Plate: v.Plate, Court: "fy411602", CourtName: "周口市川汇区人民法院",
		CaseNumber: "（2025）豫1602执88号", DocumentDigest: strings.Repeat("ab", 32), EffectiveAt: from, ExpiresAt: from.AddDate(2, 0, 0)}
}

// S-VEH-2: while a seal is in force the registry refuses the registrations
// 机动车登记规定 says a seal blocks, naming the court, case and document,
// and does the others; releasing the mark frees the vehicle at once.
func TestS_VEH_2_SimRegistryRefusesSealedVehicle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newVehicles(t, 1000)
	v := s.At(10)
	for i := 11; v.Mortgaged; i++ {
		v = s.At(i) // a mortgaged vehicle would also refuse deregistration
	}
	if err := s.RecordSeal(ctx, mark("seal-1", v, clock.Add(-time.Hour))); err != nil {
		t.Fatal(err)
	}
	// Idempotent: recording again changes nothing.
	if err := s.RecordSeal(ctx, mark("seal-1", v, clock.Add(-time.Hour))); err != nil || len(s.Marks()) != 1 {
		t.Fatalf("second record: %v, %d marks", err, len(s.Marks()))
	}
	for _, o := range connector.Operations() {
		err := s.Register(ctx, v.Plate, o.Op)
		if !o.Blocked {
			if err != nil {
				t.Errorf("%s on a sealed vehicle: %v, want done (%s)", o.Op, err, o.Basis)
			}
			continue
		}
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.Conflict || e.Code != connector.CodeSealed {
			t.Errorf("%s on a sealed vehicle: %v, want connector.sealed", o.Op, err)
			continue
		}
		for _, want := range []string{"周口市川汇区人民法院", "（2025）豫1602执88号", "abababab", o.Label, "机动车登记规定"} {
			if !strings.Contains(e.Message, want) {
				t.Errorf("%s refusal %q does not name %q", o.Op, e.Message, want)
			}
		}
	}
	if err := s.ReleaseSeal(ctx, "seal-1"); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseSeal(ctx, "seal-1"); err != nil {
		t.Fatalf("release twice: %v", err)
	}
	if err := s.Register(ctx, v.VIN, connector.OpTransfer); err != nil {
		t.Errorf("transfer after release: %v", err)
	}
	// A mark past its term no longer blocks (查封扣押冻结规定 art. 27).
	old := mark("seal-2", v, clock.AddDate(-3, 0, 0))
	if err := s.RecordSeal(ctx, old); err != nil {
		t.Fatal(err)
	}
	if err := s.Register(ctx, v.VIN, connector.OpTransfer); err != nil {
		t.Errorf("transfer under an expired mark: %v", err)
	}
}

func TestSimRegistryMortgagedDeregistration(t *testing.T) {
	t.Parallel()
	s := newVehicles(t, 1000)
	for i := range 1000 {
		if v := s.At(i); v.Mortgaged {
			err := s.Register(context.Background(), v.Plate, connector.OpDeregistration)
			if e, ok := apperr.As(err); !ok || e.Code != connector.CodeMortgaged || !strings.Contains(e.Message, "第四十二条") {
				t.Errorf("deregistering mortgaged %s: %v", v.Plate, err)
			}
			return
		}
	}
	t.Fatal("no mortgaged vehicle in 1000")
}

func TestSimRegistryUnavailableAndInvalid(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newVehicles(t, 100)
	v := s.At(1)
	s.SetAvailable(false)
	if err := s.RecordSeal(ctx, mark("m", v, clock)); apperr.KindOf(err) != apperr.Unavailable {
		t.Errorf("record while down: %v", err)
	}
	s.SetAvailable(true)
	bad := mark("m", v, clock)
	bad.DocumentDigest = ""
	if err := s.RecordSeal(ctx, bad); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("record without a document: %v", err)
	}
	if err := s.Register(ctx, v.Plate, "sell"); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("unknown operation: %v", err)
	}
	if _, err := connector.NewVehicleSimulator(1, connector.MaxSimVehicles+1); err == nil {
		t.Error("more vehicles than plates accepted")
	}
}

func TestOperationTable(t *testing.T) {
	t.Parallel()
	blocked := map[connector.Operation]bool{}
	for _, o := range connector.Operations() {
		if o.Label == "" || !strings.Contains(o.Basis, "机动车登记规定") {
			t.Errorf("%s: label or basis missing", o.Op)
		}
		blocked[o.Op] = o.Blocked
	}
	// S-VEH-2 names transfer, mortgage, deregistration and change.
	for _, op := range []connector.Operation{connector.OpTransfer, connector.OpMortgage, connector.OpDeregistration, connector.OpChange} {
		if !blocked[op] {
			t.Errorf("S-VEH-2: %s must be blocked", op)
		}
	}
	if _, err := connector.ParseOperation("transfer"); err != nil {
		t.Error(err)
	}
}

func FuzzParseVehicleKey(f *testing.F) {
	for _, s := range []string{"豫P12345", "豫PD12345", "1M8GDM9AXKP042788", "", "豫", "ＬＳＶ", "豫P·12345", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := connector.ParseVehicleKey(s)
		if err != nil {
			if e, ok := apperr.As(err); !ok || e.Code != connector.CodeInvalid || e.Message == "" {
				t.Fatalf("%q: error %v is not connector.invalid", s, err)
			}
			return
		}
		if (k.Plate == "") == (k.VIN == "") {
			t.Fatalf("%q: key %+v names both or neither", s, k)
		}
		again, err := connector.ParseVehicleKey(k.String())
		if err != nil || again != k {
			t.Fatalf("%q: normalized %q does not parse to itself: %+v %v", s, k.String(), again, err)
		}
	})
}
