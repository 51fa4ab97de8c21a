package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/term"

	"liandong/internal/access"
	"liandong/internal/credit"
	"liandong/internal/directory"
	"liandong/internal/pii"
)

const creditHelp = `liandong credit —— 失信被执行人名单

用法:
  liandong credit import 文件 --court 法院单位代码 [--format jsonl|csv] [--skip-invalid] [--report 报告文件] [--db …] [--key-file …]
  liandong credit expire [--db …] [--key-file …]
  liandong credit screen --in 查询文件.csv --out 结果文件.csv [--db …] [--key-file …]
  liandong credit gen [--entries N] [--queries M] [--seed S] [--court 法院单位代码] --out 目录
  liandong credit eval [--entries N] [--queries M] [--seed S]

每个子命令都支持 --help。文件字段和名单规则见 docs/credit.md，比对见 docs/screening.md。
`

const creditImportHelp = `liandong credit import —— 导入失信被执行人名单文件

用法: liandong credit import 文件 --court 法院单位代码 [--format jsonl|csv] [--skip-invalid] [--report 报告文件]
                             [--db 目录|postgres://…] [--key-file 密钥文件]

文件中每一行（CSV 为列名行之后的每一行）是 --court 指定法院（如 fy411602 川汇区法院）的一份
纳入失信被执行人名单决定，案号须为该院的执行案号。字段见 docs/credit.md。

逐行校验（身份证号码、统一社会信用代码、案号、日期、失信情形、未成年人、纳入期限、重复、
六个月内不予支持的再次申请）。默认只要有一行不合格，整个文件都不导入，并列出每个不合格行的
行号和原因；改正后重新导入同一文件即可。--skip-invalid 则导入合格的行、报告不合格的行。
任何情况下导入都在一个事务中完成：中途出错，已写入的全部撤销。

--format 不给时按扩展名判断（.csv 为 csv，其他为 jsonl）。--report 把完整报告写成 JSON。
导入作为一条审计记录（credit.import）记入审计日志，含文件的 SM3 值。
`

const creditExpireHelp = `liandong credit expire —— 删除纳入期限届满的失信信息

用法: liandong credit expire [--db …] [--key-file …]

把纳入期限已届满、仍在名单中的条目删除（第十条第二款），每条记入审计日志（credit.expire）。
可以反复运行：已删除的不会再删除。服务运行时名单在期限届满时即不再产生比中。
`

// cmdCredit runs liandong credit import|expire|screen|gen|eval.
func cmdCredit(args []string, stdout, stderr io.Writer) int {
	return runSub(args, creditHelp, map[string]verb{"import": creditImport, "expire": creditExpire, "screen": creditScreen,
		"gen": creditGen, "eval": creditEval}, stdout, stderr)
}

// hostOperator allows every act: whoever runs the command on the host
// already holds the database and the key file. Their acts are audited with
// the operating-system user as the source.
type hostOperator struct{}

func (hostOperator) Check(context.Context, access.Principal, access.Action, access.Target) error {
	return nil
}

// creditEnv is an open database with the list store.
type creditEnv struct {
	*nodeEnv
	store *credit.Store
}

// openCredit opens (or creates) the database with the Zhoukou directory,
// which the list's courts are checked against.
func openCredit(ctx context.Context, target, keyFile string) (*creditEnv, error) {
	n, err := openNode(ctx, target, keyFile)
	if err != nil {
		return nil, err
	}
	if _, err := directory.NewStore(n.d).LoadZhoukou(ctx); err != nil {
		n.d.Close()
		return nil, err
	}
	return &creditEnv{nodeEnv: n, store: credit.NewStore(n.d, pii.New(n.ring), hostOperator{}, n.log, credit.Options{})}, nil
}

// cliPrincipal is the operator as the audit log records them.
func cliPrincipal(unit string) access.Principal {
	a := cliActor()
	return access.Principal{Username: strings.TrimPrefix(a.Source, "cli:"), UnitCode: unit, Source: a.Source}
}

