package web_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
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

// TestBrowserLoginAsOfficerAndAuditor drives the real pages in headless
// Chromium: a court officer and an auditor each sign in, see their own
// home page, and sign out; screenshots at desktop and phone width are kept.
func TestBrowserLoginAsOfficerAndAuditor(t *testing.T) {
	t.Parallel()
	exe := chromiumPath(t)
	var browserLog syncBuffer
	h := newHarness(t, dbtest.SQLite(t))
	h.addUser("zhang", "fy411600-zxj", directory.CourtOfficer)
	h.addUser("shenji", "fy411600", directory.Auditor)
	h.session("shenji") // enrols TOTP and keeps recovery codes for the page logins

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		// Fail in seconds, with Chromium's own words, if it cannot start.
		chromedp.WSURLReadTimeout(30*time.Second), chromedp.CombinedOutput(&browserLog))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	dir := artifactDir(t)

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
			ctx, cancel := chromedp.NewContext(allocCtx)
			var home, afterLogout string
			var shot, loginShot []byte
			err := func() error {
				// The first action starts the browser: no timeout on it.
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
				t.Fatalf("%s at %s: %v\nchromium said:\n%s", tc.username, size.name, err, browserLog.String())
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
			os.WriteFile(filepath.Join(dir, "home-"+tc.name+"-"+size.name+".png"), shot, 0o644)
			os.WriteFile(filepath.Join(dir, "login-"+size.name+".png"), loginShot, 0o644)
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
