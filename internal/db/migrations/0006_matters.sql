-- Cooperation matters (协作事项, S-LOC-2, S-LOC-3, S-ASSIST-1..3): an
-- append-only list of events per matter, the matter row as a cache derived
-- from them, the running clocks, the exchange queues and notifications.
-- See internal/matter and docs/matters.md.

-- The matter row is a cache: state, last_seq, due_at, delegate_unit are
-- derived from matter_events (matter.Replay) and updated in the same
-- transaction as each event. uid is the matter's identity across the two
-- nodes; id is local to this database.
CREATE TABLE matters (
    id               {{id}},
    uid              TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    parent_id        BIGINT REFERENCES matters (id),
    case_number      TEXT NOT NULL,
    court_unit       TEXT NOT NULL,
    officer          TEXT NOT NULL,
    requesting_unit  TEXT NOT NULL,
    requesting_side  TEXT NOT NULL CHECK (requesting_side IN ('court', 'police')),
    addressed_unit   TEXT NOT NULL,
    addressed_side   TEXT NOT NULL CHECK (addressed_side IN ('court', 'police')),
    delegate_unit    TEXT NOT NULL DEFAULT '',
    subject_id       BIGINT NOT NULL DEFAULT 0,
    state            TEXT NOT NULL,
    terminal         BOOLEAN NOT NULL DEFAULT FALSE,
    last_seq         BIGINT NOT NULL,
    due_at           {{time}},
    -- due_sort is due_at, or 9999-12-31 when no clock runs: one NOT NULL key
    -- for "soonest deadline first" keyset pages on both engines.
    due_sort         {{time}} NOT NULL,
    overdue          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       {{time}} NOT NULL,
    updated_at       {{time}} NOT NULL
);
CREATE INDEX matters_due ON matters (due_sort, id);
-- The unit indexes leave due_sort out on purpose: an act changes due_sort,
-- and SQLite rewrites only the indexes whose columns change.
CREATE INDEX matters_requesting ON matters (requesting_unit);
CREATE INDEX matters_addressed ON matters (addressed_unit);
CREATE INDEX matters_case ON matters (case_number);

-- The events. Insert-only. (matter_id, seq) is unique, so two concurrent
-- acts on one matter cannot both become event N; id is the event's global
-- identity (random 128 bits, hex) across nodes.
CREATE TABLE matter_events (
    id         TEXT PRIMARY KEY,
    matter_id  BIGINT NOT NULL REFERENCES matters (id),
    seq        BIGINT NOT NULL CHECK (seq > 0),
    side       TEXT NOT NULL CHECK (side IN ('court', 'police')),
    username   TEXT NOT NULL,
    unit_code  TEXT NOT NULL,
    role       TEXT NOT NULL,
    at         {{time}} NOT NULL,
    type       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    documents  TEXT NOT NULL,
    clocks     TEXT NOT NULL,
    header     TEXT NOT NULL,
    UNIQUE (matter_id, seq)
);

-- Clocks: one row per started clock. Stopped rows stay (response times for
-- statistics). overdue_at and escalated_at are set by the scheduler once,
-- so a restart neither forgets nor repeats them.
CREATE TABLE matter_deadlines (
    matter_id    BIGINT NOT NULL REFERENCES matters (id),
    clock        TEXT NOT NULL,
    started_seq  BIGINT NOT NULL,
    started_at   {{time}} NOT NULL,
    due_at       {{time}} NOT NULL,
    stopped_seq  BIGINT,
    stopped_at   {{time}},
    overdue_at   {{time}},
    escalated_at {{time}},
    PRIMARY KEY (matter_id, clock, started_seq)
);
CREATE INDEX matter_deadlines_due ON matter_deadlines (due_at);

-- Envelopes for the other side's node, written with the event.
CREATE TABLE matter_outbox (
    id              {{id}},
    event_id        TEXT NOT NULL,
    recipient       TEXT NOT NULL CHECK (recipient IN ('court', 'police')),
    sender          TEXT NOT NULL CHECK (sender IN ('court', 'police')),
    body            {{bytes}} NOT NULL,
    signature       {{bytes}} NOT NULL,
    key_fingerprint TEXT NOT NULL,
    created_at      {{time}} NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    delivered_at    {{time}},
    receipt_status  TEXT NOT NULL DEFAULT '',
    receipt_sig     {{bytes}},
    UNIQUE (event_id, recipient)
);
CREATE INDEX matter_outbox_pending ON matter_outbox (delivered_at, id);

-- Envelopes received ahead of their turn (a gap in the matter's sequence),
-- held until the missing events arrive.
CREATE TABLE matter_inbox (
    event_id        TEXT PRIMARY KEY,
    matter_uid      TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    parent_uid      TEXT NOT NULL DEFAULT '', -- a creation waits for its parent matter too
    sender          TEXT NOT NULL,
    body            {{bytes}} NOT NULL,
    signature       {{bytes}} NOT NULL,
    key_fingerprint TEXT NOT NULL,
    received_at     {{time}} NOT NULL
);
CREATE INDEX matter_inbox_matter ON matter_inbox (matter_uid, seq);
CREATE INDEX matter_inbox_parent ON matter_inbox (parent_uid);

-- Notifications shown in the page header: overdue clocks, escalations.
CREATE TABLE notifications (
    id         {{id}},
    username   TEXT NOT NULL,
    matter_id  BIGINT NOT NULL REFERENCES matters (id),
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    read_at    {{time}}
);
CREATE INDEX notifications_user ON notifications (username, read_at, id);
