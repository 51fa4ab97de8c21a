package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func runIdent(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = cmdIdent(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestIdentCheckValid(t *testing.T) {
	code, out, errOut := runIdent("check", "11010519491231002X")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"居民身份证号码 有效", "性别=女", "出生日期=1949-12-31", "地址码=110105", "所属地区=北京市朝阳区"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q lacks %q", out, want)
		}
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("want one line, got %q", out)
	}
}

func TestIdentCheckInvalidNamesTheDigit(t *testing.T) {
	code, out, _ := runIdent("check", "110105194912310021", "豫P12345")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", out)
	}
	if !strings.Contains(lines[0], "无效") || !strings.Contains(lines[0], "校验位应为 X，实际为 1") || !strings.Contains(lines[0], "resident_id.check_digit") {
		t.Errorf("line 1 = %q", lines[0])
	}
	if !strings.Contains(lines[1], "机动车号牌号码 有效 豫P12345") || !strings.Contains(lines[1], "发牌地区=周口市") {
		t.Errorf("line 2 = %q", lines[1])
	}
}

func TestIdentCheckJSON(t *testing.T) {
	code, out, _ := runIdent("check", "--json", "11010519491231002X", "hello")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var items []struct {
		Input      string `json:"input"`
		Kind       string `json:"kind"`
		Valid      bool   `json:"valid"`
		Normalized string `json:"normalized"`
		Facts      []struct {
			Key, Label, Value string
		} `json:"facts"`
		Error *struct {
			Code, Message string
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(out), &items); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(items) != 2 {
		t.Fatalf("got %d items", len(items))
	}
	a := items[0]
	if a.Input != "11010519491231002X" || a.Kind != "resident_id" || !a.Valid || a.Normalized != "11010519491231002X" || a.Error != nil {
		t.Errorf("item 0 = %+v", a)
	}
	found := false
	for _, f := range a.Facts {
		if f.Key == "birth_date" && f.Label == "出生日期" && f.Value == "1949-12-31" {
			found = true
		}
	}
	if !found {
		t.Errorf("birth_date fact missing: %+v", a.Facts)
	}
	b := items[1]
	if b.Valid || b.Error == nil || b.Error.Code != "unknown" || b.Facts == nil {
		t.Errorf("item 1 = %+v", b)
	}
}

func TestIdentCheckFlagsAfterValues(t *testing.T) {
	code, out, _ := runIdent("check", "1M8GDM9AXKP042788", "--json")
	if code != 0 || !strings.HasPrefix(strings.TrimSpace(out), "[") {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

func TestIdentCheckKind(t *testing.T) {
	// 18 digits forced as a credit code.
	code, out, _ := runIdent("check", "--kind", "credit_code", "914403001922038216")
	if code != 0 || !strings.Contains(out, "统一社会信用代码 有效") {
		t.Fatalf("exit %d, output %q", code, out)
	}
	code, out, _ = runIdent("check", "--kind=vin", "11010519491231002X")
	if code != 1 || !strings.Contains(out, "车辆识别代号 无效") {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

func TestIdentCheckDashValue(t *testing.T) {
	// After "--" a value may start with a dash instead of being a flag.
	code, out, _ := runIdent("check", "--", "-h")
	if code != 1 || !strings.Contains(out, "未识别 无效 -h") {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

func TestIdentUsage(t *testing.T) {
	tests := []struct {
		args       []string
		code       int
		wantStdout bool
	}{
		{[]string{"--help"}, 0, true},
		{[]string{"-h"}, 0, true},
		{[]string{"check", "--help"}, 0, true},
		{nil, 2, false},
		{[]string{"frobnicate"}, 2, false},
		{[]string{"check"}, 2, false},
		{[]string{"check", "--bogus", "x"}, 2, false},
		{[]string{"check", "--kind", "nope", "x"}, 2, false},
	}
	for _, tc := range tests {
		code, out, errOut := runIdent(tc.args...)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d", tc.args, code, tc.code)
		}
		usage := out
		if !tc.wantStdout {
			usage = errOut
		}
		if !strings.Contains(usage, "用法 / usage") || !strings.Contains(usage, "resident_id") {
			t.Errorf("%v: usage missing; stdout %q stderr %q", tc.args, out, errOut)
		}
	}
}
