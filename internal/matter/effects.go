package matter

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"liandong/internal/db"
)

// SystemUser is the username of acts the engine does by itself: a waiting
// vehicle seal taking effect when the one ahead is lifted, a seal lapsing
// at the end of its term. They are events like any other, signed and sent
// to the other side, so both see the same timeline.
const SystemUser = "system"

// txRun is what one transaction of the engine collects besides its rows:
// work to do once it has committed (update an in-memory index, push to a
// police system). A retried transaction starts a fresh run.
type txRun struct {
	after []func(context.Context)
}

func (r *txRun) committed(ctx context.Context) {
	for _, f := range r.after {
		f(ctx)
	}
}

// Effects is what a kind's Effects hook sees: the act just written and the
// transaction it is in. Through it the hook changes records outside the
// matter tables in the same transaction (the vehicle seal register),
// queues automatic acts, and leaves work for after the commit.
type Effects struct {
	Tx     *sql.Tx
	Matter Matter // after the act
	Event  Event
	// Received is true when the act came from the other node.
	Received bool

	en     *Engine
	run    *txRun
	system []systemAct
}

type systemAct struct {
	matterID int64
	action   string
	payload  json.RawMessage
	dues     map[ClockID]time.Time // due times that replace the rule's
}

// Engine returns the engine, for its configured connectors and registers.
func (fx *Effects) Engine() *Engine { return fx.en }

// System queues an automatic act on matter id (this matter or another)
// after the hook returns, in the same transaction. payload may be nil;
// dues, when given, fix the due times of clocks the act starts (a seal's
// term ends when the register says, not when the rule would).
func (fx *Effects) System(matterID int64, action string, payload any, dues map[ClockID]time.Time) error {
	a, err := newSystemAct(matterID, action, payload, dues)
	if err != nil {
		return err
	}
	fx.system = append(fx.system, a)
	return nil
}

func newSystemAct(matterID int64, action string, payload any, dues map[ClockID]time.Time) (systemAct, error) {
	raw := json.RawMessage(`{}`)
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return systemAct{}, fmt.Errorf("system act %s on matter %d: %w", action, matterID, err)
		}
		raw = b
	}
	return systemAct{matterID, action, raw, dues}, nil
}

// Notify tells username about matter id in the page header, in the
// transaction (a waiting seal took effect: its court is told).
func (fx *Effects) Notify(matterID int64, username, text string) error {
	if _, err := fx.Tx.ExecContext(context.Background(), `INSERT INTO notifications (username, matter_id, kind, text, created_at) VALUES ($1, $2, $3, $4, $5)`,
		username, matterID, NotifyAutomatic, text, fx.Event.At); err != nil {
		return fmt.Errorf("notify %s of matter %d: %w", username, matterID, err)
	}
	return nil
}

// NotifyAutomatic is the notification kind of what an automatic act did.
const NotifyAutomatic = "automatic"

// AfterCommit runs f once the transaction has committed. f must not fail
// the act: it is for work that can be repeated (an index update, a push a
// retry loop also makes).
func (fx *Effects) AfterCommit(f func(context.Context)) { fx.run.after = append(fx.run.after, f) }

// CreationPayload returns the matter's creation payload.
func (fx *Effects) CreationPayload(ctx context.Context) (json.RawMessage, error) {
	return fx.en.creationPayload(ctx, fx.Tx, fx.Matter.ID)
}

// effects runs k's hook for a written act on the node that keeps the
// kind's outside records, then the automatic acts it queued.
func (en *Engine) effects(ctx context.Context, run *txRun, tx *sql.Tx, k *Kind, res committed, received bool) error {
	if k.Effects == nil || !en.cfg.serves(k.EffectsSide) {
		return nil
	}
	fx := &Effects{Tx: tx, Matter: res.matter, Event: res.event, Received: received, en: en, run: run}
	if err := k.Effects(ctx, fx); err != nil {
		return err
	}
	return en.systemActs(ctx, run, tx, fx.system, res.event.At)
}

func (en *Engine) systemActs(ctx context.Context, run *txRun, tx *sql.Tx, acts []systemAct, at time.Time) error {
	for _, a := range acts {
		if _, err := en.systemAct(ctx, run, tx, a, at); err != nil {
			return err
		}
	}
	return nil
}

