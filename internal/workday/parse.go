package workday

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The holiday file format (full description in docs/workday.md):
//
//	# comment                         whole-line comments and blank lines are ignored
//	year 2027                         opens the schedule of one year's notice
//	source 国务院办公厅关于…的通知（国办发明电〔2026〕N号，2026-MM-DD）
//	holiday 2027-02-05..2027-02-11 春节 a day off, or an inclusive range of them
//	workday 2027-02-14 春节            a Saturday or Sunday that is a working day
//
// Each year needs exactly one source line. Dates are YYYY-MM-DD and must lie
// between 1 December of the year before and 31 January of the year after (a
// New Year holiday can start on 31 December). No date may be listed twice.

const (
	minYear = 1950
	maxYear = 2199
	// maxRangeDays bounds one holiday line; the longest real one is 9 days.
	maxRangeDays = 31
)

// ParseError is a fault in a holiday file.
type ParseError struct {
	Line int    // 1-based line number
	Msg  string // what is wrong, in Chinese
}

func (e *ParseError) Error() string { return fmt.Sprintf("第 %d 行：%s", e.Line, e.Msg) }

// Parse reads a holiday file and returns a calendar of its schedules alone.
// Use Merge, or LoadFile, to combine it with the shipped data. Errors are
// *ParseError naming the line.
func Parse(r io.Reader) (*Calendar, error) {
	p := &parser{years: make(map[int]*schedule), seen: make(map[int64]entry)}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		p.line++
		text := sc.Text()
		if p.line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if err := p.parseLine(text); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &ParseError{Line: p.line + 1, Msg: "行太长"}
		}
		return nil, fmt.Errorf("读取节假日文件：%w", err)
	}
	if err := p.closeYear(); err != nil {
		return nil, err
	}
	return build(p.years)
}

// LoadFile parses the holiday file at path and merges it over the shipped
// data: each year the file has replaces the shipped year, and the other
// shipped years stay.
func LoadFile(path string) (*Calendar, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("打开节假日文件：%w", err)
	}
	defer f.Close()
	extra, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("节假日文件 %s %w", path, err)
	}
	c, err := Default().Merge(extra)
	if err != nil {
		return nil, fmt.Errorf("节假日文件 %s 与内置数据冲突：%w", path, err)
	}
	return c, nil
}

type parser struct {
	line  int
	years map[int]*schedule
	cur   *schedule
	seen  map[int64]entry // every special day so far, across all years
}

