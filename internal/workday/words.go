package workday

import (
	"fmt"
	"time"
)

// TimeLeftWords says in Chinese how long is left until due at t, or how long
// it is overdue: 还剩 3 天, 还剩 2 小时, 还剩 45 分钟, 还剩不足 1 分钟,
// 已超期 3 天, 已超期 45 分钟 …
//
// The remaining time is first rounded to the second, so that a day-end
// deadline (23:59:59.999999999) seen at noon is 12 hours away, not 11. Then
// the largest fitting unit is used and the count is rounded down: 1 day or
// more in whole days, 1 hour or more in whole hours, else whole minutes.
// Rounding down never overstates the time left.
func TimeLeftWords(due, t time.Time) string {
	prefix := "还剩"
	left := due.Sub(t)
	if Overdue(due, t) {
		prefix = "已超期"
		left = -left
	}
	left = left.Round(time.Second)
	switch {
	case left >= 24*time.Hour:
		return fmt.Sprintf("%s %d 天", prefix, left/(24*time.Hour))
	case left >= time.Hour:
		return fmt.Sprintf("%s %d 小时", prefix, left/time.Hour)
	case left >= time.Minute:
		return fmt.Sprintf("%s %d 分钟", prefix, left/time.Minute)
	}
	return prefix + "不足 1 分钟"
}
