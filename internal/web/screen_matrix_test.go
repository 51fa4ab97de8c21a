package web_test

import (
	"context"
	"testing"

	"liandong/internal/access"
	"liandong/internal/credit"
	"liandong/internal/directory"
	"liandong/internal/screen"
	"liandong/internal/screening"
)

// hitCourt is the listing court of the permission matrix's probe hit.
const hitCourt = "fy411602"

func hitTarget(access.Principal) *access.Target {
	return &access.Target{RequestingUnit: hitCourt, CaseNumber: "（2024）豫1602执1号"}
}

// probeHit lists a debtor in 川汇区法院 and screens them as a police
// system would, so the matrix has a hit of fy411602 to review; it returns
// the hit's id.
func probeHit(t testing.TB, h *harness) int64 {
	t.Helper()
	ctx := context.Background()
	officer := access.Principal{Username: "hit-lister", UnitCode: hitCourt + "-zxj", Roles: []directory.Role{directory.CourtOfficer}}
	police := access.Principal{Username: "hit-police", UnitCode: "ga411602", Roles: []directory.Role{directory.PoliceHandler}}
	id := screenResidentID("411602", "19800501", "013")
	if _, err := h.credit.Add(ctx, officer, credit.NewEntry{Kind: "person", Name: "张三", IDNumber: id, Ground: credit.Int(1),
		Obligation: "支付货款 100000 元", Performance: "全部未履行", Conduct: "有履行能力而拒不履行", BasisUnit: "周口市川汇区人民法院",
		BasisNumber: "（2023）豫1602民初100号", CaseNumber: "（2024）豫1602执1号", FiledOn: "2024-01-05", DecidedOn: "2024-03-15"}); err != nil {
		t.Fatalf("list the probe debtor: %v", err)
	}
	if _, err := h.screening.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := h.screening.Screen(ctx, police, "127.0.0.1", screening.Request{Business: "exit_entry_permit", Queries: []screen.Query{{Ref: "probe", Name: "张三", IDNumber: id}}})
	if err != nil || res.Hits != 1 {
		t.Fatalf("probe screen: %+v %v", res, err)
	}
	hits, err := h.screening.Hits(ctx, officer, "", screening.HitFilter{})
	if err != nil || len(hits) != 1 {
		t.Fatalf("probe hit: %+v %v", hits, err)
	}
	return hits[0].ID
}

// screenResidentID builds a valid 18-digit number.
func screenResidentID(region, birth, seq string) string {
	body := region + birth + seq
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(body[i]-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}
