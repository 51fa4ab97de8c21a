package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
	"liandong/internal/matter"
)

// chromiumPath finds the browser. On CI a missing browser fails the test
// (.ci/run installs Debian's chromium); on a developer's machine without
// one the test says so and stops.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on CI: .ci/run must install it (apt-get install chromium)")
	}
	t.Skip("chromium is not installed; the browser test runs on CI")
	return ""
}

// artifactDir is where screenshots go: LIANDONG_ARTIFACTS, or
// testdata-artifacts/ at the top of the repository (ignored by git).
func artifactDir(t *testing.T) string {
	dir := os.Getenv("LIANDONG_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "testdata-artifacts")
	}
	dir = filepath.Join(dir, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrowser drives the real pages in headless Chromium with one browser
// and one server: each user signs in in a browser context of their own (their
// own cookies). Screenshots at desktop and phone width are kept.
func TestBrowser(t *testing.T) {
	t.Parallel()
	exe := chromiumPath(t)
	var browserLog syncBuffer
	h := newHarness(t, dbtest.SQLite(t))

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		// Fail in seconds, with Chromium's own words, if it cannot start.
		chromedp.WSURLReadTimeout(30*time.Second), chromedp.CombinedOutput(&browserLog))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	rootCtx, cancelRoot := chromedp.NewContext(allocCtx)
	defer cancelRoot()
	// The first action starts the browser: no timeout on it.
	if err := chromedp.Do(rootCtx); err != nil {
		t.Fatalf("start chromium: %v\nchromium said:\n%s", err, browserLog.String())
	}
	b := &chromium{root: rootCtx, log: &browserLog, dir: artifactDir(t), h: h}

	t.Run("LoginAsOfficerAndAuditor", func(t *testing.T) { browserLoginAsOfficerAndAuditor(t, b) })
	t.Run("VehicleSealInterceptionTransfers", func(t *testing.T) { browserVehicleSealInterceptionTransfers(t, b) })
	t.Run("CreditImportAndRemoval", func(t *testing.T) { browserCreditImportAndRemoval(t, b) })
}

// chromium is the one browser of TestBrowser and the server it drives.
type chromium struct {
	root context.Context
	log  *syncBuffer
	dir  string
	h    *harness
}

// browserLoginAsOfficerAndAuditor: a court officer and an auditor each
// sign in, see their own home page, and sign out.
func browserLoginAsOfficerAndAuditor(t *testing.T, b *chromium) {
	h := b.h
	h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
	h.addUser("shenji", "fy411600", directory.Auditor)
	h.session("shenji") // enrols TOTP and keeps recovery codes for the page logins

	for _, tc := range []struct {
		username, wantHome, wantNav, name string
	}{
		{"zhang", "发起协作事项", "文书验证", "officer"},
		{"shenji", "查看审计日志", "审计日志", "auditor"},
	} {
		for _, size := range []struct {
			w, h int
			name string
		}{{1366, 768, "desktop"}, {390, 844, "phone"}} {
			ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext())
			var home, afterLogout string
			var shot, loginShot []byte
			err := func() error {
				// The first action opens the tab, which lives as long as
				// the context it was given: no timeout on it.
				if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(size.w), int64(size.h))); err != nil {
					return err
				}
				tctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
				defer cancelT()
				steps := []chromedp.Action[chromedp.Void]{
					chromedp.Navigate(h.srv.URL + "/"),
					chromedp.WaitVisible(chromedp.ID("username")),
				}
				if err := chromedp.Do(tctx, steps...); err != nil {
					return err
				}
				var err error
				if loginShot, err = chromedp.Run(tctx, chromedp.CaptureScreenshot()); err != nil {
					return err
				}
				steps = []chromedp.Action[chromedp.Void]{
					chromedp.SendKeys(chromedp.ID("username"), tc.username),
					chromedp.SendKeys(chromedp.ID("password"), testPassword),
				}
				if codes := h.recovery[tc.username]; len(codes) > 0 {
					// An administrator: each page login spends one recovery code.
					h.recovery[tc.username] = codes[1:]
					steps = append(steps, chromedp.SendKeys(chromedp.ID("totp"), codes[0]))
				}
				steps = append(steps,
					chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
					chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)))
				if err := chromedp.Do(tctx, steps...); err != nil {
					return err
				}
				if home, err = chromedp.Run(tctx, chromedp.Text(chromedp.CSS("body"))); err != nil {
					return err
				}
				if shot, err = chromedp.Run(tctx, chromedp.FullScreenshot(100)); err != nil {
					return err
				}
				if err := chromedp.Do(tctx,
					chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
					chromedp.WaitVisible(chromedp.ID("username"))); err != nil {
					return err
				}
				afterLogout, err = chromedp.Run(tctx, chromedp.Location())
				return err
			}()
			cancel()
			if err != nil {
				t.Fatalf("%s at %s: %v\nchromium said:\n%s", tc.username, size.name, err, b.log.String())
			}
			for _, want := range []string{tc.wantHome, tc.wantNav} {
				if !strings.Contains(home, want) {
					t.Errorf("%s at %s: home page lacks %q", tc.username, size.name, want)
				}
			}
			if tc.name == "officer" && strings.Contains(home, "审计日志") {
				t.Errorf("the officer's page offers the audit log")
			}
			if !strings.Contains(afterLogout, "/login") {
				t.Errorf("%s at %s: after logout at %s", tc.username, size.name, afterLogout)
			}
			os.WriteFile(filepath.Join(b.dir, "home-"+tc.name+"-"+size.name+".png"), shot, 0o644)
			os.WriteFile(filepath.Join(b.dir, "login-"+size.name+".png"), loginShot, 0o644)
		}
	}
}

