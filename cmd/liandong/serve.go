package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"liandong/internal/access"
	"liandong/internal/audit"
	"liandong/internal/db"
	"liandong/internal/demo"
	"liandong/internal/directory"
	"liandong/internal/docs"
	"liandong/internal/signer"
	"liandong/internal/web"
)

const serveHelp = `liandong serve —— 启动服务

用法: liandong serve [--db 目录|postgres://…] [--addr 地址] [--side court|police|all]

启动时自动执行数据库迁移，并载入缺少的周口市单位目录（已有单位不会被覆盖）。
`

func cmdServe(args []string, stdout, stderr io.Writer) int {
	var cfg Config
	fs := newFlagSet("serve", stdout, stderr, serveHelp)
	serverFlags(fs, &cfg, "./data")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if err := cfg.validate(); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, cfg, stdout, stderr, nil); err != nil {
		fmt.Fprintf(stderr, "liandong serve: %v\n", err)
		return 1
	}
	return 0
}

const demoHelp = `liandong demo —— 用演示数据启动服务

用法: liandong demo [--db 目录|postgres://…] [--addr 地址] [--side court|police|all]

不给 --db 时使用一个新的临时目录（退出后删除）。载入周口市单位目录和演示账号，
并打印登录地址和账号。
`

func cmdDemo(args []string, stdout, stderr io.Writer) int {
	var cfg Config
	fs := newFlagSet("demo", stdout, stderr, demoHelp)
	serverFlags(fs, &cfg, "")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if err := cfg.validate(); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if cfg.DB == "" {
		dir, err := os.MkdirTemp("", "liandong-demo-")
		if err != nil {
			fmt.Fprintf(stderr, "liandong demo: 无法创建临时目录: %v\n", err)
			return 1
		}
		defer os.RemoveAll(dir)
		cfg.DB = dir
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	load := func(ctx context.Context, d *db.DB) error { return demo.Load(ctx, directory.NewStore(d)) }
	if err := serve(ctx, cfg, stdout, stderr, load); err != nil {
		fmt.Fprintf(stderr, "liandong demo: %v\n", err)
		return 1
	}
	return 0
}

// serve opens and migrates the database, loads the keys, runs seed (the
// demo data) when given, listens, prints where to log in, and serves until
// ctx ends.
func serve(ctx context.Context, cfg Config, stdout, stderr io.Writer, seed func(context.Context, *db.DB) error) error {
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	applied, err := d.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) > 0 {
		log.Info("migrations applied", "versions", applied)
	}
	ring, err := openKeyring(cfg.DB, cfg.KeyFile)
	if err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	dir := directory.NewStore(d)
	if seed != nil {
		if err := seed(ctx, d); err != nil {
			return err
		}
	} else if n, err := dir.LoadZhoukou(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Info("Zhoukou directory loaded", "units", n)
	}

	keys := signer.NewStore(d, ring)
	if _, err := keys.Ensure(ctx, signer.NodeOwner); err != nil {
		return fmt.Errorf("node key: %w", err)
	}
	auditLog := audit.New(d, keys, audit.Options{Logger: log})
	runCtx, stopRun := context.WithCancel(context.Background())
	defer stopRun()
	go auditLog.Run(runCtx)
	documents := docs.NewStore(d, keys, dir, auditLog, docs.Options{})
	if err := documents.EnsureUnitKeys(ctx, nil); err != nil {
		return fmt.Errorf("unit keys: %w", err)
	}
	acc := access.NewService(d, dir, auditLog, ring, access.Config{})

	srv, err := web.New(web.Config{Side: cfg.Side, Version: version}, web.Deps{DB: d, Dir: dir, Access: acc, Audit: auditLog, Docs: documents}, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := "http://" + ln.Addr().String() + "/"
	log.Info("listening", "url", url, "engine", d.Engine, "db", d.Target, "side", cfg.Side)
	printBanner(stdout, url, d, seed != nil)

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	stopRun()
	// Sign the head once more so entries of the last minutes are covered.
	if _, err := auditLog.SignHead(shutdownCtx); err != nil {
		log.Warn("sign audit head at shutdown", "err", err)
	}
	log.Info("stopped")
	return nil
}

func printBanner(w io.Writer, url string, d *db.DB, withDemo bool) {
	fmt.Fprintf(w, "周口市法院公安执行协作联动平台已启动\n")
	fmt.Fprintf(w, "  地址 URL:      %s\n", url)
	fmt.Fprintf(w, "  健康检查:      %shealthz\n", url)
	fmt.Fprintf(w, "  数据库:        %s %s\n", d.Engine, d.Target)
	if withDemo {
		fmt.Fprintf(w, "\n演示账号（密码均为 %s）:\n", demo.Password)
		for _, a := range demo.Accounts() {
			roles := ""
			for i, r := range a.Roles {
				if i > 0 {
					roles += "、"
				}
				roles += r.Label()
			}
			fmt.Fprintf(w, "  %-14s %s %s（%s）\n", a.Username, padRight(roles, 22), a.DisplayName, a.Unit)
		}
	}
	fmt.Fprintf(w, "\n按 Ctrl+C 停止。\n")
}

// padRight pads s with spaces to width terminal columns, counting CJK
// characters as two columns so the account table lines up.
func padRight(s string, width int) string {
	w := 0
	for _, r := range s {
		if r >= 0x1100 {
			w += 2
		} else {
			w++
		}
	}
	if w >= width {
		return s
	}
	return s + strings.Repeat(" ", width-w)
}
