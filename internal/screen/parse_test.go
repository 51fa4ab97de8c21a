package screen

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	cases := []struct {
		in   string
		want Date
		ok   bool
	}{
		{"1985-03-02", 19850302, true},
		{"1985-3-2", 19850302, true},
		{"19850302", 19850302, true},
		{"1985/03/02", 19850302, true},
		{"1985.03.02", 19850302, true},
		{"1985年3月2日", 19850302, true},
		{"１９８５－０３－０２", 19850302, true},
		{"1985", 19850000, true},
		{"1985年", 19850000, true},
		{"2000-02-29", 20000229, true},
		{"1900-02-29", 0, false},
		{"1985-13-01", 0, false},
		{"1985-02-30", 0, false},
		{"85-03-02", 0, false},
		{"", 0, false},
		{"abc", 0, false},
		{"1985-03-02-04", 0, false},
	}
	for _, c := range cases {
		got, ok := ParseDate(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseDate(%q) = %v %v, want %v %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseRegion(t *testing.T) {
	cases := []struct {
		in    string
		code  uint32
		level uint8
	}{
		{"411603", 411603, 6},
		{"411600", 411600, 4},
		{"410000", 410000, 2},
		{"4116", 411600, 4},
		{"周口市淮阳区", 411603, 6},
		{"河南省周口市淮阳区", 411603, 6},
		{"河南周口淮阳", 411603, 6},
		{"淮阳", 411603, 6},
		{"周口", 411600, 4},
		{"周口市", 411600, 4},
		{"河南", 410000, 2},
		{"鹿邑县", 411628, 6},
		{"周口市川汇区七一路12号", 411602, 6},
		{"北京市朝阳区", 110105, 6},
		{"朝阳区", 0, 0}, // two current districts bear the name
		{"991234", 0, 0},
		{"火星", 0, 0},
	}
	for _, c := range cases {
		got, ok := parseRegion(c.in)
		if got.code != c.code || got.level != c.level || ok != (c.code != 0) {
			t.Errorf("parseRegion(%q) = %+v %v, want %d/%d", c.in, got, ok, c.code, c.level)
		}
	}
	if a := compareRegion(regionRef{411626, 6}, 411603); a != regionCounty {
		t.Errorf("淮阳县 411626 vs 淮阳区 411603: %v", a)
	}
	if a := compareRegion(regionRef{411602, 6}, 411603); a != regionPrefecture {
		t.Errorf("川汇 vs 淮阳: %v", a)
	}
	if a := compareRegion(regionRef{410000, 2}, 411603); a != regionProvince {
		t.Errorf("河南 vs 淮阳: %v", a)
	}
	if a := compareRegion(regionRef{110105, 6}, 411603); a != regionDiffer {
		t.Errorf("朝阳 vs 淮阳: %v", a)
	}
}

func TestParseQueryFillsFromID(t *testing.T) {
	today := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pq := parseQuery(Query{Name: " 張 三 ", IDNumber: "11010519491231002X"}, today)
	if pq.name != "张三" || !pq.refolded || pq.birth != 19491231 || pq.sex != 'F' || pq.region.code != 110105 {
		t.Fatalf("%+v", pq)
	}
	pq = parseQuery(Query{Name: "张三", IDNumber: "110105194912310021"}, today)
	if pq.idErr == nil || pq.typedID == "" || pq.birth != 19491231 || pq.region.code != 110105 {
		t.Fatalf("typed number: %+v", pq)
	}
	pq = parseQuery(Query{Name: "周口市华鑫商贸有限公司"}, today)
	if !pq.org {
		t.Fatal("unit name not recognised")
	}
}

func TestUnreadableInputIsSaid(t *testing.T) {
	ix := mustBuild(t, 1, ouyang)
	r := ix.Screen(Query{Name: "欧阳娜娜", BirthDate: "去年", Region: "火星"})
	if !hasReason(r, "出生日期无法识别") || !hasReason(r, "地区无法识别") {
		t.Fatalf("%+v", r)
	}
	if r.Band == BandHit {
		t.Fatalf("a name without a readable date hit: %+v", r)
	}
	r = ix.Screen(Query{Name: "欧阳娜娜", IDNumber: "411603198503020027"})
	if !hasReason(r, "证件号无效") || !hasReason(r, "取自所填证件号") {
		t.Fatalf("%+v", r)
	}
}
