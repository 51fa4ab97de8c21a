package audit

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/workday"
)

// RetentionMonths is how long entries stay online at least (网络安全法
// art. 21: logs kept at least six months).
const RetentionMonths = 6

// ArchiveRecord stands in the database for a range of entries moved to an
// archive file. It is signed by the node key, so the boundary the chain
// resumes from cannot be forged.
type ArchiveRecord struct {
	ID          string
	FirstSeq    int64
	LastSeq     int64
	PrevHash    []byte // chain hash of FirstSeq-1
	LastHash    []byte // chain hash of LastSeq: the chain resumes from here
	Entries     int64
	FileSM3     string // hex SM3 of the archive file's bytes
	CreatedAt   time.Time
	Signature   []byte
	Fingerprint string
}

// archiveFormat names the file format in its header line.
const archiveFormat = "liandong-audit-archive"

// The archive file is JSON Lines: a header, the entries in seq order with
// each signed head right after the entry it covers, and an end line. The
// last head is at the last entry, so the file proves itself with the
// public key in its header; the database record (and its signature) ties
// the file's SM3 to this node.
type archiveHeader struct {
	Type        string `json:"type"` // "header"
	Format      string `json:"format"`
	Version     int    `json:"version"`
	ID          string `json:"id"`
	FirstSeq    int64  `json:"first_seq"`
	LastSeq     int64  `json:"last_seq"`
	PrevHash    string `json:"prev_hash"`
	Before      string `json:"before"`
	CreatedAt   string `json:"created_at"`
	PublicKey   string `json:"public_key"`
	Fingerprint string `json:"fingerprint"`
	Note        string `json:"note"`
}

type archiveEntry struct {
	Type       string `json:"type"` // "entry"
	Seq        int64  `json:"seq"`
	At         string `json:"at"`
	Username   string `json:"username"`
	UnitCode   string `json:"unit_code"`
	Role       string `json:"role"`
	Source     string `json:"source"`
	Action     string `json:"action"`
	Object     string `json:"object"`
	CaseNumber string `json:"case_number"`
	Outcome    string `json:"outcome"`
	Detail     string `json:"detail"`
	Hash       string `json:"hash"`
}

type archiveHead struct {
	Type        string `json:"type"` // "head"
	Seq         int64  `json:"seq"`
	Hash        string `json:"hash"`
	SignedAt    string `json:"signed_at"`
	Signature   string `json:"signature"`
	Fingerprint string `json:"fingerprint"`
}

type archiveEnd struct {
	Type     string `json:"type"` // "end"
	Entries  int64  `json:"entries"`
	LastSeq  int64  `json:"last_seq"`
	LastHash string `json:"last_hash"`
}

