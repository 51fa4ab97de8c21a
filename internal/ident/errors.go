package ident

import (
	"fmt"
	"sort"
)

// Error says why an identifier is invalid.
type Error struct {
	Kind    Kind   // the kind that was checked; empty for CodeUnknown
	Code    string // stable, e.g. "resident_id.check_digit"
	Message string // Simplified Chinese, says exactly what is wrong

	stage stage // how far validation got; Detect prefers the furthest
}

// Error returns the kind's label and the message, e.g.
// "居民身份证号码无效：校验位应为 X，实际为 3".
func (e *Error) Error() string {
	if e.Kind == "" || !e.Kind.Valid() {
		return e.Message
	}
	return e.Kind.Label() + "无效：" + e.Message
}

// Codes that do not belong to one kind.
const (
	CodeUnknown     = "unknown"      // Detect: the input resembles no kind
	CodeUnknownKind = "unknown_kind" // Check: the kind itself is not known
)

// Error-code suffixes; a full code is the kind, a dot and the suffix.
const (
	sufEmpty        = "empty"           // nothing but spaces was typed
	sufLength       = "length"          // wrong number of characters
	sufChar         = "char"            // a character not allowed at its position
	sufFormat       = "format"          // the characters do not form any accepted pattern
	sufRegion       = "region"          // region / province code not valid
	sufBirthDate    = "birth_date"      // not a real date, before 1900 or in the future
	sufCheckDigit   = "check_digit"     // check character does not match
	sufOrgCheck     = "org_check_digit" // credit code: the embedded organization code's own check digit
	sufPrefix       = "prefix"          // permit: first letter is not H or M
	sufProvince     = "province"        // plate: first character is not a province abbreviation
	sufAuthority    = "authority"       // plate: second character is not an authority letter
	sufNewEnergy    = "new_energy"      // plate: eight characters that break the new-energy rules
	sufYear         = "year"            // case number: year out of range
	sufCourt        = "court"           // case number: court code not valid
	sufType         = "type"            // case number: case-type code not in the accepted list
	sufSeq          = "seq"             // case number: sequence number missing or zero
	sufLegacyFormat = "legacy_format"   // case number: pre-2016 "字第" form
)

// codesByKind lists every code each parser can return; tests check that
// each one is produced by at least one case, and docs/ident.md lists them.
var codesByKind = map[Kind][]string{
	KindResidentID: {sufEmpty, sufLength, sufChar, sufRegion, sufBirthDate, sufCheckDigit},
	KindPassport:   {sufEmpty, sufLength, sufChar, sufFormat},
	KindHKMOPermit: {sufEmpty, sufLength, sufChar, sufPrefix},
	KindTWPermit:   {sufEmpty, sufLength, sufChar, sufFormat},
	KindForeignPR:  {sufEmpty, sufLength, sufChar},
	KindCreditCode: {sufEmpty, sufLength, sufChar, sufRegion, sufCheckDigit, sufOrgCheck},
	KindPlate:      {sufEmpty, sufLength, sufProvince, sufAuthority, sufChar, sufNewEnergy},
	KindVIN:        {sufEmpty, sufLength, sufChar, sufCheckDigit},
	KindCaseNumber: {sufEmpty, sufFormat, sufLegacyFormat, sufYear, sufCourt, sufType, sufSeq},
}

// Codes returns every error code this package can return, sorted.
func Codes() []string {
	out := []string{CodeUnknown, CodeUnknownKind}
	for k, sufs := range codesByKind {
		for _, s := range sufs {
			out = append(out, string(k)+"."+s)
		}
	}
	sort.Strings(out)
	return out
}

// stage orders errors by how far validation got before failing.
type stage uint8

const (
	stageEmpty stage = iota
	stageLength
	stageChar
	stageField
	stageCheck
)

func stageOf(suffix string) stage {
	switch suffix {
	case sufEmpty:
		return stageEmpty
	case sufLength:
		return stageLength
	case sufChar, sufPrefix, sufProvince, sufAuthority, sufFormat, sufLegacyFormat:
		return stageChar
	case sufCheckDigit, sufOrgCheck:
		return stageCheck
	}
	return stageField
}

func newError(k Kind, suffix, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Kind: k, Code: string(k) + "." + suffix, Message: msg, stage: stageOf(suffix)}
}

func errEmpty(k Kind) *Error {
	return newError(k, sufEmpty, "号码为空")
}

// errLength reports a wrong number of characters; want is a phrase such as
// "18 位（旧式为 15 位）".
func errLength(k Kind, want string, got int) *Error {
	return newError(k, sufLength, "长度应为 %s，实际为 %d 位", want, got)
}

// errChar reports the character the user typed at 1-based position pos of
// the normalized input, and what was expected there.
func errChar(k Kind, input string, pos int, expected string) *Error {
	r := sourceRune(input, pos-1)
	return newError(k, sufChar, "第 %d 位字符“%s”%s%s", pos, string(r), expected, confusionHint(r, expected))
}
