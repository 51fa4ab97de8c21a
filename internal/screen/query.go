package screen

import (
	"strings"
	"time"
	"unicode/utf8"

	"liandong/internal/screen/hanzi"
)

// parsedQuery is a Query read and normalized.
type parsedQuery struct {
	ref       string
	rawName   string
	name      string // folded
	runes     []rune // the folded name's runes, decoded on first use (nameRunes)
	refolded  bool   // folding changed more than separators (traditional, variant or full-width characters)
	org       bool   // the name or the number says this is a unit
	idGiven   bool
	id        parsedID
	idErr     error
	altID     *parsedID // the same digits read as a credit code
	typedID   string    // the typed number, compacted, when it is an invalid 15/18-character resident ID
	birth     Date
	birthBad  bool   // a birth date was given but could not be read
	birthFrom string // "", "id" or "typed_id": where the birth date came from
	sex       byte
	region    regionRef
	regionBad bool
}

// orgWords mark a name as a unit's.
var orgWords = []string{"公司", "厂", "店", "中心", "合作社", "商行", "集团", "银行", "学校", "医院", "事务所", "工作室", "经营部", "门市", "研究院", "协会"}

func parseQuery(q Query, today time.Time) parsedQuery {
	pq := parsedQuery{rawName: q.Name}
	pq.name, pq.refolded = hanzi.FoldChanged(q.Name)
	if utf8.RuneCountInString(pq.name) >= 4 {
		for _, w := range orgWords {
			if strings.Contains(pq.name, w) {
				pq.org = true
				break
			}
		}
	}
	if s := strings.TrimSpace(q.IDNumber); s != "" {
		pq.idGiven = true
		pq.id, pq.idErr = parseIDFast(s, today)
		if pq.idErr == nil && pq.id.kind == kindCredit {
			pq.org = true
		}
		if pq.idErr == nil && pq.id.kind == kindResident && pq.id.norm[0] == '9' {
			// All digits starting with 9: a 2023 foreign permanent
			// resident ID, or a unit's credit code. Both are tried.
			if c, err := parseCredit(s); err == nil {
				pq.altID = &c
			}
		}
		if pq.idErr != nil {
			if c := compactDigits(s); len(c) == 18 || len(c) == 15 {
				pq.typedID = c
			}
		}
	}
	if s := strings.TrimSpace(q.BirthDate); s != "" {
		if d, ok := ParseDate(s); ok {
			pq.birth = d
		} else {
			pq.birthBad = true
		}
	}
	switch strings.ToUpper(strings.TrimSpace(q.Sex)) {
	case "M", "男", "1", "MALE", "Ｍ":
		pq.sex = 'M'
	case "F", "女", "2", "FEMALE", "Ｆ":
		pq.sex = 'F'
	}
	if s := strings.TrimSpace(q.Region); s != "" {
		if r, ok := parseRegion(s); ok {
			pq.region = r
		} else {
			pq.regionBad = true
		}
	}
	// What the identity number says fills what the query left out.
	if pq.idErr == nil && pq.id.kind == kindResident {
		if pq.birth == 0 {
			pq.birth, pq.birthFrom = pq.id.birth, "id"
		}
		if pq.sex == 0 {
			pq.sex = pq.id.sex
		}
		if pq.region.code == 0 && pq.id.region != "" {
			pq.region = regionRef{code: atou(pq.id.region), level: 6}
		}
	} else if pq.typedID != "" {
		// A mistyped number still tells, most likely, the birth date and place.
		c := pq.typedID
		var d Date
		if len(c) == 18 {
			d = Date(atou(c[6:14]))
		} else {
			d = Date(19000000 + atou(c[6:12]))
		}
		if pq.birth == 0 && d.Valid() && !d.YearOnly() {
			pq.birth, pq.birthFrom = d, "typed_id"
		}
		if pq.region.code == 0 && validProvinceCode(atou(c[:2])) {
			pq.region = regionRef{code: atou(c[:6]), level: 6}
		}
	}
	return pq
}

// nameRunes returns the folded name as runes, decoding it once.
func (pq *parsedQuery) nameRunes() []rune {
	if pq.runes == nil && pq.name != "" {
		pq.runes = []rune(pq.name)
	}
	return pq.runes
}

// compactDigits keeps digits (ASCII or full-width) and X.
func compactDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune(r - '０' + '0')
		case r == 'x' || r == 'X' || r == 'ｘ' || r == 'Ｘ':
			b.WriteByte('X')
		case r == ' ' || r == '-' || r == '　':
		default:
			return ""
		}
	}
	return b.String()
}

// parseIDFast accepts the clean 18-character form of an ordinary resident
// ID (digits, last a digit or X) without going through ident, checking
// what ident checks: the province, a real birth date from 1900 to today,
// the MOD 11-2 check character. Everything else (15 digits, full-width,
// spaces, lower-case x, permits, foreign cards, errors with messages) goes
// to ident. FuzzFastResidentID holds the two to the same answer.
func parseIDFast(s string, today time.Time) (parsedID, error) {
	if len(s) == 18 && s[0] >= '1' && s[0] <= '7' {
		ok := true
		sum := 0
		for i := 0; i < 17; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				ok = false
				break
			}
			sum += int(c-'0') * mod112Weights[i]
		}
		if ok && "10X98765432"[sum%11] == s[17] && validProvinceCode(uint32(s[0]-'0')*10+uint32(s[1]-'0')) {
			d := Date(atou(s[6:14]))
			if d.Valid() && !d.YearOnly() && d <= DateOf(today) {
				p := parsedID{key: makeKey(kindResident, digits17(s)), kind: kindResident, norm: s, birth: d, region: s[:6], sex: 'F'}
				if (s[16]-'0')%2 == 1 {
					p.sex = 'M'
				}
				return p, nil
			}
		}
	}
	return parseID(s, today)
}

var mod112Weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
