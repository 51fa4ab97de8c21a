package workday

import (
	"testing"
	"time"
)

func TestTimeLeftWords(t *testing.T) {
	dayEnd := endOf(t, "2024-10-10")         // a days/workdays deadline
	exact := mustTime(t, "2024-10-01T22:00") // an hours deadline
	tests := []struct {
		due  time.Time
		at   string
		want string
	}{
		{dayEnd, "2024-10-07T12:00", "还剩 3 天"},
		{dayEnd, "2024-10-09T22:00", "还剩 1 天"}, // 1 day 2 hours: whole days, rounded down
		{dayEnd, "2024-10-10T12:00", "还剩 12 小时"},
		{dayEnd, "2024-10-10T23:15", "还剩 45 分钟"},
		{dayEnd, "2024-10-10T23:59:30", "还剩不足 1 分钟"},
		{dayEnd, "2024-10-11T00:00", "已超期不足 1 分钟"},
		{dayEnd, "2024-10-11T00:45", "已超期 45 分钟"},
		{dayEnd, "2024-10-11T02:00", "已超期 2 小时"},
		{dayEnd, "2024-10-14T00:00", "已超期 3 天"},
		{exact, "2024-10-01T20:00", "还剩 2 小时"},
		{exact, "2024-10-01T21:59:59", "还剩不足 1 分钟"},
		{exact, "2024-10-01T22:00", "还剩不足 1 分钟"},
		{exact, "2024-10-01T22:01", "已超期 1 分钟"},
		{exact, "2024-10-04T23:00", "已超期 3 天"},
	}
	for _, tt := range tests {
		if got := TimeLeftWords(tt.due, mustTime(t, tt.at)); got != tt.want {
			t.Errorf("TimeLeftWords(%v, %s) = %q, want %q", tt.due, tt.at, got, tt.want)
		}
	}
	if got := TimeLeftWords(dayEnd, dayEnd); got != "还剩不足 1 分钟" {
		t.Errorf("at the due moment: %q", got)
	}
}
