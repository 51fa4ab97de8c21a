package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"golang.org/x/term"

	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/signer"
	"liandong/internal/workday"
)

const auditHelp = `liandong audit —— 防篡改审计日志：核验、导出、归档

用法:
  liandong audit verify  [--db …] [--key-file …] [--no-sign] [--archive 归档文件]
  liandong audit export  [--from 日期] [--to 日期] [--user 用户名] [--unit 单位代码] [--action 操作前缀]
                         [--case 案号] [--outcome ok|denied|failed] [--format csv|jsonl] [--out 文件] [--db …]
  liandong audit archive --before 日期 --out 归档文件 [--db …] [--key-file …]

每个子命令都支持 --help。日期格式为 YYYY-MM-DD（北京时间）。
`

const auditVerifyHelp = `liandong audit verify —— 核验审计日志

用法: liandong audit verify [--db 目录|postgres://…] [--key-file 密钥文件] [--no-sign] [--archive 归档文件]

重新计算整条 SM3 哈希链，核验每个签名链头（SM2）和归档记录。日志完整时退出码为 0；
发现篡改时退出码为 1，并指出第一条不符的记录（序号）或签名链头。

核验前先为当前链头签名（需要密钥文件能解开节点私钥；--no-sign 则只读不写）。
没有密钥文件时只能用数据库中的公钥核验签名链头，无法发现公钥被替换，输出会提示。

--archive 核验一个归档文件：文件自身的哈希链和签名，以及与数据库中归档记录是否一致。
`

const auditExportHelp = `liandong audit export —— 导出审计记录

用法: liandong audit export [--from 日期] [--to 日期] [--user 用户名] [--unit 单位代码] [--action 操作前缀]
                            [--case 案号] [--outcome ok|denied|failed] [--object 对象] [--format csv|jsonl]
                            [--out 文件] [--db …] [--key-file …]

按条件导出审计记录，按序号从旧到新。CSV 为带 BOM 的 UTF-8，Excel 可直接打开中文；
jsonl 每行一条 JSON，供程序读取。不给 --out 时写到标准输出。
--to 含当天。--action 按前缀匹配，如 session. 匹配所有登录登出。
导出本身记入审计日志（操作 audit.export）。
`

const auditArchiveHelp = `liandong audit archive —— 归档早期审计记录

用法: liandong audit archive --before 日期 --out 归档文件 [--db …] [--key-file …]

把早于 --before（北京时间当日零点）的记录写入归档文件（JSON Lines，含每条记录的哈希和
覆盖它们的签名链头，可独立核验），然后在数据库中以一条签名的归档记录代替，哈希链从此继续核验。
日志至少在线保存六个月（网络安全法第二十一条）：--before 不能晚于六个月前。
归档文件不会覆盖已有文件；请把它和 SM3 值离线保存。归档本身记入审计日志（操作 audit.archive）。
需要密钥文件能解开节点私钥。
`

// cmdAudit runs liandong audit verify|export|archive.
func cmdAudit(args []string, stdout, stderr io.Writer) int {
	return runSub(args, auditHelp, map[string]verb{"verify": auditVerify, "export": auditExport, "archive": auditArchive}, stdout, stderr)
}

// auditEnv is an open database with its keys and audit log.
type auditEnv = nodeEnv

// openAudit opens an existing database (it never creates an empty one:
// verifying a mistyped folder must not report a clean, empty log), applies
// migrations and loads the key file.
func openAudit(ctx context.Context, target, keyFile string) (*auditEnv, error) {
	if !db.IsPostgresDSN(target) {
		if _, err := os.Stat(filepath.Join(target, db.SQLiteFile)); err != nil {
			return nil, apperr.Invalidf("db", "audit.no_database", "数据目录 %s 中没有数据库文件 %s", target, db.SQLiteFile)
		}
	}
	return openNode(ctx, target, keyFile)
}

func auditVerify(args []string, stdout, stderr io.Writer) int {
	var target, keyFile, archive string
	var noSign bool
	fs := newFlagSet("audit verify", stdout, stderr, auditVerifyHelp)
	dbFlag(fs, &target, "./data")
	keyFlag(fs, &keyFile)
	fs.BoolVar(&noSign, "no-sign", false, "核验前不为当前链头签名（只读）")
	fs.StringVar(&archive, "archive", "", "核验这个归档文件")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	ctx := context.Background()
	env, err := openAudit(ctx, target, keyFile)
	if err != nil {
		return fail(stderr, err)
	}
	defer env.d.Close()

	if archive != "" {
		return verifyArchiveFile(ctx, env.log, archive, stdout, stderr)
	}
	if !noSign {
		// Sign with the node key if the key file opens it; a chain that
		// does not check out is reported by Verify below.
		if _, err := env.keys.Get(ctx, signer.NodeOwner); err == nil {
			var te *audit.TamperError
			if _, err := env.log.SignHead(ctx); err != nil && !errors.As(err, &te) {
				fmt.Fprintf(stderr, "注意：未能为当前链头签名：%v\n", err)
			}
		}
	}
	rep, err := env.log.Verify(ctx, progressPrinter(stderr))
	if err != nil {
		return fail(stderr, err)
	}
	printReport(stdout, rep)
	if !rep.OK {
		return 1
	}
	return 0
}

