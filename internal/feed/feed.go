// Package feed serves the dishonest-debtor list's change feed to police
// business systems, which keep their own copy of the list current with it
// (S-CREDIT-1: 自动比对): pages of changes behind a resumable cursor (the
// API), and webhook subscriptions that post the same changes, in order and
// signed with the node's SM2 key, to an address the security administrator
// registered (the delivery loop).
//
// The list and its versioned change feed belong to internal/credit; this
// package only reads them (Changes, Lookup, Version). Callers authorize:
// the web layer checks credit.feed and credit.webhook before calling.
//
// Files: feed.go the page of changes, webhook.go subscriptions,
// deliver.go the delivery loop.
package feed

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/audit"
	"liandong/internal/credit"
	"liandong/internal/db"
	"liandong/internal/pii"
	"liandong/internal/signer"
)

// Error codes. Messages are Chinese; the codes are stable.
const (
	CodeBadCursor   = "credit_feed.bad_cursor"   // after is not a version number
	CodeCursorAhead = "credit_feed.cursor_ahead" // after is beyond the list's version
	CodeBadLimit    = "credit_feed.bad_limit"    // limit out of range
	CodeBadURL      = "credit_feed.bad_url"      // a webhook address that is not allowed
	CodeBadLabel    = "credit_feed.bad_label"    // a webhook label empty or too long
	CodeNotFound    = "credit_feed.not_found"    // no such (active) subscription
)

// Limits of a page.
const (
	DefaultLimit = 1000
	MaxLimit     = 5000
)

// Lister is what the feed reads of the list; *credit.Store satisfies it.
type Lister interface {
	Changes(ctx context.Context, after uint64, limit int) ([]credit.Change, error)
	Lookup(ctx context.Context, ids []int64) ([]credit.ScreenEntry, error)
	Version(ctx context.Context) (uint64, error)
}

// Auditor appends audit entries; *audit.Log satisfies it.
type Auditor interface {
	Append(ctx context.Context, tx *sql.Tx, e audit.Entry) (audit.Entry, error)
	Record(ctx context.Context, e audit.Entry) (audit.Entry, error)
}

// Config tunes a Feed. Zero values take the defaults.
type Config struct {
	Batch       int           // changes per webhook post (default 500)
	Poll        time.Duration // how often the loop looks for new changes without a Poke (default 2 s)
	BackoffBase time.Duration // the first retry's delay; doubled per failure (default 2 s)
	BackoffMax  time.Duration // the longest delay between attempts (default 10 min)
	Timeout     time.Duration // one post, answer included (default 30 s)
	Lease       time.Duration // how long a server holds a subscription while it delivers (default 2 min)
	Client      *http.Client  // default: Timeout, no redirects followed
	Now         func() time.Time
	Logger      *slog.Logger
	Owner       string // this server's name in leases (default host:pid:random)
}

// Feed serves pages of changes and delivers them to subscribers.
type Feed struct {
	db      *db.DB
	list    Lister
	keys    *signer.Store
	auditor Auditor
	cfg     Config
	client  *http.Client
	poke    chan struct{}
}

// New returns the feed of list on d, signing webhook bodies with the node
// key from keys and auditing through auditor.
func New(d *db.DB, list Lister, keys *signer.Store, auditor Auditor, cfg Config) *Feed {
	if cfg.Batch <= 0 {
		cfg.Batch = 500
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.BackoffBase <= 0 {
		cfg.BackoffBase = 2 * time.Second
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = 10 * time.Minute
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Owner == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		cfg.Owner = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{Timeout: cfg.Timeout, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a redirect is an answer, not a delivery
		}}
	}
	return &Feed{db: d, list: list, keys: keys, auditor: auditor, cfg: cfg, client: client, poke: make(chan struct{}, 1)}
}

