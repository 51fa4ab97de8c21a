package web

import "liandong/internal/access"

// RouteInfo exposes the route table to the external tests.
type RouteInfo struct {
	Method, Path string
	Action       access.Action
	API, Public  bool
}

// Routes lists the server's routes.
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, rt := range s.routes {
		out[i] = RouteInfo{rt.Method, rt.Path, rt.Action, rt.API, rt.Action == Public}
	}
	return out
}

// OpenAPIDoc exposes the generated document.
func (s *Server) OpenAPIDoc() map[string]any { return s.openAPIDoc() }
