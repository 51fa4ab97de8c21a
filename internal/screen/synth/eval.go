package synth

import (
	"fmt"
	"sort"
	"strings"

	"liandong/internal/screen"
)

// Report counts the outcomes of screening a labelled query set.
type Report struct {
	Queries, OnList, OffList int
	ValidIDOnList            int

	Hits, HitsCorrect     int // hits; hits on the right entry of a listed person
	Reviews, ReviewsRight int
	FoundOnList           int // listed queries answered hit or review on the right entry
	FoundValidID          int // the same among those carrying a valid ID
	ReviewsOffList        int // reviews of people not on the list
	HitsOffList           int
	ByKind                map[string]*KindCount
}

// KindCount is the outcome of one kind of query.
type KindCount struct {
	N, Hit, Review, None, Wrong int // Wrong: hit or review on an entry of someone else
}

// Evaluate compares results with the labels. results[i] answers qs[i].
func (l *List) Evaluate(qs []Labelled, results []screen.Result) Report {
	rep := Report{ByKind: map[string]*KindCount{}}
	for i, q := range qs {
		r := results[i]
		kc := rep.ByKind[q.Kind]
		if kc == nil {
			kc = &KindCount{}
			rep.ByKind[q.Kind] = kc
		}
		kc.N++
		rep.Queries++
		right := r.EntryID > 0 && l.sameSubject(q, int(r.EntryID-1))
		switch r.Band {
		case screen.BandHit:
			kc.Hit++
			rep.Hits++
		case screen.BandReview:
			kc.Review++
			rep.Reviews++
		default:
			kc.None++
		}
		if r.Band != screen.BandNone && !right {
			kc.Wrong++
		}
		if q.OnList() {
			rep.OnList++
			if q.ValidID {
				rep.ValidIDOnList++
			}
			if r.Band != screen.BandNone && right {
				rep.FoundOnList++
				if q.ValidID {
					rep.FoundValidID++
				}
				if r.Band == screen.BandHit {
					rep.HitsCorrect++
				} else {
					rep.ReviewsRight++
				}
			}
		} else {
			rep.OffList++
			switch r.Band {
			case screen.BandReview:
				rep.ReviewsOffList++
			case screen.BandHit:
				rep.HitsOffList++
			}
		}
	}
	return rep
}

// sameSubject: the entry lists the query's person (any of their cases),
// or is the query's unit.
func (l *List) sameSubject(q Labelled, entry int) bool {
	if q.Unit >= 0 {
		return entry == q.Unit
	}
	if q.Person < 0 {
		return false
	}
	return l.PersonOf(entry) == q.Person
}

// HitPrecision is the share of hits that name the right person.
func (r Report) HitPrecision() float64 { return ratio(r.HitsCorrect, r.Hits) }

// ReviewPrecision is the share of reviews that name the right person.
func (r Report) ReviewPrecision() float64 { return ratio(r.ReviewsRight, r.Reviews) }

// HitRecall is the share of listed queries answered hit on the right entry.
func (r Report) HitRecall() float64 { return ratio(r.HitsCorrect, r.OnList) }

// Recall is the share of listed queries answered hit or review on the right entry.
func (r Report) Recall() float64 { return ratio(r.FoundOnList, r.OnList) }

// RecallValidID is Recall among queries carrying a valid identity number.
func (r Report) RecallValidID() float64 { return ratio(r.FoundValidID, r.ValidIDOnList) }

// ReviewsPer1000OffList is the review load from people not on the list.
func (r Report) ReviewsPer1000OffList() float64 {
	return 1000 * ratio(r.ReviewsOffList, r.OffList)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// String prints the report as a table.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "queries %d (on the list %d, of which with a valid ID %d; not on the list %d)\n", r.Queries, r.OnList, r.ValidIDOnList, r.OffList)
	fmt.Fprintf(&b, "hit:    %d, precision %.4f, recall %.4f\n", r.Hits, r.HitPrecision(), r.HitRecall())
	fmt.Fprintf(&b, "review: %d, precision %.4f\n", r.Reviews, r.ReviewPrecision())
	fmt.Fprintf(&b, "hit+review recall %.4f; with a valid ID %.4f\n", r.Recall(), r.RecallValidID())
	fmt.Fprintf(&b, "not on the list: %.2f reviews and %d hits per 1,000 screens\n", r.ReviewsPer1000OffList(), r.HitsOffList)
	kinds := make([]string, 0, len(r.ByKind))
	for k := range r.ByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(&b, "%-22s %7s %7s %7s %7s %6s\n", "kind", "n", "hit", "review", "none", "wrong")
	for _, k := range kinds {
		c := r.ByKind[k]
		fmt.Fprintf(&b, "%-22s %7d %7d %7d %7d %6d\n", k, c.N, c.Hit, c.Review, c.None, c.Wrong)
	}
	return b.String()
}
