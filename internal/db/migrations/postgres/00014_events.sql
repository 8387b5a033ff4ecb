-- +goose Up
-- Grid events (网格事件): categories, events with their trace, aggregates
-- kept up to date with every change, grid workers' cells and patrols.

-- The category catalogue: the department responsible, the specialised
-- layer that routes a category (police, fire, safety; '' routes by
-- street), the SLA in hours.
CREATE TABLE event_categories (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    parent_code TEXT NOT NULL DEFAULT '',
    department  TEXT NOT NULL,
    layer       TEXT NOT NULL DEFAULT '',
    sla_hours   INTEGER NOT NULL CHECK (sla_hours >= 1),
    position    INTEGER NOT NULL DEFAULT 0,
    disabled    BOOLEAN NOT NULL DEFAULT FALSE,
    version     INTEGER NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    updated_by  TEXT NOT NULL DEFAULT ''
);

-- Events. chain holds the cells from the top level down to the finest
-- containing the point, joined by '/', so that the events of any cell are
-- one range of the index (chain = C or C/ <= chain < C0, '0' following
-- '/'); it compares bytewise. zones is 'layer=code' pairs joined by ','.
-- escalate_at is the SLA timer: the next escalation of an open event,
-- NULL when none is due.
CREATE TABLE events (
    id              TEXT PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    category        TEXT NOT NULL REFERENCES event_categories (code),
    description     TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    lon             DOUBLE PRECISION NOT NULL,
    lat             DOUBLE PRECISION NOT NULL,
    cell            TEXT NOT NULL,
    chain           TEXT COLLATE "C" NOT NULL,
    street          TEXT NOT NULL DEFAULT '',
    zones           TEXT NOT NULL DEFAULT '',
    photos          TEXT NOT NULL DEFAULT '',
    route_dept      TEXT NOT NULL DEFAULT '',
    route_zone      TEXT NOT NULL DEFAULT '',
    route_reason    TEXT NOT NULL DEFAULT '',
    reporter_id     TEXT NOT NULL DEFAULT '',
    reporter_name   TEXT NOT NULL DEFAULT '',
    reporter_kind   TEXT NOT NULL DEFAULT '',
    client_ref      TEXT,
    source          TEXT NOT NULL,
    state           TEXT NOT NULL,
    assignee_dept   TEXT NOT NULL DEFAULT '',
    assignee_zone   TEXT NOT NULL DEFAULT '',
    assignee_worker TEXT NOT NULL DEFAULT '',
    escalation      INTEGER NOT NULL DEFAULT 0,
    escalated_to    TEXT NOT NULL DEFAULT '',
    overdue         BOOLEAN NOT NULL DEFAULT FALSE,
    similar_to      TEXT NOT NULL DEFAULT '',
    duplicate_of    TEXT NOT NULL DEFAULT '',
    reported_at     TIMESTAMP NOT NULL,
    received_at     TIMESTAMP NOT NULL,
    due_at          TIMESTAMP NOT NULL,
    escalate_at     TIMESTAMP,
    closed_at       TIMESTAMP,
    updated_at      TIMESTAMP NOT NULL,
    version         INTEGER NOT NULL,
    steps           INTEGER NOT NULL DEFAULT 0,
    synthetic       BOOLEAN NOT NULL DEFAULT FALSE
);
-- Queues by state (the dispatcher's, a department's), newest first.
CREATE INDEX events_state ON events (state, assignee_dept, reported_at);
-- The events of a cell, and a period.
CREATE INDEX events_chain ON events (chain, reported_at);
CREATE INDEX events_reported ON events (reported_at);
-- A reporter's events; a device's retry finds its report by client_ref.
CREATE UNIQUE INDEX events_reporter ON events (reporter_id, client_ref);
-- The SLA sweeper's timers: only open events carry one.
CREATE INDEX events_escalate ON events (escalate_at) WHERE escalate_at IS NOT NULL;
-- Possible duplicates: open events of a category in a band of latitude.
CREATE INDEX events_similar ON events (category, lat) WHERE state <> 'closed' AND duplicate_of = '';
CREATE INDEX events_merged ON events (duplicate_of) WHERE duplicate_of <> '';

-- The daily sequence of event codes (day = YYYYMMDD in China time).
CREATE TABLE event_sequences (
    day  INTEGER PRIMARY KEY,
    last BIGINT NOT NULL
);

