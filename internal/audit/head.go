package audit

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"liandong/internal/signer"
)

// Head is a signed statement by the node: "entry Seq of this log has chain
// hash Hash". A database administrator can recompute hashes but cannot make
// a head for them: the private key is sealed with the key file.
type Head struct {
	Seq         int64
	Hash        []byte // chain hash of entry Seq (SM3, 32 bytes)
	SignedAt    time.Time
	Signature   []byte // SM2 (GB/T 32918, DER) over the canonical head message
	Fingerprint string // the signing key's fingerprint (signer.Key.Fingerprint)
}

// SignHead signs the current head of the chain now and stores it. Before
// signing it recomputes the chain from the last signed head (or archive
// boundary): the node never signs a chain it has not checked, so a rewrite
// in the database cannot be blessed by the next head. A chain that does not
// check out yields a *TamperError. On an empty log it signs nothing and
// returns a Head with Seq 0. When the head is already signed it returns the
// existing one.
func (l *Log) SignHead(ctx context.Context) (Head, error) {
	key, err := l.nodeSigner(ctx)
	if err != nil {
		return Head{}, fmt.Errorf("sign audit head: %w", err)
	}
	for attempt := 0; ; attempt++ {
		seq, last, err := l.chainHead(ctx)
		if err != nil {
			return Head{}, fmt.Errorf("sign audit head: %w", err)
		}
		if seq == 0 {
			return Head{}, nil
		}
		before, _, _ := l.latestArchive(ctx)
		h, err := l.signAt(ctx, key, seq, last)
		var te *TamperError
		if attempt == 0 && errors.As(err, &te) {
			// An archive committed meanwhile removes entries the walk
			// expected: try once more from the new boundary.
			if now, ok, qerr := l.latestArchive(ctx); qerr == nil && ok && now.LastSeq > before.LastSeq {
				continue
			}
		}
		return h, err
	}
}

// LatestHead returns the newest signed head as stored (unchecked), or a
// Head with Seq 0 when none has been signed.
func (l *Log) LatestHead(ctx context.Context) (Head, error) {
	h, ok, err := l.headBefore(ctx, 0, -1)
	if err != nil || !ok {
		return Head{}, err
	}
	return h, nil
}

// chainHead reads the committed chain-head row.
func (l *Log) chainHead(ctx context.Context) (int64, []byte, error) {
	var (
		seq  int64
		last []byte
	)
	if err := l.db.Read().QueryRowContext(ctx, `SELECT seq, hash FROM audit_chain WHERE id = 1`).Scan(&seq, &last); err != nil {
		return 0, nil, fmt.Errorf("read the audit chain head: %w", err)
	}
	return seq, last, nil
}

// signAt signs the chain at entry target, after checking every entry since
// the last trusted point. want, when given, is the hash the chain-head row
// claims for target.
func (l *Log) signAt(ctx context.Context, key *signer.Key, target int64, want []byte) (Head, error) {
	hk := sealedKey(key)
	base, err := l.base(ctx, hk, target)
	if err != nil {
		return Head{}, err
	}
	got := base.hash
	if base.seq < target {
		res, err := l.walk(ctx, walkSpec{after: base.seq, prev: base.hash, upto: target})
		if err != nil {
			return Head{}, fmt.Errorf("sign audit head at %d: %w", target, err)
		}
		if res.fault != nil {
			return Head{}, &TamperError{Report: *res.fault}
		}
		if res.last != target {
			return Head{}, &TamperError{Report: tailRemoved(res.last, target)}
		}
		got = res.hash
	}
	if want != nil && !bytes.Equal(want, got[:]) {
		return Head{}, &TamperError{Report: chainRowMismatch(target)}
	}
	if base.seq == target && base.head != nil {
		return *base.head, nil
	}
	h := Head{Seq: target, Hash: got[:], SignedAt: l.now(), Fingerprint: key.Fingerprint}
	if h.Signature, err = key.Sign(headMessage(h.Seq, h.Hash, h.SignedAt, h.Fingerprint)); err != nil {
		return Head{}, fmt.Errorf("sign audit head at %d: %w", target, err)
	}
	// Two servers may sign the same head; the first one stays.
	if _, err := l.db.Write().ExecContext(ctx, `INSERT INTO audit_heads (seq, hash, signed_at, signature, fingerprint) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (seq) DO NOTHING`, h.Seq, h.Hash, h.SignedAt, h.Signature, h.Fingerprint); err != nil {
		return Head{}, fmt.Errorf("store audit head at %d: %w", target, err)
	}
	l.noteSigned(h.Seq)
	if l.opts.OnHead != nil {
		l.opts.OnHead(h)
	}
	return h, nil
}

