package workday

import (
	"strings"
	"testing"
	"time"
)

// day parses YYYY-MM-DD as the end of that day in Shanghai, the way every
// days and workdays deadline is represented.
func endOf(t *testing.T, s string) time.Time {
	t.Helper()
	return endOfDay(mustDay(t, s))
}

// Working-day periods around every Spring Festival and National Day shipped.
func TestAddWorkdaysAroundLongHolidays(t *testing.T) {
	c := Default()
	tests := []struct {
		name  string
		start string
		n     int
		want  string
	}{
		{"2021 春节: over the holiday", "2021-02-10", 1, "2021-02-18"},
		{"2021 春节: make-up Saturday 02-20 counts", "2021-02-10", 3, "2021-02-20"},
		{"2021 春节: make-up Sunday 02-07 counts", "2021-02-05", 1, "2021-02-07"},
		{"2021 中秋: make-up Saturday 09-18 counts", "2021-09-17", 1, "2021-09-18"},
		{"2021 国庆: over the holiday", "2021-09-30", 1, "2021-10-08"},
		{"2021 国庆: make-up Saturday 10-09 counts", "2021-09-30", 2, "2021-10-09"},
		{"2021 国庆: make-up Sunday 09-26 counts", "2021-09-24", 1, "2021-09-26"},
		{"2022 春节: make-up Saturday 01-29", "2022-01-28", 1, "2022-01-29"},
		{"2022 春节: 01-29, 01-30, then over the holiday", "2022-01-28", 3, "2022-02-07"},
		{"2022 国庆: make-up Saturday 10-08 right after", "2022-09-30", 1, "2022-10-08"},
		{"2022 国庆: 10-08, 10-09, 10-10", "2022-09-30", 3, "2022-10-10"},
		{"2023 春节: make-up Saturday 01-28 right after", "2023-01-20", 1, "2023-01-28"},
		{"2023 春节: 01-28, 01-29, 01-30", "2023-01-20", 3, "2023-01-30"},
		{"2023 中秋国庆: make-up 10-07", "2023-09-28", 1, "2023-10-07"},
		{"2023 中秋国庆: 10-07, 10-08, 10-09", "2023-09-28", 3, "2023-10-09"},
		{"2024 春节: 除夕 02-09 is a workday", "2024-02-08", 1, "2024-02-09"},
		{"2024 春节: make-up Sunday 02-18 right after", "2024-02-09", 1, "2024-02-18"},
		{"2024 春节: make-up Sunday 02-04", "2024-02-02", 1, "2024-02-04"},
		{"2024 国庆: make-up Sunday 09-29", "2024-09-27", 1, "2024-09-29"},
		{"2024 国庆: 3 working days from Monday 09-30", "2024-09-30", 3, "2024-10-10"},
		{"2024 国庆: make-up Saturday 10-12 counts", "2024-10-09", 4, "2024-10-14"},
		{"2024 国庆: 15 working days from 09-30", "2024-09-30", 15, "2024-10-25"},
		{"2025 春节: make-up Sunday 01-26", "2025-01-24", 1, "2025-01-26"},
		{"2025 春节: Monday 01-27 then 除夕 off", "2025-01-27", 1, "2025-02-05"},
		{"2025 春节: make-up Saturday 02-08", "2025-02-07", 1, "2025-02-08"},
		{"2025 国庆: make-up Sunday 09-28", "2025-09-26", 1, "2025-09-28"},
		{"2025 国庆: over the 8-day holiday", "2025-09-30", 1, "2025-10-09"},
		{"2025 国庆: make-up Saturday 10-11", "2025-10-10", 1, "2025-10-11"},
		{"2026 春节: make-up Saturday 02-14", "2026-02-13", 1, "2026-02-14"},
		{"2026 春节: over the 9-day holiday", "2026-02-14", 1, "2026-02-24"},
		{"2026 春节: make-up Saturday 02-28", "2026-02-27", 1, "2026-02-28"},
		{"2026 国庆: make-up Sunday 09-20", "2026-09-18", 1, "2026-09-20"},
		{"2026 国庆: over the holiday", "2026-09-30", 1, "2026-10-08"},
		{"2026 国庆: make-up Saturday 10-10", "2026-10-09", 1, "2026-10-10"},
		{"start on a holiday: counting begins the next day", "2024-10-03", 1, "2024-10-08"},
		{"ordinary weekend", "2024-11-01", 1, "2024-11-04"},
		{"across the 2022/2023 New Year", "2022-12-30", 1, "2023-01-03"},
		{"no data for 2030: weekends only", "2030-09-27", 2, "2030-10-01"},
	}
	for _, tt := range tests {
		got := c.AddWorkdays(mustTime(t, tt.start), tt.n)
		if want := endOf(t, tt.want); !got.Equal(want) {
			t.Errorf("%s: AddWorkdays(%s, %d) = %v, want %v", tt.name, tt.start, tt.n, got, want)
		}
	}
}

