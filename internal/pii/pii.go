// Package pii protects the personal fields the platform stores — identity
// document numbers, phone numbers, addresses (S-SEC-3): encrypted at rest
// with the node's SM4 key, found again by a keyed SM3 blind index, and
// shown masked unless the viewer may and does ask to see them in full
// (that permission and its audit entry belong to internal/access).
package pii

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"liandong/internal/keyring"
)

// Kind is the kind of personal field; it selects masking and separates
// blind-index spaces.
type Kind string

const (
	IDNumber Kind = "id_number" // resident ID, passport, permits: give the normalized number (internal/ident)
	Phone    Kind = "phone"
	Address  Kind = "address"
)

// Field is a protected value as stored: ciphertext with its key id, the
// blind index for exact lookup, and the masked form for lists.
type Field struct {
	Sealed string
	Index  string
	Masked string
}

// Protector seals and opens personal fields with a key ring.
type Protector struct {
	ring *keyring.Ring
}

// New returns a protector using ring.
func New(ring *keyring.Ring) *Protector { return &Protector{ring: ring} }

// Protect seals value. place binds the ciphertext to where it is stored
// (e.g. "subjects.id_number:42"), so it cannot be copied into another row.
// value should already be normalized (ident's canonical form, phones as
// digits) so that the index matches what lookups compute.
func (p *Protector) Protect(kind Kind, value, place string) (Field, error) {
	sealed, err := p.ring.SealString(value, string(kind)+"|"+place)
	if err != nil {
		return Field{}, fmt.Errorf("protect %s: %w", kind, err)
	}
	return Field{Sealed: sealed, Index: p.Index(kind, value), Masked: Mask(kind, value)}, nil
}

// Reveal opens a sealed value stored at place. Callers check the reveal
// permission and write the audit entry first.
func (p *Protector) Reveal(kind Kind, sealed, place string) (string, error) {
	v, err := p.ring.OpenString(sealed, string(kind)+"|"+place)
	if err != nil {
		return "", fmt.Errorf("reveal %s at %s: %w", kind, place, err)
	}
	return v, nil
}

// Index is the blind index of a normalized value, for WHERE … = $1.
func (p *Protector) Index(kind Kind, value string) string {
	return p.ring.BlindIndex(string(kind), value)
}

// NormalizePhone keeps the digits of a phone number and drops a +86 or
// 0086 country prefix, so "+86 138-0013-8000" and "13800138000" index alike.
func NormalizePhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "0086") && len(d) > 11:
		d = d[4:]
	case strings.HasPrefix(d, "86") && len(d) == 13:
		d = d[2:]
	}
	return d
}

// NormalizeAddress trims and collapses whitespace.
func NormalizeAddress(s string) string { return strings.Join(strings.Fields(s), " ") }

// Mask shows enough of a value to recognise it and not enough to use it:
// identity numbers keep the region (6) and the last 4 (110105********002X),
// shorter document numbers their first 2 and last 2; phones the first 3 and
// last 4 (138****8000); addresses their first 6 characters (usually
// province, city, district).
func Mask(kind Kind, value string) string {
	switch kind {
	case IDNumber:
		n := len(value)
		switch {
		case n >= 15:
			return value[:6] + strings.Repeat("*", n-10) + value[n-4:]
		case n >= 6:
			return value[:2] + strings.Repeat("*", n-4) + value[n-2:]
		default:
			return strings.Repeat("*", n)
		}
	case Phone:
		n := len(value)
		if n >= 7 {
			return value[:3] + strings.Repeat("*", n-7) + value[n-4:]
		}
		return strings.Repeat("*", n)
	case Address:
		if utf8.RuneCountInString(value) <= 6 {
			return strings.Repeat("*", utf8.RuneCountInString(value))
		}
		r := []rune(value)
		return string(r[:6]) + "****"
	}
	return "****"
}
