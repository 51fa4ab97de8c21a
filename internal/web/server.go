// Package web turns HTTP into calls on the domain packages: routes,
// middleware, JSON errors and the server-rendered pages.
package web

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"liandong/internal/db"
	"liandong/internal/directory"
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
}

// Server holds the dependencies of every handler.
type Server struct {
	cfg     Config
	db      *db.DB
	dir     *directory.Store
	log     *slog.Logger
	pages   map[string]*template.Template
	metrics *metrics
}

// New builds a server; templates are parsed once here.
func New(cfg Config, d *db.DB, log *slog.Logger) (*Server, error) {
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
	return &Server{cfg: cfg, db: d, dir: directory.NewStore(d), log: log, pages: pages, metrics: newMetrics(dbs)}, nil
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
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(templateFuncs).ParseFS(templateFiles, "templates/layout.html", n)
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
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /{$}", s.home)
	return s.observe(s.recoverPanics(s.securityHeaders(s.limitBodies(mux))))
}

type health struct {
	Status        string `json:"status"`
	Engine        string `json:"engine"`
	SchemaVersion int    `json:"schema_version"`
	Side          string `json:"side"`
	Version       string `json:"version"`
	Error         string `json:"error,omitempty"`
}

// healthz answers 200 when the database answers and 503 when it does not.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	h := health{Status: "ok", Engine: string(s.db.Engine), Side: s.cfg.Side, Version: s.cfg.Version}
	status := http.StatusOK
	v, err := s.db.SchemaVersion(ctx)
	if err == nil {
		err = s.db.Ping(ctx)
	}
	if err != nil {
		s.log.Warn("health check failed", "err", err)
		h.Status, h.Error, status = "unavailable", "数据库无法访问", http.StatusServiceUnavailable
	}
	h.SchemaVersion = v
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, h)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
