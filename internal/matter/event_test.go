package matter_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"liandong/internal/matter"
	"liandong/internal/workday"
)

var update = flag.Bool("update", false, "rewrite golden files")

func goldenEvent() matter.Event {
	at := time.Date(2025, 3, 3, 1, 2, 3, 456789000, time.UTC)
	return matter.Event{
		ID: "0123456789abcdef0123456789abcdef", MatterUID: "fedcba9876543210fedcba9876543210", Kind: "locate", Seq: 1,
		Side: matter.Court, Username: "officer", UnitCode: "fy411600-zxj", Role: "court_officer", At: at, Type: "create",
		// Keys out of order, spaces, "<" and a number as typed: the encoding sorts and keeps them.
		Payload:   json.RawMessage(`{ "z": 1.50, "note": "请协助查找 <张三>", "a": [true, null] }`),
		Documents: []string{"66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
		Clocks:    []matter.ClockStart{{ID: matter.ClockInfoRequest, N: 3, Unit: workday.Workdays, Due: time.Date(2025, 3, 6, 15, 59, 59, 999999000, time.UTC)}},
		Header: &matter.Header{CaseNumber: "（2021）豫16执123号", CourtUnit: "fy411600", Officer: "officer",
			RequestingUnit: "fy411600-zxj", RequestingSide: matter.Court, AddressedUnit: "ga411602", AddressedSide: matter.Police},
	}
}

// TestCanonicalEncodingGolden pins the signed bytes of an event: changing
// them breaks every signature already exchanged, so it must be deliberate
// (run with -update and bump the encoding's version).
func TestCanonicalEncodingGolden(t *testing.T) {
	e := goldenEvent()
	got, err := e.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "event_v1.golden")
	if *update {
		if err := os.WriteFile(path, []byte(hex.Dump(got)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once)", err)
	}
	if hex.Dump(got) != string(want) {
		t.Errorf("canonical encoding changed:\n%s\nwant:\n%s", hex.Dump(got), want)
	}
	if !bytes.Contains(got, []byte(`{"a":[true,null],"note":"请协助查找 <张三>","z":1.50}`)) {
		t.Errorf("payload not canonical JSON: %q", got)
	}
	back, err := matter.DecodeCanonical(got)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := back.Canonical()
	if !bytes.Equal(again, got) {
		t.Error("decode and encode again gives other bytes")
	}
	back.Payload, e.Payload = nil, nil
	if !reflect.DeepEqual(back, e) {
		t.Errorf("decoded %+v\nwant %+v", back, e)
	}
	// Equal JSON written differently encodes the same.
	e2 := goldenEvent()
	e2.Payload = json.RawMessage(`{"a":[true,null],"note":"请协助查找 <张三>","z":1.50}`)
	b2, _ := e2.Canonical()
	if !bytes.Equal(b2, got) {
		t.Error("key order or spacing changed the encoding")
	}
}

func FuzzDecodeCanonical(f *testing.F) {
	b, _ := goldenEvent().Canonical()
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := matter.DecodeCanonical(data)
		if err != nil {
			return
		}
		if _, err := e.Canonical(); err != nil && json.Valid(e.Payload) {
			t.Errorf("decoded event does not encode: %v", err)
		}
	})
}
