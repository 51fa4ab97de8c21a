package matter_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/matter"
)

// pending reads the undelivered envelopes of f's outbox in order.
func pending(t *testing.T, f *fixture) []matter.Envelope {
	t.Helper()
	rows, err := f.d.Read().QueryContext(context.Background(), `SELECT event_id, sender, recipient, body, signature, key_fingerprint
		FROM matter_outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []matter.Envelope
	for rows.Next() {
		var e matter.Envelope
		var s, r string
		if err := rows.Scan(&e.EventID, &s, &r, &e.Body, &e.Signature, &e.KeyFingerprint); err != nil {
			t.Fatal(err)
		}
		e.Sender, e.Recipient = matter.Side(s), matter.Side(r)
		if e.Body, err = f.en.OpenBody(e.EventID, e.Body); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// TestLoopbackIsIdempotent: in --side all both sides share one database,
// so every envelope the loopback delivers is already applied: Apply is a
// no-op that still returns a signed receipt, and the outbox row is marked
// delivered. A second flush sends nothing; a repeated envelope is a
// duplicate again; a tampered one is refused.
func TestLoopbackIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		l := f.create(t)
		f.act(t, "handler", l.ID, matter.ActionAddClue)
		f.act(t, "handler", l.ID, matter.ActionMarkControlled)
		lb := matter.NewLoopback(f.en)
		if n, _ := lb.Pending(ctx); n != 4 {
			t.Fatalf("%d pending envelopes, want 4 (create, clue, control, handover opened)", n)
		}
		envs := pending(t, f)
		if envs[0].Sender != matter.Court || envs[0].Recipient != matter.Police || envs[1].Recipient != matter.Court {
			t.Errorf("envelope directions %v→%v, %v→%v", envs[0].Sender, envs[0].Recipient, envs[1].Sender, envs[1].Recipient)
		}
		sent, err := lb.Flush(ctx)
		if err != nil || sent != 4 {
			t.Fatalf("flush: %d, %v", sent, err)
		}
		var statuses []string
		rows, _ := d.Read().QueryContext(ctx, `SELECT receipt_status FROM matter_outbox WHERE delivered_at IS NOT NULL AND receipt_sig IS NOT NULL ORDER BY id`)
		for rows.Next() {
			var s string
			rows.Scan(&s)
			statuses = append(statuses, s)
		}
		rows.Close()
		if !slices.Equal(statuses, []string{"duplicate", "duplicate", "duplicate", "duplicate"}) {
			t.Errorf("receipts %v", statuses)
		}
		if sent, err := lb.Flush(ctx); err != nil || sent != 0 {
			t.Errorf("second flush: %d, %v", sent, err)
		}
		before, _ := f.en.Get(ctx, f.pr("officer"), l.ID)
		r, err := f.en.Apply(ctx, envs[1])
		if err != nil || r.Status != matter.ReceiptDuplicate || len(r.Signature) == 0 {
			t.Errorf("apply again: %+v %v", r, err)
		}
		after, _ := f.en.Get(ctx, f.pr("officer"), l.ID)
		if after.Seq != before.Seq {
			t.Error("a duplicate envelope changed the matter")
		}
		bad := envs[1]
		bad.Body = append([]byte(nil), bad.Body...)
		bad.Body[len(bad.Body)-1] ^= 1
		if _, err := f.en.Apply(ctx, bad); apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("tampered envelope: %v", err)
		}
	})
}

// TestApplyOnSecondNodeInOrder: a second node with its own database (the
// police node of a two-node deployment) receives the first node's
// envelopes in reverse order: each arrives ahead of its turn and is held
// until the gap fills, then all apply in sequence, and the second node's
// matters equal the first's. Repeats are duplicates; a foreign key is
// refused unless configured.
func TestApplyOnSecondNodeInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		a := newFixture(t, d)
		ctx := context.Background()
		l := a.create(t)
		a.act(t, "handler", l.ID, matter.ActionAddClue)
		a.act(t, "officer", l.ID, matter.ActionRequestMore)
		a.act(t, "handler", l.ID, matter.ActionMarkControlled)
		h := a.child(t, l.ID)
		a.act(t, "officer", h, matter.ActionTakeOver)
		envs := pending(t, a)

		b := newFixture(t, dbtest.SQLite(t))
		if _, err := b.en.Apply(ctx, envs[0]); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("untrusted key: %v", err)
		}
		pem, fp, err := a.keys.PublicPEM(ctx, "node")
		if err != nil {
			t.Fatal(err)
		}
		bn := b.engine(t, matter.Config{Side: "police", PeerKeys: map[string]string{fp: pem}})
		var last matter.Receipt
		for i := len(envs) - 1; i >= 0; i-- {
			r, err := bn.Apply(ctx, envs[i])
			if err != nil {
				t.Fatalf("apply envelope %d: %v", i, err)
			}
			last = r
		}
		if last.Status != matter.ReceiptApplied {
			t.Errorf("last receipt %s", last.Status)
		}
		var held int
		b.d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM matter_inbox`).Scan(&held)
		if held != 0 {
			t.Errorf("%d envelopes still held", held)
		}
		for _, id := range []int64{l.ID, h} {
			ma, _ := a.en.Get(ctx, a.pr("officer"), id)
			var bid int64
			if err := b.d.Read().QueryRowContext(ctx, `SELECT id FROM matters WHERE uid = $1`, ma.UID).Scan(&bid); err != nil {
				t.Fatalf("matter %s not on the second node: %v", ma.UID, err)
			}
			mb, err := bn.Get(ctx, b.pr("handler"), bid)
			if err != nil {
				t.Fatal(err)
			}
			if mb.State != ma.State || mb.Seq != ma.Seq || !equalDue(ma.DueAt, mb.DueAt) || mb.CaseNumber != ma.CaseNumber {
				t.Errorf("second node has %+v, first %+v", mb, ma)
			}
			assertReplayMatchesCache(t, &fixture{d: b.d, en: bn, people: b.people}, bid)
		}
		for _, e := range envs {
			if r, err := bn.Apply(ctx, e); err != nil || r.Status != matter.ReceiptDuplicate {
				t.Errorf("repeat: %+v %v", r, err)
			}
		}
		// The police node does not act for the court.
		var bl int64
		b.d.Read().QueryRowContext(ctx, `SELECT id FROM matters WHERE kind = 'locate'`).Scan(&bl)
		if _, _, err := bn.Act(ctx, b.pr("officer"), bl, matter.ActionClose, 0, payload(matter.ActionClose), nil); apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("court act on the police node: %v", err)
		}
	})
}

func equalDue(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}
