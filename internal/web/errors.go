package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"liandong/internal/apperr"
)

var errInternal = &apperr.Error{Kind: apperr.Internal, Code: "internal", Message: "服务器内部错误，请稍后重试"}

func errTooLarge(limit int64) error {
	return &apperr.Error{Kind: apperr.Invalid, Code: "request.too_large", Message: fmt.Sprintf("请求内容过大，上限为 %s", humanBytes(limit))}
}

func errRateLimited(wait time.Duration) error {
	secs := int(wait.Seconds() + 0.999)
	return &apperr.Error{Kind: apperr.Unavailable, Code: "request.rate_limited", Message: fmt.Sprintf("操作过于频繁，请 %d 秒后重试", secs)}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

// statusOf maps an error kind to its HTTP status.
func statusOf(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	e, ok := apperr.As(err)
	if !ok {
		return http.StatusInternalServerError
	}
	switch e.Kind {
	case apperr.Invalid:
		switch e.Code {
		case "request.too_large":
			return http.StatusRequestEntityTooLarge
		case "method_not_allowed":
			return http.StatusMethodNotAllowed
		}
		return http.StatusBadRequest
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.Unauthorized:
		return http.StatusUnauthorized
	case apperr.Unavailable:
		if e.Code == "request.rate_limited" {
			return http.StatusTooManyRequests
		}
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// publicError is what users see of err: its own message when it is a
// user-facing error, a generic one (with the request id to quote) otherwise.
func publicError(r *http.Request, err error) *apperr.Error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge(mbe.Limit).(*apperr.Error)
	}
	if e, ok := apperr.As(err); ok && e.Kind != apperr.Internal {
		return e
	}
	return &apperr.Error{Kind: apperr.Internal, Code: "internal", Message: "服务器内部错误，请稍后重试（请求编号 " + RequestID(r.Context()) + "）"}
}

// isAPI reports whether the request wants JSON rather than a page.
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/")
}

// writeError answers with err: JSON {"error": {code, message, field}} on
// the API, an error page otherwise. Internal errors are logged with the
// request id and never shown.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	pe := publicError(r, err)
	if status >= 500 {
		s.log.Error("request failed", "id", RequestID(r.Context()), "path", r.URL.Path, "err", err)
	}
	if isAPI(r) {
		body := map[string]string{"code": pe.Code, "message": pe.Message}
		if pe.Field != "" {
			body["field"] = pe.Field
		}
		writeJSON(w, status, map[string]any{"error": body})
		return
	}
	s.renderStatus(w, r, status, pe)
}
