package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
)

type loginData struct {
	Username string
	Next     string
	Error    *apperr.Error
	AskTOTP  bool
}

// safeNext keeps post-login redirects on this site: a path that parses
// with no scheme and no host, without backslashes or control characters
// (browsers drop tabs and newlines, so "/\t/evil.example" would become
// "//evil.example").
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.User != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "login.html", page{Title: "登录", Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}})
	return nil
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := loginData{Username: strings.TrimSpace(r.PostFormValue("username")), Next: safeNext(r.PostFormValue("next"))}
	if ok, wait := s.loginRate.allow(clientIP(r)); !ok {
		s.auditRefusal(r, "session.login", "user:"+d.Username, "rate_limited")
		e, _ := apperr.As(errRateLimited(wait))
		d.Error = e
		s.render(w, r, http.StatusTooManyRequests, "login.html", page{Title: "登录", Data: d})
		return nil
	}
	sess, err := s.acc.Login(r.Context(), access.LoginRequest{
		Username: d.Username, Password: r.PostFormValue("password"), TOTP: strings.TrimSpace(r.PostFormValue("totp")),
		Source: clientIP(r), UserAgent: r.UserAgent(),
	})
	if err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Kind == apperr.Internal {
			return err
		}
		d.Error = e
		d.AskTOTP = e.Code == "auth.totp_required" || e.Code == "auth.totp_invalid"
		s.render(w, r, statusOf(err), "login.html", page{Title: "登录", Data: d})
		return nil
	}
	s.setSessionCookie(w, r, sess)
	next := d.Next
	switch {
	case sess.Principal.MustChangePassword:
		next = "/account/password"
	case sess.Principal.NeedsTOTPSetup:
		next = "/account/totp"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logoutSubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.acc.Logout(r.Context(), *rq.User); err != nil {
		return err
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

type loginBody struct {
	Username string `json:"username"`
	Password string `json:"password"`
	TOTP     string `json:"totp"`
}

type sessionBody struct {
	Token     string    `json:"token"`
	CSRFToken string    `json:"csrf_token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      meBody    `json:"user"`
}

type meBody struct {
	Username           string   `json:"username"`
	DisplayName        string   `json:"display_name"`
	Unit               string   `json:"unit"`
	UnitName           string   `json:"unit_name"`
	Side               string   `json:"side"`
	Roles              []string `json:"roles"`
	MustChangePassword bool     `json:"must_change_password"`
	NeedsTOTPSetup     bool     `json:"needs_totp_setup"`
}

func (s *Server) me(r *http.Request, pr access.Principal) meBody {
	m := meBody{Username: pr.Username, DisplayName: pr.DisplayName, Unit: pr.UnitCode, Side: pr.Side,
		MustChangePassword: pr.MustChangePassword, NeedsTOTPSetup: pr.NeedsTOTPSetup, Roles: []string{}}
	if u, err := s.dir.Unit(r.Context(), pr.UnitCode); err == nil {
		m.UnitName = u.Name
	}
	for _, role := range pr.Roles {
		m.Roles = append(m.Roles, string(role))
	}
	return m
}

// decodeJSON reads one JSON object into v, and says in Chinese what is
// wrong with a bad body: syntax (with the byte offset), a field of the
// wrong type, an unknown field, or trailing data.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		mbe    *http.MaxBytesError
	)
	switch {
	case err == nil:
		if dec.More() {
			return apperr.Invalidf("", "request.json", "请求体只能包含一个 JSON 对象")
		}
		return nil
	case errors.As(err, &mbe):
		return err
	case errors.Is(err, io.EOF):
		return apperr.Invalidf("", "request.json", "请求体为空，应为一个 JSON 对象")
	case errors.As(err, &syntax):
		return apperr.Invalidf("", "request.json", "请求体不是有效的 JSON：第 %d 字节附近有语法错误", syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return apperr.Invalidf("", "request.json", "请求体应为一个 JSON 对象")
		}
		return apperr.Invalidf(typ.Field, "request.json", "字段 %s 的类型不对：应为 %s", typ.Field, jsonTypeName(typ.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Invalidf(f, "request.json", "不认识的字段 %s", f)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.Invalidf("", "request.json", "请求体不完整：JSON 在结束前中断")
	}
	return apperr.Invalidf("", "request.json", "请求体不是有效的 JSON")
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "字符串"
	case "bool":
		return "true 或 false"
	case "slice", "array":
		return "数组"
	case "struct", "map":
		return "对象"
	case "int", "int64", "int32", "float64", "uint", "uint64":
		return "数字"
	}
	return kind
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request, rq *request) error {
	if ok, wait := s.loginRate.allow(clientIP(r)); !ok {
		s.auditRefusal(r, "session.login", "", "rate_limited")
		return errRateLimited(wait)
	}
	var b loginBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	sess, err := s.acc.Login(r.Context(), access.LoginRequest{Username: b.Username, Password: b.Password, TOTP: b.TOTP, Source: clientIP(r), UserAgent: r.UserAgent()})
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, sess)
	writeJSON(w, http.StatusCreated, sessionBody{Token: sess.Token, CSRFToken: sess.CSRFToken, ExpiresAt: sess.ExpiresAt, User: s.me(r, sess.Principal)})
	return nil
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.acc.Logout(r.Context(), *rq.User); err != nil {
		return err
	}
	s.clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, rq *request) error {
	writeJSON(w, http.StatusOK, s.me(r, *rq.User))
	return nil
}

// auditRefusal records a request refused before it reached the domain
// (rate limit, CSRF, cross-origin): every attempt is audited (S-SEC-1).
// A failure to write is logged; it must not turn a refusal into a 500.
func (s *Server) auditRefusal(r *http.Request, action, object, reason string) {
	e := audit.Entry{Source: clientIP(r), Action: action, Object: object, Outcome: audit.Denied, Detail: reason}
	if _, err := s.audit.Record(r.Context(), e); err != nil {
		s.log.Error("audit refusal", "id", RequestID(r.Context()), "err", err)
	}
}
