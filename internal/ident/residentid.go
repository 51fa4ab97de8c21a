package ident

import (
	"fmt"
	"time"
)

// Sex as encoded by the parity of the sequence code.
type Sex string

// Sexes.
const (
	SexMale   Sex = "M"
	SexFemale Sex = "F"
)

// Label returns 男 or 女.
func (s Sex) Label() string {
	switch s {
	case SexMale:
		return "男"
	case SexFemale:
		return "女"
	}
	return string(s)
}

// Category tells which document an 18-character GB 11643-style number
// belongs to.
type Category string

// Categories of 18-character numbers.
const (
	CategoryResident  Category = "resident"   // 居民身份证 (mainland citizens)
	CategoryHKPermit  Category = "hk_permit"  // 港澳台居民居住证, Hong Kong residents (810000)
	CategoryMOPermit  Category = "mo_permit"  // 港澳台居民居住证, Macau residents (820000)
	CategoryTWPermit  Category = "tw_permit"  // 港澳台居民居住证, Taiwan residents (830000)
	CategoryForeignPR Category = "foreign_pr" // 外国人永久居留身份证, 2023 edition (first digit 9)
)

// Label returns the Chinese name of the document.
func (c Category) Label() string {
	switch c {
	case CategoryResident:
		return "居民身份证"
	case CategoryHKPermit:
		return "港澳台居民居住证（香港居民）"
	case CategoryMOPermit:
		return "港澳台居民居住证（澳门居民）"
	case CategoryTWPermit:
		return "港澳台居民居住证（台湾居民）"
	case CategoryForeignPR:
		return "外国人永久居留身份证（2023 版）"
	}
	return string(c)
}

// ResidentID is a valid GB 11643-1999 citizen identity number, or a number
// of the same format: a residence permit for Hong Kong, Macau or Taiwan
// residents, or a 2023 foreign permanent resident ID card.
type ResidentID struct {
	Number string // 18 characters, check character upper-case

	// Region is the six-digit address code. For a foreign permanent
	// resident ID it is the two-digit province code of the accepting
	// authority followed by "0000".
	Region        string
	RegionName    string // full name from the GB/T 2260 table, "" when unknown
	RegionKnown   bool   // the six-digit code is in the table
	RegionRetired bool   // the code is retired (e.g. 淮阳县 411626); still valid

	// BirthDate is the civil birth date at 00:00 UTC; use only its
	// year, month and day.
	BirthDate time.Time
	Sex       Sex
	Category  Category

	Nationality string // foreign PR only: ISO 3166-1 numeric nationality code, e.g. "840"
	Upgraded    bool   // typed as a legacy 15-digit number and upgraded to 18
	Legacy      string // the 15-digit number when Upgraded
}

// minBirthDate is the earliest birth date accepted. No one born before 1900
// holds a valid identity number today, and 15-digit numbers always mean 19xx.
var minBirthDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// ParseResidentID parses and validates an identity number, taking today's
// date from the clock to reject birth dates in the future.
func ParseResidentID(s string) (ResidentID, error) {
	return ParseResidentIDAt(s, time.Now())
}

// ParseResidentIDAt is ParseResidentID with an explicit today. Only the
// calendar date of today (in its own location) matters.
func ParseResidentIDAt(s string, today time.Time) (ResidentID, error) {
	const k = KindResidentID
	c := compact(s)
	if c == "" {
		return ResidentID{}, errEmpty(k)
	}
	n := runeCount(c)
	if n != 18 && n != 15 {
		return ResidentID{}, errLength(k, "18 位（旧式号码为 15 位）", n)
	}
	for i := 0; i < len(c); i++ {
		if isDigit(c[i]) || (i == 17 && c[i] == 'X') {
			continue
		}
		pos := runeCount(c[:i]) + 1
		if pos == 18 {
			return ResidentID{}, errChar(k, s, pos, "不是数字或 X（第 18 位为校验位）")
		}
		return ResidentID{}, errChar(k, s, pos, "不是数字")
	}
	if n == 15 {
		return parseResident15(c, today)
	}
	if c[0] == '9' {
		return parseForeignPR2023(c, today)
	}

	id := ResidentID{Number: c, Region: c[:6], Category: CategoryResident}
	switch c[:2] {
	case "81", "82", "83":
		if c[2:6] != "0000" {
			return ResidentID{}, newError(k, sufRegion, "港澳台居民居住证的地址码应为 810000、820000 或 830000，实际为 %s", c[:6])
		}
		switch c[1] {
		case '1':
			id.Category = CategoryHKPermit
		case '2':
			id.Category = CategoryMOPermit
		default:
			id.Category = CategoryTWPermit
		}
	default:
		if !validProvince(c) {
			return ResidentID{}, errProvince(c[:2])
		}
	}
	id.lookupRegion()
	var err *Error
	if id.BirthDate, err = parseBirthDate(k, c[6:14], today); err != nil {
		return ResidentID{}, err
	}
	if err := verifyMod112(k, c); err != nil {
		return ResidentID{}, err
	}
	id.Sex = sexOf(c[16])
	return id, nil
}

// parseResident15 validates a legacy 15-digit number (GB 11643-1989:
// address, YYMMDD, sequence) and upgrades it to 18 characters by inserting
// the century "19" and computing the check character.
func parseResident15(c string, today time.Time) (ResidentID, error) {
	const k = KindResidentID
	if c[0] == '9' || c[:2] == "81" || c[:2] == "82" || c[:2] == "83" {
		return ResidentID{}, newError(k, sufRegion, "15 位旧式号码的地址码“%s”不是内地的行政区划代码", c[:6])
	}
	if !validProvince(c) {
		return ResidentID{}, errProvince(c[:2])
	}
	body := c[:6] + "19" + c[6:]
	id := ResidentID{Region: c[:6], Category: CategoryResident, Upgraded: true, Legacy: c}
	id.lookupRegion()
	var err *Error
	if id.BirthDate, err = parseBirthDate(k, body[6:14], today); err != nil {
		return ResidentID{}, err
	}
	id.Number = body + string(mod112(body))
	id.Sex = sexOf(c[14])
	return id, nil
}

