-- The tamper-evident audit log (S-SEC-1): a hash chain over SM3 with heads
-- signed by the node's SM2 key. See docs/audit.md and internal/audit.
-- No CHECK constraints guard the values: a database administrator can drop
-- constraints, so the chain, not the schema, is what proves integrity.

-- One row per audited act. seq is assigned under the chain-head lock and has
-- no gaps; hash = SM3(hash of seq-1 ‖ canonical encoding of this row).
CREATE TABLE audit_entries (
    seq         {{id}},
    at          {{time}} NOT NULL,
    username    TEXT NOT NULL,
    unit_code   TEXT NOT NULL,
    role        TEXT NOT NULL,
    source      TEXT NOT NULL,
    action      TEXT NOT NULL,
    object      TEXT NOT NULL,
    case_number TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    detail      TEXT NOT NULL,
    hash        {{bytes}} NOT NULL
);
-- What auditors search on, each with seq so newest-first pages read the
-- index in order. Every index costs each append (on SQLite about as much
-- as the chain itself), so the sparse filters have partial indexes: a case
-- number or object only when there is one, the outcome only for refusals
-- and failures (an "ok" filter selects almost everything). Queries repeat
-- the partial predicate so both planners use these.
CREATE INDEX audit_entries_at ON audit_entries (at);
CREATE INDEX audit_entries_username ON audit_entries (username, seq);
CREATE INDEX audit_entries_unit ON audit_entries (unit_code, seq);
CREATE INDEX audit_entries_action ON audit_entries (action, seq);
CREATE INDEX audit_entries_case ON audit_entries (case_number, seq) WHERE case_number <> '';
CREATE INDEX audit_entries_object ON audit_entries (object, seq) WHERE object <> '';
CREATE INDEX audit_entries_outcome ON audit_entries (outcome, seq) WHERE outcome <> 'ok';

-- The chain head: the one row every appender locks (SELECT … FOR UPDATE on
-- PostgreSQL; SQLite has one writer), so appends from several servers form
-- one chain. seq 0 with an empty hash is the empty log.
CREATE TABLE audit_chain (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash {{bytes}} NOT NULL
);
INSERT INTO audit_chain (id, seq, hash) VALUES (1, 0, '');

-- Signed heads: the node's SM2 signature over (seq, chain hash, time, key
-- fingerprint), made at a fixed interval.
CREATE TABLE audit_heads (
    seq         {{id}},
    hash        {{bytes}} NOT NULL,
    signed_at   {{time}} NOT NULL,
    signature   {{bytes}} NOT NULL,
    fingerprint TEXT NOT NULL
);

-- Archived ranges: entries moved to an archive file are replaced by one
-- signed row, so the chain still verifies from last_hash on.
CREATE TABLE audit_archives (
    id          TEXT PRIMARY KEY,
    first_seq   BIGINT NOT NULL UNIQUE,
    last_seq    BIGINT NOT NULL,
    prev_hash   {{bytes}} NOT NULL,
    last_hash   {{bytes}} NOT NULL,
    entries     BIGINT NOT NULL,
    file_sm3    TEXT NOT NULL,
    created_at  {{time}} NOT NULL,
    signature   {{bytes}} NOT NULL,
    fingerprint TEXT NOT NULL
);
