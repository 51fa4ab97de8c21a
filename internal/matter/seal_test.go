package matter_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
)

// TestPayloadsSealedAtRest (S-SEC-3): an exit ban names the restricted
// person with an identity number; neither the event row nor the outbox
// envelope holds it in clear, the timeline still shows it to a party, a
// payload moved onto another event does not open, and rows an earlier
// version wrote in clear are sealed at start-up.
func TestPayloadsSealedAtRest(t *testing.T) {
	const idNumber = "411602199001011232"
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		m := f.createKind(t, "exitban", "ga411600-crj")

		var stored string
		if err := d.Read().QueryRowContext(ctx, `SELECT payload FROM matter_events WHERE matter_id = $1 AND seq = 1`, m.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, idNumber) || strings.Contains(stored, "张某") || strings.HasPrefix(stored, "{") {
			t.Fatalf("payload stored in clear: %.80s", stored)
		}
		var body []byte
		if err := d.Read().QueryRowContext(ctx, `SELECT body FROM matter_outbox ORDER BY id LIMIT 1`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(body, []byte(idNumber)) {
			t.Fatal("envelope body stored in clear")
		}
		evs, err := f.en.Timeline(ctx, f.pr("officer"), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(evs[0].Payload), idNumber) {
			t.Errorf("the timeline lost the payload: %s", evs[0].Payload)
		}

		// A sealed payload copied onto another event does not open.
		other := f.create(t)
		if _, err := d.Write().ExecContext(ctx, `UPDATE matter_events SET payload = $1 WHERE matter_id = $2 AND seq = 1`, stored, other.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.en.Timeline(ctx, f.pr("officer"), other.ID); err == nil {
			t.Error("a payload moved to another event opened")
		}

		// A clear payload (an earlier version's row) is sealed at start-up
		// and reads the same afterwards.
		third := f.create(t)
		if _, err := d.Write().ExecContext(ctx, `UPDATE matter_events SET payload = $1 WHERE matter_id = $2 AND seq = 1`, `{"note":"旧版本明文"}`, third.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.en.Timeline(ctx, f.pr("officer"), third.ID); err == nil {
			t.Error("a clear payload was trusted before start-up sealing")
		}
		n, err := f.en.SealLegacy(ctx)
		if err != nil || n != 1 {
			t.Fatalf("seal legacy: %d rows, %v", n, err)
		}
		evs, err = f.en.Timeline(ctx, f.pr("officer"), third.ID)
		if err != nil || !strings.Contains(string(evs[0].Payload), "旧版本明文") {
			t.Errorf("after sealing: %v %v", evs, err)
		}
		if n, err := f.en.SealLegacy(ctx); err != nil || n != 0 {
			t.Errorf("second sealing: %d rows, %v", n, err)
		}
		// Once recorded as done, a restart does not scan again: a clear row
		// slipped in later is not sealed (and does not open).
		if _, err := d.Write().ExecContext(ctx, `UPDATE matter_events SET payload = $1 WHERE matter_id = $2 AND seq = 1`, `{"note":"后来写入的明文"}`, third.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := f.en.SealLegacyAsAtStart(ctx); err != nil || n != 0 {
			t.Errorf("a restart scanned again: %d rows, %v", n, err)
		}
		if _, err := f.en.Timeline(ctx, f.pr("officer"), third.ID); err == nil {
			t.Error("a clear payload written after the sealing was trusted")
		}
	})
}
