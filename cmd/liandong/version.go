package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"liandong/internal/db"
)

const versionHelp = "liandong version —— 显示版本、Go 版本和内置的数据库结构版本\n\n用法: liandong version\n"

func cmdVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", stdout, stderr, versionHelp)
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	v := version
	if info, ok := debug.ReadBuildInfo(); ok && v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	schema := 0
	if ms, err := db.Migrations(); err == nil && len(ms) > 0 {
		schema = ms[len(ms)-1].Version
	}
	fmt.Fprintf(stdout, "liandong %s (%s, schema %d)\n", v, runtime.Version(), schema)
	return 0
}
