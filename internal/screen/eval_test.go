package screen_test

import (
	"flag"
	"testing"
	"time"

	"liandong/internal/screen"
	"liandong/internal/screen/synth"
)

// -screen.entries runs the evaluation at another size, e.g. the 10M run:
//
//	go test ./internal/screen -run TestEvaluation -screen.entries=10000000 -screen.queries=200000 -timeout 60m -v
var (
	evalEntries = flag.Int("screen.entries", 0, "entries in the synthetic list of TestEvaluation (default 200,000; 50,000 under -race)")
	evalQueries = flag.Int("screen.queries", 0, "labelled queries of TestEvaluation (default 20,000)")
)

func TestEvaluation(t *testing.T) {
	n, nq := 200_000, 20_000
	if raceEnabled {
		n, nq = 50_000, 5_000
	}
	if testing.Short() {
		n, nq = 20_000, 2_000
	}
	if *evalEntries > 0 {
		n = *evalEntries
	}
	if *evalQueries > 0 {
		nq = *evalQueries
	}
	list := synth.New(synth.Config{Seed: 42, Entries: n})
	start := time.Now()
	b := screen.NewBuilder(1, n)
	for e := range list.Entries() {
		if err := b.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	if b.Skipped() != 0 {
		t.Errorf("%d generated numbers did not validate: %v", b.Skipped(), b.SkipReasons())
	}
	ix := b.Finish()
	t.Logf("built %d entries in %v", ix.Len(), time.Since(start))
	qs := list.Queries(nq)
	res := make([]screen.Result, len(qs))
	start = time.Now()
	for i := range qs {
		res[i] = ix.Screen(qs[i].Query)
	}
	t.Logf("screened %d queries in %v", len(qs), time.Since(start))
	rep := list.Evaluate(qs, res)
	t.Logf("\n%s", rep)
	if p := rep.HitPrecision(); p < 0.99 {
		t.Errorf("hit precision %.4f < 0.99", p)
	}
	if r := rep.Recall(); r < 0.95 {
		t.Errorf("hit+review recall %.4f < 0.95", r)
	}
	if r := rep.RecallValidID(); r < 0.999 {
		t.Errorf("hit+review recall with a valid ID %.4f < 0.999", r)
	}
	if v := rep.ReviewsPer1000OffList(); v > 5 {
		t.Errorf("%.2f reviews per 1,000 people not on the list > 5", v)
	}
	for i, r := range res {
		if r.Version != 1 || r.Ref != qs[i].Ref || len(r.Reasons) == 0 {
			t.Fatalf("result %d lacks version, ref or reasons: %+v", i, r)
		}
		if (r.Band == screen.BandNone) != (r.EntryID == 0) {
			t.Fatalf("result %d: band %s with entry %d", i, r.Band, r.EntryID)
		}
	}
}
