package access

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"testing"
	"time"
)

// RFC 6238 Appendix B: 8-digit codes for the three HMACs, with the seeds
// the RFC's reference code uses (20, 32 and 64 bytes of "1234567890…").
func TestTOTPRFC6238Vectors(t *testing.T) {
	t.Parallel()
	seed := func(n int) []byte {
		const digits = "1234567890"
		b := make([]byte, n)
		for i := range b {
			b[i] = digits[i%10]
		}
		return b
	}
	algs := []struct {
		name string
		h    func() hash.Hash
		key  []byte
	}{
		{"SHA1", sha1.New, seed(20)},
		{"SHA256", sha256.New, seed(32)},
		{"SHA512", sha512.New, seed(64)},
	}
	vectors := []struct {
		unix int64
		want [3]string // SHA1, SHA256, SHA512
	}{
		{59, [3]string{"94287082", "46119246", "90693936"}},
		{1111111109, [3]string{"07081804", "68084774", "25091201"}},
		{1111111111, [3]string{"14050471", "67062674", "99943326"}},
		{1234567890, [3]string{"89005924", "91819424", "93441116"}},
		{2000000000, [3]string{"69279037", "90698825", "38618901"}},
		{20000000000, [3]string{"65353130", "77737706", "47863826"}},
	}
	for _, v := range vectors {
		for i, alg := range algs {
			step := totpStep(time.Unix(v.unix, 0))
			if got := hotp(alg.h, alg.key, uint64(step), 8); got != v.want[i] {
				t.Errorf("TOTP %s at %d = %s, want %s", alg.name, v.unix, got, v.want[i])
			}
		}
	}
}

// RFC 4226 Appendix D: HOTP values for counters 0–9.
func TestHOTPRFC4226Vectors(t *testing.T) {
	t.Parallel()
	key := []byte("12345678901234567890")
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for c, w := range want {
		if got := hotp(sha1.New, key, uint64(c), 6); got != w {
			t.Errorf("HOTP(%d) = %s, want %s", c, got, w)
		}
	}
}

func TestVerifyTOTPWindowAndReplay(t *testing.T) {
	t.Parallel()
	key := []byte("12345678901234567890")
	now := time.Unix(1111111111, 0)
	cur := totpStep(now)
	code := func(step int64) string { return hotp(sha1.New, key, uint64(step), totpDigits) }
	tests := []struct {
		name     string
		code     string
		lastStep int64
		want     codeResult
		wantStep int64
	}{
		{"current step", code(cur), 0, codeOK, cur},
		{"one step behind", code(cur - 1), 0, codeOK, cur - 1},
		{"one step ahead", code(cur + 1), 0, codeOK, cur + 1},
		{"two steps behind", code(cur - 2), 0, codeWrong, 0},
		{"two steps ahead", code(cur + 2), 0, codeWrong, 0},
		{"garbage", "000000x", 0, codeWrong, 0},
		{"same step again", code(cur), cur, codeReplayed, cur},
		{"older step after a newer one was used", code(cur - 1), cur, codeReplayed, cur - 1},
		{"next step after the current was used", code(cur + 1), cur, codeOK, cur + 1},
	}
	for _, tt := range tests {
		step, got := verifyTOTP(key, tt.code, now, tt.lastStep)
		if got != tt.want || (got != codeWrong && step != tt.wantStep) {
			t.Errorf("%s: verifyTOTP = (%d, %v), want (%d, %v)", tt.name, step, got, tt.wantStep, tt.want)
		}
	}
}

func TestRecoveryCodes(t *testing.T) {
	t.Parallel()
	codes, err := newRecoveryCodes()
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != recoveryCount {
		t.Fatalf("%d codes, want %d", len(codes), recoveryCount)
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 2*recoveryHalf+1 || c[recoveryHalf] != '-' {
			t.Errorf("code %q is not xxxxx-xxxxx", c)
		}
		if isTOTPFormat(c) || isTOTPFormat(normalizeRecoveryCode(c)) {
			t.Errorf("code %q could be taken for a TOTP code", c)
		}
		if seen[c] {
			t.Errorf("code %q twice", c)
		}
		seen[c] = true
	}
	if got := normalizeRecoveryCode(" AB3DE-fgh7k "); got != "ab3defgh7k" {
		t.Errorf("normalize = %q", got)
	}
}

func TestErrLockedRoundsUpToTheMinute(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 6, 20, 10, 0, time.UTC) // 14:20:10 in China
	s := &Service{cfg: Config{Now: func() time.Time { return now }}.withDefaults()}
	tests := []struct {
		until time.Time
		want  string
	}{
		{now.Add(15 * time.Minute), "账号已锁定，请于 14:36 后重试"},
		{time.Date(2026, 3, 2, 6, 35, 0, 0, time.UTC), "账号已锁定，请于 14:35 后重试"},
		{time.Date(2026, 3, 2, 16, 5, 0, 0, time.UTC), "账号已锁定，请于 3月3日 00:05 后重试"},
	}
	for _, tt := range tests {
		err := s.errLocked(tt.until)
		if got := err.(interface{ Error() string }).Error(); got != "auth.locked: "+tt.want {
			t.Errorf("errLocked(%v) = %q, want %q", tt.until, got, tt.want)
		}
	}
}
