package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/signer"
)

// The tamper tests play a database administrator against a log of 30
// entries with signed heads at 10 and 20 (21–30 not yet signed), then let a
// fresh process — an auditor running liandong audit verify with the key
// file — verify it.

func signedLog(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	f := newFixture(t, d)
	f.fill(t, 10)
	f.sign(t)
	f.fill(t, 10)
	f.sign(t)
	f.fill(t, 10)
	f.mustOK(t)
	return f
}

// auditor is a fresh Log on the database with the node's key file.
func (f *fixture) auditor() *Log { return New(f.d, signer.NewStore(f.d, f.ring), Options{}) }

func (f *fixture) auditorVerify(t *testing.T) Report {
	t.Helper()
	rep, err := f.auditor().Verify(context.Background(), nil)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return rep
}

// flipText changes one ASCII letter or digit of a text column.
func flipText(t *testing.T, f *fixture, column string, seq int64) {
	t.Helper()
	var s string
	if err := f.d.Read().QueryRow(`SELECT `+column+` FROM audit_entries WHERE seq = $1`, seq).Scan(&s); err != nil {
		t.Fatal(err)
	}
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'y' || c >= '0' && c <= '8' {
			b[i] = c + 1
			f.exec(t, `UPDATE audit_entries SET `+column+` = $1 WHERE seq = $2`, string(b), seq)
			return
		}
	}
	t.Fatalf("%s of %d (%q) has no letter to change", column, seq, s)
}

// editText changes the bytes of a text column in place.
func editText(t *testing.T, f *fixture, column string, seq int64, edit func([]byte)) {
	t.Helper()
	var s string
	if err := f.d.Read().QueryRow(`SELECT `+column+` FROM audit_entries WHERE seq = $1`, seq).Scan(&s); err != nil {
		t.Fatal(err)
	}
	b := []byte(s)
	edit(b)
	f.exec(t, `UPDATE audit_entries SET `+column+` = $1 WHERE seq = $2`, string(b), seq)
}

// flipByte XORs one byte of a bytes column of a table.
func flipByte(t *testing.T, f *fixture, table, column string, seq int64, i int) {
	t.Helper()
	var b []byte
	if err := f.d.Read().QueryRow(`SELECT `+column+` FROM `+table+` WHERE seq = $1`, seq).Scan(&b); err != nil {
		t.Fatal(err)
	}
	b[i] ^= 0x01
	f.exec(t, `UPDATE `+table+` SET `+column+` = $1 WHERE seq = $2`, b, seq)
}

// editSQLiteTime rewrites the stored text of an entry's time.
func editSQLiteTime(t *testing.T, f *fixture, seq int64, edit func(string) string) {
	t.Helper()
	var s string
	if err := f.d.Read().QueryRow(`SELECT CAST(at AS TEXT) FROM audit_entries WHERE seq = $1`, seq).Scan(&s); err != nil {
		t.Fatal(err)
	}
	n := edit(s)
	if n == s {
		t.Fatalf("time edit left %q unchanged", s)
	}
	f.exec(t, `UPDATE audit_entries SET at = $1 WHERE seq = $2`, n, seq)
}

