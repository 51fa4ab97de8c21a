package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runWorkday calls cmdWorkday and returns what it wrote.
func runWorkday(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = cmdWorkday(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// workdayTestFiles writes a valid 2027 holiday file and a broken one.
func workdayTestFiles(t *testing.T) (good, bad string) {
	t.Helper()
	dir := t.TempDir()
	good = filepath.Join(dir, "2027.txt")
	bad = filepath.Join(dir, "bad.txt")
	const goodText = "year 2027\nsource 测试用安排\nholiday 2027-02-05..2027-02-11 春节\nworkday 2027-02-14 春节\n"
	const badText = "year 2027\nsource 测试用安排\nholiday 2027-02-30 春节\n"
	if err := os.WriteFile(good, []byte(goodText), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(badText), 0o600); err != nil {
		t.Fatal(err)
	}
	return good, bad
}

func TestCmdWorkdayDue(t *testing.T) {
	good, bad := workdayTestFiles(t)
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // exact
		wantStderr string // substring; "" means stderr must be empty
	}{
		{"working days over National Day 2021", []string{"due", "2021-09-30", "1", "workdays"}, 0, "2021-10-08T23:59:59+08:00\n", ""},
		{"3 working days from 2024-09-30", []string{"due", "2024-09-30", "3", "workdays"}, 0, "2024-10-10T23:59:59+08:00\n", ""},
		{"Chinese unit 工作日", []string{"due", "2024-09-30", "3", "工作日"}, 0, "2024-10-10T23:59:59+08:00\n", ""},
		{"days, last day in the holiday", []string{"due", "2024-09-20", "15", "days"}, 0, "2024-10-08T23:59:59+08:00\n", ""},
		{"Chinese unit 天", []string{"due", "2024-09-30", "15", "天"}, 0, "2024-10-15T23:59:59+08:00\n", ""},
		{"hours from a time", []string{"due", "2024-09-30T22:00", "24", "hours"}, 0, "2024-10-01T22:00:00+08:00\n", ""},
		{"hours from a bare date: 00:00", []string{"due", "2024-09-30", "24", "小时"}, 0, "2024-10-01T00:00:00+08:00\n", ""},
		{"UTC start is converted", []string{"due", "2024-09-29T17:00:00Z", "3", "workdays"}, 0, "2024-10-10T23:59:59+08:00\n", ""},
		{"New York offset is converted", []string{"due", "2024-09-29T13:00:00-04:00", "24", "hours"}, 0, "2024-10-01T01:00:00+08:00\n", ""},
		{"--calendar before the arguments", []string{"due", "--calendar", good, "2027-02-04", "1", "workdays"}, 0, "2027-02-12T23:59:59+08:00\n", ""},
		{"--calendar after the arguments", []string{"due", "2027-02-04", "1", "workdays", "--calendar=" + good}, 0, "2027-02-12T23:59:59+08:00\n", ""},
		{"year without data warns", []string{"due", "2030-09-27", "2", "workdays"}, 0, "2030-10-01T23:59:59+08:00\n", "没有 2030 年的节假日安排数据"},
		{"hours need no holiday data", []string{"due", "2030-09-27", "2", "hours"}, 0, "2030-09-27T02:00:00+08:00\n", ""},
		{"long period names the span", []string{"due", "2026-12-01", "800", "days"}, 0, "2029-02-08T23:59:59+08:00\n", "没有 2027–2029 年"},
		{"help", []string{"due", "--help"}, 0, "", ""},
		{"too few arguments", []string{"due", "2024-09-30", "3"}, 2, "", "due 需要 3 个参数"},
		{"too many arguments", []string{"due", "2024-09-30", "3", "days", "x"}, 2, "", "due 需要 3 个参数"},
		{"bad start", []string{"due", "2024-13-01", "3", "days"}, 2, "", "开始时间有误"},
		{"N not a number", []string{"due", "2024-09-30", "三", "days"}, 2, "", "期间数“三”不是整数"},
		{"negative N", []string{"due", "2024-09-30", "-3", "days"}, 2, "", "期间必须是正整数，收到 -3"},
		{"zero N", []string{"due", "2024-09-30", "0", "hours"}, 2, "", "期间必须是正整数"},
		{"bad unit", []string{"due", "2024-09-30", "3", "weeks"}, 2, "", "无法识别的期间单位“weeks”"},
		{"unknown flag", []string{"due", "--zone", "UTC", "2024-09-30", "3", "days"}, 2, "", "未知选项“-zone”"},
		{"--calendar without a value", []string{"due", "2024-09-30", "3", "days", "--calendar"}, 2, "", "缺少值"},
		{"missing calendar file", []string{"due", "--calendar", filepath.Join(t.TempDir(), "none.txt"), "2024-09-30", "3", "days"}, 2, "", "打开节假日文件"},
		{"broken calendar file", []string{"due", "--calendar", bad, "2024-09-30", "3", "days"}, 2, "", "第 3 行：日期“2027-02-30” 无效"},
	}
	for _, tt := range tests {
		code, stdout, stderr := runWorkday(tt.args...)
		if code != tt.wantCode {
			t.Errorf("%s: exit %d, want %d (stderr %q)", tt.name, code, tt.wantCode, stderr)
		}
		if tt.name == "help" {
			if !strings.Contains(stdout, "用法") {
				t.Errorf("%s: stdout %q lacks the usage", tt.name, stdout)
			}
			continue
		}
		if stdout != tt.wantStdout {
			t.Errorf("%s: stdout %q, want %q", tt.name, stdout, tt.wantStdout)
		}
		if tt.wantStderr == "" && stderr != "" || !strings.Contains(stderr, tt.wantStderr) {
			t.Errorf("%s: stderr %q, want %q", tt.name, stderr, tt.wantStderr)
		}
	}
}

func TestCmdWorkdayIs(t *testing.T) {
	good, _ := workdayTestFiles(t)
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"make-up Sunday", []string{"is", "2021-02-07"}, 0, "2021-02-07 星期日 工作日：调休上班日（春节）\n", ""},
		{"holiday", []string{"is", "2021-02-11"}, 0, "2021-02-11 星期四 休息日：春节\n", ""},
		{"weekend", []string{"is", "2021-03-06"}, 0, "2021-03-06 星期六 休息日：周末\n", ""},
		{"workday", []string{"is", "2021-03-01"}, 0, "2021-03-01 星期一 工作日\n", ""},
		{"除夕 2025 is a holiday", []string{"is", "2025-01-28"}, 0, "2025-01-28 星期二 休息日：春节\n", ""},
		{"UTC moment on a Shanghai holiday", []string{"is", "2024-09-30T16:30:00Z"}, 0, "2024-10-01 星期二 休息日：国庆节\n", ""},
		{"year without data warns", []string{"is", "2030-10-01"}, 0, "2030-10-01 星期二 工作日\n", "没有 2030 年"},
		{"extra calendar file", []string{"is", "--calendar", good, "2027-02-08"}, 0, "2027-02-08 星期一 休息日：春节\n", ""},
		{"no date", []string{"is"}, 2, "", "is 需要 1 个参数"},
		{"two dates", []string{"is", "2024-01-01", "2024-01-02"}, 2, "", "is 需要 1 个参数"},
		{"bad date", []string{"is", "2024-02-30"}, 2, "", "日期有误：无法识别的时间“2024-02-30”"},
	}
	for _, tt := range tests {
		code, stdout, stderr := runWorkday(tt.args...)
		if code != tt.wantCode || stdout != tt.wantStdout {
			t.Errorf("%s: exit %d stdout %q, want %d %q (stderr %q)", tt.name, code, stdout, tt.wantCode, tt.wantStdout, stderr)
		}
		if tt.wantStderr == "" && stderr != "" || !strings.Contains(stderr, tt.wantStderr) {
			t.Errorf("%s: stderr %q, want %q", tt.name, stderr, tt.wantStderr)
		}
	}
}

