package docs_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"liandong/internal/db"
	"liandong/internal/db/dbtest"
	"liandong/internal/docs"
)

// distID is the SM2 user id the signer uses (GB/T 32918 default). OpenSSL
// 3.0 does not assume it: without -pkeyopt distid:… (pkeyutl) or -sigopt
// distid:… (dgst) it hashes an empty id and reports a failure.
const distID = "distid:1234567812345678"

// openssl runs the real openssl binary in dir and returns its combined
// output and whether it exited 0. A missing binary fails the test: the point
// is that an outside party with stock OpenSSL can check our documents.
func openssl(t *testing.T, dir string, args ...string) (string, bool) {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		t.Fatalf("openssl is not installed (Debian: apt-get install openssl). This test proves that documents verify with standard tools and must not be skipped: %v", err)
	}
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, exited := err.(*exec.ExitError); !exited {
			t.Fatalf("run openssl %s: %v", strings.Join(args, " "), err)
		}
	}
	return string(out), err == nil
}

// TestOpenSSLVerifiesIssuedDocuments does what docs/documents.md tells an
// outside verifier to do, with what the public verification answer and the
// public key export hand out.
func TestOpenSSLVerifiesIssuedDocuments(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		if out, _ := openssl(t, dir, "version"); !strings.HasPrefix(out, "OpenSSL 3.") {
			t.Fatalf("openssl version = %q; SM2 with -rawin needs OpenSSL 3", strings.TrimSpace(out))
		}
		f := newFixture(t, d, docs.Options{})
		if err := f.store.EnsureUnitKeys(ctx, []string{"fy411600"}); err != nil {
			t.Fatal(err)
		}
		doc := f.issue(t, docs.SamplePDF("openssl", 0), "协助执行通知书")

		// What a verifier gets: the file they hold, the public answer and
		// the unit's public key.
		rc, _, err := f.store.Open(ctx, doc.Digest)
		if err != nil {
			t.Fatal(err)
		}
		file, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.store.Verify(ctx, doc.Code)
		if err != nil {
			t.Fatal(err)
		}
		pemText, _, err := f.store.PublicKeyPEM(ctx, v.UnitCode)
		if err != nil {
			t.Fatal(err)
		}
		write := func(name string, data []byte) {
			t.Helper()
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		write("document.pdf", file)
		write("unit.pem", []byte(pemText))
		write("statement.txt", v.Statement)
		write("statement.sig", v.Signature)

		// 1. The file's digest, as the statement names it.
		out, ok := openssl(t, dir, "dgst", "-sm3", "document.pdf")
		if want := "SM3(document.pdf)= " + doc.Digest + "\n"; !ok || out != want {
			t.Errorf("openssl dgst -sm3: %q, want %q", out, want)
		}
		if !bytes.Contains(v.Statement, []byte("\nsm3: "+doc.Digest+"\n")) {
			t.Errorf("statement does not name the file digest:\n%s", v.Statement)
		}

		// 2. The signature over the statement.
		verify := []string{"pkeyutl", "-verify", "-pubin", "-inkey", "unit.pem", "-rawin", "-in", "statement.txt", "-sigfile", "statement.sig", "-digest", "sm3", "-pkeyopt", distID}
		if out, ok := openssl(t, dir, verify...); !ok || !strings.Contains(out, "Signature Verified Successfully") {
			t.Errorf("openssl %s: ok=%v\n%s", strings.Join(verify, " "), ok, out)
		}
		// The same with openssl dgst.
		dgstVerify := []string{"dgst", "-sm3", "-verify", "unit.pem", "-sigopt", distID, "-signature", "statement.sig", "statement.txt"}
		if out, ok := openssl(t, dir, dgstVerify...); !ok || !strings.Contains(out, "Verified OK") {
			t.Errorf("openssl %s: ok=%v\n%s", strings.Join(dgstVerify, " "), ok, out)
		}
		// Without the user id OpenSSL 3.0 uses an empty one (logged, not
		// asserted: a later OpenSSL may change its default).
		noID, ok := openssl(t, dir, verify[:len(verify)-2]...)
		t.Logf("without -pkeyopt %s: ok=%v %s", distID, ok, strings.TrimSpace(noID))

		// 3. The key line is the fingerprint of unit.pem.
		if out, ok := openssl(t, dir, "pkey", "-pubin", "-in", "unit.pem", "-outform", "DER", "-out", "unit.der"); !ok {
			t.Fatalf("openssl pkey: %s", out)
		}
		out, ok = openssl(t, dir, "dgst", "-sm3", "-r", "unit.der")
		if !ok || len(out) < 32 || !bytes.Contains(v.Statement, []byte("\nkey: "+out[:32]+"\n")) || out[:32] != v.KeyFingerprint {
			t.Errorf("key fingerprint from openssl %q, statement key %s", out, v.KeyFingerprint)
		}

		// 4. A tampered statement fails.
		write("statement.txt", bytes.Replace(v.Statement, []byte("执123号"), []byte("执124号"), 1))
		if out, ok := openssl(t, dir, verify...); ok || !strings.Contains(out, "Signature Verification Failure") {
			t.Errorf("tampered statement: ok=%v\n%s", ok, out)
		}
		if out, ok := openssl(t, dir, dgstVerify...); ok || !strings.Contains(out, "Verification failure") {
			t.Errorf("tampered statement with dgst: ok=%v\n%s", ok, out)
		}

		// 5. A correction record verifies the same way.
		fixed := f.issue(t, docs.SamplePDF("openssl corrected", 0), "协助执行通知书")
		old, err := f.store.Supersede(ctx, docs.SupersedeRequest{OldID: doc.ID, NewID: fixed.ID, Reason: "笔误", Username: courtUser})
		if err != nil {
			t.Fatal(err)
		}
		write("supersession.txt", old.Superseded.Statement)
		write("supersession.sig", old.Superseded.Signature)
		supVerify := []string{"pkeyutl", "-verify", "-pubin", "-inkey", "unit.pem", "-rawin", "-in", "supersession.txt", "-sigfile", "supersession.sig", "-digest", "sm3", "-pkeyopt", distID}
		if out, ok := openssl(t, dir, supVerify...); !ok || !strings.Contains(out, "Signature Verified Successfully") {
			t.Errorf("supersession: ok=%v\n%s", ok, out)
		}
	})
}
