package docs

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"liandong/internal/workday"
)

// A statement is the exact byte string a unit signs. It is plain UTF-8
// text, one "key: value" line per field in a fixed order after a header
// line, every line ending in LF, no blank lines, no trailing spaces:
//
//	liandong document statement v1
//	code: 7KQM-2X9P-RD4T
//	sm3: 66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0
//	size: 48213
//	media-type: application/pdf
//	type: 协助执行通知书
//	title: 协助执行通知书
//	case-number: （2021）豫16执123号
//	unit: fy411600
//	unit-name: 周口市中级人民法院
//	issuer: zhang
//	issued-at: 2024-10-09T14:30:05.123456+08:00
//	key: 3f2a…(32 hex digits: the unit key's fingerprint)
//
// case-number is left out when the document has none. Values never hold
// control characters or line breaks and never start or end with a space, so
// the encoding is unambiguous, and a statement is accepted only if encoding
// what was parsed gives back the same bytes (one canonical form).
// The signature is SM2 with SM3 over these bytes (user id
// 1234567812345678); sm3 is the SM3 digest of the file, so a verifier
// checks the signature with OpenSSL and compares the digest with
// `openssl dgst -sm3 file`.

// Header lines of the two statement kinds.
const (
	statementHeader    = "liandong document statement v1"
	supersessionHeader = "liandong document supersession v1"
)

// timeLayout is the fixed-width time in statements, in Beijing time.
const timeLayout = "2006-01-02T15:04:05.000000-07:00"

// beijing is China Standard Time (UTC+8, no daylight saving since 1991),
// fixed so statements do not depend on the tz database.
var beijing = workday.Location()

// Statement is what a unit signs when it issues a document.
type Statement struct {
	Code           string // formatted, as printed: 7KQM-2X9P-RD4T
	Digest         string // SM3 of the file, lower-case hex
	Size           int64
	MIME           string
	Type           string // 协助执行通知书
	Title          string
	CaseNumber     string // canonical, or ""
	UnitCode       string
	UnitName       string
	Issuer         string // username of the issuing officer
	IssuedAt       time.Time
	KeyFingerprint string
}

// Encode returns the canonical bytes of the statement.
func (st Statement) Encode() ([]byte, error) {
	return encodeRecord(statementHeader, []field{
		{"code", st.Code, false},
		{"sm3", st.Digest, false},
		{"size", strconv.FormatInt(st.Size, 10), false},
		{"media-type", st.MIME, false},
		{"type", st.Type, false},
		{"title", st.Title, false},
		{"case-number", st.CaseNumber, true},
		{"unit", st.UnitCode, false},
		{"unit-name", st.UnitName, false},
		{"issuer", st.Issuer, false},
		{"issued-at", formatTime(st.IssuedAt), false},
		{"key", st.KeyFingerprint, false},
	})
}

// ParseStatement reads a statement and checks that it is canonical.
func ParseStatement(b []byte) (Statement, error) {
	v, err := parseRecord(b, statementHeader, []string{"code", "sm3", "size", "media-type", "type", "title", "?case-number", "unit", "unit-name", "issuer", "issued-at", "key"})
	if err != nil {
		return Statement{}, err
	}
	size, err := strconv.ParseInt(v["size"], 10, 64)
	if err != nil || size <= 0 {
		return Statement{}, fmt.Errorf("statement: size %q is not a positive number", v["size"])
	}
	at, err := parseTime(v["issued-at"])
	if err != nil {
		return Statement{}, err
	}
	st := Statement{Code: v["code"], Digest: v["sm3"], Size: size, MIME: v["media-type"], Type: v["type"], Title: v["title"],
		CaseNumber: v["case-number"], UnitCode: v["unit"], UnitName: v["unit-name"], Issuer: v["issuer"], IssuedAt: at, KeyFingerprint: v["key"]}
	return st, checkCanonical(b, st.Encode)
}

// SupersessionStatement is what a unit signs when it corrects or revokes a
// document it issued:
//
//	liandong document supersession v1
//	code: 7KQM-2X9P-RD4T
//	sm3: <digest of the superseded file>
//	action: corrected            (or revoked)
//	replacement-code: 4HWN-…     (corrected only)
//	replacement-sm3: <digest>    (corrected only)
//	reason: 当事人名称笔误
//	unit: fy411600
//	by: zhang
//	at: 2024-10-10T09:00:00.000000+08:00
//	key: <fingerprint>
type SupersessionStatement struct {
	Code              string
	Digest            string
	Action            SupersessionKind
	ReplacementCode   string
	ReplacementDigest string
	Reason            string
	UnitCode          string
	By                string
	At                time.Time
	KeyFingerprint    string
}

