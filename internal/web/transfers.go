package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"liandong/internal/access"
	"liandong/internal/matter"
	"liandong/internal/workday"
)

// The criminal transfer dashboard (移送案件看板, S-CRIME-1/2) for court
// leaders: the court's transfers grouped by state, each with its age in
// days since the police received the materials and the nearest running
// deadline with its legal source. Who sees which transfer is the matter
// policy's (access.Policy.MatterScope through matter.Engine.List): a court
// sees the transfers its own court — for leaders, its court and the courts
// below it — filed; a bureau sees those addressed to it (its leaders: to
// it and the units below). Nothing else is shown here.

// maxDashboard bounds the transfers one dashboard reads (5 pages of 200).
const maxDashboard = 1000

// clockView is one clock of a matter with its source (the clock table's
// Source), as the matter page and the dashboard show it.
type clockView struct {
	Clock    matter.ClockID `json:"clock"`
	Label    string         `json:"label"`
	Source   string         `json:"source"`
	Started  time.Time      `json:"started_at"`
	Due      time.Time      `json:"due_at"`
	Running  bool           `json:"running"`
	Overdue  bool           `json:"overdue"`
	TimeLeft string         `json:"time_left,omitempty"`
}

func newClockView(dl matter.Deadline, now time.Time) clockView {
	v := clockView{Clock: dl.Clock, Label: dl.Label(), Started: dl.StartedAt, Due: dl.Due, Running: dl.Running()}
	for _, r := range matter.Clocks() {
		if r.ID == dl.Clock {
			v.Source = r.Basis()
		}
	}
	if v.Running {
		v.Overdue = now.After(dl.Due)
		v.TimeLeft = workday.TimeLeftWords(dl.Due, now)
	}
	return v
}

// clockViews derives every clock a matter started, in start order, from
// its events: running ones first, soonest first, then the stopped ones. The
// matter's due time is the first running one (the stricter of two rules,
// DOMAIN.md: "support both clocks and show the stricter").
func clockViews(k *matter.Kind, events []matter.Event, now time.Time) []clockView {
	if k == nil || len(events) == 0 {
		return nil
	}
	d, err := matter.Derive(k, events)
	if err != nil {
		return nil
	}
	var running, stopped []clockView
	for _, dl := range d.Deadlines {
		if dl.Running() {
			running = append(running, newClockView(dl, now))
		} else {
			stopped = append(stopped, newClockView(dl, now))
		}
	}
	for i := 1; i < len(running); i++ { // few clocks: insertion sort by due time
		for j := i; j > 0 && running[j].Due.Before(running[j-1].Due); j-- {
			running[j], running[j-1] = running[j-1], running[j]
		}
	}
	return append(running, stopped...)
}

type transferRow struct {
	matterRow
	ReceivedAt *time.Time  // when the police received the materials
	AgeDays    int         // calendar days since receipt (China), -1 before receipt
	Nearest    *clockView  // the nearest running deadline
	Age        string      // "第 N 日" or "未接收"
	JSON       *transferJS // the API form
}

type transferJS struct {
	matterJSON
	ReceivedAt *time.Time `json:"received_at,omitempty"`
	AgeDays    *int       `json:"age_days,omitempty"`
	Nearest    *clockView `json:"nearest_deadline,omitempty"`
}

type transferGroup struct {
	State     matter.State `json:"state"`
	Label     string       `json:"state_label"`
	Terminal  bool         `json:"terminal"`
	Transfers []transferRow
}

type transfersData struct {
	Groups    []transferGroup
	Total     int
	Truncated bool
}

// daysSince counts the calendar days from the day of t to the day of now
// in China: received today is day 0.
func daysSince(t, now time.Time) int {
	y1, m1, d1 := t.In(shanghai).Date()
	y2, m2, d2 := now.In(shanghai).Date()
	a := time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)
	b := time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// transfers reads the transfers pr may see, grouped by state in the kind's
