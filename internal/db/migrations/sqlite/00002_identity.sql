-- +goose Up
CREATE TABLE accounts (
    id                  TEXT PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('person', 'enterprise', 'staff')),
    username            TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    id_number           TEXT UNIQUE,
    id_verified         BOOLEAN NOT NULL DEFAULT FALSE,
    uscc                TEXT UNIQUE,
    phone               TEXT UNIQUE,
    email               TEXT NOT NULL DEFAULT '',
    department_code     TEXT REFERENCES departments (code),
    password_hash       TEXT NOT NULL DEFAULT '',
    disabled            BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        TIMESTAMP,
    password_changed_at TIMESTAMP,
    lang                TEXT NOT NULL DEFAULT 'zh',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX accounts_department ON accounts (department_code);

CREATE TABLE account_roles (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    PRIMARY KEY (account_id, role)
);

-- Server-side login sessions; the cookie holds a secret whose SHA-256 is
-- token_hash, so a database leak does not leak live sessions.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    method       TEXT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Authentication audit log: append-only.
CREATE TABLE auth_events (
    id              TEXT PRIMARY KEY,
    at              TIMESTAMP NOT NULL,
    kind            TEXT NOT NULL,
    account_id      TEXT,
    department_code TEXT,
    login           TEXT NOT NULL DEFAULT '',
    ip              TEXT NOT NULL DEFAULT '',
    user_agent      TEXT NOT NULL DEFAULT '',
    client_id       TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX auth_events_at ON auth_events (at);
CREATE INDEX auth_events_account ON auth_events (account_id, at);
CREATE INDEX auth_events_kind ON auth_events (kind, at);

-- Fixed-window counters for throttling (per client address, per phone …),
-- shared by every instance through the database.
CREATE TABLE throttle (
    key          TEXT PRIMARY KEY,
    window_start TIMESTAMP NOT NULL,
    count        INTEGER NOT NULL
);

-- One-time login codes sent to phones; only a hash of the code is kept.
CREATE TABLE otp_codes (
    id         TEXT PRIMARY KEY,
    phone      TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX otp_codes_phone ON otp_codes (phone, created_at);

-- +goose Down
DROP TABLE otp_codes;
DROP TABLE throttle;
DROP TABLE auth_events;
DROP TABLE sessions;
DROP TABLE account_roles;
DROP TABLE accounts;