// Encode returns the canonical bytes of the supersession statement.
func (st SupersessionStatement) Encode() ([]byte, error) {
	return encodeRecord(supersessionHeader, []field{
		{"code", st.Code, false},
		{"sm3", st.Digest, false},
		{"action", string(st.Action), false},
		{"replacement-code", st.ReplacementCode, true},
		{"replacement-sm3", st.ReplacementDigest, true},
		{"reason", st.Reason, false},
		{"unit", st.UnitCode, false},
		{"by", st.By, false},
		{"at", formatTime(st.At), false},
		{"key", st.KeyFingerprint, false},
	})
}

// ParseSupersessionStatement reads a supersession statement and checks that
// it is canonical.
func ParseSupersessionStatement(b []byte) (SupersessionStatement, error) {
	v, err := parseRecord(b, supersessionHeader, []string{"code", "sm3", "action", "?replacement-code", "?replacement-sm3", "reason", "unit", "by", "at", "key"})
	if err != nil {
		return SupersessionStatement{}, err
	}
	at, err := parseTime(v["at"])
	if err != nil {
		return SupersessionStatement{}, err
	}
	st := SupersessionStatement{Code: v["code"], Digest: v["sm3"], Action: SupersessionKind(v["action"]), ReplacementCode: v["replacement-code"],
		ReplacementDigest: v["replacement-sm3"], Reason: v["reason"], UnitCode: v["unit"], By: v["by"], At: at, KeyFingerprint: v["key"]}
	return st, checkCanonical(b, st.Encode)
}

type field struct {
	key, value string
	optional   bool // left out when empty
}

func encodeRecord(header string, fields []field) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteByte('\n')
	for _, f := range fields {
		if f.value == "" && f.optional {
			continue
		}
		if err := checkValue(f.value); err != nil {
			return nil, fmt.Errorf("statement field %s: %w", f.key, err)
		}
		b.WriteString(f.key)
		b.WriteString(": ")
		b.WriteString(f.value)
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// parseRecord reads header and fields in the order keys gives; a key
// starting with ? may be absent.
func parseRecord(b []byte, header string, keys []string) (map[string]string, error) {
	if !utf8.Valid(b) {
		return nil, errors.New("statement is not UTF-8")
	}
	text, ok := strings.CutSuffix(string(b), "\n")
	if !ok {
		return nil, errors.New("statement does not end with a line feed")
	}
	lines := strings.Split(text, "\n")
	if lines[0] != header {
		return nil, fmt.Errorf("statement header is %q, want %q", lines[0], header)
	}
	out := map[string]string{}
	i := 1
	for _, k := range keys {
		k, optional := strings.CutPrefix(k, "?")
		if i < len(lines) {
			if key, value, ok := strings.Cut(lines[i], ": "); ok && key == k {
				if err := checkValue(value); err != nil {
					return nil, fmt.Errorf("statement line %d (%s): %w", i+1, k, err)
				}
				out[k] = value
				i++
				continue
			}
		}
		if !optional {
			return nil, fmt.Errorf("statement line %d: want %q", i+1, k+": …")
		}
	}
	if i != len(lines) {
		return nil, fmt.Errorf("statement line %d: unexpected %q", i+1, lines[i])
	}
	return out, nil
}

func checkCanonical(b []byte, encode func() ([]byte, error)) error {
	again, err := encode()
	if err != nil {
		return err
	}
	if !bytes.Equal(again, b) {
		return errors.New("statement is not in canonical form")
	}
	return nil
}

// checkValue enforces what makes the encoding unambiguous.
func checkValue(v string) error {
	if v == "" {
		return errors.New("empty value")
	}
	if !utf8.ValidString(v) {
		return errors.New("value is not UTF-8")
	}
	if strings.TrimSpace(v) != v {
		return errors.New("value starts or ends with a space")
	}
	for _, r := range v {
		if unsafeRune(r) {
			return fmt.Errorf("value holds the control or format character %U", r)
		}
	}
	return nil
}

// unsafeRune reports characters never allowed in a statement value or a
// title: controls (line breaks included), line and paragraph separators and
// invisible format characters that could make two texts look alike.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Cf) || r == utf8.RuneError
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(beijing).Format(timeLayout)
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("statement time %q: %w", s, err)
	}
	return t.UTC(), nil
}
