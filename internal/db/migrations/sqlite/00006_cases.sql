-- +goose Up
-- Daily counters of serial numbers (统一流水号) per region: the submitting
-- transaction takes the next value with an upsert, which locks the row
-- until it commits, so serial numbers are unique across instances and
-- never reused.
CREATE TABLE serial_counters (
    region TEXT NOT NULL,
    day    TEXT NOT NULL,
    next   INTEGER NOT NULL CHECK (next >= 1),
    PRIMARY KEY (region, day)
);

-- Applications (办件). Form values, materials and the correction checklist
-- are JSON in TEXT columns: they are read and written with their
-- application, never queried on their own.
CREATE TABLE applications (
    id                 TEXT PRIMARY KEY,
    serial             TEXT NOT NULL UNIQUE,
    item_code          TEXT NOT NULL REFERENCES catalog_items (code),
    item_name          TEXT NOT NULL,
    department         TEXT NOT NULL REFERENCES departments (code),
    region             TEXT NOT NULL,
    promised_days      INTEGER NOT NULL CHECK (promised_days >= 0),
    state              TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'correction', 'not_accepted', 'accepted',
                           'under_review', 'approved', 'rejected', 'delivered', 'closed', 'withdrawn')),
    channel            TEXT NOT NULL CHECK (channel IN ('online', 'window', 'mobile')),
    representation     TEXT NOT NULL CHECK (representation IN ('self', 'enterprise', 'agent')),
    applicant_kind     TEXT NOT NULL CHECK (applicant_kind IN ('person', 'enterprise')),
    applicant_name     TEXT NOT NULL,
    applicant_number   TEXT NOT NULL,
    applicant_account  TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    agent_name         TEXT NOT NULL DEFAULT '',
    agent_number       TEXT NOT NULL DEFAULT '',
    agent_account      TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    filed_by           TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    filed_by_name      TEXT NOT NULL,
    contact_phone      TEXT NOT NULL DEFAULT '',
    form               TEXT NOT NULL,
    materials          TEXT NOT NULL,
    corrections        TEXT NOT NULL,
    delivery_method    TEXT NOT NULL CHECK (delivery_method IN ('pickup', 'post', 'electronic')),
    delivery_hall      TEXT NOT NULL DEFAULT '',
    recipient          TEXT NOT NULL DEFAULT '',
    recipient_phone    TEXT NOT NULL DEFAULT '',
    address            TEXT NOT NULL DEFAULT '',
    postcode           TEXT NOT NULL DEFAULT '',
    courier            TEXT NOT NULL DEFAULT '',
    tracking_no        TEXT NOT NULL DEFAULT '',
    shipment_status    TEXT NOT NULL DEFAULT '',
    shipment_status_at TIMESTAMP,
    assignee           TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    assignee_name      TEXT NOT NULL DEFAULT '',
    submitted_at       TIMESTAMP NOT NULL,
    accepted_at        TIMESTAMP,
    due_at             TIMESTAMP,
    decided_at         TIMESTAMP,
    closed_at          TIMESTAMP,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL CHECK (version >= 1)
);
CREATE INDEX applications_queue ON applications (department, state, due_at);
CREATE INDEX applications_applicant ON applications (applicant_account, submitted_at);
CREATE INDEX applications_filed_by ON applications (filed_by, submitted_at);
CREATE INDEX applications_item ON applications (item_code, submitted_at);
CREATE INDEX applications_submitted ON applications (submitted_at);
CREATE INDEX applications_assignee ON applications (assignee, state);

-- The trace of every application: who did what, when, from which state
-- to which, and why. Append-only; seq is the application's version after
-- the event.
CREATE TABLE application_events (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    at             TIMESTAMP NOT NULL,
    actor_id       TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    actor_name     TEXT NOT NULL,
    role           TEXT NOT NULL,
    action         TEXT NOT NULL,
    from_state     TEXT NOT NULL,
    to_state       TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    items          TEXT NOT NULL DEFAULT '[]',
    detail         TEXT NOT NULL DEFAULT '',
    UNIQUE (application_id, seq)
);

-- +goose Down
DROP TABLE application_events;
DROP TABLE applications;
DROP TABLE serial_counters;
