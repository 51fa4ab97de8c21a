package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"liandong/internal/access"
	"liandong/internal/credit"
	"liandong/internal/directory"
)

// The permission matrix's dishonest-debtor list entry: listed by 川汇区法院
// (fy411602) with an open correction review. Officers and leaders of
// fy411602 read and change it; the leader and president of the
// intermediate court (fy411600) read it (their court tree) but cannot
// change it; officers of fy411600 and everyone else are refused.
const (
	creditProbeCourt = "fy411602"
	creditProbeCase  = "（2024）豫1602执2号"
)

type creditProbeIDs struct{ entry, duty string }

func creditProbeTarget(access.Principal) *access.Target {
	return &access.Target{RequestingUnit: creditProbeCourt, CaseNumber: creditProbeCase}
}

// probeCreditEntry lists the probe entry and opens its correction review.
func probeCreditEntry(t testing.TB, h *harness) creditProbeIDs {
	t.Helper()
	ctx := context.Background()
	officer := access.Principal{Username: "credit-lister", UnitCode: creditProbeCourt + "-zxj", Roles: []directory.Role{directory.CourtOfficer}}
	e, err := h.credit.Add(ctx, officer, credit.NewEntry{Kind: "person", Name: "周正", IDNumber: testResidentID("411602", "19750301", "021"), Ground: credit.Int(1),
		Obligation: "支付货款 50000 元", Performance: "全部未履行", Conduct: "有履行能力而拒不履行", BasisUnit: "周口市川汇区人民法院",
		BasisNumber: "（2023）豫1602民初200号", CaseNumber: creditProbeCase, FiledOn: "2024-01-08", DecidedOn: "2024-03-18"})
	if err != nil {
		t.Fatalf("list the probe entry: %v", err)
	}
	d, err := h.credit.RequestCorrection(ctx, officer, e.ID, credit.CorrectionRequest{Ground: credit.CorrectInaccurate, Reason: "金额有误"})
	if err != nil {
		t.Fatalf("probe correction: %v", err)
	}
	return creditProbeIDs{entry: strconv.FormatInt(e.ID, 10), duty: strconv.FormatInt(d.ID, 10)}
}

// path puts the probe's ids into a probe path or a route pattern.
func (ids creditProbeIDs) path(p string) string {
	return strings.NewReplacer("{entry}", ids.entry, "{duty}", ids.duty, "{job}", "0123456789abcdef01234567").Replace(p)
}

// want is what the server should answer for the probe entry's read
// routes: credit.read is granted to every court user, but the pages show
// an entry only to those who may manage or supervise its court.
func (ids creditProbeIDs) want(ctx context.Context, policy *access.Policy, p probe, actor access.Principal, want bool) bool {
	if !want || p.action != access.ActionCreditRead || !strings.Contains(p.path, "/"+ids.entry) {
		return want
	}
	return policy.Can(ctx, actor, access.ActionCreditManage, *creditProbeTarget(actor)) ||
		policy.Can(ctx, actor, access.ActionCreditSupervise, access.Target{RequestingUnit: creditProbeCourt})
}
