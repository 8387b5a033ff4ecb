-- +goose Up
-- Relying parties of the OpenID Connect provider (departments' systems).
-- A confidential client's secret is a high-entropy random string of which
-- only the SHA-256 is kept; public clients have no secret and must use PKCE.
-- Lists (URIs, scopes, grant types) are space-separated: none of their
-- items may contain a space.
CREATE TABLE sso_clients (
    id                        TEXT PRIMARY KEY,
    secret_hash               TEXT NOT NULL DEFAULT '',
    name                      TEXT NOT NULL,
    department_code           TEXT REFERENCES departments (code),
    redirect_uris             TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL DEFAULT '',
    scopes                    TEXT NOT NULL,
    grant_types               TEXT NOT NULL,
    public                    BOOLEAN NOT NULL DEFAULT FALSE,
    disabled                  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at                TIMESTAMPTZ NOT NULL,
    updated_at                TIMESTAMPTZ NOT NULL
);

-- Authorization requests in flight, from /oauth/authorize until the code is
-- exchanged. account_id and auth_time are set once the person signed in;
-- code_hash once the code was issued, code_used_at when it was redeemed.
CREATE TABLE sso_auth_requests (
    id                    TEXT PRIMARY KEY,
    client_id             TEXT NOT NULL REFERENCES sso_clients (id) ON DELETE CASCADE,
    redirect_uri          TEXT NOT NULL,
    scopes                TEXT NOT NULL,
    state                 TEXT NOT NULL DEFAULT '',
    nonce                 TEXT NOT NULL DEFAULT '',
    response_type         TEXT NOT NULL,
    response_mode         TEXT NOT NULL DEFAULT '',
    prompt                TEXT NOT NULL DEFAULT '',
    max_age               INTEGER,
    login_hint            TEXT NOT NULL DEFAULT '',
    hint_subject          TEXT NOT NULL DEFAULT '',
    ui_locales            TEXT NOT NULL DEFAULT '',
    code_challenge        TEXT NOT NULL DEFAULT '',
    code_challenge_method TEXT NOT NULL DEFAULT '',
    account_id            TEXT REFERENCES accounts (id) ON DELETE CASCADE,
    auth_time             TIMESTAMPTZ,
    amr                   TEXT NOT NULL DEFAULT '',
    code_hash             TEXT UNIQUE,
    code_used_at          TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL,
    expires_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX sso_auth_requests_expires ON sso_auth_requests (expires_at);

-- Opaque access tokens. The token a client holds is the sealed token id;
-- the row says whose it is and whether it still holds. grant_id groups the
-- tokens of one authorization (all refresh rotations of one login), so that
-- revoking a refresh token revokes everything issued with it.
CREATE TABLE sso_access_tokens (
    id         TEXT PRIMARY KEY,
    grant_id   TEXT NOT NULL,
    client_id  TEXT NOT NULL REFERENCES sso_clients (id) ON DELETE CASCADE,
    account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE,
    scopes     TEXT NOT NULL,
    audience   TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX sso_access_tokens_grant ON sso_access_tokens (grant_id);
CREATE INDEX sso_access_tokens_account ON sso_access_tokens (account_id, client_id);
CREATE INDEX sso_access_tokens_expires ON sso_access_tokens (expires_at);

-- Refresh tokens, rotated on every use: used_at marks a token that was
-- exchanged; presenting it again revokes its whole grant.
CREATE TABLE sso_refresh_tokens (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    grant_id   TEXT NOT NULL,
    client_id  TEXT NOT NULL REFERENCES sso_clients (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    scopes     TEXT NOT NULL,
    audience   TEXT NOT NULL,
    amr        TEXT NOT NULL DEFAULT '',
    auth_time  TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX sso_refresh_tokens_grant ON sso_refresh_tokens (grant_id);
CREATE INDEX sso_refresh_tokens_account ON sso_refresh_tokens (account_id, client_id);
CREATE INDEX sso_refresh_tokens_expires ON sso_refresh_tokens (expires_at);

-- RS256 signing keys. The key with the highest generation signs; a key
-- that a newer one replaced (retired_at set) stays published until the
-- tokens it signed have expired, then it is deleted. The unique generation
-- keeps two instances rotating at once from adding two keys.
CREATE TABLE sso_signing_keys (
    id          TEXT PRIMARY KEY,
    generation  INTEGER NOT NULL UNIQUE,
    algorithm   TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    retired_at  TIMESTAMPTZ
);

-- Secrets generated once and shared by every instance, e.g. the key that
-- seals access tokens and authorization codes.
CREATE TABLE sso_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- What a person allowed a relying party to receive.
CREATE TABLE sso_consents (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    client_id  TEXT NOT NULL REFERENCES sso_clients (id) ON DELETE CASCADE,
    scopes     TEXT NOT NULL,
    granted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, client_id)
);

-- Trusted upstream identity providers for cross-authentication (交叉认证).
CREATE TABLE sso_federation_providers (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    issuer          TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    client_secret   TEXT NOT NULL DEFAULT '',
    scopes          TEXT NOT NULL,
    id_number_claim TEXT NOT NULL,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- Which local account an upstream subject logs in as.
CREATE TABLE sso_federated_identities (
    provider_id   TEXT NOT NULL REFERENCES sso_federation_providers (id) ON DELETE CASCADE,
    subject       TEXT NOT NULL,
    account_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at    TIMESTAMPTZ NOT NULL,
    last_login_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider_id, subject)
);
CREATE INDEX sso_federated_identities_account ON sso_federated_identities (account_id);

-- Upstream logins in flight: the state (only its hash), nonce and PKCE
-- verifier sent to the upstream issuer, and where to go afterwards.
CREATE TABLE sso_federation_states (
    state_hash    TEXT PRIMARY KEY,
    provider_id   TEXT NOT NULL REFERENCES sso_federation_providers (id) ON DELETE CASCADE,
    nonce         TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    next          TEXT NOT NULL DEFAULT '/',
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX sso_federation_states_expires ON sso_federation_states (expires_at);

-- +goose Down
DROP TABLE sso_federation_states;
DROP TABLE sso_federated_identities;
DROP TABLE sso_federation_providers;
DROP TABLE sso_consents;
DROP TABLE sso_secrets;
DROP TABLE sso_signing_keys;
DROP TABLE sso_refresh_tokens;
DROP TABLE sso_access_tokens;
DROP TABLE sso_auth_requests;
DROP TABLE sso_clients;
