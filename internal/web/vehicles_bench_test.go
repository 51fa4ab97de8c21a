package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"liandong/internal/connector"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

// Vehicle check benchmark sizes: the registry and the seals in force.
const (
	benchVehicles = 1_000_000
	benchSeals    = 100_000
)

// seedSeals writes n seals in force straight into the register's tables
// (every tenth vehicle of sim), in large transactions: Accept would check
// each one, and the benchmark measures checks, not acceptance.
func seedSeals(tb testing.TB, d *db.DB, sim *connector.VehicleSimulator, n int) {
	tb.Helper()
	ctx := context.Background()
	now := db.Now()
	exp := now.AddDate(2, 0, 0)
	digest := strings.Repeat("5a", 32)
	for start := 0; start < n; start += 5000 {
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			for i := start; i < min(start+5000, n); i++ {
				v := sim.At(i * (sim.Len() / n))
				if _, err := tx.ExecContext(ctx, `INSERT INTO vehicle_files (vin, plate, last_pos, created_at) VALUES ($1, $2, 1, $3)`, v.VIN, v.Plate, now); err != nil {
					return err
				}
				court := []string{"fy411602", "fy411681", "fy411600"}[i%3]
				if _, err := tx.ExecContext(ctx, `INSERT INTO vehicle_seals (vin, plate, court_unit, court_name, case_number, document_digest, state, queue_pos, term_months,
						accepted_at, effective_at, expires_at, registry_state, registry_expires) VALUES ($1, $2, $3, $3, $4, $5, 'in_force', 1, 24, $6, $6, $7, 'recorded', $7)`,
					v.VIN, v.Plate, court, fmt.Sprintf("（2025）豫16执%d号", i+1), digest, now, exp); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("seed seals: %v", err)
		}
	}
}

var operationCodes = func() []string {
	var out []string
	for _, o := range connector.Operations() {
		out = append(out, string(o.Op))
	}
	return out
}()

// BenchmarkVehicleCheck asks the check API of a register holding 100,000
// seals on a registry of 1,000,000 vehicles, as a police system with its
// API token would: single GETs from 8 client goroutines, and batches of
// 1,000. Half the keys are sealed vehicles, plates and VINs mixed. It
// reports checks per second and the p99 latency of one request; every
// request is audited.
//
//	go test ./internal/web -run '^$' -bench VehicleCheck -benchtime 20000x
func BenchmarkVehicleCheck(b *testing.B) {
	engines := map[string]func(testing.TB) *db.DB{"sqlite": func(tb testing.TB) *db.DB { return dbtest.SQLite(tb) }}
	if dsn := dbtest.PGDSN(b); dsn != "" {
		engines["postgres"] = func(tb testing.TB) *db.DB { return dbtest.Postgres(tb, dsn) }
	}
	for name, open := range engines {
		b.Run(name, func(b *testing.B) {
			d := open(b)
			sim, _ := connector.NewVehicleSimulator(1, benchVehicles)
			t0 := time.Now()
			seedSeals(b, d, sim, benchSeals)
			seeded := time.Since(t0)
			t0 = time.Now()
			h := newVehicleHarness(b, d, benchVehicles)
			b.Logf("seeded %d seals in %v; register loaded in %v (%d vehicles)", benchSeals, seeded.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond), h.reg.Len())
			hash, _ := cheapHash(testPassword)
			if _, err := h.dir.AddUser(context.Background(), directory.NewUser{Username: "cgs-system", Unit: "ga411600-jj-cgs",
				Roles: []directory.Role{directory.PoliceHandler}, PasswordHash: hash, SystemAccount: true}); err != nil {
				b.Fatal(err)
			}
			h.addUser("admin", "ga411600-xxtx", directory.SysAdmin)
			res := h.call("POST", "/api/v1/users/cgs-system/tokens", h.session("admin").Token, "application/json", strings.NewReader(`{"label":"bench","days":30}`))
			var tok struct{ Token string }
			decodeInto(b, res, &tok)
			http.DefaultTransport.(*http.Transport).MaxIdleConnsPerHost = 64
			key := func(r *rand.Rand) string {
				i := r.IntN(benchSeals) * (benchVehicles / benchSeals) // sealed
				if r.IntN(2) == 0 {
					i += 1 + r.IntN(benchVehicles/benchSeals-1) // not sealed
				}
				v := sim.At(i)
				if r.IntN(2) == 0 {
					return v.Plate
				}
				return v.VIN
			}
			client := &http.Client{}
			run := func(b *testing.B, perRequest, parallelism int, request func(r *rand.Rand) *http.Request) {
				var mu sync.Mutex
				var lat []time.Duration
				var seq atomic.Uint64
				b.SetParallelism(parallelism) // clients = parallelism × GOMAXPROCS (2 here)
				b.ResetTimer()
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					r := rand.New(rand.NewPCG(seq.Add(1), 7))
					var mine []time.Duration
					for pb.Next() {
						req := request(r)
						req.Header.Set("Authorization", "Bearer "+tok.Token)
						t := time.Now()
						res, err := client.Do(req)
						if err != nil {
							b.Error(err)
							return
						}
						var sink struct {
							Allowed bool `json:"allowed"`
							Checked int  `json:"checked"`
						}
						_ = json.NewDecoder(res.Body).Decode(&sink)
						_, _ = io.Copy(io.Discard, res.Body) // drained, so the connection is reused
						res.Body.Close()
						if res.StatusCode != 200 {
							b.Errorf("status %d", res.StatusCode)
							return
						}
						mine = append(mine, time.Since(t))
					}
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
				})
				elapsed := time.Since(start)
				b.StopTimer()
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				if len(lat) > 0 {
					b.ReportMetric(float64(len(lat)*perRequest)/elapsed.Seconds(), "checks/s")
					b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
					b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				}
			}
			b.Run("get", func(b *testing.B) {
				run(b, 1, 4, func(r *rand.Rand) *http.Request {
					req, _ := http.NewRequest("GET", h.srv.URL+checkPath(key(r), operationCodes[r.IntN(len(operationCodes))]), nil)
					return req
				})
			})
			// Batches at two loads: 8 clients in flight (throughput, with
			// queueing in the latency) and 2 (one per core: latency).
			for _, c := range []struct{ size, parallelism int }{{100, 4}, {1000, 4}, {20, 1}, {100, 1}, {200, 1}} {
				size := c.size
				b.Run(fmt.Sprintf("batch%d/clients%d", size, 2*c.parallelism), func(b *testing.B) {
					run(b, size, c.parallelism, func(r *rand.Rand) *http.Request {
						items := make([]checkItem, size)
						for i := range items {
							items[i] = checkItem{key(r), operationCodes[r.IntN(len(operationCodes))]}
						}
						body, _ := json.Marshal(map[string]any{"items": items})
						req, _ := http.NewRequest("POST", h.srv.URL+"/api/v1/vehicles/check", strings.NewReader(string(body)))
						req.Header.Set("Content-Type", "application/json")
						return req
					})
				})
			}
		})
	}
}

type checkItem struct {
	Vehicle   string `json:"vehicle"`
	Operation string `json:"operation"`
}
