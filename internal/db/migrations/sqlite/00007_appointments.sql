-- +goose Up
-- Service halls (服务大厅) where people book appointments and queue.
-- hours is a JSON object of opening periods per weekday, China time:
-- {"mon": ["09:00-12:00", "14:00-18:00"], …}.
CREATE TABLE appointment_halls (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    name_en       TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL,
    division_code TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    hours         TEXT NOT NULL,
    slot_minutes  INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
    per_window    INTEGER NOT NULL CHECK (per_window >= 1),
    demo          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

-- Window groups (业务类别): a set of items served by a set of windows; the
-- code prefixes the group's queue numbers.
CREATE TABLE appointment_groups (
    hall_code  TEXT NOT NULL REFERENCES appointment_halls (code) ON DELETE CASCADE,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    department TEXT NOT NULL REFERENCES departments (code),
    capacity   INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    position   INTEGER NOT NULL,
    PRIMARY KEY (hall_code, code)
);

CREATE TABLE appointment_windows (
    hall_code  TEXT NOT NULL,
    number     INTEGER NOT NULL CHECK (number >= 1),
    name       TEXT NOT NULL DEFAULT '',
    group_code TEXT NOT NULL,
    PRIMARY KEY (hall_code, number),
    FOREIGN KEY (hall_code, group_code) REFERENCES appointment_groups (hall_code, code) ON DELETE CASCADE
);

-- The items each group serves; an item is served by one group of a hall.
-- Item codes are the catalogue's, not constrained here so that halls can
-- be configured before the catalogue is imported.
CREATE TABLE appointment_group_items (
    hall_code  TEXT NOT NULL,
    item_code  TEXT NOT NULL,
    group_code TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (hall_code, item_code),
    FOREIGN KEY (hall_code, group_code) REFERENCES appointment_groups (hall_code, code) ON DELETE CASCADE
);

-- Dates a hall is closed whatever its opening hours.
CREATE TABLE appointment_closed_days (
    hall_code TEXT NOT NULL REFERENCES appointment_halls (code) ON DELETE CASCADE,
    day       TEXT NOT NULL,
    reason    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (hall_code, day)
);

-- How many bookings hold each slot of a group. A booking increments the
-- counter with a conditional update (only while below the capacity) in
-- its own transaction, which is what keeps slots from being overbooked.
CREATE TABLE appointment_slots (
    hall_code  TEXT NOT NULL,
    group_code TEXT NOT NULL,
    starts_at  TIMESTAMP NOT NULL,
    booked     INTEGER NOT NULL CHECK (booked >= 0),
    PRIMARY KEY (hall_code, group_code, starts_at)
);

-- Bookings. day is the slot's date in China time (2006-01-02).
CREATE TABLE appointments (
    id            TEXT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    account_kind  TEXT NOT NULL,
    name          TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    id_tail       TEXT NOT NULL,
    hall_code     TEXT NOT NULL REFERENCES appointment_halls (code),
    group_code    TEXT NOT NULL,
    item_code     TEXT NOT NULL,
    day           TEXT NOT NULL,
    starts_at     TIMESTAMP NOT NULL,
    ends_at       TIMESTAMP NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'checked_in', 'called', 'served', 'no_show')),
    queue_seq     INTEGER,
    queue_number  TEXT,
    window_number INTEGER,
    checked_in_at TIMESTAMP,
    called_at     TIMESTAMP,
    served_at     TIMESTAMP,
    cancelled_at  TIMESTAMP,
    no_show_at    TIMESTAMP,
    reminded_at   TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
-- One active booking per account, item and day.
CREATE UNIQUE INDEX appointments_one_active ON appointments (account_id, item_code, day)
    WHERE status IN ('booked', 'checked_in', 'called');
CREATE UNIQUE INDEX appointments_queue_number ON appointments (hall_code, day, queue_number);
CREATE INDEX appointments_account ON appointments (account_id, starts_at);
CREATE INDEX appointments_hall_day ON appointments (hall_code, day, group_code, status, queue_seq);
CREATE INDEX appointments_due ON appointments (status, ends_at);
CREATE INDEX appointments_no_shows ON appointments (account_id, no_show_at) WHERE status = 'no_show';

-- The last queue number issued per hall, day and group.
CREATE TABLE appointment_queue_counters (
    hall_code  TEXT NOT NULL,
    day        TEXT NOT NULL,
    group_code TEXT NOT NULL,
    last       INTEGER NOT NULL,
    PRIMARY KEY (hall_code, day, group_code)
);

-- The history of each booking: who did what, when.
CREATE TABLE appointment_events (
    id             TEXT PRIMARY KEY,
    appointment_id TEXT NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    at             TIMESTAMP NOT NULL,
    kind           TEXT NOT NULL,
    actor_id       TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    detail         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appointment_events_appointment ON appointment_events (appointment_id, at);

-- +goose Down
DROP TABLE appointment_events;
DROP TABLE appointment_queue_counters;
DROP TABLE appointments;
DROP TABLE appointment_slots;
DROP TABLE appointment_closed_days;
DROP TABLE appointment_group_items;
DROP TABLE appointment_windows;
DROP TABLE appointment_groups;
DROP TABLE appointment_halls;
