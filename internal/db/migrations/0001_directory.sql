-- Units, users, roles and liaison officers (S-ORG).
-- One schema for both engines: {{id}}, {{time}} and {{bytes}} are replaced
-- by the db package with each engine's type (see internal/db/migrate.go).

CREATE TABLE units (
    code               TEXT PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE,
    short_name         TEXT NOT NULL DEFAULT '',
    side               TEXT NOT NULL CHECK (side IN ('court', 'police')),
    type               TEXT NOT NULL,
    parent_code        TEXT REFERENCES units (code),
    division           TEXT NOT NULL,
    court_code         TEXT,
    liaison_department BOOLEAN NOT NULL DEFAULT FALSE,
    active             BOOLEAN NOT NULL DEFAULT TRUE,
    created_at         {{time}} NOT NULL
);
CREATE INDEX units_parent ON units (parent_code);
CREATE UNIQUE INDEX units_court_code ON units (court_code);

CREATE TABLE users (
    id                   {{id}},
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    unit_code            TEXT NOT NULL REFERENCES units (code),
    password_hash        TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT TRUE,
    active               BOOLEAN NOT NULL DEFAULT TRUE,
    created_at           {{time}} NOT NULL,
    updated_at           {{time}} NOT NULL,
    password_changed_at  {{time}} NOT NULL
);
CREATE INDEX users_unit ON users (unit_code);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- One liaison officer per unit at a time (S-ORG); history is kept by
-- closing a row (until_at) rather than deleting it.
CREATE TABLE liaison_officers (
    id        {{id}},
    unit_code TEXT NOT NULL REFERENCES units (code),
    user_id   BIGINT NOT NULL REFERENCES users (id),
    office_phone TEXT NOT NULL DEFAULT '',
    since_at  {{time}} NOT NULL,
    until_at  {{time}}
);
CREATE INDEX liaison_officers_unit ON liaison_officers (unit_code);