// anchor is a trusted point of the chain: a checked signed head, the end of
// the last archive, or the start.
type anchor struct {
	seq  int64
	hash hash
	head *Head // when the anchor is a signed head
}

// base finds the newest trusted point at or before target.
func (l *Log) base(ctx context.Context, hk headKey, target int64) (anchor, error) {
	b, err := l.boundary(ctx, hk)
	if err != nil {
		return anchor{}, err
	}
	h, ok, err := l.headBefore(ctx, b.seq, target)
	if err != nil || !ok {
		return b, err
	}
	if f := hk.check(&h); f != nil {
		return anchor{}, &TamperError{Report: *f}
	}
	hh, _ := toHash(h.Hash) // check saw the size
	return anchor{seq: h.Seq, hash: hh, head: &h}, nil
}

// headBefore reads the newest head with after < seq ≤ upto (no upper bound
// when upto < 0). A head that cannot be read is a *TamperError.
func (l *Log) headBefore(ctx context.Context, after, upto int64) (Head, bool, error) {
	if upto < 0 {
		upto = 1<<63 - 1
	}
	var raw rawHead
	err := l.db.Read().QueryRowContext(ctx, `SELECT `+headColumns+` FROM audit_heads WHERE seq > $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1`,
		after, upto).Scan(raw.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return Head{}, false, nil
	}
	if err != nil {
		return Head{}, false, fmt.Errorf("read audit heads: %w", err)
	}
	h, problem := raw.head()
	if problem != nil {
		return Head{}, false, &TamperError{Report: *unreadableHead(h.Seq, problem)}
	}
	return h, true, nil
}

// headKey checks heads and archive records with the node's key.
type headKey struct {
	fingerprint string
	verify      func(msg, sig []byte) bool // nil: the node has no key
	// sealed is true when the key came from the sealed private key (the
	// key file opened it), false when only the public key stored in the
	// database was at hand — which a database administrator could replace.
	sealed bool
}

func sealedKey(k *signer.Key) headKey {
	return headKey{fingerprint: k.Fingerprint, verify: k.Verify, sealed: true}
}

// nodeKey loads the key to check heads with: the sealed private key when
// the key file opens it, else the public key in the database.
func (l *Log) nodeKey(ctx context.Context) (headKey, error) {
	if l.keys != nil {
		k, err := l.keys.Get(ctx, signer.NodeOwner)
		switch {
		case err == nil:
			return sealedKey(k), nil
		case errors.Is(err, signer.ErrNoKey):
			return headKey{}, nil
		}
		l.opts.Logger.Warn("audit: the key file does not open the node key; checking heads with the public key in the database", "err", err)
	}
	var pemText, fp string
	err := l.db.Read().QueryRowContext(ctx, `SELECT public_pem, fingerprint FROM signing_keys WHERE owner = $1`, signer.NodeOwner).Scan(&pemText, &fp)
	if errors.Is(err, sql.ErrNoRows) {
		return headKey{}, nil
	}
	if err != nil {
		return headKey{}, fmt.Errorf("read the node's public key: %w", err)
	}
	return headKey{fingerprint: fp, verify: func(msg, sig []byte) bool {
		ok, err := signer.VerifyPEM(pemText, msg, sig)
		return err == nil && ok
	}}, nil
}

