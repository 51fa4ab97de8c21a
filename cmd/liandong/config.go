package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/keyring"
	"liandong/internal/signer"
)

// Config is the server configuration, built once from flags and LIANDONG_*
// environment variables and passed down.
type Config struct {
	DB      string // a folder for SQLite or a postgres:// DSN
	Addr    string
	Side    string // court, police or all
	KeyFile string // the node's key file; "" for the default place (openKeyring)
	// SessionLifetime is the absolute lifetime of a login session.
	SessionLifetime time.Duration
	// SecureCookies marks cookies Secure behind a TLS-terminating proxy.
	SecureCookies bool
}

// envOr returns the environment variable's value, or def when it is unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// dbFlag registers --db with LIANDONG_DB as its default.
func dbFlag(fs *flag.FlagSet, target *string, def string) {
	fs.StringVar(target, "db", envOr("LIANDONG_DB", def), "数据库：SQLite 数据目录，或 postgres:// 连接串（环境变量 LIANDONG_DB）")
}

// serverFlags registers the flags shared by serve and demo.
func serverFlags(fs *flag.FlagSet, c *Config, dbDefault string) {
	dbFlag(fs, &c.DB, dbDefault)
	fs.StringVar(&c.Addr, "addr", envOr("LIANDONG_ADDR", "127.0.0.1:8080"), "监听地址（环境变量 LIANDONG_ADDR）")
	fs.StringVar(&c.Side, "side", envOr("LIANDONG_SIDE", "all"), "节点所属一方：court、police 或 all（环境变量 LIANDONG_SIDE）")
	keyFlag(fs, &c.KeyFile)
	lifetime, err := time.ParseDuration(envOr("LIANDONG_SESSION_LIFETIME", "12h"))
	if err != nil {
		lifetime = -1 // reported by validate
	}
	fs.DurationVar(&c.SessionLifetime, "session-lifetime", lifetime, "登录会话的最长有效期，如 8h、12h（环境变量 LIANDONG_SESSION_LIFETIME）；空闲 30 分钟另行失效")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", envOr("LIANDONG_SECURE_COOKIES", "") == "true", "在终止 TLS 的反向代理之后运行时，为会话 Cookie 加 Secure 标记（环境变量 LIANDONG_SECURE_COOKIES=true）")
}

func (c Config) validate() error {
	switch c.Side {
	case "court", "police", "all":
	default:
		return fmt.Errorf("--side 只能是 court、police 或 all，而不是“%s”", c.Side)
	}
	if c.Addr == "" {
		return fmt.Errorf("--addr 不能为空")
	}
	if c.SessionLifetime < 5*time.Minute || c.SessionLifetime > 7*24*time.Hour {
		return fmt.Errorf("--session-lifetime 应在 5m 与 168h 之间（如 12h）")
	}
	return nil
}

// newFlagSet returns a flag set that reports errors on stderr instead of
// exiting, and prints help (text, then the flags) on stdout.
func newFlagSet(name string, stdout, stderr io.Writer, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stdout, help)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
	}
	return fs
}

// parseFlags parses args and maps the outcome to an exit status: -1 to go
// on, 0 after --help, 2 on a usage error.
func parseFlags(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	return -1
}

// keyFlag registers --key-file with LIANDONG_KEY_FILE as its default.
func keyFlag(fs *flag.FlagSet, target *string) {
	fs.StringVar(target, "key-file", envOr("LIANDONG_KEY_FILE", ""),
		"密钥文件（环境变量 LIANDONG_KEY_FILE）；不给时 SQLite 用数据目录下的 liandong.keys，PostgreSQL 用当前目录下的 liandong.keys")
}

// openKeyring loads the node's key file. A key file named explicitly must
// exist; the default one (liandong.keys in the SQLite data folder, or in
// the current folder for PostgreSQL) is created on first use.
func openKeyring(dbTarget, keyFile string) (*keyring.Ring, error) {
	if keyFile != "" {
		return keyring.LoadFile(keyFile)
	}
	path := "liandong.keys"
	if !db.IsPostgresDSN(dbTarget) {
		path = filepath.Join(dbTarget, "liandong.keys")
	}
	ring, _, err := keyring.LoadOrCreate(path)
	return ring, err
}

// verb runs a subcommand with its arguments.
type verb func(args []string, stdout, stderr io.Writer) int

// runSub runs the subcommand args[0] names: with none it prints help and
// fails (2), with --help it prints help; an unknown one is an error that
// names it.
func runSub(args []string, help string, subs map[string]verb, stdout, stderr io.Writer) int {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprint(stdout, help)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if run, ok := subs[args[0]]; ok {
		return run(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "未知子命令“%s”。\n\n%s", args[0], help)
	return 2
}

// nodeEnv is this node's database, migrated, with its key file, node keys
// and audit log: what the console verbs work with.
type nodeEnv struct {
	d    *db.DB
	ring *keyring.Ring
	keys *signer.Store
	log  *audit.Log
}

// openNode opens target, applies the migrations and loads the key file.
func openNode(ctx context.Context, target, keyFile string) (*nodeEnv, error) {
	d, err := db.Open(ctx, target)
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	ring, err := openKeyring(target, keyFile)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("密钥文件: %w", err)
	}
	keys := signer.NewStore(d, ring)
	return &nodeEnv{d: d, ring: ring, keys: keys, log: audit.New(d, keys, audit.Options{})}, nil
}
