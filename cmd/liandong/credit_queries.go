package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"liandong/internal/apperr"
	"liandong/internal/screen"
)

// The columns of a query file, in the order the generator writes them.
var queryColumns = [6]string{"ref", "name", "id_number", "birth_date", "sex", "region"}

// queryColumnLimits are the longest values, in characters (the API's).
var queryColumnLimits = [6]int{64, 64, 40, 20, 10, 100}

// CodeScreenInput is the error code of a query file that cannot be read.
const CodeScreenInput = "credit.screen_input"

var querySexWords = map[string]bool{"m": true, "f": true, "男": true, "女": true, "1": true, "2": true, "male": true, "female": true}

// queryReader reads a query file: UTF-8 CSV (a BOM is fine) with a header
// row naming the columns in any order; ref is required, the others
// optional. Every problem is an apperr naming the line and the column.
type queryReader struct {
	cr    *csv.Reader
	col   [6]int // the record index of each column, -1 when absent
	width int
	line  int // the last record's line
}

func inputError(format string, args ...any) error {
	return &apperr.Error{Kind: apperr.Invalid, Code: CodeScreenInput, Message: fmt.Sprintf(format, args...)}
}

func newQueryReader(r io.Reader) (*queryReader, error) {
	br := newBOMSkipper(r)
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	q := &queryReader{cr: cr}
	head, err := cr.Read()
	if err == io.EOF {
		return nil, inputError("文件为空：第 1 行应为列名行 ref,name,id_number,birth_date,sex,region")
	}
	if err != nil {
		return nil, csvError(err)
	}
	for i := range q.col {
		q.col[i] = -1
	}
	for i, h := range head {
		name := strings.ToLower(strings.TrimSpace(h))
		k := -1
		for j, c := range queryColumns {
			if c == name {
				k = j
			}
		}
		switch {
		case k < 0:
			return nil, inputError("第 1 行第 %d 列：列名“%s”不认识，列名只能是 ref、name、id_number、birth_date、sex、region", i+1, clipRunes(h, 20))
		case q.col[k] >= 0:
			return nil, inputError("第 1 行第 %d 列：列名“%s”重复（第 %d 列已有）", i+1, name, q.col[k]+1)
		}
		q.col[k] = i
	}
	if q.col[0] < 0 {
		return nil, inputError("第 1 行：缺少 ref 列（列名行应为 ref,name,id_number,birth_date,sex,region，除 ref 外均可省略）")
	}
	q.width = len(head)
	return q, nil
}

// next returns the next query, io.EOF at the end.
func (q *queryReader) next() (screen.Query, error) {
	rec, err := q.cr.Read()
	if err == io.EOF {
		return screen.Query{}, io.EOF
	}
	if err != nil {
		return screen.Query{}, csvError(err)
	}
	q.line, _ = q.cr.FieldPos(0)
	if len(rec) != q.width {
		return screen.Query{}, inputError("第 %d 行：有 %d 列，列名行有 %d 列（含逗号的值须加英文双引号）", q.line, len(rec), q.width)
	}
	var v [6]string
	for k, i := range q.col {
		if i < 0 {
			continue
		}
		s := strings.TrimSpace(rec[i])
		bad := func(format string, args ...any) error {
			return inputError("第 %d 行第 %d 列（%s）："+format, append([]any{q.line, i + 1, queryColumns[k]}, args...)...)
		}
		if !utf8.ValidString(s) {
			return screen.Query{}, bad("不是有效的 UTF-8 文本（请以 UTF-8 编码保存文件）")
		}
		if n := utf8.RuneCountInString(s); n > queryColumnLimits[k] {
			return screen.Query{}, bad("超过 %d 个字符", queryColumnLimits[k])
		}
		switch queryColumns[k] {
		case "ref":
			if s == "" {
				return screen.Query{}, bad("ref 不能为空（结果按 ref 对应）")
			}
		case "birth_date":
			if _, ok := screen.ParseDate(s); s != "" && !ok {
				return screen.Query{}, bad("出生日期“%s”无法识别，应为 YYYY-MM-DD（如 1985-03-02）", s)
			}
		case "sex":
			if s != "" && !querySexWords[strings.ToLower(s)] {
				return screen.Query{}, bad("性别“%s”无法识别，应为 男/女 或 M/F", s)
			}
		}
		v[k] = s
	}
	if v[1] == "" && v[2] == "" {
		return screen.Query{}, inputError("第 %d 行：姓名（名称）和证件号码至少填写一项，否则无法比对", q.line)
	}
	return screen.Query{Ref: v[0], Name: v[1], IDNumber: v[2], BirthDate: v[3], Sex: v[4], Region: v[5]}, nil
}

// csvError says in Chinese where the CSV syntax broke.
func csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &apperr.Error{Kind: apperr.Invalid, Code: CodeScreenInput, Message: fmt.Sprintf("读取文件出错：%v", err), Err: err}
	}
	why := "格式不正确"
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		why = "未加引号的值中出现了英文双引号（值中有引号时，整个值须加引号，引号写两遍）"
	case errors.Is(pe.Err, csv.ErrQuote):
		why = "英文双引号不成对（引号内的值没有结束）"
	}
	return &apperr.Error{Kind: apperr.Invalid, Code: CodeScreenInput, Err: err,
		Message: fmt.Sprintf("第 %d 行第 %d 个字节处：%s", pe.Line, pe.Column, why)}
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// bomSkipper drops a UTF-8 byte order mark at the start (Excel writes one).
type bomSkipper struct {
	r       io.Reader
	started bool
}

func newBOMSkipper(r io.Reader) io.Reader { return &bomSkipper{r: r} }

func (b *bomSkipper) Read(p []byte) (int, error) {
	if b.started {
		return b.r.Read(p)
	}
	b.started = true
	head := make([]byte, 3)
	n, err := io.ReadFull(b.r, head)
	head = head[:n]
	if bytes.Equal(head, []byte("\ufeff")) {
		head = nil
	}
	b.r = io.MultiReader(bytes.NewReader(head), b.r)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return 0, err
	}
	return b.r.Read(p)
}
