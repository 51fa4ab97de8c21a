package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"

	"golang.org/x/term"

	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/signer"
)

const userHelp = `liandong user —— 用户管理

用法:
  liandong user add --username 用户名 --unit 单位 --role 角色[,角色] [--name 姓名] [--password 密码] [--db …]
  liandong user list [--unit 单位代码] [--db …]
  liandong user disable --username 用户名 [--db …]
  liandong user enable  --username 用户名 [--db …]
  liandong user passwd  --username 用户名 [--password 密码] [--temporary=true] [--db …]

不给 --password 时从终端提示输入（或从标准输入读一行）。管理员设置的密码默认为初始密码，
用户首次登录须修改。密码至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类。

角色: court_officer(执行法官) court_leader(执行局领导) court_president(院领导)
      judicial_police(司法警察) police_handler(承办民警) police_leader(公安领导)
      liaison(联络员) sys_admin(系统管理员) sec_admin(安全管理员) auditor(安全审计员)
`

func cmdUser(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprint(stdout, userHelp)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	sub := args[0]
	var (
		target, keyFile, username, unit, roles, name, password string
		temporary                                              bool
	)
	fs := newFlagSet("user "+sub, stdout, stderr, userHelp)
	dbFlag(fs, &target, "./data")
	keyFlag(fs, &keyFile)
	switch sub {
	case "add":
		fs.StringVar(&username, "username", "", "用户名")
		fs.StringVar(&unit, "unit", "", "单位代码、全称或简称")
		fs.StringVar(&roles, "role", "", "角色，多个用逗号分隔")
		fs.StringVar(&name, "name", "", "姓名（显示名）")
		fs.StringVar(&password, "password", "", "初始密码（不给则提示输入）")
	case "list":
		fs.StringVar(&unit, "unit", "", "只列出该单位（单位代码）")
	case "disable", "enable":
		fs.StringVar(&username, "username", "", "用户名")
	case "passwd":
		fs.StringVar(&username, "username", "", "用户名")
		fs.StringVar(&password, "password", "", "新密码（不给则提示输入）")
		fs.BoolVar(&temporary, "temporary", true, "是否为须在首次登录时修改的临时密码")
	default:
		fmt.Fprintf(stderr, "未知子命令“%s”。\n\n%s", sub, userHelp)
		return 2
	}
	if rc := parseFlags(fs, args[1:]); rc >= 0 {
		return rc
	}
	if sub != "list" && strings.TrimSpace(username) == "" {
		fmt.Fprintln(stderr, "请用 --username 指定用户名。")
		return 2
	}
	ctx := context.Background()
	d, err := db.Open(ctx, target)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	store := directory.NewStore(d)
	if _, err := store.LoadZhoukou(ctx); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	// Administrative changes made at the console are audited like those
	// made on the pages (S-SEC-1), under the operating-system account.
	ring, err := openKeyring(target, keyFile)
	if err != nil {
		fmt.Fprintf(stderr, "密钥文件: %v\n", err)
		return 1
	}
	keys := signer.NewStore(d, ring)
	if _, err := keys.Ensure(ctx, signer.NodeOwner); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	auditLog := audit.New(d, keys, audit.Options{})
	record := func(action, object, detail string) int {
		e := audit.Entry{Username: "", Source: "cli:" + osUser(), Action: action, Object: object, Outcome: audit.OK, Detail: detail}
		if _, err := auditLog.Record(ctx, e); err != nil {
			fmt.Fprintf(stderr, "已执行，但写审计日志失败: %v\n", err)
			return 1
		}
		return 0
	}

	switch sub {
	case "add":
		var rs []directory.Role
		for _, s := range strings.Split(roles, ",") {
			if strings.TrimSpace(s) == "" {
				continue
			}
			r, err := directory.ParseRole(s)
			if err != nil {
				return fail(stderr, err)
			}
			rs = append(rs, r)
		}
		if password == "" {
			if password, err = readPassword(stdin, stderr, "初始密码: "); err != nil {
				return fail(stderr, err)
			}
		}
		u, err := store.AddUser(ctx, directory.NewUser{Username: username, DisplayName: name, Unit: unit, Roles: rs, Password: password, MustChangePassword: true})
		if err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintf(stdout, "已添加用户 %s（%s，单位 %s，角色 %s），首次登录须修改密码。\n", u.Username, u.DisplayName, u.UnitCode, roleLabels(u.Roles))
		return record("user.create", "user:"+u.Username, "unit="+u.UnitCode)
	case "list":
		users, err := store.Users(ctx, directory.UserFilter{Unit: unit})
		if err != nil {
			return fail(stderr, err)
		}
		if len(users) == 0 {
			fmt.Fprintln(stdout, "暂无用户。用 liandong user add 添加。")
		}
		for _, u := range users {
			state := "启用"
			if !u.Active {
				state = "停用"
			}
			if u.MustChangePassword {
				state += "，须改密码"
			}
			fmt.Fprintf(stdout, "%-16s %-20s %-18s %-24s %s\n", u.Username, u.DisplayName, u.UnitCode, roleLabels(u.Roles), state)
		}
	case "disable", "enable":
		if err := store.SetActive(ctx, username, sub == "enable"); err != nil {
			return fail(stderr, err)
		}
		verb := map[string]string{"disable": "停用", "enable": "启用"}[sub]
		fmt.Fprintf(stdout, "已%s用户 %s。\n", verb, directory.NormalizeUsername(username))
		return record("user."+sub, "user:"+directory.NormalizeUsername(username), "")
	case "passwd":
		if password == "" {
			if password, err = readPassword(stdin, stderr, "新密码: "); err != nil {
				return fail(stderr, err)
			}
		}
		if err := store.SetPassword(ctx, username, password, temporary); err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintf(stdout, "已修改用户 %s 的密码。\n", directory.NormalizeUsername(username))
		return record("user.reset_password", "user:"+directory.NormalizeUsername(username), fmt.Sprintf("temporary=%v", temporary))
	}
	return 0
}

// fail prints err for a person: the Chinese message of a user-facing
// error, or the whole chain otherwise.
func fail(stderr io.Writer, err error) int {
	if e, ok := apperr.As(err); ok && e.Kind != apperr.Internal {
		fmt.Fprintf(stderr, "%s（%s）\n", e.Message, e.Code)
		return 1
	}
	fmt.Fprintln(stderr, err)
	return 1
}

func roleLabels(rs []directory.Role) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Label()
	}
	return strings.Join(parts, "、")
}

// readPassword prompts on a terminal without echo, twice; from a pipe it
// reads one line, so scripts can pass a password on standard input.
func readPassword(stdin io.Reader, stderr io.Writer, prompt string) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, prompt)
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(stderr, "再输入一次: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(p1) != string(p2) {
			return "", apperr.Invalidf("password", "password.mismatch", "两次输入的密码不一致")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", apperr.Invalidf("password", "password.missing", "未提供密码：请用 --password 指定，或在标准输入给出")
	}
	return line, nil
}

// osUser names the operating-system account running the command.
func osUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}
