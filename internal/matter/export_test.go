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

// SealLegacy runs the start-up sealing of clear rows again.
func (en *Engine) SealLegacy(ctx context.Context) (int, error) { return en.sealLegacy(ctx) }
