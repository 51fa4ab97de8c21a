package vehicle_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"liandong/internal/connector"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/vehicle"
)

// BenchmarkRegisterCheck is Register.Check in process on a register of
// 100,000 seals over 1,000,000 vehicles; half the keys are sealed, plates
// and VINs mixed (the key generation is outside the timer).
//
//	go test ./internal/vehicle -run '^$' -bench RegisterCheck
func BenchmarkRegisterCheck(b *testing.B) {
	const vehicles, seals = 1_000_000, 100_000
	d := dbtest.SQLite(b)
	sim, _ := connector.NewVehicleSimulator(1, vehicles)
	ctx := context.Background()
	now := db.Now()
	for start := 0; start < seals; start += 5000 {
		if err := d.Tx(ctx, func(tx *sql.Tx) error {
			for i := start; i < start+5000; i++ {
				v := sim.At(i * (vehicles / seals))
				if _, err := tx.ExecContext(ctx, `INSERT INTO vehicle_files (vin, plate, last_pos, created_at) VALUES ($1, $2, 1, $3)`, v.VIN, v.Plate, now); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO vehicle_seals (vin, plate, court_unit, court_name, case_number, document_digest, state, queue_pos, term_months,
						accepted_at, effective_at, expires_at) VALUES ($1, $2, 'fy411602', '周口市川汇区人民法院', $3, $4, 'in_force', 1, 24, $5, $5, $6)`,
					v.VIN, v.Plate, fmt.Sprintf("（2025）豫1602执%d号", i+1), strings.Repeat("5a", 32), now, now.AddDate(2, 0, 0)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	reg, err := vehicle.New(ctx, d, sim, vehicle.Config{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]string, 4096)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range keys {
		n := r.IntN(seals) * (vehicles / seals)
		if i%2 == 1 {
			n++
		}
		if v := sim.At(n); i%4 < 2 {
			keys[i] = v.Plate
		} else {
			keys[i] = v.VIN
		}
	}
	var blocked atomic.Int64
	var seq atomic.Uint64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := int(seq.Add(1) * 977)
		for pb.Next() {
			i++
			v, err := reg.Check(ctx, keys[i%len(keys)], connector.OpTransfer)
			if err != nil {
				b.Error(err)
				return
			}
			if !v.Allowed {
				blocked.Add(1)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
	if blocked.Load() == 0 {
		b.Error("no key was sealed")
	}
}
