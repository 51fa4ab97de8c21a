package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/docs"
	"liandong/internal/ident"
)

type blobJSON struct {
	Digest    string `json:"sm3"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
}

// apiDocumentUpload stores a file (multipart field "file") for a case. The
// case number is the purpose of the upload (S-SEC-2). Until matters exist
// to name the other party, the uploader's own unit stands on both sides of
// the policy target: court users upload for their court's cases, police
// users for cases their unit handles.
func (s *Server) apiDocumentUpload(w http.ResponseWriter, r *http.Request, rq *request) error {
	caseNumber := strings.TrimSpace(r.FormValue("case_number"))
	if caseNumber != "" {
		cn, err := ident.ParseCaseNumber(caseNumber)
		if err != nil {
			return apperr.Invalidf("case_number", "doc.case_number", "案号有误：%s", identMessage(err))
		}
		caseNumber = cn.String()
	}
	if err := s.acc.Authorize(r.Context(), *rq.User, access.ActionDocUpload, access.Target{RequestingUnit: rq.User.UnitCode, AddressedUnit: rq.User.UnitCode, CaseNumber: caseNumber}); err != nil {
		return err
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		return apperr.Invalidf("file", "doc.file_missing", "请在表单字段 file 中上传文件")
	}
	defer f.Close()
	b, err := s.docs.Put(r.Context(), f, fh.Filename)
	if err != nil {
		return err
	}
	e := s.entry(r, rq, "document.upload", "blob:"+b.Digest, audit.OK, fmt.Sprintf("type=%s size=%d", b.MIME, b.Size))
	e.CaseNumber = caseNumber
	if _, err := s.audit.Record(r.Context(), e); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, blobJSON{Digest: b.Digest, MediaType: b.MIME, Size: b.Size})
	return nil
}

type issueBody struct {
	Digest     string `json:"sm3"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	CaseNumber string `json:"case_number"`
	Unit       string `json:"unit"`
}

type documentJSON struct {
	Code       string    `json:"code"`
	Digest     string    `json:"sm3"`
	Type       string    `json:"type"`
	Title      string    `json:"title"`
	CaseNumber string    `json:"case_number,omitempty"`
	Unit       string    `json:"unit"`
	UnitName   string    `json:"unit_name"`
	Issuer     string    `json:"issuer"`
	IssuedAt   time.Time `json:"issued_at"`
	VerifyURL  string    `json:"verify_url"`
}

// apiDocumentIssue signs a stored file in the name of a unit (S-DOC-1).
func (s *Server) apiDocumentIssue(w http.ResponseWriter, r *http.Request, rq *request) error {
	var b issueBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if b.Unit == "" {
		return apperr.Invalidf("unit", "doc.unit_missing", "请指定签发单位（unit）")
	}
	if err := s.acc.Authorize(r.Context(), *rq.User, access.ActionDocIssue, access.Target{RequestingUnit: b.Unit, AddressedUnit: b.Unit, CaseNumber: b.CaseNumber}); err != nil {
		return err
	}
	doc, err := s.docs.Issue(r.Context(), docs.IssueRequest{Digest: b.Digest, Type: b.Type, Title: b.Title, CaseNumber: b.CaseNumber,
		UnitCode: b.Unit, Username: rq.User.Username, Role: roleList(*rq.User), Source: clientIP(r)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, documentJSON{Code: doc.Code, Digest: doc.Digest, Type: doc.Type, Title: doc.Title, CaseNumber: doc.CaseNumber,
		Unit: doc.UnitCode, UnitName: doc.UnitName, Issuer: doc.Issuer, IssuedAt: doc.IssuedAt, VerifyURL: "/verify?code=" + doc.Code})
	return nil
}

// identMessage is the Chinese reason of an ident error.
func identMessage(err error) string {
	var e *ident.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
