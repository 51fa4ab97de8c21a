-- Login, sessions, API tokens, password history and the second factor
-- (internal/access; graded protection level 3, S-SEC-1, S-SEC-2).
-- One schema for both engines: {{id}}, {{time}} and {{bytes}} are replaced
-- by the db package with each engine's type (see internal/db/migrate.go).

-- Consecutive failed logins and the lock they lead to live on the user row,
-- so the count holds across servers sharing one database.
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until {{time}};
ALTER TABLE users ADD COLUMN last_login_at {{time}};

-- A signed-in browser. The client holds a random token; only its SM3 hash
-- is stored, so a copy of this table signs nobody in. id is a public handle
-- (audit details, "my sessions"), not a credential.
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    user_id       BIGINT NOT NULL REFERENCES users (id),
    csrf_token    TEXT NOT NULL,
    second_factor TEXT NOT NULL DEFAULT '',
    created_at    {{time}} NOT NULL,
    last_seen_at  {{time}} NOT NULL,
    expires_at    {{time}} NOT NULL,
    source        TEXT NOT NULL DEFAULT '',
    user_agent    TEXT NOT NULL DEFAULT '',
    revoked_at    {{time}},
    revoke_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Bearer tokens for system accounts (police systems calling the API).
-- Stored as SM3 hashes like session tokens; shown to the issuer once.
CREATE TABLE api_tokens (
    id           {{id}},
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    label        TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   {{time}} NOT NULL,
    expires_at   {{time}} NOT NULL,
    last_used_at {{time}},
    last_source  TEXT NOT NULL DEFAULT '',
    revoked_at   {{time}},
    revoked_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Passwords a user had before the current one (argon2id hashes), newest
-- last, so that a change can refuse the recent ones.
CREATE TABLE password_history (
    id            {{id}},
    user_id       BIGINT NOT NULL REFERENCES users (id),
    password_hash TEXT NOT NULL,
    retired_at    {{time}} NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);

-- TOTP (RFC 6238) second factor. The secret is sealed with the node's SM4
-- key (internal/keyring), never stored in clear. confirmed_at is NULL while
-- an enrolment waits for its first code. last_step is the newest time step
-- a code was accepted for: codes of that step or older are refused (replay).
CREATE TABLE user_totp (
    user_id       BIGINT PRIMARY KEY REFERENCES users (id),
    secret_sealed TEXT NOT NULL,
    confirmed_at  {{time}},
    last_step     BIGINT NOT NULL DEFAULT 0,
    created_at    {{time}} NOT NULL
);

-- Single-use recovery codes, stored as keyed SM3 (blind index) of user and
-- code, so a copy of the table cannot be searched offline without the key file.
CREATE TABLE recovery_codes (
    user_id    BIGINT NOT NULL REFERENCES users (id),
    code_hash  TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    used_at    {{time}},
    PRIMARY KEY (user_id, code_hash)
);
