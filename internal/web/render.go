package web

import (
	"bytes"
	"html/template"
	"net/http"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/workday"
)

// shanghai is the zone every date on a page is shown in (China has no DST).
var shanghai = workday.Location()

var templateFuncs = template.FuncMap{
	// when formats a time the way users read it: 2024-10-09 14:30.
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(shanghai).Format("2006-01-02 15:04")
	},
	"whenSec": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(shanghai).Format("2006-01-02 15:04:05")
	},
}

type navItem struct {
	Href, Label string
	Current     bool
}

// page is what every template gets.
type page struct {
	Title    string
	User     any // *access.Principal once logged in
	UnitName string
	CSRF     string
	Nav      []navItem
	Flash    string
	Unread   int // unread notifications, shown in the top bar
	Data     any
}

// render executes a page template into a buffer first, so a template error
// becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("no such template", "name", name)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render", "template", name, "id", RequestID(r.Context()), "err", err)
		http.Error(w, "服务器内部错误，请稍后重试", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// renderStatus shows an error page with the message and code.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, e *apperr.Error) {
	title := map[int]string{
		http.StatusBadRequest: "请求有误", http.StatusUnauthorized: "请先登录", http.StatusForbidden: "无权访问",
		http.StatusNotFound: "未找到", http.StatusConflict: "操作冲突", http.StatusRequestEntityTooLarge: "内容过大",
		http.StatusTooManyRequests: "操作过于频繁", http.StatusServiceUnavailable: "服务暂不可用",
	}[status]
	if title == "" {
		title = "出错了"
	}
	s.render(w, r, status, "status.html", page{Title: title, Data: e})
}
