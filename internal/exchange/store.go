package exchange

import (
	"context"
	"time"
)

// Store persists records with their versions, policies and the access
// log. Finders return errs.NotFound for unknown ids.
type Store interface {
	// ImportRecords applies drafts to dataset in one transaction: a draft
	// whose key is new becomes version 1; one whose hash differs from the
	// current version's becomes the next version (the old one is kept);
	// one whose hash is the same changes nothing. Drafts have distinct
	// keys. Imports of the same dataset are serialised. source and now are
	// recorded on the versions written.
	ImportRecords(ctx context.Context, dataset string, drafts []*Draft, source string, now time.Time) (ImportCounts, error)
	// FindRecords returns the current versions of the records that match
	// any of the queries, in one round trip.
	FindRecords(ctx context.Context, qs []RecordQuery) ([]*Record, error)
	// FindRecordVersion returns one version of a record of dataset.
	FindRecordVersion(ctx context.Context, dataset, id string, version int) (*Record, error)
	// CountRecords returns how many records each dataset holds.
	CountRecords(ctx context.Context) (map[string]int, error)

	// CreatePolicy stores a new policy (version 1). It returns
	// errs.Conflict when an unrevoked policy of the department on the
	// dataset has the same purpose, and an errs.Invalid error on field
	// "department" when the department does not exist.
	CreatePolicy(ctx context.Context, p *Policy) error
	// UpdatePolicy replaces the stored policy p.ID whose version is
	// p.Version-1 (errs.Conflict when another change came first, or when
	// the purpose clashes as in CreatePolicy).
	UpdatePolicy(ctx context.Context, p *Policy) error
	FindPolicy(ctx context.Context, id string) (*Policy, error)
	// PolicyRevision returns a number that CreatePolicy and UpdatePolicy
	// increase in the same transaction as their change.
	PolicyRevision(ctx context.Context) (int64, error)
	// FindPolicies lists the matching policies by department, dataset and
	// purpose.
	FindPolicies(ctx context.Context, f PolicyFilter) ([]*Policy, error)

	// AppendEntries appends entries to the access log in one transaction,
	// in order: it takes the log's head (locking it against other appends,
	// from any instance), gives each entry the next number, seals it with
	// [Entry.Seal] on the previous hash, stores it, and moves the head.
	AppendEntries(ctx context.Context, entries []*Entry) error
	// FindEntries returns one page of the matching entries, newest first,
	// with their departments' names, and how many match in all.
	FindEntries(ctx context.Context, f EntryFilter) ([]*Entry, int, error)
	// ScanEntries returns up to limit entries with numbers above after, in
	// order, as stored (for verification).
	ScanEntries(ctx context.Context, after int64, limit int) ([]*Entry, error)
	// LogHead returns the number and hash of the last entry appended (0
	// and GenesisHash for an empty log).
	LogHead(ctx context.Context) (seq int64, hash string, err error)
}
