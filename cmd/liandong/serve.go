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
	"liandong/internal/connector"
	"liandong/internal/credit"
	"liandong/internal/db"
	"liandong/internal/demo"
	"liandong/internal/directory"
	"liandong/internal/docs"
	"liandong/internal/feed"
	"liandong/internal/matter"
	"liandong/internal/pii"
	"liandong/internal/screening"
	"liandong/internal/signer"
	"liandong/internal/subject"
	"liandong/internal/vehicle"
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
	if err := serve(ctx, cfg, stdout, stderr, loadDemo); err != nil {
		fmt.Fprintf(stderr, "liandong demo: %v\n", err)
		return 1
	}
	return 0
}

// seedEnv is what demo data is loaded with.
type seedEnv struct {
	DB       *db.DB
	Dir      *directory.Store
	Docs     *docs.Store
	Access   *access.Service
	Audit    *audit.Log
	Keys     *signer.Store
	Matters  *matter.Engine
	Subjects *subject.Store
	Credit   *credit.Store
}

// seedFunc loads data after the services are up and returns lines for the
// banner.
type seedFunc func(ctx context.Context, env seedEnv) ([]string, error)

// loadDemo adds the demo accounts and a signed sample document.
func loadDemo(ctx context.Context, env seedEnv) ([]string, error) {
	if err := demo.Load(ctx, env.Dir); err != nil {
		return nil, err
	}
	code, err := demo.IssueSample(ctx, env.Docs)
	if err != nil {
		return nil, err
	}
	notes := []string{fmt.Sprintf("示例电子文书验证码: %s（在 /verify 页面输入，无需登录）", code)}
	n, err := demo.LoadMatters(ctx, demo.MatterEnv{DB: env.DB, Dir: env.Dir, Docs: env.Docs, Access: env.Access,
		Audit: env.Audit, Keys: env.Keys, Matters: env.Matters, Subjects: env.Subjects})
	switch {
	case errors.Is(err, demo.ErrNotAllSide):
		notes = append(notes, "演示协作事项：仅在 --side all 下载入（本节点只办理一方，另一方的操作无法在此完成）")
	case err != nil:
		return nil, err
	case n == 0:
		notes = append(notes, "演示协作事项：本数据库中已载入，未重复创建")
	default:
		notes = append(notes, fmt.Sprintf("演示协作事项：%d 件，覆盖 %d 类事项的全部状态（含一件已超期并督办的查找）", n, len(matter.Kinds())))
	}
	// A small dishonest-debtor list, so that screening a demo debtor hits.
	if k, err := demo.LoadCreditList(ctx, env.Credit); err != nil {
		return nil, err
	} else if k > 0 {
		notes = append(notes, fmt.Sprintf("演示失信名单：%d 条（含前 %d 名演示被执行人，由川汇区法院纳入）；公安账号调用 POST /api/v1/screen 比对演示被执行人即比中", k, demo.CreditDebtors))
	}
	return notes, nil
}

