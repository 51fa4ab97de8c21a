package demo

import (
	"bytes"
	"context"
	"fmt"

	"liandong/internal/docs"
)

// samplePDF is a small well-formed PDF so the demo has signed documents
// to verify. Its text is ASCII because the standard PDF fonts carry no
// Chinese; real documents are uploaded by users.
func samplePDF(caseNumber string) []byte {
	return docs.MinimalPDF(fmt.Sprintf("BT /F1 14 Tf 72 760 Td (Zhoukou Intermediate People's Court) Tj 0 -24 Td (Notice of assistance in enforcement - demo) Tj 0 -24 Td (Case %s) Tj ET", caseNumber))
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
