package screen

import (
	"fmt"
	"math"

	"liandong/internal/screen/hanzi"
)

// mask lists entry IDs that must not be reported (removed, or replaced by
// a newer version in a delta). nil means none.
type mask map[int64]struct{}

func (m mask) has(id int64) bool {
	if len(m) == 0 {
		return false
	}
	_, ok := m[id]
	return ok
}

// Screen compares one query with the list.
func (ix *Index) Screen(q Query) Result {
	pq := parseQuery(q, ix.today)
	r := ix.screen(&pq, nil)
	r.Ref, r.Version = q.Ref, ix.version
	return r
}

// ScreenBatch screens qs into out, which must be at least as long.
func (ix *Index) ScreenBatch(qs []Query, out []Result) {
	for i := range qs {
		out[i] = ix.Screen(qs[i])
	}
}

// screen runs the exact tier, then the name tier when the exact tier did
// not decide.
func (ix *Index) screen(pq *parsedQuery, m mask) Result {
	var pre []string
	if pq.idGiven && pq.idErr != nil {
		pre = append(pre, "证件号无效："+pq.idErr.Error())
	}
	if pq.birthBad {
		pre = append(pre, "出生日期无法识别（应为 YYYY-MM-DD），未用于比对")
	}
	if pq.regionBad {
		pre = append(pre, "地区无法识别（应为 6 位行政区划代码或地名），未用于比对")
	}
	if pq.birthFrom == "typed_id" {
		pre = append(pre, "出生日期和地区取自所填证件号")
	}
	if pq.idGiven && pq.idErr == nil {
		if r, ok := ix.exactTier(pq, m); ok {
			return r
		}
		if pq.altID != nil {
			alt := *pq
			alt.id, alt.altID, alt.org = *pq.altID, nil, true
			if r, ok := ix.exactTier(&alt, m); ok {
				return r
			}
		}
		pre = append(pre, pq.id.kind.label()+"不在名单上")
	}
	if pq.org {
		if r, ok := ix.orgTier(pq, m); ok {
			r.Reasons = append(pre, r.Reasons...)
			return r
		}
	} else if pq.name != "" {
		if ev, ok := ix.nameTier(pq, m); ok {
			return ev.result(ix, append(pre, ev.explain(pq)...))
		}
	}
	if !pq.idGiven || pq.idErr != nil {
		pre = append(pre, "未发现匹配")
	}
	return Result{Band: BandNone, Tier: TierNone, Reasons: pre}
}

// exactTier looks the number up. ok is false when the number is not on
// the list (as any entry's document, or as a unit's legal representative
// with the same name).
func (ix *Index) exactTier(pq *parsedQuery, m mask) (Result, bool) {
	var one [1]uint32
	best := Result{}
	found := false
	if v, ok := ix.exact.get(pq.id.key); ok {
		for _, slot := range ix.slots(v, &one) {
			if m.has(ix.ids[slot]) {
				continue
			}
			if pq.id.kind == kindCredit && ix.orgs[slot].creditCode != pq.id.norm {
				continue // a hash collision, not this unit
			}
			r := ix.exactResult(pq, slot)
			if !found || better(r, best) {
				best, found = r, true
			}
		}
	}
	if found || pq.id.kind != kindResident {
		return best, found
	}
	// The number of a listed unit's legal representative.
	if v, ok := ix.exact.get(makeKey(kindLegalRep, pq.id.key)); ok && pq.name != "" {
		for _, slot := range ix.slots(v, &one) {
			if m.has(ix.ids[slot]) {
				continue
			}
			if ix.orgs[slot].legalRep == pq.name {
				return Result{Band: BandReview, EntryID: ix.ids[slot], Score: 0.5, Tier: TierExact,
					Reasons: []string{"身份证号与失信单位的法定代表人一致", "姓名一致", "本人不在名单上：是否限制由业务规则决定"}}, true
			}
		}
	}
	return Result{}, false
}

func better(a, b Result) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.EntryID < b.EntryID
}

