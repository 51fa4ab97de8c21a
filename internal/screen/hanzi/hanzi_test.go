package hanzi

import (
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	cases := []struct{ in, want string }{
		{"张三", "张三"},
		{"張三", "张三"},
		{"歐陽 娜娜", "欧阳娜娜"},
		{"买买提·艾力", "买买提艾力"},
		{"买买提•艾力", "买买提艾力"},
		{"买买提‧艾力", "买买提艾力"},
		{"买买提･艾力", "买买提艾力"},
		{"买买提.艾力", "买买提艾力"},
		{"　王　五　", "王五"},
		{"ｊｏｈｎ smith", "JOHNSMITH"},
		{"李喆", "李哲"},
		{"王堃", "王坤"},
		{"後發", "后发"},
		{"", ""},
		{"!!", ""},
	}
	for _, c := range cases {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFoldIdempotent(t *testing.T) {
	for _, s := range []string{"張三豐", "歐陽修", "阿不都·热合曼", "Ｍａｒｙ"} {
		f := Fold(s)
		if Fold(f) != f {
			t.Errorf("Fold not idempotent on %q: %q then %q", s, f, Fold(f))
		}
	}
}

func TestSound(t *testing.T) {
	same := func(a, b rune, surname bool) (bool, bool) {
		sa, la := Sound(a, surname)
		sb, lb := Sound(b, surname)
		return sa == sb, la == lb
	}
	cases := []struct {
		a, b          rune
		surname       bool
		strict, loose bool
	}{
		{'伟', '炜', false, true, true},
		{'伟', '薇', false, true, true},
		{'张', '章', false, true, true},
		{'张', '臧', false, false, true}, // zhang / zang
		{'林', '宁', false, false, true}, // lin / ning: n/l and -in/-ing
		{'胡', '符', false, false, true}, // hu / fu
		{'张', '王', false, false, false},
		{'单', '善', true, true, true}, // 单 as a surname is Shan
		{'单', '丹', false, true, true},
	}
	for _, c := range cases {
		s, l := same(c.a, c.b, c.surname)
		if s != c.strict || l != c.loose {
			sa, la := Sound(c.a, c.surname)
			sb, lb := Sound(c.b, c.surname)
			t.Errorf("%c/%c: strict %v loose %v, want %v %v (%s %s / %s %s)", c.a, c.b, s, l, c.strict, c.loose,
				SyllableText(sa), SyllableText(la), SyllableText(sb), SyllableText(lb))
		}
	}
	if s, _ := Sound('·', false); s != 0 {
		t.Errorf("middle dot has a syllable")
	}
}

func TestSurnames(t *testing.T) {
	list := Surnames()
	if len(list) < 300 {
		t.Fatalf("only %d surnames", len(list))
	}
	if list[0].Name != "王" || list[0].Share < 0.07 || list[0].Share > 0.08 {
		t.Errorf("first surname %+v", list[0])
	}
	var total float64
	compound := 0
	for _, s := range list {
		total += s.Share
		if s.Compound {
			compound++
		}
		if utf8.RuneCountInString(s.Name) != 1 && !s.Compound {
			t.Errorf("%q neither single nor compound", s.Name)
		}
	}
	if total < 0.8 || total > 1 {
		t.Errorf("total share %v", total)
	}
	if compound < 10 {
		t.Errorf("%d compound surnames", compound)
	}
	for _, c := range []struct {
		name string
		n    int
	}{{"欧阳娜娜", 2}, {"司马光", 2}, {"诸葛亮", 2}, {"张伟", 1}, {"欧阳", 1}, {"王", 1}, {"", 0}} {
		if got := SplitSurname([]rune(c.name)); got != c.n {
			t.Errorf("SplitSurname(%s) = %d, want %d", c.name, got, c.n)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"張三", "买买提·艾力", "ｊｏｈｎ", "\xff\xfe", "〇"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 from %q", s)
		}
		if Fold(got) != got {
			t.Fatalf("not idempotent: %q → %q → %q", s, got, Fold(got))
		}
		for _, r := range got {
			if FoldRune(r) != r {
				t.Fatalf("rune %q of the result folds further", r)
			}
		}
	})
}

func TestFoldChangedAndTraditional(t *testing.T) {
	cases := []struct {
		in      string
		want    string
		changed bool
	}{
		{"张三", "张三", false},
		{"張三", "张三", true},
		{"买买提·艾力", "买买提艾力", false},
		{"ＷＡＮＧ", "WANG", true},
		{"wang", "WANG", false},
	}
	for _, c := range cases {
		got, ch := FoldChanged(c.in)
		if got != c.want || ch != c.changed {
			t.Errorf("FoldChanged(%q) = %q %v, want %q %v", c.in, got, ch, c.want, c.changed)
		}
	}
	for _, s := range []string{"张伟", "欧阳娜娜", "刘德华", "陈发财"} {
		tr := ToTraditional(s)
		if Fold(tr) != s {
			t.Errorf("Fold(ToTraditional(%s)) = %s", s, Fold(tr))
		}
	}
	if ToTraditional("张伟") == "张伟" {
		t.Errorf("张伟 has no traditional form")
	}
}