// Archive moves the entries older than before (which must be at least six
// months ago) to w and replaces them in the database by a signed archive
// record, so the chain verifies from the record on. It checks the range
// while writing and refuses to archive a chain that does not verify. When
// w has a Sync method (an *os.File) it is synced before the entries are
// deleted. The act is recorded as an "audit.archive" entry by the actor in
// ctx (WithActor). It returns how many entries were archived; 0 when none
// were old enough, and then nothing is written to w.
func (l *Log) Archive(ctx context.Context, before time.Time, w io.Writer) (n int64, err error) {
	now := l.now()
	before = db.Time(before)
	entry := actorEntry(ctx, "audit.archive", "")
	defer func() {
		if err != nil {
			entry.Outcome, entry.Detail = Failed, "归档失败："+userMessage(err)
			if _, rerr := l.Record(context.WithoutCancel(ctx), entry); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
	}()
	if limit := now.AddDate(0, -RetentionMonths, 0); before.After(limit) {
		return 0, apperr.Invalidf("before", "audit.archive_too_recent",
			"审计日志至少在线保存六个月：归档截止时间不能晚于 %s", limit.In(chinaTime()).Format("2006-01-02 15:04"))
	}
	key, err := l.nodeSigner(ctx)
	if err != nil {
		return 0, fmt.Errorf("archive audit log: %w", err)
	}
	hk := sealedKey(key)
	b, err := l.boundary(ctx, hk)
	if err != nil {
		return 0, fmt.Errorf("archive audit log: %w", err)
	}
	last, err := l.archiveEnd(ctx, b.seq, before)
	if err != nil {
		return 0, err
	}
	if last <= b.seq {
		entry.Outcome, entry.Detail = OK, fmt.Sprintf("没有早于 %s 的在线记录，未归档", before.In(chinaTime()).Format("2006-01-02"))
		_, err := l.Record(ctx, entry)
		return 0, err
	}
	// A head exactly at the last archived entry: the file then proves
	// its whole range, and signing checks the chain up to it.
	if _, err := l.signAt(ctx, key, last, nil); err != nil {
		return 0, fmt.Errorf("archive audit log up to %d: %w", last, err)
	}

	rec := ArchiveRecord{FirstSeq: b.seq + 1, LastSeq: last, PrevHash: b.hash[:], CreatedAt: now, Fingerprint: key.Fingerprint}
	rec.ID = fmt.Sprintf("%s-%d-%d", now.Format("20060102T150405Z"), rec.FirstSeq, rec.LastSeq)
	sum := sm3.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, sum), 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(archiveHeader{Type: "header", Format: archiveFormat, Version: 1, ID: rec.ID,
		FirstSeq: rec.FirstSeq, LastSeq: rec.LastSeq, PrevHash: hex.EncodeToString(rec.PrevHash),
		Before: timeText(before), CreatedAt: timeText(now), PublicKey: key.PublicPEM, Fingerprint: key.Fingerprint,
		Note: "周口市法院公安执行协作联动平台审计日志归档。校验：liandong audit verify --archive 本文件"}); err != nil {
		return 0, fmt.Errorf("write audit archive: %w", err)
	}
	res, err := l.walk(ctx, walkSpec{after: b.seq, prev: b.hash, upto: last, heads: &hk,
		onEntry: func(r *record, h *hash) error {
			return enc.Encode(archiveEntry{Type: "entry", Seq: r.Seq, At: timeText(r.At), Username: r.Username, UnitCode: r.UnitCode,
				Role: r.Role, Source: r.Source, Action: r.Action, Object: r.Object, CaseNumber: r.CaseNumber,
				Outcome: string(r.Outcome), Detail: r.Detail, Hash: hex.EncodeToString(h[:])})
		},
		onHead: func(h *Head) error {
			return enc.Encode(archiveHead{Type: "head", Seq: h.Seq, Hash: hex.EncodeToString(h.Hash), SignedAt: timeText(h.SignedAt),
				Signature: hex.EncodeToString(h.Signature), Fingerprint: h.Fingerprint})
		}})
	if err != nil {
		return 0, fmt.Errorf("write audit archive: %w", err)
	}
	if res.fault == nil && (res.last != last || res.lastHead != last) {
		f := tailRemoved(res.last, last)
		res.fault = &f
	}
	if res.fault != nil {
		return 0, &apperr.Error{Kind: apperr.Conflict, Code: "audit.archive_chain_broken",
			Message: "审计日志校验未通过，未归档：" + res.fault.Reason, Err: &TamperError{Report: *res.fault}}
	}
	rec.LastHash, rec.Entries = res.hash[:], res.entries
	if err := enc.Encode(archiveEnd{Type: "end", Entries: rec.Entries, LastSeq: rec.LastSeq, LastHash: hex.EncodeToString(rec.LastHash)}); err != nil {
		return 0, fmt.Errorf("write audit archive: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("write audit archive: %w", err)
	}
	if s, ok := w.(interface{ Sync() error }); ok {
		if err := s.Sync(); err != nil {
			return 0, fmt.Errorf("sync audit archive: %w", err)
		}
	}
	rec.FileSM3 = hex.EncodeToString(sum.Sum(nil))
	if rec.Signature, err = key.Sign(archiveMessage(&rec)); err != nil {
		return 0, fmt.Errorf("sign audit archive record: %w", err)
	}

	entry.Outcome, entry.Object = OK, "archive:"+rec.ID
	entry.Detail = fmt.Sprintf("归档第 %d–%d 条，共 %d 条（早于 %s），文件 SM3 %s",
		rec.FirstSeq, rec.LastSeq, rec.Entries, before.In(chinaTime()).Format("2006-01-02"), rec.FileSM3)
	err = l.db.Tx(ctx, func(tx *sql.Tx) error {
		// Appending first takes the chain lock, which also keeps two
		// archives from running at once.
		if _, err := l.Append(ctx, tx, entry); err != nil {
			return err
		}
		var prevLast sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MAX(last_seq) FROM audit_archives`).Scan(&prevLast); err != nil {
			return fmt.Errorf("read audit archives: %w", err)
		}
		if prevLast.Int64 != b.seq {
			return apperr.New(apperr.Conflict, "audit.archive_concurrent", "另一次归档已先完成，请重新归档")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_archives (id, first_seq, last_seq, prev_hash, last_hash, entries, file_sm3, created_at, signature, fingerprint)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, rec.ID, rec.FirstSeq, rec.LastSeq, rec.PrevHash, rec.LastHash,
			rec.Entries, rec.FileSM3, rec.CreatedAt, rec.Signature, rec.Fingerprint); err != nil {
			return fmt.Errorf("store audit archive record: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit_heads WHERE seq <= $1`, rec.LastSeq); err != nil {
			return fmt.Errorf("remove archived audit heads: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit_entries WHERE seq <= $1`, rec.LastSeq); err != nil {
			return fmt.Errorf("remove archived audit entries: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("archive audit log: %w", err)
	}
	return rec.Entries, nil
}

// archiveEnd is the last seq to archive: the entries after the boundary up
// to the first one at or after before. Clocks of several servers may
// disagree a little, so the range is a prefix of the chain, never a sieve.
func (l *Log) archiveEnd(ctx context.Context, after int64, before time.Time) (int64, error) {
	var first sql.NullInt64
	if err := l.db.Read().QueryRowContext(ctx, `SELECT MIN(seq) FROM audit_entries WHERE seq > $1 AND at >= $2`, after, before).Scan(&first); err != nil {
		return 0, fmt.Errorf("find audit entries to archive: %w", err)
	}
	if first.Valid {
		return first.Int64 - 1, nil
	}
	seq, _, err := l.chainHead(ctx)
	return seq, err
}

// Archives lists the archive records, oldest first.
func (l *Log) Archives(ctx context.Context) ([]ArchiveRecord, error) {
	rows, err := l.db.Read().QueryContext(ctx, `SELECT `+archiveColumns+` FROM audit_archives ORDER BY first_seq`)
	if err != nil {
		return nil, fmt.Errorf("read audit archives: %w", err)
	}
	defer rows.Close()
	var out []ArchiveRecord
	for rows.Next() {
		r, err := scanArchive(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read audit archives: %w", err)
	}
	return out, nil
}

const archiveColumns = `id, first_seq, last_seq, prev_hash, last_hash, entries, file_sm3, created_at, signature, fingerprint`

func scanArchive(row interface{ Scan(...any) error }) (ArchiveRecord, error) {
	var r ArchiveRecord
	if err := row.Scan(&r.ID, &r.FirstSeq, &r.LastSeq, &r.PrevHash, &r.LastHash, &r.Entries, &r.FileSM3, &r.CreatedAt, &r.Signature, &r.Fingerprint); err != nil {
		return r, fmt.Errorf("read audit archive record: %w", err)
	}
	r.CreatedAt = db.Time(r.CreatedAt)
	return r, nil
}

// latestArchive reads the newest archive record, unchecked.
func (l *Log) latestArchive(ctx context.Context) (ArchiveRecord, bool, error) {
	r, err := scanArchive(l.db.Read().QueryRowContext(ctx, `SELECT `+archiveColumns+` FROM audit_archives ORDER BY last_seq DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

// boundary is where the online chain starts: the end of the newest archive
// (its signature checked) or the genesis.
func (l *Log) boundary(ctx context.Context, hk headKey) (anchor, error) {
	r, ok, err := l.latestArchive(ctx)
	if err != nil || !ok {
		return anchor{hash: genesis()}, err
	}
	if f := hk.checkArchive(&r); f != nil {
		return anchor{}, &TamperError{Report: *f}
	}
	h, _ := toHash(r.LastHash)
	return anchor{seq: r.LastSeq, hash: h}, nil
}

// checkArchives checks every archive record and that together they cover
// seq 1 up to the boundary without gaps.
func (l *Log) checkArchives(ctx context.Context, hk headKey) (anchor, int, *Report, error) {
	rows, err := l.db.Read().QueryContext(ctx, `SELECT `+archiveColumns+` FROM audit_archives ORDER BY first_seq`)
	if err != nil {
		return anchor{}, 0, nil, fmt.Errorf("read audit archives: %w", err)
	}
	defer rows.Close()
	at := anchor{hash: genesis()}
	n := 0
	for rows.Next() {
		r, err := scanArchive(rows)
		if err != nil {
			return anchor{}, n, &Report{Problem: ArchiveInvalid, Seq: at.seq + 1,
				Reason:   fmt.Sprintf("第 %d 条之后的归档记录无法读取", at.seq),
				ReasonEN: fmt.Sprintf("the archive record after entry %d is unreadable", at.seq)}, nil
		}
		n++
		if f := hk.checkArchive(&r); f != nil {
			return anchor{}, n, f, nil
		}
		if r.FirstSeq != at.seq+1 || !bytes.Equal(r.PrevHash, at.hash[:]) {
			return anchor{}, n, &Report{Problem: ArchiveInvalid, Seq: at.seq + 1, HeadSeq: r.LastSeq,
				Reason:   fmt.Sprintf("归档记录 %s 与前一段不衔接：第 %d 条起的记录缺失", r.ID, at.seq+1),
				ReasonEN: fmt.Sprintf("archive %s does not follow the previous range: entries from %d are missing", r.ID, at.seq+1)}, nil
		}
		at.seq, at.hash = r.LastSeq, hash(r.LastHash) // checkArchive saw the size
	}
	if err := rows.Err(); err != nil {
		return anchor{}, n, nil, fmt.Errorf("read audit archives: %w", err)
	}
	return at, n, nil, nil
}

// checkArchive reports what is wrong with an archive record's signature.
func (k headKey) checkArchive(r *ArchiveRecord) *Report {
	bad := func(zh, en string) *Report {
		return &Report{Problem: ArchiveInvalid, HeadSeq: r.LastSeq,
			Reason:   fmt.Sprintf("归档记录 %s（第 %d–%d 条）%s", r.ID, r.FirstSeq, r.LastSeq, zh),
			ReasonEN: fmt.Sprintf("archive record %s (entries %d–%d) %s", r.ID, r.FirstSeq, r.LastSeq, en)}
	}
	switch {
	case k.verify == nil:
		return bad("无法核验：节点签名密钥缺失", "cannot be checked: the node key is missing")
	case r.Fingerprint != k.fingerprint:
		return bad("不是本节点密钥签署的", "was not signed by this node's key")
	case len(r.LastHash) != HashSize || len(r.PrevHash) != HashSize || r.LastSeq < r.FirstSeq ||
		!k.verify(archiveMessage(r), r.Signature):
		return bad("签名无效", "has an invalid signature")
	}
	return nil
}

// userMessage is err's Chinese message when it has one.
func userMessage(err error) string {
	if e, ok := apperr.As(err); ok && e.Kind != apperr.Internal {
		return e.Message
	}
	return err.Error()
}

// chinaTime is China Standard Time (UTC+8, no daylight saving), for dates
// shown to people.
func chinaTime() *time.Location { return workday.Location() }
