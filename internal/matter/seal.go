package matter

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"liandong/internal/db"
	"liandong/internal/keyring"
)

// vault seals event payloads and exchange envelopes at rest (S-SEC-3).
//
// Decision: the whole payload is sealed, not chosen fields. Personal data
// is not only where a field says so — a clue's free text names streets and
// relatives, a note quotes a phone number — so marking fields would leave
// holes, while a payload is read only through the engine, which opens it.
// Nothing queries inside payloads in SQL. Each sealed value is bound to
// its row (the event id) by SM4-GCM's associated data, so a payload copied
// onto another event, or edited, does not open: tampering shows as an
// error, never as a silently changed timeline. Case number, units, states
// and due times stay in clear columns for lists and the scheduler.
type vault struct{ ring *keyring.Ring }

func payloadAAD(eventID string) string  { return "matter_events.payload:" + eventID }
func envelopeAAD(eventID string) string { return "matter_envelope.body:" + eventID }

func (v vault) sealPayload(eventID string, p json.RawMessage) (string, error) {
	s, err := v.ring.SealString(string(p), payloadAAD(eventID))
	if err != nil {
		return "", fmt.Errorf("seal payload of event %s: %w", eventID, err)
	}
	return s, nil
}

func (v vault) openPayload(eventID, stored string) (json.RawMessage, error) {
	p, err := v.ring.OpenString(stored, payloadAAD(eventID))
	if err != nil {
		return nil, fmt.Errorf("open payload of event %s: %w", eventID, err)
	}
	return json.RawMessage(p), nil
}

func (v vault) sealBody(eventID string, body []byte) ([]byte, error) {
	s, err := v.ring.Seal(body, []byte(envelopeAAD(eventID)))
	if err != nil {
		return nil, fmt.Errorf("seal envelope of event %s: %w", eventID, err)
	}
	return []byte(s), nil
}

func (v vault) openBody(eventID string, stored []byte) ([]byte, error) {
	b, err := v.ring.Open(string(stored), []byte(envelopeAAD(eventID)))
	if err != nil {
		return nil, fmt.Errorf("open envelope of event %s: %w", eventID, err)
	}
	return b, nil
}

// isClear reports whether a stored payload or body is plain JSON: written
// before payloads were sealed. A sealed value starts with its key id.
func isClear(stored []byte) bool { return len(stored) > 0 && stored[0] == '{' }

// sealLegacy seals payloads and envelope bodies written in clear by
// versions before sealing, once, at start-up; afterwards every read
// requires a sealed value, so a clear value slipped into a table later does
// not open rather than being trusted.
func (en *Engine) sealLegacy(ctx context.Context) (int, error) {
	// Once done, recorded: a start-up then costs one indexed read, not a
	// scan of every event and envelope.
	var done int
	if err := en.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM node_tasks WHERE name = $1`, legacyTask).Scan(&done); err != nil {
		return 0, fmt.Errorf("seal clear payloads: %w", err)
	}
	if done > 0 {
		return 0, nil
	}
	sealed := 0
	for _, t := range []struct {
		table, key, eventID, col, where string
		body                            bool
	}{
		{"matter_events", "id", "id", "payload", "payload LIKE '{%'", false},
		{"matter_outbox", "id", "event_id", "body", en.clearBlob("body"), true},
		{"matter_inbox", "event_id", "event_id", "body", en.clearBlob("body"), true},
	} {
		err := en.db.Tx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT %s, %s, %s FROM %s WHERE %s`, t.key, t.eventID, t.col, t.table, t.where))
			if err != nil {
				return err
			}
			type row struct {
				key     any
				eventID string
				stored  []byte
			}
			var rs []row
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.key, &r.eventID, &r.stored); err != nil {
					rows.Close()
					return err
				}
				rs = append(rs, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, r := range rs {
				if !isClear(r.stored) {
					continue
				}
				var value any
				if t.body {
					b, err := en.vault.sealBody(r.eventID, r.stored)
					if err != nil {
						return err
					}
					value = b
				} else {
					s, err := en.vault.sealPayload(r.eventID, r.stored)
					if err != nil {
						return err
					}
					value = s
				}
				if _, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET %s = $1 WHERE %s = $2`, t.table, t.col, t.key), value, r.key); err != nil {
					return err
				}
				sealed++
			}
			return nil
		})
		if err != nil {
			return sealed, fmt.Errorf("seal clear %s.%s: %w", t.table, t.col, err)
		}
	}
	if _, err := en.db.Write().ExecContext(ctx, `INSERT INTO node_tasks (name, done_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
		legacyTask, db.Now()); err != nil {
		return sealed, fmt.Errorf("seal clear payloads: record done: %w", err)
	}
	return sealed, nil
}

// legacyTask names the start-up sealing in node_tasks.
const legacyTask = "matter.seal_clear_payloads"

// clearBlob is a condition true for a bytes column whose first byte is
// '{', per engine.
func (en *Engine) clearBlob(col string) string {
	if en.db.Engine == db.Postgres {
		return fmt.Sprintf("get_byte(%s, 0) = 123", col)
	}
	return fmt.Sprintf("hex(substr(%s, 1, 1)) = '7B'", col)
}
