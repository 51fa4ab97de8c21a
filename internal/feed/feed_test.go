package feed_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/credit"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/directory"
	"liandong/internal/feed"
	"liandong/internal/keyring"
	"liandong/internal/pii"
	"liandong/internal/signer"
)

var (
	officer  = access.Principal{Username: "chfy-officer", UnitCode: "fy411602-zxj", Roles: []directory.Role{directory.CourtOfficer}}
	secAdmin = access.Principal{Username: "sec", UnitCode: "ga411600-xxtx", Roles: []directory.Role{directory.SecAdmin}}
)

type fixture struct {
	d     *db.DB
	store *credit.Store
	feed  *feed.Feed
	keys  *signer.Store
	log   *audit.Log
}

func newFixture(t *testing.T, d *db.DB, cfg feed.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := directory.NewStore(d)
	if _, err := dir.LoadZhoukou(ctx); err != nil {
		t.Fatal(err)
	}
	text, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	ring, err := keyring.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	keys := signer.NewStore(d, ring)
	if _, err := keys.Ensure(ctx, signer.NodeOwner); err != nil {
		t.Fatal(err)
	}
	log := audit.New(d, keys, audit.Options{})
	store := credit.NewStore(d, pii.New(ring), access.NewPolicy(dir, access.Config{}), log, credit.Options{})
	return &fixture{d: d, store: store, keys: keys, log: log, feed: feed.New(d, store, keys, log, cfg)}
}

func residentID(region, birth string, seq int) string {
	body := fmt.Sprintf("%s%s%03d", region, birth, seq)
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(body[i]-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

func (f *fixture) add(t *testing.T, seq int) credit.Entry {
	t.Helper()
	e, err := f.store.Add(context.Background(), officer, credit.NewEntry{
		Kind: "person", Name: "王伟", IDNumber: residentID("411602", "19800501", seq),
		Ground: credit.Int(1), Obligation: "支付货款 100000 元及利息", Performance: "全部未履行",
		Conduct: "有履行能力而拒不履行生效法律文书确定的义务", BasisUnit: "周口市川汇区人民法院", BasisNumber: "（2023）豫1602民初100号",
		CaseNumber: fmt.Sprintf("（2024）豫1602执%d号", seq), FiledOn: "2024-01-05", DecidedOn: "2024-03-15",
	})
	if err != nil {
		t.Fatalf("add: %v", err)
	}
	return e
}

// Pages follow the cursor; system accounts get full numbers, people masked
// ones; a removed entry comes as not on the list.
func TestPage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d, feed.Config{})
		ctx := context.Background()
		var ids []int64
		for i := 1; i <= 5; i++ {
			ids = append(ids, f.add(t, i).ID)
		}
		if _, err := f.store.Remove(ctx, officer, ids[1], credit.Removal{Reason: credit.RemovePerformed}); err != nil {
			t.Fatal(err)
		}
		p, err := f.feed.Page(ctx, 0, 4, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Changes) != 4 || p.Next != 4 || !p.More {
			t.Fatalf("page = %+v", p)
		}
		c := p.Changes[0]
		if c.Version != 1 || c.Op != "add" || !c.Entry.OnList || c.Entry.Kind != "person" || c.Entry.Name != "王伟" || c.Entry.Sex != "M" ||
			c.Entry.BirthDate != "1980-05-01" || c.Entry.Court != "fy411602" || len(c.Entry.IDNumbers) != 1 ||
			c.Entry.IDNumbers[0] != residentID("411602", "19800501", 1) || c.Entry.Masked {
			t.Errorf("change 1 = %+v", c)
		}
		// Entry 2 was added at version 2 and is gone now: the follower deletes it.
		if e := p.Changes[1].Entry; e.OnList || e.ID != ids[1] || e.Name != "" || len(e.IDNumbers) != 0 {
			t.Errorf("change 2 = %+v", p.Changes[1])
		}
		p, err = f.feed.Page(ctx, p.Next, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Changes) != 2 || p.Next != 6 || p.More || p.Changes[1].Op != "remove" || p.Changes[1].Entry.OnList {
			t.Fatalf("page 2 = %+v", p)
		}
		if e := p.Changes[0].Entry; !e.Masked || e.IDNumbers[0] != "411602********0051" && !strings.Contains(e.IDNumbers[0], "****") {
			t.Errorf("masked entry = %+v", e)
		}
		p, err = f.feed.Page(ctx, 6, 0, true)
		if err != nil || len(p.Changes) != 0 || p.Next != 6 || p.More {
			t.Errorf("caught up: %+v, %v", p, err)
		}
		if _, err := f.feed.Page(ctx, 7, 0, true); !isCode(err, feed.CodeCursorAhead) {
			t.Errorf("cursor ahead: %v", err)
		}
		if _, err := f.feed.Page(ctx, 0, feed.MaxLimit+1, true); !isCode(err, feed.CodeBadLimit) {
			t.Errorf("limit: %v", err)
		}
	})
}