// Calendar-day periods under 民事诉讼法 (2023) art. 85: the starting day is
// not counted, and a last day that is a 法定休假日 moves to the first day
// after it. Weekends count as 法定休假日, as courts apply art. 85 (see
// docs/workday.md: the former 民通意见 art. 198 and the Supreme People's
// Court's own list "星期六、星期日、'五一'、'十一'、元旦、春节"); a make-up
// workday is a working day and does not extend a period.
func TestAddDaysArticle85(t *testing.T) {
	c := Default()
	tests := []struct {
		name  string
		start string
		n     int
		want  string
	}{
		{"ordinary: last day a Tuesday", "2024-09-30", 15, "2024-10-15"},
		{"last day an ordinary Saturday → Monday", "2024-11-01", 15, "2024-11-18"},
		{"last day an ordinary Saturday → Monday (2025)", "2025-03-01", 7, "2025-03-10"},
		{"2021 春节: last day in holiday", "2021-02-01", 12, "2021-02-18"},
		{"2021 国庆: last day in holiday", "2021-09-25", 8, "2021-10-08"},
		{"2022 春节: last day in holiday", "2022-01-21", 12, "2022-02-07"},
		{"2022 国庆: extends to make-up Saturday 10-08", "2022-09-21", 12, "2022-10-08"},
		{"2023 春节: extends to make-up Saturday 01-28", "2023-01-11", 12, "2023-01-28"},
		{"2023 中秋国庆: extends to make-up Saturday 10-07", "2023-09-20", 12, "2023-10-07"},
		{"2024 春节: extends to make-up Sunday 02-18", "2024-02-01", 12, "2024-02-18"},
		{"2024 国庆: last day in holiday", "2024-09-20", 15, "2024-10-08"},
		{"2025 春节: last day in holiday", "2025-01-20", 10, "2025-02-05"},
		{"2025 国庆: last day in holiday", "2025-09-20", 15, "2025-10-09"},
		{"2026 春节: last day in holiday", "2026-02-10", 10, "2026-02-24"},
		{"2026 国庆: last day in holiday", "2026-09-20", 15, "2026-10-08"},
		{"ends on make-up Sunday 2021-02-07: no extension", "2021-02-04", 3, "2021-02-07"},
		{"ends on make-up Saturday 2024-10-12: no extension", "2024-10-07", 5, "2024-10-12"},
		{"ends on make-up Sunday 2026-01-04: no extension", "2026-01-01", 3, "2026-01-04"},
		{"holiday then weekend → Monday", "2026-06-10", 9, "2026-06-22"},
		{"one-day holiday → next day", "2023-03-31", 5, "2023-04-06"},
		{"across years: 2022-12-31 is 2023 元旦", "2022-12-20", 11, "2023-01-03"},
		{"no data for 2030: weekends only", "2030-01-01", 4, "2030-01-07"},
	}
	for _, tt := range tests {
		got := c.AddDays(mustTime(t, tt.start), tt.n)
		if want := endOf(t, tt.want); !got.Equal(want) {
			t.Errorf("%s: AddDays(%s, %d) = %v, want %v", tt.name, tt.start, tt.n, got, want)
		}
	}
}

