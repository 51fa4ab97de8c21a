package workday

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const file2027 = "\ufeff# an operator's file, written before the notice came out\r\n" +
	"year 2027\r\n" +
	"source 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号，示例）\r\n" +
	"\r\n" +
	"holiday 2027-01-01..2027-01-03   元旦\n" +
	"holiday 2027-02-05..2027-02-11 春节\n" +
	"workday 2027-02-14 春节\n" +
	"   # indented comment\n" +
	"holiday 2027-10-01..2027-10-07 国庆节\n"

func TestParseGoodFile(t *testing.T) {
	c, err := Parse(strings.NewReader(file2027))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Covers(2027) || c.Covers(2026) {
		t.Errorf("Covers: 2027 %v, 2026 %v; want true, false", c.Covers(2027), c.Covers(2026))
	}
	if src, _ := c.Source(2027); !strings.HasPrefix(src, "国务院办公厅关于2027年") {
		t.Errorf("Source(2027) = %q", src)
	}
	tests := []struct {
		date     string
		wantKind Kind
		wantName string
	}{
		{"2027-01-01", Holiday, "元旦"},
		{"2027-02-05", Holiday, "春节"},
		{"2027-02-11", Holiday, "春节"},
		{"2027-02-12", Workday, ""},
		{"2027-02-14", MakeupWorkday, "春节"},
		{"2027-10-07", Holiday, "国庆节"},
	}
	for _, tt := range tests {
		if kind, name := c.DayKind(mustTime(t, tt.date)); kind != tt.wantKind || name != tt.wantName {
			t.Errorf("DayKind(%s) = %v %q, want %v %q", tt.date, kind, name, tt.wantKind, tt.wantName)
		}
	}
}

func TestParseEmptyIsWeekendsOnly(t *testing.T) {
	c, err := Parse(strings.NewReader("# nothing yet\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Years()) != 0 || c.IsWorkday(mustTime(t, "2024-10-01")) != true || c.IsWorkday(mustTime(t, "2024-10-05")) {
		t.Error("an empty file should give a weekends-only calendar")
	}
}

func TestParseErrors(t *testing.T) {
	const head = "year 2027\nsource 通知\n" // lines 1 and 2
	tests := []struct {
		name     string
		in       string
		wantLine int
		wantMsg  string
	}{
		{"bad date", head + "holiday 2027-02-30 春节\n", 3, "日期“2027-02-30” 无效"},
		{"date not zero-padded", head + "holiday 2027-2-5 春节\n", 3, "日期“2027-2-5” 无效"},
		{"bad end date", head + "holiday 2027-02-05..2027-13-01 春节\n", 3, "日期“2027-13-01” 无效"},
		{"end before start", head + "holiday 2027-02-11..2027-02-05 春节\n", 3, "结束日期 2027-02-05 早于开始日期 2027-02-11"},
		{"range too long", head + "holiday 2027-01-01..2027-03-01 春节\n", 3, "超过 31 天"},
		{"unknown keyword", head + "holidya 2027-01-01 元旦\n", 3, "未知关键字“holidya”"},
		{"holiday on a make-up day", head + "workday 2027-02-14 春节\nholiday 2027-02-13..2027-02-14 春节\n", 4, "2027-02-14 已在第 3 行列为调休上班日，不能同时是节假日"},
		{"make-up day on a holiday", head + "holiday 2027-02-13..2027-02-14 春节\nworkday 2027-02-14 春节\n", 4, "2027-02-14 已在第 3 行列为节假日，不能同时是调休上班日"},
		{"overlapping holidays", head + "holiday 2027-02-05..2027-02-11 春节\nholiday 2027-02-11 春节\n", 4, "2027-02-11 重复，第 3 行已列为节假日"},
		{"duplicate year", head + "year 2027\n", 3, "2027 年重复，第 1 行已有"},
		{"make-up day on a weekday", head + "workday 2027-02-15 春节\n", 3, "调休上班日 2027-02-15 是星期一，不是周六或周日"},
		{"make-up range", head + "workday 2027-02-13..2027-02-14 春节\n", 3, "只能写单个日期"},
		{"holiday without name", head + "holiday 2027-02-05\n", 3, "缺少节日名称"},
		{"workday without name", head + "workday 2027-02-14\n", 3, "缺少节日名称"},
		{"holiday without date", head + "holiday\n", 3, "缺少日期"},
		{"workday without date", head + "workday\n", 3, "缺少日期"},
		{"line before year", "holiday 2027-01-01 元旦\n", 1, "之前"},
		{"missing source", "year 2027\nholiday 2027-01-01 元旦\n", 1, "2027 年缺少 source 行"},
		{"missing source before next year", "year 2027\nyear 2028\nsource x\n", 1, "2027 年缺少 source 行"},
		{"duplicate source", head + "source 又一个\n", 3, "2027 年已有 source 行"},
		{"empty source", "year 2027\nsource\n", 2, "source 行缺少内容"},
		{"date outside the year", head + "holiday 2029-01-01 元旦\n", 3, "不属于 2027 年的安排"},
		{"date long before the year", head + "holiday 2026-11-30 元旦\n", 3, "不属于 2027 年的安排"},
		{"year not a number", "year abc\n", 1, "年份“abc” 无效"},
		{"year too short", "year 27\n", 1, "年份“27” 无效"},
		{"year out of range", "year 3000\n", 1, "年份“3000” 无效"},
		{"year with extra text", "year 2027 2028\n", 1, "年份“2027 2028” 无效"},
		{"line too long", head + "holiday 2027-01-01 " + strings.Repeat("节", 30000) + "\n", 3, "行太长"},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.in))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: error = %v, want a *ParseError", tt.name, err)
			continue
		}
		if pe.Line != tt.wantLine || !strings.Contains(pe.Msg, tt.wantMsg) {
			t.Errorf("%s: error = %q (line %d), want line %d containing %q", tt.name, pe.Error(), pe.Line, tt.wantLine, tt.wantMsg)
		}
		if want := fmt.Sprintf("第 %d 行：", tt.wantLine); !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: error %q does not start with %q", tt.name, err, want)
		}
	}
}

