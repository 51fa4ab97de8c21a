package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/audit"
)

// auditQuery reads the auditors' filters from the URL.
func auditQuery(r *http.Request) (audit.Query, map[string]string, error) {
	v := r.URL.Query()
	form := map[string]string{}
	for _, k := range []string{"from", "to", "user", "unit", "action", "case", "outcome", "object"} {
		form[k] = strings.TrimSpace(v.Get(k))
	}
	q := audit.Query{Username: form["user"], UnitCode: form["unit"], ActionPrefix: form["action"], CaseNumber: form["case"], Object: form["object"], Outcome: audit.Outcome(form["outcome"])}
	switch q.Outcome {
	case "", audit.OK, audit.Denied, audit.Failed:
	default:
		return q, form, apperr.Invalidf("outcome", "audit.outcome", "结果只能是 ok、denied 或 failed")
	}
	var err error
	if q.From, err = parseDay(form["from"], "from", false); err != nil {
		return q, form, err
	}
	if q.To, err = parseDay(form["to"], "to", true); err != nil {
		return q, form, err
	}
	if b := v.Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 0 {
			return q, form, apperr.Invalidf("before", "audit.cursor", "翻页参数 before 应为非负整数")
		}
		q.Before = n
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n <= 0 || n > audit.MaxLimit {
			return q, form, apperr.Invalidf("limit", "audit.limit", "每页条数应为 1–%d", audit.MaxLimit)
		}
		q.Limit = n
	}
	return q, form, nil
}

// parseDay reads YYYY-MM-DD as a day in China time; endOfDay gives the
// next midnight, so "to" includes the whole day.
func parseDay(s, field string, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, shanghai)
	if err != nil {
		return time.Time{}, apperr.Invalidf(field, "request.date", "日期“%s”格式不对，应为 YYYY-MM-DD", s)
	}
	if endOfDay {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

type auditData struct {
	Form    map[string]string
	Entries []audit.Entry
	Next    int64
	NextURL string
	Error   *apperr.Error
	Query   string
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	q, form, err := auditQuery(r)
	d := auditData{Form: form, Query: r.URL.RawQuery}
	if err != nil {
		e, _ := formError(err)
		d.Error = e
		s.render(w, r, http.StatusBadRequest, "audit.html", s.pageFor(r, rq, "审计日志", d))
		return nil
	}
	entries, next, err := s.audit.Search(r.Context(), q)
	if err != nil {
		if e, ok := formError(err); ok {
			d.Error = e
			s.render(w, r, statusOf(err), "audit.html", s.pageFor(r, rq, "审计日志", d))
			return nil
		}
		return err
	}
	d.Entries, d.Next = entries, next
	if next > 0 {
		v := r.URL.Query()
		v.Set("before", strconv.FormatInt(next, 10))
		d.NextURL = "/audit?" + v.Encode()
	}
	// Auditors' reads of the log are themselves audited.
	if _, err := s.audit.Record(r.Context(), s.entry(r, rq, "audit.search", "", audit.OK, describeQuery(form))); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "audit.html", s.pageFor(r, rq, "审计日志", d))
	return nil
}

func describeQuery(form map[string]string) string {
	var parts []string
	for _, k := range []string{"from", "to", "user", "unit", "action", "case", "outcome", "object"} {
		if form[k] != "" {
			parts = append(parts, k+"="+form[k])
		}
	}
	return strings.Join(parts, " ")
}

func (s *Server) auditExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	q, _, err := auditQuery(r)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("audit-%s.csv", time.Now().In(shanghai).Format("20060102-150405"))
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	// Export records its own audit.export entry, as the actor on the context.
	if _, err := s.audit.Export(r.Context(), q, w, audit.CSV); err != nil {
		// Headers are gone; all we can do is log and cut the download short.
		s.log.Error("audit export", "id", RequestID(r.Context()), "err", err)
	}
	return nil
}

type auditEntryJSON struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	Username   string    `json:"username"`
	UnitCode   string    `json:"unit_code"`
	Role       string    `json:"role"`
	Source     string    `json:"source"`
	Action     string    `json:"action"`
	Object     string    `json:"object"`
	CaseNumber string    `json:"case_number"`
	Outcome    string    `json:"outcome"`
	Detail     string    `json:"detail"`
}

func (s *Server) apiAuditSearch(w http.ResponseWriter, r *http.Request, rq *request) error {
	q, form, err := auditQuery(r)
	if err != nil {
		return err
	}
	entries, next, err := s.audit.Search(r.Context(), q)
	if err != nil {
		return err
	}
	if _, err := s.audit.Record(r.Context(), s.entry(r, rq, "audit.search", "", audit.OK, describeQuery(form))); err != nil {
		return err
	}
	out := make([]auditEntryJSON, len(entries))
	for i, e := range entries {
		out[i] = auditEntryJSON{e.Seq, e.At, e.Username, e.UnitCode, e.Role, e.Source, e.Action, e.Object, e.CaseNumber, string(e.Outcome), e.Detail}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out, "next": next})
	return nil
}

// entry is an audit entry for what rq's user does on this request.
func (s *Server) entry(r *http.Request, rq *request, action, object string, outcome audit.Outcome, detail string) audit.Entry {
	e := audit.Entry{Source: clientIP(r), Action: action, Object: object, Outcome: outcome, Detail: detail}
	if rq.User != nil {
		e.Username, e.UnitCode, e.Role = rq.User.Username, rq.User.UnitCode, roleList(*rq.User)
	}
	return e
}