func TestAddHours(t *testing.T) {
	c := Default()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		start time.Time
		n     int
		want  string
	}{
		{"24 hours across midnight", mustTime(t, "2024-01-31T23:30"), 24, "2024-02-01T23:30:00+08:00"},
		{"1 hour across midnight", mustTime(t, "2024-01-31T23:30"), 1, "2024-02-01T00:30:00+08:00"},
		{"not extended over a holiday", mustTime(t, "2024-09-30T22:00"), 24, "2024-10-01T22:00:00+08:00"},
		{"UTC start", time.Date(2024, 9, 30, 14, 0, 0, 0, time.UTC), 24, "2024-10-01T22:00:00+08:00"},
		{"New York start", time.Date(2024, 9, 30, 10, 0, 0, 0, ny), 24, "2024-10-01T22:00:00+08:00"},
		{"across a US DST change: still exact hours", time.Date(2024, 11, 2, 12, 0, 0, 0, ny), 48, "2024-11-05T00:00:00+08:00"},
	}
	for _, tt := range tests {
		got := c.AddHours(tt.start, tt.n)
		if s := got.Format(time.RFC3339); s != tt.want {
			t.Errorf("%s: AddHours(%v, %d) = %s, want %s", tt.name, tt.start, tt.n, s, tt.want)
		}
		if got.Location() != Location() {
			t.Errorf("%s: result in %v, want %v", tt.name, got.Location(), Location())
		}
	}
}

// Days and workdays periods start from the Shanghai date of the start, not the
// date in the start's own zone.
func TestDueConvertsZones(t *testing.T) {
	c := Default()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	// All three are 2024-09-30 01:00 in Shanghai. In UTC and New York the
	// date is still Sunday 2024-09-29, a make-up workday: counting from that
	// date would give 2024-10-09.
	starts := map[string]time.Time{
		"Shanghai": mustTime(t, "2024-09-30T01:00"),
		"UTC":      time.Date(2024, 9, 29, 17, 0, 0, 0, time.UTC),
		"New York": time.Date(2024, 9, 29, 13, 0, 0, 0, ny),
	}
	for name, start := range starts {
		got, err := c.Due(start, 3, Workdays)
		if err != nil {
			t.Fatal(err)
		}
		if s := got.Format(time.RFC3339); s != "2024-10-10T23:59:59+08:00" {
			t.Errorf("%s: Due(%v, 3 workdays) = %s, want 2024-10-10T23:59:59+08:00", name, start, s)
		}
		got, err = c.Due(start, 15, Days)
		if err != nil {
			t.Fatal(err)
		}
		if s := got.Format(time.RFC3339); s != "2024-10-15T23:59:59+08:00" {
			t.Errorf("%s: Due(%v, 15 days) = %s, want 2024-10-15T23:59:59+08:00", name, start, s)
		}
	}
}

