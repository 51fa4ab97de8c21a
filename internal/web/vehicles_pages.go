package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/matter"
)

// The vehicle pages: a vehicle's file with its seals in order (车辆查封
// 档案, S-VEH-2), for the vehicle administration and the sealing courts;
// and the interception report (拦截车辆报告, S-VEH-4/5), a one-column form
// a traffic officer fills in on a phone at the checkpoint.

type vehiclePageData struct {
	Query string
	File  *vehicleFileJSON
	Error *apperr.Error
}

func (s *Server) vehiclesPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := vehiclePageData{Query: strings.TrimSpace(r.URL.Query().Get("vehicle"))}
	status := http.StatusOK
	if d.Query != "" {
		f, err := s.vehicleFile(r, rq, d.Query)
		if err != nil {
			e, ok := formError(err)
			if !ok || e.Kind == apperr.Forbidden { // a denial gets the status page with its code
				return err
			}
			d.Error, status = e, statusOf(err)
		} else {
			d.File = &f
		}
	}
	s.render(w, r, status, "vehicles.html", s.pageFor(r, rq, "车辆查封档案", d))
	return nil
}

type interceptPageData struct {
	Values  map[string]string
	Error   *apperr.Error
	Matters []matter.Matter
}

var interceptFormFields = []string{"vehicle", "place", "intercepted_at", "unit", "plate_read", "contact", "note"}

func (s *Server) interceptPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := interceptPageData{Values: map[string]string{
		"vehicle":        strings.TrimSpace(r.URL.Query().Get("vehicle")),
		"intercepted_at": time.Now().In(shanghai).Format("2006-01-02T15:04"),
	}}
	s.render(w, r, http.StatusOK, "vehicle_intercept.html", s.pageFor(r, rq, "报告拦截车辆", d))
	return nil
}

// interceptSubmit reports the interception; on success the page lists the
// controls it reached, each linking to its matter.
func (s *Server) interceptSubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := interceptPageData{Values: map[string]string{}}
	for _, f := range interceptFormFields {
		d.Values[f] = strings.TrimSpace(r.FormValue(f))
	}
	p := map[string]string{}
	for _, f := range interceptFormFields[1:] {
		if v := d.Values[f]; v != "" {
			p[f] = v
		}
	}
	if at := d.Values["intercepted_at"]; at != "" { // <input type=datetime-local>: 2006-01-02T15:04, China time
		if t, err := time.ParseInLocation("2006-01-02T15:04", at, shanghai); err == nil {
			p["intercepted_at"] = t.Format(time.RFC3339)
		}
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("interception form: %w", err)
	}
	status := http.StatusOK
	d.Matters, err = s.matters.ReportInterception(r.Context(), *rq.User, d.Values["vehicle"], payload)
	if err != nil {
		e, ok := formError(err)
		if !ok || e.Kind == apperr.Forbidden {
			return err
		}
		d.Error, status = e, statusOf(err)
	}
	s.render(w, r, status, "vehicle_intercept.html", s.pageFor(r, rq, "报告拦截车辆", d))
	return nil
}
