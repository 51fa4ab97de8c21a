package screen

import "testing"

func TestExactTier(t *testing.T) {
	ix := mustBuild(t, 7, zhangsan, ouyang, maimaiti, unit, wangwei)
	cases := []struct {
		name     string
		q        Query
		band     Band
		entry    int64
		reasonIn string
	}{
		{"18 digits", Query{Name: "张三丰", IDNumber: "11010519491231002X"}, BandHit, 1, "身份证号一致"},
		{"lower-case x", Query{Name: "张三丰", IDNumber: "11010519491231002x"}, BandHit, 1, "身份证号一致"},
		{"spaces", Query{Name: "张三丰", IDNumber: "110105 19491231 002X"}, BandHit, 1, "身份证号一致"},
		{"full-width", Query{Name: "张三丰", IDNumber: "１１０１０５１９４９１２３１００２Ｘ"}, BandHit, 1, "身份证号一致"},
		{"15-digit legacy", Query{Name: "张三丰", IDNumber: "110105491231002"}, BandHit, 1, "15 位旧身份证号升位后"},
		{"traditional name", Query{Name: "張三豐", IDNumber: "11010519491231002X"}, BandHit, 1, "已归一"},
		{"homophone name", Query{Name: "张三峰", IDNumber: "11010519491231002X"}, BandReview, 1, "同音"},
		{"other name", Query{Name: "李四", IDNumber: "11010519491231002X"}, BandReview, 1, "姓名不一致"},
		{"no name", Query{IDNumber: "11010519491231002X"}, BandReview, 1, "未提供姓名"},
		{"passport", Query{Name: "欧阳娜娜", IDNumber: "e1234 5678"}, BandHit, 2, "护照号一致"},
		{"credit code", Query{Name: "周口市华鑫商贸有限公司", IDNumber: "91350100M000100Y43"}, BandHit, 4, "统一社会信用代码一致"},
		{"legal representative", Query{Name: "李四", IDNumber: "110105194912310038"}, BandReview, 4, "法定代表人"},
		{"not listed", Query{Name: "赵六", IDNumber: "110105194912310054"}, BandNone, 0, "身份证号不在名单上"},
		{"invalid number", Query{Name: "赵六", IDNumber: "110105194912310053"}, BandNone, 0, "证件号无效"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ix.Screen(c.q)
			if r.Band != c.band || r.EntryID != c.entry {
				t.Fatalf("got %s entry %d (%v), want %s entry %d", r.Band, r.EntryID, r.Reasons, c.band, c.entry)
			}
			if !hasReason(r, c.reasonIn) {
				t.Errorf("reasons %v lack %q", r.Reasons, c.reasonIn)
			}
			if r.Version != 7 {
				t.Errorf("version %d", r.Version)
			}
			if c.band == BandHit && r.Tier != TierExact {
				t.Errorf("tier %s", r.Tier)
			}
		})
	}
}

// 912307197703150849 is both a valid credit code and a valid 2023 foreign
// permanent resident ID: as a unit's code it must still be found.
func TestCreditCodeThatReadsAsForeignID(t *testing.T) {
	u := Entry{ID: 1, Name: "哈尔滨某某商贸有限公司", CreditCode: "912307197703150849"}
	b := NewBuilder(1, 1)
	if err := b.Add(u); err != nil {
		t.Fatal(err)
	}
	if b.Skipped() != 0 {
		t.Fatalf("skipped: %v", b.SkipReasons())
	}
	ix := b.Finish()
	r := ix.Screen(Query{Name: u.Name, IDNumber: "912307197703150849"})
	if r.Band != BandHit || r.EntryID != 1 {
		t.Fatalf("%+v", r)
	}
}

func TestRepeatedPersonHitsEitherEntry(t *testing.T) {
	second := zhangsan
	second.ID = 9
	ix := mustBuild(t, 1, zhangsan, second)
	r := ix.Screen(Query{Name: "张三丰", IDNumber: "11010519491231002X"})
	if r.Band != BandHit || r.EntryID != 1 {
		t.Fatalf("got %+v", r)
	}
}
