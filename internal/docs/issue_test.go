package docs_test

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/docs"
)

var codePattern = regexp.MustCompile(`^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$`)

func TestIssueSignsAStatement(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, docs.Options{})
		data := docs.SamplePDF("issue", 0)
		b := f.put(t, data, "通知书.pdf")
		doc, err := f.store.Issue(ctx, docs.IssueRequest{Digest: b.Digest, Type: "协助执行通知书", Title: "协助执行通知书（查封车辆）",
			CaseNumber: " (2021)豫16执123 ", UnitCode: "fy411600", Username: "ZHANGFY", Role: "court_officer", Source: "10.0.0.8"})
		if err != nil {
			t.Fatal(err)
		}
		if !codePattern.MatchString(doc.Code) || doc.ID == 0 {
			t.Errorf("code %q, id %d", doc.Code, doc.ID)
		}
		if doc.CaseNumber != "（2021）豫16执123号" || doc.UnitName != "周口市中级人民法院" || doc.Issuer != courtUser ||
			doc.Title != "协助执行通知书（查封车辆）" || doc.Digest != b.Digest || doc.MIME != "application/pdf" || doc.Size != int64(len(data)) {
			t.Errorf("issued %+v", doc)
		}
		st, err := docs.ParseStatement(doc.Statement)
		if err != nil {
			t.Fatal(err)
		}
		if st.Code != doc.Code || st.Digest != docs.Digest(data) || st.Issuer != courtUser || !st.IssuedAt.Equal(doc.IssuedAt) || st.UnitCode != "fy411600" {
			t.Errorf("statement %+v does not describe %+v", st, doc)
		}
		pemText, fp, err := f.store.PublicKeyPEM(ctx, "fy411600")
		if err != nil || fp != doc.KeyFingerprint || st.KeyFingerprint != fp {
			t.Fatalf("PublicKeyPEM: %q, %v (document key %s)", fp, err, doc.KeyFingerprint)
		}
		if ok, err := signerVerify(pemText, doc.Statement, doc.Signature); !ok || err != nil {
			t.Errorf("signature does not verify with the exported key: %v", err)
		}
		stored, err := f.store.Document(ctx, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Code != doc.Code || !bytes.Equal(stored.Statement, doc.Statement) || !stored.IssuedAt.Equal(doc.IssuedAt) || !stored.Current() {
			t.Errorf("stored %+v, issued %+v", stored, doc)
		}
		if got := f.auditActions(t, "document:"+doc.Code); !slices.Equal(got, []string{"document.issue"}) {
			t.Errorf("audit actions %v", got)
		}
		list, err := f.store.Documents(ctx, docs.Filter{UnitCode: "fy411600", CaseNumber: "（2021）豫16执123号"})
		if err != nil || len(list) != 1 || list[0].ID != doc.ID {
			t.Errorf("Documents = %d documents, %v", len(list), err)
		}
		if list, err := f.store.Documents(ctx, docs.Filter{UnitCode: "fy411602"}); err != nil || len(list) != 0 {
			t.Errorf("Documents of another unit = %d, %v", len(list), err)
		}
	})
}

func TestIssueRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, docs.Options{})
		b := f.put(t, docs.SamplePDF("rules", 0), "a.pdf")
		ok := docs.IssueRequest{Digest: b.Digest, Type: "协助执行通知书", UnitCode: "fy411600", Username: courtUser}
		with := func(change func(r *docs.IssueRequest)) docs.IssueRequest {
			r := ok
			change(&r)
			return r
		}
		for _, tt := range []struct {
			name string
			req  docs.IssueRequest
			kind apperr.Kind
			code string
		}{
			{"unknown type", with(func(r *docs.IssueRequest) { r.Type = "判决书草稿" }), apperr.Invalid, "doc.type_unknown"},
			{"title with an ID number", with(func(r *docs.IssueRequest) { r.Title = "协助执行通知书（11010519491231002X）" }), apperr.Invalid, "doc.title_personal"},
			{"title with a plate", with(func(r *docs.IssueRequest) { r.Title = "查封豫Ｐ１２３４５" }), apperr.Invalid, "doc.title_personal"},
			{"title too long", with(func(r *docs.IssueRequest) { r.Title = strings.Repeat("通知", 21) }), apperr.Invalid, "doc.title_too_long"},
			{"title with a line break", with(func(r *docs.IssueRequest) { r.Title = "通知\n书" }), apperr.Invalid, "doc.title_char"},
			{"bad case number", with(func(r *docs.IssueRequest) { r.CaseNumber = "2021豫16执123号" }), apperr.Invalid, "case_number.format"},
			{"unknown unit", with(func(r *docs.IssueRequest) { r.UnitCode = "fy999999" }), apperr.NotFound, "unit.not_found"},
			{"unknown user", with(func(r *docs.IssueRequest) { r.Username = "nobody" }), apperr.NotFound, "user.not_found"},
			{"user of another court", with(func(r *docs.IssueRequest) { r.Username = otherCourt }), apperr.Forbidden, "doc.issuer_unit"},
			{"bureau cannot sign for the court above", with(func(r *docs.IssueRequest) { r.UnitCode = "fy411600-zxj"; r.Username = otherCourt }), apperr.Forbidden, "doc.issuer_unit"},
			{"vehicle office cannot sign for a county bureau", with(func(r *docs.IssueRequest) { r.Type = "回执"; r.UnitCode = "ga411602"; r.Username = vehicleAdm }), apperr.Forbidden, "doc.issuer_unit"},
			{"police issuing a court paper", with(func(r *docs.IssueRequest) { r.UnitCode = "ga411600"; r.Username = policeUser }), apperr.Invalid, "doc.type_side"},
			{"file never stored", with(func(r *docs.IssueRequest) { r.Digest = docs.Digest([]byte("x")) }), apperr.NotFound, "doc.blob_not_found"},
			{"not a digest", with(func(r *docs.IssueRequest) { r.Digest = "abc" }), apperr.Invalid, "doc.digest_format"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.store.Issue(ctx, tt.req)
				wantCode(t, err, tt.kind, tt.code)
			})
		}
		if n := f.count(t, "documents"); n != 0 {
			t.Fatalf("%d documents after refused requests", n)
		}

		// The audit entry and the document commit together.
		f.auditor.fail = errAuditDown
		if _, err := f.store.Issue(ctx, ok); err == nil {
			t.Fatal("Issue succeeded while the audit log failed")
		}
		f.auditor.fail = nil
		if n := f.count(t, "documents"); n != 0 {
			t.Fatalf("%d documents after a failed audit", n)
		}
		withoutAudit := docs.NewStore(d, f.keys, f.dir, nil, docs.Options{})
		if _, err := withoutAudit.Issue(ctx, ok); err == nil {
			t.Fatal("a store without an auditor issued a document")
		}

		// A police unit issues its own papers; a title defaults to the type.
		pb := f.put(t, docs.SamplePNG(9), "回执.png")
		receipt, err := f.store.Issue(ctx, docs.IssueRequest{Digest: pb.Digest, Type: "受案回执", UnitCode: "ga411600", Username: policeUser})
		if err != nil || receipt.Title != "受案回执" || receipt.CaseNumber != "" {
			t.Fatalf("police receipt: %+v, %v", receipt, err)
		}

		// Up to their own bureau, officers of sub-units sign in its name.
		for _, unit := range []string{"ga411600-jj-cgs", "ga411600"} {
			pb := f.put(t, docs.SamplePNG(byte(len(unit))), "回执.png")
			if _, err := f.store.Issue(ctx, docs.IssueRequest{Digest: pb.Digest, Type: "回执", UnitCode: unit, Username: vehicleAdm}); err != nil {
				t.Errorf("vehicle office officer issuing for %s: %v", unit, err)
			}
		}

		// A file is issued once.
		first, err := f.store.Issue(ctx, ok)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.store.Issue(ctx, with(func(r *docs.IssueRequest) { r.Type = "裁定书" }))
		if e := wantCode(t, err, apperr.Conflict, "doc.already_issued"); !strings.Contains(e.Message, first.Code) {
			t.Errorf("message %q does not name the existing code %s", e.Message, first.Code)
		}
	})
}

func TestEnsureUnitKeys(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, docs.Options{})
		_, _, err := f.store.PublicKeyPEM(ctx, "fy411600")
		wantCode(t, err, apperr.NotFound, "doc.key_not_found")
		if err := f.store.EnsureUnitKeys(ctx, []string{"fy411600", "ga411600"}); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "signing_keys"); n != 2 {
			t.Errorf("%d keys after ensuring two units", n)
		}
		if err := f.store.EnsureUnitKeys(ctx, nil); err != nil {
			t.Fatal(err)
		}
		units, err := f.dir.Units(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "signing_keys"); n != len(units) {
			t.Errorf("%d keys for %d units", n, len(units))
		}
		pemText, fp, err := f.store.PublicKeyPEM(ctx, "fy411600")
		if err != nil || !strings.HasPrefix(pemText, "-----BEGIN PUBLIC KEY-----\n") || len(fp) != 32 {
			t.Errorf("PublicKeyPEM = %q, %q, %v", pemText, fp, err)
		}
	})
}

func TestDocTypes(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, dt := range docs.DocTypes() {
		if seen[dt.Name] || (dt.Side != "" && dt.Side != "court" && dt.Side != "police") {
			t.Errorf("document type %+v duplicated or with an unknown side", dt)
		}
		seen[dt.Name] = true
		if got, ok := docs.LookupDocType(" " + dt.Name + " "); !ok || got != dt {
			t.Errorf("LookupDocType(%s) = %+v, %v", dt.Name, got, ok)
		}
	}
	for _, name := range []string{"协助执行通知书", "裁定书", "拘留决定书", "公函", "工作证"} {
		if !seen[name] {
			t.Errorf("FLOWS.md document %s missing", name)
		}
	}
}