// exactResult judges a number match by the name.
func (ix *Index) exactResult(pq *parsedQuery, slot uint32) Result {
	r := Result{EntryID: ix.ids[slot], Tier: TierExact}
	what := pq.id.kind.label() + "一致"
	if pq.id.upgraded {
		what = "15 位旧身份证号升位后与名单一致"
	}
	if pq.name == "" {
		r.Band, r.Score = BandReview, 0.9
		r.Reasons = []string{what, "未提供姓名，无法核对"}
		return r
	}
	listed := ix.names[ix.nameOff[slot]:ix.nameOff[slot+1]]
	if string(listed) == pq.name {
		r.Band, r.Score = BandHit, 1
		if pq.refolded {
			r.Reasons = []string{what, "姓名一致（繁简、异体或全角字已归一）"}
		} else {
			r.Reasons = []string{what, "姓名一致"}
		}
		return r
	}
	var buf [16]rune
	rel := relate(pq.nameRunes(), ix.nameRunes(slot, buf[:0]))
	r.Band = BandReview
	switch rel.rel {
	case relHomophone, relSimilar, relOneChar, relMissing:
		r.Score = 0.9
		r.Reasons = []string{what, nameReason(rel) + "，请核对"}
	default:
		r.Score = 0.6
		r.Reasons = []string{what, "姓名不一致，请核对是否录入错误或已改名"}
	}
	return r
}

// orgTier compares a unit's name.
func (ix *Index) orgTier(pq *parsedQuery, m mask) (Result, bool) {
	if pq.name == "" {
		return Result{}, false
	}
	v, ok := ix.orgTab.get(orgKey(pq.name))
	if !ok {
		return Result{}, false
	}
	var one [1]uint32
	for _, slot := range ix.slots(v, &one) {
		if m.has(ix.ids[slot]) || ix.name(slot) != pq.name {
			continue
		}
		return Result{Band: BandReview, EntryID: ix.ids[slot], Score: 0.8, Tier: TierName,
			Reasons: []string{"单位名称一致", "未能以统一社会信用代码核对"}}, true
	}
	return Result{}, false
}

// maxBirthScan bounds the candidates read from one birth day.
const maxBirthScan = 20000

// nameTier finds the best person entry by name and birth date.
func (ix *Index) nameTier(pq *parsedQuery, m mask) (evidence, bool) {
	var best evidence
	found := false
	// A valid resident ID that is not on the list belongs to someone else
	// than every entry carrying a resident ID: one mistyped digit or two
	// swapped neighbours never pass the MOD 11-2 check, so a valid number
	// is not a typo of a listed one. Only entries without a number remain.
	validID := pq.idErr == nil && pq.id.kind == kindResident
	if validID && ix.noRID == 0 {
		return best, false
	}
	weigh := func(slot uint32, e []rune, rel relation, count int) {
		ev := ix.weigh(pq, slot, e, rel, count)
		if !found || ev.score > best.score || ev.score == best.score && ix.ids[slot] < ix.ids[best.slot] {
			best, found = ev, true
		}
	}
	eligible := func(slot uint32) bool {
		return ix.flags[slot]&flagPerson != 0 && !(validID && ix.rid[slot] != 0) && !m.has(ix.ids[slot])
	}
	// Candidates that sound like the name: one sweep over the group's
	// postings counts the exact namesakes (how common the name is on the
	// list) by name hash, and passes over those whose birth date rules them
	// out without reading the entry.
	group := ix.soundGroup(pq.name)
	type cand struct {
		slot uint32
		rel  relation
	}
	var cbuf [32]cand
	cands := cbuf[:0]
	count := 0
	var buf [16]rune
	qh := nameHash(pq.name)
	dateFilter := pq.birth != 0 && !pq.birth.YearOnly() && pq.typedID == ""
	for _, p := range group {
		if p.nameHash == qh && ix.name(p.slot) == pq.name {
			count++
		}
		if dateFilter && p.birth != 0 && p.birth != pq.birth && !nearDate(pq.birth, p.birth) {
			continue // "other" date: never review or hit
		}
		if !eligible(p.slot) {
			continue
		}
		e := ix.nameRunes(p.slot, buf[:0])
		if rel := relate(pq.nameRunes(), e); rel.rel != relNone {
			cands = append(cands, cand{p.slot, rel})
		}
	}
	if ix.base != nil {
		// A delta borrows its base's frequencies: the base tells how
		// common the name is.
		count += ix.base.countName(ix.base.soundGroup(pq.name), pq.name)
	}
	for _, c := range cands {
		weigh(c.slot, ix.nameRunes(c.slot, buf[:0]), c.rel, count)
	}
	// Candidates born the same day: names with any one character wrong.
	if d := pq.birth.dayNumber(); d >= 0 && d+1 < len(ix.birthOff) {
		day := ix.byBirth[ix.birthOff[d]:ix.birthOff[d+1]]
		if len(day) > maxBirthScan {
			day = day[:maxBirthScan]
		}
		for _, slot := range day {
			if !eligible(slot) {
				continue
			}
			e := ix.nameRunes(slot, buf[:0])
			if rel := relate(pq.nameRunes(), e); rel.rel != relNone {
				weigh(slot, e, rel, count)
			}
		}
	}
	return best, found
}

