package directory

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"fmt"
)

// zhoukouJSON is the real structure of the Zhoukou courts and public
// security organs, with the sources for each name and code inside the file.
//
//go:embed zhoukou.json
var zhoukouJSON []byte

type seedFile struct {
	Sources []struct {
		ID, Title, Ref, Supports string
	} `json:"sources"`
	Units []struct {
		Code              string   `json:"code"`
		Name              string   `json:"name"`
		ShortName         string   `json:"short_name"`
		Side              string   `json:"side"`
		Type              string   `json:"type"`
		Parent            string   `json:"parent"`
		Division          string   `json:"division"`
		CourtCode         string   `json:"court_code"`
		LiaisonDepartment bool     `json:"liaison_department"`
		Verified          bool     `json:"verified"`
		Sources           []string `json:"sources"`
		Note              string   `json:"note"`
	} `json:"units"`
}

// ZhoukouUnits returns the shipped Zhoukou units, parents before children.
func ZhoukouUnits() ([]Unit, error) {
	var f seedFile
	if err := json.Unmarshal(zhoukouJSON, &f); err != nil {
		return nil, fmt.Errorf("parse zhoukou.json: %w", err)
	}
	sources := map[string]bool{}
	for _, s := range f.Sources {
		sources[s.ID] = true
	}
	out := make([]Unit, 0, len(f.Units))
	seen := map[string]bool{}
	for _, su := range f.Units {
		u := Unit{Code: su.Code, Name: su.Name, ShortName: su.ShortName, Side: su.Side, Type: UnitType(su.Type),
			ParentCode: su.Parent, Division: su.Division, CourtCode: su.CourtCode, LiaisonDepartment: su.LiaisonDepartment, Active: true}
		if err := u.validate(); err != nil {
			return nil, fmt.Errorf("zhoukou.json unit %s: %w", su.Code, err)
		}
		if u.ParentCode != "" && !seen[u.ParentCode] {
			return nil, fmt.Errorf("zhoukou.json unit %s: parent %s must come before it", u.Code, u.ParentCode)
		}
		for _, id := range su.Sources {
			if !sources[id] {
				return nil, fmt.Errorf("zhoukou.json unit %s: unknown source %s", u.Code, id)
			}
		}
		seen[u.Code] = true
		out = append(out, u)
	}
	return out, nil
}

// LoadZhoukou adds the shipped Zhoukou units that the database lacks, all in
// one transaction, and returns how many it added. Units already present
// (same code) are left as they are: an administrator may have edited them.
func (s *Store) LoadZhoukou(ctx context.Context) (int, error) {
	units, err := ZhoukouUnits()
	if err != nil {
		return 0, err
	}
	added := 0
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		added = 0
		for _, u := range units {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE code = $1`, u.Code).Scan(&n); err != nil {
				return fmt.Errorf("look for unit %s: %w", u.Code, err)
			}
			if n > 0 {
				continue
			}
			if err := addUnit(ctx, tx, u); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("load Zhoukou directory: %w", err)
	}
	return added, nil
}
