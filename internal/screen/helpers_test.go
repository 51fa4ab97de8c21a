package screen

import (
	"slices"
	"strings"
	"testing"
)

// Entries used across the tests. Resident IDs are valid (GB 11643).
var (
	zhangsan = Entry{ID: 1, Person: true, Name: "张三丰", IDs: []string{"11010519491231002X"}} // 1949-12-31, F per the number
	ouyang   = Entry{ID: 2, Person: true, Name: "欧阳娜娜", Sex: 'F', Birth: NewDate(1985, 3, 2), Region: "411603", IDs: []string{"E12345678"}}
	maimaiti = Entry{ID: 3, Person: true, Name: "买买提·艾力", Sex: 'M', Birth: NewDate(1979, 5, 6), Region: "650102"}
	unit     = Entry{ID: 4, Name: "周口市华鑫商贸有限公司", CreditCode: "91350100M000100Y43", LegalRep: "李四", LegalRepID: "110105194912310038"}
	wangwei  = Entry{ID: 5, Person: true, Name: "王伟", Sex: 'M', Birth: NewDate(1980, 1, 1), Region: "110105"}
)

func mustBuild(t testing.TB, version uint64, es ...Entry) *Index {
	t.Helper()
	ix, err := Build(version, slices.Values(es))
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func hasReason(r Result, sub string) bool {
	for _, s := range r.Reasons {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
