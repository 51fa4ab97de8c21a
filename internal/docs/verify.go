package docs

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"liandong/internal/apperr"
	"liandong/internal/signer"
)

// Status is where a document stands.
type Status string

const (
	StatusCurrent   Status = "current"
	StatusCorrected Status = "corrected"
	StatusRevoked   Status = "revoked"
)

// Label is the status in Chinese: 有效, 已被更正, 已撤销.
func (s Status) Label() string {
	switch s {
	case StatusCurrent:
		return "有效"
	case StatusCorrected:
		return "已被更正"
	case StatusRevoked:
		return "已撤销"
	}
	return string(s)
}

// Verification is the answer anyone gets, without an account, for a
// verification code, a digest or a file. It holds only what the document
// itself shows to whoever holds it and nothing about the people it
// concerns: the document type and a type-level title (checked at issue:
// no digits or Latin letters, so no ID numbers, plates or phone numbers),
// the case number (public in court practice), the issuing unit, the time,
// the file's digest, size and type, the key fingerprint and the outcome.
// The issuing officer's account name appears only inside Statement, which a
// verifier needs to check the signature independently; the reason for a
// correction or revocation is not shown at all.
type Verification struct {
	Code           string
	Digest         string
	MIME           string
	Size           int64
	Type           string
	Title          string
	CaseNumber     string
	UnitCode       string
	UnitName       string
	IssuedAt       time.Time
	KeyFingerprint string

	// SignatureValid is true when the statement is canonical, agrees with
	// the record, and carries a valid SM2 signature by the issuing unit's key.
	SignatureValid bool
	// Problem says in Chinese why SignatureValid is false; "" otherwise.
	Problem string

	Status     Status
	Superseded *PublicSupersession // nil while current

	// Statement and Signature (DER) are what `openssl pkeyutl -verify`
	// checks with the unit's PEM key (docs/documents.md).
	Statement []byte
	Signature []byte

	// File is set by VerifyFile: what the uploaded file hashed to.
	File *FileCheck
}

// PublicSupersession is what a verifier learns about a correction or
// revocation: what happened, when, and the correcting document's code.
type PublicSupersession struct {
	Kind            SupersessionKind
	At              time.Time
	ReplacementCode string // "" when revoked
	// SignatureValid is true when the supersession record carries a valid
	// signature by the unit's key.
	SignatureValid bool
}

// FileCheck compares an uploaded file with the record.
type FileCheck struct {
	Digest  string // SM3 of the uploaded bytes
	Size    int64
	Matches bool // Digest equals the document's digest
}

// Genuine reports whether the signature is valid and, when a file was
// checked, the file is the one issued. A genuine document may still be
// corrected or revoked: see Status.
func (v Verification) Genuine() bool {
	return v.SignatureValid && (v.File == nil || v.File.Matches)
}

// Summary is one sentence for the verification page.
func (v Verification) Summary() string {
	at := func(t time.Time) string { return t.In(beijing).Format("2006年01月02日 15:04") }
	switch {
	case !v.SignatureValid:
		return "验证未通过：" + v.Problem
	case v.File != nil && !v.File.Matches:
		return "验证未通过：您提供的文件与该文书登记的内容不一致（SM3 摘要不同），文件可能被改动，或并非该文书"
	case v.Status == StatusCorrected:
		return fmt.Sprintf("签名有效，但该文书已于 %s 被更正，请以校验码为 %s 的更正文书为准", at(v.Superseded.At), v.Superseded.ReplacementCode)
	case v.Status == StatusRevoked:
		return fmt.Sprintf("签名有效，但该文书已于 %s 撤销，不再具有效力", at(v.Superseded.At))
	}
	s := fmt.Sprintf("验证通过：该文书由%s于 %s 签发，签名有效，现行有效", v.UnitName, at(v.IssuedAt))
	if v.File != nil {
		s += "；您提供的文件与登记内容一致"
	}
	return s
}

// Verify answers for a verification code or an SM3 digest.
func (s *Store) Verify(ctx context.Context, codeOrDigest string) (Verification, error) {
	doc, err := s.Lookup(ctx, codeOrDigest)
	if err != nil {
		return Verification{}, err
	}
	return s.verify(ctx, doc)
}

