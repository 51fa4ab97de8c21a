package audit

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"liandong/internal/db"
)

// statements are the few queries whose text depends on the engine.
type statements struct {
	// lockChain reads the chain head and locks it until the transaction
	// ends. SQLite has one writer connection, taken at BEGIN IMMEDIATE, so
	// it needs no lock clause.
	lockChain string
	// actionPrefix filters entries whose action starts with a prefix,
	// exactly and able to use the (action, seq) index: a byte range under
	// SQLite's binary collation, LIKE on PostgreSQL (which uses the index
	// when the database collation is C).
	actionPrefix func(arg func(any) string, prefix string) string
	// atColumn selects entries' time for verification: PostgreSQL's
	// TIMESTAMPTZ is binary, but SQLite keeps text, so verification reads
	// the text itself and insists it is the form the driver writes — a
	// one-byte edit such as "+00:00" → "-00:00" leaves the instant but not
	// the bytes, and must not pass.
	atColumn string
	sqlite   bool
}

func statementsFor(e db.Engine) statements {
	if e == db.SQLite {
		return statements{
			lockChain: `SELECT seq, hash FROM audit_chain WHERE id = 1`,
			atColumn:  `CAST(at AS TEXT)`,
			sqlite:    true,
			actionPrefix: func(arg func(any) string, p string) string {
				// UTF-8 never contains the byte 0xFF, so the range
				// [p, p‖0xFF) holds exactly the strings starting with p.
				return "action >= " + arg(p) + " AND action < " + arg(p+"\xff")
			},
		}
	}
	return statements{
		lockChain: `SELECT seq, hash FROM audit_chain WHERE id = 1 FOR UPDATE`,
		atColumn:  `at`,
		actionPrefix: func(arg func(any) string, p string) string {
			esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
			return "action LIKE " + arg(esc.Replace(p)+"%") + ` ESCAPE '\'`
		},
	}
}

// entryColumns lists an entry's columns after seq and at, in scan order.
const entryColumns = `username, unit_code, role, source, action, object, case_number, outcome, detail, hash`

// sqliteTimeLayout is how the SQLite driver (opened with
// _time_format=sqlite) writes a time; db writes UTC, so "+00:00".
const sqliteTimeLayout = "2006-01-02 15:04:05.999999999-07:00"

// record is an entry as stored, with its stored hash.
type record struct {
	Entry
	hash []byte
}

// rawRow receives one row without letting a wrong type fail the scan: a
// tampered row must become a finding, never an aborted verification or a
// panic.
type rawRow struct {
	seq, at, hash any
	text          [9]sql.NullString
}

func (r *rawRow) dest() []any {
	d := []any{&r.seq, &r.at}
	for i := range r.text {
		d = append(d, &r.text[i])
	}
	return append(d, &r.hash)
}

// why is a finding about stored data, in Chinese and English. altered
// marks a value that reads fine but is not stored as written.
type why struct {
	zh, en  string
	altered bool
}

// record converts the row. strictSQLite (verification on SQLite) demands
// the time text the driver writes. A non-nil why says what is wrong with
// the first field that could not be read; the others are filled anyway, so
// a search can still show the row.
func (r *rawRow) record(strictSQLite bool) (rec record, problem *why) {
	note := func(w *why) {
		if problem == nil {
			problem = w
		}
	}
	seq, ok := asInt(r.seq)
	if !ok {
		note(&why{zh: "序号不是整数", en: "seq is not an integer"})
	}
	rec.Seq = seq
	at, p := asTime(r.at, strictSQLite)
	if p != nil {
		note(p)
	}
	rec.At = at
	f := [9]*string{&rec.Username, &rec.UnitCode, &rec.Role, &rec.Source, &rec.Action, &rec.Object, &rec.CaseNumber, nil, &rec.Detail}
	for i, s := range r.text {
		if !s.Valid {
			note(&why{zh: "有字段为空值（NULL）", en: "a field is NULL"})
		}
		if f[i] == nil {
			rec.Outcome = Outcome(s.String)
		} else {
			*f[i] = s.String
		}
	}
	if rec.hash, ok = asBytes(r.hash); !ok {
		note(&why{zh: "哈希不是字节串", en: "the hash is not bytes"})
	}
	return rec, problem
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int32:
		return int64(n), true
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		return i, err == nil
	}
	return 0, false
}

// asTime reads a stored time. With strictSQLite the value is the stored
// text and must be exactly what the driver writes for a UTC time.
func asTime(v any, strictSQLite bool) (time.Time, *why) {
	bad := &why{zh: "时间无法读取", en: "the time is unreadable"}
	var s string
	switch t := v.(type) {
	case time.Time:
		if strictSQLite {
			return time.Time{}, bad
		}
		return db.Time(t), nil
	case string:
		s = t
	case []byte:
		s = string(t)
	default:
		return time.Time{}, bad
	}
	t, err := time.Parse(sqliteTimeLayout, s)
	if err != nil {
		// Another layout the driver would read is an altered form when
		// verifying, and still a time when searching.
		for _, layout := range []string{"2006-01-02T15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999",
			"2006-01-02T15:04:05.999999999", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} { // the driver's
			if t, err = time.Parse(layout, strings.TrimSuffix(s, "Z")); err == nil {
				break
			}
		}
		if err != nil {
			return time.Time{}, bad
		}
	}
	if strictSQLite && db.Time(t).Format(sqliteTimeLayout) != s {
		return time.Time{}, &why{zh: fmt.Sprintf("时间的存储形式被改动（%q）", s), en: fmt.Sprintf("the time text %q is not as written", s), altered: true}
	}
	return db.Time(t), nil
}

// headColumns are a head's columns in scan order.
const headColumns = `seq, hash, signed_at, signature, fingerprint`

// rawHead receives one head row, like rawRow.
type rawHead struct {
	seq, hash, at, sig any
	fp                 sql.NullString
}

func (r *rawHead) dest() []any { return []any{&r.seq, &r.hash, &r.at, &r.sig, &r.fp} }

// head converts the row; a non-nil why says what is unreadable.
func (r *rawHead) head() (Head, *why) {
	var h Head
	seq, ok := asInt(r.seq)
	if !ok {
		return h, &why{zh: "签名链头的序号不是整数", en: "a signed head's seq is not an integer"}
	}
	h.Seq = seq
	at, problem := asTime(r.at, false)
	if problem != nil {
		return h, problem
	}
	h.SignedAt = at
	h.Hash, ok = asBytes(r.hash)
	if !ok {
		return h, &why{zh: "签名链头的哈希不是字节串", en: "a signed head's hash is not bytes"}
	}
	h.Signature, ok = asBytes(r.sig)
	if !ok {
		return h, &why{zh: "签名链头的签名不是字节串", en: "a signed head's signature is not bytes"}
	}
	if !r.fp.Valid {
		return h, &why{zh: "签名链头的密钥指纹为空值", en: "a signed head's key fingerprint is NULL"}
	}
	h.Fingerprint = r.fp.String
	return h, nil
}

func asBytes(v any) ([]byte, bool) {
	switch b := v.(type) {
	case []byte:
		return b, true
	case string:
		return []byte(b), true
	}
	return nil, false
}
