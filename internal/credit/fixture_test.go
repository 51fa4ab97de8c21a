package credit_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/credit"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/keyring"
	"liandong/internal/pii"
	"liandong/internal/signer"
	"liandong/internal/workday"
)

// cst is China time.
var cst = workday.Location()

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

// clock is the fixture's settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// fixture is a migrated database with the Zhoukou directory, the real
// policy and audit log, and a credit store on a settable clock.
type fixture struct {
	d     *db.DB
	log   *audit.Log
	store *credit.Store
	clock *clock
	mu    sync.Mutex
	seen  []uint64 // versions OnChange reported
}

// Principals: officers and a leader of 川汇区法院 (court fy411602), an
// officer of 淮阳区法院, a police handler.
var (
	officer      = access.Principal{Username: "chfy-officer", UnitCode: "fy411602-zxj", Roles: []directory.Role{directory.CourtOfficer}, Source: "10.0.0.2"}
	leader       = access.Principal{Username: "chfy-leader", UnitCode: "fy411602-zxj", Roles: []directory.Role{directory.CourtLeader}}
	otherOfficer = access.Principal{Username: "hyfy-officer", UnitCode: "fy411603-zxj", Roles: []directory.Role{directory.CourtOfficer}}
	police       = access.Principal{Username: "ga-handler", UnitCode: "ga411600", Roles: []directory.Role{directory.PoliceHandler}}
)

const court = "fy411602"

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := directory.NewStore(d)
	if _, err := dir.LoadZhoukou(ctx); err != nil {
		t.Fatal(err)
	}
	text, err := keyring.Generate()
	if err != nil {
		t.Fatal(err)
	}
	ring, err := keyring.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{d: d, clock: &clock{t: at("2025-06-16 10:00:00")}}
	f.log = audit.New(d, signer.NewStore(d, ring), audit.Options{})
	policy := access.NewPolicy(dir, access.Config{})
	f.store = credit.NewStore(d, pii.New(ring), policy, f.log, credit.Options{Now: f.clock.now, OnChange: func(v uint64) {
		f.mu.Lock()
		f.seen = append(f.seen, v)
		f.mu.Unlock()
	}})
	return f
}

// residentID builds a valid 18-digit number from a region, a birth date
// YYYYMMDD and a 3-digit sequence (odd: male).
func residentID(region, birth, seq string) string {
	body := region + birth + seq
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(body[i]-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

// creditCode builds a valid unified social credit code from 8 leading
// characters (authority, type, region) and an 8-digit organisation code body.
func creditCode(lead, org8 string) string {
	ow := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 8 {
		sum += int(org8[i]-'0') * ow[i]
	}
	var oc byte
	switch r := 11 - sum%11; r {
	case 10:
		oc = 'X'
	case 11:
		oc = '0'
	default:
		oc = byte('0' + r)
	}
	body := lead + org8 + string(oc)
	const alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	cw := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum = 0
	for i := range 17 {
		sum += strings.IndexByte(alpha, body[i]) * cw[i]
	}
	return body + string(alpha[(31-sum%31)%31])
}

// person is a valid ground-1 listing of a man born 1980-05-01 in case seq.
func person(seq int) credit.NewEntry {
	return credit.NewEntry{
		Kind: "person", Name: "张三", IDNumber: residentID("411602", "19800501", fmt.Sprintf("%03d", seq%1000)),
		Ground: credit.Int(1), Obligation: "支付货款 100000 元及利息", Performance: "全部未履行",
		Conduct: "有履行能力而拒不履行生效法律文书确定的义务", BasisUnit: "周口市川汇区人民法院", BasisNumber: "（2023）豫1602民初100号",
		CaseNumber: fmt.Sprintf("（2024）豫1602执%d号", seq), FiledOn: "2024-01-05", DecidedOn: "2024-03-15",
	}
}

func organisation(seq int) credit.NewEntry {
	return credit.NewEntry{
		Kind: "organisation", Name: "周口市某某商贸有限公司", CreditCode: creditCode("91411602", fmt.Sprintf("%08d", 10000000+seq)),
		LegalRep: "李四", LegalRepID: residentID("411602", "19700101", "013"),
		Ground: credit.Int(4), Obligation: "支付工程款 500000 元", Performance: "部分履行，尚欠 300000 元",
		Conduct: "违反财产报告制度，拒绝报告财产", BasisUnit: "周口市中级人民法院", BasisNumber: "（2023）豫16民终50号",
		CaseNumber: fmt.Sprintf("（2024）豫1602执%d号", seq), FiledOn: "2024-02-01", DecidedOn: "2024-04-01",
	}
}

// line is line i (1-based) of a generated import file: a valid person
// listing with a unique identity number and case number.
func line(i int) credit.NewEntry {
	regions := []string{"411602", "411603", "411621", "411622", "411623", "411624", "411625", "411626", "411627", "411628", "411681"}
	surnames := []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "欧阳", "司马"}
	given := []string{"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟"}
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i/1000)%14000)
	e := credit.NewEntry{
		Kind: "person", Name: surnames[i%len(surnames)] + given[(i/7)%len(given)],
		IDNumber: residentID(regions[(i/14_000_000)%len(regions)], birth.Format("20060102"), fmt.Sprintf("%03d", i%1000)),
		Ground:   credit.Int(1 + i%6), Obligation: "支付借款本金及利息", Performance: "全部未履行",
		Conduct: "拒不履行生效法律文书确定的给付义务", BasisUnit: "周口市川汇区人民法院", BasisNumber: "（2023）豫1602民初" + strconv.Itoa(i) + "号",
		CaseNumber: "（2025）豫1602执" + strconv.Itoa(i) + "号", FiledOn: "2025-01-06", DecidedOn: "2025-03-03",
	}
	if i%6 == 0 {
		e.Initiation = "applicant"
	}
	return e
}

