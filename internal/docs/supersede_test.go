package docs_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/docs"
)

func TestSupersede(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, docs.Options{})
		orig := f.issue(t, docs.SamplePDF("original", 0), "协助执行通知书")
		fixed := f.issue(t, docs.SamplePDF("corrected", 0), "协助执行通知书")
		req := docs.SupersedeRequest{OldID: orig.ID, NewID: fixed.ID, Reason: "车辆号牌笔误", Username: courtUser, Role: "court_officer"}

		// Refusals first: nothing is recorded.
		for _, tt := range []struct {
			name   string
			change func(r *docs.SupersedeRequest)
			kind   apperr.Kind
			code   string
		}{
			{"no reason", func(r *docs.SupersedeRequest) { r.Reason = "  " }, apperr.Invalid, "doc.reason_missing"},
			{"reason with a line break", func(r *docs.SupersedeRequest) { r.Reason = "笔误\naction: revoked" }, apperr.Invalid, "doc.reason_char"},
			{"reason too long", func(r *docs.SupersedeRequest) { r.Reason = strings.Repeat("误", 201) }, apperr.Invalid, "doc.reason_too_long"},
			{"itself", func(r *docs.SupersedeRequest) { r.NewID = r.OldID }, apperr.Invalid, "doc.supersede_self"},
			{"older by newer", func(r *docs.SupersedeRequest) { r.OldID, r.NewID = fixed.ID, orig.ID }, apperr.Invalid, "doc.supersede_order"},
			{"unknown old", func(r *docs.SupersedeRequest) { r.OldID = 999 }, apperr.NotFound, "doc.not_found"},
			{"unknown new", func(r *docs.SupersedeRequest) { r.NewID = 999 }, apperr.NotFound, "doc.not_found"},
			{"user of another court", func(r *docs.SupersedeRequest) { r.Username = otherCourt }, apperr.Forbidden, "doc.issuer_unit"},
		} {
			r := req
			tt.change(&r)
			_, err := f.store.Supersede(ctx, r)
			wantCode(t, err, tt.kind, tt.code)
		}
		f.auditor.fail = errAuditDown
		if _, err := f.store.Supersede(ctx, req); err == nil {
			t.Fatal("Supersede succeeded while the audit log failed")
		}
		f.auditor.fail = nil
		if n := f.count(t, "document_supersessions"); n != 0 {
			t.Fatalf("%d supersessions after refusals", n)
		}

		// The correction.
		old, err := f.store.Supersede(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if old.Current() || old.Superseded.Kind != docs.Corrected || old.Superseded.ReplacementCode != fixed.Code || old.Superseded.Reason != "车辆号牌笔误" || old.Superseded.Username != courtUser {
			t.Fatalf("after Supersede: %+v", old.Superseded)
		}
		// The issued row itself is unchanged.
		if !bytes.Equal(old.Statement, orig.Statement) || !bytes.Equal(old.Signature, orig.Signature) || old.Title != orig.Title || !old.IssuedAt.Equal(orig.IssuedAt) {
			t.Error("superseding changed the issued document")
		}
		st, err := docs.ParseSupersessionStatement(old.Superseded.Statement)
		if err != nil || st.Action != docs.Corrected || st.Code != orig.Code || st.ReplacementDigest != fixed.Digest || st.Reason != "车辆号牌笔误" {
			t.Errorf("supersession statement %+v, %v", st, err)
		}

		v, err := f.store.Verify(ctx, orig.Code)
		if err != nil {
			t.Fatal(err)
		}
		if !v.SignatureValid || v.Status != docs.StatusCorrected || v.Status.Label() != "已被更正" || v.Superseded == nil ||
			v.Superseded.ReplacementCode != fixed.Code || !v.Superseded.SignatureValid || !v.Superseded.At.Equal(old.Superseded.At) {
			t.Errorf("Verify of the corrected document: %+v, %+v", v, v.Superseded)
		}
		if s := v.Summary(); !strings.Contains(s, "已于") || !strings.Contains(s, "被更正") || !strings.Contains(s, fixed.Code) {
			t.Errorf("Summary = %q", s)
		}
		if v, err := f.store.Verify(ctx, fixed.Code); err != nil || v.Status != docs.StatusCurrent {
			t.Errorf("Verify of the correction: %+v, %v", v, err)
		}

		_, err = f.store.Supersede(ctx, req)
		wantCode(t, err, apperr.Conflict, "doc.already_superseded")

		// A correction that is itself superseded is refused…
		third := f.issue(t, docs.SamplePDF("third", 0), "协助执行通知书")
		fourth := f.issue(t, docs.SamplePDF("fourth", 0), "协助执行通知书")
		if _, err := f.store.Supersede(ctx, docs.SupersedeRequest{OldID: fourth.ID, Reason: "作废", Username: courtUser}); err != nil {
			t.Fatal(err)
		}
		_, err = f.store.Supersede(ctx, docs.SupersedeRequest{OldID: third.ID, NewID: fourth.ID, Reason: "x", Username: courtUser})
		wantCode(t, err, apperr.Conflict, "doc.replacement_superseded")
		// … and so is a correction from another unit.
		pb := f.put(t, docs.SamplePNG(4), "x.png")
		police, err := f.store.Issue(ctx, docs.IssueRequest{Digest: pb.Digest, Type: "公函", UnitCode: "ga411600", Username: policeUser})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.store.Supersede(ctx, docs.SupersedeRequest{OldID: third.ID, NewID: police.ID, Reason: "x", Username: courtUser})
		wantCode(t, err, apperr.Invalid, "doc.supersede_unit")

		// Revocation without a replacement.
		revoked, err := f.store.Supersede(ctx, docs.SupersedeRequest{OldID: fixed.ID, Reason: "错误签发", Username: courtUser})
		if err != nil {
			t.Fatal(err)
		}
		if revoked.Superseded.Kind != docs.Revoked || revoked.Superseded.ReplacementCode != "" {
			t.Errorf("revoked: %+v", revoked.Superseded)
		}
		v, err = f.store.Verify(ctx, fixed.Digest)
		if err != nil || v.Status != docs.StatusRevoked || v.Status.Label() != "已撤销" || !v.Superseded.SignatureValid || !strings.Contains(v.Summary(), "撤销") {
			t.Errorf("Verify of the revoked document: %+v, %v", v, err)
		}
		// The reason stays internal: the public answer does not carry it.
		if strings.Contains(v.Summary(), "错误签发") {
			t.Error("the public summary shows the reason")
		}

		if got := f.auditActions(t, "document:"+orig.Code); !slices.Equal(got, []string{"document.issue", "document.correct"}) {
			t.Errorf("audit of the original: %v", got)
		}
		if got := f.auditActions(t, "document:"+fixed.Code); !slices.Equal(got, []string{"document.issue", "document.revoke"}) {
			t.Errorf("audit of the correction: %v", got)
		}

		// A changed supersession record is noticed.
		if _, err := d.Write().ExecContext(ctx, `UPDATE document_supersessions SET reason = $1 WHERE old_id = $2`, "另有理由", orig.ID); err != nil {
			t.Fatal(err)
		}
		v, err = f.store.Verify(ctx, orig.Code)
		if err != nil || v.Superseded == nil || v.Superseded.SignatureValid {
			t.Errorf("Verify after the supersession record was changed: %+v, %v", v.Superseded, err)
		}
	})
}
