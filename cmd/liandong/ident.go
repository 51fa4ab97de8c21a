package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"liandong/internal/ident"
)

const identUsage = `用法 / usage:
  liandong ident check [--json] [--kind KIND] VALUE…

校验证件号码、统一社会信用代码、车牌号码、车辆识别代号和案号，每个值输出一行：
类型、有效或无效，以及解析出的信息或错误原因。有无效值时退出码为 1，用法错误为 2。
Checks identifiers (resident ID, passport and permits, credit code, plate,
VIN, case number), one line per value: kind, valid or not, then facts or
the reason. Exit status 1 when a value is invalid, 2 on usage errors.

选项 / flags:
  --json       输出 JSON 数组 / print a JSON array
  --kind KIND  指定类型而不自动识别 / force a kind instead of detecting it:
               %s
`

func printIdentUsage(w io.Writer) {
	kinds := make([]string, 0, len(ident.Kinds()))
	for _, k := range ident.Kinds() {
		kinds = append(kinds, string(k))
	}
	fmt.Fprintf(w, identUsage, strings.Join(kinds, ", "))
}

// cmdIdent implements `liandong ident check [--json] VALUE…`.
func cmdIdent(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printIdentUsage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		printIdentUsage(stdout)
		return 0
	case "check":
		return identCheck(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "未知的子命令 / unknown subcommand: %q\n", args[0])
	printIdentUsage(stderr)
	return 2
}

// identJSON is one element of the --json output.
type identJSON struct {
	Input      string          `json:"input"`
	Kind       ident.Kind      `json:"kind"`
	Valid      bool            `json:"valid"`
	Normalized string          `json:"normalized"`
	Facts      []identFactJSON `json:"facts"`
	Error      *identErrorJSON `json:"error,omitempty"`
}

type identFactJSON struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value string `json:"value"`
}

type identErrorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func identCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ident check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // printed below, to stdout for --help
	asJSON := fs.Bool("json", false, "print a JSON array")
	kindName := fs.String("kind", "", "force a kind instead of detecting it")

	// Flags may come after values ("check X --json"); everything after
	// "--" is a value even if it starts with a dash.
	var values, tail []string
	if i := indexOf(args, "--"); i >= 0 {
		args, tail = args[:i], args[i+1:]
	}
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printIdentUsage(stdout)
				return 0
			}
			printIdentUsage(stderr)
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		values = append(values, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	values = append(values, tail...)
	if len(values) == 0 {
		fmt.Fprintln(stderr, "缺少要校验的值 / no value to check")
		printIdentUsage(stderr)
		return 2
	}
	kind := ident.Kind(*kindName)
	if kind != "" && !kind.Valid() {
		fmt.Fprintf(stderr, "未知的类型 / unknown kind: %q\n", *kindName)
		printIdentUsage(stderr)
		return 2
	}

	status := 0
	out := make([]identJSON, 0, len(values))
	for _, v := range values {
		var (
			r   ident.Result
			err error
		)
		if kind != "" {
			r, err = ident.Check(kind, v)
		} else {
			r, err = ident.Detect(v)
		}
		item := identJSON{Input: v, Kind: r.Kind, Valid: err == nil, Normalized: r.Normalized, Facts: []identFactJSON{}}
		for _, f := range r.Facts {
			item.Facts = append(item.Facts, identFactJSON(f))
		}
		if err != nil {
			status = 1
			var e *ident.Error
			if errors.As(err, &e) {
				item.Kind = e.Kind
				item.Error = &identErrorJSON{Code: e.Code, Message: e.Message}
			} else {
				item.Error = &identErrorJSON{Code: ident.CodeUnknown, Message: err.Error()}
			}
		}
		out = append(out, item)
	}

	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		return status
	}
	for _, item := range out {
		fmt.Fprintln(stdout, identLine(item))
	}
	return status
}

// identLine renders one value for people: kind, 有效/无效, then the
// normalized value and facts, or the input and the reason.
func identLine(item identJSON) string {
	var b strings.Builder
	if item.Kind != "" {
		b.WriteString(item.Kind.Label())
	} else {
		b.WriteString("未识别")
	}
	if !item.Valid {
		fmt.Fprintf(&b, " 无效 %s %s [%s]", item.Input, item.Error.Message, item.Error.Code)
		return b.String()
	}
	b.WriteString(" 有效 ")
	b.WriteString(item.Normalized)
	for _, f := range item.Facts {
		fmt.Fprintf(&b, " %s=%s", f.Label, f.Value)
	}
	return b.String()
}

func indexOf(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}
