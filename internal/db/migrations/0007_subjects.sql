-- Subjects (被执行人): persons and organisations with every identity
-- document linked as one subject (S-LOC-1). See internal/subject and
-- docs/subjects.md.
--
-- Identity numbers, phone numbers and addresses are stored only sealed
-- (SM4, bound to their row by the place "subject_documents.number:<id>" /
-- "subject_contacts.value:<id>"), with a keyed SM3 blind index for exact
-- lookup and a masked form for lists (S-SEC-3). Names are stored in clear:
-- officers search and list by name, and a name alone does not identify a
-- person (docs/subjects.md explains the decision).

-- One row per debtor. name is the first name recorded, for lists; every
-- stated name (and each later, possibly conflicting one) is a row of
-- subject_attributes.
CREATE TABLE subjects (
    id         {{id}},
    kind       TEXT NOT NULL CHECK (kind IN ('person', 'organisation')),
    name       TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX subjects_name ON subjects (name);

-- Identity documents. kind is an internal/ident kind (resident_id,
-- passport, hk_mo_permit, tw_permit, foreign_pr_card, credit_code); the
-- number is ident's normalized form (a 15-digit resident ID upgraded to 18
-- characters), so the blind index is the same however it was typed. A
-- number belongs to at most one subject: UNIQUE (kind, number_index).
-- birth_date, sex and category are the facts ident derives from the number
-- itself (resident IDs), kept to compare with what people state.
CREATE TABLE subject_documents (
    id            {{id}},
    subject_id    BIGINT NOT NULL REFERENCES subjects (id),
    kind          TEXT NOT NULL,
    category      TEXT NOT NULL DEFAULT '',
    number_sealed TEXT NOT NULL,
    number_index  TEXT NOT NULL,
    number_masked TEXT NOT NULL,
    birth_date    TEXT NOT NULL DEFAULT '',
    sex           TEXT NOT NULL DEFAULT '',
    valid_until   TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL,
    added_at      {{time}} NOT NULL,
    added_by      TEXT NOT NULL,
    UNIQUE (kind, number_index)
);
CREATE INDEX subject_documents_subject ON subject_documents (subject_id);

-- Attribute history: every value of a name, former name, sex, birth date or
-- legal representative, with where it came from and when. Rows are only
-- inserted; two different values of a single-valued attribute are a
-- conflict shown to users, never resolved by overwriting.
CREATE TABLE subject_attributes (
    id          {{id}},
    subject_id  BIGINT NOT NULL REFERENCES subjects (id),
    attr        TEXT NOT NULL,
    value       TEXT NOT NULL,
    source      TEXT NOT NULL,
    recorded_at {{time}} NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX subject_attributes_subject ON subject_attributes (subject_id, attr);
CREATE INDEX subject_attributes_value ON subject_attributes (attr, value);

-- Phones and addresses (household registration, actual residence), sealed
-- like document numbers. The index also finds every subject with a given
-- phone or address.
CREATE TABLE subject_contacts (
    id           {{id}},
    subject_id   BIGINT NOT NULL REFERENCES subjects (id),
    kind         TEXT NOT NULL CHECK (kind IN ('phone', 'household_address', 'residence_address')),
    value_sealed TEXT NOT NULL,
    value_index  TEXT NOT NULL,
    value_masked TEXT NOT NULL,
    source       TEXT NOT NULL,
    recorded_at  {{time}} NOT NULL,
    recorded_by  TEXT NOT NULL,
    UNIQUE (subject_id, kind, value_index)
);
CREATE INDEX subject_contacts_index ON subject_contacts (kind, value_index);
