-- +goose Up
-- Outgoing messages (SMS, e-mail, in-app), written in the same transaction
-- as the work that causes them and delivered by a channel afterwards.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    channel    TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'inapp')),
    recipient  TEXT NOT NULL,
    account_id TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    purpose    TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    sent_at    TIMESTAMP
);
CREATE INDEX notifications_created ON notifications (created_at);
CREATE INDEX notifications_status ON notifications (status, created_at);
CREATE INDEX notifications_account ON notifications (account_id, created_at);

-- +goose Down
DROP TABLE notifications;
