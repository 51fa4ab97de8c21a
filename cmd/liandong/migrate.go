package main

import (
	"context"
	"fmt"
	"io"

	"liandong/internal/db"
)

const migrateHelp = `liandong migrate —— 数据库结构迁移

用法:
  liandong migrate up     [--db 目录|postgres://…]   执行所有未执行的迁移
  liandong migrate status [--db 目录|postgres://…]   列出迁移及是否已执行
`

func cmdMigrate(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprint(stdout, migrateHelp)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	sub := args[0]
	if sub != "up" && sub != "status" {
		fmt.Fprintf(stderr, "未知子命令“%s”。\n\n%s", sub, migrateHelp)
		return 2
	}
	var target string
	fs := newFlagSet("migrate "+sub, stdout, stderr, migrateHelp)
	dbFlag(fs, &target, "./data")
	if rc := parseFlags(fs, args[1:]); rc >= 0 {
		return rc
	}
	ctx := context.Background()
	d, err := db.Open(ctx, target)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer d.Close()
	if sub == "up" {
		applied, err := d.Migrate(ctx)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		if len(applied) == 0 {
			fmt.Fprintln(stdout, "数据库结构已是最新，无需迁移。")
		}
		for _, v := range applied {
			fmt.Fprintf(stdout, "已执行迁移 %04d\n", v)
		}
		return 0
	}
	states, err := d.MigrationStatus(ctx)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	for _, s := range states {
		state := "未执行"
		if s.Applied {
			state = "已执行 " + s.AppliedAt.Local().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(stdout, "%04d  %-24s %s\n", s.Version, s.Name, state)
	}
	return 0
}

func isHelp(s string) bool { return s == "-h" || s == "--help" || s == "-help" || s == "help" }
