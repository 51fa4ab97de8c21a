package screen

import (
	"fmt"
	"math"
)

// The name tier weighs evidence as a likelihood ratio. For a candidate
// entry, lambda is the expected number of OTHER people in the population
// who would agree with the query as well as the entry does (population ×
// the share of people with this name × born that day × of that sex × from
// that place …), and pSame the probability that the entry's own person
// would be written down this way (names are mistyped, dates too). The odds
// that the entry is the person are pSame / lambda; the score is
// odds / (1 + odds). 张伟 with a birth year: lambda is in the thousands.
const population = 1.4e9

// Thresholds of the bands in the name tier.
const (
	hitScore    = 0.99
	reviewScore = 0.2
)

// Probabilities that the listed person's own record shows a given
// disagreement (rates of typing and hearing errors).
const (
	pNameExact   = 0.93
	pHomophone   = 0.03 // per character
	pSimilar     = 0.015
	pOneChar     = 0.01
	pMissing     = 0.005
	pBirthExact  = 0.95
	pBirthNear   = 0.02
	pBirthOther  = 0.005
	pSexAgree    = 0.99
	pSexDiffer   = 0.01
	pIDNear      = 0.9
	pIDOther     = 0.05 // the typed number is garbled beyond a near miss
	homophoneMul = 8.0  // spellings that sound the same, per character
	similarMul   = 20.0
	nearDayMul   = 30.0 // dates one typo away
	nearIDShare  = 0.02 // of people born on one day in one county, those with a number two digits away
	// The share of people whose number is at most two digits (or one swap)
	// from a given 17 digits: about 11,000 such strings, each a given
	// person's number with a chance of 1/3,000 (county) × 1/22,000 (day) ×
	// 1/1,000 (sequence).
	nearIDJointShare = 2e-7
)

// regionP are the probabilities that the listed person's place agrees with
// the queried one at each level (people move; places are recorded as the
// household registration or the residence).
var regionP = [...]float64{regionUnknown: 1, regionDiffer: 0.23, regionProvince: 0.12, regionPrefecture: 0.15, regionCounty: 0.5}

// evidence is the weighed comparison of a query with one entry.
type evidence struct {
	slot     uint32
	rel      relation
	birth    string // "exact", "near", "year", "other", ""
	sex      int8   // 1 agree, -1 differ, 0 unknown
	region   regionAgreement
	id       string // "near", "other", ""
	count    int    // entries on the list with exactly the queried name
	pSame    float64
	lambda   float64
	score    float64
	hitOK    bool
	reviewOK bool
}

func oddsScore(pSame, lambda float64) float64 {
	if lambda <= 0 {
		return 1
	}
	o := pSame / lambda
	if math.IsInf(o, 1) {
		return 1
	}
	return o / (1 + o)
}

// formatCount prints an expected number of people.
func formatCount(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 1:
		return fmt.Sprintf("%.1f", x)
	case x >= 0.01:
		return fmt.Sprintf("%.2f", x)
	}
	return "不足 0.01"
}
