package events

import (
	"context"
	"time"
)

// Item is one event's part of a [Store.Write]: a new event or a new
// version of a stored one, with its trace entries (after the report, which
// is the event's row) and the statistics it changes.
type Item struct {
	// New says Event is inserted (its Code is assigned by the store from
	// the daily sequence of the China day of ReceivedAt); otherwise it
	// replaces the stored event whose version is Event.Version-1.
	New   bool
	Event *Event
	Steps []*Step
	Stats []StatDelta
	// Optional items whose stored version differs are skipped, with their
	// steps and statistics, and marked Skipped (the SLA sweeper's
	// escalations); any other stale item fails the write with
	// errs.Conflict.
	Optional bool
	Skipped  bool
	// Action is the change the item makes, for the feed.
	Action ActionKind
	// Quiet items are left out of the change feed (generated history,
	// which live streams need not replay).
	Quiet bool
}

// StatDelta is a change of the aggregates of one grid cell, day and
// category.
type StatDelta struct {
	Grid     string
	Day      Day // of the event's report, China time
	Category string
	// Finest marks the event's own cell: its reports also count towards
	// the heat map.
	Finest   bool
	Reported int
	Closed   int
	Overdue  int
	Seconds  int64 // handling seconds of the closures
	Bucket   int   // the histogram bucket of a closure's handling time; -1 for none
}

// StatRow is the sum of the aggregates of one category in a period.
type StatRow struct {
	Category string
	Reported int64
	Closed   int64
	Overdue  int64
	Seconds  int64
	Hist     Histogram
}

// FeedEntry is one write in the change feed.
type FeedEntry struct {
	Seq     int64
	Origin  string // the service instance that wrote it
	At      time.Time
	Changes []FeedChange
}

// FeedChange is one event changed by a write.
type FeedChange struct {
	Action ActionKind
	ID     string
}

// HeatCell is how many events were reported in a cell in a period.
type HeatCell struct {
	Cell string
	N    int64
}

// Scope limits a listing to what an actor may see. All sees everything;
// otherwise an event is visible when it lies in one of Chains (chain
// prefixes of cells, with the street each lies in, or "", in Streets), is
// assigned to Department, or was reported by or assigned to Account.
type Scope struct {
	All        bool
	Chains     []string
	Streets    []string
	Department string
	Account    string
}

// Patrol is a grid worker's check-in (巡查打卡).
type Patrol struct {
	ID        string
	AccountID string
	Cell      string // the finest cell at the point, "" outside the grid
	Lon, Lat  float64
	At        time.Time
	Inside    bool // the point lies in one of the worker's cells
}

// Store persists categories, events with their traces and aggregates,
// grid workers' cells and patrols. Finders return errs.NotFound for
// unknown ids.
type Store interface {
	// Categories returns every category.
	Categories(ctx context.Context) ([]*Category, error)
	// SeedCategories inserts the categories whose codes are not stored,
	// returning how many.
	SeedCategories(ctx context.Context, cs []*Category) (int, error)
	// SaveCategory inserts c (Version 0) or replaces the stored category
	// of version c.Version; it sets c.Version to the new version.
	// errs.Conflict when the code is taken or the version is stale.
	SaveCategory(ctx context.Context, c *Category) error

	// Write applies items in one transaction: inserts, version-checked
	// updates, trace entries, aggregate changes, and one entry of the
	// change feed by origin listing the items written. Writes of single
	// items from concurrent callers may share a transaction (group
	// commit); every call returns once its items are durable.
	Write(ctx context.Context, origin string, items []*Item) error
	Event(ctx context.Context, id string) (*Event, error)
	EventByCode(ctx context.Context, code string) (*Event, error)
	// EventsByID returns the stored events among ids, in any order.
	EventsByID(ctx context.Context, ids []string) ([]*Event, error)
	// EventsByClientRef returns the events reporter reported with any of
	// refs, by ref.
	EventsByClientRef(ctx context.Context, reporter string, refs []string) (map[string]*Event, error)
	// Recent returns the open, unmerged events reported at or after
	// since, with ID, Category, Lon, Lat and ReportedAt only.
	Recent(ctx context.Context, since time.Time) ([]*Event, error)
	// Merged returns the open events merged into id.
	Merged(ctx context.Context, id string) ([]*Event, error)
	// Trace returns an event's stored steps in order (the report, step 1,
	// is the event's row itself).
	Trace(ctx context.Context, id string) ([]*Step, error)
	// List returns one page of the events that match f within scope,
	// newest reported first.
	List(ctx context.Context, f Filter, scope Scope) (Page, error)
	// DueForEscalation returns up to limit events whose escalation time is
	// at or before now, earliest first.
	DueForEscalation(ctx context.Context, now time.Time, limit int) ([]*Event, error)

	// Stats sums the aggregates of grid for the days from..to (inclusive),
	// per category.
	Stats(ctx context.Context, grid string, from, to Day) ([]StatRow, error)
	// HeatDays sums the reports per finest cell for the days from..to;
	// HeatMonths does so for whole months (Day values with day 0).
	HeatDays(ctx context.Context, from, to Day) ([]HeatCell, error)
	HeatMonths(ctx context.Context, from, to Day) ([]HeatCell, error)

	// FeedHead returns the sequence number of the newest feed entry (0
	// when empty).
	FeedHead(ctx context.Context) (int64, error)
	// Feed returns up to limit feed entries after seq, in order, and the
	// entries whose numbers are among also (gaps seen earlier that may
	// have committed since).
	Feed(ctx context.Context, after int64, also []int64, limit int) ([]FeedEntry, error)
	// TrimFeed deletes the feed entries written before a time.
	TrimFeed(ctx context.Context, before time.Time) error

	// SetWorkerCells replaces the cells a grid worker is assigned to.
	SetWorkerCells(ctx context.Context, account string, cells []string, by string, at time.Time) error
	WorkerCells(ctx context.Context, account string) ([]string, error)
	// CellWorkers returns the accounts assigned to any of cells.
	CellWorkers(ctx context.Context, cells []string) ([]string, error)
	AddPatrol(ctx context.Context, p *Patrol) error
	// Patrols returns a worker's check-ins since a time, newest first.
	Patrols(ctx context.Context, account string, since time.Time, limit int) ([]*Patrol, error)
}
