package feed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
)

// Webhook is a subscription to the change feed.
type Webhook struct {
	ID               int64      `json:"id"`
	URL              string     `json:"url"`
	Label            string     `json:"label"`
	CreatedAt        time.Time  `json:"created_at"`
	CreatedBy        string     `json:"created_by"`
	DeliveredVersion uint64     `json:"delivered_version"` // the last version the subscriber acknowledged
	Failures         int        `json:"failures"`          // consecutive failed attempts
	NextAttemptAt    *time.Time `json:"next_attempt_at,omitempty"`
	LastError        string     `json:"last_error,omitempty"`
	LastDeliveredAt  *time.Time `json:"last_delivered_at,omitempty"`
}

// Delivery is one attempt to post a batch, from the delivery log.
type Delivery struct {
	ID           int64     `json:"id"`
	FirstVersion uint64    `json:"first_version"`
	LastVersion  uint64    `json:"last_version"`
	Changes      int       `json:"changes"`
	Attempt      int       `json:"attempt"`
	At           time.Time `json:"at"`
	Status       int       `json:"status"` // HTTP status, 0 when no answer came
	Outcome      string    `json:"outcome"`
	Error        string    `json:"error,omitempty"`
	BodySM3      string    `json:"body_sm3"`
	ElapsedMS    int64     `json:"elapsed_ms"`
}

// CheckURL accepts an https address, or http on a loopback host (a relay
// on this machine, tests): the body carries full identity numbers, so it
// must not cross a network in clear (S-SEC-3). Credentials in the address
// are refused (lists show it).
func CheckURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	bad := func(format string, args ...any) error {
		return apperr.Invalidf("url", CodeBadURL, format, args...)
	}
	if raw == "" || len(raw) > 2000 {
		return "", bad("请填写推送地址（不超过 2000 个字符）")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", bad("推送地址“%s”不是有效的网址", clip(raw, 80))
	}
	if u.User != nil {
		return "", bad("推送地址中不得包含用户名或密码")
	}
	if u.Fragment != "" {
		return "", bad("推送地址中不得包含 # 片段")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !loopback(u.Hostname()) {
			return "", bad("推送内容含完整证件号码，须使用 https 地址（http 仅限本机地址）")
		}
	default:
		return "", bad("推送地址须以 https:// 开头")
	}
	return u.String(), nil
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func checkLabel(label string) (string, error) {
	label = strings.TrimSpace(label)
	if label == "" || utf8.RuneCountInString(label) > 100 || !utf8.ValidString(label) {
		return "", apperr.Invalidf("label", CodeBadLabel, "请填写订阅名称（接收系统及其单位，不超过 100 个字符）")
	}
	return label, nil
}

// Subscribe registers a webhook: changes after version after are posted to
// rawURL (after 0: the whole history, so the subscriber builds its copy
// from nothing). The act is audited (credit.webhook_create).
func (f *Feed) Subscribe(ctx context.Context, actor access.Principal, rawURL, label string, after uint64) (Webhook, error) {
	u, err := CheckURL(rawURL)
	if err != nil {
		return Webhook{}, err
	}
	if label, err = checkLabel(label); err != nil {
		return Webhook{}, err
	}
	current, err := f.list.Version(ctx)
	if err != nil {
		return Webhook{}, err
	}
	if after > current {
		return Webhook{}, apperr.Invalidf("after", CodeCursorAhead, "起始版本 %d 超过名单当前版本 %d", after, current)
	}
	now := db.Time(f.cfg.Now())
	w := Webhook{URL: u, Label: label, CreatedAt: now, CreatedBy: actor.Username, DeliveredVersion: after}
	err = f.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO credit_webhooks (url, label, created_at, created_by, delivered_version)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, u, label, now, actor.Username, int64(after)).Scan(&w.ID); err != nil {
			return fmt.Errorf("insert webhook: %w", err)
		}
		_, err := f.auditor.Append(ctx, tx, actorAudit(actor, "credit.webhook_create", hookObject(w.ID),
			fmt.Sprintf("url=%s label=%s after=%d", clip(u, 300), clip(label, 100), after)))
		return err
	})
	if err != nil {
		return Webhook{}, err
	}
	f.Poke()
	return w, nil
}

