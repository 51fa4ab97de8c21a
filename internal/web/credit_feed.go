package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/feed"
	"liandong/internal/signer"
)

// The dishonest-debtor list's change feed and webhook subscriptions
// (S-CREDIT-1; internal/feed, docs/credit.md "The change feed"). Police
// business systems read the feed with their API token and get full
// identity numbers; police leaders read it in a session with numbers
// masked. The security administrator manages the subscriptions. Every
// request is audited.

func errFeedOff() error {
	return apperr.New(apperr.Unavailable, "credit_feed.unavailable", "本节点未启用失信名单变更接口")
}

// authorizeFeed checks the principal's scope (the route only checked that
// one of its roles holds the action) and that the feed is on.
func (s *Server) authorizeFeed(r *http.Request, rq *request, a access.Action) error {
	if err := s.acc.Authorize(r.Context(), *rq.User, a, access.Target{}); err != nil {
		return err
	}
	if s.feed == nil {
		return errFeedOff()
	}
	return nil
}

// apiCreditChanges answers GET /api/v1/credit/changes?after=&limit=.
func (s *Server) apiCreditChanges(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.authorizeFeed(r, rq, access.ActionCreditFeed); err != nil {
		return err
	}
	after, limit, err := feedParams(r)
	full := rq.User.ViaToken // system accounts compare by number; people see it masked
	var page feed.Page
	if err == nil {
		page, err = s.feed.Page(r.Context(), after, limit, full)
	}
	outcome, detail := audit.OK, fmt.Sprintf("after=%d limit=%d full_numbers=%v", after, limit, full)
	if err != nil {
		outcome, detail = audit.Failed, fmt.Sprintf("query=%q full_numbers=%v error=%s", clipText(r.URL.RawQuery, 100), full, errorCodeOf(err))
	} else {
		detail += fmt.Sprintf(" changes=%d next=%d more=%v", len(page.Changes), page.Next, page.More)
	}
	if _, aerr := s.audit.Record(r.Context(), s.entry(r, rq, "credit.feed_read", "credit_changes", outcome, detail)); aerr != nil {
		return aerr
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// feedParams reads after (default 0) and limit (default feed.DefaultLimit).
func feedParams(r *http.Request) (uint64, int, error) {
	q := r.URL.Query()
	var after uint64
	if v := strings.TrimSpace(q.Get("after")); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, 0, apperr.Invalidf("after", feed.CodeBadCursor, "after 应为名单版本号（非负整数），如上一页返回的 next")
		}
		after = n
	}
	limit := 0
	if v := strings.TrimSpace(q.Get("limit")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, apperr.Invalidf("limit", feed.CodeBadLimit, "limit 应在 1 至 %d 之间", feed.MaxLimit)
		}
		limit = n
	}
	return after, limit, nil
}

func errorCodeOf(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Code
	}
	return "internal"
}

type webhookJSON struct {
	feed.Webhook
	PublicKeyFingerprint string `json:"public_key_fingerprint,omitempty"`
}

// apiWebhookCreate answers POST /api/v1/credit/webhooks {"url","label","after"}.
func (s *Server) apiWebhookCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.authorizeFeed(r, rq, access.ActionCreditWebhook); err != nil {
		return err
	}
	var b struct {
		URL   string `json:"url"`
		Label string `json:"label"`
		After uint64 `json:"after"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	hook, err := s.feed.Subscribe(r.Context(), *rq.User, b.URL, b.Label, b.After)
	if err != nil {
		return err
	}
	out := webhookJSON{Webhook: hook}
	if _, fp, err := s.feed.PublicKey(r.Context()); err == nil {
		out.PublicKeyFingerprint = fp
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// apiWebhooks answers GET /api/v1/credit/webhooks.
func (s *Server) apiWebhooks(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.authorizeFeed(r, rq, access.ActionCreditWebhook); err != nil {
		return err
	}
	hooks, err := s.feed.Webhooks(r.Context())
	if err != nil {
		return err
	}
	if _, err := s.audit.Record(r.Context(), s.entry(r, rq, "credit.webhook_list", "credit_webhooks", audit.OK, fmt.Sprintf("%d subscriptions", len(hooks)))); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": hooks})
	return nil
}

func webhookID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("webhook"), 10, 64)
	if err != nil || id < 1 {
		return 0, apperr.New(apperr.NotFound, feed.CodeNotFound, "没有这个推送订阅")
	}
	return id, nil
}

// apiWebhookDelete answers DELETE /api/v1/credit/webhooks/{id}.
func (s *Server) apiWebhookDelete(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.authorizeFeed(r, rq, access.ActionCreditWebhook); err != nil {
		return err
	}
	id, err := webhookID(r)
	if err != nil {
		return err
	}
	if err := s.feed.Unsubscribe(r.Context(), *rq.User, id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": id})
	return nil
}

// apiWebhookDeliveries answers GET /api/v1/credit/webhooks/{id}/deliveries:
// the delivery log, newest first.
func (s *Server) apiWebhookDeliveries(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.authorizeFeed(r, rq, access.ActionCreditWebhook); err != nil {
		return err
	}
	id, err := webhookID(r)
	if err != nil {
		return err
	}
	hook, err := s.feed.Webhook(r.Context(), id)
	if err != nil {
		return err
	}
	ds, err := s.feed.Deliveries(r.Context(), id, 100)
	if err != nil {
		return err
	}
	if _, err := s.audit.Record(r.Context(), s.entry(r, rq, "credit.webhook_deliveries", "credit_webhook:"+strconv.FormatInt(id, 10), audit.OK, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhook": hook, "deliveries": ds})
	return nil
}

// apiNodePublicKey answers GET /api/v1/node/public-key: the node's SM2
// public key, which verifies webhook bodies (and the audit log's signed
// heads). Public, like the units' keys.
func (s *Server) apiNodePublicKey(w http.ResponseWriter, r *http.Request, _ *request) error {
	if s.feed == nil {
		return errFeedOff()
	}
	pemText, fp, err := s.feed.PublicKey(r.Context())
	if errors.Is(err, signer.ErrNoKey) {
		return apperr.New(apperr.NotFound, "node.no_key", "本节点尚未生成签名密钥")
	}
	if err != nil {
		return err
	}
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeJSON(w, http.StatusOK, map[string]string{"public_key_pem": pemText, "fingerprint": fp})
		return nil
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Header().Set("X-Liandong-Key-Fingerprint", fp)
	_, err = w.Write([]byte(pemText))
	return err
}