func isCode(err error, code string) bool {
	e, ok := apperr.As(err)
	return ok && e.Code == code
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	for raw, ok := range map[string]bool{
		"https://ga.example/hook":              true,
		"http://127.0.0.1:9000/x":              true,
		"http://localhost/x":                   true,
		"http://10.1.2.3/hook":                 false,
		"ftp://example/x":                      false,
		"https://user:pw@example/x":            false,
		"https://example/x#frag":               false,
		"not a url":                            false,
		"":                                     false,
		"https://" + strings.Repeat("a", 2001): false,
	} {
		if _, err := feed.CheckURL(raw); (err == nil) != ok {
			t.Errorf("CheckURL(%q) = %v, want ok %v", raw, err, ok)
		}
	}
}

// subscriber is a police system's webhook endpoint: it fails the first
// fail posts, then verifies and keeps every batch.
type subscriber struct {
	t      *testing.T
	pubPEM string
	fp     string
	mu     sync.Mutex
	fail   int
	posts  int
	got    []feed.Batch
}

func (s *subscriber) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.posts++
	if s.fail > 0 {
		s.fail--
		http.Error(w, "temporarily down", http.StatusServiceUnavailable)
		return
	}
	sig, err := base64.StdEncoding.DecodeString(r.Header.Get(feed.HeaderSignature))
	if err != nil {
		s.t.Errorf("signature header: %v", err)
	}
	if ok, err := signer.VerifyPEM(s.pubPEM, body, sig); !ok || err != nil {
		s.t.Errorf("signature does not verify: %v", err)
	}
	if r.Header.Get(feed.HeaderFingerprint) != s.fp {
		s.t.Errorf("fingerprint %q, want %q", r.Header.Get(feed.HeaderFingerprint), s.fp)
	}
	var b feed.Batch
	if err := json.Unmarshal(body, &b); err != nil {
		s.t.Errorf("body: %v", err)
	}
	if v := r.Header.Get(feed.HeaderVersion); v != strconv.FormatUint(b.Next, 10) {
		s.t.Errorf("version header %s, body next %d", v, b.Next)
	}
	s.got = append(s.got, b)
}

func (s *subscriber) changes() []feed.Change {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []feed.Change
	for _, b := range s.got {
		out = append(out, b.Changes...)
	}
	return out
}

