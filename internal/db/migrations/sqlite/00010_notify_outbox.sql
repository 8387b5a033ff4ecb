-- +goose Up
-- The notification outbox: a message is written (pending, due at
-- next_attempt_at) in the same transaction as the change that causes it, and
-- a dispatcher claims due messages under a lease (locked_until, lock_token),
-- delivers them through their channel and records each attempt. A message
-- with an idempotency key is stored at most once per key.
ALTER TABLE notifications ADD COLUMN idempotency_key TEXT;
ALTER TABLE notifications ADD COLUMN template TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN next_attempt_at TIMESTAMP;
ALTER TABLE notifications ADD COLUMN locked_until TIMESTAMP;
ALTER TABLE notifications ADD COLUMN lock_token TEXT;
-- via names what delivered the message: smpp, smtp, inbox, or outbox (kept
-- on the platform because no gateway is configured).
ALTER TABLE notifications ADD COLUMN via TEXT NOT NULL DEFAULT '';
-- provider_id is the gateway's id of the message (SMSC message ids of the
-- parts, comma-separated; the SMTP relay's queue reply).
ALTER TABLE notifications ADD COLUMN provider_id TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN read_at TIMESTAMP;
UPDATE notifications SET next_attempt_at = created_at WHERE status = 'pending';
CREATE UNIQUE INDEX notifications_idempotency ON notifications (idempotency_key);
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_inbox ON notifications (account_id, read_at);

-- One row per delivery attempt, for the administrators' view of retries.
-- outcome: sent, retry (a later attempt is scheduled), failed (given up),
-- abandoned (the worker's lease expired before it reported back).
CREATE TABLE notification_attempts (
    notification_id TEXT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    attempt         INTEGER NOT NULL,
    via             TEXT NOT NULL DEFAULT '',
    outcome         TEXT NOT NULL CHECK (outcome IN ('sent', 'retry', 'failed', 'abandoned')),
    error           TEXT NOT NULL DEFAULT '',
    started_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (notification_id, attempt)
);

-- The parts of a message that its gateway has accepted (an SMS longer than
-- one segment is sent as concatenated parts), each with the gateway's id. A
-- retry resends only the parts not listed here.
CREATE TABLE notification_parts (
    notification_id TEXT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    part            INTEGER NOT NULL,
    parts           INTEGER NOT NULL,
    provider_id     TEXT NOT NULL,
    accepted_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (notification_id, part)
);
CREATE INDEX notification_parts_provider ON notification_parts (provider_id);

-- Delivery receipts from the SMSC, keyed by its message id. They are kept
-- apart from the parts because a receipt may arrive before the part that
-- it reports on has been recorded.
CREATE TABLE notification_receipts (
    provider_id TEXT PRIMARY KEY,
    state       TEXT NOT NULL,
    error_code  TEXT NOT NULL DEFAULT '',
    done_at     TIMESTAMP,
    received_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE notification_receipts;
DROP TABLE notification_parts;
DROP TABLE notification_attempts;
DROP INDEX notifications_inbox;
DROP INDEX notifications_due;
DROP INDEX notifications_idempotency;
ALTER TABLE notifications DROP COLUMN read_at;
ALTER TABLE notifications DROP COLUMN provider_id;
ALTER TABLE notifications DROP COLUMN via;
ALTER TABLE notifications DROP COLUMN lock_token;
ALTER TABLE notifications DROP COLUMN locked_until;
ALTER TABLE notifications DROP COLUMN next_attempt_at;
ALTER TABLE notifications DROP COLUMN template;
ALTER TABLE notifications DROP COLUMN idempotency_key;