// rewrite changes entry seq's detail and recomputes every later hash and
// the chain head, as an administrator who read the source code would.
func rewrite(t *testing.T, f *fixture, seq int64) {
	t.Helper()
	ctx := context.Background()
	var prevBytes []byte
	if err := f.d.Read().QueryRow(`SELECT hash FROM audit_entries WHERE seq = $1`, seq-1).Scan(&prevBytes); err != nil {
		t.Fatal(err)
	}
	prev, _ := toHash(prevBytes)
	list, _, err := f.log.Search(ctx, Query{Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(list) - 1; i >= 0; i-- { // oldest first
		e := list[i]
		if e.Seq < seq {
			continue
		}
		if e.Seq == seq {
			e.Detail = "无查询记录"
		}
		prev = chainHash(prev, &e)
		f.exec(t, `UPDATE audit_entries SET detail = $1, hash = $2 WHERE seq = $3`, e.Detail, prev[:], e.Seq)
	}
	f.exec(t, `UPDATE audit_chain SET hash = $1`, prev[:])
}

// forgeHeads replaces the node's public key with one the administrator
// holds and re-signs every head over the (rewritten) chain with it.
func forgeHeads(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	scratch := dbtest.SQLite(t)
	forged, err := signer.NewStore(scratch, newRing(t)).Ensure(ctx, signer.NodeOwner)
	if err != nil {
		t.Fatal(err)
	}
	f.exec(t, `UPDATE signing_keys SET public_pem = $1, fingerprint = $2 WHERE owner = $3`, forged.PublicPEM, forged.Fingerprint, signer.NodeOwner)
	rows, err := f.d.Read().Query(`SELECT h.seq, e.hash, h.signed_at FROM audit_heads h JOIN audit_entries e ON e.seq = h.seq`)
	if err != nil {
		t.Fatal(err)
	}
	var heads []Head
	for rows.Next() {
		var h Head
		if err := rows.Scan(&h.Seq, &h.Hash, &h.SignedAt); err != nil {
			t.Fatal(err)
		}
		heads = append(heads, h)
	}
	rows.Close()
	for _, h := range heads {
		sig, err := forged.Sign(headMessage(h.Seq, h.Hash, db.Time(h.SignedAt), forged.Fingerprint))
		if err != nil {
			t.Fatal(err)
		}
		f.exec(t, `UPDATE audit_heads SET hash = $1, signature = $2, fingerprint = $3 WHERE seq = $4`, h.Hash, sig, forged.Fingerprint, h.Seq)
	}
}

func TestTamperIsDetected(t *testing.T) {
	t.Parallel()
	type tamper struct {
		name       string
		sqliteOnly bool
		do         func(t *testing.T, f *fixture)
		problem    Problem
		seq, head  int64 // what the report must name
	}
	var tests []tamper
	// One byte of each column of entry 15.
	for _, col := range []string{"username", "unit_code", "role", "source", "action", "object", "case_number", "outcome", "detail"} {
		tests = append(tests, tamper{name: "one byte of " + col, do: func(t *testing.T, f *fixture) { flipText(t, f, col, 15) },
			problem: EntryAltered, seq: 15})
	}
	tests = append(tests, []tamper{
		{name: "one byte inside a Chinese character of detail", do: func(t *testing.T, f *fixture) {
			editText(t, f, "detail", 15, func(b []byte) { b[1] ^= 0x01 }) // 查 E6 9F A5 → E6 9E A5, still UTF-8
		}, problem: EntryAltered, seq: 15},
		{name: "one byte of detail made invalid UTF-8", sqliteOnly: true, do: func(t *testing.T, f *fixture) {
			editText(t, f, "detail", 15, func(b []byte) { b[0] ^= 0x40 })
		}, problem: EntryAltered, seq: 15},
		{name: "one byte of case number inside a Chinese character", do: func(t *testing.T, f *fixture) {
			editText(t, f, "case_number", 15, func(b []byte) { b[len(b)-1] ^= 0x01 })
		}, problem: EntryAltered, seq: 15},
		{name: "one bit of the hash", do: func(t *testing.T, f *fixture) { flipByte(t, f, "audit_entries", "hash", 15, 31) },
			problem: EntryAltered, seq: 15},
		{name: "one microsecond of the time", do: func(t *testing.T, f *fixture) {
			if f.d.Engine == db.Postgres {
				f.exec(t, `UPDATE audit_entries SET at = at + interval '1 microsecond' WHERE seq = 15`)
				return
			}
			editSQLiteTime(t, f, 15, func(s string) string {
				i := strings.LastIndexAny(s, "012345678")
				return s[:i] + string(s[i]+1) + s[i+1:]
			})
		}, problem: EntryAltered, seq: 15},
		{name: "time zone sign, same instant", sqliteOnly: true, do: func(t *testing.T, f *fixture) {
			editSQLiteTime(t, f, 15, func(s string) string { return strings.Replace(s, "+00:00", "-00:00", 1) })
		}, problem: EntryAltered, seq: 15},
		{name: "time separator, same instant", sqliteOnly: true, do: func(t *testing.T, f *fixture) {
			editSQLiteTime(t, f, 15, func(s string) string { return strings.Replace(s, " ", "T", 1) })
		}, problem: EntryAltered, seq: 15},
		{name: "time made unreadable", sqliteOnly: true, do: func(t *testing.T, f *fixture) {
			editSQLiteTime(t, f, 15, func(string) string { return "yesterday" })
		}, problem: EntryUnreadable, seq: 15},
		{name: "hash made text", sqliteOnly: true, do: func(t *testing.T, f *fixture) {
			f.exec(t, `UPDATE audit_entries SET hash = hex(hash) WHERE seq = 15`)
		}, problem: EntryAltered, seq: 15},
		{name: "seq renumbered", do: func(t *testing.T, f *fixture) {
			f.exec(t, `UPDATE audit_entries SET seq = 1015 WHERE seq = 15`)
		}, problem: EntryMissing, seq: 15},
		{name: "time made a number", sqliteOnly: true, do: func(t *testing.T, f *fixture) {
			f.exec(t, `UPDATE audit_entries SET at = 1741000000 WHERE seq = 15`)
		}, problem: EntryUnreadable, seq: 15},
		{name: "entry deleted in the middle", do: func(t *testing.T, f *fixture) {
			f.exec(t, `DELETE FROM audit_entries WHERE seq = 15`)
		}, problem: EntryMissing, seq: 15},
		{name: "first entry deleted", do: func(t *testing.T, f *fixture) {
			f.exec(t, `DELETE FROM audit_entries WHERE seq = 1`)
		}, problem: EntryMissing, seq: 1},
		{name: "tail deleted past a signed head", do: func(t *testing.T, f *fixture) {
			f.exec(t, `DELETE FROM audit_entries WHERE seq >= 18`)
		}, problem: TailRemoved, seq: 18, head: 20},
		{name: "tail deleted past a signed head, chain head row moved back", do: func(t *testing.T, f *fixture) {
			f.exec(t, `DELETE FROM audit_entries WHERE seq >= 18`)
			f.exec(t, `UPDATE audit_chain SET seq = 17, hash = (SELECT hash FROM audit_entries WHERE seq = 17)`)
		}, problem: TailRemoved, seq: 18, head: 20},
		{name: "unsigned tail deleted, chain head row left", do: func(t *testing.T, f *fixture) {
			f.exec(t, `DELETE FROM audit_entries WHERE seq > 25`)
		}, problem: TailRemoved, seq: 26},
		{name: "entry rewritten and every later hash recomputed", do: func(t *testing.T, f *fixture) { rewrite(t, f, 15) },
			problem: HeadMismatch, head: 20},
		{name: "rewritten, recomputed and heads re-signed with a substituted key", do: func(t *testing.T, f *fixture) {
			rewrite(t, f, 15)
			forgeHeads(t, f)
		}, problem: HeadInvalid, head: 10},
		{name: "one bit of a head's signature", do: func(t *testing.T, f *fixture) { flipByte(t, f, "audit_heads", "signature", 20, 10) },
			problem: HeadInvalid, head: 20},
		{name: "one bit of a head's hash", do: func(t *testing.T, f *fixture) { flipByte(t, f, "audit_heads", "hash", 20, 0) },
			problem: HeadInvalid, head: 20},
		{name: "a head's time", do: func(t *testing.T, f *fixture) {
			var at any
			if err := f.d.Read().QueryRow(`SELECT signed_at FROM audit_heads WHERE seq = 20`).Scan(&at); err != nil {
				t.Fatal(err)
			}
			if f.d.Engine == db.Postgres {
				f.exec(t, `UPDATE audit_heads SET signed_at = signed_at + interval '1 second' WHERE seq = 20`)
			} else {
				f.exec(t, `UPDATE audit_heads SET signed_at = '2020-01-01 00:00:00+00:00' WHERE seq = 20`)
			}
		}, problem: HeadInvalid, head: 20},
		{name: "node key deleted", do: func(t *testing.T, f *fixture) {
			f.exec(t, `DELETE FROM signing_keys WHERE owner = 'node'`)
		}, problem: KeyMissing, head: 10},
		{name: "chain head row hash", do: func(t *testing.T, f *fixture) {
			var b []byte
			if err := f.d.Read().QueryRow(`SELECT hash FROM audit_chain`).Scan(&b); err != nil {
				t.Fatal(err)
			}
			b[3] ^= 1
			f.exec(t, `UPDATE audit_chain SET hash = $1`, b)
		}, problem: ChainHeadBroken, seq: 30},
		{name: "entry inserted beyond the chain head", do: func(t *testing.T, f *fixture) {
			f.exec(t, `INSERT INTO audit_entries (seq, at, username, unit_code, role, source, action, object, case_number, outcome, detail, hash)
				SELECT 31, at, username, unit_code, role, source, action, object, case_number, outcome, detail, hash FROM audit_entries WHERE seq = 30`)
		}, problem: ChainHeadBroken, seq: 31},
	}...)

	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		for _, tt := range tests {
			if tt.sqliteOnly && d.Engine != db.SQLite {
				continue
			}
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				var dd *db.DB
				if d.Engine == db.SQLite {
					dd = dbtest.SQLite(t)
				} else {
					dd = dbtest.Postgres(t, dbtest.PGDSN(t))
				}
				f := signedLog(t, dd)
				tt.do(t, f)
				rep := f.auditorVerify(t)
				if rep.OK {
					t.Fatalf("tampering not detected: %+v", rep)
				}
				if rep.Problem != tt.problem || rep.Seq != tt.seq || rep.HeadSeq != tt.head {
					t.Errorf("report names %s seq %d head %d, want %s seq %d head %d\n%s",
						rep.Problem, rep.Seq, rep.HeadSeq, tt.problem, tt.seq, tt.head, rep)
				}
				if want := fmt.Sprintf("第 %d 条", max(tt.seq, tt.head)); !strings.Contains(rep.Reason, want) {
					t.Errorf("reason %q does not name %q", rep.Reason, want)
				}
				if rep.ReasonEN == "" {
					t.Error("no English reason")
				}
			})
		}
	})
}

