package audit

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Problem classifies what verification found.
type Problem string

const (
	NoProblem       Problem = ""
	EntryAltered    Problem = "entry_altered"     // an entry's content no longer gives its stored hash
	EntryMissing    Problem = "entry_missing"     // a seq is missing: an entry was deleted
	EntryUnreadable Problem = "entry_unreadable"  // a stored value has the wrong type or form
	HeadInvalid     Problem = "head_invalid"      // a head's signature or key does not hold
	HeadMismatch    Problem = "head_mismatch"     // the chain was rewritten under a signed head
	TailRemoved     Problem = "tail_removed"      // entries at the end were deleted
	ChainHeadBroken Problem = "chain_head_broken" // the chain-head row does not match the entries
	ArchiveInvalid  Problem = "archive_invalid"   // an archive record is forged, altered or missing
	KeyMissing      Problem = "key_missing"       // heads exist but the node key does not
)

// Report is the outcome of Verify.
type Report struct {
	OK      bool
	Problem Problem
	// Seq is the first entry that does not verify; 0 when the fault is not
	// one entry's (a rewrite under a signed head, a removed tail).
	Seq int64
	// HeadSeq is the signed head (or archive end) the fault concerns.
	HeadSeq  int64
	Reason   string // Chinese, names the entry or head
	ReasonEN string

	FirstSeq, LastSeq int64 // online entries checked
	Entries           int64
	Heads             int64 // signed heads checked
	LastHead          int64 // seq of the newest signed head
	Unsigned          int64 // entries after the newest signed head
	Archives          int   // archive records checked
	ArchivedTo        int64 // entries up to this seq are in archive files
	KeyFingerprint    string
	// KeySealed is true when heads were checked with the node key opened
	// from the key file; false when only the public key stored in the
	// database was available, which does not catch a replaced key.
	KeySealed bool
	Elapsed   time.Duration
}

// String is the reason, in Chinese and English, or a success line.
func (r Report) String() string {
	if r.OK {
		return fmt.Sprintf("审计日志完整，共核验 %d 条记录 / audit log verified, %d entries", r.Entries, r.Entries)
	}
	return r.Reason + " / " + r.ReasonEN
}

// TamperError is returned when an operation (signing a head, archiving)
// meets a chain that does not verify.
type TamperError struct{ Report Report }

func (e *TamperError) Error() string { return "the audit log does not verify: " + e.Report.ReasonEN }

// Verify recomputes the whole online chain from the last archive boundary,
// checks every signed head and archive record, and reports the first fault
// in seq order. It reads in batches and keeps constant memory. progress,
// when given, is called after each batch. Entries appended while it runs
// are left for the next run.
func (l *Log) Verify(ctx context.Context, progress func(done, total int64)) (Report, error) {
	rep, err := l.verifyOnce(ctx, progress)
	if err == nil && !rep.OK {
		// An archive committed during the run removes entries the run
		// expected; run once more from the new boundary before crying wolf.
		again := false
		if b, ok, qerr := l.latestArchive(ctx); qerr == nil && ok && b.LastSeq > rep.ArchivedTo {
			again = true
		}
		if again {
			return l.verifyOnce(ctx, progress)
		}
	}
	return rep, err
}

