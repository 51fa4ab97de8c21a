package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
	"liandong/internal/matter"
)

// TestVehicleSealInterceptionHandoverAPI (S-VEH-1..5) runs the vehicle
// flow through the HTTP API with users of four units: the court files a
// seal, the vehicle administration accepts it and the registry check
// refuses a transfer naming the court; the court asks for control, the
// traffic police put it in force, a checkpoint reports the interception
// by plate; the court delegates the takeover to the court of the place,
// whose officer takes the vehicle over with the handover form. A user of
// another court sees none of it.
func TestVehicleSealInterceptionHandoverAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
		h.addUser("huang", "ga411600-jj-cgs", directory.PoliceHandler)
		h.addUser("liu", "fy411681-zxj", directory.CourtOfficer)
		h.addUser("chen", "fy411602-zxj", directory.CourtOfficer)
		court, police, proxy, other := h.session("zhang").Token, h.session("huang").Token, h.session("liu").Token, h.session("chen").Token
		plate := h.vehicles.At(3).Plate

		post := func(token, path, body string, want int) map[string]any {
			t.Helper()
			res := h.call("POST", path, token, "application/json", strings.NewReader(body))
			var out map[string]any
			decodeInto(t, res, &out)
			if res.StatusCode != want {
				t.Fatalf("POST %s: %d %v, want %d", path, res.StatusCode, out, want)
			}
			return out
		}
		get := func(token, path string) (int, map[string]any) {
			t.Helper()
			res := h.call("GET", path, token, "", nil)
			var out map[string]any
			decodeInto(t, res, &out)
			return res.StatusCode, out
		}
		digest := strings.Repeat("ab", 32)
		m := post(court, "/api/v1/matters", fmt.Sprintf(`{"kind":"vehicle_seal","case_number":"（2025）豫16执501号","addressed_unit":"ga411600-jj-cgs",
			"payload":{"vehicle":%q,"term_months":24,"notice_digest":%q,"certificate_digest":%q},"documents":[%q]}`, plate, digest, digest, digest), http.StatusCreated)
		seal := int64(m["id"].(float64))
		act := func(token string, id int64, action, payload string, want int) map[string]any {
			t.Helper()
			out := post(token, fmt.Sprintf("/api/v1/matters/%d/actions/%s", id, action), `{"payload":`+payload+`}`, want)
			if want != http.StatusOK {
				return out
			}
			return out["matter"].(map[string]any)
		}
		if got := act(police, seal, matter.ActionAcceptSeal, `{"note":"形式审查通过"}`, http.StatusOK); got["state"] != string(matter.VehicleSealInForce) {
			t.Fatalf("accepted seal in state %v", got["state"])
		}
		code, v := get(police, "/api/v1/vehicles/check?vehicle="+plate+"&operation=transfer")
		if code != http.StatusOK || v["allowed"] != false || !strings.Contains(fmt.Sprint(v), "周口市中级人民法院") {
			t.Fatalf("registry check after the seal: %d %v", code, v)
		}

		act(court, seal, matter.ActionRequestControl, `{"reason":"被执行人拒不交出车辆"}`, http.StatusOK)
		var control int64
		if err := d.Read().QueryRow(`SELECT id FROM matters WHERE parent_id = $1`, seal).Scan(&control); err != nil {
			t.Fatal(err)
		}
		act(police, control, matter.ActionPutUnderControl, `{"note":"已录入缉查布控系统"}`, http.StatusOK)
		out := post(police, "/api/v1/vehicles/interceptions", fmt.Sprintf(`{"vehicle":%q,"payload":{"place":"项城市莲花大道卡口",
			"intercepted_at":"2025-03-03 10:00","unit":"项城市交警大队","plate_read":%q}}`, plate, plate), http.StatusOK)
		ms := out["matters"].([]any)
		if len(ms) != 1 || ms[0].(map[string]any)["state"] != string(matter.ControlIntercepted) {
			t.Fatalf("interception: %v", out)
		}
		e := post(police, "/api/v1/vehicles/interceptions", `{"vehicle":"豫P不存在","payload":{}}`, http.StatusBadRequest)
		if !strings.Contains(fmt.Sprint(e), "格式不正确") {
			t.Errorf("bad plate: %v", e)
		}

		act(court, control, matter.ActionDelegate, `{"court":"fy411681","note":"委托项城市人民法院代为接收"}`, http.StatusOK)
		handover := fmt.Sprintf(`{"received_at":"2025-03-03 14:00","place":"项城市交警大队停车场","handed_over_by":"王警官","plate":%q,
			"licence":true,"keys":2,"odometer_km":85210,"condition":"左前门轻微划痕"}`, plate)
		act(other, control, matter.ActionReceiveVehicle, handover, http.StatusNotFound)
		got := act(proxy, control, matter.ActionReceiveVehicle, handover, http.StatusOK)
		if got["state"] != string(matter.ControlTaken) {
			t.Fatalf("after the proxy court's takeover: %v", got["state"])
		}
		for _, id := range []int64{seal, control} {
			if code, _ := get(other, fmt.Sprintf("/api/v1/matters/%d", id)); code != http.StatusNotFound {
				t.Errorf("another court read matter %d: %d", id, code)
			}
		}
		// The timeline shows the system's act that put the seal in force.
		_, tl := get(court, fmt.Sprintf("/api/v1/matters/%d", seal))
		b, _ := json.Marshal(tl)
		if !strings.Contains(string(b), matter.SystemUser) || !strings.Contains(string(b), matter.ActionSealTakeEffect) {
			t.Errorf("timeline lacks the automatic act: %s", b)
		}
	})
}

