package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"liandong/internal/access"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
	"liandong/internal/matter"
	"liandong/internal/screening"
)

// probe is one request to one route, with the object it acts on: the
// expected outcome is what the policy says of that object (or, with no
// object, whether any rule grants the role the route's action).
type probe struct {
	method, path string
	action       access.Action
	body         func(actor access.Principal) (contentType string, r io.Reader)
	target       func(actor access.Principal) *access.Target
}

const victim = "victim"

// probeMatter is the id of a locate filed by fy411600 to ga411602, made
// before the walk; matterTarget is what the policy decides it by.
var matterTarget = access.Target{RequestingUnit: "fy411600-zxj", AddressedUnit: "ga411602", CaseNumber: "（2024）豫16执100号"}

const probeCase = "（2024）豫16执100号"

func jsonBody(v any) func(access.Principal) (string, io.Reader) {
	return func(access.Principal) (string, io.Reader) {
		b, _ := json.Marshal(v)
		return "application/json", bytes.NewReader(b)
	}
}

func formBody(s string) func(access.Principal) (string, io.Reader) {
	return func(access.Principal) (string, io.Reader) {
		return "application/x-www-form-urlencoded", strings.NewReader(s)
	}
}

func uploadBody(access.Principal) (string, io.Reader) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("case_number", probeCase)
	fw, _ := mw.CreateFormFile("file", "notice.pdf")
	fw.Write([]byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\nstartxref\n0\n%%EOF\n"))
	mw.Close()
	return mw.FormDataContentType(), &buf
}

