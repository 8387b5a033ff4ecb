-- +goose Up
-- Open311 GeoReport v2: the API keys of client systems, and what their
-- submissions said beyond the event itself.

-- A key is shown once when it is made; only its SHA-256 (hex) is kept,
-- with its first characters so that an operator can tell keys apart. A
-- name belongs to one key that is not revoked.
CREATE TABLE open311_keys (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    key_hash   TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX open311_keys_name ON open311_keys (name) WHERE revoked_at IS NULL;

-- The submitter's contact details, the attributes and the media URL of a
-- POST, kept for the dispatcher. ref is the event's client_ref (its
-- reporter is 'open311:' || key_id).
CREATE TABLE open311_submissions (
    ref        TEXT PRIMARY KEY,
    key_id     TEXT NOT NULL REFERENCES open311_keys (id),
    email      TEXT NOT NULL DEFAULT '',
    first_name TEXT NOT NULL DEFAULT '',
    last_name  TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    device_id  TEXT NOT NULL DEFAULT '',
    account_id TEXT NOT NULL DEFAULT '',
    media_url  TEXT NOT NULL DEFAULT '',
    attributes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE open311_submissions;
DROP TABLE open311_keys;
