package web

import (
	"context"
	"database/sql"

	"liandong/internal/audit"
	"liandong/internal/db"
)

// groupAudit appends the audit entries of concurrent vehicle checks in
// shared transactions (db.Group: group commit). Each request still waits
// until its own entries are committed before it answers, so nothing is
// answered unaudited.
type groupAudit struct {
	group *db.Group
	log   *audit.Log
}

func newGroupAudit(d *db.DB, log *audit.Log) *groupAudit {
	return &groupAudit{group: db.NewGroup(d, "audit"), log: log}
}

// record appends entries (in this order, in one transaction with other
// requests' entries) and returns once they are committed.
func (g *groupAudit) record(ctx context.Context, entries ...audit.Entry) error {
	return g.group.Do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, e := range entries {
			if _, err := g.log.Append(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}
