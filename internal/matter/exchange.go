package matter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/signer"
)

// Envelope carries one event to the other side's node (DESIGN.md principle
// 3): the event's canonical bytes signed with the sending node's SM2 key.
type Envelope struct {
	EventID        string
	Sender         Side
	Recipient      Side
	Body           []byte // Event.Canonical()
	Signature      []byte
	KeyFingerprint string
}

// Receipt statuses.
const (
	ReceiptApplied   = "applied"   // the event was appended on the receiving node
	ReceiptDuplicate = "duplicate" // the receiving node already had it (always so in all mode)
	ReceiptHeld      = "held"      // received ahead of its turn; applied when the gap fills
)

// Receipt is the receiving node's signed acknowledgement of an envelope.
// Once the sender holds one, it stops sending that envelope.
type Receipt struct {
	EventID        string
	Status         string
	At             time.Time
	Signature      []byte // receiving node key over Receipt.bytes()
	KeyFingerprint string
}

func (r Receipt) bytes() []byte {
	return []byte("liandong.matter.receipt.v1\x00" + r.EventID + "\x00" + r.Status + "\x00" + formatTime(r.At))
}

// Transport delivers an envelope to the other node and returns its
// receipt. Loopback delivers to this process; an HTTP transport between
// two nodes implements the same interface and the engine does not change.
type Transport interface {
	Send(ctx context.Context, env Envelope) (Receipt, error)
}

// Loopback is the transport of --side all: the recipient is this engine.
type Loopback struct{ Engine *Engine }

// Send applies env on the same engine.
func (l Loopback) Send(ctx context.Context, env Envelope) (Receipt, error) {
	return l.Engine.Apply(ctx, env)
}

// queue writes the envelopes of e for every party side other than the
// author's, in the caller's transaction.
func (en *Engine) queue(ctx context.Context, tx txq, m Matter, e Event) error {
	var to []Side
	for _, s := range []Side{m.RequestingSide, m.AddressedSide} {
		if s != e.Side && !containsSide(to, s) {
			to = append(to, s)
		}
	}
	if m.DelegateUnit != "" && e.Side != Court && !containsSide(to, Court) { // delegates are courts (checkDelegate)
		to = append(to, Court)
	}
	if len(to) == 0 {
		return nil
	}
	body, err := e.Canonical()
	if err != nil {
		return err
	}
	sig, err := en.key.Sign(body)
	if err != nil {
		return err
	}
	sealed, err := en.vault.sealBody(e.ID, body)
	if err != nil {
		return err
	}
	for _, r := range to {
		if _, err := tx.ExecContext(ctx, qInsertEnvelope, e.ID, string(r), string(e.Side), sealed, sig, en.key.Fingerprint, e.At); err != nil {
			return fmt.Errorf("queue event %s for %s: %w", e.ID, r, err)
		}
	}
	return nil
}

func containsSide(s []Side, x Side) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// Error codes of Apply.
const (
	CodeBadEnvelope = "exchange.bad_envelope"
	CodeFork        = "exchange.fork"
)

// verify checks an envelope's signature with the own node key or a
// configured peer key.
func (en *Engine) verify(env Envelope) error {
	if env.KeyFingerprint == en.key.Fingerprint {
		if en.key.Verify(env.Body, env.Signature) {
			return nil
		}
	} else if pem, ok := en.cfg.PeerKeys[env.KeyFingerprint]; ok {
		if ok, err := signer.VerifyPEM(pem, env.Body, env.Signature); err == nil && ok {
			return nil
		}
	} else {
		return apperr.New(apperr.Forbidden, CodeBadEnvelope, "信封的签名密钥不受信任（指纹 "+env.KeyFingerprint+"）")
	}
	return apperr.New(apperr.Forbidden, CodeBadEnvelope, "信封签名验证失败")
}

