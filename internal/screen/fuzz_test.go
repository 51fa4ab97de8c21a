package screen

import (
	"testing"
	"time"
	"unicode/utf8"

	"liandong/internal/ident"
	"liandong/internal/screen/hanzi"
)

var fuzzToday = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// The fast path for clean resident IDs must agree with ident on every
// input: same acceptance, same key.
func FuzzFastResidentID(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "110105194912310021", "810000199001010012", "910840199001010018", "71010019900101001X", "110105210012310025", "000000000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ferr := parseIDFast(s, fuzzToday)
		slow, serr := parseID(s, fuzzToday)
		if (ferr == nil) != (serr == nil) {
			t.Fatalf("%q: fast err %v, ident err %v", s, ferr, serr)
		}
		if ferr == nil && (fast != slow) {
			t.Fatalf("%q: fast %+v, ident %+v", s, fast, slow)
		}
		if serr != nil {
			if _, ok := serr.(*ident.Error); !ok {
				t.Fatalf("%q: error %T", s, serr)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1985-03-02", "19850302", "1985年3月2日", "1985", "１９８５", "2000-02-29", "9999-99-99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDate(s)
		if !ok {
			if d != 0 {
				t.Fatalf("%q: not ok but %v", s, d)
			}
			return
		}
		if !d.Valid() {
			t.Fatalf("%q: invalid date %v accepted", s, d)
		}
		if back, ok := ParseDate(d.String()); !ok || back != d {
			t.Fatalf("%q: %v does not round-trip (%v)", s, d, back)
		}
	})
}

func FuzzParseRegion(f *testing.F) {
	for _, s := range []string{"411603", "周口市淮阳区", "河南周口淮阳", "淮阳", "4116", "朝阳区", "周口市川汇区七一路12号", "北京"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, ok := parseRegion(s)
		if !ok {
			return
		}
		if r.level != 2 && r.level != 4 && r.level != 6 {
			t.Fatalf("%q: level %d", s, r.level)
		}
		if !validProvinceCode(r.code / 10000) {
			t.Fatalf("%q: code %d outside the provinces", s, r.code)
		}
		if r.level == 2 && r.code%10000 != 0 || r.level == 4 && r.code%100 != 0 {
			t.Fatalf("%q: code %d does not fit level %d", s, r.code, r.level)
		}
	})
}

var fuzzIndex = func() *Index {
	ix, _ := Build(1, func(yield func(Entry) bool) {
		for _, e := range []Entry{zhangsan, ouyang, maimaiti, unit, wangwei} {
			if !yield(e) {
				return
			}
		}
	})
	return ix
}()

// Screen never panics on any query and always answers consistently.
func FuzzScreen(f *testing.F) {
	f.Add("张三丰", "11010519491231002X", "", "", "")
	f.Add("歐陽 娜娜", "", "1985-03-02", "女", "周口市淮阳区")
	f.Add("买买提•艾力", "E12345678", "1979", "M", "650102")
	f.Add("周口市华鑫商贸有限公司", "91350100M000100Y43", "", "", "")
	f.Add("\xff", "１１０１０５", "年月日", "男女", "市区县")
	f.Fuzz(func(t *testing.T, name, id, birth, sex, region string) {
		r := fuzzIndex.Screen(Query{Ref: "r", Name: name, IDNumber: id, BirthDate: birth, Sex: sex, Region: region})
		if r.Ref != "r" || r.Version != 1 || len(r.Reasons) == 0 {
			t.Fatalf("incomplete result %+v", r)
		}
		if (r.Band == BandNone) != (r.EntryID == 0) {
			t.Fatalf("band %s with entry %d", r.Band, r.EntryID)
		}
		if r.Score < 0 || r.Score > 1 {
			t.Fatalf("score %v", r.Score)
		}
		if r.Band == BandHit && id == "" && birth == "" {
			t.Fatalf("a bare name hit: %+v", r)
		}
		for _, s := range r.Reasons {
			if !utf8.ValidString(s) {
				t.Fatalf("reason not UTF-8: %q", s)
			}
		}
	})
}

// parseQuery normalizes any input into values the tiers can rely on.
func FuzzParseQuery(f *testing.F) {
	f.Add("歐陽 娜娜", "41160319850302002x", "1985年3月2日", "女", "周口市淮阳区")
	f.Add("买买提·艾力", "１１０１０５４９１２３１００２", "", "M", "")
	f.Add("周口市华鑫商贸有限公司", "912307197703150849", "", "", "4116")
	f.Add("", "110105194912310021", "1985", "x", "火星")
	f.Fuzz(func(t *testing.T, name, id, birth, sex, region string) {
		pq := parseQuery(Query{Name: name, IDNumber: id, BirthDate: birth, Sex: sex, Region: region}, fuzzToday)
		if hanzi.Fold(pq.name) != pq.name || !utf8.ValidString(pq.name) {
			t.Fatalf("name %q not folded", pq.name)
		}
		if pq.sex != 0 && pq.sex != 'M' && pq.sex != 'F' {
			t.Fatalf("sex %q", pq.sex)
		}
		if pq.birth != 0 && (!pq.birth.Valid() || pq.birth > DateOf(fuzzToday) && pq.birthFrom != "") {
			t.Fatalf("birth %v from %q", pq.birth, pq.birthFrom)
		}
		if pq.region.code != 0 && !validProvinceCode(pq.region.code/10000) {
			t.Fatalf("region %v", pq.region)
		}
		if pq.idErr == nil && pq.typedID != "" {
			t.Fatalf("valid number with a typed fallback: %+v", pq)
		}
		if pq.typedID != "" && len(pq.typedID) != 15 && len(pq.typedID) != 18 {
			t.Fatalf("typed number %q", pq.typedID)
		}
		if pq.idErr == nil && pq.idGiven && pq.id.key == 0 {
			t.Fatalf("valid number without a key")
		}
	})
}
