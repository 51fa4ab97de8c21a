package web_test

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
	"liandong/internal/matter"
)

// transferCreate is a complete transfer (every checklist item attached).
func transferCreate() json.RawMessage {
	d := strings.Repeat("a1", 32)
	m := map[string]any{"crime": "refuse_judgment", "suspect_kind": "person", "suspect_name": "张某",
		"facts": "有能力履行而转移财产，经拘留后仍拒不履行。"}
	for _, c := range matter.TransferChecklist("refuse_judgment") {
		m[c.Field] = d
	}
	b, _ := json.Marshal(m)
	return b
}

type transfersJSON struct {
	Total  int `json:"total"`
	Groups []struct {
		State     string `json:"state"`
		Count     int    `json:"count"`
		Transfers []struct {
			CaseNumber string `json:"case_number"`
			AgeDays    *int   `json:"age_days"`
			Nearest    *struct {
				Clock  string `json:"clock"`
				Source string `json:"source"`
			} `json:"nearest_deadline"`
		} `json:"transfers"`
	} `json:"groups"`
}

// TestTransfersDashboardScope_S_CRIME_1: the intermediate court's leader
// sees its transfers grouped by state, with the age since receipt and the
// nearest deadline and its source; the police unit addressed sees them
// too; a leader of another court and another bureau see none, on the page
// and in the API. The matter page lists every clock with its source.
func TestTransfersDashboardScope_S_CRIME_1(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		ctx := context.Background()
		h.addUser("filer", "fy411600-zxj", directory.CourtOfficer)
		h.addUser("lead", "fy411600-zxj", directory.CourtLeader)
		h.addUser("otherlead", "fy411621-zxj", directory.CourtLeader)
		h.addUser("xz", "ga411600-xz", directory.PoliceHandler)
		h.addUser("othercop", "ga411602", directory.PoliceHandler)
		filer := h.session("filer").Principal
		var ids []int64
		for i, c := range []string{"（2025）豫16执901号", "（2025）豫16执902号"} {
			m, err := h.matters.Create(ctx, filer, matter.NewMatter{Kind: "transfer", CaseNumber: c, AddressedUnit: "ga411600-xz",
				Payload: transferCreate()})
			if err != nil {
				t.Fatalf("create %s: %v", c, err)
			}
			ids = append(ids, m.ID)
			if i == 1 {
				if _, _, err := h.matters.Act(ctx, h.session("xz").Principal, m.ID, matter.ActionReceive, 0,
					json.RawMessage(`{"receipt_no":"周公(刑)受字〔2025〕0001号","received_at":"2025-03-03 10:00"}`), nil); err != nil {
					t.Fatal(err)
				}
			}
		}

		get := func(who string) transfersJSON {
			res := h.call("GET", "/api/v1/transfers", h.session(who).Token, "", nil)
			if res.StatusCode != 200 {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				t.Fatalf("%s: %d %s", who, res.StatusCode, b)
			}
			var out transfersJSON
			decodeInto(t, res, &out)
			return out
		}
		for _, c := range []struct {
			who  string
			want int
		}{{"lead", 2}, {"filer", 2}, {"xz", 2}, {"otherlead", 0}, {"othercop", 0}} {
			if got := get(c.who); got.Total != c.want {
				t.Errorf("%s sees %d transfers, want %d: %+v", c.who, got.Total, c.want, got)
			}
		}
		got := get("lead")
		if len(got.Groups) != 2 || got.Groups[0].State != "transferred" || got.Groups[1].State != "received" {
			t.Fatalf("groups %+v", got.Groups)
		}
		rec := got.Groups[1].Transfers[0]
		if rec.AgeDays == nil || *rec.AgeDays != 0 || rec.Nearest == nil || rec.Nearest.Clock != string(matter.ClockCriminalDecide2025) ||
			!strings.Contains(rec.Nearest.Source, "法发〔2025〕8号") {
			t.Errorf("received transfer: %+v %+v", rec, rec.Nearest)
		}
		if sent := got.Groups[0].Transfers[0]; sent.AgeDays != nil || sent.Nearest != nil {
			t.Errorf("a transfer not yet received has an age or a deadline: %+v", sent)
		}

		page := func(who, path string) string {
			res := h.call("GET", path, h.session(who).Token, "", nil)
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 {
				t.Fatalf("%s %s: %d", who, path, res.StatusCode)
			}
			return string(b)
		}
		if p := page("lead", "/transfers"); !strings.Contains(p, "移送案件看板") || !strings.Contains(p, "（2025）豫16执902号") || !strings.Contains(p, "法发〔2025〕8号") {
			t.Error("the leader's dashboard lacks the transfers or the deadline's source")
		}
		if p := page("otherlead", "/transfers"); strings.Contains(p, "豫16执90") || !strings.Contains(p, "暂无移送案件") {
			t.Error("a leader of another court sees the transfers on the page")
		}
		mp := page("lead", "/matters/"+strconv.FormatInt(ids[1], 10))
		for _, want := range []string{"不予立案书面答复（本地意见）", "联动机制：收到移送材料之日起 15 日内书面答复", "立案审查决定（2025 年规定）", "无书面答复可提起自诉"} {
			if !strings.Contains(mp, want) {
				t.Errorf("the matter page lacks %q", want)
			}
		}
	})
}
