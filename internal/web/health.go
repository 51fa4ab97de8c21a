package web

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type health struct {
	Status        string `json:"status"`
	Engine        string `json:"engine"`
	SchemaVersion int    `json:"schema_version"`
	Side          string `json:"side"`
	Version       string `json:"version"`
	Error         string `json:"error,omitempty"`
}

// healthz answers 200 when the database answers and 503 when it does not.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request, rq *request) error {
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
	return nil
}

// metricsHandler serves the server's own registry. It holds counts and
// latencies only, no personal data, so it is public like /healthz; expose
// it beyond the intranet only behind the scraper's network rules.
func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request, rq *request) error {
	promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}
