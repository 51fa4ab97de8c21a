package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"liandong/internal/access"
	"liandong/internal/audit"
	"liandong/internal/connector"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
	"liandong/internal/vehicle"
	"liandong/internal/web"
)

// vehicleHarness is a harness whose server has the seal register on a
// simulated registry of n vehicles.
type vehicleHarness struct {
	*harness
	sim *connector.VehicleSimulator
	reg *vehicle.Register
}

func newVehicleHarness(t testing.TB, d *db.DB, n int) *vehicleHarness {
	t.Helper()
	h := newHarness(t, d) // the usual server; a second one below adds the register
	vsim, err := connector.NewVehicleSimulator(1, n)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg, err := vehicle.New(context.Background(), d, vsim, vehicle.Config{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	sim := connector.NewSimulator(1)
	s, err := web.New(web.Config{Side: "all", Version: "test"}, web.Deps{DB: d, Dir: h.dir, Access: h.acc, Audit: h.audit, Docs: h.docs, Matters: h.matters,
		Connectors: web.Connectors{Population: sim, ExitEntry: sim, Hotel: sim, Detention: sim}, Vehicles: reg}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	h.server, h.srv = s, srv
	return &vehicleHarness{harness: h, sim: vsim, reg: reg}
}

// seal enters a seal by court (unit, name) on the vehicle, as the matter
// kind will.
func (h *vehicleHarness) seal(key, unit, name, caseNo string) vehicle.Seal {
	h.t.Helper()
	ctx := context.Background()
	var s vehicle.Seal
	err := h.d.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		s, err = h.reg.Accept(ctx, tx, vehicle.SealRequest{Vehicle: key, CourtUnit: unit, CourtName: name, CaseNumber: caseNo,
			DocumentDigest: strings.Repeat("5a", 32)}, time.Now())
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.reg.Committed(ctx, s)
	return s
}

type verdictBody struct {
	Vehicle        string `json:"vehicle"`
	VIN            string `json:"vin"`
	Operation      string `json:"operation"`
	OperationLabel string `json:"operation_label"`
	Allowed        bool   `json:"allowed"`
	Reason         string `json:"reason"`
	Basis          string `json:"basis"`
	Seal           *struct {
		ID         int64  `json:"id"`
		CourtName  string `json:"court_name"`
		CaseNumber string `json:"case_number"`
	} `json:"seal"`
	Waiting int `json:"waiting"`
	Error   *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func checkPath(key, op string) string {
	return "/api/v1/vehicles/check?vehicle=" + url.QueryEscape(key) + "&operation=" + op
}

// S-VEH-2 through the API: the vehicle administration and a police system
// with its token learn that a sealed vehicle may not be transferred, with
// the court and case; an unblocked business is allowed; other police units
// and the courts cannot call the check; every request is audited.
func TestS_VEH_2_VehicleCheckAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newVehicleHarness(t, d, 10000)
		v := h.sim.At(42)
		h.seal(v.Plate, "fy411602", "周口市川汇区人民法院", "（2025）豫1602执77号")
		h.seal(v.VIN, "fy411681", "项城市人民法院", "（2025）豫1681执5号")
		h.addUser("cgs", "ga411600-jj-cgs", directory.PoliceHandler)
		h.addUser("ch-police", "ga411602", directory.PoliceHandler)
		h.addUser("court", "fy411602-zxj", directory.CourtOfficer)
		h.addUser("other-court", "fy411600-zxj", directory.CourtOfficer)
		h.addUser("admin", "ga411600-xxtx", directory.SysAdmin)
		hash, _ := cheapHash(testPassword)
		// The vehicle administration's business system: a system account of
		// the unit that runs it (the policy's traffic_police scope).
		if _, err := h.dir.AddUser(t.Context(), directory.NewUser{Username: "approval-system", Unit: "ga411600-jj-cgs", Roles: []directory.Role{directory.PoliceHandler},
			PasswordHash: hash, SystemAccount: true}); err != nil {
			t.Fatal(err)
		}
		res := h.call("POST", "/api/v1/users/approval-system/tokens", h.session("admin").Token, "application/json", strings.NewReader(`{"label":"审批系统","days":30}`))
		var tok struct{ Token string }
		decodeInto(t, res, &tok)
		cgs := h.session("cgs").Token

		for _, who := range []string{cgs, tok.Token} {
			var got verdictBody
			res := h.call("GET", checkPath(strings.ToLower(v.VIN), "transfer"), who, "", nil)
			decodeInto(t, res, &got)
			if res.StatusCode != 200 || got.Allowed || got.Seal == nil || got.Seal.CourtName != "周口市川汇区人民法院" ||
				got.Seal.CaseNumber != "（2025）豫1602执77号" || got.Waiting != 1 || !strings.Contains(got.Reason, "第二十九条") {
				t.Errorf("check of a sealed vehicle: %d %+v", res.StatusCode, got)
			}
		}
		var got verdictBody
		decodeInto(t, h.call("GET", checkPath(v.Plate, "inspection_mark"), cgs, "", nil), &got)
		if !got.Allowed || got.Seal == nil {
			t.Errorf("inspection mark on a sealed vehicle: %+v, want allowed with the seal shown", got)
		}
		var free verdictBody
		decodeInto(t, h.call("GET", checkPath(h.sim.At(43).Plate, "transfer"), cgs, "", nil), &free)
		if !free.Allowed || free.Seal != nil {
			t.Errorf("unsealed vehicle: %+v", free)
		}
		for _, tc := range []struct{ key, op, code string }{
			{"豫P1234", "transfer", connector.CodeInvalid},
			{v.Plate, "sell", connector.CodeInvalid},
		} {
			res := h.call("GET", checkPath(tc.key, tc.op), cgs, "", nil)
			if code := errorCode(res); res.StatusCode != 400 || code != tc.code {
				t.Errorf("%s %s: %d %s", tc.key, tc.op, res.StatusCode, code)
			}
		}
		for _, who := range []string{"ch-police", "court"} {
			res := h.call("GET", checkPath(v.Plate, "transfer"), h.session(who).Token, "", nil)
			if code := errorCode(res); res.StatusCode != 403 || code != access.CodeDenied {
				t.Errorf("%s checks a vehicle: %d %s, want denied", who, res.StatusCode, code)
			}
		}

		// Batch: in order, a bad item does not fail the others.
		items := []map[string]string{{"vehicle": v.Plate, "operation": "mortgage"}, {"vehicle": "not-a-vin", "operation": "transfer"},
			{"vehicle": h.sim.At(7).VIN, "operation": "deregistration"}}
		body, _ := json.Marshal(map[string]any{"items": items})
		res = h.call("POST", "/api/v1/vehicles/check", tok.Token, "application/json", strings.NewReader(string(body)))
		var batch struct {
			Checked, Blocked int
			Results          []verdictBody
		}
		decodeInto(t, res, &batch)
		if res.StatusCode != 200 || batch.Checked != 3 || batch.Blocked != 1 || len(batch.Results) != 3 || batch.Results[0].Allowed ||
			batch.Results[1].Error == nil || batch.Results[1].Error.Code != connector.CodeInvalid || !batch.Results[2].Allowed {
			t.Errorf("batch: %d %+v", res.StatusCode, batch)
		}
		big, _ := json.Marshal(map[string]any{"items": make([]map[string]string, 1001)})
		if res := h.call("POST", "/api/v1/vehicles/check", cgs, "application/json", strings.NewReader(string(big))); errorCode(res) != "vehicle.batch_size" {
			t.Error("a batch of 1001 was not refused")
		}

		// Every request is in the audit log, naming what was checked.
		entries, _, err := h.audit.Search(context.Background(), audit.Query{ActionPrefix: "vehicle.check", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var single, batchEntry bool
		for _, e := range entries {
			single = single || (e.Object == "vehicle:"+v.VIN && strings.Contains(e.Detail, "blocked:seal-") && e.Username == "cgs")
			batchEntry = batchEntry || (e.Username == "approval-system" && strings.Contains(e.Detail, v.Plate+":mortgage:blocked") && strings.Contains(e.Detail, "items 1-3 of 3"))
		}
		if !single || !batchEntry {
			t.Errorf("audit entries do not name the checks (single %v, batch %v): %+v", single, batchEntry, entries)
		}

		// The file: the traffic police and the sealing courts, not others.
		for who, want := range map[string]int{"cgs": 200, "court": 200, "other-court": 403, "ch-police": 403} {
			res := h.call("GET", "/api/v1/vehicles/file?vehicle="+url.QueryEscape(v.Plate), h.session(who).Token, "", nil)
			var f struct {
				Vehicle struct {
					OwnerID string `json:"owner_id_masked"`
				}
				Seals []struct {
					State string
				}
			}
			if res.StatusCode != want {
				t.Errorf("%s reads the file: %d, want %d", who, res.StatusCode, want)
				res.Body.Close()
				continue
			}
			if want != 200 {
				res.Body.Close()
				continue
			}
			decodeInto(t, res, &f)
			if len(f.Seals) != 2 || f.Seals[0].State != "in_force" || f.Seals[1].State != "waiting" || !strings.Contains(f.Vehicle.OwnerID, "****") {
				t.Errorf("%s reads the file: %+v", who, f)
			}
		}
	})
}

func TestBatchAuditSplitsLongBatches(t *testing.T) {
	t.Parallel()
	h := newVehicleHarness(t, dbtest.SQLite(t), 5000)
	h.addUser("cgs", "ga411600-jj-cgs", directory.PoliceHandler)
	items := make([]map[string]string, 1000)
	for i := range items {
		items[i] = map[string]string{"vehicle": h.sim.At(i).VIN, "operation": "transfer"}
	}
	body, _ := json.Marshal(map[string]any{"items": items})
	res := h.call("POST", "/api/v1/vehicles/check", h.session("cgs").Token, "application/json", strings.NewReader(string(body)))
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatal(res.StatusCode)
	}
	entries, _, _ := h.audit.Search(context.Background(), audit.Query{ActionPrefix: "vehicle.check", Limit: 100})
	named := 0
	for _, e := range entries {
		named += strings.Count(e.Detail, ":transfer:")
		if len([]rune(e.Detail)) > 4000 {
			t.Errorf("detail of %d characters", len([]rune(e.Detail)))
		}
	}
	if named != 1000 || len(entries) < 2 {
		t.Errorf("%d entries name %d of 1000 checks", len(entries), named)
	}
}
