// Package workday is the holiday calendar of mainland China and the deadline
// arithmetic built on it: periods counted in hours, in calendar days (民事诉讼法
// art. 85) and in working days, all in China Standard Time (UTC+08:00)
// whatever the machine's zone.
//
// The calendar knows the State Council's yearly holiday schedules that are
// shipped in holidays.txt (embedded in the binary) plus any an operator loads
// from a file of the same format (see Parse and LoadFile). A year with no
// schedule is treated as "weekends only"; Covers tells callers so they can
// warn. The counting rules and their legal sources are in docs/workday.md.
package workday

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Kind classifies a civil day.
type Kind uint8

const (
	Workday       Kind = iota // an ordinary Monday to Friday
	Weekend                   // a Saturday or Sunday with no special status
	Holiday                   // a day off under the State Council notice (放假)
	MakeupWorkday             // a Saturday or Sunday worked instead (调休上班)
)

// IsWorkday reports whether a day of this kind is a working day.
func (k Kind) IsWorkday() bool { return k == Workday || k == MakeupWorkday }

// String returns the kind's Chinese name.
func (k Kind) String() string {
	switch k {
	case Workday:
		return "工作日"
	case Weekend:
		return "周末"
	case Holiday:
		return "节假日"
	case MakeupWorkday:
		return "调休上班日"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// entry is one special day from a schedule: a holiday or a make-up workday.
type entry struct {
	day  int64
	kind Kind // Holiday or MakeupWorkday
	name string
	line int // line in the file it came from, for messages
}

// schedule is one year's notice.
type schedule struct {
	year   int
	source string
	line   int // line of the "year" directive
	days   []entry
}

// Calendar answers which days are working days and computes deadlines. It is
// immutable once built and safe for concurrent use.
type Calendar struct {
	years map[int]*schedule

	// kinds holds every day from 1 January of the year before the first
	// schedule to 31 December of the year after the last, so IsWorkday is one
	// index; days outside it are classified by weekday alone.
	first int64
	kinds []Kind
	names map[int64]string // name of each Holiday and MakeupWorkday
}

//go:embed holidays.txt
var shippedData string

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := Parse(strings.NewReader(shippedData))
	if err != nil {
		// The shipped file is checked by the tests; reaching this is a build
		// of a broken file, not a runtime condition.
		panic("workday: embedded holidays.txt: " + err.Error())
	}
	return c
})

// Default returns the calendar of the schedules shipped in the binary.
func Default() *Calendar { return defaultCalendar() }

// build indexes a set of schedules. Two schedules naming the same date is an
// error: the data would be ambiguous.
func build(years map[int]*schedule) (*Calendar, error) {
	c := &Calendar{years: years, names: make(map[int64]string)}
	if len(years) == 0 {
		return c, nil
	}
	ys := sortedYears(years)
	c.first = dayFromDate(ys[0]-1, time.January, 1)
	last := dayFromDate(ys[len(ys)-1]+1, time.December, 31)
	c.kinds = make([]Kind, last-c.first+1)
	for i := range c.kinds {
		if isWeekend(c.first + int64(i)) {
			c.kinds[i] = Weekend
		}
	}
	owner := make(map[int64]int)
	for _, y := range ys {
		for _, e := range years[y].days {
			if prev, ok := owner[e.day]; ok {
				return nil, fmt.Errorf("%s 同时出现在 %d 年和 %d 年的安排中", formatDay(e.day), prev, y)
			}
			owner[e.day] = y
			c.kinds[e.day-c.first] = e.kind
			c.names[e.day] = e.name
		}
	}
	return c, nil
}

func sortedYears(years map[int]*schedule) []int {
	ys := make([]int, 0, len(years))
	for y := range years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// Merge returns a calendar with the schedules of both: a year that other
// has replaces that year of c entirely (so an operator's file can add 2027 or
// correct a shipped year), and the other years of c are kept. Neither input
// changes. It fails if two schedules of the result name the same date.
func (c *Calendar) Merge(other *Calendar) (*Calendar, error) {
	years := make(map[int]*schedule, len(c.years)+len(other.years))
	for y, s := range c.years {
		years[y] = s
	}
	for y, s := range other.years {
		years[y] = s
	}
	return build(years)
}

// Covers reports whether the calendar has the State Council schedule for
// year. For a year it does not cover, only weekends are days off, which is
// wrong around public holidays: callers should warn.
func (c *Calendar) Covers(year int) bool {
	_, ok := c.years[year]
	return ok
}

// Years returns the years with a schedule, in ascending order.
func (c *Calendar) Years() []int { return sortedYears(c.years) }

// Source returns the notice a year's schedule comes from, as its file states
// it.
func (c *Calendar) Source(year int) (string, bool) {
	s, ok := c.years[year]
	if !ok {
		return "", false
	}
	return s.source, true
}

// kind classifies day number d.
func (c *Calendar) kind(d int64) Kind {
	if i := d - c.first; i >= 0 && i < int64(len(c.kinds)) {
		return c.kinds[i]
	}
	if isWeekend(d) {
		return Weekend
	}
	return Workday
}

// IsWorkday reports whether t falls, by its civil date in Shanghai, on a
// working day: Monday to Friday unless a holiday, or a make-up workday.
func (c *Calendar) IsWorkday(t time.Time) bool {
	return c.kind(dayOf(t)).IsWorkday()
}

// DayKind classifies the civil date of t in Shanghai. For a Holiday or a
// MakeupWorkday, name is the festival the schedule gives (春节, 国庆节 …); it
// is empty otherwise.
func (c *Calendar) DayKind(t time.Time) (kind Kind, name string) {
	d := dayOf(t)
	k := c.kind(d)
	if k == Holiday || k == MakeupWorkday {
		return k, c.names[d]
	}
	return k, ""
}
