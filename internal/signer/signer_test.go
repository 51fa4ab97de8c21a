package signer_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/keyring"
	"liandong/internal/signer"
)

func ring(t testing.TB) *keyring.Ring {
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

func TestEnsureSignVerify(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		r := ring(t)
		s := signer.NewStore(d, r)
		if _, err := s.Get(ctx, signer.NodeOwner); !errors.Is(err, signer.ErrNoKey) {
			t.Fatalf("Get before Ensure: %v, want ErrNoKey", err)
		}
		// Concurrent first use makes one key, not several.
		var wg sync.WaitGroup
		keys := make([]*signer.Key, 4)
		for i := range keys {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k, err := signer.NewStore(d, r).Ensure(ctx, signer.UnitOwner("fy411600"))
				if err != nil {
					t.Error(err)
				}
				keys[i] = k
			}()
		}
		wg.Wait()
		for _, k := range keys[1:] {
			if k == nil || keys[0] == nil || k.Fingerprint != keys[0].Fingerprint {
				t.Fatal("concurrent Ensure made different keys")
			}
		}
		k := keys[0]
		msg := []byte("（2021）豫16执123号 协助执行通知书")
		sig, err := k.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		if !k.Verify(msg, sig) {
			t.Error("own signature does not verify")
		}
		pemText, fp, err := s.PublicPEM(ctx, signer.UnitOwner("fy411600"))
		if err != nil || fp != k.Fingerprint || !strings.HasPrefix(pemText, "-----BEGIN PUBLIC KEY-----") {
			t.Fatalf("PublicPEM = %q, %q, %v", pemText, fp, err)
		}
		if ok, err := signer.VerifyPEM(pemText, msg, sig); !ok || err != nil {
			t.Errorf("VerifyPEM = %v, %v", ok, err)
		}
		msg[0] ^= 1
		if ok, _ := signer.VerifyPEM(pemText, msg, sig); ok {
			t.Error("a changed message verifies")
		}
		// The private key is not readable without the key file.
		var sealed string
		if err := d.Read().QueryRowContext(ctx, `SELECT private_sealed FROM signing_keys WHERE owner = $1`, signer.UnitOwner("fy411600")).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sealed, "PRIVATE") {
			t.Error("private key stored in clear")
		}
		if _, err := signer.NewStore(d, ring(t)).Get(ctx, signer.UnitOwner("fy411600")); err == nil {
			t.Error("another key file unsealed the private key")
		}
	})
}

func BenchmarkSign(b *testing.B) {
	d := dbtest.SQLite(b)
	k, err := signer.NewStore(d, ring(b)).Ensure(context.Background(), signer.NodeOwner)
	if err != nil {
		b.Fatal(err)
	}
	msg := make([]byte, 32)
	for b.Loop() {
		if _, err := k.Sign(msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	d := dbtest.SQLite(b)
	k, err := signer.NewStore(d, ring(b)).Ensure(context.Background(), signer.NodeOwner)
	if err != nil {
		b.Fatal(err)
	}
	msg := make([]byte, 32)
	sig, _ := k.Sign(msg)
	for b.Loop() {
		if !k.Verify(msg, sig) {
			b.Fatal("does not verify")
		}
	}
}
