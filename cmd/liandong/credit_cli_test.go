package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"liandong/internal/apperr"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/keyring"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	rc := run(args, strings.NewReader(""), &out, &errb)
	return rc, out.String(), errb.String()
}

func keyFile(t *testing.T) string {
	t.Helper()
	text, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "liandong.keys")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// target is what --db takes for d: the data folder of SQLite, the DSN of
// PostgreSQL.
func target(d *db.DB) string {
	if db.IsPostgresDSN(d.Target) {
		return d.Target
	}
	return filepath.Dir(d.Target)
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// A generated list is deterministic, imports with no rejected line, and
// screening its queries through the CLI finds the labelled entries.
func TestCreditGenImportScreen(t *testing.T) {
	t.Parallel()
	dir, again := t.TempDir(), t.TempDir()
	args := []string{"credit", "gen", "--entries", "2000", "--queries", "300", "--seed", "7"}
	if rc, out, errs := runCLI(t, append(args, "--out", dir)...); rc != 0 {
		t.Fatalf("gen: %d %s %s", rc, out, errs)
	}
	if rc, _, errs := runCLI(t, append(args, "--out", again)...); rc != 0 {
		t.Fatalf("gen again: %s", errs)
	}
	for _, name := range []string{"entries.jsonl", "queries.csv", "labels.csv"} {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(again, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs with the same seed (or is empty)", name)
		}
	}
	lines := bytes.Count(mustRead(t, filepath.Join(dir, "entries.jsonl")), []byte("\n"))
	if lines != 2000 {
		t.Fatalf("entries.jsonl has %d lines", lines)
	}
	labels := readCSV(t, filepath.Join(dir, "labels.csv"))
	if len(labels) != 301 || strings.Join(labels[0], ",") != "ref,expected_entry_ref_or_empty,kind" {
		t.Fatalf("labels.csv header %v, %d rows", labels[0], len(labels))
	}
	if q := readCSV(t, filepath.Join(dir, "queries.csv")); len(q) != 301 || strings.Join(q[0], ",") != "ref,name,id_number,birth_date,sex,region" {
		t.Fatalf("queries.csv header %v, %d rows", q[0], len(q))
	}

	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		keys := keyFile(t)
		report := filepath.Join(t.TempDir(), "report.json")
		rc, out, errs := runCLI(t, "credit", "import", filepath.Join(dir, "entries.jsonl"), "--court", "fy411602", "--db", target(d), "--key-file", keys, "--report", report)
		if rc != 0 || !strings.Contains(out, "已导入 2000 条") {
			t.Fatalf("import: rc %d\n%s\n%s", rc, out, errs)
		}
		var rep struct {
			Imported      int `json:"imported"`
			RejectedCount int `json:"rejected_count"`
		}
		if err := json.Unmarshal(mustRead(t, report), &rep); err != nil || rep.Imported != 2000 || rep.RejectedCount != 0 {
			t.Fatalf("report %+v, %v", rep, err)
		}

		results := filepath.Join(t.TempDir(), "results.csv")
		rc, out, errs = runCLI(t, "credit", "screen", "--in", filepath.Join(dir, "queries.csv"), "--out", results, "--db", target(d), "--key-file", keys)
		if rc != 0 || !strings.Contains(out, "已比对 300 条") {
			t.Fatalf("screen: rc %d\n%s\n%s", rc, out, errs)
		}
		rows := readCSV(t, results)
		if strings.Join(rows[0], ",") != "ref,band,entry_id,score,tier,reasons" || len(rows) != 301 {
			t.Fatalf("results header %v, %d rows", rows[0], len(rows))
		}
		// The list was empty, so entry ids are the lines of entries.jsonl:
		// every hit names a labelled entry, and most listed people are found.
		hits, wrong, found, listed := 0, 0, 0, 0
		for i, r := range rows[1:] {
			l := labels[i+1]
			if r[0] != l[0] {
				t.Fatalf("row %d: ref %s, label %s", i+1, r[0], l[0])
			}
			expected := map[string]bool{}
			for _, ref := range strings.Split(l[1], ";") {
				if ref != "" {
					expected[ref] = true
				}
			}
			if len(expected) > 0 {
				listed++
			}
			if r[1] != "none" && expected[r[2]] {
				found++
			}
			if r[1] == "hit" {
				hits++
				if !expected[r[2]] {
					wrong++
				}
			}
			if r[1] != "none" && (r[2] == "" || r[5] == "") || r[1] == "none" && r[2] != "" {
				t.Errorf("row %d: %v", i+1, r)
			}
		}
		if hits == 0 || wrong > 0 || float64(found) < 0.9*float64(listed) {
			t.Errorf("%d hits, %d on the wrong entry; %d of %d listed found", hits, wrong, found, listed)
		}
	})
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A malformed query file is refused with the line and column, and no
// result file is written.
func TestCreditScreenRejectsMalformedFiles(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, file, want string }{
		{"empty", "", "文件为空"},
		{"unknown column", "ref,name,phone\n1,张三,138\n", "第 1 行第 3 列：列名“phone”不认识"},
		{"no ref", "name,id_number\n张三,\n", "缺少 ref 列"},
		{"duplicate column", "ref,name,NAME\n", "第 1 行第 3 列：列名“name”重复"},
		{"field count", "ref,name\nq1,张三\nq2,李四,多余\n", "第 3 行：有 3 列，列名行有 2 列"},
		{"bad date", "ref,name,birth_date\nq1,张三,1985-02-30\n", "第 2 行第 3 列（birth_date）：出生日期“1985-02-30”无法识别"},
		{"bad sex", "\ufeffref,sex,name\nq1,X,张三\n", "第 2 行第 2 列（sex）：性别“X”无法识别"},
		{"empty ref", "ref,name\n,张三\n", "第 2 行第 1 列（ref）：ref 不能为空"},
		{"nothing to compare", "ref,name,id_number\nq1,,\n", "第 2 行：姓名（名称）和证件号码至少填写一项"},
		{"bare quote", "ref,name\nq1,张\"三\n", "第 2 行第 7 个字节处：未加引号的值中出现了英文双引号"},
		{"open quote", "ref,name\nq1,\"张三\n", "英文双引号不成对"},
		{"too long", "ref,name\nq1," + strings.Repeat("张", 65) + "\n", "第 2 行第 2 列（name）：超过 64 个字符"},
		{"bad utf-8", "ref,name\nq1,\xff\xfe\n", "不是有效的 UTF-8 文本"},
	} {
		qr, err := newQueryReader(strings.NewReader(tt.file))
		if err == nil {
			for err == nil {
				_, err = qr.next()
			}
		}
		e, ok := apperr.As(err)
		if !ok || e.Code != CodeScreenInput || !strings.Contains(e.Message, tt.want) {
			t.Errorf("%s: %v, want a message with %q", tt.name, err, tt.want)
		}
	}

	// Through the command: the message, exit status 1, no result file.
	d := dbtest.SQLite(t)
	in := filepath.Join(t.TempDir(), "q.csv")
	os.WriteFile(in, []byte("ref,name,birth_date\nq1,张三,1985-01-01\nq2,李四,昨天\n"), 0o644)
	out := filepath.Join(t.TempDir(), "r.csv")
	rc, _, errs := runCLI(t, "credit", "screen", "--in", in, "--out", out, "--db", target(d), "--key-file", keyFile(t))
	if rc != 1 || !strings.Contains(errs, "第 3 行第 3 列（birth_date）") || !strings.Contains(errs, "未写入结果文件") {
		t.Errorf("rc %d, stderr %s", rc, errs)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a result file was written for a refused input: %v", err)
	}
}

