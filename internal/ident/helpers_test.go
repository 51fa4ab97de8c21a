package ident

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// testToday fixes "today" for birth-date and case-year checks.
var testToday = time.Date(2025, 6, 15, 10, 30, 0, 0, time.FixedZone("CST", 8*3600))

// withCheck appends the GB 11643 check character to 17 digits. It computes
// the weights as 2^(17-i) mod 11 rather than reusing the production table.
func withCheck(body17 string) string {
	if len(body17) != 17 {
		panic("withCheck: need 17 digits, got " + body17)
	}
	sum := 0
	for i := 0; i < 17; i++ {
		w := 1
		for j := 0; j < 17-i; j++ {
			w = w * 2 % 11
		}
		sum += int(body17[i]-'0') * w
	}
	return body17 + string("10X98765432"[sum%11])
}

// errCase is an input that must fail with a given code and a message that
// names what is wrong.
type errCase struct {
	name string
	kind Kind
	in   string
	code string   // the suffix after "kind."
	want []string // substrings the message must contain
}

func runErrCases(t *testing.T, cases []errCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CheckAt(tc.kind, tc.in, testToday)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("CheckAt(%s, %q) error = %v, want *Error", tc.kind, tc.in, err)
			}
			if want := string(tc.kind) + "." + tc.code; e.Code != want {
				t.Fatalf("CheckAt(%s, %q) code = %q (%s), want %q", tc.kind, tc.in, e.Code, e.Message, want)
			}
			if e.Kind != tc.kind {
				t.Errorf("Kind = %q, want %q", e.Kind, tc.kind)
			}
			for _, w := range tc.want {
				if !strings.Contains(e.Message, w) {
					t.Errorf("message %q does not contain %q", e.Message, w)
				}
			}
			if !strings.HasPrefix(e.Error(), tc.kind.Label()+"无效：") {
				t.Errorf("Error() = %q, want it to start with the kind's label", e.Error())
			}
		})
	}
}

// validCase is an input that must be valid, with its normalized form and
// facts that must be present.
type validCase struct {
	name  string
	kind  Kind
	in    string
	norm  string
	facts map[string]string
}

func runValidCases(t *testing.T, cases []validCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := CheckAt(tc.kind, tc.in, testToday)
			if err != nil {
				t.Fatalf("CheckAt(%s, %q) error: %v", tc.kind, tc.in, err)
			}
			if r.Kind != tc.kind || r.Input != tc.in {
				t.Errorf("Kind, Input = %q, %q; want %q, %q", r.Kind, r.Input, tc.kind, tc.in)
			}
			if r.Normalized != tc.norm {
				t.Errorf("Normalized = %q, want %q", r.Normalized, tc.norm)
			}
			for k, want := range tc.facts {
				got, ok := r.Fact(k)
				if !ok {
					t.Errorf("fact %q missing; facts: %v", k, r.Facts)
					continue
				}
				if got != want {
					t.Errorf("fact %q = %q, want %q", k, got, want)
				}
			}
			// Normalizing twice changes nothing.
			again, err := CheckAt(tc.kind, r.Normalized, testToday)
			if err != nil || again.Normalized != r.Normalized {
				t.Errorf("re-check of %q = %q, %v", r.Normalized, again.Normalized, err)
			}
		})
	}
}
