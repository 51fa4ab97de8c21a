package feed

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/signer"
)

// Headers of a webhook post. The signature is the node key's SM2
// signature (GB/T 32918, SM3, user id 1234567812345678, DER) over the
// exact body bytes, in standard base64.
const (
	HeaderSignature   = "X-Liandong-Signature"
	HeaderFingerprint = "X-Liandong-Key-Fingerprint"
	HeaderVersion     = "X-Liandong-Version" // the last list version in the body
	HeaderWebhook     = "X-Liandong-Webhook" // the subscription's id
)

// Batch is the body of a webhook post: a page of the feed with full
// identity numbers, and the subscription it is for.
type Batch struct {
	Webhook int64    `json:"webhook"`
	Changes []Change `json:"changes"`
	Next    uint64   `json:"next"`
	More    bool     `json:"more"`
}

// PublicKey returns the node's public key (PEM) and its fingerprint: what
// a subscriber verifies webhook bodies with.
func (f *Feed) PublicKey(ctx context.Context) (pemText, fingerprint string, err error) {
	return f.keys.PublicPEM(ctx, signer.NodeOwner)
}

// Poke wakes the delivery loop (after a list change); it never blocks.
func (f *Feed) Poke() {
	select {
	case f.poke <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends: a round at once, then after every Poke and
// every Config.Poll. Several servers may run it: a lease per subscription
// keeps its batches in order.
func (f *Feed) Run(ctx context.Context) error {
	t := time.NewTicker(f.cfg.Poll)
	defer t.Stop()
	for {
		if err := f.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			f.cfg.Logger.Warn("credit feed: delivery round", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		case <-f.poke:
		}
	}
}

// DeliverDue makes one round: each active subscription that is behind the
// list and not waiting out a backoff gets batches until it has caught up
// or an attempt fails. Subscriptions are served in parallel, each by one
// server at a time.
func (f *Feed) DeliverDue(ctx context.Context) error {
	current, err := f.list.Version(ctx)
	if err != nil {
		return err
	}
	now := db.Time(f.cfg.Now())
	rows, err := f.db.Read().QueryContext(ctx, `SELECT id, url FROM credit_webhooks
		WHERE deleted_at IS NULL AND delivered_version < $1 AND (next_attempt_at IS NULL OR next_attempt_at <= $2) ORDER BY id`, int64(current), now)
	if err != nil {
		return fmt.Errorf("due webhooks: %w", err)
	}
	type due struct {
		id  int64
		url string
	}
	var hooks []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.url); err != nil {
			rows.Close()
			return fmt.Errorf("due webhooks: %w", err)
		}
		hooks = append(hooks, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("due webhooks: %w", err)
	}
	if len(hooks) == 0 {
		return nil
	}
	key, err := f.keys.Get(ctx, signer.NodeOwner)
	if err != nil {
		return fmt.Errorf("node key for webhooks: %w", err)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, h := range hooks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.serve(ctx, key, h.id, h.url); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("webhook %d: %w", h.id, err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// serve holds the lease on one subscription and posts batches until it
// has caught up, an attempt fails, or the lease is lost.
func (f *Feed) serve(ctx context.Context, key *signer.Key, id int64, url string) error {
	ok, err := f.claim(ctx, id)
	if err != nil || !ok {
		return err
	}
	defer f.release(id)
	for ctx.Err() == nil {
		var delivered int64
		var failures int
		err := f.db.Read().QueryRowContext(ctx, `SELECT delivered_version, failures FROM credit_webhooks WHERE id = $1 AND deleted_at IS NULL AND lease_owner = $2`,
			id, f.cfg.Owner).Scan(&delivered, &failures)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // removed, or the lease went to another server
		}
		if err != nil {
			return fmt.Errorf("read webhook state: %w", err)
		}
		changes, err := f.changes(ctx, uint64(delivered), f.cfg.Batch, true)
		if err != nil || len(changes) == 0 {
			return err
		}
		current, err := f.list.Version(ctx)
		if err != nil {
			return err
		}
		b := Batch{Webhook: id, Changes: changes, Next: changes[len(changes)-1].Version}
		b.More = b.Next < current
		done, err := f.post(ctx, key, url, b, failures+1)
		if err != nil || !done {
			return err
		}
	}
	return nil
}

// claim takes the lease on subscription id unless another server holds it.
func (f *Feed) claim(ctx context.Context, id int64) (bool, error) {
	now := db.Time(f.cfg.Now())
	res, err := f.db.Write().ExecContext(ctx, `UPDATE credit_webhooks SET lease_owner = $1, lease_until = $2
		WHERE id = $3 AND deleted_at IS NULL AND (lease_until IS NULL OR lease_until < $4 OR lease_owner = $1)`,
		f.cfg.Owner, now.Add(f.cfg.Lease), id, now)
	if err != nil {
		return false, fmt.Errorf("claim webhook %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (f *Feed) release(id int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := f.db.Write().ExecContext(ctx, `UPDATE credit_webhooks SET lease_owner = '', lease_until = NULL WHERE id = $1 AND lease_owner = $2`, id, f.cfg.Owner); err != nil {
		f.cfg.Logger.Warn("credit feed: release webhook lease", "webhook", id, "err", err)
	}
}

// backoff is the wait after the n-th consecutive failure.
func (f *Feed) backoff(n int) time.Duration {
	d := f.cfg.BackoffBase
	for i := 1; i < n && d < f.cfg.BackoffMax; i++ {
		d *= 2
	}
	return min(d, f.cfg.BackoffMax)
}

// post sends one batch and records the attempt; it reports whether the
// subscriber acknowledged it (a 2xx answer).
func (f *Feed) post(ctx context.Context, key *signer.Key, url string, b Batch, attempt int) (bool, error) {
	body, err := json.Marshal(b)
	if err != nil {
		return false, fmt.Errorf("encode batch: %w", err)
	}
	sig, err := key.Sign(body)
	if err != nil {
		return false, err
	}
	sum := sm3.Sum(body)
	bodySM3 := hex.EncodeToString(sum[:])
	first, last := b.Changes[0].Version, b.Next

	start := time.Now()
	status, postErr := f.send(ctx, url, body, sig, key.Fingerprint, b)
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		return false, nil // shutting down: the batch is sent again next time
	}
	now := db.Time(f.cfg.Now())
	outcome, msg := "delivered", ""
	if postErr != nil {
		outcome, msg = "failed", clip(postErr.Error(), 500)
	}
	err = f.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO credit_webhook_deliveries (webhook_id, first_version, last_version, changes, attempt, at, status, outcome, error, body_sm3, elapsed_ms)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			b.Webhook, int64(first), int64(last), len(b.Changes), attempt, now, status, outcome, msg, bodySM3, elapsed.Milliseconds()); err != nil {
			return fmt.Errorf("log delivery: %w", err)
		}
		if postErr != nil {
			n := attempt
			_, err := tx.ExecContext(ctx, `UPDATE credit_webhooks SET failures = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4 AND lease_owner = $5`,
				n, now.Add(f.backoff(n)), msg, b.Webhook, f.cfg.Owner)
			if err != nil {
				return fmt.Errorf("record failed delivery: %w", err)
			}
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE credit_webhooks SET delivered_version = $1, failures = 0, next_attempt_at = NULL, last_error = '',
			last_delivered_at = $2, lease_until = $3 WHERE id = $4 AND lease_owner = $5`,
			int64(last), now, now.Add(f.cfg.Lease), b.Webhook, f.cfg.Owner); err != nil {
			return fmt.Errorf("record delivery: %w", err)
		}
		// Personal data left the platform: audited like any access (S-SEC-1).
		_, err := f.auditor.Append(ctx, tx, audit.Entry{Username: "system", Role: "system", Source: "system", Action: "credit.webhook_deliver",
			Object: hookObject(b.Webhook), Outcome: audit.OK,
			Detail: fmt.Sprintf("versions %d–%d, %d changes, HTTP %d, body sm3 %s", first, last, len(b.Changes), status, bodySM3)})
		return err
	})
	if err != nil {
		return false, err
	}
	if postErr != nil {
		f.cfg.Logger.Warn("credit feed: delivery failed", "webhook", b.Webhook, "versions", fmt.Sprintf("%d-%d", first, last),
			"attempt", attempt, "retry_in", f.backoff(attempt).String(), "err", postErr)
		return false, nil
	}
	return true, nil
}

// send posts body and returns the HTTP status and, unless it is 2xx, why
// the delivery failed.
func (f *Feed) send(ctx context.Context, url string, body, sig []byte, fingerprint string, b Batch) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "liandong-credit-feed/1")
	req.Header.Set(HeaderSignature, base64.StdEncoding.EncodeToString(sig))
	req.Header.Set(HeaderFingerprint, fingerprint)
	req.Header.Set(HeaderVersion, strconv.FormatUint(b.Next, 10))
	req.Header.Set(HeaderWebhook, strconv.FormatInt(b.Webhook, 10))
	res, err := f.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	if res.StatusCode/100 != 2 {
		return res.StatusCode, fmt.Errorf("HTTP %d: %s", res.StatusCode, clip(string(bytes.TrimSpace(answer)), 200))
	}
	return res.StatusCode, nil
}
