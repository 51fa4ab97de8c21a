// Package web turns HTTP into calls on the domain packages: routes,
// middleware, JSON errors and the server-rendered pages.
package web

import (
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/credit"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/docs"
	"liandong/internal/feed"
	"liandong/internal/matter"
	"liandong/internal/screening"
	"liandong/internal/subject"
	"liandong/internal/vehicle"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Config is what the server needs to know about its node.
type Config struct {
	Side      string // court, police or all
	Version   string
	MaxBody   int64 // bytes; default 1 MiB
	MaxUpload int64 // bytes for document uploads; default 20 MiB
	// SecureCookies marks the session cookie Secure even on plain HTTP,
	// for a deployment behind a proxy that terminates TLS.
	SecureCookies bool
}

// Deps are the domain services the handlers call.
type Deps struct {
	DB     *db.DB
	Dir    *directory.Store
	Access *access.Service
	Audit  *audit.Log
	Docs   *docs.Store
	// Matters and Subjects serve the cooperation matters (S-LOC, S-ASSIST).
	Matters  *matter.Engine
	Subjects *subject.Store
	// Connectors answer the police-system queries of a locate.
	Connectors Connectors
	// Vehicles is the vehicle seal register (S-VEH-2); nil turns the
	// vehicle API off (it answers vehicle.unavailable).
	Vehicles *vehicle.Register
	// Credit is the dishonest-debtor list (internal/credit); nil turns the
	// list pages and API off (they answer credit.unavailable).
	Credit *credit.Store
	// Feed serves the list's change feed and webhook subscriptions to
	// police systems (credit_feed.go); nil answers credit_feed.unavailable.
	Feed *feed.Feed
	// Screening compares applicants with the dishonest-debtor list for
	// police systems (S-CREDIT-1); nil answers screen.unavailable.
	Screening *screening.Service
}

// Server holds the dependencies of every handler.
type Server struct {
	cfg      Config
	db       *db.DB
	dir      *directory.Store
	acc      *access.Service
	audit    *audit.Log
	docs     *docs.Store
	matters  *matter.Engine
	conn     Connectors
	subjects *subject.Store
	vehicles *vehicle.Register
	// vehicleAudit groups the audit appends of vehicle checks.
	vehicleAudit *groupAudit
	screening    *screening.Service
	// credit is the dishonest-debtor list; imports are its running and
	// finished web imports (credit_pages_import.go).
	credit     *credit.Store
	feed       *feed.Feed
	imports    *importJobs
	log        *slog.Logger
	pages      map[string]*template.Template
	metrics    *metrics
	loginRate  *rateLimiter
	publicRate *rateLimiter
	routes     []route
}

// New builds a server; templates are parsed once here.
func New(cfg Config, deps Deps, log *slog.Logger) (*Server, error) {
	d := deps.DB
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.MaxUpload == 0 {
		cfg.MaxUpload = 20 << 20
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	dbs := map[string]*sql.DB{"write": d.Write()}
	if d.Read() != d.Write() {
		dbs["read"] = d.Read()
	}
	s := &Server{cfg: cfg, db: d, dir: deps.Dir, acc: deps.Access, audit: deps.Audit, docs: deps.Docs, matters: deps.Matters, subjects: deps.Subjects, conn: deps.Connectors, log: log,
		pages: pages, metrics: newMetrics(dbs),
		loginRate:  newRateLimiter(10, 10, time.Now),
		publicRate: newRateLimiter(120, 60, time.Now)}
	s.vehicles, s.vehicleAudit = deps.Vehicles, newGroupAudit(d, deps.Audit)
	s.screening = deps.Screening
	s.credit, s.imports = deps.Credit, newImportJobs(time.Now)
	s.feed = deps.Feed
	s.routes = s.routeTable()
	return s, nil
}

// parsePages parses each page template together with the layout, so every
// page can define its own "content" block.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := n[len("templates/"):]
		if base == "layout.html" || strings.HasPrefix(base, "_") {
			continue // the layout and partials (_*.html) go with every page
		}
		t, err := template.New(base).Funcs(templateFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", base, err)
		}
		out[base] = t
	}
	return out, nil
}

// Handler returns the route table wrapped in the middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFiles, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") { // no directory listings
			s.notFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
	for _, rt := range s.routes {
		mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	return s.observe(s.recoverPanics(s.securityHeaders(s.limitBodies(s.unmatched(mux)))))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// unmatched answers requests no route takes in our own format: 404 for an
// unknown path, 405 with the Allow header for a known path and another
// method (the mux works that out; we only change how it is said).
func (s *Server) unmatched(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		probe := &headerProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		if probe.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", probe.header.Get("Allow"))
			s.writeError(w, r, &apperr.Error{Kind: apperr.Invalid, Code: "method_not_allowed",
				Message: "该地址不支持 " + r.Method + " 请求，可用：" + probe.header.Get("Allow")})
			return
		}
		s.notFound(w, r)
	})
}

// headerProbe records what the mux's fallback handler would answer.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *headerProbe) WriteHeader(code int)        { p.status = code }