func (l *Log) verifyOnce(ctx context.Context, progress func(done, total int64)) (Report, error) {
	start := time.Now()
	hk, err := l.nodeKey(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("verify audit log: %w", err)
	}
	rep := Report{KeyFingerprint: hk.fingerprint, KeySealed: hk.sealed}
	done := func(f *Report) (Report, error) {
		rep.Elapsed = time.Since(start)
		if f != nil {
			rep.Problem, rep.Seq, rep.HeadSeq, rep.Reason, rep.ReasonEN = f.Problem, f.Seq, f.HeadSeq, f.Reason, f.ReasonEN
			return rep, nil
		}
		rep.OK = true
		return rep, nil
	}

	b, n, fault, err := l.checkArchives(ctx, hk)
	if err != nil {
		return Report{}, fmt.Errorf("verify audit log: %w", err)
	}
	rep.Archives, rep.ArchivedTo = n, b.seq
	if fault != nil {
		return done(fault)
	}
	cseq, clast, err := l.chainHead(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("verify audit log: %w", err)
	}
	if cseq < b.seq {
		return done(&Report{Problem: ChainHeadBroken, Seq: b.seq,
			Reason:   fmt.Sprintf("链头记录（第 %d 条）落后于已归档的第 %d 条", cseq, b.seq),
			ReasonEN: fmt.Sprintf("the chain head row (seq %d) is behind the archived seq %d", cseq, b.seq)})
	}

	res, err := l.walk(ctx, walkSpec{after: b.seq, prev: b.hash, upto: cseq, heads: &hk, progress: progress})
	if err != nil {
		return Report{}, fmt.Errorf("verify audit log: %w", err)
	}
	rep.Entries, rep.Heads, rep.LastHead = res.entries, res.heads, res.lastHead
	if res.entries > 0 {
		rep.FirstSeq, rep.LastSeq = b.seq+1, res.last
	}
	if res.fault != nil {
		return done(res.fault)
	}
	if res.last < cseq {
		f := chainTailRemoved(res.last, cseq)
		return done(&f)
	}
	if !(cseq == 0 && len(clast) == 0) && !bytes.Equal(clast, res.hash[:]) {
		f := chainRowMismatch(cseq)
		return done(&f)
	}

	// Every committed entry moved the chain head in its transaction, so
	// the head read after the entries is at or past the newest entry; an
	// entry beyond it was inserted around Append.
	var maxSeq sql.NullInt64
	if err := l.db.Read().QueryRowContext(ctx, `SELECT MAX(seq) FROM audit_entries`).Scan(&maxSeq); err != nil {
		return Report{}, fmt.Errorf("verify audit log: %w", err)
	}
	nowSeq, _, err := l.chainHead(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("verify audit log: %w", err)
	}
	if maxSeq.Int64 > nowSeq {
		return done(&Report{Problem: ChainHeadBroken, Seq: nowSeq + 1,
			Reason:   fmt.Sprintf("第 %d 条之后的记录不在链上：链头记为第 %d 条，日志却到第 %d 条", nowSeq, nowSeq, maxSeq.Int64),
			ReasonEN: fmt.Sprintf("entries after %d were inserted outside the chain: the chain head says %d, the log goes to %d", nowSeq, nowSeq, maxSeq.Int64)})
	}

	// Heads signed after the chain head was read cover entries this run
	// did not read; the newest of them must still name an existing entry
	// with the hash it signed, or the tail it covered was cut off.
	newest, ok, err := l.headBefore(ctx, cseq, -1)
	var te *TamperError
	if errors.As(err, &te) {
		return done(&te.Report)
	}
	if err != nil {
		return Report{}, fmt.Errorf("verify audit log: %w", err)
	}
	if ok {
		if f := hk.check(&newest); f != nil {
			return done(f)
		}
		var stored []byte
		err := l.db.Read().QueryRowContext(ctx, `SELECT hash FROM audit_entries WHERE seq = $1`, newest.Seq).Scan(&stored)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			f := tailRemoved(res.last, newest.Seq)
			return done(&f)
		case err != nil:
			return Report{}, fmt.Errorf("verify audit log: %w", err)
		case !bytes.Equal(stored, newest.Hash):
			return done(&Report{Problem: HeadMismatch, HeadSeq: newest.Seq,
				Reason:   fmt.Sprintf("第 %d 条处的签名链头与日志不符：第 %d–%d 条之间的记录被改写", newest.Seq, cseq+1, newest.Seq),
				ReasonEN: fmt.Sprintf("the signed head at %d does not match the chain: entries %d–%d were rewritten", newest.Seq, cseq+1, newest.Seq)})
		}
		rep.LastHead = newest.Seq
	}
	if signed := max(rep.LastHead, b.seq); cseq > signed {
		rep.Unsigned = cseq - signed
	}
	return done(nil)
}

// walkSpec says which part of the chain to walk and what to do on the way.
type walkSpec struct {
	after int64 // the walk starts after this seq …
	prev  hash  // … whose chain hash is this
	upto  int64 // and reads entries up to this seq
	// heads, when set, checks the signed heads in (after, upto] with this
	// key against the recomputed chain.
	heads    *headKey
	onEntry  func(r *record, h *hash) error // e.g. write to an archive
	onHead   func(h *Head) error
	progress func(done, total int64)
}

