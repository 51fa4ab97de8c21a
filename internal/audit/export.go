package audit

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"liandong/internal/apperr"
)

// Format is an export file format.
type Format string

const (
	// CSV is UTF-8 with a byte order mark, so Excel shows Chinese right,
	// CRLF line ends, a Chinese header row and times in Beijing time.
	CSV Format = "csv"
	// JSONL is one JSON object per line with the stored values (times in
	// UTC), for programs.
	JSONL Format = "jsonl"
)

// csvHeader names the CSV columns.
func csvHeader() []string {
	return []string{"序号", "时间（北京时间）", "用户名", "单位代码", "角色", "来源地址", "操作", "对象", "案号", "结果", "详情"}
}

// exportBatch is how many entries one query reads.
const exportBatch = 1000

// Export writes every entry matching q (Limit is ignored; Before bounds
// the range) to w, oldest first, and returns how many it wrote. Reading the
// log is itself audited: Export records an "audit.export" entry by the
// actor in ctx (WithActor), with the outcome.
func (l *Log) Export(ctx context.Context, q Query, w io.Writer, format Format) (n int64, err error) {
	if format != CSV && format != JSONL {
		return 0, apperr.Invalidf("format", "audit.bad_format", "导出格式只能是 csv 或 jsonl，而不是“%s”", format)
	}
	if _, err := l.filter(q); err != nil {
		return 0, err
	}
	entry := actorEntry(ctx, "audit.export", "audit_log")
	defer func() {
		entry.Outcome, entry.Detail = OK, fmt.Sprintf("导出 %s，共 %d 条；%s", format, n, describe(q))
		if err != nil {
			entry.Outcome, entry.Detail = Failed, entry.Detail+"；失败："+userMessage(err)
		}
		if _, rerr := l.Record(context.WithoutCancel(ctx), entry); rerr != nil {
			err = fmt.Errorf("record the export in the audit log: %w", rerr)
		}
	}()

	bw := bufio.NewWriterSize(w, 64<<10)
	write, flush := l.rowWriter(bw, format)
	if format == CSV {
		if _, err := bw.WriteString("\uFEFF"); err != nil {
			return 0, fmt.Errorf("export audit log: %w", err)
		}
		if err := write(nil); err != nil {
			return 0, fmt.Errorf("export audit log: %w", err)
		}
	}
	var after int64
	for {
		f, _ := l.filter(q) // checked above
		f.add("seq > " + f.arg(after))
		if q.Before > 0 {
			f.add("seq < " + f.arg(q.Before))
		}
		stmt := `SELECT seq, at, ` + entryColumns + ` FROM audit_entries` + f.where() + ` ORDER BY seq LIMIT ` + f.arg(exportBatch)
		batch, err := l.query(ctx, stmt, f.args, exportBatch)
		if err != nil {
			return n, fmt.Errorf("export audit log after %d: %w", after, err)
		}
		for i := range batch {
			if err := write(&batch[i]); err != nil {
				return n, fmt.Errorf("export audit log: %w", err)
			}
			n++
		}
		if len(batch) < exportBatch {
			break
		}
		after = batch[len(batch)-1].Seq
	}
	if err := flush(); err != nil {
		return n, fmt.Errorf("export audit log: %w", err)
	}
	return n, nil
}

// rowWriter returns a function writing one entry (nil: the header) and one
// flushing everything.
func (l *Log) rowWriter(bw *bufio.Writer, format Format) (func(*Entry) error, func() error) {
	if format == JSONL {
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		return func(e *Entry) error {
			if e == nil {
				return nil
			}
			return enc.Encode(jsonEntry{Seq: e.Seq, At: timeText(e.At), Username: e.Username, UnitCode: e.UnitCode, Role: e.Role,
				Source: e.Source, Action: e.Action, Object: e.Object, CaseNumber: e.CaseNumber, Outcome: string(e.Outcome), Detail: e.Detail})
		}, bw.Flush
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	cst := chinaTime()
	header := csvHeader()
	row := make([]string, len(header))
	return func(e *Entry) error {
			if e == nil {
				return cw.Write(header)
			}
			row[0] = strconv.FormatInt(e.Seq, 10)
			row[1] = e.At.In(cst).Format("2006-01-02 15:04:05.000000")
			for i, s := range [...]string{e.Username, e.UnitCode, e.Role, e.Source, e.Action, e.Object, e.CaseNumber, e.Outcome.Label(), e.Detail} {
				row[2+i] = cell(s)
			}
			return cw.Write(row)
		}, func() error {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
			return bw.Flush()
		}
}

// jsonEntry is an entry in a JSON Lines export.
type jsonEntry struct {
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
}

// cell keeps a spreadsheet from taking text for a formula: values typed by
// users (a username tried at login, a detail) that start with = + - @ or a
// control character get a leading apostrophe, which Excel does not show.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// describe says in Chinese which entries q selects, for the export's own
// audit entry.
func describe(q Query) string {
	var parts []string
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, label+" "+v)
		}
	}
	cst := chinaTime()
	if !q.From.IsZero() {
		add("起", q.From.In(cst).Format("2006-01-02 15:04"))
	}
	if !q.To.IsZero() {
		add("止", q.To.In(cst).Format("2006-01-02 15:04"))
	}
	add("用户", q.Username)
	add("单位", q.UnitCode)
	add("操作", q.ActionPrefix)
	add("案号", q.CaseNumber)
	add("结果", string(q.Outcome))
	add("对象", q.Object)
	if len(parts) == 0 {
		return "条件：全部"
	}
	return "条件：" + strings.Join(parts, "，")
}