// Apply is the inbox: it checks the envelope's signature, ignores an event
// it already has (same event id — in all mode both sides share one
// database, so every envelope is such a no-op that still gets a receipt),
// appends the event when it is the matter's next, and holds it when it
// arrived ahead of a missing one (Decision: hold rather than reject, so a
// sender that retries out of order never loops; held envelopes are applied
// in sequence as soon as the gap fills, in the same transaction as the
// event that fills it). An event whose seq is already taken by a different
// event is a fork between the nodes and is refused (CodeFork).
func (en *Engine) Apply(ctx context.Context, env Envelope) (Receipt, error) {
	if err := en.verify(env); err != nil {
		return Receipt{}, err
	}
	e, err := DecodeCanonical(env.Body)
	if err != nil {
		return Receipt{}, apperr.New(apperr.Invalid, CodeBadEnvelope, "信封内容无法解析")
	}
	if e.ID != env.EventID || e.Side != env.Sender {
		return Receipt{}, apperr.New(apperr.Invalid, CodeBadEnvelope, "信封标注的事件或发送方与签名内容不符")
	}
	var status string
	run := &txRun{}
	err = en.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		*run = txRun{}
		status, err = en.apply(ctx, run, tx, env, e)
		return err
	})
	if err != nil {
		return Receipt{}, err
	}
	run.committed(ctx)
	r := Receipt{EventID: e.ID, Status: status, At: en.now(), KeyFingerprint: en.key.Fingerprint}
	if r.Signature, err = en.key.Sign(r.bytes()); err != nil {
		return Receipt{}, err
	}
	return r, nil
}

func (en *Engine) apply(ctx context.Context, run *txRun, tx *sql.Tx, env Envelope, e Event) (string, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM matter_events WHERE id = $1`, e.ID).Scan(&n); err != nil {
		return "", fmt.Errorf("apply event %s: %w", e.ID, err)
	}
	if n > 0 {
		return ReceiptDuplicate, nil
	}
	k, ok := KindByName(e.Kind)
	if !ok {
		return "", apperr.New(apperr.Invalid, CodeBadEnvelope, "未知的协作事项类型“"+e.Kind+"”")
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM matters WHERE uid = $1`, e.MatterUID).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows) && e.Seq == 1:
		if e.Header != nil && e.Header.ParentUID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM matters WHERE uid = $1`, e.Header.ParentUID).Scan(&n); err != nil {
				return "", fmt.Errorf("apply event %s: %w", e.ID, err)
			}
			if n == 0 { // the matter that opened this one has not arrived yet
				return ReceiptHeld, en.hold(ctx, tx, env, e)
			}
		}
		if err := en.receive(ctx, run, tx, k, nil, e, "exchange:"+string(env.Sender)); err != nil {
			return "", err
		}
		return ReceiptApplied, en.drain(ctx, run, tx, e.MatterUID)
	case errors.Is(err, sql.ErrNoRows):
		return ReceiptHeld, en.hold(ctx, tx, env, e)
	case err != nil:
		return "", fmt.Errorf("apply event %s: %w", e.ID, err)
	}
	c, err := loadCurrent(ctx, txq{tx, en.stmts}, id)
	if err != nil {
		return "", fmt.Errorf("apply event %s: %w", e.ID, err)
	}
	switch {
	case e.Seq > c.matter.Seq+1:
		return ReceiptHeld, en.hold(ctx, tx, env, e)
	case e.Seq <= c.matter.Seq:
		return "", apperr.New(apperr.Conflict, CodeFork,
			fmt.Sprintf("两个节点的事项记录不一致：第 %d 条事件已存在且不同（事项 %s）", e.Seq, e.MatterUID))
	}
	if err := en.receive(ctx, run, tx, k, &c, e, "exchange:"+string(env.Sender)); err != nil {
		return "", err
	}
	return ReceiptApplied, en.drain(ctx, run, tx, e.MatterUID)
}

// receive appends an event from the other node and runs the kind's
// effects for it: an unseal the court sent is carried out on receipt.
func (en *Engine) receive(ctx context.Context, run *txRun, tx *sql.Tx, k *Kind, cur *current, e Event, source string) error {
	res, err := en.commit(ctx, tx, k, cur, e, source, true)
	if err != nil {
		return err
	}
	return en.effects(ctx, run, tx, k, res, true)
}

func (en *Engine) hold(ctx context.Context, tx *sql.Tx, env Envelope, e Event) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM matter_inbox WHERE event_id = $1`, e.ID).Scan(&n); err != nil || n > 0 {
		return err
	}
	parent := ""
	if e.Header != nil {
		parent = e.Header.ParentUID
	}
	sealed, err := en.vault.sealBody(e.ID, env.Body)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO matter_inbox (event_id, matter_uid, seq, parent_uid, sender, body, signature, key_fingerprint, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.ID, e.MatterUID, e.Seq, parent, string(env.Sender), sealed, env.Signature, env.KeyFingerprint, db.Now())
	if err != nil {
		return fmt.Errorf("hold event %s: %w", e.ID, err)
	}
	return nil
}