type walkResult struct {
	last     int64 // the last entry read
	hash     hash  // its recomputed chain hash
	entries  int64
	heads    int64
	lastHead int64
	fault    *Report // the first fault, nil when the walk found none
}

// walkBatch is how many entries one query reads.
const walkBatch = 5000

// walk recomputes the chain over entries (after, upto] and stops at the
// first fault.
func (l *Log) walk(ctx context.Context, s walkSpec) (walkResult, error) {
	res := walkResult{last: s.after, hash: s.prev, lastHead: s.after}
	heads := headCursor{l: l, after: s.after, upto: s.upto, on: s.heads != nil}
	if err := heads.fill(ctx); err != nil {
		return res, err
	}
	q := `SELECT seq, ` + l.sql.atColumn + `, ` + entryColumns + ` FROM audit_entries WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`
	var (
		ch  chainer
		raw rawRow
	)
	dest := raw.dest()
	total := s.upto - s.after
	for {
		n, err := l.walkBatch(ctx, q, &res, &s, &heads, &ch, &raw, dest)
		if err != nil || res.fault != nil {
			return res, err
		}
		if s.progress != nil {
			s.progress(res.last-s.after, total)
		}
		if n < walkBatch {
			break
		}
	}
	// A head beyond the last entry covers entries that are gone.
	if h, ok := heads.peek(); ok {
		f := tailRemoved(res.last, h.Seq)
		res.fault = &f
	}
	return res, nil
}

// walkBatch reads and checks one batch, returning how many rows it read.
func (l *Log) walkBatch(ctx context.Context, q string, res *walkResult, s *walkSpec, heads *headCursor, ch *chainer, raw *rawRow, dest []any) (int, error) {
	rows, err := l.db.Read().QueryContext(ctx, q, res.last, s.upto, walkBatch)
	if err != nil {
		return 0, fmt.Errorf("read audit entries after %d: %w", res.last, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		if err := rows.Scan(dest...); err != nil {
			return n, fmt.Errorf("read audit entry after %d: %w", res.last, err)
		}
		rec, problem := raw.record(l.sql.sqlite)
		if problem != nil {
			seq := rec.Seq
			if seq == 0 {
				seq = res.last + 1
			}
			res.fault = &Report{Problem: EntryUnreadable, Seq: seq,
				Reason:   fmt.Sprintf("第 %d 条记录无法读取：%s", seq, problem.zh),
				ReasonEN: fmt.Sprintf("entry %d is unreadable: %s", seq, problem.en)}
			if problem.altered {
				res.fault = &Report{Problem: EntryAltered, Seq: seq,
					Reason:   fmt.Sprintf("第 %d 条记录内容与哈希不符：%s", seq, problem.zh),
					ReasonEN: fmt.Sprintf("entry %d does not match its hash: %s", seq, problem.en)}
			}
			return n, nil
		}
		if rec.Seq != res.last+1 {
			res.fault = &Report{Problem: EntryMissing, Seq: res.last + 1,
				Reason:   fmt.Sprintf("第 %d 条记录缺失（被删除），其后是第 %d 条", res.last+1, rec.Seq),
				ReasonEN: fmt.Sprintf("entry %d is missing (deleted); the next entry is %d", res.last+1, rec.Seq)}
			return n, nil
		}
		h := ch.next(&res.hash, &rec.Entry)
		if !bytes.Equal(h[:], rec.hash) {
			res.fault = &Report{Problem: EntryAltered, Seq: rec.Seq,
				Reason:   fmt.Sprintf("第 %d 条记录内容与哈希不符", rec.Seq),
				ReasonEN: fmt.Sprintf("entry %d does not match its hash", rec.Seq)}
			return n, nil
		}
		prevHead := res.lastHead
		res.last, res.hash = rec.Seq, h
		res.entries++
		if s.onEntry != nil {
			if err := s.onEntry(&rec, &h); err != nil {
				return n, err
			}
		}
		for {
			hd, ok := heads.peek()
			if !ok || hd.Seq > rec.Seq {
				break
			}
			// Heads are keyed by seq and entries have no gaps up to
			// here, so a head at or before rec.Seq is at rec.Seq.
			if hd.problem != nil {
				res.fault = unreadableHead(hd.Seq, hd.problem)
				return n, nil
			}
			if f := s.heads.check(&hd.Head); f != nil {
				res.fault = f
				return n, nil
			}
			if !bytes.Equal(hd.Hash, h[:]) {
				res.fault = &Report{Problem: HeadMismatch, HeadSeq: hd.Seq,
					Reason:   fmt.Sprintf("第 %d 条处的签名链头与日志不符：第 %d–%d 条之间的记录被改写", hd.Seq, prevHead+1, hd.Seq),
					ReasonEN: fmt.Sprintf("the signed head at %d does not match the chain: entries %d–%d were rewritten", hd.Seq, prevHead+1, hd.Seq)}
				return n, nil
			}
			res.heads++
			res.lastHead = hd.Seq
			if s.onHead != nil {
				if err := s.onHead(&hd.Head); err != nil {
					return n, err
				}
			}
			if err := heads.pop(ctx); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("read audit entries after %d: %w", res.last, err)
	}
	return n, nil
}

// headCursor streams the heads in (after, upto] in seq order, a batch at a
// time. A head that cannot be read becomes a finding, not an error.
type headCursor struct {
	l           *Log
	after, upto int64
	on          bool
	buf         []headRow
	i           int
	done        bool
}

// headRow is a head as read, with what is wrong with it.
type headRow struct {
	Head
	problem *why
}

const headBatch = 1000

func (c *headCursor) fill(ctx context.Context) error {
	c.buf, c.i = c.buf[:0], 0
	if !c.on || c.done {
		return nil
	}
	rows, err := c.l.db.Read().QueryContext(ctx, `SELECT `+headColumns+` FROM audit_heads
		WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`, c.after, c.upto, headBatch)
	if err != nil {
		return fmt.Errorf("read audit heads after %d: %w", c.after, err)
	}
	defer rows.Close()
	var raw rawHead
	dest := raw.dest()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("read audit head after %d: %w", c.after, err)
		}
		h, problem := raw.head()
		if problem != nil && h.Seq == 0 {
			h.Seq = c.after + 1
		}
		c.buf = append(c.buf, headRow{h, problem})
		c.after = h.Seq
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read audit heads: %w", err)
	}
	c.done = len(c.buf) < headBatch
	return nil
}

