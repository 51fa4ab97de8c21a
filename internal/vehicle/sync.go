package vehicle

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"liandong/internal/apperr"
)

// Committed is called after the caller's transaction committed, with the
// seals Accept, Renew or Lift returned (for a Change, its Ended seal: the
// promoted one is on the same vehicle; for LapseDue, Ended(changes...)).
// For every vehicle they name it reloads the seals into the in-memory index
// and pushes what the registry lacks (S-VEH-2: the seal is entered into the
// registration system; S-VEH-3: an unseal at once). A failed push is logged
// and left for Sync; Committed never fails.
func (r *Register) Committed(ctx context.Context, seals ...Seal) {
	vins := map[string]bool{}
	for _, s := range seals {
		if s.VIN != "" {
			vins[s.VIN] = true
		}
	}
	for vin := range vins {
		if err := r.refresh(ctx, vin); err != nil {
			r.log.Error("vehicle register: refresh the index after a commit", "err", err)
			continue
		}
		seals, err := r.query(ctx, r.db.Read(), `WHERE vin = $1 ORDER BY queue_pos`, vin)
		if err != nil {
			r.log.Error("vehicle register: read seals to push", "err", err)
			continue
		}
		for _, s := range seals {
			if needsPush(s, false) {
				if err := r.push(ctx, s); err != nil {
					r.log.Warn("vehicle register: push to the registry failed; Sync will retry", "seal", s.ID, "err", err)
				}
			}
		}
	}
}

// refresh reloads one vehicle's live seals into the index.
func (r *Register) refresh(ctx context.Context, vin string) error {
	r.refreshMu.Lock()
	defer r.refreshMu.Unlock()
	live, err := r.query(ctx, r.db.Read(), `WHERE vin = $1 AND state IN ('waiting', 'in_force') ORDER BY queue_pos`, vin)
	if err != nil {
		return fmt.Errorf("read live seals of a vehicle: %w", err)
	}
	r.idx.set(vin, live)
	return nil
}

// needsPush reports whether the registry must be told of s: a seal in
// force it does not hold with this expiry, or an ended seal it still
// holds. With full, every seal in force is pushed again.
func needsPush(s Seal, full bool) bool {
	switch s.State {
	case InForce:
		return full || s.Registry.State != "recorded" || !s.Registry.Expires.Equal(s.ExpiresAt)
	case Lifted, Lapsed:
		return s.Registry.State == "recorded"
	}
	return false
}

// push tells the registry of one seal and records that it did (or why it
// could not).
func (r *Register) push(ctx context.Context, s Seal) error {
	var (
		err     error
		state   string
		expires any
	)
	switch s.State {
	case InForce:
		state, expires = "recorded", s.ExpiresAt
		err = r.reg.RecordSeal(ctx, s.Mark())
	case Lifted, Lapsed:
		state = "released"
		err = r.reg.ReleaseSeal(ctx, s.MarkID())
	default:
		return nil
	}
	now := r.now()
	if err != nil {
		msg := err.Error()
		if e, ok := apperr.As(err); ok {
			msg = e.Code + ": " + e.Message
		}
		if _, uerr := r.db.Write().ExecContext(ctx, `UPDATE vehicle_seals SET registry_error = $1, registry_at = $2 WHERE id = $3`, clip(msg, 500), now, s.ID); uerr != nil {
			err = errors.Join(err, uerr)
		}
		return fmt.Errorf("push seal %d to the registry: %w", s.ID, err)
	}
	if s.Registry.State == state && (expires == nil || s.Registry.Expires.Equal(s.ExpiresAt)) && s.Registry.Error == "" {
		return nil // a full resync of a seal the database already says was told
	}
	if _, err := r.db.Write().ExecContext(ctx, `UPDATE vehicle_seals SET registry_state = $1, registry_expires = $2, registry_at = $3, registry_error = '' WHERE id = $4`,
		state, expires, now, s.ID); err != nil {
		return fmt.Errorf("record push of seal %d: %w", s.ID, err)
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// Sync pushes every seal whose registry state differs from the register
// (the first Sync after New: every seal in force), and refreshes those
// vehicles in the index, so a push lost to an outage or a caller that
// forgot Committed is repaired. It returns the failed pushes joined; the
// ones that worked stay done.
func (r *Register) Sync(ctx context.Context) error {
	r.syncMu.Lock()
	defer r.syncMu.Unlock()
	full := r.full.Load()
	where := `WHERE (state = 'in_force' AND (registry_state <> 'recorded' OR registry_expires IS NULL OR registry_expires <> expires_at))
		OR (state IN ('lifted', 'lapsed') AND registry_state = 'recorded') ORDER BY id`
	if full {
		where = `WHERE state = 'in_force' OR (state IN ('lifted', 'lapsed') AND registry_state = 'recorded') ORDER BY id`
	}
	seals, err := r.query(ctx, r.db.Read(), where)
	if err != nil {
		return fmt.Errorf("vehicle register sync: read seals: %w", err)
	}
	var errs []error
	touched := map[string]bool{}
	for _, s := range seals {
		if !needsPush(s, full) {
			continue
		}
		if err := r.push(ctx, s); err != nil {
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
			continue
		}
		if !full || s.Registry.State != "recorded" {
			touched[s.VIN] = true
		}
	}
	for vin := range touched {
		if err := r.refresh(ctx, vin); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 && full {
		r.full.Store(false)
	}
	if len(errs) > 0 {
		return fmt.Errorf("vehicle register sync: %d of %d pushes failed: %w", len(errs), len(seals), errors.Join(errs[:min(len(errs), 5)]...))
	}
	return nil
}

// Run syncs every interval until ctx ends (and, with Config.Lapse, lapses
// the seals whose term ended first), logging failures.
func (r *Register) Run(ctx context.Context, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if r.cfg.Lapse {
			var chs []Change
			err := r.db.Tx(ctx, func(tx *sql.Tx) error {
				var err error
				chs, err = r.LapseDue(ctx, tx, r.now())
				return err
			})
			if err != nil && ctx.Err() == nil {
				r.log.Error("vehicle register: lapse due seals", "err", err)
			} else if len(chs) > 0 {
				r.log.Info("vehicle seals lapsed", "count", len(chs))
				r.Committed(ctx, Ended(chs...)...)
			}
		}
		if err := r.Sync(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("vehicle register: sync with the registry", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