// Unsubscribe removes a subscription; deliveries stop (one in flight may
// still arrive). The act is audited (credit.webhook_delete).
func (f *Feed) Unsubscribe(ctx context.Context, actor access.Principal, id int64) error {
	now := db.Time(f.cfg.Now())
	return f.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE credit_webhooks SET deleted_at = $1, deleted_by = $2 WHERE id = $3 AND deleted_at IS NULL`, now, actor.Username, id)
		if err != nil {
			return fmt.Errorf("delete webhook %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("delete webhook %d: %w", id, err)
		} else if n == 0 {
			return notFound(id)
		}
		_, err = f.auditor.Append(ctx, tx, actorAudit(actor, "credit.webhook_delete", hookObject(id), ""))
		return err
	})
}

func notFound(id int64) error {
	return apperr.New(apperr.NotFound, CodeNotFound, fmt.Sprintf("没有编号为 %d 的推送订阅（或已删除）", id))
}

const hookColumns = `id, url, label, created_at, created_by, delivered_version, failures, next_attempt_at, last_error, last_delivered_at`

func scanHook(row interface{ Scan(...any) error }) (Webhook, error) {
	var (
		w          Webhook
		v          int64
		next, last sql.NullTime
	)
	if err := row.Scan(&w.ID, &w.URL, &w.Label, &w.CreatedAt, &w.CreatedBy, &v, &w.Failures, &next, &w.LastError, &last); err != nil {
		return Webhook{}, err
	}
	w.DeliveredVersion, w.CreatedAt = uint64(v), db.Time(w.CreatedAt)
	if next.Valid {
		t := db.Time(next.Time)
		w.NextAttemptAt = &t
	}
	if last.Valid {
		t := db.Time(last.Time)
		w.LastDeliveredAt = &t
	}
	return w, nil
}

// Webhooks lists the active subscriptions.
func (f *Feed) Webhooks(ctx context.Context) ([]Webhook, error) {
	rows, err := f.db.Read().QueryContext(ctx, `SELECT `+hookColumns+` FROM credit_webhooks WHERE deleted_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	defer rows.Close()
	out := []Webhook{}
	for rows.Next() {
		w, err := scanHook(rows)
		if err != nil {
			return nil, fmt.Errorf("list webhooks: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Webhook returns one active subscription.
func (f *Feed) Webhook(ctx context.Context, id int64) (Webhook, error) {
	w, err := scanHook(f.db.Read().QueryRowContext(ctx, `SELECT `+hookColumns+` FROM credit_webhooks WHERE id = $1 AND deleted_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Webhook{}, notFound(id)
	}
	if err != nil {
		return Webhook{}, fmt.Errorf("read webhook %d: %w", id, err)
	}
	return w, nil
}

// Deliveries returns the latest limit attempts to deliver to subscription
// id (removed ones too), newest first.
func (f *Feed) Deliveries(ctx context.Context, id int64, limit int) ([]Delivery, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := f.db.Read().QueryContext(ctx, `SELECT id, first_version, last_version, changes, attempt, at, status, outcome, error, body_sm3, elapsed_ms
		FROM credit_webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT `+strconv.Itoa(limit), id)
	if err != nil {
		return nil, fmt.Errorf("read deliveries of webhook %d: %w", id, err)
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		var (
			d           Delivery
			first, last int64
		)
		if err := rows.Scan(&d.ID, &first, &last, &d.Changes, &d.Attempt, &d.At, &d.Status, &d.Outcome, &d.Error, &d.BodySM3, &d.ElapsedMS); err != nil {
			return nil, fmt.Errorf("read deliveries of webhook %d: %w", id, err)
		}
		d.FirstVersion, d.LastVersion, d.At = uint64(first), uint64(last), db.Time(d.At)
		out = append(out, d)
	}
	return out, rows.Err()
}

func hookObject(id int64) string { return "credit_webhook:" + strconv.FormatInt(id, 10) }

func actorAudit(pr access.Principal, action, object, detail string) audit.Entry {
	roles := make([]string, len(pr.Roles))
	for i, r := range pr.Roles {
		roles[i] = string(r)
	}
	return audit.Entry{Username: pr.Username, UnitCode: pr.UnitCode, Role: strings.Join(roles, ","), Source: pr.Source,
		Action: action, Object: object, Outcome: audit.OK, Detail: detail}
}

func clip(s string, n int) string {
	i := 0
	for p := range s {
		if i == n {
			return s[:p] + "…"
		}
		i++
	}
	return s
}
