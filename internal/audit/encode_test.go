package audit

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// The canonical encoding is a contract with every chain already written:
// this golden hash must never change (add a v2 domain instead).
func TestChainHashIsStable(t *testing.T) {
	t.Parallel()
	e := Entry{Seq: 1, At: time.Date(2025, 3, 3, 1, 0, 0, 123456000, time.UTC), Username: "zhang", UnitCode: "fy411602",
		Role: "court_officer", Source: "10.16.2.1", Action: "subject.reveal_id", Object: "subject:1",
		CaseNumber: "（2024）豫1602执1号", Outcome: OK, Detail: "查询户籍"}
	got := chainHash(genesis(), &e)
	const want = "039760e073c987848f54fd6da5ca8c249343fe614090ec6c9573246ea009a377"
	if hex.EncodeToString(got[:]) != want {
		t.Errorf("the canonical encoding changed: hash %x, want %s", got, want)
	}
	// The encoding as docs/audit.md spells it, built by hand.
	var doc []byte
	str := func(s string) {
		doc = binary.BigEndian.AppendUint32(doc, uint32(len(s)))
		doc = append(doc, s...)
	}
	str("liandong.audit.entry.v1")
	doc = append(doc, 0, 0, 0, 0, 0, 0, 0, 1)
	for _, s := range []string{"2025-03-03T01:00:00.123456Z", "zhang", "fy411602", "court_officer", "10.16.2.1",
		"subject.reveal_id", "subject:1", "（2024）豫1602执1号", "ok", "查询户籍"} {
		str(s)
	}
	if enc := appendEntry(nil, &e); !bytes.Equal(enc, doc) {
		t.Errorf("encoding differs from the documented one:\n got %x\nwant %x", enc, doc)
	}
	g := genesis()
	if sum := sm3.Sum(append(g[:], doc...)); sum != got {
		t.Errorf("chain hash is not SM3(prev ‖ encoding)")
	}
	if gs := sm3.Sum([]byte("liandong.audit.genesis.v1")); gs != g {
		t.Errorf("genesis is not SM3 of its seed")
	}
}

func TestEncodingIsUnambiguous(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	base := Entry{Seq: 7, At: at, Action: "a", Outcome: OK}
	tests := []struct {
		name string
		a, b Entry
	}{
		{"field boundary", with(base, func(e *Entry) { e.Username, e.UnitCode = "ab", "c" }), with(base, func(e *Entry) { e.Username, e.UnitCode = "a", "bc" })},
		{"empty vs moved", with(base, func(e *Entry) { e.Role = "x" }), with(base, func(e *Entry) { e.Source = "x" })},
		{"seq", base, with(base, func(e *Entry) { e.Seq = 8 })},
		{"microsecond", base, with(base, func(e *Entry) { e.At = at.Add(time.Microsecond) })},
		{"outcome", base, with(base, func(e *Entry) { e.Outcome = Denied })},
		{"detail", base, with(base, func(e *Entry) { e.Detail = " " })},
	}
	for _, tt := range tests {
		if bytes.Equal(appendEntry(nil, &tt.a), appendEntry(nil, &tt.b)) {
			t.Errorf("%s: two different entries encode alike", tt.name)
		}
		if chainHash(genesis(), &tt.a) == chainHash(genesis(), &tt.b) {
			t.Errorf("%s: two different entries hash alike", tt.name)
		}
	}
	// The same instant in another zone is the same entry.
	cst := with(base, func(e *Entry) { e.At = at.In(time.FixedZone("CST", 8*3600)) })
	if chainHash(genesis(), &base) != chainHash(genesis(), &cst) {
		t.Error("the time zone changed the hash")
	}
}

func with(e Entry, f func(*Entry)) Entry { f(&e); return e }

func TestPrepare(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("审", maxDetail+10)
	tests := []struct {
		name    string
		in      Entry
		wantErr string
		check   func(Entry) bool
	}{
		{"no action", Entry{Outcome: OK}, "no action", nil},
		{"no outcome", Entry{Action: "x"}, "outcome", nil},
		{"bad outcome", Entry{Action: "x", Outcome: "maybe"}, "outcome", nil},
		{"invalid utf-8 and NUL", Entry{Action: "x", Outcome: OK, Username: "a\xffb", Detail: "c\x00d"},
			"", func(e Entry) bool { return e.Username == "a\uFFFDb" && e.Detail == "c\uFFFDd" }},
		{"long detail cut on a character", Entry{Action: "x", Outcome: OK, Detail: long},
			"", func(e Entry) bool { return e.Detail == long[:maxDetail*len("审")] }},
		{"time normalized", Entry{Action: "x", Outcome: OK, At: time.Date(2025, 1, 1, 8, 0, 0, 1234567, time.FixedZone("CST", 8*3600))},
			"", func(e Entry) bool {
				return e.At.Equal(time.Date(2025, 1, 1, 0, 0, 0, 1234000, time.UTC)) && e.At.Location() == time.UTC
			}},
		{"seq ignored", Entry{Action: "x", Outcome: OK, Seq: 99}, "", func(e Entry) bool { return e.Seq == 0 }},
	}
	for _, tt := range tests {
		got, err := prepare(tt.in)
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case !tt.check(got):
			t.Errorf("%s: got %+v", tt.name, got)
		}
	}
}