// progressPrinter shows progress on a terminal, at most twice a second.
func progressPrinter(stderr io.Writer) func(done, total int64) {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	var last time.Time
	return func(done, total int64) {
		if time.Since(last) < 500*time.Millisecond && done < total {
			return
		}
		last = time.Now()
		fmt.Fprintf(stderr, "\r已核验 %d / %d 条", done, total)
		if done >= total {
			fmt.Fprintln(stderr)
		}
	}
}

func printReport(w io.Writer, r audit.Report) {
	if r.OK {
		fmt.Fprintln(w, "审计日志完整 / audit log verified")
	} else {
		fmt.Fprintln(w, "审计日志核验失败 / audit log verification FAILED")
		fmt.Fprintf(w, "  %s\n  %s\n", r.Reason, r.ReasonEN)
		if r.Seq > 0 {
			fmt.Fprintf(w, "  第一条不符的记录: 第 %d 条 / first bad entry: %d\n", r.Seq, r.Seq)
		}
		if r.HeadSeq > 0 {
			fmt.Fprintf(w, "  相关签名链头或归档: 第 %d 条 / head or archive at: %d\n", r.HeadSeq, r.HeadSeq)
		}
	}
	switch {
	case !r.OK && r.Entries > 0:
		fmt.Fprintf(w, "  此前完好:   第 %d–%d 条，共 %d 条，签名链头 %d 个\n", r.FirstSeq, r.LastSeq, r.Entries, r.Heads)
	case r.Entries > 0:
		fmt.Fprintf(w, "  在线记录:   第 %d–%d 条，共核验 %d 条\n", r.FirstSeq, r.LastSeq, r.Entries)
	case r.OK:
		fmt.Fprintln(w, "  在线记录:   无")
	}
	if r.Archives > 0 {
		fmt.Fprintf(w, "  已归档:     %d 批，至第 %d 条\n", r.Archives, r.ArchivedTo)
	}
	if r.OK {
		fmt.Fprintf(w, "  签名链头:   核验 %d 个，最新位于第 %d 条，其后 %d 条尚未签名\n", r.Heads, r.LastHead, r.Unsigned)
	}
	switch {
	case r.KeyFingerprint == "":
		fmt.Fprintln(w, "  节点密钥:   尚未生成（服务首次启动时生成）")
	case r.KeySealed:
		fmt.Fprintf(w, "  节点密钥:   指纹 %s（用密钥文件解开的私钥核验）\n", r.KeyFingerprint)
	default:
		fmt.Fprintf(w, "  节点密钥:   指纹 %s\n", r.KeyFingerprint)
		fmt.Fprintln(w, "  注意：密钥文件未能解开节点私钥，签名链头只用数据库中的公钥核验，公钥被替换无法发现。")
	}
	rate := ""
	if s := r.Elapsed.Seconds(); s > 0 && r.Entries > 0 {
		rate = fmt.Sprintf("，约 %.0f 条/秒", float64(r.Entries)/s)
	}
	fmt.Fprintf(w, "  用时:       %.2f 秒%s\n", r.Elapsed.Seconds(), rate)
}

func verifyArchiveFile(ctx context.Context, l *audit.Log, path string, stdout, stderr io.Writer) int {
	f, err := os.Open(path)
	if err != nil {
		return fail(stderr, err)
	}
	defer f.Close()
	rep, err := l.CheckArchive(ctx, f)
	if err != nil {
		return fail(stderr, err)
	}
	if !rep.OK {
		fmt.Fprintln(stdout, "归档文件核验失败 / archive verification FAILED")
		fmt.Fprintf(stdout, "  %s\n  %s\n", rep.Reason, rep.ReasonEN)
		if rep.Seq > 0 {
			fmt.Fprintf(stdout, "  第一条不符的记录: 第 %d 条 / first bad entry: %d\n", rep.Seq, rep.Seq)
		}
		return 1
	}
	fmt.Fprintln(stdout, "归档文件完整，与数据库中的归档记录一致 / archive verified")
	fmt.Fprintf(stdout, "  归档编号:   %s\n  记录:       第 %d–%d 条，共 %d 条，签名链头 %d 个\n  SM3:        %s\n  密钥指纹:   %s\n",
		rep.ID, rep.FirstSeq, rep.LastSeq, rep.Entries, rep.Heads, rep.SM3, rep.Fingerprint)
	return 0
}

