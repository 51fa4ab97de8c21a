package web

import (
	"net/http"
	"strconv"
	"strings"

	"liandong/internal/screening"
)

// The hit review queue for court users (S-CREDIT-1 自动监督): every hit
// and review a police business produced on the court's entries, newest
// first, with which unit, business, place and time; an officer of the
// listing court marks each one confirmed (确认) or a false positive (误报).

// decodeScreenRequest reads a screening request body.
func decodeScreenRequest(r *http.Request, v *screenRequestJSON) error { return decodeJSON(r, v) }

type hitsPage struct {
	Review  string
	Hits    []hitJSON
	Reviews []struct{ Code, Label string }
}

// creditHitsPage answers GET /credit/hits?review=open.
func (s *Server) creditHitsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	if s.screening == nil {
		return errScreeningOff()
	}
	review := r.URL.Query().Get("review")
	if review == "" && !r.URL.Query().Has("review") {
		review = screening.ReviewOpen
	}
	hs, err := s.screening.Hits(r.Context(), *rq.User, clientIP(r), screening.HitFilter{Review: review})
	if err != nil {
		return err
	}
	d := hitsPage{Review: review, Hits: s.hitsJSON(hs)}
	for _, c := range []string{screening.ReviewOpen, screening.ReviewConfirmed, screening.ReviewFalsePositive} {
		d.Reviews = append(d.Reviews, struct{ Code, Label string }{c, screening.ReviewLabel(c)})
	}
	s.render(w, r, http.StatusOK, "credit_hits.html", s.pageFor(r, rq, "失信名单比中线索", d))
	return nil
}

// creditHitReviewSubmit answers POST /credit/hits/{id}/review (form:
// verdict, note).
func (s *Server) creditHitReviewSubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	if s.screening == nil {
		return errScreeningOff()
	}
	id, err := hitID(r)
	if err != nil {
		return err
	}
	if _, err := s.screening.Review(r.Context(), *rq.User, clientIP(r), id, r.PostFormValue("verdict"), strings.TrimSpace(r.PostFormValue("note"))); err != nil {
		return err
	}
	http.Redirect(w, r, "/credit/hits?review="+screening.ReviewOpen+"#hit-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