func TestMerge(t *testing.T) {
	extra, err := Parse(strings.NewReader(file2027))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Default().Merge(extra)
	if err != nil {
		t.Fatal(err)
	}
	for y := 2021; y <= 2027; y++ {
		if !c.Covers(y) {
			t.Errorf("merged calendar does not cover %d", y)
		}
	}
	if Default().Covers(2027) {
		t.Error("Merge changed the default calendar")
	}
	if c.IsWorkday(mustTime(t, "2027-02-08")) || !c.IsWorkday(mustTime(t, "2027-02-14")) || c.IsWorkday(mustTime(t, "2026-02-16")) {
		t.Error("merged calendar lost a day")
	}

	// A year in the file replaces the shipped year as a whole.
	fix, err := Parse(strings.NewReader("year 2026\nsource 更正\nholiday 2026-02-16..2026-02-18 春节\n"))
	if err != nil {
		t.Fatal(err)
	}
	c, err = Default().Merge(fix)
	if err != nil {
		t.Fatal(err)
	}
	if src, _ := c.Source(2026); src != "更正" {
		t.Errorf("Source(2026) = %q, want the replacement", src)
	}
	if kind, _ := c.DayKind(mustTime(t, "2026-02-23")); kind != Workday {
		t.Errorf("2026-02-23 after replacement = %v, want 工作日", kind)
	}
	if kind, _ := c.DayKind(mustTime(t, "2026-10-10")); kind != Weekend {
		t.Errorf("2026-10-10 after replacement = %v, want 周末", kind)
	}

	// Two years' schedules naming one date is ambiguous.
	clash, err := Parse(strings.NewReader("year 2022\nsource x\nholiday 2022-12-31 元旦\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Default().Merge(clash); err == nil || !strings.Contains(err.Error(), "2022-12-31 同时出现在 2022 年和 2023 年") {
		t.Errorf("Merge of a clashing year: error = %v", err)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "2027.txt")
	if err := os.WriteFile(good, []byte(file2027), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Covers(2021) || !c.Covers(2027) {
		t.Errorf("LoadFile: years = %v, want 2021–2027", c.Years())
	}

	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("year 2027\nsource x\nholiday 2027-02-30 春节\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadFile(bad)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || !strings.Contains(err.Error(), bad) {
		t.Errorf("LoadFile(bad) error = %v, want line 3 and the path", err)
	}

	if _, err := LoadFile(filepath.Join(dir, "missing.txt")); err == nil || !strings.Contains(err.Error(), "打开节假日文件") {
		t.Errorf("LoadFile(missing) error = %v", err)
	}

	clash := filepath.Join(dir, "clash.txt")
	if err := os.WriteFile(clash, []byte("year 2022\nsource x\nholiday 2022-12-31 元旦\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(clash); err == nil || !strings.Contains(err.Error(), "冲突") {
		t.Errorf("LoadFile(clash) error = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(file2027)
	f.Add(shippedData)
	f.Add("year 2027\nsource x\nholiday 2027-02-11..2027-02-05 春节\n")
	f.Add("year 2027\nsource x\nworkday 2027-02-14 春节\nholiday 2027-02-14 春节\n")
	f.Add("year 1950\nsource x\nholiday 1949-12-31 元旦\nyear 2199\nsource y\nholiday 2200-01-31 元旦\n")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := Parse(strings.NewReader(in))
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && pe.Line < 1 {
				t.Errorf("error with line %d: %v", pe.Line, err)
			}
			return
		}
		// Whatever parsed must answer queries and compute deadlines.
		start := mustTime(t, "2024-09-30")
		for _, y := range c.Years() {
			if !c.Covers(y) {
				t.Errorf("Years lists %d but Covers says no", y)
			}
		}
		if _, err := c.Due(start, 30, Workdays); err != nil {
			t.Error(err)
		}
		c.AddDays(start, 30)
	})
}
