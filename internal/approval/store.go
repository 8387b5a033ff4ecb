package approval

import (
	"context"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// Status is where a rule set version stands.
type Status string

// The statuses of a rule set version.
const (
	Draft     Status = "draft"     // being written; at most one per item
	Published Status = "published" // the newest published version decides
	Retired   Status = "retired"   // replaced by a newer published version
)

// RuleSet is one version of a service item's rules.
type RuleSet struct {
	ItemCode string
	Version  int
	Name     string
	Source   string // the YAML document
	Status   Status
	Note     string // what changed, by the author

	CreatedBy, CreatedByName string
	CreatedAt, UpdatedAt     time.Time
	// TestedAt is the last test run of this version's current source;
	// zero until tested. Publishing needs one.
	TestedAt    time.Time
	TestSummary string

	PublishedBy, PublishedByName string
	PublishedAt                  time.Time
}

// ReadRecord is one registry read of a decision, as recorded.
type ReadRecord struct {
	Name    string `json:"name"`
	Dataset string `json:"dataset"`
	Subject string `json:"subject,omitempty"`
	Key     string `json:"key,omitempty"`
	Skipped bool   `json:"skipped,omitempty"`
	// Unavailable says why the read could not be made or was refused.
	Unavailable string `json:"unavailable,omitempty"`
	// Records are the versions read (none when the registry has none).
	Records []exchange.RecordRef `json:"records"`
	// LogSeq is the access log entry of the read.
	LogSeq int64 `json:"log_seq,omitempty"`
}

// Decision is the record of an evaluation that decided an application.
type Decision struct {
	ID             string
	ItemCode       string
	RuleSetVersion int
	ApplicationID  string
	Serial         string
	Outcome        Outcome
	Input          Input
	Reads          []ReadRecord
	Rules          []RuleResult
	DecidedAt      time.Time
	// Timing in microseconds: the registry reads, the rules, the whole
	// evaluation.
	ReadMicros, EvalMicros, TotalMicros int64
}

// Recording is everything a decision changes, stored in one transaction:
// the application (new, or updated from FromVersion) with its events, the
// decision record, the hand-over application if any, and the notices.
type Recording struct {
	App *cases.Application
	// FromVersion is the stored version App replaces; 0 inserts App (and
	// draws its serial number).
	FromVersion int
	Events      []*cases.Event
	Decision    *Decision
	// Handover is the linked application of another department, with its
	// events; Transfer, the last event of App, records the hand-over and
	// gets the new serial number as its detail.
	Handover       *cases.Application
	HandoverEvents []*cases.Event
	Transfer       *cases.Event
	// HandoverDepartment is the name of the department it goes to.
	HandoverDepartment string
	// Notices returns the notices once the serial numbers are known.
	Notices func(r *Recording) []*notify.Message
}

// Store persists rule sets and decisions. Finders return errs.NotFound.
type Store interface {
	// CreateRuleSet stores a new version (rs.Version must be the next);
	// errs.Conflict when the version exists or the item has a draft.
	CreateRuleSet(ctx context.Context, rs *RuleSet) error
	// UpdateDraft replaces a draft's name, source, note and test fields;
	// errs.Conflict when it is no longer a draft.
	UpdateDraft(ctx context.Context, rs *RuleSet) error
	// DeleteDraft removes a draft version.
	DeleteDraft(ctx context.Context, itemCode string, version int) error
	// Publish makes the draft version published and the previously
	// published one retired, at once; errs.Conflict when it is not a
	// draft.
	Publish(ctx context.Context, itemCode string, version int, by, byName string, at time.Time) error
	FindRuleSet(ctx context.Context, itemCode string, version int) (*RuleSet, error)
	// LatestPublished returns the item's published version, or
	// errs.NotFound.
	LatestPublished(ctx context.Context, itemCode string) (*RuleSet, error)
	// ListRuleSets returns an item's versions, newest first; with
	// itemCode "" the newest version of every item.
	ListRuleSets(ctx context.Context, itemCode string) ([]*RuleSet, error)

	// Record stores a recording in one transaction (possibly shared with
	// other recordings: group commit), filling in the serial numbers.
	Record(ctx context.Context, r *Recording) error
	FindDecision(ctx context.Context, id string) (*Decision, error)
	// FindDecisions returns an application's decisions, oldest first.
	FindDecisions(ctx context.Context, applicationID string) ([]*Decision, error)
}