// check reports what is wrong with a head's signature, nil when it holds.
func (k headKey) check(h *Head) *Report {
	switch {
	case k.verify == nil:
		return &Report{Problem: KeyMissing, HeadSeq: h.Seq,
			Reason:   fmt.Sprintf("节点签名密钥缺失，无法核验第 %d 条处的签名链头", h.Seq),
			ReasonEN: fmt.Sprintf("the node key is missing: the signed head at %d cannot be checked", h.Seq)}
	case h.Fingerprint != k.fingerprint:
		return &Report{Problem: HeadInvalid, HeadSeq: h.Seq,
			Reason:   fmt.Sprintf("第 %d 条处的签名链头不是本节点密钥签署的（指纹 %s）", h.Seq, h.Fingerprint),
			ReasonEN: fmt.Sprintf("the signed head at %d was not signed by this node's key (fingerprint %s)", h.Seq, h.Fingerprint)}
	case len(h.Hash) != HashSize || !k.verify(headMessage(h.Seq, h.Hash, h.SignedAt, h.Fingerprint), h.Signature):
		return &Report{Problem: HeadInvalid, HeadSeq: h.Seq,
			Reason:   fmt.Sprintf("第 %d 条处的签名链头签名无效", h.Seq),
			ReasonEN: fmt.Sprintf("the signed head at %d has an invalid signature", h.Seq)}
	}
	return nil
}

// Run signs heads until ctx ends: when HeadEvery entries have come since
// the last head, and at every HeadInterval when any have. When ctx ends it
// signs a last head (the shutdown head) and returns. Failures are logged;
// a chain that does not check out is logged as an error every time.
func (l *Log) Run(ctx context.Context) {
	tick := time.NewTicker(l.opts.HeadInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			done, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			l.signLogged(done, "shutdown")
			cancel()
			return
		case <-l.nudge:
			if l.due(ctx) {
				l.signLogged(ctx, "count")
			}
		case <-tick.C:
			l.signLogged(ctx, "interval")
		}
	}
}

// due reports whether HeadEvery entries follow the newest head.
func (l *Log) due(ctx context.Context) bool {
	seq, _, err := l.chainHead(ctx)
	if err != nil {
		l.opts.Logger.Warn("audit: read the chain head", "err", err)
		return false
	}
	h, err := l.LatestHead(ctx)
	if err != nil {
		l.opts.Logger.Warn("audit: read the latest head", "err", err)
		return false
	}
	l.noteSigned(h.Seq)
	return seq-h.Seq >= l.opts.HeadEvery
}

func (l *Log) signLogged(ctx context.Context, why string) {
	h, err := l.SignHead(ctx)
	var te *TamperError
	switch {
	case errors.As(err, &te):
		l.opts.Logger.Error("audit: the audit log does not verify; no head signed", "why", why, "problem", te.Report.Problem, "seq", te.Report.Seq, "head", te.Report.HeadSeq, "reason", te.Report.ReasonEN)
	case err != nil && ctx.Err() == nil:
		l.opts.Logger.Warn("audit: sign head", "why", why, "err", err)
	case err == nil && h.Seq > 0:
		l.opts.Logger.Debug("audit: head signed", "why", why, "seq", h.Seq)
	}
}

// noteSigned records that a head at seq exists.
func (l *Log) noteSigned(seq int64) {
	for {
		old := l.signed.Load()
		if seq <= old || l.signed.CompareAndSwap(old, seq) {
			return
		}
	}
}

// nodeSigner loads (or on first use creates) the node key for signing.
func (l *Log) nodeSigner(ctx context.Context) (*signer.Key, error) {
	if l.keys == nil {
		return nil, errors.New("the audit log has no key store: it can verify but not sign")
	}
	return l.keys.Ensure(ctx, signer.NodeOwner)
}