// VerifyFile hashes the file a person holds and checks it against the
// document with the given code, or, when code is empty, finds the document
// issued for exactly these bytes. The file is streamed, not stored.
func (s *Store) VerifyFile(ctx context.Context, code string, r io.Reader) (Verification, error) {
	h := sm3.New()
	n, err := io.Copy(h, io.LimitReader(r, s.maxSize+1))
	if err != nil {
		return Verification{}, fmt.Errorf("verify file: read: %w", err)
	}
	if n > s.maxSize {
		return Verification{}, s.tooLarge()
	}
	if n == 0 {
		return Verification{}, apperr.Invalidf("file", "doc.empty", "文件为空")
	}
	digest := hex.EncodeToString(h.Sum(nil))
	var doc Document
	if strings.TrimSpace(code) == "" {
		doc, err = readDocument(ctx, s.db.Read(), "d.digest = $1", digest)
		if apperr.IsNotFound(err) {
			return Verification{}, &apperr.Error{Kind: apperr.NotFound, Code: "doc.not_found", Field: "file",
				Message: "未找到与该文件对应的文书：该文件不是本平台签发的文书，或其内容已被改动（SM3 摘要 " + digest + "）"}
		}
	} else {
		doc, err = s.ByCode(ctx, code)
	}
	if err != nil {
		return Verification{}, err
	}
	v, err := s.verify(ctx, doc)
	if err != nil {
		return Verification{}, err
	}
	v.File = &FileCheck{Digest: digest, Size: n, Matches: digest == doc.Digest}
	return v, nil
}

// verify builds the public answer for doc, checking its signature and
// that of its supersession record from scratch every time.
func (s *Store) verify(ctx context.Context, doc Document) (Verification, error) {
	v := Verification{Code: doc.Code, Digest: doc.Digest, MIME: doc.MIME, Size: doc.Size, Type: doc.Type, Title: doc.Title,
		CaseNumber: doc.CaseNumber, UnitCode: doc.UnitCode, UnitName: doc.UnitName, IssuedAt: doc.IssuedAt, KeyFingerprint: doc.KeyFingerprint,
		Status: StatusCurrent, Statement: doc.Statement, Signature: doc.Signature}
	problem, err := s.checkDocument(ctx, doc)
	if err != nil {
		return Verification{}, err
	}
	v.SignatureValid, v.Problem = problem == "", problem
	if sup := doc.Superseded; sup != nil {
		v.Status = StatusRevoked
		if sup.Kind == Corrected {
			v.Status = StatusCorrected
		}
		problem, err := s.checkSupersession(ctx, doc)
		if err != nil {
			return Verification{}, err
		}
		v.Superseded = &PublicSupersession{Kind: sup.Kind, At: sup.At, ReplacementCode: sup.ReplacementCode, SignatureValid: problem == ""}
	}
	return v, nil
}

// checkDocument returns "" when the document's statement is canonical,
// matches the record and is signed by its unit's key, or else why not.
func (s *Store) checkDocument(ctx context.Context, doc Document) (string, error) {
	st, err := ParseStatement(doc.Statement)
	if err != nil {
		return "签名声明格式无效，记录可能被篡改", nil
	}
	if st.Code != doc.Code || st.Digest != doc.Digest || st.Size != doc.Size || st.MIME != doc.MIME || st.Type != doc.Type ||
		st.Title != doc.Title || st.CaseNumber != doc.CaseNumber || st.UnitCode != doc.UnitCode || st.UnitName != doc.UnitName ||
		st.Issuer != doc.Issuer || !st.IssuedAt.Equal(doc.IssuedAt) || st.KeyFingerprint != doc.KeyFingerprint {
		return "平台记录与签名声明不一致，记录可能被篡改", nil
	}
	return s.checkSignature(ctx, doc.UnitCode, st.KeyFingerprint, doc.Statement, doc.Signature)
}

// checkSupersession does the same for the document's supersession record.
func (s *Store) checkSupersession(ctx context.Context, doc Document) (string, error) {
	sup := doc.Superseded
	st, err := ParseSupersessionStatement(sup.Statement)
	if err != nil {
		return "更正记录的签名声明格式无效", nil
	}
	if st.Code != doc.Code || st.Digest != doc.Digest || st.Action != sup.Kind || st.ReplacementCode != sup.ReplacementCode ||
		st.ReplacementDigest != sup.ReplacementDigest || st.Reason != sup.Reason || st.UnitCode != doc.UnitCode ||
		st.By != sup.Username || !st.At.Equal(sup.At) || st.KeyFingerprint != sup.KeyFingerprint {
		return "更正记录与其签名声明不一致", nil
	}
	return s.checkSignature(ctx, doc.UnitCode, st.KeyFingerprint, sup.Statement, sup.Signature)
}

// checkSignature verifies sig over msg with the unit's public key, read as
// any outside verifier would read the exported PEM.
func (s *Store) checkSignature(ctx context.Context, unitCode, fingerprint string, msg, sig []byte) (string, error) {
	pemText, fp, err := s.keys.PublicPEM(ctx, signer.UnitOwner(unitCode))
	if errors.Is(err, signer.ErrNoKey) {
		return "签发单位没有签章密钥", nil
	}
	if err != nil {
		return "", fmt.Errorf("verify document of %s: %w", unitCode, err)
	}
	if fp != fingerprint {
		return "签名所用的密钥不是签发单位的密钥", nil
	}
	ok, err := signer.VerifyPEM(pemText, msg, sig)
	if err != nil {
		return "", fmt.Errorf("verify document of %s: %w", unitCode, err)
	}
	if !ok {
		return "签名无效：签名与签名声明不符，记录可能被篡改", nil
	}
	return "", nil
}
