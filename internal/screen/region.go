package screen

import (
	"strings"
	"sync"

	"liandong/internal/ident"
	"liandong/internal/screen/hanzi"
)

// A region reference is a GB/T 2260 code with the level it is known to:
// 2 (province), 4 (prefecture) or 6 (county). Codes are kept as
// integers: 411603.
type regionRef struct {
	code  uint32
	level uint8
}

// regionAgreement compares two references at the finer level both know.
type regionAgreement uint8

const (
	regionUnknown regionAgreement = iota
	regionDiffer
	regionProvince
	regionPrefecture
	regionCounty
)

// placeIndex maps place names to codes. It is built once from ident's
// GB/T 2260 table (current and retired codes) by asking LookupRegion for
// every code under each province: ident exports lookups only.
type placeIndex struct {
	byAlias   map[string]regionRef
	ambiguous map[string]bool
	stem      map[uint32]string // county code → its own name without suffix, to equate retired codes (淮阳县 411626 = 淮阳区 411603)
}

var places = sync.OnceValue(buildPlaces)

var provinceCodes = []int{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}

// placeSuffixes are dropped to form a place's short name: 周口市 → 周口.
var placeSuffixes = []string{"维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "省", "市", "区", "县", "盟", "旗"}

func shortName(s string) string {
	for _, suf := range placeSuffixes {
		if strings.HasSuffix(s, suf) && len([]rune(s)) > len([]rune(suf))+1 {
			return strings.TrimSuffix(s, suf)
		}
	}
	return s
}

func buildPlaces() *placeIndex {
	p := &placeIndex{byAlias: map[string]regionRef{}, ambiguous: map[string]bool{}, stem: map[uint32]string{}}
	type rec struct {
		code    uint32
		own     string
		retired bool
	}
	full := map[uint32]string{}
	var recs []rec
	for _, pc := range provinceCodes {
		for rest := 0; rest < 10000; rest++ {
			code := uint32(pc*10000 + rest)
			r, ok := ident.LookupRegion(itoa6(code))
			if !ok {
				continue
			}
			full[code] = r.Name
			recs = append(recs, rec{code: code, retired: r.Retired})
		}
	}
	type aliasRec struct {
		ref       regionRef
		retired   bool
		ambiguous bool
	}
	aliases := map[string]aliasRec{}
	// add records a name for a place. A coarser place wins over a finer
	// one of the same name (朝阳: the prefecture, not a district), a
	// current code over a retired one; two current places of the same
	// level and name make the name ambiguous, so it names neither.
	add := func(alias string, ref regionRef, retired bool) {
		if alias == "" {
			return
		}
		old, ok := aliases[alias]
		switch {
		case !ok, ref.level < old.ref.level, ref.level == old.ref.level && old.retired && !retired:
			aliases[alias] = aliasRec{ref: ref, retired: retired}
		case old.ref == ref, ref.level > old.ref.level, retired && !old.retired:
		default:
			old.ambiguous = true
			aliases[alias] = old
		}
	}
	for i := range recs {
		r := &recs[i]
		level := uint8(6)
		switch {
		case r.code%10000 == 0:
			level = 2
		case r.code%100 == 0:
			level = 4
		}
		name := full[r.code]
		parent := ""
		switch level {
		case 4:
			parent = full[r.code/10000*10000]
		case 6:
			parent = full[r.code/100*100]
			if parent == "" {
				parent = full[r.code/10000*10000]
			}
		}
		own := name
		if parent != "" && strings.HasPrefix(name, parent) {
			own = strings.TrimPrefix(name, parent)
		} else if pv := full[r.code/10000*10000]; level == 6 && pv != "" && strings.HasPrefix(name, pv) {
			own = strings.TrimPrefix(name, pv)
		}
		r.own = own
		if own == "市辖区" || own == "县" || own == "" {
			continue
		}
		ref := regionRef{code: r.code, level: level}
		if level == 6 {
			p.stem[r.code] = shortName(own)
		}
		add(hanzi.Fold(name), ref, r.retired)
		add(hanzi.Fold(own), ref, r.retired)
		if s := shortName(own); s != own && len([]rune(s)) >= 2 {
			add(hanzi.Fold(s), ref, r.retired)
		}
		if level == 6 && parent != "" {
			pown := strings.TrimPrefix(parent, full[r.code/10000*10000])
			if pown != "" && pown != "市辖区" {
				add(hanzi.Fold(pown+own), ref, r.retired)
				add(hanzi.Fold(shortName(pown)+own), ref, r.retired)
				add(hanzi.Fold(shortName(pown)+shortName(own)), ref, r.retired)
			}
		}
	}
	for a, r := range aliases {
		if r.ambiguous {
			p.ambiguous[a] = true
		} else {
			p.byAlias[a] = r.ref
		}
	}
	return p
}

func itoa6(c uint32) string {
	var b [6]byte
	for i := 5; i >= 0; i-- {
		b[i] = byte('0' + c%10)
		c /= 10
	}
	return string(b[:])
}

// parseRegion reads a 6-digit code (or a 2- or 4-digit prefix) or a place
// name. A name is matched whole, then by its longest known prefix
// (周口市川汇区七一路 → 川汇区).
func parseRegion(s string) (regionRef, bool) {
	f := hanzi.Fold(s)
	if f == "" {
		return regionRef{}, false
	}
	if isDigits(f) {
		switch len(f) {
		case 6:
			v := atou(f)
			if !validProvinceCode(v / 10000) {
				return regionRef{}, false
			}
			switch {
			case v%10000 == 0:
				return regionRef{v, 2}, true
			case v%100 == 0:
				return regionRef{v, 4}, true
			}
			return regionRef{v, 6}, true
		case 2, 4:
			level := uint8(len(f))
			v := atou(f)
			for i := level; i < 6; i += 2 {
				v *= 100
			}
			if !validProvinceCode(v / 10000) {
				return regionRef{}, false
			}
			return regionRef{v, level}, true
		}
		return regionRef{}, false
	}
	rs := []rune(f)
	if len(rs) > 40 {
		rs = rs[:40]
	}
	return places().parse(rs, 0)
}

// parse matches the whole name, else its longest known prefix, then reads
// what follows inside that place: 河南周口淮阳 → 河南 → 周口 → 淮阳.
func (p *placeIndex) parse(rs []rune, depth int) (regionRef, bool) {
	s := string(rs)
	if r, ok := p.byAlias[s]; ok {
		return r, true
	}
	if p.ambiguous[s] || depth > 3 {
		return regionRef{}, false
	}
	for n := len(rs) - 1; n >= 2; n-- {
		r, ok := p.byAlias[string(rs[:n])]
		if !ok {
			continue
		}
		if r.level < 6 && len(rs)-n >= 2 {
			if inner, ok := p.parse(rs[n:], depth+1); ok && inner.level > r.level && within(inner, r) {
				return inner, true
			}
		}
		return r, true
	}
	return regionRef{}, false
}

// within reports whether inner lies inside outer.
func within(inner, outer regionRef) bool {
	switch outer.level {
	case 2:
		return inner.code/10000 == outer.code/10000
	case 4:
		return inner.code/100 == outer.code/100
	}
	return inner.code == outer.code
}

func validProvinceCode(p uint32) bool {
	for _, c := range provinceCodes {
		if uint32(c) == p {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func atou(s string) uint32 {
	var v uint32
	for i := 0; i < len(s) && i < 9; i++ {
		v = v*10 + uint32(s[i]-'0')
	}
	return v
}

// compareRegion compares a query's place with an entry's code.
func compareRegion(q regionRef, entry uint32) regionAgreement {
	if q.code == 0 || entry == 0 {
		return regionUnknown
	}
	if q.code/10000 != entry/10000 {
		return regionDiffer
	}
	if q.level == 2 {
		return regionProvince
	}
	if q.code/100 == entry/100 {
		if q.level == 4 {
			return regionPrefecture
		}
		if q.code == entry {
			return regionCounty
		}
		p := places()
		if s := p.stem[q.code]; s != "" && s == p.stem[entry] {
			return regionCounty // a renamed or re-coded county (淮阳县 411626 / 淮阳区 411603)
		}
		return regionPrefecture
	}
	p := places()
	if q.level == 6 {
		if s := p.stem[q.code]; s != "" && s == p.stem[entry] {
			return regionCounty // re-coded across prefectures (周口地区 4127xx → 周口市 4116xx)
		}
	}
	return regionProvince
}
