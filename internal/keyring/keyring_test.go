package keyring_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"liandong/internal/keyring"
)

func newRing(t *testing.T) *keyring.Ring {
	t.Helper()
	text, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	r, err := keyring.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSealOpenAndBindToPlace(t *testing.T) {
	t.Parallel()
	r := newRing(t)
	sealed, err := r.SealString("11010519491231002X", "subjects.id_number:42")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "11010519491231002X") || !strings.HasPrefix(sealed, r.CurrentID()+":") {
		t.Fatalf("sealed value %q", sealed)
	}
	got, err := r.OpenString(sealed, "subjects.id_number:42")
	if err != nil || got != "11010519491231002X" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := r.OpenString(sealed, "subjects.id_number:43"); err == nil {
		t.Error("a value moved to another row decrypted")
	}
	tampered := []byte(sealed)
	tampered[len(tampered)-3] ^= 1
	if _, err := r.OpenString(string(tampered), "subjects.id_number:42"); err == nil {
		t.Error("a tampered value decrypted")
	}
	again, _ := r.SealString("11010519491231002X", "subjects.id_number:42")
	if again == sealed {
		t.Error("two seals of one value are equal: nonce reuse")
	}
}

func TestRotationKeepsOldValuesAndIndexes(t *testing.T) {
	t.Parallel()
	old := "enc k1 00112233445566778899aabbccddeeff\nindex i1 " + strings.Repeat("ab", 32) + "\n"
	r1, err := keyring.Parse(strings.NewReader(old))
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := r1.SealString("13800138000", "phone")
	r2, err := keyring.Parse(strings.NewReader(old + "enc k2 ffeeddccbbaa99887766554433221100\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r2.CurrentID() != "k2" || !r2.Stale(sealed) {
		t.Errorf("after rotation: current %s, stale %v", r2.CurrentID(), r2.Stale(sealed))
	}
	if got, err := r2.OpenString(sealed, "phone"); err != nil || got != "13800138000" {
		t.Errorf("old value after rotation: %q, %v", got, err)
	}
	if r1.BlindIndex("phone", "13800138000") != r2.BlindIndex("phone", "13800138000") {
		t.Error("blind index changed with an enc key rotation")
	}
	if r1.BlindIndex("phone", "13800138000") == r1.BlindIndex("id_number", "13800138000") {
		t.Error("blind indexes of two purposes collide")
	}
	r3, _ := keyring.Parse(strings.NewReader("enc k9 00112233445566778899aabbccddeeff\nindex i1 " + strings.Repeat("ab", 32)))
	if _, err := r3.OpenString(sealed, "phone"); !errors.Is(err, keyring.ErrUnknownKey) {
		t.Errorf("open with a missing key: %v, want ErrUnknownKey", err)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	idx := "index i1 " + strings.Repeat("ab", 32)
	tests := []struct{ name, text, want string }{
		{"empty", "", "no enc key"},
		{"no index", "enc k1 00112233445566778899aabbccddeeff", "no index key"},
		{"short key", "enc k1 0011;" + idx, "want 16"},
		{"not hex", "enc k1 zz112233445566778899aabbccddeeff;" + idx, "not hex"},
		{"dup id", "enc k1 00112233445566778899aabbccddeeff;enc k1 00112233445566778899aabbccddeeff;" + idx, "twice"},
		{"two index", "enc k1 00112233445566778899aabbccddeeff;" + idx + ";" + idx, "never rotates"},
		{"kind", "mac k1 00;" + idx, "unknown key kind"},
		{"fields", "enc k1", "fields"},
	}
	for _, tt := range tests {
		_, err := keyring.Parse(strings.NewReader(tt.text))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

func TestLoadOrCreate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys")
	r1, created, err := keyring.LoadOrCreate(path)
	if err != nil || !created {
		t.Fatalf("first LoadOrCreate: created=%v err=%v", created, err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	r2, created, err := keyring.LoadOrCreate(path)
	if err != nil || created {
		t.Fatalf("second LoadOrCreate: created=%v err=%v", created, err)
	}
	if r1.BlindIndex("x", "y") != r2.BlindIndex("x", "y") {
		t.Error("reloaded ring differs")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("enc k1 00112233445566778899aabbccddeeff\nindex i1 " + strings.Repeat("ab", 32))
	f.Add("enc k1 00;index")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := keyring.Parse(strings.NewReader(s))
		if err == nil {
			sealed, err := r.SealString("x", "a")
			if err != nil {
				t.Fatal(err)
			}
			if got, err := r.OpenString(sealed, "a"); err != nil || got != "x" {
				t.Fatalf("round trip failed: %q %v", got, err)
			}
		}
	})
}

func BenchmarkSealOpen(b *testing.B) {
	text, _ := keyring.Generate()
	r, _ := keyring.Parse(strings.NewReader(text))
	for b.Loop() {
		s, _ := r.SealString("11010519491231002X", "subjects.id_number:42")
		if _, err := r.OpenString(s, "subjects.id_number:42"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlindIndex(b *testing.B) {
	text, _ := keyring.Generate()
	r, _ := keyring.Parse(strings.NewReader(text))
	for b.Loop() {
		r.BlindIndex("id_number", "11010519491231002X")
	}
}
