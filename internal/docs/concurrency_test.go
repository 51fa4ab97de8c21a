package docs_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/docs"
)

// Servers sharing a database may store the same file and issue it at the
// same moment: the file is stored once and issued once, and the loser of
// the race gets the ordinary conflict.
func TestConcurrentPutAndIssue(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, docs.Options{})
		data := docs.SamplePDF("race", 300<<10)
		const n = 4
		var wg sync.WaitGroup
		blobs := make([]docs.Blob, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				store := docs.NewStore(d, f.keys, f.dir, f.auditor, docs.Options{}) // as on another server
				blobs[i], errs[i] = store.Put(ctx, bytes.NewReader(data), "race.pdf")
			}()
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil || blobs[i] != blobs[0] {
				t.Fatalf("Put %d: %+v, %v; want %+v", i, blobs[i], errs[i], blobs[0])
			}
		}
		if got := f.count(t, "document_blob_chunks"); got != 2 {
			t.Errorf("%d chunks after concurrent Puts, want 2", got)
		}

		docsOut := make([]docs.Document, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				store := docs.NewStore(d, f.keys, f.dir, f.auditor, docs.Options{})
				docsOut[i], errs[i] = store.Issue(ctx, docs.IssueRequest{Digest: blobs[0].Digest, Type: "协助执行通知书", UnitCode: "fy411600", Username: courtUser})
			}()
		}
		wg.Wait()
		issued := 0
		for i := range n {
			switch e, _ := apperr.As(errs[i]); {
			case errs[i] == nil:
				issued++
			case e == nil || e.Code != "doc.already_issued":
				t.Errorf("Issue %d: %v, want success or doc.already_issued", i, errs[i])
			}
		}
		if issued != 1 || f.count(t, "documents") != 1 {
			t.Errorf("%d issued, %d rows; want exactly one", issued, f.count(t, "documents"))
		}
	})
}
