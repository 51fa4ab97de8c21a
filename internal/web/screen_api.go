package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"liandong/internal/apperr"
	"liandong/internal/screen"
	"liandong/internal/screening"
)

// The screening API for police business systems (S-CREDIT-1): a batch of
// applicants in, per applicant the band, the entry, the score, the tier,
// the reasons and what the business's rule says to do, out. The service
// records hits as clues for the listing court and audits every request;
// this file only speaks HTTP and JSON.

const (
	screenPath     = "/api/v1/screen"
	screenMaxBytes = 8 << 20 // 10,000 queries of up to 300 bytes each, with room
)

func errScreeningOff() error {
	return &apperr.Error{Kind: apperr.Unavailable, Code: screening.CodeUnavailable, Message: "本节点未启用失信名单比对服务"}
}

type screenQueryJSON struct {
	Ref       string `json:"ref"`
	Name      string `json:"name"`
	IDNumber  string `json:"id_number"`
	BirthDate string `json:"birth_date"`
	Sex       string `json:"sex"`
	Region    string `json:"region"`
}

type screenRequestJSON struct {
	Business string            `json:"business"`
	Place    string            `json:"place"`
	Queries  []screenQueryJSON `json:"queries"`
}

// apiScreen answers POST /api/v1/screen.
func (s *Server) apiScreen(w http.ResponseWriter, r *http.Request, rq *request) error {
	if s.screening == nil {
		return errScreeningOff()
	}
	var body screenRequestJSON
	if err := decodeScreenRequest(r, &body); err != nil {
		return err
	}
	req := screening.Request{Business: body.Business, Place: body.Place, Queries: make([]screen.Query, len(body.Queries))}
	for i, q := range body.Queries {
		req.Queries[i] = screen.Query{Ref: q.Ref, Name: q.Name, IDNumber: q.IDNumber, BirthDate: q.BirthDate, Sex: q.Sex, Region: q.Region}
	}
	res, err := s.screening.Screen(r.Context(), *rq.User, clientIP(r), req)
	if err != nil {
		return err
	}
	buf := screenBufs.Get().(*[]byte)
	b := appendScreenResponse((*buf)[:0], res)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	if cap(b) <= 4<<20 {
		*buf = b
		screenBufs.Put(buf)
	}
	return nil
}

var screenBufs = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// appendScreenResponse writes the answer by hand: encoding/json's
// reflection was a large share of a batch's cost (docs/PERFORMANCE.md).
//
//	{"version":12,"business":"exit_entry_permit","business_label":"出入境证件签发","hits":1,"reviews":0,
//	 "results":[{"ref":"a1","band":"hit","entry_id":7,"score":1,"tier":"exact","reasons":["…"],"action":"block","action_label":"不予办理"}]}
func appendScreenResponse(b []byte, res screening.Response) []byte {
	b = append(b, `{"version":`...)
	b = strconv.AppendUint(b, res.Version, 10)
	b = append(b, `,"business":`...)
	b = appendJSONString(b, res.Business.Business)
	b = append(b, `,"business_label":`...)
	b = appendJSONString(b, res.Business.Label)
	b = append(b, `,"hits":`...)
	b = strconv.AppendInt(b, int64(res.Hits), 10)
	b = append(b, `,"reviews":`...)
	b = strconv.AppendInt(b, int64(res.Reviews), 10)
	b = append(b, `,"results":[`...)
	for i := range res.Results {
		r := &res.Results[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"ref":`...)
		b = appendJSONString(b, r.Ref)
		b = append(b, `,"band":"`...)
		b = append(b, r.Band...)
		b = append(b, `","entry_id":`...)
		b = strconv.AppendInt(b, r.EntryID, 10)
		b = append(b, `,"score":`...)
		b = strconv.AppendFloat(b, float64(int64(r.Score*10000+0.5))/10000, 'f', -1, 64)
		b = append(b, `,"tier":"`...)
		b = append(b, r.Tier...)
		b = append(b, `","reasons":[`...)
		for k, reason := range r.Reasons {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, reason)
		}
		a := res.Actions[i]
		b = append(b, `],"action":"`...)
		b = append(b, a...)
		b = append(b, `","action_label":"`...)
		b = append(b, a.Label()...)
		b = append(b, `"}`...)
	}
	return append(b, "]}\n"...)
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes
// U+FFFD, as encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, `\u202`...)
				b = append(b, hex[r&0xf])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// ruleJSON is a rule with the Chinese labels of its actions.
type ruleJSON struct {
	screening.Rule
	OnHitLabel    string `json:"on_hit_label"`
	OnReviewLabel string `json:"on_review_label"`
}

func rulesJSON(rs []screening.Rule) map[string]any {
	out := make([]ruleJSON, len(rs))
	for i, r := range rs {
		out[i] = ruleJSON{r, r.OnHit.Label(), r.OnReview.Label()}
	}
	labels := map[string]string{}
	for _, a := range append(screening.Actions(), screening.None) {
		labels[string(a)] = a.Label()
	}
	return map[string]any{"rules": out, "action_labels": labels}
}

// apiScreenRules answers GET /api/v1/screen/rules.
func (s *Server) apiScreenRules(w http.ResponseWriter, r *http.Request, rq *request) error {
	if s.screening == nil {
		return errScreeningOff()
	}
	rs, err := s.screening.Rules(r.Context(), *rq.User)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rulesJSON(rs))
	return nil
}

