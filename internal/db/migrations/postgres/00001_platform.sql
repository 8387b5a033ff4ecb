-- +goose Up
-- Administrative divisions (GB/T 2260 and statistical township codes) with
-- their boundaries as GeoJSON geometry in WGS84.
CREATE TABLE divisions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('province', 'city', 'district', 'street', 'community')),
    parent_code TEXT REFERENCES divisions (code),
    boundary    TEXT,
    synthetic   BOOLEAN NOT NULL DEFAULT FALSE,
    source      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX divisions_parent ON divisions (parent_code);

-- Government departments; staff accounts belong to one.
CREATE TABLE departments (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    short_name    TEXT NOT NULL,
    division_code TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE departments;
DROP TABLE divisions;
