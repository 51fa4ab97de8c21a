package screen

import (
	"sync"
	"testing"
)

func TestCurrentRemovalNeverHits(t *testing.T) {
	c := NewCurrent(mustBuild(t, 10, zhangsan, ouyang))
	byID := Query{Name: "张三丰", IDNumber: "11010519491231002X"}
	byName := Query{Name: "欧阳娜娜", BirthDate: "1985-03-02", Sex: "女", Region: "411603"}
	if r := c.Screen(byID); r.Band != BandHit || r.Version != 10 {
		t.Fatalf("before removal: %+v", r)
	}
	if err := c.Apply(Change{Version: 11, Remove: 1}, Change{Version: 12, Remove: 2}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []Query{byID, byName} {
		r := c.Screen(q)
		if r.Band != BandNone || r.EntryID != 0 || r.Version != 12 {
			t.Fatalf("after removal %q: %+v", q.Name, r)
		}
	}
	// A rebuild that started before the removal (version 10) keeps it removed.
	if err := c.Swap(mustBuild(t, 10, zhangsan, ouyang)); err != nil {
		t.Fatal(err)
	}
	if r := c.Screen(byID); r.Band != BandNone || r.Version != 12 {
		t.Fatalf("after swapping in an older rebuild: %+v", r)
	}
	// An index older than the one in use is refused.
	if err := c.Swap(mustBuild(t, 9)); err == nil {
		t.Fatal("an older index was swapped in")
	}
	// A rebuild at version 12 no longer has the entries at all.
	if err := c.Swap(mustBuild(t, 12)); err != nil {
		t.Fatal(err)
	}
	if c.Pending() != 0 {
		t.Errorf("pending %d after a current rebuild", c.Pending())
	}
	if r := c.Screen(byID); r.Band != BandNone {
		t.Fatalf("after rebuild: %+v", r)
	}
}

func TestCurrentAddAndCorrect(t *testing.T) {
	c := NewCurrent(mustBuild(t, 1, ouyang, wangwei))
	added := zhangsan
	if err := c.Apply(Change{Version: 2, Add: &added}); err != nil {
		t.Fatal(err)
	}
	r := c.Screen(Query{Name: "张三丰", IDNumber: "11010519491231002X"})
	if r.Band != BandHit || r.EntryID != 1 || r.Version != 2 {
		t.Fatalf("added entry: %+v", r)
	}
	// A correction replaces the entry: the old name no longer hits by name.
	corrected := ouyang
	corrected.Name = "欧阳丽丽"
	if err := c.Apply(Change{Version: 3, Add: &corrected}); err != nil {
		t.Fatal(err)
	}
	if r := c.Screen(Query{Name: "欧阳娜娜", BirthDate: "1985-03-02", Sex: "女", Region: "411603"}); r.Band != BandNone {
		t.Fatalf("old name after correction: %+v", r)
	}
	if r := c.Screen(Query{Name: "欧阳丽丽", BirthDate: "1985-03-02", Sex: "女", Region: "411603"}); r.Band != BandHit || r.EntryID != 2 {
		t.Fatalf("corrected name: %+v", r)
	}
	// Stale changes are ignored.
	if err := c.Apply(Change{Version: 3, Remove: 2}); err != nil {
		t.Fatal(err)
	}
	if c.Version() != 3 {
		t.Errorf("version %d", c.Version())
	}
	out := make([]Result, 2)
	c.ScreenBatch([]Query{{Ref: "a", IDNumber: "11010519491231002X", Name: "张三丰"}, {Ref: "b", Name: "无名"}}, out)
	if out[0].Ref != "a" || out[0].Band != BandHit || out[1].Ref != "b" || out[1].Band != BandNone || out[1].Version != 3 {
		t.Fatalf("batch: %+v", out)
	}
}

// Readers never see a removed entry once Apply has returned, while
// writers keep applying (run with -race).
func TestCurrentConcurrent(t *testing.T) {
	var es []Entry
	for i := range 200 {
		e := zhangsan
		e.ID = int64(i + 1)
		es = append(es, e)
	}
	c := NewCurrent(mustBuild(t, 1, es...))
	q := Query{Name: "张三丰", IDNumber: "11010519491231002X"}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_ = c.Screen(q)
			}
		}()
	}
	for i := range 200 {
		id := int64(i + 1)
		if err := c.Apply(Change{Version: uint64(i + 2), Remove: id}); err != nil {
			t.Fatal(err)
		}
		if r := c.Screen(q); r.EntryID != 0 && r.EntryID <= id {
			t.Fatalf("entry %d reported after its removal", r.EntryID)
		}
	}
	close(stop)
	wg.Wait()
	if r := c.Screen(q); r.Band != BandNone {
		t.Fatalf("all removed: %+v", r)
	}
}

// Removing one of two entries of the same person leaves the other one
// found: the mask hides an entry, not the number.
func TestRemovalDoesNotHideAnotherCase(t *testing.T) {
	second := zhangsan
	second.ID = 2
	c := NewCurrent(mustBuild(t, 1, zhangsan, second))
	if err := c.Apply(Change{Version: 2, Remove: 1}); err != nil {
		t.Fatal(err)
	}
	r := c.Screen(Query{Name: "张三丰", IDNumber: "11010519491231002X"})
	if r.Band != BandHit || r.EntryID != 2 {
		t.Fatalf("%+v", r)
	}
}

// An entry added between rebuilds is found by name too, weighed with the
// base's frequencies.
func TestDeltaNameTier(t *testing.T) {
	c := NewCurrent(mustBuild(t, 1, append(crowd("王伟", 50, 100), wangwei)...))
	added := Entry{ID: 7, Person: true, Name: "诸葛明亮", Sex: 'M', Birth: NewDate(1975, 5, 5), Region: "411602"}
	if err := c.Apply(Change{Version: 2, Add: &added}); err != nil {
		t.Fatal(err)
	}
	r := c.Screen(Query{Name: "诸葛明亮", BirthDate: "1975-05-05", Sex: "男", Region: "周口市川汇区"})
	if r.Band != BandHit || r.EntryID != 7 || r.Version != 2 {
		t.Fatalf("%+v", r)
	}
	// The base's 51 王伟 make the name common for the delta as well.
	common := Entry{ID: 8, Person: true, Name: "王伟", Sex: 'M', Birth: NewDate(1966, 6, 6)}
	if err := c.Apply(Change{Version: 3, Add: &common}); err != nil {
		t.Fatal(err)
	}
	if r := c.Screen(Query{Name: "王伟", BirthDate: "1966"}); r.Band != BandNone {
		t.Fatalf("common name with a year: %+v", r)
	}
}