func TestCreditEval(t *testing.T) {
	t.Parallel()
	rc, out, errs := runCLI(t, "credit", "eval", "--entries", "5000", "--queries", "1000")
	if rc != 0 || !strings.Contains(out, "hit 查准率") || !strings.Contains(out, "true_id") || strings.Contains(out, "未达标") {
		t.Errorf("eval: rc %d\n%s\n%s", rc, out, errs)
	}
}

// FuzzQueryReader: any file either reads into queries with a ref and
// something to compare, or is refused with a Chinese message that names
// a line; it never panics.
func FuzzQueryReader(f *testing.F) {
	for _, s := range []string{
		"ref,name,id_number,birth_date,sex,region\nq1,张三,411602198005010011,1980-05-01,男,周口\n",
		"\ufeffREF, Name\nq1,\"王,伟\"\n\nq2,李四\n",
		"ref,name\nq1,\"a\"\"b\"\n",
		"ref\n",
		"ref,name\r\nq1,张三\r\n",
		"ref,name\nq1,张\"三\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		qr, err := newQueryReader(bytes.NewReader(data))
		for n := 0; err == nil && n < 10_000; n++ {
			var q struct{ ref, name, id string }
			got, e := qr.next()
			err = e
			if e == nil {
				q.ref, q.name, q.id = got.Ref, got.Name, got.IDNumber
				if q.ref == "" || q.name == "" && q.id == "" {
					t.Fatalf("accepted a query without ref or anything to compare: %+v", got)
				}
			}
		}
		if err == nil || err.Error() == "EOF" {
			return
		}
		e, ok := apperr.As(err)
		if !ok || e.Code != CodeScreenInput || !strings.Contains(e.Message, "第 ") && !strings.Contains(e.Message, "文件为空") && !strings.Contains(e.Message, "读取文件出错") {
			t.Fatalf("error without a line: %v", err)
		}
	})
}