// TestVehiclePages: the vehicle administration opens a sealed vehicle's
// file page and sees the sealing court in order; a traffic officer reports
// the interception on the phone form; an unknown plate gets a clear error
// on the form; a court officer of an unrelated court is refused the file.
func TestVehiclePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
		h.addUser("huang", "ga411600-jj-cgs", directory.PoliceHandler)
		h.addUser("chen", "fy411602-zxj", directory.CourtOfficer)
		court, police := h.session("zhang"), h.session("huang")
		plate := h.vehicles.At(5).Plate
		digest := strings.Repeat("cd", 32)
		res := h.call("POST", "/api/v1/matters", court.Token, "application/json", strings.NewReader(fmt.Sprintf(`{"kind":"vehicle_seal","case_number":"（2025）豫16执502号",
			"addressed_unit":"ga411600-jj-cgs","payload":{"vehicle":%q,"notice_digest":%q,"certificate_digest":%q}}`, plate, digest, digest)))
		var m struct {
			ID int64 `json:"id"`
		}
		decodeInto(t, res, &m)
		for _, step := range []struct{ tok, path, body string }{
			{police.Token, fmt.Sprintf("/api/v1/matters/%d/actions/accept", m.ID), `{"payload":{}}`},
			{court.Token, fmt.Sprintf("/api/v1/matters/%d/actions/request_control", m.ID), `{"payload":{"reason":"拒不交车"}}`},
		} {
			if res := h.call("POST", step.path, step.tok, "application/json", strings.NewReader(step.body)); res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", step.path, res.StatusCode)
			}
		}
		var control int64
		if err := d.Read().QueryRow(`SELECT id FROM matters WHERE parent_id = $1`, m.ID).Scan(&control); err != nil {
			t.Fatal(err)
		}
		if res := h.call("POST", fmt.Sprintf("/api/v1/matters/%d/actions/put_under_control", control), police.Token, "application/json",
			strings.NewReader(`{"payload":{}}`)); res.StatusCode != http.StatusOK {
			t.Fatalf("put under control: %d", res.StatusCode)
		}

		body := func(res *http.Response) string {
			b := new(strings.Builder)
			_, _ = io.Copy(b, res.Body)
			res.Body.Close()
			return b.String()
		}
		page := body(h.call("GET", "/vehicles?vehicle="+url.QueryEscape(plate), police.Token, "", nil))
		if !strings.Contains(page, "周口市中级人民法院") || !strings.Contains(page, "查封中") || !strings.Contains(page, "（2025）豫16执502号") {
			t.Errorf("file page lacks the seal: %.300s", page)
		}
		if res := h.call("GET", "/vehicles?vehicle="+url.QueryEscape(plate), h.session("chen").Token, "", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("an unrelated court read the file: %d", res.StatusCode)
		}
		form := func(v url.Values) *http.Response {
			v.Set("csrf", police.CSRFToken)
			return h.call("POST", "/vehicles/intercept", police.Token, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
		}
		bad := form(url.Values{"vehicle": {"豫P不存在"}, "place": {"卡口"}, "intercepted_at": {"2025-03-03T10:00"}, "unit": {"一中队"}})
		if bad.StatusCode != http.StatusBadRequest || !strings.Contains(body(bad), "格式不正确") {
			t.Errorf("bad plate on the form: %d", bad.StatusCode)
		}
		ok := form(url.Values{"vehicle": {plate}, "place": {"七一路卡口"}, "intercepted_at": {"2025-03-03T10:00"}, "unit": {"一中队"}})
		if text := body(ok); ok.StatusCode != http.StatusOK || !strings.Contains(text, "已报告") {
			t.Errorf("interception form: %d %.300s", ok.StatusCode, text)
		}
	})
}