// catchUp runs delivery rounds until the subscription has the list's
// version.
func (f *fixture) catchUp(t *testing.T, id int64) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if err := f.feed.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		w, err := f.feed.Webhook(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := f.store.Version(ctx)
		if w.DeliveredVersion == v {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook %d at %d, list at %d (last error %q)", id, w.DeliveredVersion, v, w.LastError)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Deliveries arrive in order and signed; a failing subscriber is retried
// with backoff and catches up; a removal is delivered; a removed
// subscription gets nothing more.
func TestWebhookDelivery(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		f := newFixture(t, d, feed.Config{Batch: 3, BackoffBase: 5 * time.Millisecond, BackoffMax: 20 * time.Millisecond})
		ctx := context.Background()
		pubPEM, fp, err := f.keys.PublicPEM(ctx, signer.NodeOwner)
		if err != nil {
			t.Fatal(err)
		}
		good := &subscriber{t: t, pubPEM: pubPEM, fp: fp}
		flaky := &subscriber{t: t, pubPEM: pubPEM, fp: fp, fail: 3}
		goodSrv, flakySrv := httptest.NewServer(good), httptest.NewServer(flaky)
		t.Cleanup(goodSrv.Close)
		t.Cleanup(flakySrv.Close)

		var ids []int64
		for i := 1; i <= 7; i++ {
			ids = append(ids, f.add(t, i).ID)
		}
		w1, err := f.feed.Subscribe(ctx, secAdmin, goodSrv.URL+"/hook", "交警支队车驾管系统", 0)
		if err != nil {
			t.Fatal(err)
		}
		w2, err := f.feed.Subscribe(ctx, secAdmin, flakySrv.URL+"/hook", "出入境管理系统", 2)
		if err != nil {
			t.Fatal(err)
		}
		f.catchUp(t, w1.ID)
		f.catchUp(t, w2.ID)

		// The removal of entry 3 reaches both.
		if _, err := f.store.Remove(ctx, officer, ids[2], credit.Removal{Reason: credit.RemovePerformed}); err != nil {
			t.Fatal(err)
		}
		f.add(t, 8)
		f.catchUp(t, w1.ID)
		f.catchUp(t, w2.ID)

		check := func(name string, s *subscriber, from uint64) {
			cs := s.changes()
			if len(cs) != int(9-from) {
				t.Fatalf("%s got %d changes, want %d", name, len(cs), 9-from)
			}
			for i, c := range cs {
				if c.Version != from+uint64(i)+1 {
					t.Fatalf("%s: change %d has version %d, want %d (in order, no gaps, no repeats)", name, i, c.Version, from+uint64(i)+1)
				}
			}
			rm := cs[len(cs)-2]
			if rm.Op != "remove" || rm.Entry.ID != ids[2] || rm.Entry.OnList {
				t.Errorf("%s: removal delivered as %+v", name, rm)
			}
			if last := cs[len(cs)-1]; !last.Entry.OnList || last.Entry.Masked || len(last.Entry.IDNumbers[0]) != 18 {
				t.Errorf("%s: last change %+v, want full numbers", name, last)
			}
		}
		check("good", good, 0)
		check("flaky", flaky, 2)
		if flaky.posts < 3+len(flaky.got) {
			t.Errorf("flaky subscriber saw %d posts for %d batches", flaky.posts, len(flaky.got))
		}
		log, err := f.feed.Deliveries(ctx, w2.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		failed := 0
		for _, l := range log {
			if l.Outcome == "failed" {
				failed++
				if l.Status != http.StatusServiceUnavailable || !strings.Contains(l.Error, "503") {
					t.Errorf("failed delivery logged as %+v", l)
				}
			}
		}
		if failed != 3 || len(log) != 3+len(flaky.got) {
			t.Errorf("delivery log: %d rows, %d failed", len(log), failed)
		}
		es, _, err := f.log.Search(ctx, audit.Query{ActionPrefix: "credit.webhook", Limit: audit.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		acts := map[string]int{}
		for _, e := range es {
			acts[e.Action]++
		}
		if acts["credit.webhook_create"] != 2 || acts["credit.webhook_deliver"] != len(good.got)+len(flaky.got) {
			t.Errorf("audit: %v", acts)
		}

		// A removed subscription gets nothing more.
		if err := f.feed.Unsubscribe(ctx, secAdmin, w1.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.feed.Unsubscribe(ctx, secAdmin, w1.ID); !isCode(err, feed.CodeNotFound) {
			t.Errorf("second delete: %v", err)
		}
		before := len(good.changes())
		f.add(t, 9)
		f.catchUp(t, w2.ID)
		if len(good.changes()) != before {
			t.Errorf("removed subscription still delivered to")
		}
		hooks, err := f.feed.Webhooks(ctx)
		if err != nil || len(hooks) != 1 || hooks[0].ID != w2.ID {
			t.Errorf("webhooks = %+v, %v", hooks, err)
		}
	})
}

// TestOpenSSLVerifiesWebhookBody does what docs/credit.md tells a
// subscriber to do with stock OpenSSL 3: decode the signature header and
// verify it over the exact body with the node's public key.
func TestOpenSSLVerifiesWebhookBody(t *testing.T) {
	t.Parallel()
	path, err := exec.LookPath("openssl")
	if err != nil {
		t.Fatalf("openssl is not installed: this test proves that subscribers can verify with standard tools: %v", err)
	}
	f := newFixture(t, dbtest.SQLite(t), feed.Config{})
	ctx := context.Background()
	var (
		mu        sync.Mutex
		body, sig []byte
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		body, _ = io.ReadAll(r.Body)
		sig, _ = base64.StdEncoding.DecodeString(r.Header.Get(feed.HeaderSignature))
	}))
	t.Cleanup(srv.Close)
	f.add(t, 1)
	w, err := f.feed.Subscribe(ctx, secAdmin, srv.URL, "测试", 0)
	if err != nil {
		t.Fatal(err)
	}
	f.catchUp(t, w.ID)
	pemText, _, err := f.feed.PublicKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mu.Lock()
	os.WriteFile(filepath.Join(dir, "body.json"), body, 0o644)
	os.WriteFile(filepath.Join(dir, "body.sig"), sig, 0o644)
	tampered := append([]byte{}, body...)
	tampered[len(tampered)-2] ^= 1
	os.WriteFile(filepath.Join(dir, "tampered.json"), tampered, 0o644)
	mu.Unlock()
	os.WriteFile(filepath.Join(dir, "node.pem"), []byte(pemText), 0o644)
	verify := func(file string) (string, bool) {
		cmd := exec.Command(path, "pkeyutl", "-verify", "-pubin", "-inkey", "node.pem", "-rawin", "-in", file,
			"-sigfile", "body.sig", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err == nil
	}
	if out, ok := verify("body.json"); !ok || !strings.Contains(out, "Signature Verified Successfully") {
		t.Errorf("openssl on the body: %s", out)
	}
	if out, ok := verify("tampered.json"); ok {
		t.Errorf("openssl accepted a changed body: %s", out)
	}
}