// soundGroup returns the persons whose names sound like the folded name.
func (ix *Index) soundGroup(name string) []posting {
	if g, ok := ix.nameTab.get(soundKey(name)); ok {
		return ix.post[ix.groupOff[g]:ix.groupOff[g+1]]
	}
	return nil
}

// countName counts the entries of a group with exactly this folded name.
func (ix *Index) countName(group []posting, name string) int {
	n := 0
	h := nameHash(name)
	for _, p := range group {
		if p.nameHash == h && ix.name(p.slot) == name {
			n++
		}
	}
	return n
}

// weigh compares the query with one entry and scores it.
func (ix *Index) weigh(pq *parsedQuery, slot uint32, e []rune, rel relation, count int) evidence {
	f := ix.freq
	ev := evidence{slot: slot, rel: rel, count: count}
	pSame, lambda := 1.0, population
	// Name.
	switch rel.rel {
	case relExact:
		pSame *= pNameExact
		lambda *= f.nameShare(e, count)
	case relHomophone:
		pSame *= math.Pow(pHomophone, float64(rel.subs))
		lambda *= math.Min(1, f.nameShare(e, 0)*math.Pow(homophoneMul, float64(rel.subs)))
	case relSimilar:
		pSame *= math.Pow(pSimilar, float64(rel.subs))
		lambda *= math.Min(1, f.nameShare(e, 0)*math.Pow(similarMul, float64(rel.subs)))
	case relOneChar:
		pSame *= pOneChar
		lambda *= math.Min(1, f.nameShare(e, 0)/f.posShare(e, rel.pos))
	case relMissing:
		pSame *= pMissing
		share := f.nameShare(e, 0)
		if rel.pos >= 0 {
			share /= f.posShare(e, rel.pos)
		}
		lambda *= math.Min(1, share)
	}
	// Identity numbers.
	if rid := ix.rid[slot]; rid != 0 && pq.idGiven {
		switch {
		case pq.typedID != "" && nearID(pq.typedID, rid):
			ev.id = "near"
			pSame *= pIDNear
			if pq.birthFrom == "typed_id" {
				// The birth date and place were read from the same
				// mistyped number: the near number stands for all three.
				lambda *= nearIDJointShare
			} else {
				lambda *= nearIDShare
			}
		case pq.typedID != "":
			ev.id = "other"
			pSame *= pIDOther
		}
	}
	// Birth date (and place, below), unless they came from a mistyped
	// number that is near the listed one.
	fromNearID := ev.id == "near" && pq.birthFrom == "typed_id"
	eb := ix.birth[slot]
	switch qb := pq.birth; {
	case qb == 0 || eb == 0 || fromNearID:
	case qb.YearOnly():
		if qb.Year() == eb.Year() {
			ev.birth = "year"
			pSame *= pBirthExact
			lambda *= f.yearShare(qb.Year())
		} else {
			ev.birth = "other"
			pSame *= pBirthOther
		}
	case qb == eb:
		ev.birth = "exact"
		pSame *= pBirthExact
		lambda *= f.dayShare(qb.Year())
	case nearDate(qb, eb):
		ev.birth = "near"
		pSame *= pBirthNear
		lambda *= f.dayShare(eb.Year()) * nearDayMul
	default:
		ev.birth = "other"
		pSame *= pBirthOther
	}
	// Sex.
	if pq.sex != 0 {
		fl := ix.flags[slot]
		if fl&(flagMale|flagFemale) != 0 {
			male := fl&flagMale != 0
			if (pq.sex == 'M') == male {
				ev.sex = 1
				pSame *= pSexAgree
				lambda *= f.sexShare(male)
			} else {
				ev.sex = -1
				pSame *= pSexDiffer
				lambda *= 1 - f.sexShare(male)
			}
		}
	}
	// Place.
	if !fromNearID {
		ev.region = compareRegion(pq.region, ix.region[slot])
	}
	if ev.region != regionUnknown {
		pSame *= regionP[ev.region]
		if ev.region != regionDiffer {
			lambda *= f.regionShare(ix.region[slot], ev.region)
		}
	}
	ev.pSame, ev.lambda = pSame, lambda
	ev.score = oddsScore(pSame, lambda)
	// The rules above the score: a bare name, a substituted character in
	// a two-character name, a date that is not exact: never a hit.
	ev.hitOK = (ev.birth == "exact" || fromNearID) && ev.sex >= 0 &&
		(rel.rel == relExact || (rel.rel == relHomophone || rel.rel == relSimilar) && rel.subs == 1 && len(e) >= 3 && len(e)-hanzi.SplitSurname(e) >= 2)
	// Dates that disagree beyond a typo: not this person, unless a nearly
	// equal identity number says otherwise.
	ev.reviewOK = ev.birth != "other" || ev.id == "near"
	return ev
}