func (c *headCursor) peek() (headRow, bool) {
	if c.i >= len(c.buf) {
		return headRow{}, false
	}
	return c.buf[c.i], true
}

func (c *headCursor) pop(ctx context.Context) error {
	c.i++
	if c.i >= len(c.buf) {
		return c.fill(ctx)
	}
	return nil
}

func tailRemoved(last, head int64) Report {
	return Report{Problem: TailRemoved, Seq: last + 1, HeadSeq: head,
		Reason:   fmt.Sprintf("签名链头位于第 %d 条，但日志只到第 %d 条：第 %d 条起的记录被删除", head, last, last+1),
		ReasonEN: fmt.Sprintf("entries after the last signed head were removed: the head at %d covers them, the log ends at %d", head, last)}
}

func chainRowMismatch(seq int64) Report {
	return Report{Problem: ChainHeadBroken, Seq: seq,
		Reason:   fmt.Sprintf("链头记录与第 %d 条记录的哈希不符", seq),
		ReasonEN: fmt.Sprintf("the chain head row does not match entry %d", seq)}
}

func chainTailRemoved(last, chainSeq int64) Report {
	return Report{Problem: TailRemoved, Seq: last + 1,
		Reason:   fmt.Sprintf("日志末尾的记录被删除：第 %d 条起缺失（链头记为第 %d 条，日志只到第 %d 条）", last+1, chainSeq, last),
		ReasonEN: fmt.Sprintf("entries after the last signed head were removed: entries from %d are missing (the chain head says %d, the log ends at %d)", last+1, chainSeq, last)}
}

func unreadableHead(seq int64, problem *why) *Report {
	return &Report{Problem: HeadInvalid, HeadSeq: seq,
		Reason:   fmt.Sprintf("第 %d 条处的签名链头无法读取：%s", seq, problem.zh),
		ReasonEN: fmt.Sprintf("the signed head at %d is unreadable: %s", seq, problem.en)}
}
