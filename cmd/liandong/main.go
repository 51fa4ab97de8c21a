// Command liandong is the court–police enforcement cooperation platform:
// one binary that serves either side or both, and the administrators' verbs.
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `liandong —— 周口市法院公安执行协作联动平台

用法 / usage:
  liandong <命令> [参数]

命令 / verbs:
  serve     启动服务 / run the server
  demo      用演示数据启动服务 / run the server on demo data
  migrate   数据库结构迁移 / apply or list schema migrations (up|status)
  user      用户管理 / manage users (add|list|disable|enable|passwd)
  audit     审计日志核验、导出、归档 / verify, export, archive the audit log
  credit    失信被执行人名单导入、删除、比对、合成评测 / the dishonest-debtor list (import|expire|screen|gen|eval)
  ident     校验证件号、统一社会信用代码、车牌、VIN、案号 / check identifiers
  workday   工作日与期限计算 / working days and deadlines
  version   显示版本 / print the version

每个命令都支持 --help。 Every verb takes --help.
`

// run dispatches a verb and returns the process exit status: 0 success,
// 1 failure, 2 usage error.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	verb, rest := args[0], args[1:]
	switch verb {
	case "serve":
		return cmdServe(rest, stdout, stderr)
	case "demo":
		return cmdDemo(rest, stdout, stderr)
	case "migrate":
		return cmdMigrate(rest, stdout, stderr)
	case "user":
		return cmdUser(rest, stdin, stdout, stderr)
	case "audit":
		return cmdAudit(rest, stdout, stderr)
	case "credit":
		return cmdCredit(rest, stdout, stderr)
	case "ident":
		return cmdIdent(rest, stdout, stderr)
	case "workday":
		return cmdWorkday(rest, stdout, stderr)
	case "version":
		return cmdVersion(rest, stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "未知命令“%s”。\n\n%s", verb, usage)
		return 2
	}
}