// serve opens and migrates the database, loads the keys, runs seed (the
// demo data) when given, listens, prints where to log in, and serves until
// ctx ends.
func serve(ctx context.Context, cfg Config, stdout, stderr io.Writer, seed seedFunc) error {
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
	if n, err := dir.LoadZhoukou(ctx); err != nil {
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
	acc := access.NewService(d, dir, auditLog, ring, access.Config{SessionLifetime: cfg.SessionLifetime})
	// The matter engine (S-LOC, S-ASSIST): its scheduler marks overdue
	// matters and escalates; in --side all the loopback carries each side's
	// events to the other, the same path the exchange between two nodes
	// will take.
	// No real police-system adapters exist yet: the built-in simulators
	// (synthetic Zhoukou people and 豫P vehicles, docs/connectors.md)
	// answer, with the same seed as the demo debtors, who own the first
	// vehicles.
	sim := connector.NewSimulator(1)
	registry, err := connector.NewVehicleSimulator(1, 1_000_000, connector.WithVehicleOwners(sim.People()))
	if err != nil {
		return fmt.Errorf("vehicle registry: %w", err)
	}
	log.Info("police-system connectors: built-in simulator")
	// The vehicle seal register (S-VEH-2) is police-side data: a court-only
	// node keeps none and its vehicle kinds refuse.
	var seals *vehicle.Register
	if cfg.Side != "court" {
		if seals, err = vehicle.New(ctx, d, registry, vehicle.Config{Logger: log}); err != nil {
			return fmt.Errorf("vehicle seal register: %w", err)
		}
		go func() { _ = seals.Run(runCtx, time.Minute) }()
	}
	engine, err := matter.New(ctx, d, dir, acc.Policy(), auditLog, keys, ring, matter.Config{Side: cfg.Side, Logger: log, Vehicles: seals})
	if err != nil {
		return fmt.Errorf("matter engine: %w", err)
	}
	go func() { _ = engine.Run(runCtx, time.Minute) }()
	subjects := subject.NewStore(d, pii.New(ring), acc.Policy(), auditLog, subject.Options{})
	// The dishonest-debtor list (internal/credit): its pages and API.
	// Screening (S-CREDIT-1) keeps its index of the list current from the
	// change feed: at once for changes made here (OnChange), by LISTEN on
	// PostgreSQL for other servers' changes, and by a 1-second poll.
	var (
		screens *screening.Service
		feeds   *feed.Feed
	)
	credits := credit.NewStore(d, pii.New(ring), acc.Policy(), auditLog, credit.Options{OnChange: func(v uint64) {
		if screens != nil {
			screens.Notify(v)
		}
		if feeds != nil {
			feeds.Poke() // webhook deliveries go out at once rather than at the next poll
		}
	}})
	screens = screening.New(d, credits, dir, acc.Policy(), auditLog, screening.Config{Logger: log})
	if err := screens.Start(runCtx); err != nil {
		return fmt.Errorf("screening: %w", err)
	}
	// The change feed for police systems and its webhook deliveries
	// (internal/feed): signed with the node key, resumable, polled.
	feeds = feed.New(d, credits, keys, auditLog, feed.Config{Logger: log})
	go func() { _ = feeds.Run(runCtx) }()
	if cfg.Side == "all" {
		go func() { _ = matter.NewLoopback(engine).Run(runCtx, 2*time.Second) }()
	}
	var notes []string
	if seed != nil {
		if notes, err = seed(ctx, seedEnv{DB: d, Dir: dir, Docs: documents, Access: acc, Audit: auditLog, Keys: keys,
			Matters: engine, Subjects: subjects, Credit: credits}); err != nil {
			return err
		}
	}
	go purgeSessions(runCtx, acc, log)
	go expireCredit(runCtx, credits, log)

	srv, err := web.New(web.Config{Side: cfg.Side, Version: version, SecureCookies: cfg.SecureCookies}, web.Deps{DB: d, Dir: dir, Access: acc, Audit: auditLog, Docs: documents, Matters: engine, Subjects: subjects,
		Connectors: web.Connectors{Population: sim, ExitEntry: sim, Hotel: sim, Detention: sim}, Vehicles: seals, Credit: credits, Feed: feeds, Screening: screens}, log)
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
	printBanner(stdout, url, d, seed != nil, notes)

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

// purgeSessions deletes long-ended sessions once an hour; the audit log
// keeps their history.
func purgeSessions(ctx context.Context, acc *access.Service, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := acc.PurgeSessions(ctx, 30*24*time.Hour); err != nil && ctx.Err() == nil {
			log.Warn("purge sessions", "err", err)
		} else if n > 0 {
			log.Info("sessions purged", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// expireCredit takes entries whose term ended off the list (失信规定 art.
// 10 para 2) every minute, so the removal is recorded, fed and audited at
// once and the screening index drops the entry — until then a screen that
// finds it answers "none" after the database check, even when the same
// person is listed in another case. Several servers may run it: Expire is
// idempotent.
func expireCredit(ctx context.Context, credits *credit.Store, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if n, err := credits.Expire(ctx, time.Now()); err != nil && ctx.Err() == nil {
			log.Warn("credit: expire ended terms", "err", err)
		} else if n > 0 {
			log.Info("credit: entries expired", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func printBanner(w io.Writer, url string, d *db.DB, withDemo bool, notes []string) {
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
	for _, n := range notes {
		fmt.Fprintf(w, "\n%s\n", n)
	}
	if withDemo {
		fmt.Fprintf(w, "\n管理员账号首次登录须绑定动态口令（手机身份验证器扫码）。\n")
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
