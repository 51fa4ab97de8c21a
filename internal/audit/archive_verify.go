package audit

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
)

// ArchiveReport is the outcome of checking an archive file.
type ArchiveReport struct {
	OK                bool
	ID                string
	FirstSeq, LastSeq int64
	Entries, Heads    int64
	PrevHash          []byte
	LastHash          []byte
	// Fingerprint is computed from the public key in the file's header.
	// The file proves itself with that key; whether the key is this
	// node's is for CheckArchive (or the reader) to compare.
	Fingerprint string
	SM3         string // hex SM3 of the whole file, as the archive record holds it
	Seq         int64  // the first entry (or head) that does not verify
	Reason      string // Chinese
	ReasonEN    string
}

// archiveLine is any line of an archive file, for reading.
type archiveLine struct {
	archiveEntry
	// header
	Format      string `json:"format"`
	Version     int    `json:"version"`
	ID          string `json:"id"`
	FirstSeq    int64  `json:"first_seq"`
	LastSeq     int64  `json:"last_seq"`
	PrevHash    string `json:"prev_hash"`
	PublicKey   string `json:"public_key"`
	Fingerprint string `json:"fingerprint"`
	// head
	SignedAt  string `json:"signed_at"`
	Signature string `json:"signature"`
	// end
	Entries  int64  `json:"entries"`
	LastHash string `json:"last_hash"`
}

// maxArchiveLine bounds one line (an entry is at most a few KiB).
const maxArchiveLine = 1 << 20

// VerifyArchive reads an archive file written by Archive and checks it on
// its own: every entry's hash chains from the header's previous hash, every
// head is signed by the header's key and matches the chain, and the last
// entry is covered by a head. It needs no database. A file that does not
// verify gives a report with OK false; the error is for reading failures.
func VerifyArchive(r io.Reader) (ArchiveReport, error) {
	sum := sm3.New()
	br := bufio.NewReaderSize(io.TeeReader(r, sum), 64<<10)
	var rep ArchiveReport
	bad := func(seq int64, zh, en string) (ArchiveReport, error) {
		rep.OK, rep.Seq, rep.Reason, rep.ReasonEN = false, seq, zh, en
		return rep, nil
	}

	var (
		line    archiveLine
		lineNo  int
		pub     *ecdsa.PublicKey
		prev    hash
		ch      chainer
		last    int64 // last entry seq
		lastHd  int64 // last head seq
		ended   bool
		started bool
	)
	for {
		raw, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			raw, err = readLongLine(br, raw)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return rep, fmt.Errorf("read audit archive: %w", err)
		}
		eof := errors.Is(err, io.EOF)
		if len(bytes.TrimSpace(raw)) == 0 {
			if eof {
				break
			}
			continue
		}
		lineNo++
		if ended {
			return bad(last, fmt.Sprintf("第 %d 行：结束行之后还有内容", lineNo), fmt.Sprintf("line %d: content after the end line", lineNo))
		}
		line = archiveLine{}
		if err := json.Unmarshal(raw, &line); err != nil {
			return bad(last+1, fmt.Sprintf("第 %d 行不是有效的 JSON", lineNo), fmt.Sprintf("line %d is not valid JSON", lineNo))
		}
		if !started && line.Type != "header" {
			return bad(0, "文件不以归档头开始，不是审计日志归档", "the file does not start with an archive header")
		}
		switch line.Type {
		case "header":
			if started {
				return bad(last+1, fmt.Sprintf("第 %d 行：重复的归档头", lineNo), fmt.Sprintf("line %d: a second header", lineNo))
			}
			started = true
			if line.Format != archiveFormat || line.Version != 1 {
				return bad(0, fmt.Sprintf("不支持的归档格式 %q 版本 %d", line.Format, line.Version), fmt.Sprintf("unsupported archive format %q version %d", line.Format, line.Version))
			}
			rep.ID, rep.FirstSeq, rep.LastSeq = line.ID, line.FirstSeq, line.LastSeq
			p, ok := decodeHash(line.PrevHash)
			if !ok {
				return bad(0, "归档头中的前一哈希无效", "the header's previous hash is invalid")
			}
			prev, rep.PrevHash = p, p[:]
			if pub, rep.Fingerprint, err = parsePublicKey(line.PublicKey); err != nil {
				return bad(0, "归档头中的公钥无效", "the header's public key is invalid: "+err.Error())
			}
			last = line.FirstSeq - 1
		case "entry":
			e := Entry{Seq: line.Seq, Username: line.Username, UnitCode: line.UnitCode, Role: line.Role, Source: line.Source,
				Action: line.Action, Object: line.Object, CaseNumber: line.CaseNumber, Outcome: Outcome(line.Outcome), Detail: line.Detail}
			if line.Seq != last+1 {
				return bad(last+1, fmt.Sprintf("第 %d 条记录缺失", last+1), fmt.Sprintf("entry %d is missing", last+1))
			}
			at, err := parseTimeText(line.At)
			if err != nil || timeText(at) != line.At {
				return bad(line.Seq, fmt.Sprintf("第 %d 条记录的时间无效", line.Seq), fmt.Sprintf("entry %d has an invalid time", line.Seq))
			}
			e.At = at
			h := ch.next(&prev, &e)
			if hex.EncodeToString(h[:]) != line.Hash {
				return bad(line.Seq, fmt.Sprintf("第 %d 条记录内容与哈希不符", line.Seq), fmt.Sprintf("entry %d does not match its hash", line.Seq))
			}
			prev, last = h, line.Seq
			rep.Entries++
		case "head":
			hb, err1 := hex.DecodeString(line.Hash)
			sig, err2 := hex.DecodeString(line.Signature)
			at, err3 := parseTimeText(line.SignedAt)
			switch {
			case line.Seq != last:
				return bad(line.Seq, fmt.Sprintf("第 %d 条处的签名链头位置不对", line.Seq), fmt.Sprintf("the signed head at %d is out of place", line.Seq))
			case err1 != nil || err2 != nil || err3 != nil || line.Fingerprint != rep.Fingerprint ||
				!sm2.VerifyASN1WithSM2(pub, nil, headMessage(line.Seq, hb, at, line.Fingerprint), sig):
				return bad(line.Seq, fmt.Sprintf("第 %d 条处的签名链头签名无效", line.Seq), fmt.Sprintf("the signed head at %d has an invalid signature", line.Seq))
			case !bytes.Equal(hb, prev[:]):
				return bad(line.Seq, fmt.Sprintf("第 %d 条处的签名链头与日志不符", line.Seq), fmt.Sprintf("the signed head at %d does not match the chain", line.Seq))
			}
			lastHd = line.Seq
			rep.Heads++
		case "end":
			ended = true
			switch {
			case line.Entries != rep.Entries || line.LastSeq != last || last != rep.LastSeq:
				return bad(last+1, fmt.Sprintf("归档不完整：应到第 %d 条，实际到第 %d 条", rep.LastSeq, last), fmt.Sprintf("the archive is incomplete: it should end at %d, it ends at %d", rep.LastSeq, last))
			case line.LastHash != hex.EncodeToString(prev[:]):
				return bad(last, "结束行的哈希与日志不符", "the end line's hash does not match the chain")
			case lastHd != last:
				return bad(last, fmt.Sprintf("第 %d 条之后的记录没有签名链头覆盖", lastHd), fmt.Sprintf("entries after %d are not covered by a signed head", lastHd))
			}
			rep.LastHash = prev[:]
		default:
			return bad(last+1, fmt.Sprintf("第 %d 行：未知的行类型 %q", lineNo, line.Type), fmt.Sprintf("line %d: unknown line type %q", lineNo, line.Type))
		}
		if eof {
			break
		}
	}
	if !ended {
		return bad(last+1, fmt.Sprintf("归档被截断：第 %d 条之后缺少结束行", last), fmt.Sprintf("the archive is truncated after entry %d", last))
	}
	rep.SM3 = hex.EncodeToString(sum.Sum(nil))
	rep.OK = true
	return rep, nil
}

