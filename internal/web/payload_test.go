package web

import "testing"

func TestMaskPersonal(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{"id_number":"41160219900101123X"}`: `{"id_number":"411602********123X"}`,
		"联系电话 13803940000，护照 E12345678":      "联系电话 138****0000，护照 E1*****78",
		"川汇区七一路 18 号院":                       "川汇区七一路 18 号院",
		"（2025）豫16执123号":                     "（2025）豫16执123号",
	} {
		if got := maskPersonal(in); got != want {
			t.Errorf("maskPersonal(%q) = %q, want %q", in, got, want)
		}
	}
}
