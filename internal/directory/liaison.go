package directory

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/db"
)

// LiaisonOfficer is the one person per unit who handles day-to-day liaison
// for the cooperation mechanism (S-ORG).
type LiaisonOfficer struct {
	UnitCode    string
	Username    string
	DisplayName string
	OfficePhone string
	Since       time.Time
}

// SetLiaison makes username the unit's liaison officer, closing the term of
// the previous one. The user must belong to the unit.
func (s *Store) SetLiaison(ctx context.Context, unitCode, username, officePhone string) error {
	u, err := s.UserByUsername(ctx, username)
	if err != nil {
		return err
	}
	if u.UnitCode != unitCode {
		return apperr.Invalidf("username", "liaison.other_unit", "联络员须为本单位人员：“%s”属于单位 %s，不属于 %s", u.Username, u.UnitCode, unitCode)
	}
	now := db.Now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE liaison_officers SET until_at = $1 WHERE unit_code = $2 AND until_at IS NULL`, now, unitCode); err != nil {
			return fmt.Errorf("close liaison term of %s: %w", unitCode, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO liaison_officers (unit_code, user_id, office_phone, since_at) VALUES ($1, $2, $3, $4)`,
			unitCode, u.ID, officePhone, now); err != nil {
			return fmt.Errorf("set liaison of %s: %w", unitCode, err)
		}
		return nil
	})
}

// Liaisons lists the current liaison officer of every unit that has one.
func (s *Store) Liaisons(ctx context.Context) ([]LiaisonOfficer, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT l.unit_code, u.username, u.display_name, l.office_phone, l.since_at
		FROM liaison_officers l JOIN users u ON u.id = l.user_id
		WHERE l.until_at IS NULL ORDER BY l.unit_code`)
	if err != nil {
		return nil, fmt.Errorf("list liaison officers: %w", err)
	}
	defer rows.Close()
	var out []LiaisonOfficer
	for rows.Next() {
		var l LiaisonOfficer
		if err := rows.Scan(&l.UnitCode, &l.Username, &l.DisplayName, &l.OfficePhone, &l.Since); err != nil {
			return nil, fmt.Errorf("list liaison officers: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
