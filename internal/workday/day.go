package workday

import "time"

// Civil days are handled as day numbers: days since 1970-01-01 in China
// Standard Time. Turning an instant into its Shanghai date is then one
// division, with no time.Location lookup on the hot paths.

const (
	secondsPerDay = 24 * 60 * 60
	// utcOffset is China Standard Time, UTC+8. China has observed no daylight
	// saving time since 1991, so a fixed offset is exact for every date this
	// package is used for and needs no tzdata on the machine.
	utcOffset = 8 * 60 * 60
)

// shanghai is never reassigned; it is a variable only because a
// *time.Location cannot be a constant.
var shanghai = time.FixedZone("CST", utcOffset)

// Location returns the zone every result of this package is expressed in:
// China Standard Time, a fixed UTC+08:00 (Asia/Shanghai without DST, which
// China has not observed since 1991).
func Location() *time.Location { return shanghai }

// dayOf returns the day number of t's civil date in Shanghai, whatever t's
// own location.
func dayOf(t time.Time) int64 {
	return floorDiv(t.Unix()+utcOffset, secondsPerDay)
}

// startOfDay is 00:00 of day d in Shanghai.
func startOfDay(d int64) time.Time {
	return time.Unix(d*secondsPerDay-utcOffset, 0).In(shanghai)
}

// endOfDay is the last representable instant of day d in Shanghai,
// 23:59:59.999999999: a deadline "by the end of the day" (24:00) is missed
// exactly when the moment is After it.
func endOfDay(d int64) time.Time {
	return time.Unix((d+1)*secondsPerDay-utcOffset-1, 999_999_999).In(shanghai)
}

// dayFromDate returns the day number of a proleptic Gregorian date. The
// caller has validated month and day.
func dayFromDate(year int, month time.Month, day int) int64 {
	return floorDiv(time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Unix(), secondsPerDay)
}

// dateOf returns the civil date of day d.
func dateOf(d int64) (year int, month time.Month, day int) {
	return time.Unix(d*secondsPerDay, 0).UTC().Date()
}

// weekdayOf returns the day of the week of day d; day 0, 1970-01-01, was a
// Thursday.
func weekdayOf(d int64) time.Weekday {
	return time.Weekday((d%7 + 7 + 4) % 7)
}

func isWeekend(d int64) bool {
	w := weekdayOf(d)
	return w == time.Saturday || w == time.Sunday
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// formatDay formats day d as YYYY-MM-DD.
func formatDay(d int64) string {
	return time.Unix(d*secondsPerDay, 0).UTC().Format(time.DateOnly)
}

// WeekdayName returns the Chinese name of w: 星期一 … 星期日.
func WeekdayName(w time.Weekday) string {
	switch w {
	case time.Monday:
		return "星期一"
	case time.Tuesday:
		return "星期二"
	case time.Wednesday:
		return "星期三"
	case time.Thursday:
		return "星期四"
	case time.Friday:
		return "星期五"
	case time.Saturday:
		return "星期六"
	case time.Sunday:
		return "星期日"
	}
	return w.String()
}