// nearDate: one digit of YYYYMMDD differs, or month and day swapped.
func nearDate(a, b Date) bool {
	if a.Year() == b.Year() && a.Month() == b.Day() && a.Day() == b.Month() {
		return true
	}
	x, y := uint32(a), uint32(b)
	diff := 0
	for i := 0; i < 8; i++ {
		if x%10 != y%10 {
			diff++
		}
		x, y = x/10, y/10
	}
	return diff == 1
}

// result turns the best evidence into a Result.
func (ev *evidence) result(ix *Index, reasons []string) Result {
	r := Result{EntryID: ix.ids[ev.slot], Score: ev.score, Tier: TierName, Reasons: reasons}
	switch {
	case ev.score >= hitScore && ev.hitOK:
		r.Band = BandHit
	case ev.score >= reviewScore && ev.reviewOK:
		r.Band = BandReview
		if ev.score >= hitScore {
			r.Reasons = append(r.Reasons, ev.whyNotHit())
		}
	default:
		return Result{Band: BandNone, Tier: TierNone, Score: ev.score, Reasons: append(append([]string{"最接近的名单记录："}, reasons...), "证据不足，不认定")}
	}
	return r
}

func (ev *evidence) whyNotHit() string {
	switch {
	case ev.birth != "exact":
		return "出生日期未能完全核对，不自动认定"
	case ev.rel.rel != relExact && ev.rel.subs > 0:
		return "双字姓名或多字不同，不自动认定"
	}
	return "不自动认定"
}

// explain writes the evidence in words.
func (ev *evidence) explain(pq *parsedQuery) []string {
	out := make([]string, 0, 6)
	n := nameReason(ev.rel)
	if ev.rel.rel == relExact && pq.refolded {
		n += "（繁简、异体或全角字已归一）"
	}
	out = append(out, n)
	switch ev.birth {
	case "exact":
		out = append(out, "出生日期一致")
	case "near":
		out = append(out, "出生日期相近（疑似录入错误）")
	case "year":
		out = append(out, "出生年份一致")
	case "other":
		out = append(out, "出生日期不一致")
	default:
		if pq.birth == 0 {
			out = append(out, "未提供出生日期")
		}
	}
	switch ev.sex {
	case 1:
		out = append(out, "性别一致")
	case -1:
		out = append(out, "性别不一致")
	}
	switch ev.region {
	case regionCounty:
		out = append(out, "籍贯区县一致")
	case regionPrefecture:
		out = append(out, "籍贯地市一致")
	case regionProvince:
		out = append(out, "籍贯省份一致")
	case regionDiffer:
		out = append(out, "籍贯地区不一致")
	}
	switch ev.id {
	case "near":
		out = append(out, "所填证件号与名单记录仅差一两位（疑似录入错误）")
	}
	if ev.rel.rel == relExact && ev.count > 1 {
		out = append(out, fmt.Sprintf("常见姓名（名单中同名 %d 人）", ev.count))
	}
	out = append(out, "估计全国另有约 "+formatCount(ev.lambda)+" 人符合上述条件")
	return out
}

func nameReason(r relation) string {
	switch r.rel {
	case relExact:
		return "姓名一致"
	case relHomophone:
		return fmt.Sprintf("姓名同音（%d 字不同）", r.subs)
	case relSimilar:
		return fmt.Sprintf("姓名音近（%d 字不同）", r.subs)
	case relOneChar:
		return "姓名有 1 字不同"
	case relMissing:
		return "姓名多或少 1 字"
	}
	return "姓名不一致"
}