// probes covers every non-public route of the server; the test fails when
// a route has no probe.
func probes() []probe {
	userTarget := func(access.Principal) *access.Target {
		return &access.Target{UnitCode: "fy411681-zxj", Username: victim}
	}
	docTarget := func(pr access.Principal) *access.Target {
		return &access.Target{RequestingUnit: pr.UnitCode, AddressedUnit: pr.UnitCode, CaseNumber: probeCase}
	}
	return []probe{
		{"GET", "/", access.ActionSelf, nil, nil},
		{"GET", "/api/v1/me", access.ActionSelf, nil, nil},
		{"GET", "/account/password", access.ActionSelf, nil, nil},
		{"POST", "/account/password", access.ActionSelf, formBody("old=wrong&new=x&confirm=y"), nil},
		{"GET", "/account/totp", access.ActionSelf, nil, nil},
		{"POST", "/account/totp/begin", access.ActionSelf, formBody(""), nil},
		{"POST", "/account/totp/confirm", access.ActionSelf, formBody("code=000000"), nil},
		{"POST", "/account/totp/disable", access.ActionSelf, formBody("code=000000"), nil},
		{"GET", "/audit", access.ActionAuditRead, nil, nil},
		{"GET", "/audit/export", access.ActionAuditExport, nil, nil},
		{"GET", "/api/v1/audit", access.ActionAuditRead, nil, nil},
		{"GET", "/admin/units", access.ActionUnitRead, nil, nil},
		{"GET", "/api/v1/units", access.ActionUnitRead, nil, nil},
		{"GET", "/admin/users", access.ActionUserRead, nil, nil},
		{"GET", "/api/v1/users", access.ActionUserRead, nil, nil},
		{"POST", "/admin/users", access.ActionUserManage, formBody("username=probe-x&unit=fy411681-zxj&password=Weak"), userTarget},
		{"POST", "/api/v1/users", access.ActionUserManage, jsonBody(map[string]any{"username": "probe-y", "unit": "fy411681-zxj", "password": "Weak"}), userTarget},
		{"POST", "/admin/users/" + victim + "/active", access.ActionUserManage, formBody("active=true"), userTarget},
		{"POST", "/admin/users/" + victim + "/password", access.ActionUserManage, formBody("password=Weak"), userTarget},
		{"POST", "/admin/users/" + victim + "/unlock", access.ActionUserManage, formBody(""), userTarget},
		{"POST", "/admin/users/" + victim + "/roles", access.ActionRoleGrant, formBody("role=court_officer"), userTarget},
		{"POST", "/admin/users/" + victim + "/totp-reset", access.ActionMFAReset, formBody(""), userTarget},
		{"GET", "/admin/users/" + victim + "/tokens", access.ActionTokenManage, nil, userTarget},
		{"POST", "/admin/users/" + victim + "/tokens", access.ActionTokenManage, formBody("label=probe&days=30"), userTarget},
		{"POST", "/admin/users/" + victim + "/tokens/999999/revoke", access.ActionTokenManage, formBody(""), nil},
		{"POST", "/api/v1/users/" + victim + "/tokens", access.ActionTokenManage, jsonBody(map[string]any{"label": "probe", "days": 30}), userTarget},
		{"POST", "/api/v1/documents", access.ActionDocUpload, uploadBody, docTarget},
		{"POST", "/api/v1/documents/issue", access.ActionDocIssue, func(pr access.Principal) (string, io.Reader) {
			b, _ := json.Marshal(map[string]string{"sm3": strings.Repeat("0", 64), "type": "协助执行通知书", "case_number": probeCase, "unit": pr.UnitCode})
			return "application/json", bytes.NewReader(b)
		}, docTarget},
		{"GET", "/matters", access.ActionMatterRead, nil, nil},
		{"GET", "/matters/new", access.ActionMatterCreate, nil, nil},
		{"POST", "/matters", access.ActionMatterCreate, formBody("kind=locate&case_number=%EF%BC%882024%EF%BC%89%E8%B1%AB16%E6%89%A7100%E5%8F%B7&addressed_unit=ga411602"),
			func(pr access.Principal) *access.Target {
				return &access.Target{RequestingUnit: pr.UnitCode, AddressedUnit: "ga411602", CaseNumber: probeCase}
			}},
		{"GET", "/matters/{matter}", access.ActionMatterRead, nil, func(access.Principal) *access.Target { t := matterTarget; return &t }},
		{"POST", "/matters/{matter}/act/suggest_review", access.ActionMatterAct, formBody(""), func(access.Principal) *access.Target { t := matterTarget; return &t }},
		{"POST", "/matters/{matter}/query-systems", access.ActionMatterAct, formBody(""), func(access.Principal) *access.Target { t := matterTarget; return &t }},
		{"POST", "/api/v1/matters/{matter}/query-systems", access.ActionMatterAct, jsonBody(map[string]any{}), func(access.Principal) *access.Target { t := matterTarget; return &t }},
		{"POST", "/matters/{matter}/border-control", access.ActionMatterAct, formBody(""), func(access.Principal) *access.Target { t := matterTarget; return &t }},
		{"POST", "/api/v1/matters/{matter}/border-control", access.ActionMatterAct, jsonBody(map[string]any{}), func(access.Principal) *access.Target { t := matterTarget; return &t }},
		{"POST", "/matters/{matter}/intake-via-system", access.ActionMatterAct, formBody(""), func(access.Principal) *access.Target { t := matterTarget; return &t }},
		{"POST", "/api/v1/matters/{matter}/intake-via-system", access.ActionMatterAct, jsonBody(map[string]any{}), func(access.Principal) *access.Target { t := matterTarget; return &t }},
		{"GET", "/transfers", access.ActionMatterRead, nil, nil},
		{"GET", "/vehicles?vehicle=%E8%B1%ABP12345", access.ActionVehicleFileRead, nil, func(access.Principal) *access.Target { return &access.Target{} }},
		{"GET", "/vehicles/intercept", access.ActionMatterAct, nil, nil},
		{"POST", "/vehicles/intercept", access.ActionMatterAct, formBody("vehicle=%E8%B1%ABP12345"), nil},
		{"GET", "/api/v1/transfers", access.ActionMatterRead, nil, nil},
		{"GET", "/notifications", access.ActionSelf, nil, nil},
		{"POST", "/notifications/1/read", access.ActionSelf, formBody(""), nil},
		{"GET", "/api/v1/matters", access.ActionMatterRead, nil, nil},
		{"POST", "/api/v1/matters", access.ActionMatterCreate, jsonBody(map[string]any{"kind": "locate", "case_number": probeCase, "addressed_unit": "ga411602"}),
			func(pr access.Principal) *access.Target {
				return &access.Target{RequestingUnit: pr.UnitCode, AddressedUnit: "ga411602", CaseNumber: probeCase}
			}},
		{"GET", "/api/v1/matters/{matter}", access.ActionMatterRead, nil, func(access.Principal) *access.Target { t := matterTarget; return &t }},
		{"POST", "/api/v1/matters/{matter}/actions/suggest_review", access.ActionMatterAct, jsonBody(map[string]any{"payload": map[string]any{}}), func(access.Principal) *access.Target { t := matterTarget; return &t }},
		{"GET", "/api/v1/notifications", access.ActionSelf, nil, nil},
		{"POST", "/api/v1/notifications/1/read", access.ActionSelf, jsonBody(map[string]any{}), nil},
		// The vehicle register: the scope is the principal's unit (traffic
		// police) or its token; the file also opens to the sealing court.
		{"GET", "/api/v1/vehicles/check?vehicle=%E8%B1%ABP12345&operation=transfer", access.ActionVehicleCheck, nil, func(access.Principal) *access.Target { return &access.Target{} }},
		{"POST", "/api/v1/vehicles/check", access.ActionVehicleCheck, jsonBody(map[string]any{"items": []map[string]string{{"vehicle": "豫P12345", "operation": "transfer"}}}),
			func(access.Principal) *access.Target { return &access.Target{} }},
		{"GET", "/api/v1/vehicles/file?vehicle=%E8%B1%ABP12345", access.ActionVehicleFileRead, nil, func(access.Principal) *access.Target { return &access.Target{} }},
		// An interception is reported by plate; the engine then checks each
		// control matter it finds (none here: a 404 for those who may act).
		{"POST", "/api/v1/vehicles/interceptions", access.ActionMatterAct, jsonBody(map[string]any{"vehicle": "豫P12345", "payload": map[string]any{}}), nil},
		// The same route aimed at another unit's court: the unit dimension.
		{"POST", "/api/v1/documents/issue", access.ActionDocIssue, jsonBody(map[string]string{"sm3": strings.Repeat("0", 64), "type": "协助执行通知书", "case_number": "（2024）豫1681执7号", "unit": "fy411681"}),
			func(access.Principal) *access.Target {
				return &access.Target{RequestingUnit: "fy411681", AddressedUnit: "fy411681", CaseNumber: "（2024）豫1681执7号"}
			}},
		// Screening (S-CREDIT-1): police screen, the security administrator
		// sets the rules, the listing court (fy411602, from the case number
		// of the hit's entry) reads and reviews its hits; another court's
		// hit is "not found".
		{"POST", "/api/v1/screen", access.ActionScreen, jsonBody(map[string]any{"business": "hotel_registration", "queries": []map[string]string{{"ref": "p1", "name": "王五", "birth_date": "1980-01-01"}}}), nil},
		{"GET", "/api/v1/screen/rules", access.ActionScreenRulesRead, nil, nil},
		{"PUT", "/api/v1/screen/rules", access.ActionScreenRulesManage, jsonBody(map[string]any{"rules": []map[string]string{{"business": "hotel_registration", "on_hit": "flag", "on_review": "report"}}}), nil},
		{"GET", "/api/v1/screen/hits", access.ActionScreenHitRead, nil, nil},
		{"GET", "/credit/hits", access.ActionScreenHitRead, nil, nil},
		{"POST", "/api/v1/screen/hits/{hit}/review", access.ActionScreenHitReview, jsonBody(map[string]string{"verdict": "confirmed"}), hitTarget},
		{"POST", "/credit/hits/{hit}/review", access.ActionScreenHitReview, formBody("verdict=false_positive"), hitTarget},
		// The dishonest-debtor list pages (credit_pages_matrix_test.go): the
		// probe entry of fy411602; acts carry bodies the store refuses as
		// invalid, so the entry stays as it is for the next actor.
		{"GET", "/credit", access.ActionCreditRead, nil, nil},
		{"GET", "/credit/corrections", access.ActionCreditRead, nil, nil},
		{"GET", "/credit/import", access.ActionCreditImport, nil, nil},
		{"POST", "/credit/import", access.ActionCreditImport, formBody(""), nil},
		{"GET", "/credit/import/{job}", access.ActionCreditImport, nil, nil},
		{"GET", "/credit/{entry}", access.ActionCreditRead, nil, creditProbeTarget},
		{"POST", "/credit/{entry}/extend", access.ActionCreditManage, formBody("years=0"), creditProbeTarget},
		{"POST", "/credit/{entry}/remove", access.ActionCreditManage, formBody("reason="), creditProbeTarget},
		{"POST", "/credit/{entry}/removal-request", access.ActionCreditManage, formBody("reason="), creditProbeTarget},
		{"POST", "/credit/{entry}/repair", access.ActionCreditManage, formBody("measure="), creditProbeTarget},
		{"POST", "/credit/{entry}/correction-request", access.ActionCreditManage, formBody("ground="), creditProbeTarget},
		{"POST", "/credit/duties/{duty}/review", access.ActionCreditManage, formBody("decision="), creditProbeTarget},
		{"POST", "/credit/duties/{duty}/carry-out", access.ActionCreditManage, formBody(""), creditProbeTarget},
		{"GET", "/api/v1/credit/entries", access.ActionCreditRead, nil, nil},
		{"GET", "/api/v1/credit/entries/{entry}", access.ActionCreditRead, nil, creditProbeTarget},
		{"POST", "/api/v1/credit/entries/{entry}/extend", access.ActionCreditManage, jsonBody(map[string]any{"years": 0}), creditProbeTarget},
		{"POST", "/api/v1/credit/entries/{entry}/remove", access.ActionCreditManage, jsonBody(map[string]any{"reason": ""}), creditProbeTarget},
		{"POST", "/api/v1/credit/entries/{entry}/removal-requests", access.ActionCreditManage, jsonBody(map[string]any{"reason": ""}), creditProbeTarget},
		{"POST", "/api/v1/credit/entries/{entry}/repairs", access.ActionCreditManage, jsonBody(map[string]any{"measure": ""}), creditProbeTarget},
		{"POST", "/api/v1/credit/entries/{entry}/correction-requests", access.ActionCreditManage, jsonBody(map[string]any{"ground": ""}), creditProbeTarget},
		{"GET", "/api/v1/credit/corrections", access.ActionCreditRead, nil, nil},
		{"POST", "/api/v1/credit/duties/{duty}/review", access.ActionCreditManage, jsonBody(map[string]any{}), creditProbeTarget},
		{"POST", "/api/v1/credit/duties/{duty}/carry-out", access.ActionCreditManage, jsonBody(map[string]any{"patch": map[string]any{}}), creditProbeTarget},
		{"POST", "/api/v1/credit/imports", access.ActionCreditImport, formBody(""), nil},
		{"GET", "/api/v1/credit/imports/{job}", access.ActionCreditImport, nil, nil},
		// The list's change feed: a police handler only as a system account
		// with its API token (never in a session), a leader with masked
		// numbers; webhook subscriptions are the security administrator's.
		{"GET", "/api/v1/credit/changes", access.ActionCreditFeed, nil, func(access.Principal) *access.Target { return &access.Target{} }},
		{"GET", "/api/v1/credit/webhooks", access.ActionCreditWebhook, nil, nil},
		{"POST", "/api/v1/credit/webhooks", access.ActionCreditWebhook, jsonBody(map[string]any{"url": "ftp://not-allowed", "label": "probe"}), nil},
		{"DELETE", "/api/v1/credit/webhooks/999999", access.ActionCreditWebhook, nil, nil},
		{"GET", "/api/v1/credit/webhooks/999999/deliveries", access.ActionCreditWebhook, nil, nil},
		// Logout last: it ends the actor's session.
		{"POST", "/logout", access.ActionSelf, formBody(""), nil},
		{"DELETE", "/api/v1/session", access.ActionSelf, nil, nil},
	}
}

