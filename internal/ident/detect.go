package ident

import (
	"strings"
	"unicode/utf8"
)

// candidates appends to buf the kinds s may be, most plausible first,
// judged from its shape alone. Detect tries them in order and keeps the
// first valid one.
func candidates(s string, buf []Kind) []Kind {
	t := trimSpace(s)
	if t == "" {
		return buf
	}
	// Case numbers and plates are the only kinds with Chinese characters.
	first, _ := utf8.DecodeRuneInString(t)
	first = caseBracket(foldRune(first))
	if first == '(' || strings.ContainsAny(t, "号执民刑行赔破") || strings.Contains(t, "最高法") {
		return append(buf, KindCaseNumber)
	}
	if _, ok := plateProvinces[first]; ok || first == '使' {
		return append(buf, KindPlate)
	}

	c := compact(t)
	if !isASCII(c) {
		return buf
	}
	n := utf8.RuneCountInString(c)
	digits, letters := 0, 0
	for i := 0; i < len(c); i++ {
		switch {
		case isDigit(c[i]):
			digits++
		case isUpper(c[i]):
			letters++
		}
	}
	if digits+letters == 0 {
		return buf
	}
	allDigits := digits == n
	// Digits with at most a final X: the shape of a resident ID.
	idLike := allDigits || (digits == n-1 && c[n-1] == 'X')

	switch {
	case n == 18:
		if idLike {
			return append(buf, KindResidentID, KindCreditCode)
		}
		return append(buf, KindCreditCode, KindVIN)
	case n == 15:
		if idLike {
			return append(buf, KindResidentID)
		}
		return append(buf, KindForeignPR)
	case n == 17:
		// Digits only: a resident ID with a digit missing, not a VIN (real
		// WMIs and descriptors carry letters).
		if idLike {
			return append(buf, KindResidentID)
		}
		return append(buf, KindVIN, KindCreditCode)
	case n == 16 || n == 19:
		if idLike {
			return append(buf, KindResidentID)
		}
		if n == 16 {
			return append(buf, KindVIN)
		}
		return append(buf, KindCreditCode)
	case n == 14:
		if idLike {
			return append(buf, KindResidentID)
		}
		return append(buf, KindForeignPR)
	case n >= 8 && n <= 13:
		switch {
		case allDigits && n == 9 && (c[:2] == "14" || c[:2] == "15"):
			return append(buf, KindPassport, KindTWPermit)
		case allDigits || (n == 13 && c[10] == '('):
			return append(buf, KindTWPermit)
		case (c[0] == 'H' || c[0] == 'M') && digits == n-1, c[0] == 'C' || c[0] == 'W':
			// H/M + 8 digits is a 回乡证 (MA/MB passports have two letters);
			// C/W are mainland residents' permits, which its error explains.
			return append(buf, KindHKMOPermit, KindPassport)
		case isUpper(c[0]):
			return append(buf, KindPassport, KindHKMOPermit)
		}
	}
	return buf
}
