package vehicle_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/connector"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/vehicle"
)

var (
	cst   = time.FixedZone("CST", 8*3600)
	quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
)

// clock is a settable clock shared by the register and the registry.
type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time         { return time.Unix(0, c.t.Load()).In(cst) }
func (c *clock) set(t time.Time)        { c.t.Store(t.UnixNano()) }
func (c *clock) add(d time.Duration)    { c.set(c.now().Add(d)) }
func (c *clock) addMonths(m int)        { c.set(c.now().AddDate(0, m, 0)) }
func newClock(t time.Time) *clock       { c := &clock{}; c.set(t); return c }
func digest(n int) string               { return strings.Repeat(fmt.Sprintf("%02x", n%256), 32) }
func caseNo(court string, n int) string { return fmt.Sprintf("（2025）%s执%d号", court, n) }

type fixture struct {
	d   *db.DB
	sim *connector.VehicleSimulator
	reg *vehicle.Register
	clk *clock
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	clk := newClock(time.Date(2025, 9, 1, 10, 0, 0, 0, cst))
	sim, err := connector.NewVehicleSimulator(3, 5000, connector.WithVehicleClock(clk.now))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := vehicle.New(context.Background(), d, sim, vehicle.Config{Now: clk.now, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{d: d, sim: sim, reg: reg, clk: clk}
}

// vehicle picks an unmortgaged vehicle (a mortgage refuses deregistration
// on its own).
func (f *fixture) vehicle(t *testing.T, from int) connector.Vehicle {
	for i := from; ; i++ {
		if v := f.sim.At(i); !v.Mortgaged {
			return v
		}
	}
}

// courts are three courts that seal in turn.
var courts = []struct{ unit, name, code string }{
	{"fy411602", "周口市川汇区人民法院", "豫1602"},
	{"fy411681", "项城市人民法院", "豫1681"},
	{"fy411600", "河南省周口市中级人民法院", "豫16"},
}

func (f *fixture) accept(t *testing.T, key string, court, n int) vehicle.Seal {
	t.Helper()
	var s vehicle.Seal
	c := courts[court]
	err := f.d.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		s, err = f.reg.Accept(context.Background(), tx, vehicle.SealRequest{Vehicle: key, CourtUnit: c.unit, CourtName: c.name,
			CaseNumber: caseNo(c.code, n), DocumentDigest: digest(n)}, f.clk.now())
		return err
	})
	if err != nil {
		t.Fatalf("accept seal by %s: %v", c.name, err)
	}
	f.reg.Committed(context.Background(), s)
	return s
}

func (f *fixture) lift(t *testing.T, id int64) vehicle.Change {
	t.Helper()
	var ch vehicle.Change
	err := f.d.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		ch, err = f.reg.Lift(context.Background(), tx, id, f.clk.now())
		return err
	})
	if err != nil {
		t.Fatalf("lift seal %d: %v", id, err)
	}
	f.reg.Committed(context.Background(), ch.Ended)
	return ch
}

func (f *fixture) lapse(t *testing.T) []vehicle.Change {
	t.Helper()
	var chs []vehicle.Change
	err := f.d.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		chs, err = f.reg.LapseDue(context.Background(), tx, f.clk.now())
		return err
	})
	if err != nil {
		t.Fatalf("lapse due: %v", err)
	}
	f.reg.Committed(context.Background(), vehicle.Ended(chs...)...)
	return chs
}

// refused asserts that the registry refuses op naming the court, and that
// the register's Check agrees.
func (f *fixture) refused(t *testing.T, v connector.Vehicle, op connector.Operation, court int) {
	t.Helper()
	err := f.sim.Register(context.Background(), v.Plate, op)
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.Conflict || e.Code != connector.CodeSealed || !strings.Contains(e.Message, courts[court].name) {
		t.Errorf("%s on %s: registry said %v, want refused naming %s", op, v.Plate, err, courts[court].name)
	}
	verdict, err := f.reg.Check(context.Background(), v.VIN, op)
	if err != nil || verdict.Allowed || verdict.Blocking == nil || verdict.Blocking.CourtName != courts[court].name {
		t.Errorf("%s on %s: check %+v %v, want blocked by %s", op, v.Plate, verdict, err, courts[court].name)
	}
}

