package web

import (
	"net/http"

	"liandong/internal/directory"
)

type homeData struct {
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
		s.writeError(w, r, err)
		return
	}
	v, _ := s.db.SchemaVersion(r.Context())
	d := homeData{Engine: string(s.db.Engine), SchemaVersion: v, Side: sideLabel(s.cfg.Side), Version: s.cfg.Version}
	for _, u := range units {
		if u.Side == "court" {
			d.Courts = append(d.Courts, u)
		} else {
			d.Police = append(d.Police, u)
		}
	}
	s.render(w, r, http.StatusOK, "home.html", page{Title: "首页", Data: d})
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