func auditExport(args []string, stdout, stderr io.Writer) int {
	var target, keyFile, from, to, out, format, outcome string
	var q audit.Query
	fs := newFlagSet("audit export", stdout, stderr, auditExportHelp)
	dbFlag(fs, &target, "./data")
	keyFlag(fs, &keyFile)
	fs.StringVar(&from, "from", "", "起始日期 YYYY-MM-DD（含）")
	fs.StringVar(&to, "to", "", "截止日期 YYYY-MM-DD（含当天）")
	fs.StringVar(&q.Username, "user", "", "用户名")
	fs.StringVar(&q.UnitCode, "unit", "", "单位代码")
	fs.StringVar(&q.ActionPrefix, "action", "", "操作前缀，如 session. 或 subject.reveal_id")
	fs.StringVar(&q.CaseNumber, "case", "", "案号")
	fs.StringVar(&q.Object, "object", "", "对象，如 user:zhang")
	fs.StringVar(&outcome, "outcome", "", "结果：ok、denied 或 failed")
	fs.StringVar(&format, "format", "csv", "格式：csv 或 jsonl")
	fs.StringVar(&out, "out", "", "输出文件（不给则写到标准输出）")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	var err error
	if q.From, err = parseDay(from, "from"); err != nil {
		return fail(stderr, err)
	}
	if q.To, err = parseDay(to, "to"); err != nil {
		return fail(stderr, err)
	}
	if !q.To.IsZero() {
		q.To = q.To.AddDate(0, 0, 1) // --to includes the day
	}
	q.Outcome = audit.Outcome(outcome)
	ctx := audit.WithActor(context.Background(), cliActor())
	env, err := openAudit(ctx, target, keyFile)
	if err != nil {
		return fail(stderr, err)
	}
	defer env.d.Close()

	w, closeOut := stdout, func() error { return nil }
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return fail(stderr, err)
		}
		w, closeOut = f, f.Close
	}
	n, err := env.log.Export(ctx, q, w, audit.Format(format))
	if cerr := closeOut(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fail(stderr, err)
	}
	if out != "" {
		fmt.Fprintf(stderr, "已导出 %d 条审计记录到 %s。\n", n, out)
	}
	return 0
}

func auditArchive(args []string, stdout, stderr io.Writer) int {
	var target, keyFile, before, out string
	fs := newFlagSet("audit archive", stdout, stderr, auditArchiveHelp)
	dbFlag(fs, &target, "./data")
	keyFlag(fs, &keyFile)
	fs.StringVar(&before, "before", "", "归档早于这一天（北京时间零点）的记录，YYYY-MM-DD")
	fs.StringVar(&out, "out", "", "归档文件（不能已存在）")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if before == "" || out == "" {
		fmt.Fprintln(stderr, "请用 --before 指定日期，用 --out 指定归档文件。")
		return 2
	}
	day, err := parseDay(before, "before")
	if err != nil {
		return fail(stderr, err)
	}
	ctx := audit.WithActor(context.Background(), cliActor())
	env, err := openAudit(ctx, target, keyFile)
	if err != nil {
		return fail(stderr, err)
	}
	defer env.d.Close()

	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return fail(stderr, fmt.Errorf("创建归档文件: %w", err))
	}
	n, err := env.log.Archive(ctx, day, f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil || n == 0 {
		os.Remove(out)
	}
	if err != nil {
		return fail(stderr, err)
	}
	if n == 0 {
		fmt.Fprintf(stdout, "没有早于 %s 的在线记录，未归档。\n", before)
		return 0
	}
	recs, err := env.log.Archives(ctx)
	if err != nil || len(recs) == 0 {
		return fail(stderr, errors.Join(err, errors.New("归档后读不到归档记录")))
	}
	r := recs[len(recs)-1]
	fmt.Fprintf(stdout, "已归档 %d 条审计记录（第 %d–%d 条）到 %s。\n", n, r.FirstSeq, r.LastSeq, out)
	fmt.Fprintf(stdout, "  归档编号: %s\n  文件 SM3: %s\n", r.ID, r.FileSM3)
	fmt.Fprintln(stdout, "请将归档文件离线保存；用 liandong audit verify --archive 文件 核验。")
	return 0
}

// parseDay reads YYYY-MM-DD as midnight Beijing time; "" is the zero time.
func parseDay(s, field string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, workday.Location())
	if err != nil {
		return time.Time{}, apperr.Invalidf(field, "audit.bad_date", "--%s 的日期“%s”无效，应为 YYYY-MM-DD", field, s)
	}
	return t, nil
}

// cliActor is who runs the command: the operating-system user on this
// host, as the source of the export or archive entry.
func cliActor() audit.Actor {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return audit.Actor{Source: "cli:" + name + "@" + host}
}