func creditImport(args []string, stdout, stderr io.Writer) int {
	var target, keyFile, format, courtUnit, reportPath string
	var skip bool
	fs := newFlagSet("credit import", stdout, stderr, creditImportHelp)
	dbFlag(fs, &target, "./data")
	keyFlag(fs, &keyFile)
	fs.StringVar(&format, "format", "", "文件格式：jsonl 或 csv（默认按扩展名）")
	fs.StringVar(&courtUnit, "court", "", "纳入法院的单位代码，如 fy411602")
	fs.BoolVar(&skip, "skip-invalid", false, "导入合格的行，报告不合格的行（默认整个文件不导入）")
	fs.StringVar(&reportPath, "report", "", "把完整报告（JSON）写到这个文件")
	// Flags may come after the file name.
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 || file == "" {
		fmt.Fprint(stderr, "请给出一个要导入的文件。\n\n"+creditImportHelp)
		return 2
	}
	if courtUnit == "" {
		fmt.Fprintln(stderr, "请用 --court 指定纳入法院的单位代码（如 fy411602）。")
		return 2
	}
	if format == "" {
		format = "jsonl"
		if strings.EqualFold(filepath.Ext(file), ".csv") {
			format = "csv"
		}
	}
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(stderr, "无法打开文件 %s：%v\n", file, err)
		return 1
	}
	defer f.Close()
	ctx := context.Background()
	env, err := openCredit(ctx, target, keyFile)
	if err != nil {
		return fail(stderr, err)
	}
	defer env.d.Close()

	// The import allocates a little per line and keeps little: collect
	// garbage less often (a tenth less CPU on a million lines).
	debug.SetGCPercent(400)
	opts := credit.ImportOptions{Actor: cliPrincipal(courtUnit), Court: courtUnit, SkipInvalid: skip}
	rep, err := env.store.Import(ctx, f, credit.Format(format), opts, importProgress(stderr))
	if reportPath != "" && (rep.Lines > 0 || rep.RejectedCount > 0) {
		if werr := writeReport(reportPath, rep); werr != nil {
			fmt.Fprintf(stderr, "无法写入报告 %s：%v\n", reportPath, werr)
		}
	}
	printImportReport(stdout, rep)
	if err != nil {
		return fail(stderr, err)
	}
	return 0
}

// importProgress shows a progress line on a terminal, at most twice a second.
func importProgress(stderr io.Writer) func(done, total int) {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	var last time.Time
	start := time.Now()
	return func(done, total int) {
		if time.Since(last) < 500*time.Millisecond && done < total {
			return
		}
		last = time.Now()
		rate := float64(done) / max(time.Since(start).Seconds(), 0.001)
		if total > 0 {
			fmt.Fprintf(stderr, "\r已校验、写入 %d / %d 行（%d%%，每秒 %.0f 行）", done, total, done*100/total, rate)
		} else {
			fmt.Fprintf(stderr, "\r已校验、写入 %d 行（每秒 %.0f 行）", done, rate)
		}
		if total > 0 && done >= total {
			fmt.Fprintln(stderr)
		}
	}
}

func writeReport(path string, rep credit.Report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o640)
}

// printImportReport summarises the report and lists the first rejected
// lines.
func printImportReport(w io.Writer, rep credit.Report) {
	if rep.Lines == 0 && rep.RejectedCount == 0 {
		return
	}
	if rep.Committed {
		fmt.Fprintf(w, "已导入 %d 条（第 %d 次导入，名单版本 %d–%d），用时 %s。\n", rep.Imported, rep.ImportID, rep.FirstVersion, rep.LastVersion, rep.Elapsed.Round(time.Millisecond))
	} else {
		fmt.Fprintf(w, "未导入任何条目（读取 %d 行，用时 %s）。\n", rep.Lines, rep.Elapsed.Round(time.Millisecond))
	}
	if rep.RejectedCount == 0 {
		return
	}
	fmt.Fprintf(w, "不合格 %d 行：\n", rep.RejectedCount)
	const show = 20
	for i, r := range rep.Rejected {
		if i == show {
			fmt.Fprintf(w, "  ……其余 %d 行见 --report 报告文件\n", rep.RejectedCount-show)
			break
		}
		msgs := make([]string, len(r.Problems))
		for j, p := range r.Problems {
			msgs[j] = p.Message
		}
		fmt.Fprintf(w, "  第 %d 行：%s\n", r.Line, strings.Join(msgs, "；"))
	}
}

func creditExpire(args []string, stdout, stderr io.Writer) int {
	var target, keyFile string
	fs := newFlagSet("credit expire", stdout, stderr, creditExpireHelp)
	dbFlag(fs, &target, "./data")
	keyFlag(fs, &keyFile)
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	ctx := context.Background()
	env, err := openCredit(ctx, target, keyFile)
	if err != nil {
		return fail(stderr, err)
	}
	defer env.d.Close()
	n, err := env.store.Expire(ctx, time.Now())
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "删除纳入期限届满的条目 %d 条。\n", n)
	return 0
}
