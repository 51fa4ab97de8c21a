package connector

import (
	"slices"
	"time"
)

// sortNewestFirst orders records by their time, newest first.
func sortNewestFirst[T any](xs []T, at func(T) time.Time) {
	slices.SortStableFunc(xs, func(a, b T) int { return at(b).Compare(at(a)) })
}
