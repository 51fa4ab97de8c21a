package screen

import (
	"fmt"
	"time"
)

// Date is a civil date packed as yyyymmdd (19850302); 0 is unknown. A
// year-only date has month and day 0 (19850000).
type Date uint32

// NewDate returns the date y-m-d. It does not validate.
func NewDate(y, m, d int) Date { return Date(y*10000 + m*100 + d) }

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	if t.IsZero() {
		return 0
	}
	y, m, d := t.Date()
	return NewDate(y, int(m), d)
}

// Year, Month and Day split the date.
func (d Date) Year() int  { return int(d / 10000) }
func (d Date) Month() int { return int(d / 100 % 100) }
func (d Date) Day() int   { return int(d % 100) }

// YearOnly reports a date that knows its year only.
func (d Date) YearOnly() bool { return d != 0 && d%10000 == 0 }

// Valid reports whether d is a real calendar date between 1900 and 2199
// (or a year alone in that range).
func (d Date) Valid() bool {
	y, m, dd := d.Year(), d.Month(), d.Day()
	if y < 1900 || y > 2199 {
		return false
	}
	if m == 0 && dd == 0 {
		return true
	}
	return m >= 1 && m <= 12 && dd >= 1 && dd <= daysIn(y, m)
}

// String formats the date as YYYY-MM-DD (YYYY for a year alone).
func (d Date) String() string {
	if d == 0 {
		return ""
	}
	if d.YearOnly() {
		return fmt.Sprintf("%04d", d.Year())
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year(), d.Month(), d.Day())
}

// dayNumber counts days from 1900-01-01 (0) for a full date; -1 otherwise.
func (d Date) dayNumber() int {
	if !d.Valid() || d.YearOnly() {
		return -1
	}
	t := time.Date(d.Year(), time.Month(d.Month()), d.Day(), 0, 0, 0, 0, time.UTC)
	return int(t.Sub(epoch).Hours() / 24)
}

var epoch = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

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

// ParseDate reads a birth date as people type it: 1985-03-02, 1985-3-2,
// 19850302, 1985/03/02, 1985.03.02, 1985年3月2日, full-width digits, or a
// year alone (1985, 1985年). It returns 0 and false when s is not a date.
func ParseDate(s string) (Date, bool) {
	var nums [3]int
	var widths [3]int
	n := 0
	inNum := false
	for _, r := range s {
		if r >= '０' && r <= '９' {
			r -= '０' - '0'
		}
		if r >= '0' && r <= '9' {
			if !inNum {
				if n == 3 {
					return 0, false
				}
				n++
				inNum = true
			}
			if widths[n-1] >= 8 {
				return 0, false
			}
			nums[n-1] = nums[n-1]*10 + int(r-'0')
			widths[n-1]++
			continue
		}
		inNum = false
		switch r {
		case '-', '/', '.', ' ', '年', '月', '日', '号', '　', '－', '／', '．':
		default:
			return 0, false
		}
	}
	var d Date
	switch {
	case n == 1 && widths[0] == 8:
		d = Date(nums[0])
	case n == 1 && widths[0] == 4:
		d = NewDate(nums[0], 0, 0)
	case n == 3 && widths[0] == 4 && widths[1] <= 2 && widths[2] <= 2:
		d = NewDate(nums[0], nums[1], nums[2])
	default:
		return 0, false
	}
	if !d.Valid() {
		return 0, false
	}
	return d, true
}
