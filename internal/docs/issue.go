package docs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/ident"
	"liandong/internal/signer"
)

// IssueRequest asks a unit to issue a stored file as a document.
type IssueRequest struct {
	Digest string // SM3 of a file stored with Put
	Type   string // a name from DocTypes: 协助执行通知书, 裁定书, …
	// Title is shown to anyone who verifies the document, so it names the
	// kind of paper, never a person: Chinese text without digits or Latin
	// letters (so no ID numbers, plates or phone numbers), at most 40
	// characters. Empty means the same as Type.
	Title      string
	CaseNumber string // optional; any accepted spelling, stored canonical
	UnitCode   string // the issuing unit, whose key signs (the court, not its bureau)
	Username   string // the issuing officer: a user of the unit or of a unit under it
	Role       string // the role acted under, for the audit entry
	Source     string // the client address, for the audit entry
}

// maxTitle is the longest title, in characters.
const maxTitle = 40

// issueAttempts bounds the draws of a fresh verification code.
const issueAttempts = 3

// Issue signs a statement that binds the file's digest to the document type,
// title, case number, issuing unit, issuer, time and verification code,
// and records the document with its audit entry in one transaction. A file
// is issued at most once.
func (s *Store) Issue(ctx context.Context, req IssueRequest) (Document, error) {
	dt, ok := LookupDocType(req.Type)
	if !ok {
		return Document{}, apperr.Invalidf("type", "doc.type_unknown", "文书类别“%s”不在可签发的类别中（如协助执行通知书、裁定书、拘留决定书、公函）", req.Type)
	}
	title, err := checkTitle(req.Title, dt.Name)
	if err != nil {
		return Document{}, err
	}
	caseNumber, err := canonicalCaseNumber(req.CaseNumber)
	if err != nil {
		return Document{}, err
	}
	unit, user, err := s.issuer(ctx, req.UnitCode, req.Username)
	if err != nil {
		return Document{}, err
	}
	if dt.Side != "" && dt.Side != unit.Side {
		return Document{}, apperr.Invalidf("type", "doc.type_side", "%s由%s签发，%s不能签发", dt.Name, sideName(dt.Side), unit.Name)
	}
	blob, err := s.Stat(ctx, req.Digest)
	if err != nil {
		return Document{}, err
	}
	key, err := s.keys.Ensure(ctx, signer.UnitOwner(unit.Code))
	if err != nil {
		return Document{}, fmt.Errorf("issue document: %w", err)
	}
	for attempt := 1; ; attempt++ {
		doc, err := s.issueOnce(ctx, key, Document{Digest: blob.Digest, MIME: blob.MIME, Size: blob.Size, Type: dt.Name, Title: title,
			CaseNumber: caseNumber, UnitCode: unit.Code, UnitName: unit.Name, Issuer: user.Username, KeyFingerprint: key.Fingerprint}, req, user)
		// A unique violation is a verification code drawn twice, or the same
		// file issued concurrently, which the next attempt reports.
		if err != nil && db.IsUniqueViolation(err) && attempt < issueAttempts {
			continue
		}
		return doc, err
	}
}

func (s *Store) issueOnce(ctx context.Context, key *signer.Key, doc Document, req IssueRequest, user directory.User) (Document, error) {
	code, err := newCode()
	if err != nil {
		return Document{}, err
	}
	doc.Code = FormatCode(code)
	doc.IssuedAt = db.Now()
	st := Statement{Code: doc.Code, Digest: doc.Digest, Size: doc.Size, MIME: doc.MIME, Type: doc.Type, Title: doc.Title, CaseNumber: doc.CaseNumber,
		UnitCode: doc.UnitCode, UnitName: doc.UnitName, Issuer: doc.Issuer, IssuedAt: doc.IssuedAt, KeyFingerprint: doc.KeyFingerprint}
	if doc.Statement, err = st.Encode(); err != nil {
		return Document{}, fmt.Errorf("issue document: %w", err)
	}
	if doc.Signature, err = key.Sign(doc.Statement); err != nil {
		return Document{}, fmt.Errorf("issue document: %w", err)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var existing string
		err := tx.QueryRowContext(ctx, `SELECT code FROM documents WHERE digest = $1`, doc.Digest).Scan(&existing)
		switch {
		case err == nil:
			return &apperr.Error{Kind: apperr.Conflict, Code: "doc.already_issued", Field: "digest",
				Message: fmt.Sprintf("该文件已签发为文书，校验码 %s；同一文件只能签发一次", FormatCode(existing))}
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("issue document: look for %s: %w", doc.Digest, err)
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO documents (code, digest, doc_type, title, case_number, unit_code, unit_name, issuer, issued_at, key_fingerprint, statement, signature)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			code, doc.Digest, doc.Type, doc.Title, doc.CaseNumber, doc.UnitCode, doc.UnitName, doc.Issuer, doc.IssuedAt, doc.KeyFingerprint,
			doc.Statement, doc.Signature).Scan(&doc.ID)
		if err != nil {
			return fmt.Errorf("issue document %s: %w", doc.Code, err)
		}
		return s.audit(ctx, tx, audit.Entry{Username: user.Username, UnitCode: user.UnitCode, Role: req.Role, Source: req.Source,
			Action: "document.issue", Object: "document:" + doc.Code, CaseNumber: doc.CaseNumber, Outcome: audit.OK,
			Detail: fmt.Sprintf("%s，签发单位 %s，SM3 %s", doc.Type, doc.UnitCode, doc.Digest)})
	})
	if err != nil {
		return Document{}, err
	}
	return doc, nil
}

