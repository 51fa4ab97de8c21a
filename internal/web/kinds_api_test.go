package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"liandong/internal/connector"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
	"liandong/internal/matter"
)

// Each S-ASSIST kind, the criminal transfer and arrest custody end to end through the HTTP API, with a court officer
// and the police handler of the addressed unit (a different unit), on both
// engines; an outsider bureau can neither see nor act.
func TestAssistKindsThroughTheAPI(t *testing.T) {
	t.Parallel()
	dA := strings.Repeat("a1", 32)
	dB := strings.Repeat("b2", 32)
	dC := strings.Repeat("c3", 32)
	type act struct{ who, action, payload string }
	kinds := []struct {
		kind, addressed, handlerUnit, create, final string
		steps                                       []act
	}{
		{"summons", "ga411602", "ga411602",
			`{"warrant_digest":"` + dA + `","approved_by":"president","approved_at":"2025-03-02 17:00","reason":"经两次传票传唤无正当理由拒不到场"}`, "ended",
			[]act{
				{"police", "assist", `{"place":"川汇区七一路 18 号院","brought_at":"2025-03-03 10:00"}`},
				{"court", "start_questioning", `{"place":"执行局询问室"}`},
				{"court", "end_questioning", `{"outcome":"released","note":"已申报财产"}`},
			}},
		{"detention", "ga411600-jls", "ga411600-jls",
			`{"decision_digest":"` + dA + `","approved_by":"president","approved_at":"2025-03-03 12:00","term_days":15,"reason":"拒不报告财产"}`, "released",
			[]act{
				{"court", "deliver", `{"officers":"李法警、赵法警","delivered_at":"2025-03-03 14:00"}`},
				{"police", "intake", `{"intake_at":"2025-03-03 15:00","facility":"周口市拘留所","intake_id":"JL2025-0012"}`},
				{"court", "notify_family", `{"notice_digest":"` + dB + `","notified":"妻子 王某","notified_at":"2025-03-03 18:00","method":"电话并送达拘留通知书"}`},
				{"court", "early_release", `{"decision_digest":"` + dC + `","reason":"已履行全部义务"}`},
				{"police", "release", `{"released_at":"2025-03-10 09:00","certificate_no":"JC2025-0012"}`},
			}},
		{"exitban", "ga411600-crj", "ga411600-crj",
			`{"decision_digest":"` + dA + `","person":{"name":"张某","id_number":"` + validID("41160219900101123") + `","role":"legal_representative"},"unit":"周口某某商贸有限公司","travel_documents":[{"kind":"passport","number":"E12345678"}]}`, "lifted",
			[]act{
				{"police", "lodge", `{"control_id":"BK4100-2025-0001","lodged_at":"2025-03-03 16:00"}`},
				{"court", "lift", `{"decision_digest":"` + dC + `","reason":"performed"}`},
				{"police", "confirm_lift", `{"lifted_at":"2025-03-04 10:00"}`},
			}},
		{"dispatch", "ga411600-zhzx", "ga411600-zhzx",
			`{"address":"川汇区七一路 18 号院门口","lat":33.6257,"lng":114.6495,"situation":"被执行人亲属十余人围堵执行干警","phone":"13803940000"}`, "resolved",
			[]act{
				{"police", "acknowledge", `{"note":"已接警"}`},
				{"police", "dispatch", `{"units":"川汇分局人民路派出所","officers":"王警官等 4 人"}`},
				{"police", "arrive", `{"note":"已到达现场"}`},
				{"police", "resolve", `{"outcome":"现场已控制","follow_up":"obstruction"}`},
			}},
	}
	// The criminal transfer (S-CRIME-1/2): every item of the one filing
	// checklist attached; received, not filed, answered in writing.
	transfer := map[string]any{"crime": "refuse_judgment", "suspect_kind": "person", "suspect_name": "张某", "suspect_id": validID("41160219900101123"),
		"facts": "被执行人张某有能力履行而将名下车辆低价转让给其亲属，经罚款、拘留后仍拒不履行。"}
	for _, c := range matter.TransferChecklist("refuse_judgment") {
		transfer[c.Field] = dA
	}
	tb, _ := json.Marshal(transfer)
	kinds = append(kinds,
		struct {
			kind, addressed, handlerUnit, create, final string
			steps                                       []act
		}{"transfer", "ga411602", "ga411602", string(tb), "answered",
			[]act{
				{"police", "receive", `{"receipt_no":"周公(刑)受字〔2025〕0457号","received_at":"2025-03-03 10:00","register_no":"DJ2025-0457","receipt_digest":"` + dB + `"}`},
				{"police", "decline", `{"decision_no":"周公(刑)不立字〔2025〕0031号","decided_at":"2025-03-06 10:00","ground":"trivial","reasons":"被执行人已履行大部分义务，情节显著轻微"}`},
				{"police", "answer_in_writing", `{"reply_digest":"` + dC + `","reply_no":"周公(刑)复字〔2025〕0031号","sent_at":"2025-03-07 09:00"}`},
			}},
		struct {
			kind, addressed, handlerUnit, create, final string
			steps                                       []act
		}{"arrest", "ga411602", "ga411602",
			`{"decision_digest":"` + dA + `","approved_by":"president","approved_at":"2025-03-02 17:00","criminal_case_number":"（2025）豫16刑初5号",` +
				`"proceeding":"private_prosecution","charge":"refuse_judgment","defendant_name":"张某","reason":"被告人有逃避审判的现实危险"}`, "released",
			[]act{
				{"police", "execute_arrest", `{"warrant_no":"周公(刑)捕字〔2025〕0088号","arrested_at":"2025-03-03 10:00","place":"川汇区七一路 18 号院","officers":"王警官、李警官"}`},
				{"police", "take_into_custody", `{"facility":"ga411600-kss","custody_at":"2025-03-03 12:00","custody_no":"KSS2025-0301"}`},
				{"court", "change_measure", `{"outcome":"bail","decision_digest":"` + dC + `","reason":"被告人已履行全部给付义务"}`},
				{"police", "release_custody", `{"released_at":"2025-03-05 09:00","certificate_no":"SF2025-0012"}`},
			}},
	)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
		h.addUser("outsider", "ga411681", directory.PoliceHandler)
		court, outsider := h.session("zhang").Token, h.session("outsider").Token
		for i, k := range kinds {
			h.addUser("handler-"+k.kind, k.handlerUnit, directory.PoliceHandler)
			police := h.session("handler-" + k.kind).Token
			body := fmt.Sprintf(`{"kind":%q,"case_number":"（2025）豫16执%d号","addressed_unit":%q,"payload":%s,"documents":[%q]}`, k.kind, 300+i, k.addressed, k.create, dA)
			res := h.call("POST", "/api/v1/matters", court, "application/json", strings.NewReader(body))
			if res.StatusCode != 201 {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				t.Fatalf("%s create: %d %s", k.kind, res.StatusCode, b)
			}
			var m struct {
				ID int64 `json:"id"`
			}
			decodeInto(t, res, &m)
			path := fmt.Sprintf("/api/v1/matters/%d", m.ID)
			if res := h.call("GET", path, outsider, "", nil); res.StatusCode != 404 {
				t.Errorf("%s: outsider GET %d, want 404", k.kind, res.StatusCode)
			}
			for _, a := range k.steps {
				tok := court
				if a.who == "police" {
					tok = police
				}
				res := h.call("POST", path+"/actions/"+a.action, tok, "application/json", strings.NewReader(`{"payload":`+a.payload+`}`))
				if res.StatusCode != 200 {
					b, _ := io.ReadAll(res.Body)
					res.Body.Close()
					t.Fatalf("%s %s: %d %s", k.kind, a.action, res.StatusCode, b)
				}
				res.Body.Close()
			}
			var detail struct {
				Matter struct {
					State string `json:"state"`
				} `json:"matter"`
			}
			decodeInto(t, h.call("GET", path, court, "", nil), &detail)
			if detail.Matter.State != k.final {
				t.Errorf("%s ended in %q, want %q", k.kind, detail.Matter.State, k.final)
			}
		}
	})
}

