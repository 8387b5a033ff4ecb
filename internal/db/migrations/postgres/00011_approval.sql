-- +goose Up
-- Instant approval (秒批).
--
-- A handed-over application names the application it continues.
ALTER TABLE applications ADD COLUMN origin_serial TEXT NOT NULL DEFAULT '';

-- Rule sets: every version of every service item's rules, as the YAML its
-- author wrote. status is draft (being edited; at most one per item),
-- published (the newest decides new applications) or retired (replaced by
-- a newer published version, kept because decisions name it).
CREATE TABLE approval_rulesets (
    item_code         TEXT NOT NULL,
    version           INTEGER NOT NULL CHECK (version >= 1),
    name              TEXT NOT NULL,
    source            TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
    note              TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL DEFAULT '',
    created_by_name   TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    tested_at         TIMESTAMPTZ,
    test_summary      TEXT NOT NULL DEFAULT '',
    published_by      TEXT NOT NULL DEFAULT '',
    published_by_name TEXT NOT NULL DEFAULT '',
    published_at      TIMESTAMPTZ,
    PRIMARY KEY (item_code, version)
);
CREATE UNIQUE INDEX approval_rulesets_one_draft ON approval_rulesets (item_code) WHERE status = 'draft';

-- Decisions: what an evaluation decided on an application, with its
-- input, the registry records it used (dataset, record id, version,
-- hash), each rule's result and reason, and how long it took. Replays
-- and reviews read them back.
CREATE TABLE approval_decisions (
    id              TEXT PRIMARY KEY,
    item_code       TEXT NOT NULL,
    ruleset_version INTEGER NOT NULL,
    application_id  TEXT REFERENCES applications (id) ON DELETE CASCADE,
    serial          TEXT NOT NULL DEFAULT '',
    outcome         TEXT NOT NULL CHECK (outcome IN ('approve', 'reject', 'correction', 'manual')),
    input           TEXT NOT NULL,
    reads           TEXT NOT NULL,
    rules           TEXT NOT NULL,
    decided_at      TIMESTAMPTZ NOT NULL,
    read_micros     BIGINT NOT NULL DEFAULT 0,
    eval_micros     BIGINT NOT NULL DEFAULT 0,
    total_micros    BIGINT NOT NULL DEFAULT 0,
    FOREIGN KEY (item_code, ruleset_version) REFERENCES approval_rulesets (item_code, version)
);
CREATE INDEX approval_decisions_application ON approval_decisions (application_id, decided_at);
CREATE INDEX approval_decisions_item ON approval_decisions (item_code, decided_at);

-- +goose Down
DROP TABLE approval_decisions;
DROP TABLE approval_rulesets;
ALTER TABLE applications DROP COLUMN origin_serial;
