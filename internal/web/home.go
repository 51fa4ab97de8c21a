package web

import (
	"net/http"

	"liandong/internal/directory"
)

type homePage struct {
	Engine        string
	SchemaVersion int
	Side          string
	Version       string
	Courts        []directory.Unit
	Police        []directory.Unit
}

// home shows what this node is and the cooperating units. Unit names are
// public organisational facts, so the page needs no login.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	units, err := s.dir.Units(r.Context())
	if err != nil {
		s.log.Error("list units", "err", err)
		http.Error(w, "服务器内部错误，请稍后重试", http.StatusInternalServerError)
		return
	}
	v, _ := s.db.SchemaVersion(r.Context())
	p := homePage{Engine: string(s.db.Engine), SchemaVersion: v, Side: sideLabel(s.cfg.Side), Version: s.cfg.Version}
	for _, u := range units {
		if u.Side == "court" {
			p.Courts = append(p.Courts, u)
		} else {
			p.Police = append(p.Police, u)
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.pages.ExecuteTemplate(w, "home.html", p); err != nil {
		s.log.Error("render home", "err", err)
	}
}

func sideLabel(side string) string {
	switch side {
	case "court":
		return "法院端"
	case "police":
		return "公安端"
	}
	return "法院与公安（单机）"
}
