package web

import (
	"sync"
	"time"
)

// importJobs is the in-memory registry of web imports of the
// dishonest-debtor list, keyed by job id and owned by the uploading user.
type importJobs struct {
	mu   sync.Mutex
	now  func() time.Time
	jobs map[string]*importJob
}

type importJob struct{}

func newImportJobs(now func() time.Time) *importJobs {
	return &importJobs{now: now, jobs: map[string]*importJob{}}
}
