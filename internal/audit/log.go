package audit

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"liandong/internal/db"
	"liandong/internal/signer"
)

// Options tune a Log. The zero value is usable.
type Options struct {
	// HeadEvery signs a head once this many entries follow the last one
	// (default 1000).
	HeadEvery int64
	// HeadInterval signs a head at least this often while entries arrive
	// (default 1 minute): whichever of the two comes first.
	HeadInterval time.Duration
	// Now is the clock (default time.Now); tests set it.
	Now func() time.Time
	// Logger receives Run's failures (default: discarded).
	Logger *slog.Logger
	// OnHead, when set, is called with every head this Log signs, so the
	// caller can publish it outside the database (the other node, a log
	// line, a printout): a head kept elsewhere is what catches a database
	// administrator who truncates the log and deletes the heads with it.
	OnHead func(Head)
}

// Log is the audit log on one database. It is safe for concurrent use;
// several Logs (several servers) may share one PostgreSQL database.
type Log struct {
	db    *db.DB
	keys  *signer.Store
	opts  Options
	nudge chan struct{} // asks Run to consider signing now
	// signed is the newest head this Log knows of, so appenders can tell
	// when HeadEvery entries have piled up without asking the database.
	signed atomic.Int64
	sql    statements
	stmtMu sync.Mutex
	stmts  *appendStmts // prepared on first Append
}

// New returns the audit log on d, signing heads with the node key from keys.
// It prepares the append statements, so call it outside any transaction
// (at start-up), on a migrated database.
func New(d *db.DB, keys *signer.Store, opts Options) *Log {
	if opts.HeadEvery <= 0 {
		opts.HeadEvery = 1000
	}
	if opts.HeadInterval <= 0 {
		opts.HeadInterval = time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	l := &Log{db: d, keys: keys, opts: opts, nudge: make(chan struct{}, 1), sql: statementsFor(d.Engine)}
	l.prepare()
	return l
}

func (l *Log) now() time.Time { return db.Time(l.opts.Now()) }

// pokeIfDue asks Run to look at the chain without waiting for its timer
// when entry seq is HeadEvery or more past the newest known head. Until the
// entry commits Run may find nothing due; later appends poke again.
func (l *Log) pokeIfDue(seq int64) {
	if seq-l.signed.Load() < l.opts.HeadEvery {
		return
	}
	select {
	case l.nudge <- struct{}{}:
	default:
	}
}

// Actor is who does an act the log records about itself (an export, an
// archive): the caller's user, or the operator at the command line.
type Actor struct {
	Username string
	UnitCode string
	Role     string
	Source   string
}

type actorKey struct{}

// WithActor returns ctx carrying a, for Export and Archive to record.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// actorEntry starts an entry for an act done by the actor in ctx.
func actorEntry(ctx context.Context, action, object string) Entry {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return Entry{Username: a.Username, UnitCode: a.UnitCode, Role: a.Role, Source: a.Source, Action: action, Object: object}
}
