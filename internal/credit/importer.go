package credit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/db"
)

// Format is an import file format.
type Format string

const (
	JSONL Format = "jsonl" // one JSON object per line, the NewEntry keys
	CSV   Format = "csv"   // UTF-8 (a BOM is fine), a header row of the same keys
)

// ImportOptions say whose file it is and how to treat bad lines.
type ImportOptions struct {
	// Actor is who imports; credit.import is checked for Court.
	Actor access.Principal
	// Court is the unit code of the listing court (fy411602): every line is
	// a decision of that court and its case number must carry the court's
	// code.
	Court string
	// SkipInvalid imports the valid lines and reports the others. By
	// default a file with any rejected line is refused whole and nothing is
	// written: the officer fixes the lines the report names and imports the
	// same file again (docs/credit.md explains the choice).
	SkipInvalid bool
	// MaxReported caps the rejected lines kept in the report (default
	// 1000); RejectedCount counts them all.
	MaxReported int
	// BulkFrom is the file size in lines from which a SQLite import drops
	// the list's secondary indexes for its transaction and builds them
	// again at the end (default 100,000; negative: never). Building an
	// index by sorting a million rows costs a fraction of a million random
	// insertions into it.
	BulkFrom int
}

// Rejected is a line that was not imported, with every problem found.
type Rejected struct {
	Line     int       `json:"line"`
	Problems []Problem `json:"problems"`
}

// Report says what an import did.
type Report struct {
	Format        Format        `json:"format"`
	Court         string        `json:"court"`
	FileSM3       string        `json:"file_sm3"`
	Lines         int           `json:"lines"`    // data lines read (blank lines not counted)
	Imported      int           `json:"imported"` // entries added (0 unless Committed)
	RejectedCount int           `json:"rejected_count"`
	Rejected      []Rejected    `json:"rejected"`
	Committed     bool          `json:"committed"`
	ImportID      int64         `json:"import_id"`
	FirstVersion  uint64        `json:"first_version"`
	LastVersion   uint64        `json:"last_version"`
	Elapsed       time.Duration `json:"elapsed_ns"`
}

// Import reads a file of listing decisions of one court and adds them to
// the list in one transaction: every line is checked (ident for names'
// companions — identity numbers, credit codes, case numbers — dates,
// grounds, the minor and term rules, duplicates in the file and on the
// list, the six-month bar); the report names each rejected line with its
// problems in Chinese. Nothing is half-imported: a failure anywhere rolls
// everything back, and by default any rejected line refuses the whole file
// (opts.SkipInvalid imports the rest instead). progress, when set, is
// called with the data lines done and the total (0 when the reader cannot
// tell it ahead; an *os.File can).
//
// The import is one audit entry (credit.import) with the file's SM3, the
// counts and the versions; each entry carries the import id.
func (s *Store) Import(ctx context.Context, r io.Reader, format Format, opts ImportOptions, progress func(done, total int)) (Report, error) {
	started := time.Now()
	rep := Report{Format: format, Court: opts.Court}
	if format != JSONL && format != CSV {
		return rep, apperr.Invalidf("format", CodeImportFormat, "不支持的文件格式“%s”：应为 jsonl 或 csv", clip(string(format)))
	}
	if opts.MaxReported <= 0 {
		opts.MaxReported = 1000
	}
	c, err := s.courtByUnit(ctx, opts.Court)
	if err != nil {
		return rep, err
	}
	if err := s.policy.Check(ctx, opts.Actor, access.ActionCreditImport, access.Target{RequestingUnit: c.unit}); err != nil {
		return rep, err
	}
	total := countLines(r)
	if format == CSV && total > 0 {
		total--
	}
	hash := sm3.New()
	src := io.TeeReader(r, hash)

	if s.db.Engine == db.SQLite {
		// Statement journals in memory (this cannot change inside a
		// transaction); the write pool is one connection, so this is the
		// connection the import's transaction uses.
		if _, err := s.db.Write().ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
			return rep, fmt.Errorf("PRAGMA temp_store: %w", err)
		}
		defer s.db.Write().ExecContext(context.WithoutCancel(ctx), `PRAGMA temp_store = DEFAULT`)
	}
	ran := false
	var refused error
	_, err = s.change(ctx, func(w *txw) error {
		if ran {
			// The input is consumed: a retry cannot read it again.
			return errors.New("import: the transaction would be retried but the file has been read; import it again")
		}
		ran = true
		im := &importRun{s: s, w: w, c: c, opts: opts, rep: &rep, progress: progress, total: total}
		if err := im.run(ctx, src, format); err != nil {
			return err
		}
		rep.FileSM3 = hex.EncodeToString(hash.Sum(nil))
		if rep.RejectedCount > 0 && !opts.SkipInvalid {
			refused = apperr.New(apperr.Invalid, CodeImportRejected, fmt.Sprintf(
				"文件中有 %d 行不合格（见报告中的行号和原因），整个文件未导入；请修改这些行后重新导入", rep.RejectedCount))
			return refused
		}
		if rep.Imported == 0 {
			refused = apperr.New(apperr.Invalid, CodeImportEmpty, "文件中没有可导入的条目")
			return refused
		}
		return im.finish()
	})
	rep.Elapsed = time.Since(started)
	if err != nil {
		rep.Committed, rep.Imported, rep.ImportID, rep.FirstVersion, rep.LastVersion = false, 0, 0, 0, 0
		if refused != nil && errors.Is(err, refused) {
			return rep, refused
		}
		return rep, fmt.Errorf("import %s file for %s: %w", format, c.unit, err)
	}
	rep.Committed = true
	return rep, nil
}

