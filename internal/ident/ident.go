// Package ident parses and validates the identifiers that court and police
// officers type every day: resident ID numbers (and the residence permits and
// foreign permanent resident ID cards that share their format), passports and
// travel permits, unified social credit codes, plate numbers, VINs and case
// numbers.
//
// Every parser normalizes what people actually type (full-width characters,
// spaces, hyphens, middle dots, lower case) and returns either a value with
// its facts or an *Error whose Code is stable and whose Message says in
// Simplified Chinese exactly what is wrong.
//
// The package holds no mutable state. Checks that depend on the current date
// (a birth date in the future, a case-number year) have *At variants that
// take "today" explicitly; the plain functions use time.Now().
package ident

import "time"

// Kind names a kind of identifier. The values are stable machine names.
type Kind string

// The kinds this package knows.
const (
	KindResidentID Kind = "resident_id"     // includes HK/Macau/Taiwan residence permits and the 2023 foreign PR ID (the category fact tells which)
	KindPassport   Kind = "passport"        // PRC passports
	KindHKMOPermit Kind = "hk_mo_permit"    // 港澳居民来往内地通行证
	KindTWPermit   Kind = "tw_permit"       // 台湾居民来往大陆通行证
	KindForeignPR  Kind = "foreign_pr_card" // old 15-character foreign permanent residence card
	KindCreditCode Kind = "credit_code"     // 统一社会信用代码
	KindPlate      Kind = "plate"           // 机动车号牌
	KindVIN        Kind = "vin"             // 车辆识别代号
	KindCaseNumber Kind = "case_number"     // 案号
)

var allKinds = [...]Kind{
	KindResidentID, KindPassport, KindHKMOPermit, KindTWPermit, KindForeignPR,
	KindCreditCode, KindPlate, KindVIN, KindCaseNumber,
}

// Kinds returns every kind, in display order.
func Kinds() []Kind {
	out := make([]Kind, len(allKinds))
	copy(out, allKinds[:])
	return out
}

// Label returns the Chinese name of the kind, or the machine name when the
// kind is unknown.
func (k Kind) Label() string {
	switch k {
	case KindResidentID:
		return "居民身份证号码"
	case KindPassport:
		return "护照号码"
	case KindHKMOPermit:
		return "港澳居民来往内地通行证号码"
	case KindTWPermit:
		return "台湾居民来往大陆通行证号码"
	case KindForeignPR:
		return "外国人永久居留证号码"
	case KindCreditCode:
		return "统一社会信用代码"
	case KindPlate:
		return "机动车号牌号码"
	case KindVIN:
		return "车辆识别代号"
	case KindCaseNumber:
		return "案号"
	}
	return string(k)
}

// Valid reports whether k is one of the kinds this package knows.
func (k Kind) Valid() bool {
	for _, x := range allKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Fact is one piece of information read from an identifier.
type Fact struct {
	Key   string // machine-readable, e.g. "birth_date"
	Label string // Chinese, e.g. "出生日期"
	Value string // display string, e.g. "1949-12-31"
}

// Result is a valid identifier: its kind, what was typed, its normalized
// form and its facts in display order.
type Result struct {
	Kind       Kind
	Input      string
	Normalized string
	Facts      []Fact
}

// Fact returns the value of the fact with the given key, if present.
func (r Result) Fact(key string) (string, bool) {
	for _, f := range r.Facts {
		if f.Key == key {
			return f.Value, true
		}
	}
	return "", false
}

// Check validates s as an identifier of the given kind. Errors are *Error.
func Check(kind Kind, s string) (Result, error) {
	return CheckAt(kind, s, time.Now())
}

// CheckAt is Check with an explicit today, for birth dates and case years.
func CheckAt(kind Kind, s string, today time.Time) (Result, error) {
	var (
		norm  string
		facts []Fact
		err   error
	)
	switch kind {
	case KindResidentID:
		var v ResidentID
		if v, err = ParseResidentIDAt(s, today); err == nil {
			norm, facts = v.Number, v.Facts()
		}
	case KindPassport:
		var v Passport
		if v, err = ParsePassport(s); err == nil {
			norm, facts = v.Number, v.Facts()
		}
	case KindHKMOPermit:
		var v HKMOPermit
		if v, err = ParseHKMOPermit(s); err == nil {
			norm, facts = v.Number, v.Facts()
		}
	case KindTWPermit:
		var v TWPermit
		if v, err = ParseTWPermit(s); err == nil {
			norm, facts = v.Number, v.Facts()
		}
	case KindForeignPR:
		var v ForeignPR
		if v, err = ParseForeignPR(s); err == nil {
			norm, facts = v.Number, v.Facts()
		}
	case KindCreditCode:
		var v CreditCode
		if v, err = ParseCreditCode(s); err == nil {
			norm, facts = v.Code, v.Facts()
		}
	case KindPlate:
		var v Plate
		if v, err = ParsePlate(s); err == nil {
			norm, facts = v.Number, v.Facts()
		}
	case KindVIN:
		var v VIN
		if v, err = ParseVIN(s); err == nil {
			norm, facts = v.Code, v.Facts()
		}
	case KindCaseNumber:
		var v CaseNumber
		if v, err = ParseCaseNumberAt(s, today); err == nil {
			norm, facts = v.String(), v.Facts()
		}
	default:
		err = &Error{Kind: kind, Code: CodeUnknownKind, Message: "不支持的号码类型“" + string(kind) + "”"}
	}
	if err != nil {
		return Result{}, err
	}
	return Result{Kind: kind, Input: s, Normalized: norm, Facts: facts}, nil
}

// Detect infers the kind of s from its shape and validates it. When nothing
// is valid it returns the error of the most plausible kind (18 digits → the
// resident ID's error); when s resembles no kind at all, the error's Code is
// "unknown".
func Detect(s string) (Result, error) {
	return DetectAt(s, time.Now())
}

// DetectAt is Detect with an explicit today.
func DetectAt(s string, today time.Time) (Result, error) {
	var buf [4]Kind
	cands := candidates(s, buf[:0])
	if len(cands) == 0 {
		return Result{}, errUnknown(s)
	}
	var best *Error
	for _, k := range cands {
		r, err := CheckAt(k, s, today)
		if err == nil {
			return r, nil
		}
		e := err.(*Error)
		// Keep the error of the candidate whose validation got furthest;
		// on a tie the earlier (more plausible) one wins.
		if best == nil || e.stage > best.stage {
			best = e
		}
	}
	return Result{}, best
}

func errUnknown(s string) *Error {
	if trimSpace(s) == "" {
		return &Error{Code: CodeUnknown, Message: "号码为空"}
	}
	return &Error{Code: CodeUnknown, Message: "无法识别：不像身份证号码、护照或通行证号码、统一社会信用代码、车牌号码、车辆识别代号或案号"}
}
