package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
)

// sessionCookie carries the session token for pages.
const sessionCookie = "ld_session"

// request is what the auth wrapper found out about a request.
type request struct {
	// User is the signed-in principal, nil on public routes without a
	// session.
	User *access.Principal
	// viaCookie: the credentials came in the cookie, so unsafe methods
	// need the CSRF token.
	viaCookie bool
}

// credentials returns the bearer token or the session cookie.
func credentials(r *http.Request) (token string, viaCookie bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t), false
		}
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value, true
	}
	return "", false
}

func isUnsafe(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// wrap authenticates, enforces CSRF and the forced password change or TOTP
// enrolment, checks that the policy grants the route's action to one of
// the user's roles (denials are audited), and runs the handler. Checks that
// depend on the object (which unit, which case) are the handler's.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := &request{}
		token, viaCookie := credentials(r)
		if token != "" {
			pr, err := s.acc.Authenticate(r.Context(), token, clientIP(r))
			if err == nil {
				rq.User, rq.viaCookie = &pr, viaCookie
				r = r.WithContext(audit.WithActor(r.Context(), audit.Actor{Username: pr.Username, UnitCode: pr.UnitCode, Role: roleList(pr), Source: clientIP(r)}))
			} else if rt.Action != Public {
				if viaCookie {
					s.clearSessionCookie(w, r)
				}
				s.unauthorized(w, r, err)
				return
			}
		}
		if rt.Action != Public {
			if err := s.gate(r, rt, rq); err != nil {
				var redirect *redirectError
				if errors.As(err, &redirect) {
					http.Redirect(w, r, redirect.to, http.StatusSeeOther)
					return
				}
				if apperr.KindOf(err) == apperr.Unauthorized {
					s.unauthorized(w, r, err)
					return
				}
				s.writeError(w, r, err)
				return
			}
		} else if isUnsafe(r.Method) && !rt.API && !sameOrigin(r) {
			// Public forms (login, verify) come only from our own pages.
			s.auditRefusal(r, "request.cross_origin", r.Method+" "+r.URL.Path, "origin="+r.Header.Get("Origin"))
			s.writeError(w, r, apperr.New(apperr.Forbidden, "request.cross_origin", "请求来源不是本平台页面，已拒绝"))
			return
		}
		if err := rt.Handle(w, r, rq); err != nil {
			s.writeError(w, r, err)
		}
	})
}

type redirectError struct{ to string }

func (e *redirectError) Error() string { return "redirect to " + e.to }

// gate runs the checks every non-public route shares.
func (s *Server) gate(r *http.Request, rt route, rq *request) error {
	pr := rq.User
	if pr == nil {
		return apperr.New(apperr.Unauthorized, "auth.required", "请先登录")
	}
	if isUnsafe(r.Method) && rq.viaCookie {
		tok := r.Header.Get("X-CSRF-Token")
		if tok == "" {
			tok = r.PostFormValue("csrf")
		}
		if !pr.CheckCSRF(tok) {
			e := s.entry(r, rq, "request.csrf", r.Method+" "+r.URL.Path, audit.Denied, "csrf token missing or wrong")
			if _, err := s.audit.Record(r.Context(), e); err != nil {
				s.log.Error("audit csrf refusal", "err", err)
			}
			return apperr.New(apperr.Forbidden, "request.csrf", "页面已过期或请求来源不明，请刷新页面后重试")
		}
	}
	if pr.Restricted() && !rt.API {
		// Only the pages that lift the restriction, and logout.
		switch {
		case pr.MustChangePassword && !strings.HasPrefix(r.URL.Path, "/account/password") && r.URL.Path != "/logout":
			return &redirectError{"/account/password"}
		case !pr.MustChangePassword && pr.NeedsTOTPSetup && !strings.HasPrefix(r.URL.Path, "/account/totp") && r.URL.Path != "/logout":
			return &redirectError{"/account/totp"}
		}
	}
	if rt.Action == access.ActionSelf {
		return s.acc.Authorize(r.Context(), *pr, rt.Action, access.Target{})
	}
	if !roleGranted(*pr, rt.Action) {
		// Authorize refuses (no rule grants it) and audits the denial.
		return s.acc.Authorize(r.Context(), *pr, rt.Action, access.Target{})
	}
	if pr.Restricted() {
		return s.acc.Authorize(r.Context(), *pr, rt.Action, access.Target{})
	}
	return nil
}

// roleGranted reports whether any rule grants one of pr's roles the action,
// whatever its scope; the handler then checks the scope on the object.
func roleGranted(pr access.Principal, a access.Action) bool {
	for _, rule := range access.Rules() {
		if rule.Action == a && pr.Has(rule.Role) {
			return true
		}
	}
	return false
}

// unauthorized answers a request without a valid login: 401 with JSON on
// the API, a redirect to the login page (back here afterwards) otherwise.
func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request, err error) {
	if isAPI(r) || r.Method != http.MethodGet {
		if apperr.KindOf(err) != apperr.Unauthorized {
			err = apperr.New(apperr.Unauthorized, "auth.required", "请先登录")
		}
		s.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
}

// sameOrigin accepts a form post whose Origin (or, lacking it, Referer) is
// this host; browsers send Origin on every cross-site POST.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = r.Header.Get("Referer")
	}
	if origin == "" {
		return true // non-browser clients; the SameSite cookie still guards sessions
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// secure says whether cookies get the Secure flag: always under TLS, and
// behind a TLS-terminating proxy when the operator says so (--secure-cookies).
func (s *Server) secure(r *http.Request) bool { return r.TLS != nil || s.cfg.SecureCookies }

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, sess access.Session) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
}

func roleList(pr access.Principal) string {
	parts := make([]string, len(pr.Roles))
	for i, r := range pr.Roles {
		parts[i] = string(r)
	}
	return strings.Join(parts, ",")
}