// Entry is a list entry as a police system needs it to compare applicants
// and to tell the listing court of a hit. OnList false means the entry is
// not on the list now (removed, or its term ended): the follower deletes
// it from its copy, whatever the change's op; the other fields are then
// empty.
type Entry struct {
	ID         int64      `json:"id"`
	OnList     bool       `json:"on_list"`
	Kind       string     `json:"kind,omitempty"` // person | organisation
	Name       string     `json:"name,omitempty"`
	Sex        string     `json:"sex,omitempty"`        // M | F
	BirthDate  string     `json:"birth_date,omitempty"` // YYYY-MM-DD
	Region     string     `json:"region,omitempty"`     // 6-digit division code
	IDNumbers  []string   `json:"id_numbers,omitempty"` // the debtor's documents, resident ID first
	Masked     bool       `json:"masked,omitempty"`     // numbers are masked (a person reading, not a system)
	CreditCode string     `json:"credit_code,omitempty"`
	LegalRep   string     `json:"legal_rep,omitempty"`
	LegalRepID string     `json:"legal_rep_id,omitempty"`
	Court      string     `json:"court,omitempty"` // the listing court's unit code
	CaseNumber string     `json:"case_number,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"` // off the list from this instant (no term: absent)
}

// Change is one change of the list with the entry as it is now.
type Change struct {
	Version uint64    `json:"version"`
	Op      string    `json:"op"` // add | update | remove
	At      time.Time `json:"at"`
	Entry   Entry     `json:"entry"`
}

// Page is a page of changes. Next is the cursor for the next call (the
// last version in Changes, or after itself when there were none); More
// says whether the list had changes beyond Next when the page was read.
type Page struct {
	Changes []Change `json:"changes"`
	Next    uint64   `json:"next"`
	More    bool     `json:"more"`
}

// Page returns up to limit changes after version after. full gives the
// identity numbers in clear (system accounts); otherwise they are masked.
func (f *Feed) Page(ctx context.Context, after uint64, limit int, full bool) (Page, error) {
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 1 || limit > MaxLimit {
		return Page{}, apperr.Invalidf("limit", CodeBadLimit, "limit 应在 1 至 %d 之间", MaxLimit)
	}
	current, err := f.list.Version(ctx)
	if err != nil {
		return Page{}, err
	}
	if after > current {
		return Page{}, apperr.Invalidf("after", CodeCursorAhead, "游标 %d 超过名单当前版本 %d：请从 0 重新同步", after, current)
	}
	changes, err := f.changes(ctx, after, limit, full)
	if err != nil {
		return Page{}, err
	}
	p := Page{Changes: changes, Next: after}
	if n := len(changes); n > 0 {
		p.Next = changes[n-1].Version
	}
	latest, err := f.list.Version(ctx)
	if err != nil {
		return Page{}, err
	}
	p.More = p.Next < latest
	return p, nil
}

// changes reads up to limit changes after after with their entries.
func (f *Feed) changes(ctx context.Context, after uint64, limit int, full bool) ([]Change, error) {
	cs, err := f.list.Changes(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, c := range cs {
		if c.Op != credit.OpRemove && !seen[c.EntryID] {
			seen[c.EntryID] = true
			ids = append(ids, c.EntryID)
		}
	}
	entries := map[int64]credit.ScreenEntry{}
	if len(ids) > 0 {
		es, err := f.list.Lookup(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			entries[e.ID] = e
		}
	}
	out := make([]Change, len(cs))
	for i, c := range cs {
		out[i] = Change{Version: c.Version, Op: string(c.Op), At: c.At, Entry: Entry{ID: c.EntryID}}
		if e, ok := entries[c.EntryID]; ok && c.Op != credit.OpRemove {
			out[i].Entry = entryOf(e, full)
		}
	}
	return out, nil
}

func entryOf(e credit.ScreenEntry, full bool) Entry {
	out := Entry{ID: e.ID, OnList: true, Kind: string(credit.Organisation), Name: e.Name, Region: e.Region,
		CreditCode: e.CreditCode, LegalRep: e.LegalRep, Court: e.Court, CaseNumber: e.CaseNumber, Masked: !full}
	if e.Person {
		out.Kind = string(credit.Person)
	}
	if e.Sex != 0 {
		out.Sex = string(e.Sex)
	}
	if !e.Birth.IsZero() {
		out.BirthDate = e.Birth.Format(time.DateOnly)
	}
	mask := func(n string) string {
		if full || n == "" {
			return n
		}
		return pii.Mask(pii.IDNumber, n)
	}
	for _, n := range e.IDs {
		out.IDNumbers = append(out.IDNumbers, mask(n))
	}
	out.LegalRepID = mask(e.LegalRepID)
	if !e.Expires.IsZero() {
		t := e.Expires
		out.ExpiresAt = &t
	}
	return out
}