func TestDue(t *testing.T) {
	c := Default()
	start := mustTime(t, "2024-09-30T09:30")
	tests := []struct {
		n       int
		unit    Unit
		want    string // RFC 3339 with nanoseconds, or "" when an error is expected
		wantErr string
	}{
		{3, Workdays, "2024-10-10T23:59:59.999999999+08:00", ""},
		{15, Days, "2024-10-15T23:59:59.999999999+08:00", ""},
		{24, Hours, "2024-10-01T09:30:00+08:00", ""},
		{5, Minutes, "2024-09-30T09:35:00+08:00", ""}, // exact, even on the eve of a holiday
		{maxMinutes + 1, Minutes, "", "过长"},
		{0, Days, "", "正整数"},
		{-1, Workdays, "", "正整数"},
		{-24, Hours, "", "正整数"},
		{maxDays + 1, Days, "", "过长"},
		{maxHours + 1, Hours, "", "过长"},
		{maxWorkdays + 1, Workdays, "", "过长"},
		{1, Unit("weeks"), "", "单位"},
	}
	for _, tt := range tests {
		got, err := c.Due(start, tt.n, tt.unit)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Due(%d %s) error = %v, want one containing %q", tt.n, tt.unit, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("Due(%d %s): %v", tt.n, tt.unit, err)
			continue
		}
		if s := got.Format(time.RFC3339Nano); s != tt.want {
			t.Errorf("Due(%d %s) = %s, want %s", tt.n, tt.unit, s, tt.want)
		}
	}
	// The largest allowed periods compute without overflow.
	for _, u := range []Unit{Minutes, Hours, Days, Workdays} {
		limit := map[Unit]int{Minutes: maxMinutes, Hours: maxHours, Days: maxDays, Workdays: maxWorkdays}[u]
		if got, err := c.Due(start, limit, u); err != nil || got.Year() < 2124 {
			t.Errorf("Due(%d %s) = %v, %v; want a date about a century on", limit, u, got, err)
		}
	}
}

func TestAddZeroAndNegative(t *testing.T) {
	c := Default()
	start := mustTime(t, "2024-10-03T10:00") // a holiday
	want := endOf(t, "2024-10-03")
	for _, n := range []int{0, -5} {
		if got := c.AddDays(start, n); !got.Equal(want) {
			t.Errorf("AddDays(%d) = %v, want end of start day %v", n, got, want)
		}
		if got := c.AddWorkdays(start, n); !got.Equal(want) {
			t.Errorf("AddWorkdays(%d) = %v, want end of start day %v", n, got, want)
		}
	}
}

func TestParseUnit(t *testing.T) {
	tests := map[string]Unit{
		"days": Days, "天": Days, "日": Days, "DAYS": Days,
		"workdays": Workdays, "工作日": Workdays,
		"hours": Hours, "小时": Hours, " hours ": Hours, "minutes": Minutes, "分钟": Minutes,
	}
	for in, want := range tests {
		if got, err := ParseUnit(in); err != nil || got != want {
			t.Errorf("ParseUnit(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "weeks", "月"} {
		if _, err := ParseUnit(in); err == nil || !strings.Contains(err.Error(), "单位") {
			t.Errorf("ParseUnit(%q) error = %v, want one naming the unit", in, err)
		}
	}
	for u, want := range map[Unit]string{Days: "天", Workdays: "工作日", Hours: "小时", Minutes: "分钟", Unit("x"): "x"} {
		if got := u.String(); got != want {
			t.Errorf("%q.String() = %q, want %q", string(u), got, want)
		}
	}
}

func TestOverdueAndTimeLeft(t *testing.T) {
	due := endOf(t, "2024-10-10")
	tests := []struct {
		at          time.Time
		wantOverdue bool
		wantLeft    time.Duration
	}{
		{due, false, 0},
		{due.Add(-time.Hour), false, time.Hour},
		{due.Add(time.Nanosecond), true, -time.Nanosecond},
		{mustTime(t, "2024-10-11"), true, -time.Nanosecond},
		{mustTime(t, "2024-10-10T12:00"), false, 12*time.Hour - time.Nanosecond},
		// 2024-10-10 16:00 UTC is 2024-10-11 00:00 in Shanghai: already late.
		{time.Date(2024, 10, 10, 16, 0, 0, 0, time.UTC), true, -time.Nanosecond},
	}
	for _, tt := range tests {
		if got := Overdue(due, tt.at); got != tt.wantOverdue {
			t.Errorf("Overdue(at %v) = %v, want %v", tt.at, got, tt.wantOverdue)
		}
		if got := TimeLeft(due, tt.at); got != tt.wantLeft {
			t.Errorf("TimeLeft(at %v) = %v, want %v", tt.at, got, tt.wantLeft)
		}
	}
}