// unitsFor gives each role two units of the right side, so every role is
// tried from two different units.
func unitsFor(role directory.Role) [2]string {
	info, _ := role.Info()
	switch {
	case info.Admin:
		return [2]string{"ga411600-xxtx", "fy411600"}
	case info.Side == "court" && (role == directory.CourtPresident || role == directory.JudicialPolice):
		return [2]string{"fy411600", "fy411602"}
	case info.Side == "court":
		return [2]string{"fy411600-zxj", "fy411602-zxj"}
	case info.Side == "police":
		return [2]string{"ga411602", "ga411681"}
	}
	return [2]string{"ga411600-xxtx", "fy411600-zxj"}
}

// TestRouteRoleUnitMatrix walks every route with every role from two
// different units and checks that the server allows exactly what the
// policy grants (S-SEC-2: no operation beyond one's authority).
func TestRouteRoleUnitMatrix(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		ctx := context.Background()
		ps := probes()
		h.addUser(victim, "fy411681-zxj", directory.CourtOfficer)
		h.addUser("filer", "fy411600-zxj", directory.CourtOfficer)
		m, err := h.matters.Create(ctx, h.session("filer").Principal, matter.NewMatter{Kind: "locate", CaseNumber: matterTarget.CaseNumber, AddressedUnit: "ga411602", Payload: []byte(`{}`)})
		if err != nil {
			t.Fatalf("probe matter: %v", err)
		}
		matterPath := strconv.FormatInt(m.ID, 10)
		hitPath := strconv.FormatInt(probeHit(t, h), 10)
		creditIDs := probeCreditEntry(t, h)
		for i := range ps {
			ps[i].path = creditIDs.path(ps[i].path)
			ps[i].path = strings.ReplaceAll(strings.ReplaceAll(ps[i].path, "{matter}", matterPath), "{hit}", hitPath)
		}

		// Every route has a probe, and every probe names the route's action.
		byKey := map[string]probe{}
		for _, p := range ps {
			byKey[p.method+" "+p.path] = p
		}
		for _, rt := range h.routes() {
			if rt.public {
				continue
			}
			key := rt.method + " " + rt.path
			switch key {
			case "GET /api/v1/vehicles/check":
				key += "?vehicle=%E8%B1%ABP12345&operation=transfer"
			case "GET /api/v1/vehicles/file", "GET /vehicles":
				key += "?vehicle=%E8%B1%ABP12345"
			}
			key = strings.NewReplacer("{username}", victim, "{$}", "", "{id}/revoke", "999999/revoke", "{id}/read", "1/read", "{id}/actions/{action}", matterPath+"/actions/suggest_review", "{id}/act/{action}", matterPath+"/act/suggest_review", "{id}/query-systems", matterPath+"/query-systems", "{id}/intake-via-system", matterPath+"/intake-via-system", "{id}/border-control", matterPath+"/border-control", "{id}/review", hitPath+"/review", "{id}", matterPath).Replace(key)
			key = creditIDs.path(key)
			key = strings.ReplaceAll(key, "{webhook}", "999999")
			p, ok := byKey[key]
			if !ok {
				t.Errorf("route %s has no probe in the permission matrix", key)
				continue
			}
			if p.action != rt.action {
				t.Errorf("probe for %s says action %s, the route says %s", key, p.action, rt.action)
			}
			if !ruleExists(rt.action) {
				t.Errorf("route %s uses action %s, which no policy row grants", key, rt.action)
			}
		}

		policy := h.acc.Policy()
		n := 0
		for _, ri := range directory.Roles() {
			for i, unit := range unitsFor(ri.Role) {
				username := strings.ReplaceAll(string(ri.Role), "_", "-") + "-" + string(rune('a'+i))
				h.addUser(username, unit, ri.Role)
				sess := h.session(username)
				for _, p := range ps {
					if p.path == "/logout" || p.path == "/api/v1/session" {
						sess = h.session(username) // logging out ends the session: use a fresh one
					}
					actor := sess.Principal
					want := grants(actor, p.action)
					if want && p.target != nil {
						want = policy.Can(ctx, actor, p.action, *p.target(actor))
					}
					want = creditIDs.want(ctx, policy, p, actor, want)
					var ct string
					var body io.Reader
					if p.body != nil {
						ct, body = p.body(actor)
					}
					res := h.call(p.method, p.path, sess.Token, ct, body)
					code := errorCode(res)
					res.Body.Close()
					// Out-of-scope matters answer 404 so that their existence
					// does not leak: that is a denial too.
					denied := res.StatusCode == http.StatusForbidden && (code == access.CodeDenied || code == access.CodePurposeRequired) ||
						res.StatusCode == http.StatusNotFound && (code == matter.CodeNotFound || code == screening.CodeHitNotFound)
					if res.StatusCode == http.StatusUnauthorized {
						t.Errorf("%s (%s) %s %s: 401, the session should be valid", username, unit, p.method, p.path)
					}
					if want && denied {
						t.Errorf("%s (%s, %s) %s %s: denied (%s), the policy allows it", username, ri.Label, unit, p.method, p.path, code)
					}
					if !want && !denied {
						t.Errorf("%s (%s, %s) %s %s: status %d (%s), want a denial", username, ri.Label, unit, p.method, p.path, res.StatusCode, code)
					}
					n++
				}
			}
		}
		t.Logf("%d route × role × unit checks", n)
	})
}

func grants(pr access.Principal, a access.Action) bool {
	for _, r := range access.Rules() {
		if r.Action == a && pr.Has(r.Role) {
			return true
		}
	}
	return false
}

func ruleExists(a access.Action) bool {
	for _, r := range access.Rules() {
		if r.Action == a {
			return true
		}
	}
	return false
}

func errorCode(res *http.Response) string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	b, _ := io.ReadAll(res.Body)
	if json.Unmarshal(b, &e) == nil && e.Error.Code != "" {
		return e.Error.Code
	}
	// Pages show the code in the text.
	if i := strings.Index(string(b), "错误代码："); i >= 0 {
		rest := string(b)[i+len("错误代码："):]
		if j := strings.IndexAny(rest, "<\n"); j >= 0 {
			return strings.TrimSpace(rest[:j])
		}
	}
	return ""
}