// The detention centre takes a delivered person in through its system
// (S-ASSIST-2): an ordinary adult is taken in and the term starts; a
// pregnant woman is refused on the legal ground, which the court sees.
func TestDetentionIntakeThroughTheCentreSystem(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
		h.addUser("jls", "ga411600-jls", directory.PoliceHandler)
		court, centre := h.session("zhang").Token, h.session("jls").Token
		var adult, pregnant connector.SimPerson
		for _, p := range connector.NewSimulator(1).People() {
			switch {
			case p.Pregnant && pregnant.IDNumber == "":
				pregnant = p
			case p.Note == "" && adult.IDNumber == "" && time.Since(p.BirthDate) > 20*365*24*time.Hour && time.Since(p.BirthDate) < 60*365*24*time.Hour:
				adult = p
			}
		}
		for i, tc := range []struct {
			person connector.SimPerson
			state  string
		}{{adult, "detained"}, {pregnant, "refused"}} {
			body := fmt.Sprintf(`{"kind":"detention","case_number":"（2025）豫16执%d号","addressed_unit":"ga411600-jls","debtor":{"name":%q,"id_number":%q},`+
				`"payload":{"decision_digest":%q,"approved_by":"president","approved_at":"2025-03-03 12:00","term_days":10,"reason":"拒不报告财产"}}`,
				400+i, tc.person.Name, tc.person.IDNumber, strings.Repeat("a1", 32))
			var m struct {
				ID int64 `json:"id"`
			}
			decodeInto(t, h.call("POST", "/api/v1/matters", court, "application/json", strings.NewReader(body)), &m)
			path := fmt.Sprintf("/api/v1/matters/%d", m.ID)
			res := h.call("POST", path+"/actions/deliver", court, "application/json", strings.NewReader(`{"payload":{"officers":"李法警","delivered_at":"2025-03-03 14:00"}}`))
			res.Body.Close()
			var out struct {
				Accepted bool `json:"accepted"`
			}
			decodeInto(t, h.call("POST", path+"/intake-via-system", centre, "application/json", strings.NewReader(`{}`)), &out)
			var detail struct {
				Matter struct {
					State string `json:"state"`
				} `json:"matter"`
			}
			decodeInto(t, h.call("GET", path, court, "", nil), &detail)
			if detail.Matter.State != tc.state || out.Accepted != (tc.state == "detained") {
				t.Errorf("%s (%s): state %q accepted=%v, want %q", tc.person.Name, tc.person.Note, detail.Matter.State, out.Accepted, tc.state)
			}
		}
		// The court cannot take a person in for the centre.
		res := h.call("POST", "/api/v1/matters/1/intake-via-system", court, "application/json", strings.NewReader(`{}`))
		if res.StatusCode != 403 {
			t.Errorf("court using the centre's intake: %d, want 403", res.StatusCode)
		}
		res.Body.Close()
	})
}