// systemAct appends an automatic act. The transition must be marked
// System and allowed in the matter's state; the actor is SystemUser of the
// unit of the transition's side.
func (en *Engine) systemAct(ctx context.Context, run *txRun, tx *sql.Tx, a systemAct, at time.Time) (committed, error) {
	c, err := loadCurrent(ctx, txq{tx, en.stmts}, a.matterID)
	if err != nil {
		return committed{}, fmt.Errorf("system act %s on matter %d: %w", a.action, a.matterID, err)
	}
	k, ok := KindByName(c.matter.Kind)
	if !ok {
		return committed{}, fmt.Errorf("system act %s on matter %d: unknown kind %s", a.action, a.matterID, c.matter.Kind)
	}
	t, ok := k.find(c.matter.State, a.action)
	if !ok || !t.System {
		return committed{}, fmt.Errorf("system act %s on matter %d: not an automatic act in state %s", a.action, a.matterID, c.matter.State)
	}
	if !en.cfg.serves(t.Side) {
		return committed{}, errNodeSide(t.Side)
	}
	p, d, err := prepare(t, a.payload, nil)
	if err != nil {
		return committed{}, fmt.Errorf("system act %s on matter %d: %w", a.action, a.matterID, err)
	}
	unit := c.matter.AddressedUnit
	if t.Side == c.matter.RequestingSide {
		unit = c.matter.RequestingUnit
	}
	return en.appendAct(ctx, run, tx, k, c, t, actor{username: SystemUser, unit: unit, role: SystemUser, dues: a.dues}, p, d, "system", at)
}

// actor is who an appended act is recorded as.
type actor struct {
	username, unit, role string
	dues                 map[ClockID]time.Time
}

// appendAct writes t on the matter c describes as a: the event, its
// clocks and the matter row, then the kind's effects. Act and the system
// share it.
func (en *Engine) appendAct(ctx context.Context, run *txRun, tx *sql.Tx, k *Kind, c current, t Transition, a actor, payload json.RawMessage, docs []string, source string, at time.Time) (committed, error) {
	cur := c.matter
	e := Event{ID: newID(), MatterUID: cur.UID, Kind: k.Name, Seq: cur.Seq + 1, Side: t.Side,
		Username: a.username, UnitCode: a.unit, Role: a.role, At: at, Type: t.Action,
		Payload: payload, Documents: docs}
	var err error
	if e.Clocks, err = en.cfg.start(t.Starts, at); err != nil {
		return committed{}, err
	}
	if t.DueFor != nil && len(e.Clocks) > 0 {
		create, err := en.creationPayload(ctx, tx, cur.ID)
		if err != nil {
			return committed{}, err
		}
		dueFor(t, cur, create, e.Clocks, at)
	}
	for i, cl := range e.Clocks {
		if due, ok := a.dues[cl.ID]; ok {
			e.Clocks[i].Due = db.Time(due)
		}
	}
	res, err := en.commit(ctx, tx, k, &c, e, source, false)
	if err != nil {
		return committed{}, err
	}
	return res, en.effects(ctx, run, tx, k, res, false)
}

// creationPayload reads and opens matter id's creation payload.
func (en *Engine) creationPayload(ctx context.Context, tx *sql.Tx, id int64) (json.RawMessage, error) {
	var createID, stored string
	if err := tx.QueryRowContext(ctx, `SELECT id, payload FROM matter_events WHERE matter_id = $1 AND seq = 1`, id).Scan(&createID, &stored); err != nil {
		return nil, fmt.Errorf("matter %d: creation payload: %w", id, err)
	}
	p, err := en.vault.openPayload(createID, stored)
	if err != nil {
		return nil, fmt.Errorf("matter %d: creation payload: %w", id, err)
	}
	return p, nil
}

// Sweep is what a kind's Sweep hook sees on each scheduler tick: a
// transaction of its own, and the same System and AfterCommit as Effects.
type Sweep struct {
	Tx  *sql.Tx
	Now time.Time

	en     *Engine
	run    *txRun
	system []systemAct
}

// Engine returns the engine.
func (sw *Sweep) Engine() *Engine { return sw.en }

// System queues an automatic act on matter id, as Effects.System.
func (sw *Sweep) System(matterID int64, action string, payload any, dues map[ClockID]time.Time) error {
	a, err := newSystemAct(matterID, action, payload, dues)
	if err != nil {
		return err
	}
	sw.system = append(sw.system, a)
	return nil
}

// AfterCommit runs f once the sweep's transaction has committed.
func (sw *Sweep) AfterCommit(f func(context.Context)) { sw.run.after = append(sw.run.after, f) }

// sweep runs every kind's Sweep hook, each in a transaction of its own,
// on the node that keeps the kind's outside records.
func (en *Engine) sweep(ctx context.Context, now time.Time) (int, error) {
	n := 0
	var errs []error
	for _, k := range kinds {
		if k.Sweep == nil || !en.cfg.serves(k.EffectsSide) {
			continue
		}
		run, acts := &txRun{}, 0
		err := en.db.Tx(ctx, func(tx *sql.Tx) error {
			*run = txRun{}
			sw := &Sweep{Tx: tx, Now: now, en: en, run: run}
			if err := k.Sweep(ctx, sw); err != nil {
				return err
			}
			acts = len(sw.system)
			return en.systemActs(ctx, run, tx, sw.system, now)
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("sweep %s: %w", k.Name, err))
			continue
		}
		n += acts
		run.committed(ctx)
	}
	return n, errors.Join(errs...)
}
