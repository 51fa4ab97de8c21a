package matter_test

import (
	"context"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/matter"
)

// BenchmarkAct creates locates and advances them (create, clue, request
// more, clue, close: five state changes each), every change audited and
// queued for the other side, from 8 goroutines. It reports state changes
// per second and the p99 latency of one change.
//
//	go test -run '^$' -bench BenchmarkAct -benchtime 4000x ./internal/matter/
func BenchmarkAct(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchAct(b, dbtest.SQLite(b)) })
	if dsn := os.Getenv(dbtest.EnvPG); dsn != "" {
		b.Run("postgres", func(b *testing.B) { benchAct(b, dbtest.Postgres(b, dsn)) })
	}
}

func benchAct(b *testing.B, d *db.DB) {
	f := newFixture(b, d)
	f.en = f.engine(b, matter.Config{Now: time.Now})
	ctx := context.Background()
	steps := []struct{ who, action string }{
		{"handler", matter.ActionAddClue}, {"officer", matter.ActionRequestMore},
		{"handler", matter.ActionAddClue}, {"officer", matter.ActionClose},
	}
	const workers = 8
	var (
		mu   sync.Mutex
		lats []time.Duration
	)
	matters := max(1, b.N/(len(steps)+1))
	next := make(chan int, matters)
	for i := 0; i < matters; i++ {
		next <- i
	}
	close(next)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for range next {
				t := time.Now()
				m, err := f.en.Create(ctx, f.pr("officer"), matter.NewMatter{Kind: "locate", CaseNumber: caseNo, AddressedUnit: "ga411602", Payload: payload(matter.ActionCreate)})
				if err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(t))
				for _, s := range steps {
					t := time.Now()
					m, _, err = f.en.Act(ctx, f.pr(s.who), m.ID, s.action, m.Seq, payload(s.action), nil)
					if err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, time.Since(t))
				}
			}
			mu.Lock()
			lats = append(lats, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if len(lats) == 0 {
		return
	}
	slices.Sort(lats)
	b.ReportMetric(float64(len(lats))/elapsed.Seconds(), "changes/s")
	b.ReportMetric(float64(lats[len(lats)*99/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(lats[len(lats)/2].Microseconds())/1000, "p50_ms")
}