// readLongLine finishes a line longer than the reader's buffer.
func readLongLine(br *bufio.Reader, first []byte) ([]byte, error) {
	line := append([]byte(nil), first...)
	for {
		more, err := br.ReadSlice('\n')
		line = append(line, more...)
		if len(line) > maxArchiveLine {
			return nil, fmt.Errorf("a line is longer than %d bytes", maxArchiveLine)
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, err
		}
	}
}

// CheckArchive verifies an archive file (VerifyArchive) and that it is the
// file this database's signed archive record describes: same range, same
// hashes, same SM3, and signed by this node's key.
func (l *Log) CheckArchive(ctx context.Context, r io.Reader) (ArchiveReport, error) {
	rep, err := VerifyArchive(r)
	if err != nil || !rep.OK {
		return rep, err
	}
	bad := func(zh, en string) (ArchiveReport, error) {
		rep.OK, rep.Reason, rep.ReasonEN = false, zh, en
		return rep, nil
	}
	rec, err := scanArchive(l.db.Read().QueryRowContext(ctx, `SELECT `+archiveColumns+` FROM audit_archives WHERE id = $1`, rep.ID))
	if err != nil {
		return bad(fmt.Sprintf("数据库中没有编号为 %s 的归档记录", rep.ID), fmt.Sprintf("the database has no archive record %s", rep.ID))
	}
	hk, err := l.nodeKey(ctx)
	if err != nil {
		return rep, err
	}
	if f := hk.checkArchive(&rec); f != nil {
		return bad(f.Reason, f.ReasonEN)
	}
	switch {
	case rep.Fingerprint != hk.fingerprint:
		return bad("归档文件不是本节点密钥签署的", "the archive file was not signed by this node's key")
	case rec.FileSM3 != rep.SM3:
		return bad("归档文件的 SM3 与数据库中的归档记录不符", "the archive file's SM3 does not match the database's archive record")
	case rec.FirstSeq != rep.FirstSeq || rec.LastSeq != rep.LastSeq || rec.Entries != rep.Entries ||
		!bytes.Equal(rec.LastHash, rep.LastHash) || !bytes.Equal(rec.PrevHash, rep.PrevHash):
		return bad("归档文件的范围或哈希与数据库中的归档记录不符", "the archive file's range or hashes do not match the database's archive record")
	}
	return rep, nil
}

// parsePublicKey reads an SM2 public key in PEM and computes its
// fingerprint as signer does (the first 16 bytes of SM3 over the DER).
func parsePublicKey(pemText string) (*ecdsa.PublicKey, string, error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, "", errors.New("not a PEM public key")
	}
	pub, err := smx509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, "", err
	}
	ec, ok := pub.(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return nil, "", errors.New("not an SM2 public key")
	}
	sum := sm3.Sum(block.Bytes)
	return ec, hex.EncodeToString(sum[:16]), nil
}

func decodeHash(s string) (hash, bool) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return hash{}, false
	}
	return toHash(b)
}
