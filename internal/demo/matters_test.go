package demo_test

import (
	"context"
	"strings"
	"testing"

	"liandong/internal/access"
	"liandong/internal/audit"
	"liandong/internal/connector"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/demo"
	"liandong/internal/directory"
	"liandong/internal/docs"
	"liandong/internal/keyring"
	"liandong/internal/matter"
	"liandong/internal/pii"
	"liandong/internal/signer"
	"liandong/internal/subject"
	"liandong/internal/vehicle"
)

// services builds what `liandong demo` builds (cmd/liandong/serve.go) on a
// test database, with the demo directory and accounts loaded.
func services(t *testing.T, d *db.DB) demo.MatterEnv {
	t.Helper()
	ctx := context.Background()
	text, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	ring, err := keyring.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	dir := directory.NewStore(d)
	if err := demo.Load(ctx, dir); err != nil {
		t.Fatal(err)
	}
	keys := signer.NewStore(d, ring)
	if _, err := keys.Ensure(ctx, signer.NodeOwner); err != nil {
		t.Fatal(err)
	}
	auditLog := audit.New(d, keys, audit.Options{})
	documents := docs.NewStore(d, keys, dir, auditLog, docs.Options{})
	acc := access.NewService(d, dir, auditLog, ring, access.Config{})
	registry, err := connector.NewVehicleSimulator(1, 100_000, connector.WithVehicleOwners(connector.NewSimulator(1).People()))
	if err != nil {
		t.Fatal(err)
	}
	seals, err := vehicle.New(ctx, d, registry, vehicle.Config{})
	if err != nil {
		t.Fatal(err)
	}
	engine, err := matter.New(ctx, d, dir, acc.Policy(), auditLog, keys, ring, matter.Config{Side: "all", Vehicles: seals})
	if err != nil {
		t.Fatal(err)
	}
	return demo.MatterEnv{DB: d, Dir: dir, Docs: documents, Access: acc, Audit: auditLog, Keys: keys, Matters: engine,
		Subjects: subject.NewStore(d, pii.New(ring), acc.Policy(), auditLog, subject.Options{})}
}

func count(t *testing.T, d *db.DB, query string) int {
	t.Helper()
	var n int
	if err := d.Read().QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestLoadMatters: every state of every kind, filed through the engine,
// with a subject; one overdue and escalated; the cache agrees with the
// events; a second run adds nothing.
func TestLoadMatters(t *testing.T) {
	d := dbtest.SQLite(t)
	env := services(t, d)
	ctx := context.Background()
	n, err := demo.LoadMatters(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d demo matters", n)
	if total := count(t, d, `SELECT COUNT(*) FROM matters`); n != total {
		t.Errorf("LoadMatters says %d matters, the database has %d", n, total)
	}

	have := map[string]int{}
	rows, err := d.Read().Query(`SELECT id, kind, state, subject_id FROM matters`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var kind, state string
		var sid *int64
		if err := rows.Scan(&id, &kind, &state, &sid); err != nil {
			t.Fatal(err)
		}
		have[kind+"/"+state]++
		ids = append(ids, id)
		if sid == nil || *sid == 0 {
			t.Errorf("matter %d (%s/%s) has no subject", id, kind, state)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	// States a node keeping both sides does not rest in: an unseal is
	// carried out in the same transaction when the register is here.
	transient := map[string]bool{"vehicle_seal/" + string(matter.VehicleSealUnsealing): true}
	want := 0
	for _, k := range matter.Kinds() {
		for _, s := range k.States {
			if transient[k.Name+"/"+string(s.Name)] {
				continue
			}
			want++
			if have[k.Name+"/"+string(s.Name)] == 0 {
				t.Errorf("no demo matter of kind %s in state %s (%s)", k.Name, s.Name, s.Label)
			}
		}
	}
	if len(have) != want {
		t.Errorf("%d (kind, state) pairs, want %d: %v", len(have), want, have)
	}
	for _, id := range ids {
		der, _, err := env.Matters.Derived(ctx, id)
		if err != nil {
			t.Fatalf("replay matter %d: %v", id, err)
		}
		var state string
		if err := d.Read().QueryRow(`SELECT state FROM matters WHERE id = $1`, id).Scan(&state); err != nil {
			t.Fatal(err)
		}
		if string(der.State) != state {
			t.Errorf("matter %d: replay gives %s, cache %s", id, der.State, state)
		}
	}

	if count(t, d, `SELECT COUNT(*) FROM matters WHERE overdue`) == 0 {
		t.Error("no overdue demo matter")
	}
	if count(t, d, `SELECT COUNT(*) FROM matter_deadlines WHERE escalated_at IS NOT NULL`) == 0 {
		t.Error("the overdue demo matter was not escalated")
	}
	if count(t, d, `SELECT COUNT(*) FROM notifications WHERE kind = 'escalated'`) == 0 {
		t.Error("no leader was told of the overdue matter")
	}

	before := count(t, d, `SELECT COUNT(*) FROM matter_events`)
	n2, err := demo.LoadMatters(ctx, env)
	if err != nil || n2 != 0 {
		t.Fatalf("second run: %d matters, %v", n2, err)
	}
	if after := count(t, d, `SELECT COUNT(*) FROM matter_events`); after != before {
		t.Errorf("second run added events: %d → %d", before, after)
	}
}
