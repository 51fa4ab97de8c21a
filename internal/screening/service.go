// Package screening is the service police business systems call to compare
// applicants with the dishonest-debtor list (S-CREDIT-1 自动比对、自动监督、
// 自动惩戒). It owns the in-memory index of internal/screen, built from the
// list (internal/credit) at start and kept current from the list's change
// feed: a short poll, and on PostgreSQL a LISTEN on credit.NotifyChannel,
// so several servers on one database each keep their own index current.
// Removals are applied as soon as they are read; the base index is rebuilt
// and swapped in the background when many changes have accumulated, when
// an entry's term ends, or on a schedule.
//
// On top of the engine it keeps the punishment rules per police business
// (what a hit and a review do: block, flag, report), records every hit and
// review from a police business as a clue for the listing court (with a
// notification to its officers and on the debtor's open locate matters),
// and the court's review of those hits. Everything is audited.
//
// One responsibility per file: service.go the index and its upkeep,
// listen.go PostgreSQL LISTEN, request.go a screening request, rules.go
// the punishment rules, hits.go the hits and their review, commit.go the
// grouped transactions.
package screening

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"liandong/internal/access"
	"liandong/internal/audit"
	"liandong/internal/credit"
	"liandong/internal/db"
	"liandong/internal/directory"
	"liandong/internal/screen"
)

// Checker decides whether a principal may do an action; *access.Policy
// satisfies it.
type Checker interface {
	Check(ctx context.Context, pr access.Principal, a access.Action, t access.Target) error
}

