package ident

import "testing"

func TestCompact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"11010519491231002X", "11010519491231002X"},
		{"11010519491231002x", "11010519491231002X"},
		{"１１０ １０５", "110105"},
		{"110\u3000105", "110105"},
		{"110-105—19491231", "11010519491231"},
		{"豫P·12345", "豫P12345"},
		{"豫p・12345", "豫P12345"},
		{"a\u00a0b\u200bc\ufeffd", "ABCD"},
		{"Ｅ１２３", "E123"},
		{"八", "八"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := compact(tc.in); got != tc.want {
			t.Errorf("compact(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := compact(compact(tc.in)); got != tc.want {
			t.Errorf("compact twice (%q) = %q", tc.in, got)
		}
	}
}

func TestCompactDoesNotAllocateWhenClean(t *testing.T) {
	for _, s := range []string{"11010519491231002X", "豫P12345"} {
		if n := testing.AllocsPerRun(100, func() { _ = compact(s) }); n != 0 {
			t.Errorf("compact(%q) allocates %v times", s, n)
		}
	}
}

func TestSourceRune(t *testing.T) {
	s := " 1-2\u3000Ｏ4"
	for i, want := range []rune{'1', '2', 'Ｏ', '4'} {
		if got := sourceRune(s, i); got != want {
			t.Errorf("sourceRune(%q, %d) = %q, want %q", s, i, got, want)
		}
	}
}

func TestConfusionHint(t *testing.T) {
	if confusionHint('O', "不是数字") == "" || confusionHint('l', "不是数字") == "" {
		t.Error("no hint for O / l in a digit position")
	}
	if confusionHint('O', "不是字母或数字") != "" || confusionHint('A', "不是数字") != "" {
		t.Error("unexpected hint")
	}
}