func (f *fixture) allowed(t *testing.T, v connector.Vehicle, op connector.Operation) {
	t.Helper()
	if err := f.sim.Register(context.Background(), v.VIN, op); err != nil {
		t.Errorf("%s on %s: registry refused: %v", op, v.Plate, err)
	}
	if verdict, err := f.reg.Check(context.Background(), v.Plate, op); err != nil || !verdict.Allowed {
		t.Errorf("%s on %s: check %+v %v, want allowed", op, v.Plate, verdict, err)
	}
}

var blocked = []connector.Operation{connector.OpTransfer, connector.OpMortgage, connector.OpChange, connector.OpDeregistration}

// S-VEH-2: from acceptance the vehicle's transfer, mortgage, change and
// deregistration are refused by the registry, which names the sealing
// court; S-VEH-3: lifting the seal frees the vehicle at once.
func TestS_VEH_2_SealedVehicleRefusedAndLiftFreesIt(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		v := f.vehicle(t, 100)
		s := f.accept(t, v.Plate, 0, 1)
		if s.State != vehicle.InForce || !s.ExpiresAt.Equal(s.EffectiveAt.In(cst).AddDate(2, 0, 0)) || s.QueuePos != 1 {
			t.Fatalf("first seal: %+v, want in force for two years", s)
		}
		for _, op := range blocked {
			f.refused(t, v, op, 0)
		}
		f.allowed(t, v, connector.OpPlateReplacement) // 机动车登记规定 art. 51 names no seal
		if verdict, _ := f.reg.Check(context.Background(), v.Plate, connector.OpPlateReplacement); verdict.Blocking == nil {
			t.Error("the verdict on an unblocked operation does not show the seal in force")
		}
		ch := f.lift(t, s.ID)
		if ch.Ended.State != vehicle.Lifted || ch.Promoted != nil {
			t.Fatalf("lift: %+v", ch)
		}
		for _, op := range blocked {
			f.allowed(t, v, op)
		}
		if got, _ := f.reg.Get(context.Background(), s.ID); got.Registry.State != "released" {
			t.Errorf("registry state after lift: %+v", got.Registry)
		}
	})
}