// state order (empty groups left out).
func (s *Server) transfers(ctx context.Context, pr access.Principal, names map[string]string, now time.Time) (transfersData, error) {
	k, _ := matter.KindByName("transfer")
	var all []matter.Matter
	f := matter.Filter{Kind: k.Name, Limit: 200}
	var d transfersData
	for {
		p, err := s.matters.List(ctx, pr, f)
		if err != nil {
			return d, err
		}
		all = append(all, p.Matters...)
		if p.Next == "" {
			break
		}
		if len(all) >= maxDashboard {
			d.Truncated = true
			break
		}
		f.Cursor = p.Next
	}
	rows := matterRows(names, pr, all)
	byState := map[matter.State][]transferRow{}
	for i, m := range all {
		// Derived reads the events without an audited read: the list above
		// already applied the policy, and nothing personal is shown here.
		der, events, err := s.matters.Derived(ctx, m.ID)
		if err != nil {
			return d, err
		}
		row := transferRow{matterRow: rows[i], AgeDays: -1, Age: "未接收"}
		for _, e := range events {
			if e.Type == matter.ActionReceive {
				// The time the police say they received the materials; the
				// time of the act when it cannot be read. (Clocks run from
				// the act: a typed time cannot move a deadline.)
				at := e.At
				var p struct {
					ReceivedAt string `json:"received_at"`
				}
				if json.Unmarshal(e.Payload, &p) == nil {
					if t, err := time.Parse(time.RFC3339, p.ReceivedAt); err == nil && !t.After(e.At) {
						at = t
					}
				}
				row.ReceivedAt = &at
				row.AgeDays = daysSince(at, now)
				row.Age = "第 " + strconv.Itoa(row.AgeDays) + " 日"
				break
			}
		}
		var nearest *matter.Deadline
		for j, dl := range der.Deadlines {
			if dl.Running() && (nearest == nil || dl.Due.Before(nearest.Due)) {
				nearest = &der.Deadlines[j]
			}
		}
		if nearest != nil {
			v := newClockView(*nearest, now)
			row.Nearest = &v
		}
		js := transferJS{matterJSON: toMatterJSON(m, now), ReceivedAt: row.ReceivedAt, Nearest: row.Nearest}
		if row.AgeDays >= 0 {
			age := row.AgeDays
			js.AgeDays = &age
		}
		row.JSON = &js
		byState[m.State] = append(byState[m.State], row)
	}
	for _, st := range k.States {
		if rs := byState[st.Name]; len(rs) > 0 {
			d.Groups = append(d.Groups, transferGroup{State: st.Name, Label: st.Label, Terminal: st.Terminal, Transfers: rs})
			d.Total += len(rs)
		}
	}
	return d, nil
}

func (s *Server) transfersPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	names, err := s.unitNames(r)
	if err != nil {
		return err
	}
	d, err := s.transfers(r.Context(), *rq.User, names, time.Now())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "transfers.html", s.pageFor(r, rq, "移送案件看板", d))
	return nil
}

func (s *Server) apiTransfers(w http.ResponseWriter, r *http.Request, rq *request) error {
	names, err := s.unitNames(r)
	if err != nil {
		return err
	}
	d, err := s.transfers(r.Context(), *rq.User, names, time.Now())
	if err != nil {
		return err
	}
	type groupJS struct {
		State     matter.State `json:"state"`
		Label     string       `json:"state_label"`
		Terminal  bool         `json:"terminal"`
		Count     int          `json:"count"`
		Transfers []transferJS `json:"transfers"`
	}
	groups := []groupJS{}
	for _, g := range d.Groups {
		gj := groupJS{State: g.State, Label: g.Label, Terminal: g.Terminal, Count: len(g.Transfers)}
		for _, t := range g.Transfers {
			gj.Transfers = append(gj.Transfers, *t.JSON)
		}
		groups = append(groups, gj)
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": d.Total, "truncated": d.Truncated, "groups": groups})
	return nil
}
