package connector

import (
	"context"
	"time"
)

// Hotel is the hotel registration system (旅馆业治安管理信息系统): where a
// person checked in, for locate requests (S-LOC-2).
type Hotel interface {
	// Stays returns the person's stays that checked in at or after since,
	// newest first. No stays is an empty slice and a nil error.
	Stays(ctx context.Context, idNumber string, since time.Time) ([]Stay, error)
}

// Stay is one hotel registration.
type Stay struct {
	HotelName    string
	HotelAddress string
	City         string
	Room         string
	CheckIn      time.Time
	CheckOut     time.Time // zero while the guest has not checked out
	Meta
}
