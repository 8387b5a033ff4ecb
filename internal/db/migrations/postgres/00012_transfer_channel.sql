-- +goose Up
-- Applications handed over by another department's approval come through
-- the channel 'transfer' (部门移交).
ALTER TABLE applications DROP CONSTRAINT applications_channel_check;
ALTER TABLE applications ADD CONSTRAINT applications_channel_check
    CHECK (channel IN ('online', 'window', 'mobile', 'transfer'));

-- +goose Down
-- The channel constraint is left wider: narrowing it would fail on
-- handed-over applications.
SELECT 1;
