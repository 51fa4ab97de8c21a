package docs_test

import (
	"context"
	"slices"
	"testing"

	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/docs"
)

// With the real audit log, issuing and correcting leave entries in the
// tamper-evident chain, written in the same transactions.
func TestIssueAndSupersedeWithTheAuditLog(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, docs.Options{})
		log := audit.New(d, f.keys, audit.Options{})
		store := docs.NewStore(d, f.keys, f.dir, log, docs.Options{})

		issue := func(note string) docs.Document {
			t.Helper()
			b := f.put(t, docs.SamplePDF(note, 0), "a.pdf")
			doc, err := store.Issue(ctx, docs.IssueRequest{Digest: b.Digest, Type: "限制出境决定书", CaseNumber: "（2022）豫1602执456号",
				UnitCode: "fy411602", Username: otherCourt, Role: "court_officer", Source: "10.1.2.3"})
			if err != nil {
				t.Fatal(err)
			}
			return doc
		}
		orig, fixed := issue("audit original"), issue("audit fixed")
		if _, err := store.Supersede(ctx, docs.SupersedeRequest{OldID: orig.ID, NewID: fixed.ID, Reason: "笔误", Username: otherCourt}); err != nil {
			t.Fatal(err)
		}
		entries, _, err := log.Search(ctx, audit.Query{Object: "document:" + orig.Code})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
			if e.Username != otherCourt || e.UnitCode != "fy411602-zxj" || e.CaseNumber != "（2022）豫1602执456号" || e.Outcome != audit.OK {
				t.Errorf("entry %+v", e)
			}
		}
		slices.Sort(actions)
		if !slices.Equal(actions, []string{"document.correct", "document.issue"}) {
			t.Errorf("audited actions %v", actions)
		}
	})
}
