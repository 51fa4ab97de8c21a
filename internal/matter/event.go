package matter

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"liandong/internal/db"
)

// Event is one act on a matter. Events are never changed or deleted.
type Event struct {
	ID        string // random 128 bits, hex: the event's identity on both nodes
	MatterUID string
	MatterID  int64 // local, not part of the encoding
	Kind      string
	Seq       int64 // 1, 2, 3 … per matter
	Side      Side  // the authoring side
	Username  string
	UnitCode  string
	Role      string
	At        time.Time
	Type      string          // the action
	Payload   json.RawMessage // canonical JSON object
	Documents []string        // SM3 digests (hex) of internal/docs blobs
	Clocks    []ClockStart    // clocks this act started, with their due times
	// Header is set on the creation event (Seq 1) only: what the matter
	// row needs that no later event says.
	Header *Header
}

// Header describes a new matter in its creation event.
type Header struct {
	CaseNumber     string `json:"case_number"`
	CourtUnit      string `json:"court_unit"`
	Officer        string `json:"officer"`
	RequestingUnit string `json:"requesting_unit"`
	RequestingSide Side   `json:"requesting_side"`
	AddressedUnit  string `json:"addressed_unit"`
	AddressedSide  Side   `json:"addressed_side"`
	SubjectID      int64  `json:"subject_id"`
	ParentUID      string `json:"parent_uid,omitempty"`
}

// newID returns 128 random bits in hex.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// encodingMagic starts every canonical encoding; a new layout gets a new
// version.
const encodingMagic = "liandong.matter.event.v1"

// Canonical returns the bytes that are signed: the magic, then each field
// as a 4-byte big-endian length and its bytes, in this fixed order: id,
// matter uid, kind, seq (decimal), side, username, unit, role, time (RFC
// 3339 in UTC with microseconds), type, payload (canonical JSON), documents
// (canonical JSON array), clocks (canonical JSON array), header (canonical
// JSON object, empty when absent).
func (e Event) Canonical() ([]byte, error) {
	payload, err := CanonicalJSON(e.Payload)
	if err != nil {
		return nil, fmt.Errorf("event %s: payload: %w", e.ID, err)
	}
	docs, err := canonicalOf(nonNil(e.Documents))
	if err != nil {
		return nil, err
	}
	clocks, err := canonicalOf(nonNilClocks(e.Clocks))
	if err != nil {
		return nil, err
	}
	var header []byte
	if e.Header != nil {
		if header, err = canonicalOf(e.Header); err != nil {
			return nil, err
		}
	}
	fields := [][]byte{
		[]byte(e.ID), []byte(e.MatterUID), []byte(e.Kind), []byte(strconv.FormatInt(e.Seq, 10)),
		[]byte(e.Side), []byte(e.Username), []byte(e.UnitCode), []byte(e.Role),
		[]byte(formatTime(e.At)), []byte(e.Type), payload, docs, clocks, header,
	}
	var b bytes.Buffer
	b.WriteString(encodingMagic)
	for _, f := range fields {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(f)))
		b.Write(n[:])
		b.Write(f)
	}
	return b.Bytes(), nil
}

// DecodeCanonical reads an event back from its canonical bytes (the
// receiving node's inbox).
func DecodeCanonical(b []byte) (Event, error) {
	if !bytes.HasPrefix(b, []byte(encodingMagic)) {
		return Event{}, fmt.Errorf("decode event: not a %s encoding", encodingMagic)
	}
	b = b[len(encodingMagic):]
	var fields [][]byte
	for len(b) > 0 {
		if len(b) < 4 {
			return Event{}, fmt.Errorf("decode event: truncated length")
		}
		n := binary.BigEndian.Uint32(b)
		b = b[4:]
		if uint64(n) > uint64(len(b)) {
			return Event{}, fmt.Errorf("decode event: field longer than the rest")
		}
		fields = append(fields, b[:n])
		b = b[n:]
	}
	if len(fields) != 14 {
		return Event{}, fmt.Errorf("decode event: %d fields, want 14", len(fields))
	}
	seq, err := strconv.ParseInt(string(fields[3]), 10, 64)
	if err != nil {
		return Event{}, fmt.Errorf("decode event: seq: %w", err)
	}
	at, err := time.Parse(time.RFC3339Nano, string(fields[8]))
	if err != nil {
		return Event{}, fmt.Errorf("decode event: time: %w", err)
	}
	e := Event{ID: string(fields[0]), MatterUID: string(fields[1]), Kind: string(fields[2]), Seq: seq,
		Side: Side(fields[4]), Username: string(fields[5]), UnitCode: string(fields[6]), Role: string(fields[7]),
		At: db.Time(at), Type: string(fields[9]), Payload: json.RawMessage(bytes.Clone(fields[10]))}
	if err := json.Unmarshal(fields[11], &e.Documents); err != nil {
		return Event{}, fmt.Errorf("decode event: documents: %w", err)
	}
	if err := json.Unmarshal(fields[12], &e.Clocks); err != nil {
		return Event{}, fmt.Errorf("decode event: clocks: %w", err)
	}
	if len(fields[13]) > 0 {
		e.Header = &Header{}
		if err := json.Unmarshal(fields[13], e.Header); err != nil {
			return Event{}, fmt.Errorf("decode event: header: %w", err)
		}
	}
	if len(e.Documents) == 0 {
		e.Documents = nil
	}
	if len(e.Clocks) == 0 {
		e.Clocks = nil
	}
	for i := range e.Clocks {
		e.Clocks[i].Due = db.Time(e.Clocks[i].Due)
	}
	return e, nil
}

func formatTime(t time.Time) string { return db.Time(t).Format("2006-01-02T15:04:05.000000Z") }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilClocks(s []ClockStart) []ClockStart {
	if s == nil {
		return []ClockStart{}
	}
	out := make([]ClockStart, len(s))
	for i, c := range s {
		c.Due = db.Time(c.Due)
		out[i] = c
	}
	return out
}

// CanonicalJSON re-encodes a JSON value with object keys sorted, no
// insignificant space, no HTML escaping and numbers as written. An empty
// input is the empty object.
func CanonicalJSON(raw json.RawMessage) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return []byte("{}"), nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	if d.More() {
		return nil, fmt.Errorf("canonical JSON: trailing data")
	}
	return marshalCanonical(v)
}

// canonicalOf encodes v (a Go value) canonically.
func canonicalOf(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	return CanonicalJSON(raw)
}

// marshalCanonical relies on encoding/json sorting map keys; it turns off
// HTML escaping so "<" stays "<" on every implementation.
func marshalCanonical(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
