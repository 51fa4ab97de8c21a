package screen_test

import (
	"flag"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"
	"time"

	"liandong/internal/screen"
	"liandong/internal/screen/synth"
)

// The benchmarks run on a synthetic list of -screen.bench entries
// (default 200,000). The 10M figures in docs/PERFORMANCE.md:
//
//	go test ./internal/screen -run '^$' -bench . -benchtime 3x -screen.bench 10000000 -timeout 60m
var benchEntries = flag.Int("screen.bench", 200_000, "entries in the benchmarks' synthetic list")

type fixture struct {
	list    *synth.List
	ix      *screen.Index
	build   time.Duration
	gen     time.Duration // generating the entries alone
	heap    uint64        // live heap with the index, after GC
	exactQs []screen.Query
	nameQs  []screen.Query
}

var (
	fixOnce sync.Once
	fix     *fixture
)

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func buildList(b testing.TB, list *synth.List, version uint64) *screen.Index {
	bl := screen.NewBuilder(version, list.Len())
	for e := range list.Entries() {
		if err := bl.Add(e); err != nil {
			b.Fatal(err)
		}
	}
	return bl.Finish()
}

func getFixture(b *testing.B) *fixture {
	fixOnce.Do(func() {
		f := &fixture{list: synth.New(synth.Config{Seed: 7, Entries: *benchEntries})}
		start := time.Now()
		n := 0
		for e := range f.list.Entries() {
			n += len(e.IDs)
		}
		f.gen = time.Since(start)
		before := liveHeap()
		start = time.Now()
		f.ix = buildList(b, f.list, 1)
		f.build = time.Since(start)
		f.heap = liveHeap() - before
		// Exact screens spread over the whole table (so that lookups miss
		// the cache as they would in service): listed persons drawn at
		// random, and people of another synthetic list, not on this one.
		other := synth.New(synth.Config{Seed: 8, Entries: 200_000})
		rng := rand.New(rand.NewPCG(1, 2))
		for len(f.exactQs) < 200_000 {
			src, i := f.list, rng.IntN(f.list.Len())
			if len(f.exactQs)%2 == 1 {
				src, i = other, rng.IntN(other.Len())
			}
			if e := src.Entry(i); e.Person {
				f.exactQs = append(f.exactQs, screen.Query{Name: e.Name, IDNumber: e.IDs[0]})
			}
		}
		for _, q := range f.list.Queries(20_000) {
			if q.Query.IDNumber == "" && q.Kind != "true_unit" {
				f.nameQs = append(f.nameQs, q.Query)
			}
		}
		fix = f
	})
	return fix
}

// BenchmarkBuild reports the first build of the fixture (time, heap) and
// the sizes of its structures.
func BenchmarkBuild(b *testing.B) {
	f := getFixture(b)
	st := f.ix.Stats()
	for range b.N {
	}
	b.ReportMetric(f.build.Seconds(), "gen+build-s")
	b.ReportMetric(f.gen.Seconds(), "gen-s")
	b.ReportMetric((f.build - f.gen).Seconds(), "build-s")
	b.ReportMetric(float64(st.IDIndexBytes)/float64(st.Entries), "idindex-B/entry")
	b.ReportMetric(float64(f.heap)/1e6, "heap-MB")
	b.ReportMetric(float64(f.heap)/float64(st.Entries), "heap-B/entry")
}

// BenchmarkScreenExact: full screens with an identity number and a name
// (listed and unlisted people), on one core.
func BenchmarkScreenExact(b *testing.B) {
	f := getFixture(b)
	qs := f.exactQs
	b.ResetTimer()
	for i := range b.N {
		_ = f.ix.Screen(qs[i%len(qs)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "screens/s")
}

// BenchmarkLookupID: the exact tier's lookup alone (number → entries).
func BenchmarkLookupID(b *testing.B) {
	f := getFixture(b)
	qs := f.exactQs
	b.ResetTimer()
	found := 0
	for i := range b.N {
		if f.ix.Contains(qs[i%len(qs)].IDNumber) {
			found++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}

// BenchmarkLookupKey: the exact tier's table lookup of numbers parsed
// beforehand (packed keys), the figure the issue compares with a Go map.
func BenchmarkLookupKey(b *testing.B) {
	f := getFixture(b)
	keys := make([]screen.Key, 0, len(f.exactQs))
	for _, q := range f.exactQs {
		if k, err := f.ix.ParseKey(q.IDNumber); err == nil {
			keys = append(keys, k)
		}
	}
	b.ResetTimer()
	found := 0
	for i := range b.N {
		if f.ix.HasKey(keys[i%len(keys)]) {
			found++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}

// BenchmarkScreenName: screens without an identity number (the name tier),
// one at a time, with p50 and p99 latency.
func BenchmarkScreenName(b *testing.B) {
	f := getFixture(b)
	qs := f.nameQs
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		_ = f.ix.Screen(qs[i%len(qs)])
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "screens/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkScreenBatch: batches of 1,000 mixed queries through Current.
func BenchmarkScreenBatch(b *testing.B) {
	f := getFixture(b)
	c := screen.NewCurrent(f.ix)
	qs := make([]screen.Query, 0, 1000)
	for i := 0; len(qs) < 1000; i++ {
		qs = append(qs, f.exactQs[i%len(f.exactQs)])
		if i%10 == 0 {
			qs = append(qs, f.nameQs[i%len(f.nameQs)])
		}
	}
	qs = qs[:1000]
	out := make([]screen.Result, len(qs))
	b.ResetTimer()
	for range b.N {
		c.ScreenBatch(qs, out)
	}
	b.ReportMetric(float64(b.N*len(qs))/b.Elapsed().Seconds(), "screens/s")
}

// BenchmarkSwap rebuilds the index while the old one serves and swaps it
// in. peak-live-x: the live heap with both indexes (at the swap) over the
// steady live heap of a process holding one (target ≤ 2); peak-heap-x: the
// largest heap sampled every 10 ms during the rebuild, garbage not yet
// collected included, over the same steady figure.
func BenchmarkSwap(b *testing.B) {
	f := getFixture(b)
	steady := liveHeap()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peakHeap, peakLive uint64
	for range b.N {
		c := screen.NewCurrent(f.ix)
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			for {
				metrics.Read(sample)
				peakHeap = max(peakHeap, sample[0].Value.Uint64())
				select {
				case <-done:
					return
				case <-tick.C:
				}
			}
		}()
		nx := buildList(b, f.list, 2)
		close(done)
		wg.Wait()
		peakLive = max(peakLive, liveHeap())
		if err := c.Swap(nx); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
	}
	b.ReportMetric(float64(steady)/1e6, "steady-MB")
	b.ReportMetric(float64(peakLive)/float64(steady), "peak-live-x")
	b.ReportMetric(float64(peakHeap)/float64(steady), "peak-heap-x")
}
