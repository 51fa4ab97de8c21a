package matter

import (
	"context"

	"liandong/internal/db"
)

// StoredDeadlines exposes the clock rows to the external tests.
func StoredDeadlines(ctx context.Context, d *db.DB, id int64) ([]Deadline, error) {
	return deadlines(ctx, d.Read(), id)
}

// OpenBody opens an envelope body as stored in the outbox.
func (en *Engine) OpenBody(eventID string, stored []byte) ([]byte, error) {
	return en.vault.openBody(eventID, stored)
}

// SealLegacy runs the start-up sealing of clear rows again, as on a
// database from before the sealing was recorded as done.
func (en *Engine) SealLegacy(ctx context.Context) (int, error) {
	if _, err := en.db.Write().ExecContext(ctx, `DELETE FROM node_tasks WHERE name = $1`, legacyTask); err != nil {
		return 0, err
	}
	return en.sealLegacy(ctx)
}

// SealLegacyAsAtStart runs the start-up sealing as a restart would.
func (en *Engine) SealLegacyAsAtStart(ctx context.Context) (int, error) { return en.sealLegacy(ctx) }