// S-VEH-2 with 查封扣押冻结规定 art. 26: seals on a sealed vehicle wait in
// order of acceptance; lifting the one in force lets the earliest waiting
// one take effect at once, its two-year term starting then; a lapse (art.
// 27) lets the next one in from the moment the term ended.
func TestS_VEH_2_WaitingSealsTakeEffectInOrder(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		v := f.vehicle(t, 200)
		first := f.accept(t, v.VIN, 0, 10)
		f.clk.add(24 * time.Hour)
		second := f.accept(t, v.Plate, 1, 11)
		f.clk.add(24 * time.Hour)
		third := f.accept(t, v.Plate, 2, 12)
		if second.State != vehicle.Waiting || third.State != vehicle.Waiting || second.QueuePos != 2 || third.QueuePos != 3 {
			t.Fatalf("seals behind one in force: %s/%d and %s/%d, want waiting 2 and 3", second.State, second.QueuePos, third.State, third.QueuePos)
		}
		verdict, _ := f.reg.Check(context.Background(), v.Plate, connector.OpTransfer)
		if verdict.Waiting != 2 || verdict.Blocking.SealID != first.ID {
			t.Errorf("check: %+v, want the first seal with two waiting", verdict)
		}
		f.refused(t, v, connector.OpTransfer, 0)

		f.clk.add(30 * 24 * time.Hour)
		liftAt := f.clk.now()
		ch := f.lift(t, first.ID)
		if ch.Promoted == nil || ch.Promoted.ID != second.ID || !ch.Promoted.EffectiveAt.Equal(liftAt) ||
			!ch.Promoted.ExpiresAt.Equal(liftAt.AddDate(2, 0, 0)) {
			t.Fatalf("lift promoted %+v, want the second seal from %v for two years", ch.Promoted, liftAt)
		}
		f.refused(t, v, connector.OpTransfer, 1)
		if verdict, _ := f.reg.Check(context.Background(), v.Plate, connector.OpMortgage); verdict.Waiting != 1 {
			t.Errorf("waiting after one lift: %d", verdict.Waiting)
		}

		// The second seal's term ends unrenewed: before LapseDue runs,
		// Check already names the third (art. 26: 自动生效) and the
		// registry no longer blocks on the expired mark.
		end := ch.Promoted.ExpiresAt
		f.clk.set(end.Add(time.Minute))
		verdict, _ = f.reg.Check(context.Background(), v.Plate, connector.OpTransfer)
		if verdict.Allowed || verdict.Blocking.SealID != third.ID || !verdict.Blocking.EffectiveAt.Equal(end) {
			t.Errorf("check after the term ended, before LapseDue: %+v, want the third seal from %v", verdict, end)
		}
		chs := f.lapse(t)
		if len(chs) != 1 || chs[0].Ended.ID != second.ID || chs[0].Ended.State != vehicle.Lapsed || !chs[0].Ended.EndedAt.Equal(end) ||
			chs[0].Promoted == nil || chs[0].Promoted.ID != third.ID || !chs[0].Promoted.EffectiveAt.Equal(end) {
			t.Fatalf("lapse: %+v", chs)
		}
		f.refused(t, v, connector.OpDeregistration, 2)

		// The last one lapses too: nothing is left.
		f.clk.set(chs[0].Promoted.ExpiresAt)
		if chs := f.lapse(t); len(chs) != 1 || chs[0].Promoted != nil {
			t.Fatalf("last lapse: %+v", chs)
		}
		for _, op := range blocked {
			f.allowed(t, v, op)
		}
		file, err := f.reg.File(context.Background(), v.Plate)
		if err != nil || !file.Known || len(file.Seals) != 3 {
			t.Fatalf("file: %+v %v", file, err)
		}
		for i, want := range []vehicle.State{vehicle.Lifted, vehicle.Lapsed, vehicle.Lapsed} {
			if file.Seals[i].State != want || file.Seals[i].QueuePos != int64(i+1) {
				t.Errorf("file seal %d: %s pos %d, want %s", i, file.Seals[i].State, file.Seals[i].QueuePos, want)
			}
		}
		if f.reg.Len() != 0 {
			t.Errorf("index holds %d vehicles, want none", f.reg.Len())
		}
	})
}

