package demo

import (
	"bytes"
	"context"
	"fmt"

	"liandong/internal/docs"
)

// samplePDF builds a small, well-formed PDF (header, objects, cross-
// reference table, trailer) so the demo has a signed document to verify.
// Its text is ASCII because the standard PDF fonts carry no Chinese; real
// documents are uploaded by users.
func samplePDF(caseNumber string) []byte {
	content := fmt.Sprintf("BT /F1 14 Tf 72 760 Td (Zhoukou Intermediate People's Court) Tj 0 -24 Td (Notice of assistance in enforcement - demo) Tj 0 -24 Td (Case %s) Tj ET", caseNumber)
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// SampleCase is the case number of the demo document.
const SampleCase = "（2021）豫16执123号"

// IssueSample stores and issues the demo document in the name of the
// intermediate court, once, and returns its verification code.
func IssueSample(ctx context.Context, store *docs.Store) (string, error) {
	blob, err := store.Put(ctx, bytes.NewReader(samplePDF("(2021) Yu 16 Zhi 123")), "demo.pdf")
	if err != nil {
		return "", fmt.Errorf("demo document: %w", err)
	}
	if doc, err := store.ByDigest(ctx, blob.Digest); err == nil {
		return doc.Code, nil // issued by an earlier run on this database
	}
	doc, err := store.Issue(ctx, docs.IssueRequest{Digest: blob.Digest, Type: "协助执行通知书", CaseNumber: SampleCase,
		UnitCode: "fy411600", Username: "zy-officer", Role: "court_officer", Source: "demo"})
	if err != nil {
		return "", fmt.Errorf("demo document: %w", err)
	}
	return doc.Code, nil
}