// The exit–entry administration lodges and lifts the border control
// through its system (S-ASSIST-1), and the matter records the control id.
func TestExitbanBorderControlThroughTheSystem(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLite(t))
	h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
	h.addUser("crj", "ga411600-crj", directory.PoliceHandler)
	court, crj := h.session("zhang").Token, h.session("crj").Token
	body := `{"kind":"exitban","case_number":"（2025）豫16执500号","addressed_unit":"ga411600-crj","payload":{"decision_digest":"` + strings.Repeat("a1", 32) +
		`","person":{"name":"张某","id_number":"` + validID("41160219900101123") + `","role":"debtor"},"travel_documents":[{"kind":"passport","number":"E12345678"}]}}`
	var m struct {
		ID int64 `json:"id"`
	}
	decodeInto(t, h.call("POST", "/api/v1/matters", court, "application/json", strings.NewReader(body)), &m)
	path := fmt.Sprintf("/api/v1/matters/%d", m.ID)
	state := func() string {
		var d struct {
			Matter struct {
				State string `json:"state"`
			} `json:"matter"`
		}
		decodeInto(t, h.call("GET", path, court, "", nil), &d)
		return d.Matter.State
	}
	var out struct {
		Action string `json:"action"`
	}
	decodeInto(t, h.call("POST", path+"/border-control", crj, "application/json", strings.NewReader(`{}`)), &out)
	if out.Action != "lodge" || state() != "in_force" {
		t.Fatalf("lodge through the system: %+v, state %s", out, state())
	}
	res := h.call("POST", path+"/actions/lift", court, "application/json", strings.NewReader(`{"payload":{"decision_digest":"`+strings.Repeat("c3", 32)+`","reason":"performed"}}`))
	res.Body.Close()
	decodeInto(t, h.call("POST", path+"/border-control", crj, "application/json", strings.NewReader(`{}`)), &out)
	if out.Action != "confirm_lift" || state() != "lifted" {
		t.Errorf("lift through the system: %+v, state %s", out, state())
	}
	// The timeline shows the person's ID number masked.
	res = h.call("GET", path, court, "", nil)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Contains(string(b), validID("41160219900101123")) {
		t.Error("the API timeline shows the full ID number")
	}
}