// countLines counts the lines of a seekable reader and rewinds it; 0 when
// it cannot.
func countLines(r io.Reader) int {
	sk, ok := r.(io.ReadSeeker)
	if !ok {
		return 0
	}
	start, err := sk.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0
	}
	buf := make([]byte, 1<<20)
	n, last := 0, byte('\n')
	for {
		k, err := sk.Read(buf)
		if k > 0 {
			n += bytes.Count(buf[:k], []byte{'\n'})
			last = buf[k-1]
		}
		if err != nil {
			break
		}
	}
	if last != '\n' {
		n++
	}
	if _, err := sk.Seek(start, io.SeekStart); err != nil {
		return 0
	}
	return n
}

// importRun is one import inside its transaction.
type importRun struct {
	s        *Store
	w        *txw
	c        court
	opts     ImportOptions
	rep      *Report
	progress func(done, total int)
	total    int

	importID int64
	baseID   int64
	in       *inserter
	active   map[string]bool      // case|debtor key on the list or earlier in the file
	barred   map[string]time.Time // case|debtor key → removal at the applicant's request
	failed   atomic.Bool          // refusing: stop sealing and writing
}

// rawLine is one data line as read: JSON bytes or CSV fields.
type rawLine struct {
	no     int
	json   []byte
	fields []string
	err    *Problem // the line could not be read at all
}

// result is a line checked (and sealed when valid).
type result struct {
	no       int
	sealed   sealed
	ready    bool // sealed and ready to insert
	key      string
	problems []Problem
}

type chunk struct {
	seq   int
	lines []rawLine
	out   []result
}

const chunkLines = 512