// apiScreenRulesPut answers PUT /api/v1/screen/rules:
// {"rules":[{"business":"hotel_registration","on_hit":"flag","on_review":"report"}]}.
func (s *Server) apiScreenRulesPut(w http.ResponseWriter, r *http.Request, rq *request) error {
	if s.screening == nil {
		return errScreeningOff()
	}
	var body struct {
		Rules []screening.RuleChange `json:"rules"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	rs, err := s.screening.SetRules(r.Context(), *rq.User, clientIP(r), body.Rules)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rulesJSON(rs))
	return nil
}

// hitJSON adds the Chinese labels a page or a client shows.
type hitJSON struct {
	screening.Hit
	ReviewLabel   string `json:"review_label"`
	BusinessLabel string `json:"business_label"`
	ActionLabel   string `json:"action_label"`
}

func (s *Server) hitsJSON(hs []screening.Hit) []hitJSON {
	out := make([]hitJSON, len(hs))
	for i, h := range hs {
		out[i] = hitJSON{h, screening.ReviewLabel(h.Review), s.screening.BusinessLabel(h.Business), screening.Action(h.Action).Label()}
		out[i].At = h.At.In(shanghai)
	}
	return out
}

// apiScreenHits answers GET /api/v1/screen/hits?review=open: the hit
// review queue of the user's court.
func (s *Server) apiScreenHits(w http.ResponseWriter, r *http.Request, rq *request) error {
	if s.screening == nil {
		return errScreeningOff()
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	hs, err := s.screening.Hits(r.Context(), *rq.User, clientIP(r), screening.HitFilter{Review: r.URL.Query().Get("review"), Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"hits": s.hitsJSON(hs)})
	return nil
}

// apiScreenHitReview answers POST /api/v1/screen/hits/{id}/review:
// {"verdict":"confirmed"|"false_positive","note":"…"}.
func (s *Server) apiScreenHitReview(w http.ResponseWriter, r *http.Request, rq *request) error {
	if s.screening == nil {
		return errScreeningOff()
	}
	id, err := hitID(r)
	if err != nil {
		return err
	}
	var body struct {
		Verdict string `json:"verdict"`
		Note    string `json:"note"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	h, err := s.screening.Review(r.Context(), *rq.User, clientIP(r), id, body.Verdict, strings.TrimSpace(body.Note))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.hitsJSON([]screening.Hit{h})[0])
	return nil
}

func hitID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalidf("id", "screen.hit_id", "比中线索编号应为正整数")
	}
	return id, nil
}
