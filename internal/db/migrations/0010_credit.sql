-- The dishonest-debtor list (失信被执行人名单, S-CREDIT-1..2) under the
-- 2017 rules (法释〔2017〕7号). See internal/credit and docs/credit.md.
--
-- Identity document numbers are stored only sealed (SM4, bound to their row
-- by the place "credit_documents.number:<entry id>:<ord>") with the same
-- keyed SM3 blind index internal/subject uses, and a masked form for lists
-- (S-SEC-3). Names, credit codes and the published facts are in clear: the
-- rules publish them (art. 6, 7).

-- The list version: one row, bumped by every change and locked by every
-- writer first, so versions commit in order and a cursor never skips one.
CREATE TABLE credit_list (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO credit_list (id, version) VALUES (1, 0);

-- One row per listing decision (纳入失信被执行人名单决定书). state is active
-- until the entry is removed (删除, 撤销 or expiry); removed rows are kept
-- for history and for the six-month bar (art. 10). debtor_key is the blind
-- index of the debtor's main number (resident ID or other document for a
-- person, credit code for an organisation). Dates the court writes on paper
-- are YYYY-MM-DD text; instants are {{time}}.
CREATE TABLE credit_entries (
    id               {{id}},
    kind             TEXT NOT NULL CHECK (kind IN ('person', 'organisation')),
    name             TEXT NOT NULL,
    sex              TEXT NOT NULL DEFAULT '',
    birth_date       TEXT NOT NULL DEFAULT '',
    region           TEXT NOT NULL DEFAULT '',
    credit_code      TEXT NOT NULL DEFAULT '',
    legal_rep        TEXT NOT NULL DEFAULT '',
    debtor_key       TEXT NOT NULL,
    ground           INTEGER NOT NULL CHECK (ground BETWEEN 1 AND 6),
    obligation       TEXT NOT NULL,
    performance      TEXT NOT NULL,
    conduct          TEXT NOT NULL,
    basis_unit       TEXT NOT NULL,
    basis_number     TEXT NOT NULL,
    case_number      TEXT NOT NULL,
    filed_on         TEXT NOT NULL,
    court_unit       TEXT NOT NULL,
    court_name       TEXT NOT NULL,
    initiation       TEXT NOT NULL CHECK (initiation IN ('applicant', 'ex_officio')),
    applied_on       TEXT NOT NULL DEFAULT '',
    decision_number  TEXT NOT NULL,
    decided_on       TEXT NOT NULL,
    decision_sm3     TEXT NOT NULL DEFAULT '',
    term_years       INTEGER NOT NULL,
    extension_reason TEXT NOT NULL DEFAULT '',
    expires_at       {{time}},
    published_at     {{time}} NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('active', 'removed')),
    removed_at       {{time}},
    removal_reason   TEXT NOT NULL DEFAULT '',
    removal_note     TEXT NOT NULL DEFAULT '',
    import_id        BIGINT,
    version          BIGINT NOT NULL,
    created_at       {{time}} NOT NULL,
    created_by       TEXT NOT NULL
);
CREATE INDEX credit_entries_court ON credit_entries (court_unit, state);
CREATE INDEX credit_entries_debtor ON credit_entries (debtor_key);
-- One active entry per debtor and case.
CREATE UNIQUE INDEX credit_entries_active_case ON credit_entries (case_number, debtor_key) WHERE state = 'active';
CREATE INDEX credit_entries_expiry ON credit_entries (expires_at) WHERE state = 'active';

-- Identity documents of the debtor and of an organisation's legal
-- representative (holder), sealed.
CREATE TABLE credit_documents (
    entry_id      BIGINT NOT NULL REFERENCES credit_entries (id),
    ord           INTEGER NOT NULL,
    holder        TEXT NOT NULL CHECK (holder IN ('debtor', 'legal_rep')),
    kind          TEXT NOT NULL,
    number_sealed TEXT NOT NULL,
    number_index  TEXT NOT NULL,
    number_masked TEXT NOT NULL,
    PRIMARY KEY (entry_id, ord)
);
CREATE INDEX credit_documents_index ON credit_documents (number_index);

-- The change feed: one row per change, version = the list version it made.
-- Screening indexes and police systems follow it with a cursor.
CREATE TABLE credit_changes (
    version  {{id}},
    entry_id BIGINT NOT NULL,
    op       TEXT NOT NULL CHECK (op IN ('add', 'remove', 'update')),
    at       {{time}} NOT NULL
);

-- Duties with a clock: a removal ground recorded (art. 10, 3 working days),
-- a correction application to review (art. 12, 15 days) and an accepted
-- correction to carry out (art. 9, 12, 3 working days).
CREATE TABLE credit_duties (
    id         {{id}},
    entry_id   BIGINT NOT NULL REFERENCES credit_entries (id),
    court_unit TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('removal', 'correction_review', 'correction')),
    reason     TEXT NOT NULL,
    note       TEXT NOT NULL,
    parent_id  BIGINT,
    opened_at  {{time}} NOT NULL,
    opened_by  TEXT NOT NULL,
    due_at     {{time}} NOT NULL,
    closed_at  {{time}},
    closed_by  TEXT NOT NULL DEFAULT '',
    outcome    TEXT NOT NULL DEFAULT '',
    outcome_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX credit_duties_open ON credit_duties (court_unit, due_at) WHERE closed_at IS NULL;
CREATE INDEX credit_duties_entry ON credit_duties (entry_id);

-- Entry history besides the listing itself: extensions, removal grounds,
-- removals, corrections, credit repair (信用修复), updates.
CREATE TABLE credit_events (
    id       {{id}},
    entry_id BIGINT NOT NULL REFERENCES credit_entries (id),
    at       {{time}} NOT NULL,
    by_user  TEXT NOT NULL,
    act      TEXT NOT NULL,
    article  TEXT NOT NULL,
    detail   TEXT NOT NULL
);
CREATE INDEX credit_events_entry ON credit_events (entry_id, id);

-- One row per file import: who, which court, the file's SM3 and what came
-- of it. Entries it added carry its id.
CREATE TABLE credit_imports (
    id            {{id}},
    court_unit    TEXT NOT NULL,
    format        TEXT NOT NULL,
    file_sm3      TEXT NOT NULL,
    lines         BIGINT NOT NULL,
    imported      BIGINT NOT NULL,
    rejected      BIGINT NOT NULL,
    first_version BIGINT NOT NULL,
    last_version  BIGINT NOT NULL,
    at            {{time}} NOT NULL,
    by_user       TEXT NOT NULL
);
