package screening

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"liandong/internal/credit"
)

// listen holds one connection of the pool in LISTEN on the list's
// channel and wakes the follower on every notification, so that a change
// committed by any server on the database reaches this index within
// milliseconds rather than at the next poll. When the connection is lost
// it tries again every few seconds; the poll keeps the index current
// meanwhile.
func (s *Service) listen(ctx context.Context) {
	for ctx.Err() == nil {
		err := s.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		s.cfg.Logger.Warn("screening: LISTEN lost; polling until it is back", "channel", credit.NotifyChannel, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(3 * time.Second):
		}
	}
}

func (s *Service) listenOnce(ctx context.Context) error {
	conn, err := s.db.Write().Conn(ctx)
	if err != nil {
		return fmt.Errorf("take a connection for LISTEN: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("LISTEN needs a pgx connection, got %T", dc)
		}
		pc := sc.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{credit.NotifyChannel}.Sanitize()); err != nil {
			return discard(pc, fmt.Errorf("LISTEN %s: %w", credit.NotifyChannel, err))
		}
		// A change may have committed between the last read and LISTEN.
		s.Notify(0)
		for {
			if _, err := pc.WaitForNotification(ctx); err != nil {
				return discard(pc, err)
			}
			s.Notify(0)
		}
	})
}

// discard ends a LISTEN connection's use: the pool must not hand a
// listening connection to anyone else, so it is closed (driver.ErrBadConn
// tells database/sql to drop it).
func discard(pc *pgx.Conn, err error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = pc.Close(ctx)
	return errors.Join(err, driver.ErrBadConn)
}
