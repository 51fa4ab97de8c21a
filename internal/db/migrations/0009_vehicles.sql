-- The vehicle seal register (查封登记簿, S-VEH-2, S-VEH-3): every court
-- seal on a vehicle, in force or waiting (轮候查封) in order of acceptance,
-- and what the vehicle registry was last told of it. See internal/vehicle
-- and docs/vehicles.md.

-- One row per sealed vehicle. Accept takes this row's lock (UPDATE …
-- last_pos) before it reads the vehicle's seals, so two courts sealing one
-- vehicle at once queue: one seal in force, the other waiting.
CREATE TABLE vehicle_files (
    vin        TEXT PRIMARY KEY,
    plate      TEXT NOT NULL,
    last_pos   BIGINT NOT NULL DEFAULT 0,
    created_at {{time}} NOT NULL
);

CREATE TABLE vehicle_seals (
    id               {{id}},
    vin              TEXT NOT NULL REFERENCES vehicle_files (vin),
    plate            TEXT NOT NULL,
    court_unit       TEXT NOT NULL,
    court_name       TEXT NOT NULL,
    case_number      TEXT NOT NULL,
    matter_id        BIGINT REFERENCES matters (id),
    document_digest  TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('waiting', 'in_force', 'lifted', 'lapsed')),
    queue_pos        BIGINT NOT NULL,
    term_months      BIGINT NOT NULL CHECK (term_months BETWEEN 1 AND 24),
    accepted_at      {{time}} NOT NULL,
    effective_at     {{time}},
    expires_at       {{time}},
    ended_at         {{time}},
    end_reason       TEXT NOT NULL DEFAULT '',
    renewals         BIGINT NOT NULL DEFAULT 0,
    -- What the registry was last told: '' nothing, 'recorded' the mark
    -- with registry_expires, 'released'. Sync pushes every row where this
    -- differs from the state.
    registry_state   TEXT NOT NULL DEFAULT '' CHECK (registry_state IN ('', 'recorded', 'released')),
    registry_expires {{time}},
    registry_at      {{time}},
    registry_error   TEXT NOT NULL DEFAULT '',
    UNIQUE (vin, queue_pos)
);
-- At most one seal in force per vehicle, whatever the code does.
CREATE UNIQUE INDEX vehicle_seals_in_force ON vehicle_seals (vin) WHERE state = 'in_force';
CREATE INDEX vehicle_seals_state ON vehicle_seals (state, expires_at);
CREATE INDEX vehicle_seals_matter ON vehicle_seals (matter_id);
