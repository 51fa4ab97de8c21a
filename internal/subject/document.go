package subject

import (
	"fmt"
	"strings"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/ident"
)

// NewDocument is an identity document as a user or a connector gives it.
type NewDocument struct {
	Kind   ident.Kind // resident_id, passport, hk_mo_permit, tw_permit, foreign_pr_card; credit_code for organisations
	Number string     // as typed: full-width characters, spaces and 15-digit resident IDs are accepted
	// ValidUntil is the expiry date "YYYY-MM-DD" when known (passports,
	// permits); optional.
	ValidUntil string
	// Source says where the document came from ("执行立案材料",
	// "population"); empty means the acting user stated it.
	Source string
}

// personKinds are the documents that identify a person (S-LOC-1: every
// valid identity document). Residence permits for HK/MO/TW residents and the
// 2023 foreign PR ID share the resident_id kind; ident tells them apart by
// category.
var personKinds = map[ident.Kind]bool{
	ident.KindResidentID: true, // 居民身份证, 港澳台居民居住证, 外国人永久居留身份证 (2023)
	ident.KindPassport:   true, // 护照
	ident.KindHKMOPermit: true, // 港澳居民来往内地通行证（回乡证）
	ident.KindTWPermit:   true, // 台湾居民来往大陆通行证（台胞证）
	ident.KindForeignPR:  true, // 外国人永久居留证（旧版）
}

// normDoc is a validated document in canonical form.
type normDoc struct {
	kind       ident.Kind
	number     string // ident's normalized form
	category   string
	birthDate  string // from the number (resident IDs)
	sex        string
	validUntil string
	source     string
}

// normalizeDocument validates d with ident. field names the input for the
// error message ("documents[1]").
func normalizeDocument(d NewDocument, field string, today time.Time) (normDoc, error) {
	if !d.Kind.Valid() {
		return normDoc{}, apperr.Invalidf(field, "subject.document_kind", "不支持的证件类型“%s”", d.Kind)
	}
	res, err := ident.CheckAt(d.Kind, d.Number, today)
	if err != nil {
		// ident's message is Chinese and says exactly what is wrong.
		return normDoc{}, &apperr.Error{Kind: apperr.Invalid, Code: "subject.document_invalid", Field: field, Message: err.Error(), Err: err}
	}
	n := normDoc{kind: d.Kind, number: res.Normalized, source: strings.TrimSpace(d.Source)}
	if d.Kind == ident.KindResidentID {
		id, err := ident.ParseResidentIDAt(d.Number, today)
		if err != nil { // CheckAt accepted it; this cannot differ
			return normDoc{}, fmt.Errorf("re-parse resident ID: %w", err)
		}
		n.category = string(id.Category)
		n.birthDate = id.BirthDate.Format(time.DateOnly)
		n.sex = string(id.Sex)
	}
	if v := strings.TrimSpace(d.ValidUntil); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return normDoc{}, apperr.Invalidf(field, "subject.valid_until", "证件有效期“%s”不是有效日期（应为 YYYY-MM-DD）", v)
		}
		n.validUntil = t.Format(time.DateOnly)
	}
	return n, nil
}

// normalizeDocuments validates ds for a subject of kind k and drops
// duplicates (the same number typed twice, or in 15- and 18-digit forms).
func normalizeDocuments(k Kind, ds []NewDocument, today time.Time) ([]normDoc, error) {
	var out []normDoc
	seen := map[string]bool{}
	for i, d := range ds {
		field := fmt.Sprintf("documents[%d]", i)
		switch {
		case k == Person && !personKinds[d.Kind]:
			return nil, apperr.Invalidf(field, "subject.document_kind", "自然人的证件不能是%s", d.Kind.Label())
		case k == Organisation && d.Kind != ident.KindCreditCode:
			return nil, apperr.Invalidf(field, "subject.document_kind", "单位只能以统一社会信用代码登记，不能是%s", d.Kind.Label())
		}
		n, err := normalizeDocument(d, field, today)
		if err != nil {
			return nil, err
		}
		key := string(n.kind) + "|" + n.number
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, n)
	}
	return out, nil
}
