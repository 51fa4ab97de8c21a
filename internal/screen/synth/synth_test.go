package synth

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"liandong/internal/ident"
	"liandong/internal/screen"
	"liandong/internal/screen/hanzi"
)

func TestListIsDeterministicAndValid(t *testing.T) {
	l := New(Config{Seed: 1, Entries: 20_000})
	again := New(Config{Seed: 1, Entries: 20_000})
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	var persons, units, minority, compound, passports, repeats int
	seen := map[int]bool{}
	for i := 0; i < l.Len(); i++ {
		e := l.Entry(i)
		if !reflect.DeepEqual(e, again.Entry(i)) {
			t.Fatalf("entry %d differs between two lists of the same seed", i)
		}
		if e.ID != int64(i+1) {
			t.Fatalf("entry %d has ID %d", i, e.ID)
		}
		if !e.Person {
			units++
			if _, err := ident.ParseCreditCode(e.CreditCode); err != nil {
				t.Fatalf("unit %d: %v", i, err)
			}
			if _, err := ident.ParseResidentIDAt(e.LegalRepID, asOf); err != nil || e.LegalRep == "" {
				t.Fatalf("unit %d legal representative: %q %v", i, e.LegalRep, err)
			}
			continue
		}
		persons++
		if p := l.PersonOf(i); seen[p] {
			repeats++
		} else {
			seen[p] = true
		}
		id, err := ident.ParseResidentIDAt(e.IDs[0], asOf)
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if screen.DateOf(id.BirthDate) != e.Birth || string(id.Sex) != string(e.Sex) || id.Region != e.Region {
			t.Fatalf("entry %d: number %s disagrees with %v %c %s", i, e.IDs[0], e.Birth, e.Sex, e.Region)
		}
		if asOf.AddDate(-18, 0, 0).Before(id.BirthDate) {
			t.Fatalf("entry %d is a minor: born %v", i, e.Birth)
		}
		if len(e.IDs) > 1 {
			passports++
			if _, err := ident.ParsePassport(e.IDs[1]); err != nil {
				t.Fatalf("entry %d passport: %v", i, err)
			}
		}
		if strings.Contains(e.Name, "·") {
			minority++
		}
		if hanzi.SplitSurname([]rune(e.Name)) == 2 {
			compound++
		}
		if n := utf8.RuneCountInString(e.Name); n < 2 {
			t.Fatalf("entry %d name %q", i, e.Name)
		}
	}
	t.Logf("persons %d, units %d, minority %d, compound %d, passports %d, repeats %d", persons, units, minority, compound, passports, repeats)
	if units < 500 || minority < 100 || compound < 5 || passports < 1000 || repeats < 200 {
		t.Errorf("mix off: units %d, minority %d, compound %d, passports %d, repeats %d", units, minority, compound, passports, repeats)
	}
}

func TestQueriesAreLabelled(t *testing.T) {
	l := New(Config{Seed: 2, Entries: 10_000})
	qs := l.Queries(3000)
	kinds := map[string]int{}
	asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	for _, q := range qs {
		kinds[q.Kind]++
		if strings.HasPrefix(q.Kind, "neg_") == q.OnList() {
			t.Fatalf("%s labelled on list %v", q.Kind, q.OnList())
		}
		if q.ValidID {
			if _, err := ident.DetectAt(q.IDNumber, asOf); err != nil {
				t.Fatalf("%s: %q not valid: %v", q.Kind, q.IDNumber, err)
			}
		}
		switch q.Kind {
		case "true_typo_id":
			if _, err := ident.ParseResidentIDAt(q.IDNumber, asOf); err == nil {
				t.Fatalf("mistyped number %q is valid", q.IDNumber)
			}
		case "true_legacy15":
			if len(q.IDNumber) != 15 {
				t.Fatalf("legacy number %q", q.IDNumber)
			}
		case "neg_namesake", "neg_namesake_noid":
			if q.BirthDate == "" || q.Name == "" {
				t.Fatalf("namesake without name or date: %+v", q)
			}
		}
	}
	for _, k := range Kinds() {
		if kinds[k] == 0 {
			t.Errorf("no query of kind %s", k)
		}
	}
}
