package workday

import (
	"fmt"
	"strings"
	"time"
)

// Unit is what a period is counted in.
type Unit string

const (
	Minutes  Unit = "minutes"  // exact minutes from the starting instant (emergency response)
	Hours    Unit = "hours"    // exact hours from the starting instant
	Days     Unit = "days"     // calendar days, 民事诉讼法 art. 85
	Workdays Unit = "workdays" // working days
)

// Upper bounds for Due: a century of any unit, far beyond any legal period,
// so that a typo cannot overflow time.Duration or loop for long.
const (
	maxMinutes  = 100 * 366 * 24 * 60
	maxHours    = 100 * 366 * 24
	maxDays     = 100 * 366
	maxWorkdays = 100 * 261
)

// ParseUnit reads a unit as an operator writes it: days, workdays, hours,
// minutes, or 天 / 日, 工作日, 小时 / 时, 分钟.
func ParseUnit(s string) (Unit, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "minutes", "minute", "min", "分钟":
		return Minutes, nil
	case "hours", "hour", "h", "小时", "时":
		return Hours, nil
	case "days", "day", "d", "天", "日":
		return Days, nil
	case "workdays", "workday", "工作日":
		return Workdays, nil
	}
	return "", fmt.Errorf("无法识别的期间单位“%s”，应为 days（天）、workdays（工作日）、hours（小时）或 minutes（分钟）", s)
}

// String returns the unit's Chinese name.
func (u Unit) String() string {
	switch u {
	case Minutes:
		return "分钟"
	case Hours:
		return "小时"
	case Days:
		return "天"
	case Workdays:
		return "工作日"
	}
	return string(u)
}

// AddHours returns the instant n hours after start, in Shanghai time. An
// hours period is an exact interval: it is not extended over holidays,
// because art. 85's extension speaks only of a period's last day.
func (c *Calendar) AddHours(start time.Time, n int) time.Time {
	return start.Add(time.Duration(n) * time.Hour).In(shanghai)
}

// AddDays returns the end of a period of n calendar days that starts at
// start, counted as 民事诉讼法 art. 85 counts it: the starting day is not
// counted, so the last day is the n-th day after it; if that last day is a
// day off (a weekend or a State Council holiday, but not a make-up workday),
// the period ends on the first working day after it. The result is the end
// of that day, 23:59:59.999999999 in Shanghai.
//
// For n ≤ 0 the result is the end of the starting day. n is not bounded
// here; use Due for a period that comes from outside.
func (c *Calendar) AddDays(start time.Time, n int) time.Time {
	d := dayOf(start)
	if n <= 0 {
		return endOfDay(d)
	}
	d += int64(n)
	for !c.kind(d).IsWorkday() {
		d++
	}
	return endOfDay(d)
}

// AddWorkdays returns the end of the n-th working day after the day of
// start: counting begins the next day, weekends and holidays are skipped,
// make-up workdays count. The result is 23:59:59.999999999 in Shanghai.
//
// For n ≤ 0 the result is the end of the starting day. The time taken grows
// with n; use Due for a period that comes from outside.
func (c *Calendar) AddWorkdays(start time.Time, n int) time.Time {
	d := dayOf(start)
	for n > 0 {
		d++
		if c.kind(d).IsWorkday() {
			n--
		}
	}
	return endOfDay(d)
}

// Due returns the deadline of a period of n units that starts at start.
// n must be positive: a zero or negative period is a mistake in whatever
// table asked for it, and is reported rather than guessed at.
func (c *Calendar) Due(start time.Time, n int, u Unit) (time.Time, error) {
	if n <= 0 {
		return time.Time{}, fmt.Errorf("期间必须是正整数，收到 %d", n)
	}
	var limit int
	switch u {
	case Minutes:
		limit = maxMinutes
	case Hours:
		limit = maxHours
	case Days:
		limit = maxDays
	case Workdays:
		limit = maxWorkdays
	default:
		return time.Time{}, fmt.Errorf("无法识别的期间单位“%s”", string(u))
	}
	if n > limit {
		return time.Time{}, fmt.Errorf("期间 %d %s 过长，上限为 %d", n, u, limit)
	}
	switch u {
	case Minutes:
		return start.Add(time.Duration(n) * time.Minute).In(shanghai), nil
	case Hours:
		return c.AddHours(start, n), nil
	case Days:
		return c.AddDays(start, n), nil
	default:
		return c.AddWorkdays(start, n), nil
	}
}

// Overdue reports whether a deadline due has passed at t. due is the last
// moment still in time, so t equal to due is not overdue.
func Overdue(due, t time.Time) bool { return t.After(due) }

// TimeLeft is the time from t to due: negative once overdue.
func TimeLeft(due, t time.Time) time.Duration { return due.Sub(t) }
