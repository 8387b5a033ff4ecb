-- +goose Up
-- Data sharing between departments (一库共用).
--
-- Registry records: the current version of every record of every dataset.
-- The datasets and their schemas are defined in code (internal/exchange).
-- record_key is unique within a dataset; subject is the identity number or
-- credit code that reads are by; content is the canonical JSON of the
-- record's fields and hash its hex SHA-256; source is 'import' or 'demo'
-- (synthetic demo data).
CREATE TABLE exchange_records (
    id         TEXT PRIMARY KEY,
    dataset    TEXT NOT NULL,
    record_key TEXT NOT NULL,
    subject    TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    hash       TEXT NOT NULL,
    content    TEXT NOT NULL,
    source     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (dataset, record_key)
);
CREATE INDEX exchange_records_subject ON exchange_records (dataset, subject, record_key);

-- Every version of every record, the current one included, so that a
-- decision can point at exactly the version it used.
CREATE TABLE exchange_record_versions (
    record_id  TEXT NOT NULL REFERENCES exchange_records (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL CHECK (version >= 1),
    subject    TEXT NOT NULL,
    hash       TEXT NOT NULL,
    content    TEXT NOT NULL,
    source     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (record_id, version)
);

-- One row per dataset that each import updates first, so that imports of
-- the same dataset are serialised.
CREATE TABLE exchange_imports (
    dataset     TEXT PRIMARY KEY,
    imports     INTEGER NOT NULL,
    imported_at TIMESTAMP NOT NULL
);

-- Access policies: a department may read these fields (a JSON array) of a
-- dataset for a purpose on a legal basis, from valid_from until
-- valid_until (exclusive; NULL for no end), unless revoked.
CREATE TABLE exchange_policies (
    id          TEXT PRIMARY KEY,
    department  TEXT NOT NULL REFERENCES departments (code),
    dataset     TEXT NOT NULL,
    fields      TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    valid_from  TIMESTAMP NOT NULL,
    valid_until TIMESTAMP,
    revoked_at  TIMESTAMP,
    created_by  TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1)
);
CREATE UNIQUE INDEX exchange_policies_purpose ON exchange_policies (department, dataset, purpose) WHERE revoked_at IS NULL;
CREATE INDEX exchange_policies_dataset ON exchange_policies (dataset, department);

-- The policies' revision, incremented in the same transaction as every
-- change of a policy, so that each instance can cache the policies and
-- know with one small read whether its copy is current.
CREATE TABLE exchange_policy_revision (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
);
INSERT INTO exchange_policy_revision (id, revision) VALUES (1, 0);

-- The access log, a hash chain: hash is the hex SHA-256 over prev_hash's
-- bytes and the entry's canonical JSON (see exchange.Entry.Canonical).
-- fields and records are JSON arrays. Entries are never updated or
-- deleted; department has no foreign key so that the log outlives any
-- reorganisation.
CREATE TABLE exchange_access_log (
    seq          INTEGER PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    actor_kind   TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    actor_name   TEXT NOT NULL,
    department   TEXT NOT NULL,
    dataset      TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject      TEXT NOT NULL,
    fields       TEXT NOT NULL,
    records      TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    legal_basis  TEXT NOT NULL,
    policy_id    TEXT NOT NULL,
    reference    TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX exchange_access_log_subject ON exchange_access_log (subject_kind, subject, seq);
CREATE INDEX exchange_access_log_department ON exchange_access_log (department, seq);

-- The log's head: the number and hash of the last entry. Every append
-- updates this single row first, which orders appends from every
-- instance into one chain.
CREATE TABLE exchange_log_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO exchange_log_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- +goose Down
DROP TABLE exchange_log_head;
DROP TABLE exchange_access_log;
DROP TABLE exchange_policy_revision;
DROP TABLE exchange_policies;
DROP TABLE exchange_imports;
DROP TABLE exchange_record_versions;
DROP TABLE exchange_records;
