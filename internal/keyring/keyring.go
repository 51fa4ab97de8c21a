// Package keyring holds the node's secret keys, kept outside the database
// (S-SEC-3): SM4 keys that encrypt sensitive fields and private keys at
// rest, each with an id stored beside every value so keys can rotate, and a
// separate key for blind indexes (keyed SM3), which does not rotate, so
// exact lookups keep working across rotations.
package keyring

import (
	"bufio"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// Ring is a set of keys. It is immutable and safe for concurrent use.
type Ring struct {
	enc     map[string]cipher.AEAD
	current string
	index   []byte
}

var keyID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,16}$`)

// Parse reads the key file format: one key per line,
//
//	enc   ID HEX32    an SM4 key (16 bytes); the last enc line is the current key
//	index ID HEX64    the blind-index key (32 bytes); exactly one
//
// Blank lines and lines starting with # are ignored. ';' also separates
// lines, so the whole file fits in one environment variable.
func Parse(r io.Reader) (*Ring, error) {
	ring := &Ring{enc: map[string]cipher.AEAD{}}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		if strings.HasPrefix(strings.TrimSpace(sc.Text()), "#") {
			continue
		}
		for _, line := range strings.Split(sc.Text(), ";") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			f := strings.Fields(line)
			if len(f) != 3 {
				return nil, fmt.Errorf("key file line %d: want 'enc|index ID HEX', got %d fields", n, len(f))
			}
			if !keyID.MatchString(f[1]) {
				return nil, fmt.Errorf("key file line %d: key id %q must be 1–16 letters, digits, - or _", n, f[1])
			}
			raw, err := hex.DecodeString(f[2])
			if err != nil {
				return nil, fmt.Errorf("key file line %d: key %s is not hex: %w", n, f[1], err)
			}
			switch f[0] {
			case "enc":
				if len(raw) != sm4.BlockSize {
					return nil, fmt.Errorf("key file line %d: SM4 key %s has %d bytes, want 16", n, f[1], len(raw))
				}
				if _, dup := ring.enc[f[1]]; dup {
					return nil, fmt.Errorf("key file line %d: key id %s appears twice", n, f[1])
				}
				block, err := sm4.NewCipher(raw)
				if err != nil {
					return nil, fmt.Errorf("key file line %d: %w", n, err)
				}
				aead, err := cipher.NewGCM(block)
				if err != nil {
					return nil, fmt.Errorf("key file line %d: %w", n, err)
				}
				ring.enc[f[1]] = aead
				ring.current = f[1]
			case "index":
				if ring.index != nil {
					return nil, fmt.Errorf("key file line %d: a second index key; the blind-index key never rotates", n)
				}
				if len(raw) != 32 {
					return nil, fmt.Errorf("key file line %d: index key has %d bytes, want 32", n, len(raw))
				}
				ring.index = raw
			default:
				return nil, fmt.Errorf("key file line %d: unknown key kind %q (enc or index)", n, f[0])
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	if ring.current == "" {
		return nil, errors.New("key file has no enc key")
	}
	if ring.index == nil {
		return nil, errors.New("key file has no index key")
	}
	return ring, nil
}

// Generate returns the text of a new key file with one enc key and the
// index key.
func Generate() (string, error) {
	enc := make([]byte, 16)
	idx := make([]byte, 32)
	if _, err := rand.Read(enc); err != nil {
		return "", err
	}
	if _, err := rand.Read(idx); err != nil {
		return "", err
	}
	return "# liandong keys: keep this file secret and backed up offline; without it\n" +
		"# encrypted fields and private keys cannot be read. Add a new enc line to\n" +
		"# rotate (the last one encrypts new values); never change the index line.\n" +
		"enc k1 " + hex.EncodeToString(enc) + "\n" +
		"index i1 " + hex.EncodeToString(idx) + "\n", nil
}

// LoadFile reads a key file.
func LoadFile(path string) (*Ring, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open key file: %w", err)
	}
	defer f.Close()
	r, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// LoadOrCreate reads the key file at path, creating it (mode 0600) with new
// keys when it does not exist. created tells the caller to warn that the
// file must be backed up.
func LoadOrCreate(path string) (r *Ring, created bool, err error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		text, err := Generate()
		if err != nil {
			return nil, false, fmt.Errorf("generate keys: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, false, fmt.Errorf("create key file: %w", err)
		}
		if _, err := f.WriteString(text); err != nil {
			f.Close()
			return nil, false, fmt.Errorf("write key file: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, false, fmt.Errorf("write key file: %w", err)
		}
		created = true
	}
	r, err = LoadFile(path)
	return r, created, err
}

// CurrentID is the id of the key that encrypts new values.
func (r *Ring) CurrentID() string { return r.current }

// Seal encrypts plaintext with the current key (SM4-GCM, random nonce). aad
// binds the ciphertext to its place (table, column, row) so a value copied
// into another row does not decrypt. The result is "ID:base64(nonce|ct)".
func (r *Ring) Seal(plaintext, aad []byte) (string, error) {
	aead := r.enc[r.current]
	buf := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	buf = aead.Seal(buf, buf, plaintext, aad)
	return r.current + ":" + base64.RawStdEncoding.EncodeToString(buf), nil
}

// ErrUnknownKey means a value was sealed with a key this ring lacks.
var ErrUnknownKey = errors.New("sealed with a key this node does not have")

// Open decrypts a value made by Seal with the same aad.
func (r *Ring) Open(sealed string, aad []byte) ([]byte, error) {
	id, body, ok := strings.Cut(sealed, ":")
	if !ok {
		return nil, errors.New("open: not a sealed value")
	}
	aead, ok := r.enc[id]
	if !ok {
		return nil, fmt.Errorf("open: key %s: %w", id, ErrUnknownKey)
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, errors.New("open: malformed sealed value")
	}
	pt, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], aad)
	if err != nil {
		return nil, fmt.Errorf("open: value was altered or belongs elsewhere: %w", err)
	}
	return pt, nil
}

// SealString and OpenString are Seal and Open for text.
func (r *Ring) SealString(s string, aad string) (string, error) {
	return r.Seal([]byte(s), []byte(aad))
}

// OpenString is Open for text.
func (r *Ring) OpenString(sealed, aad string) (string, error) {
	b, err := r.Open(sealed, []byte(aad))
	return string(b), err
}

// Stale reports whether sealed was made with a key other than the current
// one, so a rotation job can re-seal it.
func (r *Ring) Stale(sealed string) bool {
	id, _, _ := strings.Cut(sealed, ":")
	return id != r.current
}

// BlindIndex is a keyed SM3 (HMAC-SM3) of a normalized value, for exact
// lookup of encrypted fields. purpose separates the index spaces (an ID
// number and a phone number with the same digits do not collide). 128 bits,
// hex.
func (r *Ring) BlindIndex(purpose, value string) string {
	m := hmac.New(sm3.New, r.index)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil)[:16])
}