// drain applies held envelopes of a matter that are now next in line,
// then held creations of matters it opened.
func (en *Engine) drain(ctx context.Context, run *txRun, tx *sql.Tx, uid string) error {
	if err := en.drainOwn(ctx, run, tx, uid); err != nil {
		return err
	}
	for {
		var env Envelope
		var sender string
		err := tx.QueryRowContext(ctx, `SELECT event_id, sender, body, signature, key_fingerprint FROM matter_inbox
			WHERE parent_uid = $1 AND seq = 1 ORDER BY event_id LIMIT 1`, uid).Scan(&env.EventID, &sender, &env.Body, &env.Signature, &env.KeyFingerprint)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("drain held creations under %s: %w", uid, err)
		}
		if env.Body, err = en.vault.openBody(env.EventID, env.Body); err != nil {
			return fmt.Errorf("drain held event: %w", err)
		}
		e, err := DecodeCanonical(env.Body)
		if err != nil {
			return fmt.Errorf("drain held event %s: %w", env.EventID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM matter_inbox WHERE event_id = $1`, env.EventID); err != nil {
			return fmt.Errorf("drain held event %s: %w", env.EventID, err)
		}
		k, ok := KindByName(e.Kind)
		if !ok {
			return fmt.Errorf("drain held event %s: unknown kind %s", env.EventID, e.Kind)
		}
		if err := en.receive(ctx, run, tx, k, nil, e, "exchange:"+sender); err != nil {
			return err
		}
		if err := en.drain(ctx, run, tx, e.MatterUID); err != nil {
			return err
		}
	}
}

func (en *Engine) drainOwn(ctx context.Context, run *txRun, tx *sql.Tx, uid string) error {
	for {
		var (
			id  int64
			seq int64
		)
		if err := tx.QueryRowContext(ctx, `SELECT id, last_seq FROM matters WHERE uid = $1`, uid).Scan(&id, &seq); err != nil {
			return fmt.Errorf("drain held events of %s: %w", uid, err)
		}
		var env Envelope
		var sender string
		err := tx.QueryRowContext(ctx, `SELECT event_id, sender, body, signature, key_fingerprint FROM matter_inbox WHERE matter_uid = $1 AND seq = $2`,
			uid, seq+1).Scan(&env.EventID, &sender, &env.Body, &env.Signature, &env.KeyFingerprint)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("drain held events of %s: %w", uid, err)
		}
		env.Sender = Side(sender)
		if env.Body, err = en.vault.openBody(env.EventID, env.Body); err != nil {
			return fmt.Errorf("drain held event: %w", err)
		}
		e, err := DecodeCanonical(env.Body)
		if err != nil {
			return fmt.Errorf("drain held event %s: %w", env.EventID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM matter_inbox WHERE event_id = $1`, env.EventID); err != nil {
			return fmt.Errorf("drain held event %s: %w", env.EventID, err)
		}
		c, err := loadCurrent(ctx, txq{tx, en.stmts}, id)
		if err != nil {
			return err
		}
		k, ok := KindByName(e.Kind)
		if !ok {
			return fmt.Errorf("drain held event %s: unknown kind %s", env.EventID, e.Kind)
		}
		if err := en.receive(ctx, run, tx, k, &c, e, "exchange:"+sender); err != nil {
			return err
		}
	}
}

