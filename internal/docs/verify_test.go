package docs_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/docs"
	"liandong/internal/signer"
)

func signerVerify(pemText string, msg, sig []byte) (bool, error) {
	return signer.VerifyPEM(pemText, msg, sig)
}

func TestVerifyByCodeAndDigest(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, docs.Options{})
		data := docs.SampleOFD("verify")
		doc := f.issue(t, data, "拘留决定书")
		plain := strings.ToLower(strings.ReplaceAll(doc.Code, "-", ""))
		for _, q := range []string{doc.Code, plain, " " + doc.Code + " ", doc.Digest, strings.ToUpper(doc.Digest)} {
			v, err := f.store.Verify(ctx, q)
			if err != nil {
				t.Fatalf("Verify(%q): %v", q, err)
			}
			if !v.SignatureValid || v.Problem != "" || v.Status != docs.StatusCurrent || v.Superseded != nil || !v.Genuine() {
				t.Errorf("Verify(%q) = %+v", q, v)
			}
			if v.Code != doc.Code || v.Digest != doc.Digest || v.Type != "拘留决定书" || v.Title != "拘留决定书" || v.CaseNumber != "（2021）豫16执123号" ||
				v.UnitName != "周口市中级人民法院" || !v.IssuedAt.Equal(doc.IssuedAt) || v.KeyFingerprint != doc.KeyFingerprint || v.MIME != "application/ofd" {
				t.Errorf("Verify(%q) describes %+v, issued %+v", q, v, doc)
			}
			if !bytes.Equal(v.Statement, doc.Statement) || !bytes.Equal(v.Signature, doc.Signature) {
				t.Error("Verify does not hand out the signed statement and signature")
			}
			if s := v.Summary(); !strings.HasPrefix(s, "验证通过：该文书由周口市中级人民法院于 ") || !strings.Contains(s, "现行有效") {
				t.Errorf("Summary = %q", s)
			}
		}

		_, err := f.store.Verify(ctx, "2345-6789-ABCD")
		wantCode(t, err, apperr.NotFound, "doc.not_found")
		_, err = f.store.Verify(ctx, docs.Digest([]byte("other")))
		wantCode(t, err, apperr.NotFound, "doc.not_found")
		_, err = f.store.Verify(ctx, "张三")
		wantCode(t, err, apperr.Invalid, "doc.lookup_format")
		_, err = f.store.ByCode(ctx, "0000")
		wantCode(t, err, apperr.Invalid, "doc.code_format")
	})
}

func TestVerifyFile(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, docs.Options{})
		data := docs.SampleJPEG(3)
		doc := f.issue(t, data, "执行公务证")

		v, err := f.store.VerifyFile(ctx, doc.Code, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if v.File == nil || !v.File.Matches || v.File.Digest != doc.Digest || v.File.Size != int64(len(data)) || !v.Genuine() {
			t.Errorf("VerifyFile with the issued bytes: %+v, file %+v", v, v.File)
		}
		if !strings.Contains(v.Summary(), "您提供的文件与登记内容一致") {
			t.Errorf("Summary = %q", v.Summary())
		}

		// One changed byte: the signature is still fine, the file is not.
		changed := bytes.Clone(data)
		changed[len(changed)/2] ^= 0x20
		v, err = f.store.VerifyFile(ctx, doc.Code, bytes.NewReader(changed))
		if err != nil {
			t.Fatal(err)
		}
		if v.File.Matches || v.Genuine() || !v.SignatureValid || !strings.HasPrefix(v.Summary(), "验证未通过：您提供的文件与该文书登记的内容不一致") {
			t.Errorf("VerifyFile with a changed byte: %+v, %q", v.File, v.Summary())
		}

		// Without a code, the file itself finds its document.
		v, err = f.store.VerifyFile(ctx, "", bytes.NewReader(data))
		if err != nil || v.Code != doc.Code || !v.File.Matches {
			t.Errorf("VerifyFile without a code: %+v, %v", v, err)
		}
		_, err = f.store.VerifyFile(ctx, "", bytes.NewReader(changed))
		wantCode(t, err, apperr.NotFound, "doc.not_found")
		_, err = f.store.VerifyFile(ctx, doc.Code, strings.NewReader(""))
		wantCode(t, err, apperr.Invalid, "doc.empty")
		small := docs.NewStore(d, f.keys, f.dir, f.auditor, docs.Options{MaxSize: 100})
		_, err = small.VerifyFile(ctx, doc.Code, bytes.NewReader(data))
		wantCode(t, err, apperr.Invalid, "doc.too_large")
	})
}

// Changing the stored statement, signature or record in the database is
// noticed: the answer says the signature is not valid.
func TestVerifyDetectsTampering(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, docs.Options{})
		doc := f.issue(t, docs.SamplePDF("tamper", 0), "协助执行通知书")
		set := func(column string, value any) {
			t.Helper()
			if _, err := d.Write().ExecContext(ctx, `UPDATE documents SET `+column+` = $1 WHERE id = $2`, value, doc.ID); err != nil {
				t.Fatal(err)
			}
		}
		check := func(name, wantProblem string) {
			t.Helper()
			v, err := f.store.Verify(ctx, doc.Code)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if wantProblem == "" {
				if !v.SignatureValid {
					t.Errorf("%s: not valid: %s", name, v.Problem)
				}
				return
			}
			if v.SignatureValid || v.Genuine() || !strings.Contains(v.Problem, wantProblem) || !strings.HasPrefix(v.Summary(), "验证未通过：") {
				t.Errorf("%s: SignatureValid %v, problem %q, want one containing %q", name, v.SignatureValid, v.Problem, wantProblem)
			}
		}
		check("untouched", "")

		// A changed byte in the statement (the case number's sequence): the
		// record no longer matches; changed in both, the signature fails.
		st := bytes.Replace(doc.Statement, []byte("执123号"), []byte("执124号"), 1)
		set("statement", st)
		check("statement byte", "不一致")
		set("case_number", "（2021）豫16执124号")
		check("statement byte and record", "签名无效")
		set("statement", doc.Statement)
		set("case_number", doc.CaseNumber)
		check("restored", "")

		// A changed byte in the signature.
		sig := bytes.Clone(doc.Signature)
		sig[len(sig)-3] ^= 0x01
		set("signature", sig)
		check("signature byte", "签名无效")
		set("signature", doc.Signature)

		// A record that no longer agrees with its statement.
		set("title", "拘留决定书")
		check("title column", "不一致")
		set("title", doc.Title)

		// A statement that is not canonical.
		set("statement", append(bytes.Clone(doc.Statement), '\n'))
		check("statement form", "格式无效")
		set("statement", doc.Statement)

		// A statement signed by another unit's key.
		other, err := f.keys.Ensure(ctx, signer.UnitOwner("fy411602"))
		if err != nil {
			t.Fatal(err)
		}
		forged, err := other.Sign(doc.Statement)
		if err != nil {
			t.Fatal(err)
		}
		set("signature", forged)
		check("signed by another unit", "签名无效")
		set("signature", doc.Signature)
		check("restored again", "")
	})
}
