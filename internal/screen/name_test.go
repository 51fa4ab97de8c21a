package screen

import (
	"fmt"
	"testing"
)

// crowd returns n people named name (born on spread-out days), to make
// a name common on the list.
func crowd(name string, n int, firstID int64) []Entry {
	out := make([]Entry, n)
	for i := range out {
		out[i] = Entry{ID: firstID + int64(i), Person: true, Name: name, Sex: 'M', Birth: NewDate(1950+i%50, 1+i%12, 1+i%28), Region: fmt.Sprintf("%d", 110101+i%8)}
	}
	return out
}

func TestNameTier(t *testing.T) {
	es := []Entry{ouyang, maimaiti, wangwei,
		{ID: 6, Person: true, Name: "司马懿明", Sex: 'M', Birth: NewDate(1970, 7, 7), Region: "411602"},
		{ID: 7, Person: true, Name: "李娜", Sex: 'F', Birth: NewDate(1990, 2, 3), Region: "411602"},
	}
	es = append(es, crowd("王伟", 400, 1000)...)
	es = append(es, crowd("陈建国", 3, 2000)...)
	ix := mustBuild(t, 3, es...)
	cases := []struct {
		name  string
		q     Query
		band  Band
		entry int64
		why   string
	}{
		{"rare name, date, sex, place", Query{Name: "欧阳娜娜", BirthDate: "1985-03-02", Sex: "女", Region: "周口市淮阳区"}, BandHit, 2, "籍贯区县一致"},
		{"retired code of the same county", Query{Name: "欧阳娜娜", BirthDate: "1985-03-02", Sex: "女", Region: "411626"}, BandHit, 2, "籍贯区县一致"},
		{"traditional", Query{Name: "歐陽娜娜", BirthDate: "19850302", Sex: "F"}, BandHit, 2, "已归一"},
		{"middle dot variants", Query{Name: "买买提•艾力", BirthDate: "1979年5月6日", Sex: "男"}, BandHit, 3, "姓名一致"},
		{"no dot", Query{Name: "买买提艾力", BirthDate: "1979-05-06"}, BandHit, 3, "出生日期一致"},
		{"compound surname homophone", Query{Name: "司马懿鸣", BirthDate: "1970-07-07", Sex: "男", Region: "411602"}, BandHit, 6, "同音"},
		{"near birth date", Query{Name: "欧阳娜娜", BirthDate: "1985-03-12", Sex: "女"}, BandReview, 2, "出生日期相近"},
		{"bare rare name", Query{Name: "欧阳娜娜"}, BandReview, 2, "未提供出生日期"},
		{"year only", Query{Name: "欧阳娜娜", BirthDate: "1985"}, BandReview, 2, "出生年份一致"},
		{"two-character homophone never hits", Query{Name: "李纳", BirthDate: "1990-02-03", Sex: "女", Region: "411602"}, BandReview, 7, "同音"},
		{"common name with a birth year is no evidence", Query{Name: "王伟", BirthDate: "1980"}, BandNone, 0, "证据不足"},
		{"common name with a date alone is no hit", Query{Name: "王伟", BirthDate: "1980-01-01"}, BandNone, 0, "常见姓名"},
		{"other date", Query{Name: "欧阳娜娜", BirthDate: "1977-11-20", Sex: "女"}, BandNone, 0, "未发现匹配"},
		{"unknown", Query{Name: "赵钱孙", BirthDate: "1980-01-01"}, BandNone, 0, "未发现匹配"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ix.Screen(c.q)
			if r.Band != c.band || r.EntryID != c.entry {
				t.Fatalf("got %s entry %d score %.3f (%v), want %s entry %d", r.Band, r.EntryID, r.Score, r.Reasons, c.band, c.entry)
			}
			if !hasReason(r, c.why) {
				t.Errorf("reasons %v lack %q", r.Reasons, c.why)
			}
			if r.Band != BandNone && r.Tier != TierName {
				t.Errorf("tier %s", r.Tier)
			}
		})
	}
}

func TestBareNameNeverHits(t *testing.T) {
	ix := mustBuild(t, 1, ouyang, maimaiti)
	for _, n := range []string{"欧阳娜娜", "买买提·艾力"} {
		if r := ix.Screen(Query{Name: n}); r.Band == BandHit {
			t.Errorf("bare name %s: %+v", n, r)
		}
	}
}

func TestValidIDOfSomeoneElseBlocksNameMatch(t *testing.T) {
	listed := Entry{ID: 1, Person: true, Name: "欧阳娜娜", IDs: []string{"411603198503020026"}}
	ix := mustBuild(t, 1, listed)
	// A namesake born the same day, with her own (valid, different) number.
	r := ix.Screen(Query{Name: "欧阳娜娜", IDNumber: "411602198503020046", BirthDate: "1985-03-02"})
	if r.Band != BandNone {
		t.Fatalf("namesake with her own number: %+v", r)
	}
	// The listed number mistyped (two digits swapped): the name and the near number decide.
	r = ix.Screen(Query{Name: "欧阳娜娜", IDNumber: "411603198503200026"})
	if r.Band == BandNone || r.EntryID != 1 || !hasReason(r, "仅差一两位") {
		t.Fatalf("mistyped number: %+v", r)
	}
}

func TestRelate(t *testing.T) {
	cases := []struct {
		q, e string
		rel  nameRel
	}{
		{"张伟", "张伟", relExact},
		{"张炜", "张伟", relHomophone},
		{"臧伟", "张伟", relSimilar},
		{"张卫明", "张伟明", relHomophone},
		{"张伟明", "张伟民", relSimilar},
		{"张伟", "张强", relOneChar},
		{"张伟民", "张伟", relMissing},
		{"张伟", "李强", relNone},
		{"王小明", "张大明", relNone},
	}
	for _, c := range cases {
		if got := relate([]rune(c.q), []rune(c.e)); got.rel != c.rel {
			t.Errorf("relate(%s, %s) = %v, want %v", c.q, c.e, got.rel, c.rel)
		}
	}
}