// browserVehicleSealInterceptionTransfers (S-VEH-1/2/4, S-CRIME-1): a
// court officer files a vehicle seal on the new-request form with its two
// documents; the vehicle administration accepts it on the matter page and
// opens the vehicle's file, where the seal is 查封中 with the court; once
// the vehicle is under control (set up through the engine), a traffic
// officer reports the interception on the phone form; a court leader
// opens the transfer dashboard and a transfer, and the court officer an
// arrest. Every page is kept at desktop and phone width.
func browserVehicleSealInterceptionTransfers(t *testing.T, b *chromium) {
	h := b.h
	ctx := context.Background()
	h.addUser("wang", "fy411600-zxj", directory.CourtOfficer)
	h.addUser("cgs-handler", "ga411600-jj-cgs", directory.PoliceHandler)
	h.addUser("lead", "fy411600-zxj", directory.CourtLeader)
	h.addUser("president", "fy411600", directory.CourtPresident)
	h.addUser("xz", "ga411600-xz", directory.PoliceHandler)
	plate := h.vehicles.At(3).Plate
	docs := t.TempDir()
	var files []string
	for _, name := range []string{"协助执行通知书.pdf", "工作证.pdf"} {
		p := filepath.Join(docs, name)
		if err := os.WriteFile(p, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\nstartxref\n0\n%%EOF\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}

	// The court officer files the seal.
	court := b.signIn(t, "wang")
	court.do(chromedp.Navigate(h.srv.URL+"/matters/new?kind=vehicle_seal"), chromedp.WaitVisible(chromedp.ID("f-vehicle")))
	court.shots("vehicle-seal-new")
	court.do(
		chromedp.SendKeys(chromedp.ID("case_number"), "（2025）豫16执601号"),
		chromedp.SetValue(chromedp.ID("addressed_unit"), "ga411600-jj-cgs"),
		chromedp.SendKeys(chromedp.ID("debtor_name"), "李某"),
		chromedp.SendKeys(chromedp.ID("debtor_id"), "411602198001010016"),
		chromedp.SendKeys(chromedp.ID("f-vehicle"), plate),
		chromedp.SendKeys(chromedp.ID("f-term_months"), "24"),
		chromedp.SetUploadFiles(chromedp.ID("f-notice_digest"), files[:1]),
		chromedp.SetUploadFiles(chromedp.ID("f-certificate_digest"), files[1:]),
		chromedp.Click(chromedp.CSS(`form[action="/matters"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.timeline`)))
	loc := court.location()
	sealID, err := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
	if err != nil {
		t.Fatalf("after filing the seal the browser is at %s: %.500s", loc, court.text())
	}
	if text := court.text(); !strings.Contains(text, "待车管所受理") || !strings.Contains(text, "（2025）豫16执601号") {
		t.Errorf("the new seal's page: %.500s", text)
	}
	court.shots("vehicle-seal-matter-court")

	// The vehicle administration accepts it and opens the vehicle's file.
	police := b.signIn(t, "cgs-handler")
	police.do(chromedp.Navigate(fmt.Sprintf("%s/matters/%d", h.srv.URL, sealID)), chromedp.WaitVisible(chromedp.CSS(`ol.timeline`)))
	police.shots("vehicle-seal-matter-police")
	accept := `form[action$="/act/` + matter.ActionAcceptSeal + `"]`
	police.do(
		chromedp.Click(chromedp.CSS(`details:has(`+accept+`) > summary`)),
		chromedp.Click(chromedp.CSS(accept+` input[type=checkbox]`)),
		chromedp.Click(chromedp.CSS(accept+` button[type=submit]`)),
		chromedp.WaitNotPresent(chromedp.CSS(accept)))
	if text := police.text(); !strings.Contains(text, "查封中") {
		t.Errorf("after acceptance: %.500s", text)
	}
	police.shots("vehicle-seal-matter-accepted")
	police.do(chromedp.Navigate(h.srv.URL+"/vehicles?vehicle="+url.QueryEscape(plate)), chromedp.WaitVisible(chromedp.CSS(`table`)))
	row := police.textOf(`table tbody tr`)
	if !strings.Contains(row, "查封中") || !strings.Contains(row, "周口市中级人民法院") || !strings.Contains(row, "（2025）豫16执601号") {
		t.Errorf("the vehicle file's seal row: %q", row)
	}
	police.shots("vehicle-file")

	// Control through the engine; the checkpoint reports on a phone.
	if _, _, err := h.matters.Act(ctx, h.session("wang").Principal, sealID, matter.ActionRequestControl, 0,
		json.RawMessage(`{"reason":"被执行人拒不交出车辆"}`), nil); err != nil {
		t.Fatal(err)
	}
	var control int64
	if err := h.d.Read().QueryRow(`SELECT id FROM matters WHERE parent_id = $1`, sealID).Scan(&control); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.matters.Act(ctx, h.session("cgs-handler").Principal, control, matter.ActionPutUnderControl, 0,
		json.RawMessage(`{"note":"已录入缉查布控系统"}`), nil); err != nil {
		t.Fatal(err)
	}
	police.do(chromedp.EmulateViewport(390, 844), chromedp.Navigate(h.srv.URL+"/vehicles/intercept"), chromedp.WaitVisible(chromedp.ID("place")))
	police.shots("vehicle-intercept")
	police.do(chromedp.EmulateViewport(390, 844),
		chromedp.SendKeys(chromedp.ID("vehicle"), plate),
		chromedp.SendKeys(chromedp.ID("place"), "七一路与八一大道交叉口卡口"),
		chromedp.SendKeys(chromedp.ID("unit"), "川汇区交警大队一中队"),
		chromedp.SendKeys(chromedp.ID("contact"), "王警官 13800000000"),
		chromedp.SendKeys(chromedp.ID("note"), "车辆停放于卡口旁停车区，钥匙由驾驶人保管"),
		chromedp.Click(chromedp.CSS(`form[action="/vehicles/intercept"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.ok-box, .error-box`)))
	if text := police.textOf(`main`); !strings.Contains(text, "已报告") || !strings.Contains(text, "（2025）豫16执601号") {
		t.Errorf("after the interception report: %.500s", text)
	}
	police.shots("vehicle-intercept-done")
	court.do(chromedp.Navigate(fmt.Sprintf("%s/matters/%d", h.srv.URL, control)), chromedp.WaitVisible(chromedp.CSS(`ol.timeline`)))
	if text := court.text(); !strings.Contains(text, "七一路与八一大道交叉口卡口") {
		t.Errorf("the control's page does not show the interception: %.500s", text)
	}
	court.shots("vehicle-control-matter")

	// Transfers and an arrest, filed through the engine.
	filer := h.session("wang").Principal
	var transfers []int64
	for i, c := range []string{"（2025）豫16执901号", "（2025）豫16执902号"} {
		m, err := h.matters.Create(ctx, filer, matter.NewMatter{Kind: "transfer", CaseNumber: c, AddressedUnit: "ga411600-xz", Payload: transferCreate()})
		if err != nil {
			t.Fatalf("create %s: %v", c, err)
		}
		transfers = append(transfers, m.ID)
		if i == 1 {
			if _, _, err := h.matters.Act(ctx, h.session("xz").Principal, m.ID, matter.ActionReceive, 0,
				json.RawMessage(`{"receipt_no":"周公(刑)受字〔2025〕0001号","received_at":"2025-03-03 10:00"}`), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	arrest, err := h.matters.Create(ctx, filer, matter.NewMatter{Kind: "arrest", CaseNumber: "（2025）豫16执903号", AddressedUnit: "ga411602",
		Payload: json.RawMessage(`{"decision_digest":"` + strings.Repeat("a1", 32) + `","approved_by":"president","approved_at":"2025-03-02 17:00",
		"criminal_case_number":"（2025）豫16刑初12号","proceeding":"private_prosecution","charge":"refuse_judgment","defendant_name":"张某","reason":"被告人有逃避审判的现实危险"}`)})
	if err != nil {
		t.Fatalf("create the arrest: %v", err)
	}
	lead := b.signIn(t, "lead")
	lead.do(chromedp.Navigate(h.srv.URL+"/transfers"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if text := lead.textOf(`main`); !strings.Contains(text, "（2025）豫16执901号") || !strings.Contains(text, "（2025）豫16执902号") {
		t.Errorf("the transfer dashboard: %.500s", text)
	}
	lead.shots("transfers")
	lead.do(chromedp.Navigate(fmt.Sprintf("%s/matters/%d", h.srv.URL, transfers[1])), chromedp.WaitVisible(chromedp.CSS(`ol.timeline`)))
	lead.shots("transfer-matter")
	court.do(chromedp.Navigate(fmt.Sprintf("%s/matters/%d", h.srv.URL, arrest.ID)), chromedp.WaitVisible(chromedp.CSS(`ol.timeline`)))
	court.shots("arrest-matter")
}

// tab is one signed-in user's tab in a browser context of its own.
type tab struct {
	t   *testing.T
	ctx context.Context
	b   *chromium
}

// signIn opens a tab in a new browser context and signs username in at
// desktop width.
func (b *chromium) signIn(t *testing.T, username string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	p := &tab{t: t, ctx: ctx, b: b}
	// The first action opens the tab, which lives as long as the context
	// it was given: no timeout on it.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatalf("open a tab for %s: %v\nchromium said:\n%s", username, err, b.log.String())
	}
	p.do(
		chromedp.Navigate(b.h.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)))
	return p
}

func (p *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		defer cancel()
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body"), chromedp.NodeReady))
		p.t.Fatalf("at %s: %v\npage: %.600s\nchromium said:\n%s", loc, err, body, p.b.log.String())
	}
}

func run[T any](p *tab, a chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.t.Fatalf("%v\nchromium said:\n%s", err, p.b.log.String())
	}
	return v
}

func (p *tab) location() string { p.t.Helper(); return run(p, chromedp.Location()) }

func (p *tab) text() string { p.t.Helper(); return p.textOf("body") }

func (p *tab) textOf(css string) string {
	p.t.Helper()
	return run(p, chromedp.Text(chromedp.CSS(css)))
}

// shots keeps the whole page at desktop (1366×900) and phone (390×844)
// width as name-desktop.png and name-phone.png, and leaves the tab at
// desktop width.
func (p *tab) shots(name string) {
	p.t.Helper()
	for _, size := range []struct {
		w, h int64
		name string
	}{{390, 844, "phone"}, {1366, 900, "desktop"}} {
		p.do(chromedp.EmulateViewport(size.w, size.h))
		png := run(p, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join(p.b.dir, name+"-"+size.name+".png"), png, 0o644); err != nil {
			p.t.Fatal(err)
		}
	}
}

// syncBuffer collects Chromium's output from its goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
