package workday

import (
	"testing"
	"time"
	// The tests build times in America/New_York; embedding tzdata keeps them
	// independent of the machine's zoneinfo. The package itself needs none.
	_ "time/tzdata"
)

// mustTime parses a test input with ParseTime.
func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := ParseTime(s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestDayKind(t *testing.T) {
	c := Default()
	tests := []struct {
		date     string
		wantKind Kind
		wantName string
	}{
		{"2021-02-07", MakeupWorkday, "春节"}, // Sunday worked before Spring Festival 2021
		{"2021-02-20", MakeupWorkday, "春节"}, // Saturday worked after it
		{"2021-02-11", Holiday, "春节"},
		{"2021-02-13", Holiday, "春节"}, // a Saturday inside the range keeps the festival name
		{"2021-03-01", Workday, ""},
		{"2021-03-06", Weekend, ""},
		{"2022-12-31", Holiday, "元旦"}, // from the 2023 notice
		{"2023-12-30", Weekend, ""},   // "与周末连休": an ordinary weekend
		{"2024-10-12", MakeupWorkday, "国庆节"},
		{"2025-10-08", Holiday, "国庆节、中秋节"},
		{"2026-01-04", MakeupWorkday, "元旦"},
		{"2030-10-01", Workday, ""}, // no data: weekends only
		{"2030-10-05", Weekend, ""},
		{"1999-01-01", Workday, ""}, // far outside the index
	}
	for _, tt := range tests {
		kind, name := c.DayKind(mustTime(t, tt.date))
		if kind != tt.wantKind || name != tt.wantName {
			t.Errorf("DayKind(%s) = %v %q, want %v %q", tt.date, kind, name, tt.wantKind, tt.wantName)
		}
		if got, want := c.IsWorkday(mustTime(t, tt.date)), tt.wantKind.IsWorkday(); got != want {
			t.Errorf("IsWorkday(%s) = %v, want %v", tt.date, got, want)
		}
	}
}

// The civil date is Shanghai's, whatever zone the time value carries.
func TestIsWorkdayUsesShanghaiDate(t *testing.T) {
	c := Default()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		t    time.Time
		want bool
	}{
		// 2024-10-07 20:00 UTC is 2024-10-08 04:00 in Shanghai: a Tuesday after National Day.
		{"UTC evening before a workday", time.Date(2024, 10, 7, 20, 0, 0, 0, time.UTC), true},
		// 2024-09-30 16:30 UTC is 2024-10-01 00:30 in Shanghai: National Day.
		{"UTC afternoon that is a holiday in Shanghai", time.Date(2024, 9, 30, 16, 30, 0, 0, time.UTC), false},
		// 2024-09-30 12:30 in New York is 2024-10-01 00:30 in Shanghai.
		{"New York noon that is a holiday in Shanghai", time.Date(2024, 9, 30, 12, 30, 0, 0, ny), false},
		// 2024-10-11 15:00 in New York is 2024-10-12 03:00 in Shanghai: a make-up Saturday.
		{"New York Friday that is a make-up Saturday in Shanghai", time.Date(2024, 10, 11, 15, 0, 0, 0, ny), true},
	}
	for _, tt := range tests {
		if got := c.IsWorkday(tt.t); got != tt.want {
			t.Errorf("%s: IsWorkday(%v) = %v, want %v", tt.name, tt.t, got, tt.want)
		}
	}
}

func TestCovers(t *testing.T) {
	c := Default()
	for y := 2021; y <= 2026; y++ {
		if !c.Covers(y) {
			t.Errorf("Covers(%d) = false, want true", y)
		}
	}
	for _, y := range []int{2020, 2027, 0} {
		if c.Covers(y) {
			t.Errorf("Covers(%d) = true, want false", y)
		}
	}
	if _, ok := c.Source(2027); ok {
		t.Error("Source(2027) found a source")
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Workday: "工作日", Weekend: "周末", Holiday: "节假日", MakeupWorkday: "调休上班日", Kind(9): "Kind(9)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, want)
		}
	}
}

func TestDayNumbers(t *testing.T) {
	// Around the epoch and for negative day numbers the floor division must hold.
	for _, s := range []string{"1969-12-31", "1970-01-01", "1900-03-01", "2024-02-29", "2199-12-31"} {
		d := mustDay(t, s)
		if got := formatDay(d); got != s {
			t.Errorf("formatDay(day(%s)) = %s", s, got)
		}
		if got := dayOf(startOfDay(d)); got != d {
			t.Errorf("dayOf(startOfDay(%s)) = %d, want %d", s, got, d)
		}
		if got := dayOf(endOfDay(d)); got != d {
			t.Errorf("dayOf(endOfDay(%s)) = %d, want %d", s, got, d)
		}
		y, m, dd := dateOf(d)
		if got := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Weekday(); got != weekdayOf(d) {
			t.Errorf("weekdayOf(%s) = %v, want %v", s, weekdayOf(d), got)
		}
	}
}