// A waiting seal whose predecessors ended long ago (the scheduler was
// down) lapses in turn: each takes effect when the one before ended.
func TestS_VEH_2_LapseChain(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		v := f.vehicle(t, 300)
		a := f.accept(t, v.Plate, 0, 20)
		var b vehicle.Seal
		err := f.d.Tx(context.Background(), func(tx *sql.Tx) error {
			var err error
			b, err = f.reg.Accept(context.Background(), tx, vehicle.SealRequest{Vehicle: v.Plate, CourtUnit: courts[1].unit, CourtName: courts[1].name,
				CaseNumber: caseNo(courts[1].code, 21), DocumentDigest: digest(21), TermMonths: 6}, f.clk.now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f.reg.Committed(context.Background(), b)
		f.clk.set(a.ExpiresAt.AddDate(0, 7, 0))
		chs := f.lapse(t)
		if len(chs) != 2 || chs[0].Ended.ID != a.ID || chs[1].Ended.ID != b.ID || !chs[1].Ended.EndedAt.Equal(a.ExpiresAt.In(cst).AddDate(0, 6, 0)) {
			t.Fatalf("lapse chain: %+v", chs)
		}
		f.allowed(t, v, connector.OpTransfer)
	})
}

// The register's refusals: each with a stable code.
func TestSealRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		v := f.vehicle(t, 400)
		inForce := f.accept(t, v.Plate, 0, 30)
		waiting := f.accept(t, v.Plate, 1, 31)
		other := f.accept(t, f.vehicle(t, 500).Plate, 0, 32)
		f.lift(t, other.ID)
		ctx := context.Background()
		now := f.clk.now()
		renew := func(id int64, until, at time.Time) error {
			var s vehicle.Seal
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				var err error
				s, err = f.reg.Renew(ctx, tx, id, until, at)
				return err
			})
			if err == nil {
				f.reg.Committed(ctx, s) // after the commit
			}
			return err
		}
		liftAt := func(id int64, at time.Time) error {
			return d.Tx(ctx, func(tx *sql.Tx) error { _, err := f.reg.Lift(ctx, tx, id, at); return err })
		}
		accept := func(req vehicle.SealRequest) error {
			return d.Tx(ctx, func(tx *sql.Tx) error { _, err := f.reg.Accept(ctx, tx, req, now); return err })
		}
		good := vehicle.SealRequest{Vehicle: v.Plate, CourtUnit: "fy411602", CaseNumber: caseNo("豫1602", 40), DocumentDigest: digest(40)}
		with := func(change func(*vehicle.SealRequest)) vehicle.SealRequest { r := good; change(&r); return r }
		exp := inForce.ExpiresAt
		for _, tc := range []struct {
			name string
			err  error
			code string
		}{
			{"renew a waiting seal", renew(waiting.ID, exp.AddDate(1, 0, 0), now), vehicle.CodeSealWaiting},
			{"renew beyond two years from now", renew(inForce.ID, now.AddDate(2, 0, 1), now), vehicle.CodeRenewTooLong},
			{"renew to an earlier end", renew(inForce.ID, exp.AddDate(0, 0, -1), now), vehicle.CodeRenewEarlier},
			{"renew after the term ended", renew(inForce.ID, exp.AddDate(1, 0, 0), exp.Add(time.Second)), vehicle.CodeSealLapsed},
			{"renew a lifted seal", renew(other.ID, now.AddDate(1, 0, 0), now), vehicle.CodeSealEnded},
			{"lift a lifted seal", liftAt(other.ID, now), vehicle.CodeSealEnded},
			{"lift a seal whose term ended", liftAt(inForce.ID, exp), vehicle.CodeSealLapsed},
			{"lift an unknown seal", liftAt(999999, now), vehicle.CodeSealNotFound},
			{"a civil case number", accept(with(func(r *vehicle.SealRequest) { r.CaseNumber = "（2025）豫1602民初5号" })), vehicle.CodeInvalid},
			{"a malformed case number", accept(with(func(r *vehicle.SealRequest) { r.CaseNumber = "2025执5" })), vehicle.CodeInvalid},
			{"no document", accept(with(func(r *vehicle.SealRequest) { r.DocumentDigest = "" })), vehicle.CodeInvalid},
			{"a term over two years", accept(with(func(r *vehicle.SealRequest) { r.TermMonths = 25 })), vehicle.CodeInvalid},
			{"no court", accept(with(func(r *vehicle.SealRequest) { r.CourtUnit = "" })), vehicle.CodeInvalid},
			{"an unknown vehicle", accept(with(func(r *vehicle.SealRequest) { r.Vehicle = "京A12345" })), vehicle.CodeNotFound},
			{"a malformed plate", accept(with(func(r *vehicle.SealRequest) { r.Vehicle = "豫P1234" })), connector.CodeInvalid},
		} {
			e, ok := apperr.As(tc.err)
			if !ok || e.Code != tc.code || e.Message == "" {
				t.Errorf("%s: %v, want %s", tc.name, tc.err, tc.code)
			}
		}
		// A renewal within the rules moves the registry's mark.
		renewAt := exp.AddDate(0, -1, 0)
		until := renewAt.AddDate(2, 0, 0)
		if err := renew(inForce.ID, until, renewAt); err != nil {
			t.Fatal(err)
		}
		got, _ := f.reg.Get(ctx, inForce.ID)
		if got.Renewals != 1 || !got.ExpiresAt.Equal(until) || !got.Registry.Expires.Equal(until) {
			t.Errorf("renewed: %+v", got)
		}
		for _, m := range f.sim.Marks() {
			if m.ID == inForce.MarkID() && !m.ExpiresAt.Equal(until) {
				t.Errorf("registry mark still ends %v", m.ExpiresAt)
			}
		}
	})
}

