package web

import (
	"encoding/base64"
	"net/http"
	"strings"

	"liandong/internal/access"
	"liandong/internal/apperr"
)

type formData struct {
	Error  *apperr.Error
	Values map[string]string
}

func formError(err error) (*apperr.Error, bool) {
	e, ok := apperr.As(err)
	if !ok || e.Kind == apperr.Internal {
		return nil, false
	}
	return e, true
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	s.render(w, r, http.StatusOK, "password.html", s.pageFor(r, rq, "修改密码", formData{}))
	return nil
}

func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	old, new1, new2 := r.PostFormValue("old"), r.PostFormValue("new"), r.PostFormValue("confirm")
	var err error
	if new1 != new2 {
		err = apperr.Invalidf("confirm", "password.mismatch", "两次输入的新密码不一致")
	} else {
		err = s.acc.ChangePassword(r.Context(), *rq.User, old, new1)
	}
	if err != nil {
		e, ok := formError(err)
		if !ok {
			return err
		}
		s.render(w, r, statusOf(err), "password.html", s.pageFor(r, rq, "修改密码", formData{Error: e}))
		return nil
	}
	// Changing the password ends the other sessions; this one stays.
	next := "/?done=password"
	if rq.User.NeedsTOTPSetup {
		next = "/account/totp"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

type totpData struct {
	Status        access.TOTPStatus
	Enrolling     bool
	Secret        string
	URL           string
	QR            string // data: URL of the PNG
	RecoveryCodes []string
	Error         *apperr.Error
	Required      bool
}

func (s *Server) totpView(r *http.Request, rq *request) (totpData, error) {
	st, err := s.acc.TOTPStatus(r.Context(), *rq.User)
	return totpData{Status: st, Required: rq.User.IsAdmin()}, err
}

func (s *Server) totpPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, err := s.totpView(r, rq)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "totp.html", s.pageFor(r, rq, "动态口令", d))
	return nil
}

// totpBegin shows the secret and QR code; the secret is kept sealed on the
// server until confirmed with a code from the authenticator app.
func (s *Server) totpBegin(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, err := s.totpView(r, rq)
	if err != nil {
		return err
	}
	en, err := s.acc.BeginTOTP(r.Context(), *rq.User)
	if err != nil {
		if e, ok := formError(err); ok {
			d.Error = e
			s.render(w, r, statusOf(err), "totp.html", s.pageFor(r, rq, "动态口令", d))
			return nil
		}
		return err
	}
	d.Enrolling, d.Secret, d.URL = true, en.Secret, en.URL
	if len(en.QRPNG) > 0 {
		d.QR = "data:image/png;base64," + base64.StdEncoding.EncodeToString(en.QRPNG)
	}
	s.render(w, r, http.StatusOK, "totp.html", s.pageFor(r, rq, "动态口令", d))
	return nil
}

func (s *Server) totpConfirm(w http.ResponseWriter, r *http.Request, rq *request) error {
	codes, err := s.acc.ConfirmTOTP(r.Context(), *rq.User, strings.TrimSpace(r.PostFormValue("code")))
	d, verr := s.totpView(r, rq)
	if verr != nil {
		return verr
	}
	if err != nil {
		e, ok := formError(err)
		if !ok {
			return err
		}
		d.Error = e
		s.render(w, r, statusOf(err), "totp.html", s.pageFor(r, rq, "动态口令", d))
		return nil
	}
	d.RecoveryCodes = codes
	s.render(w, r, http.StatusOK, "totp.html", s.pageFor(r, rq, "动态口令", d))
	return nil
}

func (s *Server) totpDisable(w http.ResponseWriter, r *http.Request, rq *request) error {
	err := s.acc.DisableTOTP(r.Context(), *rq.User, strings.TrimSpace(r.PostFormValue("code")))
	if err != nil {
		e, ok := formError(err)
		if !ok {
			return err
		}
		d, verr := s.totpView(r, rq)
		if verr != nil {
			return verr
		}
		d.Error = e
		s.render(w, r, statusOf(err), "totp.html", s.pageFor(r, rq, "动态口令", d))
		return nil
	}
	http.Redirect(w, r, "/account/totp?done=totp_off", http.StatusSeeOther)
	return nil
}
