package docs

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func sampleStatement() Statement {
	return Statement{
		Code: "7KQM-2X9P-RD4T", Digest: strings.Repeat("ab", 32), Size: 48213, MIME: "application/pdf",
		Type: "协助执行通知书", Title: "协助执行通知书", CaseNumber: "（2021）豫16执123号",
		UnitCode: "fy411600", UnitName: "周口市中级人民法院", Issuer: "zhang",
		IssuedAt: time.Date(2024, 10, 9, 6, 30, 5, 123456000, time.UTC), KeyFingerprint: strings.Repeat("3f", 16),
	}
}

// The exact bytes are a contract with outside verifiers: this is a golden test.
func TestStatementEncoding(t *testing.T) {
	t.Parallel()
	got, err := sampleStatement().Encode()
	if err != nil {
		t.Fatal(err)
	}
	want := "liandong document statement v1\n" +
		"code: 7KQM-2X9P-RD4T\n" +
		"sm3: " + strings.Repeat("ab", 32) + "\n" +
		"size: 48213\n" +
		"media-type: application/pdf\n" +
		"type: 协助执行通知书\n" +
		"title: 协助执行通知书\n" +
		"case-number: （2021）豫16执123号\n" +
		"unit: fy411600\n" +
		"unit-name: 周口市中级人民法院\n" +
		"issuer: zhang\n" +
		"issued-at: 2024-10-09T14:30:05.123456+08:00\n" +
		"key: " + strings.Repeat("3f", 16) + "\n"
	if string(got) != want {
		t.Fatalf("Encode:\n%s\nwant:\n%s", got, want)
	}
	back, err := ParseStatement(got)
	if err != nil {
		t.Fatal(err)
	}
	if back != sampleStatement() {
		t.Errorf("round trip: %+v, want %+v", back, sampleStatement())
	}

	// Without a case number the line is left out.
	st := sampleStatement()
	st.CaseNumber = ""
	noCase, err := st.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(noCase, []byte("case-number")) {
		t.Errorf("empty case number encoded: %s", noCase)
	}
	if back, err := ParseStatement(noCase); err != nil || back != st {
		t.Errorf("round trip without case number: %+v, %v", back, err)
	}
}

func TestStatementRejectsNonCanonical(t *testing.T) {
	t.Parallel()
	good, err := sampleStatement().Encode()
	if err != nil {
		t.Fatal(err)
	}
	s := string(good)
	for name, bad := range map[string]string{
		"no final newline":   strings.TrimSuffix(s, "\n"),
		"CRLF":               strings.ReplaceAll(s, "\n", "\r\n"),
		"other header":       strings.Replace(s, "statement v1", "statement v2", 1),
		"swapped lines":      strings.Replace(s, "type: 协助执行通知书\ntitle: 协助执行通知书\n", "title: 协助执行通知书\ntype: 协助执行通知书\n", 1),
		"extra line":         s + "note: x\n",
		"blank line":         strings.Replace(s, "size:", "\nsize:", 1),
		"space after colon":  strings.Replace(s, "issuer: zhang", "issuer:  zhang", 1),
		"trailing space":     strings.Replace(s, "issuer: zhang", "issuer: zhang ", 1),
		"UTC time":           strings.Replace(s, "2024-10-09T14:30:05.123456+08:00", "2024-10-09T06:30:05.123456+00:00", 1),
		"short time":         strings.Replace(s, "05.123456+08:00", "05.123+08:00", 1),
		"leading zero size":  strings.Replace(s, "size: 48213", "size: 048213", 1),
		"missing line":       strings.Replace(s, "unit: fy411600\n", "", 1),
		"not utf-8":          strings.Replace(s, "zhang", "zh\xffng", 1),
		"zero-width in name": strings.Replace(s, "协助执行通知书\ntitle", "协助\u200b执行通知书\ntitle", 1),
	} {
		if _, err := ParseStatement([]byte(bad)); err == nil {
			t.Errorf("%s: accepted\n%s", name, bad)
		}
	}
}

func TestStatementRefusesUnsafeValues(t *testing.T) {
	t.Parallel()
	for _, title := range []string{"协助执行通知书\nissuer: mallory", " 协助执行通知书", "a\u2028b", "\x00"} {
		st := sampleStatement()
		st.Title = title
		if _, err := st.Encode(); err == nil {
			t.Errorf("Encode with title %q succeeded", title)
		}
	}
	st := sampleStatement()
	st.Issuer = ""
	if _, err := st.Encode(); err == nil {
		t.Error("Encode without an issuer succeeded")
	}
}

func TestSupersessionStatementRoundTrip(t *testing.T) {
	t.Parallel()
	for _, st := range []SupersessionStatement{
		{Code: "7KQM-2X9P-RD4T", Digest: strings.Repeat("ab", 32), Action: Corrected, ReplacementCode: "4HWN-8PQR-2345", ReplacementDigest: strings.Repeat("cd", 32),
			Reason: "笔误更正", UnitCode: "fy411600", By: "zhang", At: time.Date(2024, 10, 10, 1, 0, 0, 0, time.UTC), KeyFingerprint: strings.Repeat("3f", 16)},
		{Code: "7KQM-2X9P-RD4T", Digest: strings.Repeat("ab", 32), Action: Revoked,
			Reason: "错误签发", UnitCode: "fy411600", By: "zhang", At: time.Date(2024, 10, 10, 1, 0, 0, 0, time.UTC), KeyFingerprint: strings.Repeat("3f", 16)},
	} {
		b, err := st.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("liandong document supersession v1\ncode: 7KQM-2X9P-RD4T\n")) {
			t.Errorf("encoded:\n%s", b)
		}
		back, err := ParseSupersessionStatement(b)
		if err != nil || back != st {
			t.Errorf("round trip: %+v, %v; want %+v", back, err, st)
		}
		if _, err := ParseStatement(b); err == nil {
			t.Error("a supersession statement parses as a document statement")
		}
	}
}
