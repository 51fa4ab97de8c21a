// Package signer keeps SM2 key pairs — one per unit for the documents it
// issues (S-DOC-1) and one for the node (audit heads, exchange envelopes) —
// with private keys sealed at rest, and signs and verifies with them.
//
// Signatures follow GB/T 32918 as OpenSSL 3 does: SM3 over Z_A‖message with
// the default user id 1234567812345678, DER-encoded (r, s). docs/ shows the
// openssl command that verifies them independently.
package signer

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"

	"liandong/internal/db"
	"liandong/internal/keyring"
)

// NodeOwner is the owner name of the node's own key.
const NodeOwner = "node"

// UnitOwner is the owner name of a unit's key.
func UnitOwner(unitCode string) string { return "unit:" + unitCode }

// Key is a loaded key pair.
type Key struct {
	Owner       string
	PublicPEM   string
	Fingerprint string // first 16 bytes of SM3 over the public key DER, hex
	priv        *sm2.PrivateKey
}

// Sign returns the DER signature of msg.
func (k *Key) Sign(msg []byte) ([]byte, error) {
	sig, err := k.priv.Sign(rand.Reader, msg, sm2.DefaultSM2SignerOpts)
	if err != nil {
		return nil, fmt.Errorf("sign with %s key: %w", k.Owner, err)
	}
	return sig, nil
}

// Verify reports whether sig is the key's signature of msg.
func (k *Key) Verify(msg, sig []byte) bool {
	return sm2.VerifyASN1WithSM2(&k.priv.PublicKey, nil, msg, sig)
}

// VerifyPEM checks sig over msg with a PEM public key, as anyone holding
// the exported key can.
func VerifyPEM(publicPEM string, msg, sig []byte) (bool, error) {
	block, _ := pem.Decode([]byte(publicPEM))
	if block == nil || block.Type != "PUBLIC KEY" {
		return false, errors.New("verify: not a PEM public key")
	}
	pub, err := smx509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return false, fmt.Errorf("verify: parse public key: %w", err)
	}
	ecpub, ok := pub.(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return false, errors.New("verify: not an SM2 public key")
	}
	return sm2.VerifyASN1WithSM2(ecpub, nil, msg, sig), nil
}

// Store loads and creates keys. Loaded keys are cached: they never change
// once created.
type Store struct {
	db    *db.DB
	ring  *keyring.Ring
	mu    sync.Mutex
	cache map[string]*Key
}

// NewStore returns a key store on d, sealing private keys with ring.
func NewStore(d *db.DB, ring *keyring.Ring) *Store {
	return &Store{db: d, ring: ring, cache: map[string]*Key{}}
}

// Ensure returns owner's key, creating it on first use.
func (s *Store) Ensure(ctx context.Context, owner string) (*Key, error) {
	if k, err := s.Get(ctx, owner); err == nil || !errors.Is(err, ErrNoKey) {
		return k, err
	}
	priv, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate SM2 key for %s: %w", owner, err)
	}
	der, err := smx509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("marshal SM2 key for %s: %w", owner, err)
	}
	sealed, err := s.ring.Seal(der, []byte("signing_keys:"+owner))
	if err != nil {
		return nil, err
	}
	pubPEM, fp, err := publicPEM(&priv.PublicKey)
	if err != nil {
		return nil, err
	}
	_, err = s.db.Write().ExecContext(ctx, `INSERT INTO signing_keys (owner, public_pem, fingerprint, private_sealed, created_at) VALUES ($1, $2, $3, $4, $5)`,
		owner, pubPEM, fp, sealed, db.Now())
	if err != nil && !db.IsUniqueViolation(err) { // another server made it first: use theirs
		return nil, fmt.Errorf("store SM2 key for %s: %w", owner, err)
	}
	return s.Get(ctx, owner)
}

// ErrNoKey means the owner has no key yet.
var ErrNoKey = errors.New("no signing key")

// Get returns owner's key, or ErrNoKey.
func (s *Store) Get(ctx context.Context, owner string) (*Key, error) {
	s.mu.Lock()
	k, ok := s.cache[owner]
	s.mu.Unlock()
	if ok {
		return k, nil
	}
	var pubPEM, fp, sealed string
	err := s.db.Read().QueryRowContext(ctx, `SELECT public_pem, fingerprint, private_sealed FROM signing_keys WHERE owner = $1`, owner).Scan(&pubPEM, &fp, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w", owner, ErrNoKey)
	}
	if err != nil {
		return nil, fmt.Errorf("read SM2 key of %s: %w", owner, err)
	}
	der, err := s.ring.Open(sealed, []byte("signing_keys:"+owner))
	if err != nil {
		return nil, fmt.Errorf("unseal SM2 key of %s: %w", owner, err)
	}
	anyKey, err := smx509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("parse SM2 key of %s: %w", owner, err)
	}
	priv, ok := anyKey.(*sm2.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("key of %s is not SM2", owner)
	}
	k = &Key{Owner: owner, PublicPEM: pubPEM, Fingerprint: fp, priv: priv}
	s.mu.Lock()
	s.cache[owner] = k
	s.mu.Unlock()
	return k, nil
}

// PublicPEM returns owner's public key in PEM without unsealing anything,
// for export and for verifiers.
func (s *Store) PublicPEM(ctx context.Context, owner string) (pemText, fingerprint string, err error) {
	err = s.db.Read().QueryRowContext(ctx, `SELECT public_pem, fingerprint FROM signing_keys WHERE owner = $1`, owner).Scan(&pemText, &fingerprint)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("%s: %w", owner, ErrNoKey)
	}
	if err != nil {
		return "", "", fmt.Errorf("read public key of %s: %w", owner, err)
	}
	return pemText, fingerprint, nil
}

func publicPEM(pub any) (string, string, error) {
	der, err := smx509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", "", fmt.Errorf("marshal SM2 public key: %w", err)
	}
	sum := sm3.Sum(der)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), hex.EncodeToString(sum[:16]), nil
}
