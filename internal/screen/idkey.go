package screen

import (
	"hash/maphash"
	"strings"
	"time"

	"liandong/internal/ident"
)

// An ID key packs a normalized identity document number into a uint64:
// the top 4 bits say which kind, the rest hold the number. Resident IDs
// (and the permits and 2023 foreign cards of the same format) keep their
// 17 significant digits, the check character being derived; passports and
// permits are packed base 37; credit codes, too long to pack, are hashed
// and the match verified against the stored code.
type idKind uint8

const (
	kindNone idKind = iota
	kindResident
	kindPassport
	kindHKMO
	kindTW
	kindForeignPR
	kindCredit
	kindLegalRep // a unit's legal representative's resident ID
)

func makeKey(k idKind, v uint64) uint64 { return uint64(k)<<60 | v&(1<<60-1) }
func keyKind(key uint64) idKind         { return idKind(key >> 60) }

// label names the document kind in reasons.
func (k idKind) label() string {
	switch k {
	case kindResident, kindLegalRep:
		return "身份证号"
	case kindPassport:
		return "护照号"
	case kindHKMO:
		return "港澳居民来往内地通行证号"
	case kindTW:
		return "台湾居民来往大陆通行证号"
	case kindForeignPR:
		return "外国人永久居留证号"
	case kindCredit:
		return "统一社会信用代码"
	}
	return "证件号"
}

// digits17 packs the first 17 characters of an 18-digit number.
func digits17(s string) uint64 {
	var v uint64
	for i := 0; i < 17; i++ {
		v = v*10 + uint64(s[i]-'0')
	}
	return v
}

// base37 packs up to 11 letters and digits.
func base37(s string) uint64 {
	var v uint64
	for i := 0; i < len(s) && i < 11; i++ {
		c := s[i]
		var d uint64
		switch {
		case '0' <= c && c <= '9':
			d = uint64(c-'0') + 1
		case 'A' <= c && c <= 'Z':
			d = uint64(c-'A') + 11
		}
		v = v*37 + d
	}
	return v
}

// creditSeed is fixed so that keys are the same in every index of a
// process (the base and its delta).
var creditSeed = maphash.MakeSeed()

// parsedID is an identity number read from outside.
type parsedID struct {
	key      uint64
	kind     idKind
	norm     string // normalized number
	upgraded bool   // a 15-digit number upgraded to 18
	// kindResident only: what the number says.
	birth  Date
	sex    byte
	region string // the address code; "" for permits and foreign cards
}

// residentOf packs a resident ID parsed by ident.
func residentOf(id ident.ResidentID) parsedID {
	p := parsedID{key: makeKey(kindResident, digits17(id.Number)), kind: kindResident, norm: id.Number, upgraded: id.Upgraded, birth: DateOf(id.BirthDate)}
	if id.Sex != "" {
		p.sex = id.Sex[0]
	}
	if id.Category == ident.CategoryResident {
		p.region = id.Region
	}
	return p
}

// parseID validates s with ident and packs it. today bounds birth dates.
func parseID(s string, today time.Time) (parsedID, error) {
	if len(s) >= 15 && len(s) <= 60 && looksResident(s) {
		id, err := ident.ParseResidentIDAt(s, today)
		if err == nil {
			return residentOf(id), nil
		}
		if _, derr := ident.DetectAt(s, today); derr != nil {
			return parsedID{}, err
		}
	}
	r, err := ident.DetectAt(s, today)
	if err != nil {
		return parsedID{}, err
	}
	switch r.Kind {
	case ident.KindResidentID:
		id, err := ident.ParseResidentIDAt(s, today)
		if err != nil {
			return parsedID{}, err
		}
		return residentOf(id), nil
	case ident.KindPassport:
		return parsedID{key: makeKey(kindPassport, base37(r.Normalized)), kind: kindPassport, norm: r.Normalized}, nil
	case ident.KindHKMOPermit:
		life, _ := r.Fact("lifetime_number")
		if life == "" {
			life = r.Normalized[:9]
		}
		return parsedID{key: makeKey(kindHKMO, base37(life)), kind: kindHKMO, norm: life}, nil
	case ident.KindTWPermit:
		life, _ := r.Fact("lifetime_number")
		if life == "" {
			life = r.Normalized[:8]
		}
		return parsedID{key: makeKey(kindTW, base37(life)), kind: kindTW, norm: life}, nil
	case ident.KindForeignPR:
		n := r.Normalized
		v := uint64(n[0]-'A')*676 + uint64(n[1]-'A')*26 + uint64(n[2]-'A')
		for i := 3; i < len(n); i++ {
			v = v*10 + uint64(n[i]-'0')
		}
		return parsedID{key: makeKey(kindForeignPR, v), kind: kindForeignPR, norm: n}, nil
	case ident.KindCreditCode:
		return parsedID{key: makeKey(kindCredit, maphash.String(creditSeed, r.Normalized)), kind: kindCredit, norm: r.Normalized}, nil
	}
	return parsedID{}, &ident.Error{Code: ident.CodeUnknown, Message: "“" + strings.TrimSpace(s) + "”是" + r.Kind.Label() + "，不是身份证件号码"}
}

// parseCredit reads a number known to be a unified social credit code
// (an all-digit code can also read as a 2023 foreign permanent resident ID).
func parseCredit(s string) (parsedID, error) {
	c, err := ident.ParseCreditCode(s)
	if err != nil {
		return parsedID{}, err
	}
	return parsedID{key: makeKey(kindCredit, maphash.String(creditSeed, c.Code)), kind: kindCredit, norm: c.Code}, nil
}

// looksResident is a cheap pre-check: digits (ASCII or full-width),
// separators and at most one X, so that the common case skips Detect.
func looksResident(s string) bool {
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= '０' && r <= '９', r == 'x', r == 'X', r == 'ｘ', r == 'Ｘ', r == ' ', r == '-', r == '　':
		default:
			return false
		}
	}
	return true
}
