package web

import (
	"net/http"
	"strings"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/docs"
)

type verifyData struct {
	Code   string
	Result *docs.Verification
	Error  *apperr.Error
}

// publicLimit rate-limits the anonymous verification endpoints per address.
func (s *Server) publicLimit(r *http.Request) error {
	if ok, wait := s.publicRate.allow(clientIP(r)); !ok {
		return errRateLimited(wait)
	}
	return nil
}

// verifyPage answers GET /verify and GET /verify?code=…: anyone may check
// a document by the code printed on it (S-DOC-1).
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := verifyData{Code: strings.TrimSpace(r.URL.Query().Get("code"))}
	status := http.StatusOK
	if d.Code != "" {
		if err := s.publicLimit(r); err != nil {
			return err
		}
		v, err := s.docs.Verify(r.Context(), d.Code)
		if err != nil {
			e, ok := formError(err)
			if !ok {
				return err
			}
			d.Error, status = e, statusOf(err)
		} else {
			d.Result = &v
		}
	}
	s.render(w, r, status, "verify.html", s.pageFor(r, rq, "文书验证", d))
	return nil
}

// verifyUpload checks a file someone holds against the record.
func (s *Server) verifyUpload(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.publicLimit(r); err != nil {
		return err
	}
	d := verifyData{}
	status := http.StatusOK
	f, _, err := r.FormFile("file")
	if err == nil {
		defer f.Close()
		d.Code = strings.TrimSpace(r.FormValue("code"))
		var v docs.Verification
		v, err = s.docs.VerifyFile(r.Context(), d.Code, f)
		if err == nil {
			d.Result = &v
		}
	} else {
		err = apperr.Invalidf("file", "verify.file_missing", "请选择要核验的文件")
	}
	if err != nil {
		e, ok := formError(err)
		if !ok {
			return err
		}
		d.Error, status = e, statusOf(err)
	}
	s.render(w, r, status, "verify.html", s.pageFor(r, rq, "文书验证", d))
	return nil
}

type verificationJSON struct {
	Valid          bool       `json:"valid"`
	Status         string     `json:"status"`
	StatusLabel    string     `json:"status_label"`
	Summary        string     `json:"summary"`
	Code           string     `json:"code"`
	Digest         string     `json:"sm3"`
	MIME           string     `json:"media_type"`
	Size           int64      `json:"size"`
	Type           string     `json:"type"`
	Title          string     `json:"title"`
	CaseNumber     string     `json:"case_number,omitempty"`
	Unit           string     `json:"unit"`
	UnitName       string     `json:"unit_name"`
	IssuedAt       time.Time  `json:"issued_at"`
	KeyFingerprint string     `json:"key_fingerprint"`
	Problem        string     `json:"problem,omitempty"`
	SupersededAt   *time.Time `json:"superseded_at,omitempty"`
	ReplacedBy     string     `json:"replaced_by,omitempty"`
}

func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.publicLimit(r); err != nil {
		return err
	}
	v, err := s.docs.Verify(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	j := verificationJSON{Valid: v.Genuine(), Status: string(v.Status), StatusLabel: v.Status.Label(), Summary: v.Summary(),
		Code: v.Code, Digest: v.Digest, MIME: v.MIME, Size: v.Size, Type: v.Type, Title: v.Title, CaseNumber: v.CaseNumber,
		Unit: v.UnitCode, UnitName: v.UnitName, IssuedAt: v.IssuedAt, KeyFingerprint: v.KeyFingerprint, Problem: v.Problem}
	if v.Superseded != nil {
		at := v.Superseded.At
		j.SupersededAt, j.ReplacedBy = &at, v.Superseded.ReplacementCode
	}
	writeJSON(w, http.StatusOK, j)
	return nil
}

// The statement and signature are served byte for byte so that a verifier
// can run openssl on them (docs/documents.md).
func (s *Server) apiVerifyStatement(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.serveVerifyPart(w, r, "statement.txt", "text/plain; charset=utf-8", func(v docs.Verification) []byte { return v.Statement })
}

func (s *Server) apiVerifySignature(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.serveVerifyPart(w, r, "statement.sig", "application/octet-stream", func(v docs.Verification) []byte { return v.Signature })
}

func (s *Server) serveVerifyPart(w http.ResponseWriter, r *http.Request, name, mime string, part func(docs.Verification) []byte) error {
	if err := s.publicLimit(r); err != nil {
		return err
	}
	v, err := s.docs.Verify(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err = w.Write(part(v))
	return err
}

func (s *Server) apiUnitPublicKey(w http.ResponseWriter, r *http.Request, rq *request) error {
	pemText, fp, err := s.docs.PublicKeyPEM(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Header().Set("Content-Disposition", `attachment; filename="`+r.PathValue("code")+`.pem"`)
	w.Header().Set("X-Key-Fingerprint", fp)
	_, err = w.Write([]byte(pemText))
	return err
}