func (p *parser) errorf(format string, args ...any) error {
	return &ParseError{Line: p.line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) parseLine(text string) error {
	text = strings.TrimSpace(text)
	if text == "" || strings.HasPrefix(text, "#") {
		return nil
	}
	keyword, rest := cutSpace(text)
	switch keyword {
	case "year":
		return p.parseYear(rest)
	case "source", "holiday", "workday":
		if p.cur == nil {
			return p.errorf("%s 行出现在第一个 year 行之前", keyword)
		}
	default:
		return p.errorf("未知关键字“%s”，应为 year、source、holiday 或 workday", keyword)
	}
	switch keyword {
	case "source":
		if rest == "" {
			return p.errorf("source 行缺少内容，应写明通知标题和文号")
		}
		if p.cur.source != "" {
			return p.errorf("%d 年已有 source 行", p.cur.year)
		}
		p.cur.source = rest
		return nil
	case "holiday":
		return p.parseHoliday(rest)
	default:
		return p.parseWorkday(rest)
	}
}

func (p *parser) parseYear(rest string) error {
	y, err := strconv.Atoi(rest)
	if err != nil || len(rest) != 4 || y < minYear || y > maxYear {
		return p.errorf("年份“%s” 无效，应为 %d 到 %d 之间的四位数", rest, minYear, maxYear)
	}
	if prev, ok := p.years[y]; ok {
		return p.errorf("%d 年重复，第 %d 行已有", y, prev.line)
	}
	if err := p.closeYear(); err != nil {
		return err
	}
	p.cur = &schedule{year: y, line: p.line}
	p.years[y] = p.cur
	return nil
}

// closeYear checks the schedule that is open before another one starts.
func (p *parser) closeYear() error {
	if p.cur != nil && p.cur.source == "" {
		return &ParseError{Line: p.cur.line, Msg: fmt.Sprintf("%d 年缺少 source 行，应写明通知标题和文号", p.cur.year)}
	}
	return nil
}

func (p *parser) parseHoliday(rest string) error {
	dates, name := cutSpace(rest)
	if dates == "" {
		return p.errorf("holiday 行缺少日期，如 holiday 2027-02-05..2027-02-11 春节")
	}
	if name == "" {
		return p.errorf("缺少节日名称，如 holiday 2027-02-05..2027-02-11 春节")
	}
	startText, endText, isRange := strings.Cut(dates, "..")
	start, err := p.parseDate(startText)
	if err != nil {
		return err
	}
	end := start
	if isRange {
		if end, err = p.parseDate(endText); err != nil {
			return err
		}
	}
	if end < start {
		return p.errorf("结束日期 %s 早于开始日期 %s", endText, startText)
	}
	if n := end - start + 1; n > maxRangeDays {
		return p.errorf("假期 %s 长达 %d 天，超过 %d 天的上限", dates, n, maxRangeDays)
	}
	for d := start; d <= end; d++ {
		if err := p.add(entry{day: d, kind: Holiday, name: name, line: p.line}); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) parseWorkday(rest string) error {
	date, name := cutSpace(rest)
	if date == "" {
		return p.errorf("workday 行缺少日期，如 workday 2027-02-14 春节")
	}
	if strings.Contains(date, "..") {
		return p.errorf("调休上班日只能写单个日期，每天一行")
	}
	if name == "" {
		return p.errorf("缺少节日名称，如 workday 2027-02-14 春节")
	}
	d, err := p.parseDate(date)
	if err != nil {
		return err
	}
	if !isWeekend(d) {
		return p.errorf("调休上班日 %s 是%s，不是周六或周日", date, WeekdayName(weekdayOf(d)))
	}
	return p.add(entry{day: d, kind: MakeupWorkday, name: name, line: p.line})
}

func (p *parser) add(e entry) error {
	if prev, ok := p.seen[e.day]; ok {
		if prev.kind == e.kind {
			return p.errorf("%s 重复，第 %d 行已列为%s", formatDay(e.day), prev.line, prev.kind)
		}
		return p.errorf("%s 已在第 %d 行列为%s，不能同时是%s", formatDay(e.day), prev.line, prev.kind, e.kind)
	}
	p.seen[e.day] = e
	p.cur.days = append(p.cur.days, e)
	return nil
}

// parseDate reads a strict YYYY-MM-DD date that must belong to the open
// year's schedule.
func (p *parser) parseDate(s string) (int64, error) {
	y, m, d, ok := parseISODate(s)
	if !ok {
		return 0, p.errorf("日期“%s” 无效，应为 YYYY-MM-DD 格式的真实日期", s)
	}
	day := dayFromDate(y, m, d)
	lo := dayFromDate(p.cur.year-1, time.December, 1)
	hi := dayFromDate(p.cur.year+1, time.January, 31)
	if day < lo || day > hi {
		return 0, p.errorf("日期 %s 不属于 %d 年的安排，应在 %d-12-01 至 %d-01-31 之间", s, p.cur.year, p.cur.year-1, p.cur.year+1)
	}
	return day, nil
}

// parseISODate parses exactly YYYY-MM-DD and checks that the date exists.
func parseISODate(s string) (year int, month time.Month, day int, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	num := func(t string) int {
		n := 0
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return -1
			}
			n = n*10 + int(t[i]-'0')
		}
		return n
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	if y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(time.Month(m), y) {
		return 0, 0, 0, false
	}
	return y, time.Month(m), d, true
}

func daysIn(m time.Month, year int) int {
	// Day 0 of the next month is the last day of this one.
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// cutSpace splits s at its first run of white space.
func cutSpace(s string) (head, tail string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}
