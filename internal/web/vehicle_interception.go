package web

import (
	"encoding/json"
	"net/http"
	"time"
)

// interceptionBody is what a checkpoint, patrol or camera system sends
// (S-VEH-4/5): the plate or VIN it read and the interception record.
type interceptionBody struct {
	Vehicle string          `json:"vehicle"`
	Payload json.RawMessage `json:"payload"` // place, intercepted_at, unit, plate_read, contact, note
}

// apiVehicleInterception reports an interception by vehicle rather than by
// matter: every control in force on the vehicle that the caller's unit may
// act on moves to 已拦截待接收 and the court's takeover clock starts.
func (s *Server) apiVehicleInterception(w http.ResponseWriter, r *http.Request, rq *request) error {
	var b interceptionBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if len(b.Payload) == 0 {
		b.Payload = json.RawMessage(`{}`)
	}
	ms, err := s.matters.ReportInterception(r.Context(), *rq.User, b.Vehicle, b.Payload)
	if err != nil {
		return err
	}
	out := make([]any, len(ms))
	for i, m := range ms {
		out[i] = toMatterJSON(m, time.Now())
	}
	writeJSON(w, http.StatusOK, map[string]any{"matters": out})
	return nil
}
