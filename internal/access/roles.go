package access

import (
	"context"
	"database/sql"
	"fmt"

	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/directory"
)

// GrantRoles sets username's roles to exactly roles (sec_admin,
// role.grant; never one's own). The directory's rules apply: roles must
// fit the unit's side, the three administrator roles go to three different
// people, and no administrator holds a business role. The change applies
// on the user's next request (Authenticate reads roles afresh); a user who
// becomes an administrator must then enrol TOTP before anything else.
func (s *Service) GrantRoles(ctx context.Context, secAdmin Principal, username string, roles []directory.Role) error {
	defer s.cache.clear() // what it changes may be cached (authcache.go)
	a, err := s.authorizeOnUser(ctx, secAdmin, ActionRoleGrant, username)
	if err != nil {
		return err
	}
	tree, err := s.policy.tree.get(ctx, a.UnitCode)
	if err != nil {
		return err
	}
	roles = dedupRoles(roles)
	if len(roles) == 0 {
		// A new account may wait without roles; taking all of a user's
		// roles away is done by disabling the account, which is explicit.
		return apperr.Invalidf("role", "user.role_missing", "至少需要一个角色；如要停止该用户的全部权限，请停用账号")
	}
	if err := directory.CheckRoles(roles, tree.side[a.UnitCode]); err != nil {
		return err
	}
	now := s.now()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = $1`, a.ID); err != nil {
			return fmt.Errorf("grant roles to %s: %w", a.Username, err)
		}
		for _, r := range roles {
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, a.ID, string(r)); err != nil {
				return fmt.Errorf("grant role %s to %s: %w", r, a.Username, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET updated_at = $1 WHERE id = $2`, now, a.ID); err != nil {
			return fmt.Errorf("grant roles to %s: %w", a.Username, err)
		}
		return s.appendAudit(ctx, tx, secAdmin.entry("role.grant", "user:"+a.Username, audit.OK,
			fmt.Sprintf("from=%s to=%s", joinRoles(a.Roles), joinRoles(roles))))
	})
}

func dedupRoles(in []directory.Role) []directory.Role {
	var out []directory.Role
	for _, r := range in {
		dup := false
		for _, o := range out {
			dup = dup || o == r
		}
		if !dup {
			out = append(out, r)
		}
	}
	return out
}