func (im *importRun) run(ctx context.Context, src io.Reader, format Format) (err error) {
	w := im.w
	// Big imports touch random pages of four indexes: give the write
	// connection a larger page cache for the transaction (SQLite).
	if im.s.db.Engine == db.SQLite {
		// Foreign keys are checked at commit, so the multi-row INSERTs of
		// documents need no statement journal; any that is kept stays in
		// memory.
		for _, p := range []string{`PRAGMA cache_size = -1048576`, `PRAGMA defer_foreign_keys = ON`} {
			if _, err := w.tx.ExecContext(ctx, p); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
		}
		defer w.tx.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = -2000`)
	}
	if err := w.tx.QueryRowContext(ctx, `INSERT INTO credit_imports (court_unit, format, file_sm3, lines, imported, rejected, first_version, last_version, at, by_user)
		VALUES ($1, $2, '', 0, 0, 0, 0, 0, $3, $4) RETURNING id`, im.c.unit, string(format), w.now, im.opts.Actor.Username).Scan(&im.importID); err != nil {
		return fmt.Errorf("record the import: %w", err)
	}
	id, err := w.nextID()
	if err != nil {
		return err
	}
	im.baseID = id - 1
	if err := im.loadKeys(ctx); err != nil {
		return err
	}
	im.in = w.inserter(im.c, im.opts.Actor.Username, im.importID, 100)
	w.addsLater = true
	bulkFrom := im.opts.BulkFrom
	if bulkFrom == 0 {
		bulkFrom = 100_000
	}
	if im.s.db.Engine == db.SQLite && bulkFrom > 0 && im.total >= bulkFrom {
		restore, err := im.dropIndexes(ctx)
		if err != nil {
			return err
		}
		defer func() {
			// A refused file rolls back, and the drop with it.
			if err == nil && (im.rep.RejectedCount == 0 || im.opts.SkipInvalid) {
				err = restore()
			}
		}()
	}

	ctx, cancel := context.WithCancel(ctx)
	jobs := make(chan *chunk, 4)
	done := make(chan *chunk, 4)
	// On an early return, stop the reader and the workers and wait for
	// them: nothing runs on after Import returns.
	defer func() {
		cancel()
		for range done {
		}
	}()
	// A panic in the reader or a checking worker ends the import with an
	// error (and a rollback): these goroutines are not the caller's, so a
	// recover there (the web import's) would never see it and the whole
	// process would stop.
	var (
		crashMu sync.Mutex
		crashed error
	)
	crash := func(what string) {
		if p := recover(); p != nil {
			crashMu.Lock()
			if crashed == nil {
				crashed = fmt.Errorf("import: %s: panic: %v\n%s", what, p, debug.Stack())
			}
			crashMu.Unlock()
			cancel()
		}
	}
	var readErr error
	go func() {
		defer close(jobs)
		defer crash("read the file")
		readErr = readChunks(ctx, src, format, jobs)
	}()
	var wg sync.WaitGroup
	// The writer is the bottleneck: leave it a core of its own.
	workers := max(1, runtime.GOMAXPROCS(0)-1)
	now := im.s.now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer crash("check lines")
			for ch := range jobs {
				im.check(ch, now)
				select {
				case done <- ch:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	// Write the chunks in file order.
	pending := map[int]*chunk{}
	next, lines := 0, 0
	for ch := range done {
		pending[ch.seq] = ch
		for {
			ch, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if err := im.write(ch); err != nil {
				return err
			}
			lines += len(ch.out)
			if im.progress != nil {
				im.progress(lines, max(im.total, lines))
			}
		}
	}
	crashMu.Lock()
	err = crashed
	crashMu.Unlock()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if readErr != nil {
		return readErr
	}
	im.rep.Lines = lines
	if err := im.in.flush(); err != nil {
		return err
	}
	if im.rep.Imported == 0 || (im.rep.RejectedCount > 0 && !im.opts.SkipInvalid) {
		return nil
	}
	// The "add" changes, one per entry at the version it was given.
	if _, err := w.tx.ExecContext(ctx, `INSERT INTO credit_changes (version, entry_id, op, at)
		SELECT version, id, 'add', $1 FROM credit_entries WHERE import_id = $2 ORDER BY version`, w.now, im.importID); err != nil {
		return fmt.Errorf("write the change feed of the import: %w", err)
	}
	return nil
}

// dropIndexes drops the secondary indexes of the entry and document
// tables inside the transaction and returns the function that recreates
// them from their own stored definitions (sqlite_master), so nothing here
// repeats the migration. A failure anywhere rolls the drop back with
// everything else.
func (im *importRun) dropIndexes(ctx context.Context) (func() error, error) {
	rows, err := im.w.tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master
		WHERE type = 'index' AND tbl_name IN ('credit_entries', 'credit_documents') AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("read the list's indexes: %w", err)
	}
	var names, defs []string
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read the list's indexes: %w", err)
		}
		names, defs = append(names, n), append(defs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the list's indexes: %w", err)
	}
	for _, n := range names {
		if _, err := im.w.tx.ExecContext(ctx, `DROP INDEX "`+n+`"`); err != nil {
			return nil, fmt.Errorf("drop index %s for the import: %w", n, err)
		}
	}
	return func() error {
		if err := im.in.flush(); err != nil {
			return err
		}
		for i, d := range defs {
			if _, err := im.w.tx.ExecContext(ctx, d); err != nil {
				if db.IsUniqueViolation(err) {
					return duplicateError("（本次导入）")
				}
				return fmt.Errorf("rebuild index %s after the import: %w", names[i], err)
			}
		}
		return nil
	}, nil
}

// loadKeys reads the court's active entries (duplicates) and its recent
// removals at the applicant's request (the six-month bar).
func (im *importRun) loadKeys(ctx context.Context) error {
	im.active, im.barred = map[string]bool{}, map[string]time.Time{}
	rows, err := im.w.tx.QueryContext(ctx, `SELECT case_number, debtor_key FROM credit_entries WHERE court_unit = $1 AND state = 'active'`, im.c.unit)
	if err != nil {
		return fmt.Errorf("read the court's entries: %w", err)
	}
	for rows.Next() {
		var cn, k string
		if err := rows.Scan(&cn, &k); err != nil {
			rows.Close()
			return fmt.Errorf("read the court's entries: %w", err)
		}
		im.active[cn+"|"+k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the court's entries: %w", err)
	}
	since := db.Time(addMonths(im.w.now, -RelistBarMonths-1))
	rows, err = im.w.tx.QueryContext(ctx, `SELECT case_number, debtor_key, removed_at FROM credit_entries
		WHERE court_unit = $1 AND state = 'removed' AND removal_reason = $2 AND removed_at >= $3`, im.c.unit, string(RemoveApplicant), since)
	if err != nil {
		return fmt.Errorf("read the court's removals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			cn, k string
			at    time.Time
		)
		if err := rows.Scan(&cn, &k, &at); err != nil {
			return fmt.Errorf("read the court's removals: %w", err)
		}
		if prev, ok := im.barred[cn+"|"+k]; !ok || at.After(prev) {
			im.barred[cn+"|"+k] = at
		}
	}
	return rows.Err()
}

// check validates and seals a chunk (in a worker).
func (im *importRun) check(ch *chunk, now time.Time) {
	ch.out = make([]result, len(ch.lines))
	for i, l := range ch.lines {
		res := result{no: l.no}
		if l.err != nil {
			res.problems = []Problem{*l.err}
			ch.out[i] = res
			continue
		}
		var (
			e  NewEntry
			ps []Problem
		)
		if l.json != nil {
			e, ps = parseJSONLine(l.json)
		} else {
			e, ps = l.entryFromCSV()
		}
		if len(ps) == 0 {
			var r row
			r, ps = validate(e, im.c, now)
			if len(ps) == 0 {
				// The key is needed to find duplicates even in a file being
				// refused; sealing is not.
				if im.failed.Load() && !im.opts.SkipInvalid {
					res.sealed.row = r
					res.key = r.caseNumber + "|" + im.s.debtorKey(r)
				} else if sr, err := im.s.seal(r, im.baseID+int64(l.no), ""); err != nil {
					ps = []Problem{{Field: "", Code: CodeInvalid, Message: "无法加密证件号码：" + err.Error()}}
				} else {
					res.sealed, res.ready, res.key = sr, true, sr.caseNumber+"|"+sr.debtorKey
				}
			}
		}
		if len(ps) > 0 {
			im.failed.Store(true)
		}
		res.problems = ps
		ch.out[i] = res
	}
}

// write records a checked chunk: rejected lines into the report, the rest
// into the transaction unless the file is being refused.
func (im *importRun) write(ch *chunk) error {
	for _, res := range ch.out {
		ps := res.problems
		if len(ps) == 0 && res.key != "" {
			switch {
			case im.active[res.key]:
				ps = []Problem{{Field: "case_number", Code: CodeDuplicate, Message: fmt.Sprintf("该被执行人已因案件 %s 列入名单（或在本文件中重复），不能重复纳入", res.sealed.caseNumber)}}
			case res.sealed.initiation == ByApplicant:
				if at, ok := im.barred[res.key]; ok {
					if until, barred := relistBarred(at, res.sealed.appliedOrDecided()); barred {
						ps = []Problem{{Field: "initiation", Code: CodeRelistBarred, Message: relistError(at, until).(*apperr.Error).Message}}
					}
				}
			}
		}
		if len(ps) > 0 {
			im.failed.Store(true)
			im.rep.RejectedCount++
			if len(im.rep.Rejected) < im.opts.MaxReported {
				im.rep.Rejected = append(im.rep.Rejected, Rejected{Line: res.no, Problems: ps})
			}
			continue
		}
		im.active[res.key] = true
		if !res.ready || (im.rep.RejectedCount > 0 && !im.opts.SkipInvalid) {
			continue // the file is being refused
		}
		if err := im.in.add(res.sealed); err != nil {
			return err
		}
		im.rep.Imported++
	}
	return nil
}

// finish records the import's outcome and its audit entry.
func (im *importRun) finish() error {
	w := im.w
	im.rep.ImportID = im.importID
	im.rep.FirstVersion, im.rep.LastVersion = w.start+1, w.version
	if _, err := w.tx.ExecContext(w.ctx, `UPDATE credit_imports SET file_sm3 = $1, lines = $2, imported = $3, rejected = $4, first_version = $5, last_version = $6 WHERE id = $7`,
		im.rep.FileSM3, im.rep.Lines, im.rep.Imported, im.rep.RejectedCount, int64(im.rep.FirstVersion), int64(im.rep.LastVersion), im.importID); err != nil {
		return fmt.Errorf("record the import: %w", err)
	}
	w.audit(auditEntry(im.opts.Actor, "credit.import", fmt.Sprintf("credit_import:%d", im.importID), "",
		fmt.Sprintf("导入%s的失信名单：%d 行，导入 %d 条，不合格 %d 行；版本 %d–%d；文件 SM3 %s",
			im.c.name, im.rep.Lines, im.rep.Imported, im.rep.RejectedCount, im.rep.FirstVersion, im.rep.LastVersion, im.rep.FileSM3)))
	return nil
}

// maxLine is the longest line accepted (bytes).
const maxLine = 1 << 20

// readChunks splits the input into chunks of data lines.
func readChunks(ctx context.Context, src io.Reader, format Format, jobs chan<- *chunk) error {
	seq := 0
	cur := &chunk{seq: seq}
	emit := func() bool {
		if len(cur.lines) == 0 {
			return true
		}
		select {
		case jobs <- cur:
		case <-ctx.Done():
			return false
		}
		seq++
		cur = &chunk{seq: seq, lines: make([]rawLine, 0, chunkLines)}
		return true
	}
	add := func(l rawLine) bool {
		cur.lines = append(cur.lines, l)
		if len(cur.lines) == chunkLines {
			return emit()
		}
		return true
	}
	if format == JSONL {
		br := bufio.NewReaderSize(src, 1<<20)
		no := 0
		for {
			line, err := readLine(br)
			if len(line) > 0 || err == nil {
				no++
				if no == 1 {
					line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
				}
				switch t := bytes.TrimSpace(line); {
				case len(t) == 0:
				case len(line) > maxLine:
					if !add(rawLine{no: no, err: &Problem{Code: CodeImportFormat, Message: fmt.Sprintf("本行超过 %d 字节", maxLine)}}) {
						return ctx.Err()
					}
				default:
					if !add(rawLine{no: no, json: t}) {
						return ctx.Err()
					}
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return fmt.Errorf("read line %d: %w", no+1, err)
			}
		}
		emit()
		return ctx.Err()
	}

	cr := csv.NewReader(bufio.NewReaderSize(src, 1<<20))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return apperr.New(apperr.Invalid, CodeImportEmpty, "CSV 文件是空的：第一行应为列名")
	}
	if err != nil {
		return apperr.New(apperr.Invalid, CodeImportFormat, "无法读取 CSV 文件的列名行："+err.Error())
	}
	cols, err := csvColumns(header)
	if err != nil {
		return err
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return fmt.Errorf("read CSV: %w", err)
			}
			if !add(rawLine{no: pe.StartLine, err: &Problem{Code: CodeImportFormat, Message: "CSV 格式错误：" + csvErrorText(pe)}}) {
				return ctx.Err()
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(cols) {
			if !add(rawLine{no: line, err: &Problem{Code: CodeImportFormat, Message: fmt.Sprintf("本行有 %d 列，列名行有 %d 列", len(rec), len(cols))}}) {
				return ctx.Err()
			}
			continue
		}
		fields := make([]string, len(csvFields)) // indexed by csvFields position: a header may name only some columns
		for i, c := range cols {
			fields[c] = rec[i]
		}
		if !add(rawLine{no: line, fields: fields}) {
			return ctx.Err()
		}
	}
	emit()
	return ctx.Err()
}

// readLine reads one line without its end of line, however long.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		buf := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			line, err = br.ReadSlice('\n')
			if len(buf) <= maxLine {
				buf = append(buf, line...)
			}
		}
		line = buf
	} else {
		line = append([]byte(nil), line...)
	}
	line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	return line, err
}

func csvErrorText(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		return "引号使用不正确（字段内的引号应写成两个引号 \"\"）"
	}
	return pe.Err.Error()
}

// csvFields are the CSV columns, in NewEntry's order; documents is
// "kind:number" pairs separated by ";".
var csvFields = []string{"kind", "name", "sex", "birth_date", "id_number", "documents", "credit_code", "legal_rep", "legal_rep_id",
	"ground", "obligation", "performance", "conduct", "basis_unit", "basis_number", "case_number", "filed_on", "initiation",
	"applied_on", "decision_number", "decided_on", "decision_sm3", "term_years", "extension_reason", "published_at"}

var csvIndex = func() map[string]int {
	m := map[string]int{}
	for i, f := range csvFields {
		m[f] = i
	}
	return m
}()

// csvColumns maps header positions to csvFields positions; an unknown or
// repeated column refuses the file (a typo would silently drop a field).
func csvColumns(header []string) ([]int, error) {
	out := make([]int, len(header))
	seen := map[int]bool{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		j, ok := csvIndex[name]
		if !ok {
			return nil, apperr.New(apperr.Invalid, CodeImportFormat, fmt.Sprintf("CSV 第 %d 列的列名“%s”不是可识别的字段（见 docs/credit.md）", i+1, clip(h)))
		}
		if seen[j] {
			return nil, apperr.New(apperr.Invalid, CodeImportFormat, fmt.Sprintf("CSV 列名“%s”出现了两次", name))
		}
		seen[j] = true
		out[i] = j
	}
	return out, nil
}

// entryFromCSV builds a NewEntry from fields in csvFields order.
func (l rawLine) entryFromCSV() (NewEntry, []Problem) {
	return entryFromFields(l.fields)
}

func entryFromFields(f []string) (NewEntry, []Problem) {
	get := func(name string) string {
		i := csvIndex[name]
		if i < len(f) {
			return f[i]
		}
		return ""
	}
	e := NewEntry{Kind: get("kind"), Name: get("name"), Sex: get("sex"), BirthDate: get("birth_date"), IDNumber: get("id_number"),
		CreditCode: get("credit_code"), LegalRep: get("legal_rep"), LegalRepID: get("legal_rep_id"),
		Ground: parseFlexInt(get("ground")), Obligation: get("obligation"), Performance: get("performance"), Conduct: get("conduct"),
		BasisUnit: get("basis_unit"), BasisNumber: get("basis_number"), CaseNumber: get("case_number"), FiledOn: get("filed_on"),
		Initiation: get("initiation"), AppliedOn: get("applied_on"), DecisionNumber: get("decision_number"), DecidedOn: get("decided_on"),
		DecisionSM3: get("decision_sm3"), TermYears: parseFlexInt(get("term_years")), ExtensionReason: get("extension_reason"),
		PublishedAt: get("published_at")}
	var ps []Problem
	if docs := strings.TrimSpace(get("documents")); docs != "" {
		for i, part := range strings.FieldsFunc(docs, func(r rune) bool { return r == ';' || r == '；' }) {
			k, n, ok := strings.Cut(part, ":")
			if !ok {
				k, n, ok = strings.Cut(part, "：")
			}
			if !ok {
				ps = append(ps, Problem{Field: fmt.Sprintf("documents[%d]", i), Code: CodeInvalid, Message: fmt.Sprintf("证件“%s”应写成 类型:号码，如 passport:E12345678", clip(part))})
				continue
			}
			e.Documents = append(e.Documents, NewDocument{Kind: strings.TrimSpace(k), Number: strings.TrimSpace(n)})
		}
	}
	return e, ps
}

// parseJSONLine decodes one JSON Lines line; unknown keys are problems (a
// misspelt key would silently drop a field).
func parseJSONLine(b []byte) (NewEntry, []Problem) {
	e, err := decodeLine(b)
	if err != nil {
		return NewEntry{}, []Problem{{Code: CodeImportFormat, Message: err.Error()}}
	}
	return e, nil
}