// Sync repairs a registry that missed pushes: while it is down a seal is
// accepted and another lifted; the register keeps answering; once it is
// back, Sync tells it everything. A restarted registry that lost its marks
// gets them all again from a new Register's first Sync.
func TestS_VEH_2_SyncRepairsRegistry(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		v1, v2 := f.vehicle(t, 600), f.vehicle(t, 700)
		lifted := f.accept(t, v2.Plate, 0, 50)
		f.sim.SetAvailable(false)
		s := f.accept(t, v1.Plate, 2, 51) // the push fails
		f.lift(t, lifted.ID)              // so does this one
		if err := f.sim.Register(ctx, v1.Plate, connector.OpTransfer); err != nil {
			t.Fatalf("the registry missed the seal yet refused: %v", err)
		}
		if verdict, _ := f.reg.Check(ctx, v1.Plate, connector.OpTransfer); verdict.Allowed {
			t.Error("the register forgot a seal the registry missed")
		}
		if got, _ := f.reg.Get(ctx, s.ID); got.Registry.State != "" || !strings.Contains(got.Registry.Error, connector.CodeUnavailable) {
			t.Errorf("registry state after a failed push: %+v", got.Registry)
		}
		if err := f.reg.Sync(ctx); err == nil {
			t.Error("Sync against a registry that is down succeeded")
		}
		f.sim.SetAvailable(true)
		if err := f.reg.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		f.refused(t, v1, connector.OpTransfer, 2)
		f.allowed(t, v2, connector.OpTransfer)
		if got, _ := f.reg.Get(ctx, s.ID); got.Registry.State != "recorded" || got.Registry.Error != "" {
			t.Errorf("registry state after Sync: %+v", got.Registry)
		}

		// Restart: a fresh registry (marks in memory are gone) and register.
		sim2, _ := connector.NewVehicleSimulator(3, 5000, connector.WithVehicleClock(f.clk.now))
		reg2, err := vehicle.New(ctx, d, sim2, vehicle.Config{Now: f.clk.now, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if verdict, _ := reg2.Check(ctx, v1.VIN, connector.OpMortgage); verdict.Allowed {
			t.Error("a new register does not know the seal in force")
		}
		if err := reg2.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if marks := sim2.Marks(); len(marks) != 1 || marks[0].ID != s.MarkID() {
			t.Errorf("restarted registry holds %+v, want the one seal in force", marks)
		}
	})
}

// Two, then four courts seal one vehicle at the same moment: exactly one
// seal is in force, the others wait in distinct queue positions.
func TestConcurrentSealsOfOneVehicle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		for round, n := range []int{2, 4, 4} {
			v := f.vehicle(t, 1000+round*10)
			var wg sync.WaitGroup
			seals := make([]vehicle.Seal, n)
			errs := make([]error, n)
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = d.Tx(ctx, func(tx *sql.Tx) error {
						var err error
						seals[i], err = f.reg.Accept(ctx, tx, vehicle.SealRequest{Vehicle: v.Plate, CourtUnit: courts[i%3].unit, CourtName: courts[i%3].name,
							CaseNumber: caseNo(courts[i%3].code, 100+i), DocumentDigest: digest(100 + i)}, f.clk.now())
						return err
					})
				}()
			}
			close(start)
			wg.Wait()
			inForce, pos := 0, map[int64]bool{}
			for i := range n {
				if errs[i] != nil {
					t.Fatalf("round %d court %d: %v", round, i, errs[i])
				}
				if seals[i].State == vehicle.InForce {
					inForce++
				}
				pos[seals[i].QueuePos] = true
			}
			if inForce != 1 || len(pos) != n {
				t.Errorf("round %d: %d in force, %d distinct positions of %d", round, inForce, len(pos), n)
			}
			f.reg.Committed(ctx, seals...)
			if verdict, _ := f.reg.Check(ctx, v.Plate, connector.OpTransfer); verdict.Allowed || verdict.Waiting != n-1 {
				t.Errorf("round %d: check %+v", round, verdict)
			}
		}
	})
}

func TestCheckInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t, dbtest.SQLite(t))
	ctx := context.Background()
	if _, err := f.reg.Check(ctx, "豫P1234", connector.OpTransfer); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("bad plate: %v", err)
	}
	if _, err := f.reg.Check(ctx, "豫P12345", "sell"); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("bad operation: %v", err)
	}
	if v, err := f.reg.Check(ctx, "豫p 12345", connector.OpTransfer); err != nil || !v.Allowed || v.Key != "豫P12345" {
		t.Errorf("unsealed vehicle: %+v %v", v, err)
	}
	if _, err := f.reg.File(ctx, "京A12345"); apperr.KindOf(err) != apperr.NotFound {
		t.Errorf("file of an unknown vehicle: %v", err)
	}
}
