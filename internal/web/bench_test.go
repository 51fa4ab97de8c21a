package web_test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
)

// BenchmarkMatterAPI creates and advances locate matters through the HTTP
// API, as a court officer and a police handler of different units would:
// create, add a clue, ask for more, answer "no clue", close — five state
// changes per matter, each audited and queued for the other side. It
// reports state changes per second and the p99 latency of one change.
//
//	go test ./internal/web -run '^$' -bench MatterAPI -benchtime 400x
func BenchmarkMatterAPI(b *testing.B) {
	engines := map[string]func(testing.TB) *db.DB{"sqlite": func(tb testing.TB) *db.DB { return dbtest.SQLite(tb) }}
	if dsn := dbtest.PGDSN(b); dsn != "" {
		engines["postgres"] = func(tb testing.TB) *db.DB { return dbtest.Postgres(tb, dsn) }
	}
	for name, open := range engines {
		b.Run(name, func(b *testing.B) {
			h := newHarness(b, open(b))
			h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
			h.addUser("wu", "ga411602", directory.PoliceHandler)
			court, police := h.session("zhang").Token, h.session("wu").Token
			http.DefaultTransport.(*http.Transport).MaxIdleConnsPerHost = 64

			var mu sync.Mutex
			var lat []time.Duration
			var changes atomic.Int64
			do := func(token, path, body string) error {
				t0 := time.Now()
				res := h.call("POST", path, token, "application/json", strings.NewReader(body))
				res.Body.Close()
				d := time.Since(t0)
				if res.StatusCode >= 300 {
					return fmt.Errorf("%s: %d", path, res.StatusCode)
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
				changes.Add(1)
				return nil
			}
			var seq atomic.Int64
			b.SetParallelism(4) // 8 client goroutines on 2 cores
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := seq.Add(1)
					t0 := time.Now()
					res := h.call("POST", "/api/v1/matters", court, "application/json", strings.NewReader(
						fmt.Sprintf(`{"kind":"locate","case_number":"（2025）豫16执%d号","addressed_unit":"ga411602","payload":{"note":"请协助查找"}}`, n)))
					var m struct {
						ID int64 `json:"id"`
					}
					decodeInto(b, res, &m)
					mu.Lock()
					lat = append(lat, time.Since(t0))
					mu.Unlock()
					changes.Add(1)
					p := fmt.Sprintf("/api/v1/matters/%d/actions/", m.ID)
					for _, step := range []struct{ tok, action, payload string }{
						{police, "add_clue", `{"type":"residence","content":"实际居住于川汇区七一路 18 号院","source":"人口信息系统","observed_at":"2025-03-03 10:00"}`},
						{court, "request_more", `{"note":"请补充查询住宿记录"}`},
						{police, "answer_none", `{"note":"经查询，暂无住宿记录"}`},
						{court, "close", `{"note":"已执行完毕"}`},
					} {
						if err := do(step.tok, p+step.action, `{"payload":`+step.payload+`}`); err != nil {
							b.Error(err)
							return
						}
					}
				}
			})
			elapsed := time.Since(start)
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			if len(lat) > 0 {
				b.ReportMetric(float64(changes.Load())/elapsed.Seconds(), "changes/s")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			}
		})
	}
}