func jsonl(t testing.TB, es []credit.NewEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, e := range es {
		if err := enc.Encode(e); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

var csvHeader = []string{"kind", "name", "sex", "birth_date", "id_number", "documents", "credit_code", "legal_rep", "legal_rep_id",
	"ground", "obligation", "performance", "conduct", "basis_unit", "basis_number", "case_number", "filed_on", "initiation",
	"applied_on", "decision_number", "decided_on", "decision_sm3", "term_years", "extension_reason", "published_at"}

func csvFile(t testing.TB, es []credit.NewEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.Write(csvHeader)
	for _, e := range es {
		var docs []string
		for _, d := range e.Documents {
			docs = append(docs, d.Kind+":"+d.Number)
		}
		flex := func(f credit.FlexInt) string {
			if !f.Set {
				return ""
			}
			return f.Raw
		}
		w.Write([]string{e.Kind, e.Name, e.Sex, e.BirthDate, e.IDNumber, strings.Join(docs, ";"), e.CreditCode, e.LegalRep, e.LegalRepID,
			flex(e.Ground), e.Obligation, e.Performance, e.Conduct, e.BasisUnit, e.BasisNumber, e.CaseNumber, e.FiledOn, e.Initiation,
			e.AppliedOn, e.DecisionNumber, e.DecidedOn, e.DecisionSM3, flex(e.TermYears), e.ExtensionReason, e.PublishedAt})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func lines(from, to int) []credit.NewEntry {
	out := make([]credit.NewEntry, 0, to-from+1)
	for i := from; i <= to; i++ {
		out = append(out, line(i))
	}
	return out
}

func wantCode(t testing.TB, err error, kind apperr.Kind, code string) *apperr.Error {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code || e.Kind != kind || e.Message == "" {
		t.Fatalf("err = %v, want %s (kind %d)", err, code, kind)
	}
	return e
}

func (f *fixture) count(t testing.TB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.d.Read().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// active returns the ids Active reports, and the version.
func (f *fixture) active(t testing.TB) (map[int64]credit.ScreenEntry, uint64) {
	t.Helper()
	out := map[int64]credit.ScreenEntry{}
	v, err := f.store.Active(context.Background(), func(e credit.ScreenEntry) error {
		out[e.ID] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, v
}

func (f *fixture) changes(t testing.TB, after uint64) []credit.Change {
	t.Helper()
	cs, err := f.store.Changes(context.Background(), after, 0)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func (f *fixture) audits(t testing.TB, action string) []audit.Entry {
	t.Helper()
	es, _, err := f.log.Search(context.Background(), audit.Query{ActionPrefix: action, Limit: audit.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func (f *fixture) add(t testing.TB, e credit.NewEntry) credit.Entry {
	t.Helper()
	got, err := f.store.Add(context.Background(), officer, e)
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	return got
}