func TestCmdWorkdayUsage(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"is", "--help"}} {
		code, stdout, stderr := runWorkday(args...)
		if code != 0 || !strings.Contains(stdout, "liandong workday due") || !strings.Contains(stdout, "2021–2026 年") || stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	code, stdout, stderr := runWorkday()
	if code != 2 || stdout != "" || !strings.Contains(stderr, "缺少子命令") {
		t.Errorf("no arguments: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, _, stderr = runWorkday("when")
	if code != 2 || !strings.Contains(stderr, "未知子命令“when”") {
		t.Errorf("unknown verb: exit %d, stderr %q", code, stderr)
	}
}

// FuzzCmdWorkday feeds arbitrary arguments to the verb: it must never panic
// and must either succeed with one line or fail with a message.
func FuzzCmdWorkday(f *testing.F) {
	f.Add("due 2024-09-30 3 workdays")
	f.Add("due 2024-09-29T17:00:00Z 24 小时")
	f.Add("is 2021-02-07")
	f.Add("due -- -1 days")
	f.Add("due 9999-12-31 36600 days")
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		for _, a := range args {
			if strings.HasPrefix(strings.TrimLeft(a, "-"), "calendar") {
				return // do not read arbitrary files
			}
		}
		code, stdout, stderr := runWorkday(args...)
		switch code {
		case 0:
			if stdout == "" {
				t.Errorf("%q: success with no output", line)
			}
		case 2:
			if stderr == "" {
				t.Errorf("%q: failure with no message", line)
			}
		default:
			t.Errorf("%q: exit %d", line, code)
		}
	})
}
