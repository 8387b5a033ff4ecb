-- +goose Up
-- The change feed of grid events: one row per write (a batch of reports,
-- an action), listing its changes as 'action id' pairs joined by ';'.
-- Instances (and the command-line simulation) follow it to publish other
-- writers' changes on their live streams and to keep their caches of
-- recent events current; rows older than a few minutes are deleted.
CREATE TABLE event_feed (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    origin  TEXT NOT NULL,
    at      TIMESTAMP NOT NULL,
    changes TEXT NOT NULL
);
CREATE INDEX event_feed_at ON event_feed (at);

-- Possible duplicates are found in memory (see events.Service); the
-- index of open events by category and latitude is not needed.
DROP INDEX events_similar;

-- The events of a cell are found through its street (ten places where
-- new events are appended, rather than one per micro-grid, which made
-- every batch of reports touch a page per report), then by chain.
DROP INDEX events_chain;
CREATE INDEX events_street ON events (street, reported_at);

-- +goose Down
DROP INDEX events_street;
CREATE INDEX events_chain ON events (chain, reported_at);
CREATE INDEX events_similar ON events (category, lat) WHERE state <> 'closed' AND duplicate_of = '';
DROP TABLE event_feed;
