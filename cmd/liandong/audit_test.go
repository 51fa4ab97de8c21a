package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/keyring"
	"liandong/internal/signer"
)

// auditFolder makes a SQLite data folder with its key file and 20 audit
// entries from a year ago plus 5 from today, the node key and a signed head.
func auditFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	d, err := db.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ring, _, err := keyring.LoadOrCreate(filepath.Join(dir, "liandong.keys"))
	if err != nil {
		t.Fatal(err)
	}
	l := audit.New(d, signer.NewStore(d, ring), audit.Options{})
	old := time.Now().AddDate(-1, 0, 0)
	for i := 1; i <= 25; i++ {
		e := audit.Entry{Username: "zhang", UnitCode: "fy411602", Role: "court_officer", Source: "10.0.0.1",
			Action: "subject.reveal_id", Object: fmt.Sprintf("subject:%d", i), CaseNumber: "（2024）豫1602执1号",
			Outcome: audit.OK, Detail: fmt.Sprintf("查询户籍 %d", i)}
		if i <= 20 {
			e.At = old.Add(time.Duration(i) * time.Minute)
		}
		if _, err := l.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.SignHead(ctx); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runAudit(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	rc := cmdAudit(args, &out, &errOut)
	return rc, out.String(), errOut.String()
}

func sqlExec(t *testing.T, dir, q string, args ...any) {
	t.Helper()
	d, err := db.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Write().Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestAuditVerifyCommand(t *testing.T) {
	t.Setenv("LIANDONG_KEY_FILE", "")
	t.Setenv("LIANDONG_DB", "")
	dir := auditFolder(t)
	rc, out, errOut := runAudit(t, "verify", "--db", dir)
	if rc != 0 || !strings.Contains(out, "审计日志完整") || !strings.Contains(out, "共核验 25 条") {
		t.Fatalf("verify: rc %d\n%s%s", rc, out, errOut)
	}

	// One byte of one entry.
	sqlExec(t, dir, `UPDATE audit_entries SET detail = '查询户籍 8' WHERE seq = 7`)
	rc, out, errOut = runAudit(t, "verify", "--db", dir)
	if rc != 1 || !strings.Contains(out, "第 7 条记录内容与哈希不符") || !strings.Contains(out, "entry 7 does not match its hash") {
		t.Fatalf("verify after tampering: rc %d\n%s%s", rc, out, errOut)
	}

	// Read-only, and without the right key file: still caught, with a warning.
	other := filepath.Join(t.TempDir(), "other.keys")
	text, _ := keyring.Generate()
	if err := os.WriteFile(other, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	rc, out, _ = runAudit(t, "verify", "--db", dir, "--no-sign", "--key-file", other)
	if rc != 1 || !strings.Contains(out, "第 7 条") || !strings.Contains(out, "公钥被替换无法发现") {
		t.Fatalf("verify with another key file: rc %d\n%s", rc, out)
	}
}

func TestAuditCommandUsage(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"verify", "--help"}, {"export", "--help"}, {"archive", "--help"}} {
		rc, out, _ := runAudit(t, args...)
		if rc != 0 || !strings.Contains(out, "用法") {
			t.Errorf("%v: rc %d\n%s", args, rc, out)
		}
	}
	if rc, _, _ := runAudit(t); rc != 2 {
		t.Errorf("no subcommand: rc %d, want 2", rc)
	}
	if rc, _, errOut := runAudit(t, "rewrite"); rc != 2 || !strings.Contains(errOut, "未知子命令") {
		t.Errorf("unknown subcommand: rc %d %s", rc, errOut)
	}
	rc, _, errOut := runAudit(t, "verify", "--db", filepath.Join(t.TempDir(), "nowhere"))
	if rc != 1 || !strings.Contains(errOut, "没有数据库文件") {
		t.Errorf("verify of a missing folder: rc %d %s", rc, errOut)
	}
	if rc, _, _ := runAudit(t, "archive", "--db", t.TempDir()); rc != 2 {
		t.Errorf("archive without --before: rc %d, want 2", rc)
	}
}

func TestAuditExportCommand(t *testing.T) {
	t.Setenv("LIANDONG_KEY_FILE", "")
	dir := auditFolder(t)
	out := filepath.Join(t.TempDir(), "审计.csv")
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	rc, _, errOut := runAudit(t, "export", "--db", dir, "--from", today, "--to", today, "--user", "zhang", "--action", "subject.", "--out", out)
	if rc != 0 || !strings.Contains(errOut, "已导出 5 条") {
		t.Fatalf("export: rc %d %s", rc, errOut)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		t.Error("no BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil || len(rows) != 6 || rows[0][0] != "序号" || rows[1][0] != "21" {
		t.Errorf("csv rows %v, %v", rows, err)
	}
	if rc, _, errOut := runAudit(t, "export", "--db", dir, "--from", "2025-13-01"); rc != 1 || !strings.Contains(errOut, "日期") {
		t.Errorf("bad date: rc %d %s", rc, errOut)
	}
	// The export is itself in the log, and the log still verifies.
	rc, stdout, _ := runAudit(t, "export", "--db", dir, "--action", "audit.export", "--format", "jsonl")
	if rc != 0 || !strings.Contains(stdout, `"action":"audit.export"`) || !strings.Contains(stdout, `"source":"cli:`) {
		t.Errorf("export entries: rc %d\n%s", rc, stdout)
	}
	if rc, out, _ := runAudit(t, "verify", "--db", dir); rc != 0 {
		t.Errorf("verify after export: %s", out)
	}
}

func TestAuditArchiveCommand(t *testing.T) {
	t.Setenv("LIANDONG_KEY_FILE", "")
	dir := auditFolder(t)
	file := filepath.Join(t.TempDir(), "audit-archive.jsonl")

	recent := time.Now().AddDate(0, -3, 0).Format("2006-01-02")
	rc, _, errOut := runAudit(t, "archive", "--db", dir, "--before", recent, "--out", file)
	if rc != 1 || !strings.Contains(errOut, "六个月") {
		t.Fatalf("archive of recent entries: rc %d %s", rc, errOut)
	}
	if _, err := os.Stat(file); err == nil {
		t.Fatal("a refused archive left a file")
	}

	before := time.Now().AddDate(0, -7, 0).Format("2006-01-02")
	rc, out, errOut := runAudit(t, "archive", "--db", dir, "--before", before, "--out", file)
	if rc != 0 || !strings.Contains(out, "已归档 20 条审计记录（第 1–20 条）") {
		t.Fatalf("archive: rc %d\n%s%s", rc, out, errOut)
	}
	if rc, _, errOut := runAudit(t, "archive", "--db", dir, "--before", before, "--out", file); rc != 1 || !strings.Contains(errOut, "exists") {
		t.Errorf("archive over an existing file: rc %d %s", rc, errOut)
	}
	rc, out, _ = runAudit(t, "verify", "--db", dir)
	if rc != 0 || !strings.Contains(out, "已归档:     1 批，至第 20 条") {
		t.Fatalf("verify after archive: rc %d\n%s", rc, out)
	}
	rc, out, _ = runAudit(t, "verify", "--db", dir, "--archive", file)
	if rc != 0 || !strings.Contains(out, "归档文件完整") {
		t.Fatalf("verify --archive: rc %d\n%s", rc, out)
	}

	// One byte of the archive file.
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	if err := os.WriteFile(bad, bytes.Replace(data, []byte("查询户籍 9\""), []byte("查询户籍 8\""), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	rc, out, _ = runAudit(t, "verify", "--db", dir, "--archive", bad)
	if rc != 1 || !strings.Contains(out, "第 9 条") {
		t.Fatalf("verify of a tampered archive: rc %d\n%s", rc, out)
	}
}