// The node never signs a head over a chain it cannot check, so a rewrite
// is not blessed by the next head.
func TestSignHeadRefusesATamperedChain(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		for _, tt := range []struct {
			name string
			do   func(t *testing.T, f *fixture)
		}{
			{"unsigned entry altered", func(t *testing.T, f *fixture) { flipText(t, f, "detail", 25) }},
			{"signed range rewritten and recomputed", func(t *testing.T, f *fixture) { rewrite(t, f, 15) }},
			{"unsigned tail deleted", func(t *testing.T, f *fixture) { f.exec(t, `DELETE FROM audit_entries WHERE seq > 27`) }},
		} {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				var dd *db.DB
				if d.Engine == db.SQLite {
					dd = dbtest.SQLite(t)
				} else {
					dd = dbtest.Postgres(t, dbtest.PGDSN(t))
				}
				f := signedLog(t, dd)
				tt.do(t, f)
				_, err := f.auditor().SignHead(context.Background())
				var te *TamperError
				if !errors.As(err, &te) {
					t.Fatalf("SignHead over a tampered chain: %v, want a TamperError", err)
				}
				if n := f.count(t, `SELECT COUNT(*) FROM audit_heads`); n != 2 {
					t.Errorf("%d heads, want the 2 from before", n)
				}
			})
		}
	})
}