// Config tunes a Service.
type Config struct {
	Logger *slog.Logger
	// Poll is how often the change feed is read when no notification
	// came (default 1 s; at most 1 s is sensible).
	Poll time.Duration
	// RebuildAfter is the number of changes applied since the last build
	// that starts a rebuild in the background (default 20,000).
	RebuildAfter int
	// RebuildEvery rebuilds on a schedule too (default 6 h).
	RebuildEvery time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	if c.RebuildAfter <= 0 {
		c.RebuildAfter = 20_000
	}
	if c.RebuildEvery <= 0 {
		c.RebuildEvery = 6 * time.Hour
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Service screens against the list. Start it once; it is safe for
// concurrent use.
type Service struct {
	db     *db.DB
	store  *credit.Store
	dir    *directory.Store
	policy Checker
	log    *audit.Log
	cfg    Config

	cur        atomic.Pointer[screen.Current]
	syncMu     sync.Mutex // one Sync at a time
	rebuilding atomic.Bool
	triedAt    atomic.Int64 // unix nanoseconds of the last rebuild attempt
	builtAt    atomic.Int64 // unix nanoseconds of the last build
	nextExpiry atomic.Int64 // unix nanoseconds of the earliest term end in the index, 0 none
	wake       chan struct{}

	rules   atomic.Pointer[ruleSet]
	commits *db.Group // audit entries, hit rows and notifications of concurrent requests: group commit
	people  *officerCache
}

// New returns a service over the list store; Start builds the index.
func New(d *db.DB, store *credit.Store, dir *directory.Store, policy Checker, log *audit.Log, cfg Config) *Service {
	cfg = cfg.withDefaults()
	s := &Service{db: d, store: store, dir: dir, policy: policy, log: log, cfg: cfg, wake: make(chan struct{}, 1)}
	s.commits = db.NewGroup(d, "screening")
	s.people = &officerCache{dir: dir, ttl: time.Minute, now: cfg.Now}
	return s
}

// ErrNotStarted is returned by Screen before Start has built the index.
var ErrNotStarted = errors.New("screening: the index is not built yet")

// Start builds the index from the list, loads the rules, and follows the
// list until ctx ends (in a goroutine it starts).
func (s *Service) Start(ctx context.Context) error {
	if err := s.LoadRules(ctx); err != nil {
		return err
	}
	ix, err := s.build(ctx, 0)
	if err != nil {
		return err
	}
	c := screen.NewCurrent(ix)
	s.cur.Store(c)
	if _, err := s.syncLocked(ctx, c); err != nil {
		return err
	}
	go s.follow(ctx)
	return nil
}

// Notify wakes the follower at once: pass it as credit.Options.OnChange
// so that changes made through this process apply without waiting for
// the poll. It never blocks.
func (s *Service) Notify(uint64) {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Version is the list version screens now report (0 before Start).
func (s *Service) Version() uint64 {
	if c := s.cur.Load(); c != nil {
		return c.Version()
	}
	return 0
}

// Len is the number of entries in the base index.
func (s *Service) Len() int {
	if c := s.cur.Load(); c != nil {
		return c.Index().Len()
	}
	return 0
}

// ScreenBatch screens qs into out (at least as long) against one view of
// the index and returns the version every result reports. It checks no
// permission and records nothing: the API's Screen does both.
func (s *Service) ScreenBatch(qs []screen.Query, out []screen.Result) (uint64, error) {
	c := s.cur.Load()
	if c == nil {
		return 0, ErrNotStarted
	}
	c.ScreenBatch(qs, out)
	if len(qs) > 0 {
		return out[0].Version, nil
	}
	return c.Version(), nil
}

// build reads the list into a new index. The version read before the
// snapshot tags the index: the snapshot may be newer, and the changes in
// between are applied again from the feed, which is harmless (an addition
// replaces the entry, a removal masks it).
func (s *Service) build(ctx context.Context, hint int) (*screen.Index, error) {
	start := s.cfg.Now()
	v0, err := s.store.Version(ctx)
	if err != nil {
		return nil, err
	}
	b := screen.NewBuilder(v0, hint)
	var next time.Time
	n := 0
	v, err := s.store.Active(ctx, func(e credit.ScreenEntry) error {
		n++
		if !e.Expires.IsZero() && (next.IsZero() || e.Expires.Before(next)) {
			next = e.Expires
		}
		return b.Add(toEntry(e))
	})
	if err != nil {
		return nil, fmt.Errorf("screening: build the index: %w", err)
	}
	ix := b.Finish()
	s.builtAt.Store(s.cfg.Now().UnixNano())
	s.nextExpiry.Store(unixOrZero(next))
	s.cfg.Logger.Info("screening index built", "entries", n, "version", v, "tagged", v0, "skipped_numbers", b.Skipped(),
		"elapsed", s.cfg.Now().Sub(start).Round(time.Millisecond))
	return ix, nil
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// toEntry converts a list entry to the engine's form.
func toEntry(e credit.ScreenEntry) screen.Entry {
	out := screen.Entry{ID: e.ID, Person: e.Person, Name: e.Name, Sex: e.Sex, Region: e.Region, IDs: e.IDs,
		CreditCode: e.CreditCode, LegalRep: e.LegalRep, LegalRepID: e.LegalRepID}
	if !e.Birth.IsZero() {
		out.Birth = screen.DateOf(e.Birth)
	}
	return out
}

// Sync reads the change feed after the index's version and applies it,
// in rounds of up to 10,000 changes; it returns how many it applied. An
// added or updated entry is read as it is now (Lookup); one that is no
// longer on the list is applied as a removal.
//
// A backlog larger than RebuildAfter (a large import) is not applied
// change by change: the index is rebuilt from the list instead.
func (s *Service) Sync(ctx context.Context) (int, error) {
	c := s.cur.Load()
	if c == nil {
		return 0, ErrNotStarted
	}
	if latest, err := s.store.Version(ctx); err != nil {
		return 0, err
	} else if latest > c.Version()+uint64(s.cfg.RebuildAfter) {
		return 0, s.Rebuild(ctx)
	}
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	return s.syncLocked(ctx, c)
}

func (s *Service) syncLocked(ctx context.Context, c *screen.Current) (int, error) {
	total := 0
	for {
		chs, err := s.store.Changes(ctx, c.Version(), 10_000)
		if err != nil || len(chs) == 0 {
			return total, err
		}
		var ids []int64
		seen := map[int64]bool{}
		for _, ch := range chs {
			if ch.Op != credit.OpRemove && !seen[ch.EntryID] {
				seen[ch.EntryID] = true
				ids = append(ids, ch.EntryID)
			}
		}
		live := map[int64]*screen.Entry{}
		if len(ids) > 0 {
			es, err := s.store.Lookup(ctx, ids)
			if err != nil {
				return total, err
			}
			for _, e := range es {
				se := toEntry(e)
				live[e.ID] = &se
				if !e.Expires.IsZero() {
					if cur := s.nextExpiry.Load(); cur == 0 || e.Expires.UnixNano() < cur {
						s.nextExpiry.Store(e.Expires.UnixNano())
					}
				}
			}
		}
		changes := make([]screen.Change, len(chs))
		for i, ch := range chs {
			changes[i] = screen.Change{Version: ch.Version, Remove: ch.EntryID}
			if e := live[ch.EntryID]; e != nil && ch.Op != credit.OpRemove {
				changes[i] = screen.Change{Version: ch.Version, Add: e}
			}
		}
		if err := c.Apply(changes...); err != nil {
			return total, fmt.Errorf("screening: apply %d changes: %w", len(changes), err)
		}
		total += len(changes)
		if len(chs) < 10_000 {
			return total, nil
		}
	}
}

// Rebuild builds the index from the list again and swaps it in; changes
// applied meanwhile are kept (Current.Swap replays them).
func (s *Service) Rebuild(ctx context.Context) error {
	c := s.cur.Load()
	if c == nil {
		return ErrNotStarted
	}
	if !s.rebuilding.CompareAndSwap(false, true) {
		return nil
	}
	defer s.rebuilding.Store(false)
	s.triedAt.Store(s.cfg.Now().UnixNano())
	ix, err := s.build(ctx, c.Index().Len())
	if err != nil {
		return err
	}
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	if err := c.Swap(ix); err != nil {
		return fmt.Errorf("screening: swap: %w", err)
	}
	_, err = s.syncLocked(ctx, c)
	return err
}

// needsRebuild says whether the follower should rebuild now.
func (s *Service) needsRebuild(c *screen.Current) bool {
	now := s.cfg.Now()
	if now.Sub(time.Unix(0, s.triedAt.Load())) < 30*time.Second {
		return false // a failed or very recent attempt: not again at once
	}
	if c.Pending() >= s.cfg.RebuildAfter {
		return true
	}
	if next := s.nextExpiry.Load(); next != 0 && now.UnixNano() >= next {
		return true
	}
	return now.Sub(time.Unix(0, s.builtAt.Load())) >= s.cfg.RebuildEvery
}

// follow keeps the index current until ctx ends.
func (s *Service) follow(ctx context.Context) {
	if s.db.Engine == db.Postgres {
		go s.listen(ctx)
	}
	poll := time.NewTicker(s.cfg.Poll)
	defer poll.Stop()
	lastRules := s.cfg.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-poll.C:
		case <-s.wake:
		}
		if _, err := s.Sync(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Logger.Warn("screening: follow the list", "err", err)
		}
		if now := s.cfg.Now(); now.Sub(lastRules) >= 5*time.Second {
			lastRules = now
			if err := s.LoadRules(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Logger.Warn("screening: reload rules", "err", err)
			}
		}
		if c := s.cur.Load(); s.needsRebuild(c) && !s.rebuilding.Load() {
			go func() {
				if err := s.Rebuild(ctx); err != nil && ctx.Err() == nil {
					s.cfg.Logger.Warn("screening: rebuild", "err", err)
				}
			}()
		}
	}
}