-- The trace: every step of every event.
CREATE TABLE event_steps (
    event_id   TEXT NOT NULL REFERENCES events (id),
    seq        INTEGER NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state   TEXT NOT NULL,
    actor_id   TEXT NOT NULL DEFAULT '',
    actor_name TEXT NOT NULL DEFAULT '',
    actor_role TEXT NOT NULL DEFAULT '',
    at         TIMESTAMP NOT NULL,
    lon        DOUBLE PRECISION,
    lat        DOUBLE PRECISION,
    note       TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    zone       TEXT NOT NULL DEFAULT '',
    worker     TEXT NOT NULL DEFAULT '',
    target     TEXT NOT NULL DEFAULT '',
    photos     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (event_id, seq)
);

-- Aggregates per grid cell (every level of an event's chain), day of the
-- report (YYYYMMDD, China time) and category, changed in the transaction
-- of every change: reports, closures, overdue events, the sum of handling
-- seconds and a histogram of handling times (h00: under 5 minutes, hNN:
-- up to 300·√2^NN seconds, h23: 7.1 days and more).
CREATE TABLE event_stats (
    grid           TEXT NOT NULL,
    day            INTEGER NOT NULL,
    category       TEXT NOT NULL,
    reported       INTEGER NOT NULL DEFAULT 0,
    closed         INTEGER NOT NULL DEFAULT 0,
    overdue        INTEGER NOT NULL DEFAULT 0,
    handle_seconds BIGINT NOT NULL DEFAULT 0,
    h00           INTEGER NOT NULL DEFAULT 0,
    h01           INTEGER NOT NULL DEFAULT 0,
    h02           INTEGER NOT NULL DEFAULT 0,
    h03           INTEGER NOT NULL DEFAULT 0,
    h04           INTEGER NOT NULL DEFAULT 0,
    h05           INTEGER NOT NULL DEFAULT 0,
    h06           INTEGER NOT NULL DEFAULT 0,
    h07           INTEGER NOT NULL DEFAULT 0,
    h08           INTEGER NOT NULL DEFAULT 0,
    h09           INTEGER NOT NULL DEFAULT 0,
    h10           INTEGER NOT NULL DEFAULT 0,
    h11           INTEGER NOT NULL DEFAULT 0,
    h12           INTEGER NOT NULL DEFAULT 0,
    h13           INTEGER NOT NULL DEFAULT 0,
    h14           INTEGER NOT NULL DEFAULT 0,
    h15           INTEGER NOT NULL DEFAULT 0,
    h16           INTEGER NOT NULL DEFAULT 0,
    h17           INTEGER NOT NULL DEFAULT 0,
    h18           INTEGER NOT NULL DEFAULT 0,
    h19           INTEGER NOT NULL DEFAULT 0,
    h20           INTEGER NOT NULL DEFAULT 0,
    h21           INTEGER NOT NULL DEFAULT 0,
    h22           INTEGER NOT NULL DEFAULT 0,
    h23           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (grid, day, category)
);

-- Reports per finest cell and day, and per month (YYYYMM00), for the
-- heat map.
CREATE TABLE event_heat_days (
    day  INTEGER NOT NULL,
    cell TEXT NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (day, cell)
);
CREATE TABLE event_heat_months (
    month INTEGER NOT NULL,
    cell  TEXT NOT NULL,
    n     INTEGER NOT NULL,
    PRIMARY KEY (month, cell)
);

-- Grid workers' cells (any level) and patrol check-ins.
CREATE TABLE event_worker_cells (
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    cell        TEXT NOT NULL,
    assigned_at TIMESTAMP NOT NULL,
    assigned_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (account_id, cell)
);
CREATE INDEX event_worker_cells_cell ON event_worker_cells (cell);
CREATE TABLE event_patrols (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    cell       TEXT NOT NULL DEFAULT '',
    lon        DOUBLE PRECISION NOT NULL,
    lat        DOUBLE PRECISION NOT NULL,
    inside     BOOLEAN NOT NULL DEFAULT FALSE,
    at         TIMESTAMP NOT NULL
);
CREATE INDEX event_patrols_account ON event_patrols (account_id, at);

-- +goose Down
DROP TABLE event_patrols;
DROP TABLE event_worker_cells;
DROP TABLE event_heat_months;
DROP TABLE event_heat_days;
DROP TABLE event_stats;
DROP TABLE event_steps;
DROP TABLE event_sequences;
DROP TABLE events;
DROP TABLE event_categories;