// What the design cannot catch from the database alone, pinned so the
// documentation stays honest (docs/audit.md, "What is not detected").
func TestTamperLimits(t *testing.T) {
	t.Parallel()
	f := signedLog(t, dbtest.SQLite(t))
	t.Run("unsigned tail removed with the chain head moved back", func(t *testing.T) {
		f := signedLog(t, dbtest.SQLite(t))
		f.exec(t, `DELETE FROM audit_entries WHERE seq > 25`)
		f.exec(t, `UPDATE audit_chain SET seq = 25, hash = (SELECT hash FROM audit_entries WHERE seq = 25)`)
		if rep := f.auditorVerify(t); !rep.OK || rep.Unsigned != 5 {
			t.Errorf("report %+v", rep)
		}
	})
	t.Run("unsigned entries rewritten and recomputed", func(t *testing.T) {
		f := signedLog(t, dbtest.SQLite(t))
		rewrite(t, f, 25)
		if rep := f.auditorVerify(t); !rep.OK {
			t.Errorf("report %+v", rep)
		}
	})
	t.Run("entries and the heads over them removed", func(t *testing.T) {
		f := signedLog(t, dbtest.SQLite(t))
		f.exec(t, `DELETE FROM audit_entries WHERE seq > 12`)
		f.exec(t, `DELETE FROM audit_heads WHERE seq > 12`)
		f.exec(t, `UPDATE audit_chain SET seq = 12, hash = (SELECT hash FROM audit_entries WHERE seq = 12)`)
		if rep := f.auditorVerify(t); !rep.OK {
			t.Errorf("report %+v", rep)
		}
	})
	t.Run("substituted key, verified without the key file", func(t *testing.T) {
		rewrite(t, f, 15)
		forgeHeads(t, f)
		l := New(f.d, signer.NewStore(f.d, newRing(t)), Options{}) // a key file that does not open the node key
		rep, err := l.Verify(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK || rep.KeySealed {
			t.Errorf("report %+v", rep)
		}
		// With the key file the same database fails.
		if rep := f.auditorVerify(t); rep.OK || !rep.KeySealed {
			t.Errorf("with the key file: %+v", rep)
		}
	})
}
