package audit

import (
	"encoding/binary"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// The canonical encodings. Every value is either a fixed-width big-endian
// integer or a string prefixed with its length as a big-endian uint32, so no
// two different entries encode to the same bytes ("ab","c" ≠ "a","bc"). Each
// encoding starts with its own domain string, so an entry encoding can never
// be taken for a head or an archive record. Times are UTC RFC 3339 with
// exactly six fractional digits, the precision both engines store. Changing
// anything here breaks every existing chain: add a v2 domain instead.
const (
	entryDomain   = "liandong.audit.entry.v1"
	headDomain    = "liandong.audit.head.v1"
	archiveDomain = "liandong.audit.archive.v1"
	genesisSeed   = "liandong.audit.genesis.v1"

	// timeLayout is the canonical time text: UTC, microseconds, "Z".
	timeLayout = "2006-01-02T15:04:05.000000Z"
)

// HashSize is the size of a chain hash (SM3).
const HashSize = sm3.Size

// hash is one chain hash.
type hash = [HashSize]byte

// genesis is the "previous hash" of entry 1.
func genesis() hash { return sm3.Sum([]byte(genesisSeed)) }

// timeText is t in the canonical form.
func timeText(t time.Time) string { return t.UTC().Format(timeLayout) }

// parseTimeText reads the canonical form back.
func parseTimeText(s string) (time.Time, error) { return time.Parse(timeLayout, s) }

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func appendInt(b []byte, n int64) []byte { return binary.BigEndian.AppendUint64(b, uint64(n)) }

// appendEntry appends the canonical encoding of e to b:
//
//	str(domain) ‖ u64(seq) ‖ str(time) ‖ str(username) ‖ str(unit) ‖ str(role)
//	‖ str(source) ‖ str(action) ‖ str(object) ‖ str(case) ‖ str(outcome) ‖ str(detail)
func appendEntry(b []byte, e *Entry) []byte {
	b = appendString(b, entryDomain)
	b = appendInt(b, e.Seq)
	b = e.At.UTC().AppendFormat(binary.BigEndian.AppendUint32(b, uint32(len(timeLayout))), timeLayout)
	b = appendString(b, e.Username)
	b = appendString(b, e.UnitCode)
	b = appendString(b, e.Role)
	b = appendString(b, e.Source)
	b = appendString(b, e.Action)
	b = appendString(b, e.Object)
	b = appendString(b, e.CaseNumber)
	b = appendString(b, string(e.Outcome))
	b = appendString(b, e.Detail)
	return b
}

// chainer computes chain hashes, reusing one buffer.
type chainer struct{ buf []byte }

// next returns SM3(prev ‖ encoding(e)).
func (c *chainer) next(prev *hash, e *Entry) hash {
	c.buf = append(c.buf[:0], prev[:]...)
	c.buf = appendEntry(c.buf, e)
	return sm3.Sum(c.buf)
}

// chainHash is chainer.next for one-off use.
func chainHash(prev hash, e *Entry) hash {
	var c chainer
	return c.next(&prev, e)
}

// headMessage is what a head's signature covers.
func headMessage(seq int64, h []byte, signedAt time.Time, fingerprint string) []byte {
	b := appendString(nil, headDomain)
	b = appendInt(b, seq)
	b = appendString(b, string(h))
	b = appendString(b, timeText(signedAt))
	return appendString(b, fingerprint)
}

// archiveMessage is what an archive record's signature covers.
func archiveMessage(r *ArchiveRecord) []byte {
	b := appendString(nil, archiveDomain)
	b = appendString(b, r.ID)
	b = appendInt(b, r.FirstSeq)
	b = appendInt(b, r.LastSeq)
	b = appendString(b, string(r.PrevHash))
	b = appendString(b, string(r.LastHash))
	b = appendInt(b, r.Entries)
	b = appendString(b, r.FileSM3)
	b = appendString(b, timeText(r.CreatedAt))
	return appendString(b, r.Fingerprint)
}

// toHash copies a stored hash, reporting whether it has the right size.
func toHash(b []byte) (hash, bool) {
	var h hash
	if len(b) != HashSize {
		return h, false
	}
	copy(h[:], b)
	return h, true
}