// issuer checks that username may act in the name of unitCode: an active
// user whose unit is unitCode or lies under it within the same organ. An
// officer of a court's enforcement bureau issues in the court's name, a
// traffic police officer in the city bureau's, but nobody climbs past their
// own court or bureau: a basic court's officer cannot seal for the
// intermediate court. Which roles may issue is the permission policy's
// business (internal/access).
func (s *Store) issuer(ctx context.Context, unitCode, username string) (directory.Unit, directory.User, error) {
	unit, err := s.dir.Unit(ctx, unitCode)
	if err != nil {
		return directory.Unit{}, directory.User{}, err
	}
	if !unit.Active {
		return directory.Unit{}, directory.User{}, apperr.Invalidf("unit", "doc.unit_inactive", "单位“%s”已停用，不能签发文书", unit.Name)
	}
	user, err := s.dir.UserByUsername(ctx, username)
	if err != nil {
		return directory.Unit{}, directory.User{}, err
	}
	if !user.Active {
		return directory.Unit{}, directory.User{}, &apperr.Error{Kind: apperr.Forbidden, Code: "doc.issuer_inactive", Message: fmt.Sprintf("用户“%s”已停用", user.Username)}
	}
	ok, err := s.mayActFor(ctx, user.UnitCode, unit.Code)
	if err != nil {
		return directory.Unit{}, directory.User{}, fmt.Errorf("check issuer %s: %w", user.Username, err)
	}
	if !ok {
		return directory.Unit{}, directory.User{}, &apperr.Error{Kind: apperr.Forbidden, Code: "doc.issuer_unit", Field: "unit",
			Message: fmt.Sprintf("用户“%s”不属于%s，不能以该单位名义签发或更正文书", user.Username, unit.Name)}
	}
	return unit, user, nil
}

// organs are the unit types that hold their own seal: courts and bureaus.
var organs = []directory.UnitType{directory.IntermediateCourt, directory.BasicCourt, directory.CityBureau, directory.CountyBureau}

// mayActFor walks up from the user's unit to the first organ and reports
// whether target is on the way.
func (s *Store) mayActFor(ctx context.Context, userUnit, target string) (bool, error) {
	code := userUnit
	for depth := 0; code != "" && depth < 16; depth++ {
		if code == target {
			return true, nil
		}
		u, err := s.dir.Unit(ctx, code)
		if err != nil {
			return false, err
		}
		if slices.Contains(organs, u.Type) {
			return false, nil
		}
		code = u.ParentCode
	}
	return false, nil
}

// checkTitle returns the title to sign: Type when empty, otherwise a
// type-level title that is safe to show to anyone (see IssueRequest.Title).
func checkTitle(title, docType string) (string, error) {
	title = strings.TrimSpace(title)
	if title == "" {
		return docType, nil
	}
	if n := utf8.RuneCountInString(title); n > maxTitle {
		return "", apperr.Invalidf("title", "doc.title_too_long", "标题过长：最多 %d 个字，实际 %d 个字", maxTitle, n)
	}
	for _, r := range title {
		switch {
		case unsafeRune(r):
			return "", apperr.Invalidf("title", "doc.title_char", "标题含有控制字符或不可见字符")
		case unicode.IsDigit(r), unicode.Is(unicode.Latin, r):
			return "", apperr.Invalidf("title", "doc.title_personal",
				"标题不能含数字或字母：标题会公开显示在验证页上，只写文书类别（如“协助执行通知书”），不写姓名、身份证号、车牌号或电话；案号请填在案号栏")
		}
	}
	return title, nil
}

// canonicalCaseNumber validates a case number and returns its canonical
// form, or "" for none.
func canonicalCaseNumber(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	cn, err := ident.ParseCaseNumber(s)
	if err != nil {
		var ie *ident.Error
		if errors.As(err, &ie) {
			return "", &apperr.Error{Kind: apperr.Invalid, Code: ie.Code, Field: "case_number", Message: ie.Error(), Err: err}
		}
		return "", apperr.Invalidf("case_number", "doc.case_number", "案号无效：%v", err)
	}
	return cn.String(), nil
}

func sideName(side string) string {
	if side == "police" {
		return "公安机关"
	}
	return "人民法院"
}
