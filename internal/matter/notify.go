package matter

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// NotifyKindScreenHit is the kind of a notification that the dishonest-
// debtor list was hit by a police business (internal/screening): a clue
// for the listing court, on its own or on one of the debtor's matters.
const NotifyKindScreenHit = "screen_hit"

// Notify writes a notification for username in tx, through the table the
// engine's own notifications use, for other packages that tell court or
// police users something (a screening hit). matterID is 0 when the
// notification is not about a matter.
func Notify(ctx context.Context, tx *sql.Tx, username string, matterID int64, kind, text string, at time.Time) error {
	var m any
	if matterID != 0 {
		m = matterID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (username, matter_id, kind, text, created_at) VALUES ($1, $2, $3, $4, $5)`,
		username, m, kind, text, at); err != nil {
		return fmt.Errorf("notify %s: %w", username, err)
	}
	return nil
}
