-- +goose Up
-- Life-event and enterprise-event themes that group service items.
CREATE TABLE catalog_themes (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    audience    TEXT NOT NULL CHECK (audience IN ('person', 'enterprise')),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- Service items (事项). Lists of value objects (applicants, materials,
-- keywords, form fields) are JSON arrays in TEXT columns: they are read and
-- written with their item, never queried on their own.
CREATE TABLE catalog_items (
    code                TEXT PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    department          TEXT NOT NULL REFERENCES departments (code),
    category            TEXT NOT NULL,
    applicants          TEXT NOT NULL,
    max_trips           INTEGER NOT NULL CHECK (max_trips >= 0),
    online_full_process BOOLEAN NOT NULL,
    no_meeting_batch1   BOOLEAN NOT NULL,
    legal_days          INTEGER NOT NULL CHECK (legal_days >= 0),
    promised_days       INTEGER NOT NULL CHECK (promised_days >= 0 AND promised_days <= legal_days),
    fee_fen             BIGINT NOT NULL CHECK (fee_fen >= 0),
    materials           TEXT NOT NULL,
    keywords            TEXT NOT NULL,
    description         TEXT NOT NULL,
    form_fields         TEXT NOT NULL,
    version             INTEGER NOT NULL CHECK (version >= 1),
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX catalog_items_department ON catalog_items (department, code);

-- Which items belong to which themes, in the item's order of themes.
CREATE TABLE catalog_item_themes (
    item_code  TEXT NOT NULL REFERENCES catalog_items (code) ON DELETE CASCADE,
    theme_code TEXT NOT NULL REFERENCES catalog_themes (code),
    position   INTEGER NOT NULL,
    PRIMARY KEY (item_code, theme_code)
);
CREATE INDEX catalog_item_themes_theme ON catalog_item_themes (theme_code, item_code);

-- The history of every item: who changed which fields, from what to what
-- (a JSON array of {field, before, after}).
CREATE TABLE catalog_item_changes (
    id         TEXT PRIMARY KEY,
    item_code  TEXT NOT NULL REFERENCES catalog_items (code) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    at         TIMESTAMP NOT NULL,
    actor_id   TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    actor_name TEXT NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('import', 'edit')),
    fields     TEXT NOT NULL,
    UNIQUE (item_code, version)
);

-- One row counting the catalogue's changes; search indexes poll it, and
-- writers update it first in their transaction, which serialises them.
CREATE TABLE catalog_revision (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO catalog_revision (id, revision) VALUES (1, 0);

-- +goose Down
DROP TABLE catalog_revision;
DROP TABLE catalog_item_changes;
DROP TABLE catalog_item_themes;
DROP TABLE catalog_items;
DROP TABLE catalog_themes;
