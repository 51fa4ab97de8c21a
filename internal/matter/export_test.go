package matter

import (
	"context"

	"liandong/internal/db"
)

// StoredDeadlines exposes the clock rows to the external tests.
func StoredDeadlines(ctx context.Context, d *db.DB, id int64) ([]Deadline, error) {
	return deadlines(ctx, d.Read(), id)
}
