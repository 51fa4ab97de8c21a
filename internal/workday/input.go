package workday

import (
	"fmt"
	"strings"
	"time"
)

// ParseTime reads a moment as an operator types it. Forms without a zone
// are Shanghai time; the result is always in Location():
//
//	2024-09-30                 00:00 that day
//	2024-09-30T09:30           (a space instead of T is accepted too)
//	2024-09-30T09:30:15
//	2024-09-30T01:30:00Z       RFC 3339 with any offset, converted
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if y, m, d, ok := parseISODate(s); ok {
		return time.Date(y, m, d, 0, 0, 0, 0, shanghai), nil
	}
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, shanghai); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.In(shanghai), nil
	}
	return time.Time{}, fmt.Errorf("无法识别的时间“%s”，应为 YYYY-MM-DD、YYYY-MM-DDTHH:MM 或 RFC 3339（如 2024-09-30T09:30:00+08:00）", s)
}