// parseForeignPR2023 validates the 2023 foreign permanent resident ID card
// number: "9", the province code of the accepting authority (2), the
// ISO 3166-1 numeric nationality code (3), the birth date YYYYMMDD (8), a
// sequence (2), a sex digit (1) and a MOD 11-2 check character. The "9",
// the length and the check are from the National Immigration
// Administration's 2023 notice; the layout of the middle fields is from
// public descriptions and two independent implementations (see
// docs/ident.md).
func parseForeignPR2023(c string, today time.Time) (ResidentID, error) {
	const k = KindResidentID
	p := c[1:3]
	if !validProvince(p) || p == "71" || p == "81" || p == "82" {
		return ResidentID{}, newError(k, sufRegion, "外国人永久居留身份证第 2–3 位应为受理地的省级代码，“%s”不是", p)
	}
	id := ResidentID{Number: c, Region: p + "0000", Category: CategoryForeignPR, Nationality: c[3:6]}
	id.lookupRegion()
	var err *Error
	if id.BirthDate, err = parseBirthDate(k, c[6:14], today); err != nil {
		return ResidentID{}, err
	}
	if err := verifyMod112(k, c); err != nil {
		return ResidentID{}, err
	}
	id.Sex = sexOf(c[16])
	return id, nil
}

func (id *ResidentID) lookupRegion() {
	if e, ok := regionTable()[id.Region]; ok {
		id.RegionName, id.RegionKnown, id.RegionRetired = e.name, true, e.retired
	}
}

func errProvince(p string) *Error {
	return newError(KindResidentID, sufRegion, "地址码前两位“%s”不是有效的省级行政区划代码", p)
}

func sexOf(d byte) Sex {
	if (d-'0')%2 == 1 {
		return SexMale
	}
	return SexFemale
}

// mod112Weights are 2^(17-i) mod 11, ISO 7064 MOD 11-2 as GB 11643 uses it.
var mod112Weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// mod112 returns the check character for the 17 digits at the start of s.
func mod112(s string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(s[i]-'0') * mod112Weights[i]
	}
	return "10X98765432"[sum%11]
}

func verifyMod112(k Kind, c string) *Error {
	if want := mod112(c); c[17] != want {
		return newError(k, sufCheckDigit, "校验位应为 %c，实际为 %c", want, c[17])
	}
	return nil
}

// parseBirthDate checks an 8-digit YYYYMMDD date: a real calendar date, not
// before 1900-01-01 and not after today.
func parseBirthDate(k Kind, d string, today time.Time) (time.Time, *Error) {
	y := atoi(d[0:4])
	m := atoi(d[4:6])
	day := atoi(d[6:8])
	if m < 1 || m > 12 {
		return time.Time{}, newError(k, sufBirthDate, "出生日期“%s”无效：没有 %d 月", d, m)
	}
	if day < 1 || day > daysIn(y, m) {
		return time.Time{}, newError(k, sufBirthDate, "出生日期“%s”无效：%d 年 %d 月没有 %d 日", d, y, m, day)
	}
	t := time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
	if t.Before(minBirthDate) {
		return time.Time{}, newError(k, sufBirthDate, "出生日期 %s 早于 1900-01-01", t.Format(time.DateOnly))
	}
	ty, tm, td := today.Date()
	if t.After(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, newError(k, sufBirthDate, "出生日期 %s 晚于今天（%04d-%02d-%02d）", t.Format(time.DateOnly), ty, tm, td)
	}
	return t, nil
}

// atoi converts a short run of ASCII digits already checked by the caller.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// Facts lists what the number tells, in display order.
func (id ResidentID) Facts() []Fact {
	facts := make([]Fact, 0, 9)
	facts = append(facts, Fact{"category", "证件类别", id.Category.Label()})
	if id.Category == CategoryForeignPR {
		facts = append(facts, Fact{"region", "受理地代码", id.Region[:2]})
		if id.RegionName != "" {
			facts = append(facts, Fact{"region_name", "受理地", id.RegionName})
		}
		facts = append(facts, Fact{"nationality", "国籍代码（ISO 3166-1 数字代码）", id.Nationality})
	} else {
		facts = append(facts, Fact{"region", "地址码", id.Region})
		switch {
		case !id.RegionKnown:
			facts = append(facts, Fact{"region_status", "地址码状态", "未收录于本系统的行政区划代码表（省级代码有效，已接受）"})
		case id.RegionRetired:
			facts = append(facts, Fact{"region_name", "所属地区", id.RegionName})
			facts = append(facts, Fact{"region_status", "地址码状态", "已撤销的旧代码（按此代码编制的号码继续有效）"})
		default:
			facts = append(facts, Fact{"region_name", "所属地区", id.RegionName})
		}
	}
	facts = append(facts,
		Fact{"birth_date", "出生日期", id.BirthDate.Format(time.DateOnly)},
		Fact{"sex", "性别", id.Sex.Label()},
	)
	if id.Upgraded {
		facts = append(facts, Fact{"upgraded", "升级", fmt.Sprintf("由 15 位旧号码 %s 升级为 18 位", id.Legacy)})
	}
	return facts
}
