package workday

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in Shanghai
	}{
		{"2024-09-30", "2024-09-30T00:00:00+08:00"},
		{" 2024-09-30 ", "2024-09-30T00:00:00+08:00"},
		{"2024-09-30T09:30", "2024-09-30T09:30:00+08:00"},
		{"2024-09-30 09:30", "2024-09-30T09:30:00+08:00"},
		{"2024-09-30T09:30:15", "2024-09-30T09:30:15+08:00"},
		{"2024-09-30T09:30:15+08:00", "2024-09-30T09:30:15+08:00"},
		{"2024-09-29T17:00:00Z", "2024-09-30T01:00:00+08:00"},
		{"2024-09-29T13:00:00-04:00", "2024-09-30T01:00:00+08:00"},
		{"2024-09-29T17:00:00.5Z", "2024-09-30T01:00:00+08:00"},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", tt.in, err)
			continue
		}
		if s := got.Format(time.RFC3339); s != tt.want {
			t.Errorf("ParseTime(%q) = %s, want %s", tt.in, s, tt.want)
		}
		if got.Location() != Location() {
			t.Errorf("ParseTime(%q) in %v, want %v", tt.in, got.Location(), Location())
		}
	}
	for _, in := range []string{"", "2024-02-30", "2024-9-30", "30/09/2024", "2024-09-30T25:00", "2024-09-30T09", "明天", "2024-09-30Tx"} {
		if _, err := ParseTime(in); err == nil || !strings.Contains(err.Error(), "无法识别的时间") {
			t.Errorf("ParseTime(%q) error = %v, want 无法识别的时间", in, err)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-09-30", "2024-09-30T09:30", "2024-09-30 09:30:15", "2024-09-29T17:00:00Z", "2024-02-30", "0000-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseTime(in)
		if err != nil {
			return
		}
		if got.Location() != Location() {
			t.Errorf("ParseTime(%q) in %v", in, got.Location())
		}
	})
}