// Dispatcher sends the outbox through a transport, in outbox order, and
// records each receipt. It is safe to run one per node; two would send
// some envelopes twice, which receivers ignore.
type Dispatcher struct {
	en *Engine
	t  Transport
}

// NewDispatcher returns a dispatcher of en's outbox over t.
func NewDispatcher(en *Engine, t Transport) *Dispatcher { return &Dispatcher{en: en, t: t} }

// NewLoopback returns the dispatcher of --side all: envelopes go to en's
// own inbox.
func NewLoopback(en *Engine) *Dispatcher { return NewDispatcher(en, Loopback{Engine: en}) }

// Pending counts envelopes without a receipt.
func (d *Dispatcher) Pending(ctx context.Context) (int, error) {
	var n int
	err := d.en.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM matter_outbox WHERE delivered_at IS NULL`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count pending envelopes: %w", err)
	}
	return n, nil
}

// Flush sends every pending envelope and returns how many got a receipt.
// It stops at the first failure (recording it on the row) so that
// envelopes leave in order; the next Flush retries.
func (d *Dispatcher) Flush(ctx context.Context) (int, error) {
	sent := 0
	for {
		n, err := d.batch(ctx, 200)
		sent += n
		if err != nil || n == 0 {
			return sent, err
		}
	}
}

func (d *Dispatcher) batch(ctx context.Context, limit int) (int, error) {
	rows, err := d.en.db.Read().QueryContext(ctx, `SELECT id, event_id, sender, recipient, body, signature, key_fingerprint
		FROM matter_outbox WHERE delivered_at IS NULL ORDER BY id LIMIT `+strconv.Itoa(limit))
	if err != nil {
		return 0, fmt.Errorf("read outbox: %w", err)
	}
	type pending struct {
		id  int64
		env Envelope
	}
	var ps []pending
	for rows.Next() {
		var p pending
		var s, r string
		if err := rows.Scan(&p.id, &p.env.EventID, &s, &r, &p.env.Body, &p.env.Signature, &p.env.KeyFingerprint); err != nil {
			rows.Close()
			return 0, fmt.Errorf("read outbox: %w", err)
		}
		p.env.Sender, p.env.Recipient = Side(s), Side(r)
		if p.env.Body, err = d.en.vault.openBody(p.env.EventID, p.env.Body); err != nil {
			rows.Close()
			return 0, fmt.Errorf("read outbox: %w", err)
		}
		ps = append(ps, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read outbox: %w", err)
	}
	for i, p := range ps {
		r, err := d.t.Send(ctx, p.env)
		if err != nil {
			if _, uerr := d.en.db.Write().ExecContext(ctx, `UPDATE matter_outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2`,
				truncate(err.Error(), 1000), p.id); uerr != nil {
				err = errors.Join(err, uerr)
			}
			return i, fmt.Errorf("send event %s to %s: %w", p.env.EventID, p.env.Recipient, err)
		}
		if _, err := d.en.db.Write().ExecContext(ctx, `UPDATE matter_outbox SET attempts = attempts + 1, last_error = '',
			delivered_at = $1, receipt_status = $2, receipt_sig = $3 WHERE id = $4`, db.Time(r.At), r.Status, r.Signature, p.id); err != nil {
			return i, fmt.Errorf("record receipt of event %s: %w", p.env.EventID, err)
		}
	}
	return len(ps), nil
}

// Run flushes every interval until ctx ends, logging failures.
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := d.Flush(ctx); err != nil && ctx.Err() == nil {
			d.en.cfg.Logger.Warn("matter exchange: flush", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
