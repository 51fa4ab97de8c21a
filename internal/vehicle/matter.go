package vehicle

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"liandong/internal/connector"
)

// ErrNoSeal: the matter has no live seal in the register.
var ErrNoSeal = errors.New("no live seal of this matter")

// OfMatter returns the live seal (waiting or in force) that matter id
// entered, read in tx: the vehicle kinds of internal/matter act on it.
func (r *Register) OfMatter(ctx context.Context, tx *sql.Tx, matterID int64) (Seal, error) {
	seals, err := r.query(ctx, tx, `WHERE matter_id = $1 AND state IN ('waiting', 'in_force') ORDER BY id DESC`, matterID)
	if err != nil {
		return Seal{}, fmt.Errorf("seal of matter %d: %w", matterID, err)
	}
	if len(seals) == 0 {
		return Seal{}, ErrNoSeal
	}
	return seals[0], nil
}

// Registry is the vehicle registry the register pushes to.
func (r *Register) Registry() connector.VehicleRegistry { return r.reg }
