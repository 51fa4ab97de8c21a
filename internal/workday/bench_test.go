package workday

import (
	"fmt"
	"testing"
	"time"
)

func BenchmarkIsWorkday(b *testing.B) {
	c := Default()
	t := mustTime(b, "2024-10-05T10:00")
	for b.Loop() {
		c.IsWorkday(t)
	}
}

func BenchmarkAddWorkdays(b *testing.B) {
	c := Default()
	start := mustTime(b, "2024-09-30T10:00") // just before National Day
	for _, n := range []int{3, 15} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			for b.Loop() {
				c.AddWorkdays(start, n)
			}
		})
	}
}

func BenchmarkAddDays(b *testing.B) {
	c := Default()
	start := mustTime(b, "2024-09-20T10:00") // 15 days ends in the holiday
	for b.Loop() {
		c.AddDays(start, 15)
	}
}

func BenchmarkDue(b *testing.B) {
	c := Default()
	start := time.Date(2024, 9, 29, 17, 0, 0, 0, time.UTC)
	for b.Loop() {
		if _, err := c.Due(start, 3, Workdays); err != nil {
			b.Fatal(err)
		}
	}
}
