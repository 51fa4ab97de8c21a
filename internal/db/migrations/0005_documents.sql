-- Electronic documents with legal force (S-DOC-1, S-ACT): content-addressed
-- files, issued documents signed by their unit's SM2 key, and supersession
-- (correction or revocation). See internal/docs and docs/documents.md.

-- One row per distinct file content, named by its SM3 digest (lower-case
-- hex). The bytes live in document_blob_chunks so that reads stream chunk
-- by chunk on both engines; a blob and all its chunks are written in one
-- transaction, so a blob row always has its complete content.
CREATE TABLE document_blobs (
    digest     TEXT PRIMARY KEY,
    mime       TEXT NOT NULL,
    size       BIGINT NOT NULL CHECK (size > 0),
    chunks     BIGINT NOT NULL CHECK (chunks > 0),
    created_at {{time}} NOT NULL
);

CREATE TABLE document_blob_chunks (
    digest TEXT NOT NULL REFERENCES document_blobs (digest),
    seq    BIGINT NOT NULL CHECK (seq >= 0),
    data   {{bytes}} NOT NULL,
    PRIMARY KEY (digest, seq)
);

-- An issued document. Rows are inserted once and never updated or deleted:
-- the store has no UPDATE or DELETE on this table. A correction is a new
-- document plus a row in document_supersessions. statement holds the exact
-- bytes that were signed (the canonical statement, see
-- internal/docs/statement.go); the other columns repeat its fields for
-- queries and are checked against it on every verification.
CREATE TABLE documents (
    id              {{id}},
    code            TEXT NOT NULL UNIQUE,
    digest          TEXT NOT NULL UNIQUE REFERENCES document_blobs (digest),
    doc_type        TEXT NOT NULL,
    title           TEXT NOT NULL,
    case_number     TEXT NOT NULL DEFAULT '',
    unit_code       TEXT NOT NULL REFERENCES units (code),
    unit_name       TEXT NOT NULL,
    issuer          TEXT NOT NULL,
    issued_at       {{time}} NOT NULL,
    key_fingerprint TEXT NOT NULL,
    statement       {{bytes}} NOT NULL,
    signature       {{bytes}} NOT NULL
);
CREATE INDEX documents_unit ON documents (unit_code, issued_at);
CREATE INDEX documents_case ON documents (case_number);

-- A document is superseded at most once (old_id is the key): corrected by
-- a newer document, or revoked without a replacement. Insert-only, signed
-- by the old document's unit like the document itself.
CREATE TABLE document_supersessions (
    old_id          BIGINT PRIMARY KEY REFERENCES documents (id),
    kind            TEXT NOT NULL CHECK (kind IN ('corrected', 'revoked')),
    new_id          BIGINT REFERENCES documents (id),
    reason          TEXT NOT NULL,
    username        TEXT NOT NULL,
    at              {{time}} NOT NULL,
    key_fingerprint TEXT NOT NULL,
    statement       {{bytes}} NOT NULL,
    signature       {{bytes}} NOT NULL,
    CHECK ((kind = 'corrected' AND new_id IS NOT NULL) OR (kind = 'revoked' AND new_id IS NULL)),
    CHECK (new_id IS NULL OR new_id <> old_id)
);
CREATE INDEX document_supersessions_new ON document_supersessions (new_id);
