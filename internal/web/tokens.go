package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
)

type tokensData struct {
	Username string
	Tokens   []access.APIToken
	Issued   *access.IssuedToken // shown once, right after issuing
	Error    *apperr.Error
	Now      time.Time
}

func (s *Server) tokensView(r *http.Request, rq *request, username string) (tokensData, error) {
	ts, err := s.acc.ListTokens(r.Context(), *rq.User, username)
	return tokensData{Username: username, Tokens: ts, Now: time.Now()}, err
}

// tokensPage lists a system account's API tokens (sys_admin, token.manage):
// police systems call the screening API with them.
func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, err := s.tokensView(r, rq, r.PathValue("username"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "tokens.html", s.pageFor(r, rq, "API 令牌", d))
	return nil
}

// expiryFrom reads a validity in days (1–366), default 90.
func expiryFrom(s string) (time.Time, error) {
	days := 90
	if s = strings.TrimSpace(s); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 366 {
			return time.Time{}, apperr.Invalidf("days", "token.days", "有效期应为 1–366 天，而不是“%s”", s)
		}
		days = n
	}
	return time.Now().Add(time.Duration(days) * 24 * time.Hour), nil
}

func (s *Server) tokenIssue(w http.ResponseWriter, r *http.Request, rq *request) error {
	username := r.PathValue("username")
	exp, err := expiryFrom(r.PostFormValue("days"))
	var issued access.IssuedToken
	if err == nil {
		issued, err = s.acc.IssueToken(r.Context(), *rq.User, username, strings.TrimSpace(r.PostFormValue("label")), exp)
	}
	d, verr := s.tokensView(r, rq, username)
	if verr != nil {
		return verr
	}
	if err != nil {
		e, ok := formError(err)
		if !ok {
			return err
		}
		d.Error = e
		s.render(w, r, statusOf(err), "tokens.html", s.pageFor(r, rq, "API 令牌", d))
		return nil
	}
	d.Issued = &issued
	s.render(w, r, http.StatusOK, "tokens.html", s.pageFor(r, rq, "API 令牌", d))
	return nil
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.Invalidf("id", "token.id", "令牌编号应为整数")
	}
	if err := s.acc.RevokeToken(r.Context(), *rq.User, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users/"+r.PathValue("username")+"/tokens", http.StatusSeeOther)
	return nil
}

type tokenBody struct {
	Label string `json:"label"`
	Days  int    `json:"days"`
}

type tokenJSON struct {
	ID        int64     `json:"id"`
	Token     string    `json:"token"`
	Username  string    `json:"username"`
	Label     string    `json:"label"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (s *Server) apiTokenIssue(w http.ResponseWriter, r *http.Request, rq *request) error {
	var b tokenBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	days := ""
	if b.Days != 0 {
		days = strconv.Itoa(b.Days)
	}
	exp, err := expiryFrom(days)
	if err != nil {
		return err
	}
	t, err := s.acc.IssueToken(r.Context(), *rq.User, r.PathValue("username"), b.Label, exp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, tokenJSON{ID: t.ID, Token: t.Token, Username: t.Username, Label: t.Label, ExpiresAt: t.ExpiresAt})
	return nil
}
