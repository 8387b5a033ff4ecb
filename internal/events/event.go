package events

import (
	"strings"
	"time"
)

// State is where an event is in its lifecycle.
type State string

// The states. Returned and reopened are actions, not states: a returned
// event is reported again, a reopened one dispatched again.
const (
	Reported   State = "reported"   // 已上报: waiting for the dispatcher
	Dispatched State = "dispatched" // 已分拨: sent to a department or a grid worker
	Accepted   State = "accepted"   // 已受理: the assignee took it on
	Handled    State = "handled"    // 已处置: the assignee reported the result
	Verified   State = "verified"   // 已核查: the grid worker or reporter confirmed it
	Closed     State = "closed"     // 已办结
)

// States lists the states in lifecycle order.
var States = []State{Reported, Dispatched, Accepted, Handled, Verified, Closed}

// ValidState reports whether s is a state.
func ValidState(s State) bool {
	for _, x := range States {
		if x == s {
			return true
		}
	}
	return false
}

// Open reports whether the event is still being handled.
func (s State) Open() bool { return s != Closed }

// Source is how an event reached the platform.
type Source string

// The sources.
const (
	SourceWeb        Source = "web"        // the report page
	SourceAPI        Source = "api"        // POST /api/v1/events
	SourceBatch      Source = "batch"      // POST /api/v1/events:batch (patrol devices)
	SourceOpen311    Source = "open311"    // Open311 GeoReport v2
	SourceSimulation Source = "simulation" // pengcheng events simulate
)

// ValidSource reports whether s is a source.
func ValidSource(s Source) bool {
	switch s {
	case SourceWeb, SourceAPI, SourceBatch, SourceOpen311, SourceSimulation:
		return true
	}
	return false
}

// Zone is the zone of a specialised layer an event lies in.
type Zone struct {
	Layer string // police, fire, safety …
	Code  string // the zone's code within the layer
}

// Event is one reported matter and where it is in its lifecycle.
type Event struct {
	ID          string
	Code        string // human number: YYYYMMDD (China time of receipt) + daily sequence, e.g. 20260315000123
	Category    string
	Description string
	Address     string
	Lon, Lat    float64 // WGS84
	// Cell is the finest grid cell containing the point (the micro-grid);
	// Chain lists the cells from the top level down to it.
	Cell   string
	Chain  []string
	Street string // the street (街道) cell of the chain, "" if none
	Zones  []Zone // one per specialised layer covering the point
	Photos []string

	// Routing suggestion made on report, with its reason.
	RouteDept   string
	RouteZone   string
	RouteReason string

	ReporterID   string // account or client id; "" for anonymous
	ReporterName string
	ReporterKind ActorKind
	ClientRef    string // the reporter's own reference (idempotency key), "" if none
	Source       Source

	State          State
	AssigneeDept   string
	AssigneeZone   string
	AssigneeWorker string // account id of a grid worker the event is dispatched to
	// Escalation counts the levels the event went up its chain: 0 at the
	// micro-grid, 1 at the community … EscalatedTo is that cell's code.
	Escalation  int
	EscalatedTo string
	Overdue     bool
	// SimilarTo is an open event of the same category nearby, flagged on
	// report as a possible duplicate; DuplicateOf is the event this one was
	// merged into.
	SimilarTo   string
	DuplicateOf string

	ReportedAt time.Time // when it was seen (a device may report later)
	ReceivedAt time.Time // when the platform stored it
	DueAt      time.Time // ReportedAt + the category's SLA
	EscalateAt time.Time // the next escalation; zero when none is due (closed, merged, at the top)
	ClosedAt   time.Time
	UpdatedAt  time.Time
	Version    int
	Steps      int  // entries in the trace
	Synthetic  bool // generated (simulation, demo), not real
}

// ChainString is the event's chain as stored: codes joined by "/".
func (e *Event) ChainString() string { return strings.Join(e.Chain, "/") }

// Zone returns the code of the event's zone in layer, or "".
func (e *Event) Zone(layer string) string {
	for _, z := range e.Zones {
		if z.Layer == layer {
			return z.Code
		}
	}
	return ""
}

// OverdueAt reports whether the event is, or was when it closed, past its
// due time at now.
func (e *Event) OverdueAt(now time.Time) bool {
	if e.Overdue {
		return true
	}
	if !e.ClosedAt.IsZero() {
		return e.ClosedAt.After(e.DueAt)
	}
	return now.After(e.DueAt)
}

// HandlingTime is the time from report to closure (zero while open).
func (e *Event) HandlingTime() time.Duration {
	if e.ClosedAt.IsZero() {
		return 0
	}
	return max(e.ClosedAt.Sub(e.ReportedAt), 0)
}

// clone returns a copy of e that shares no slices with it.
func (e *Event) clone() *Event {
	c := *e
	c.Chain = append([]string(nil), e.Chain...)
	c.Zones = append([]Zone(nil), e.Zones...)
	c.Photos = append([]string(nil), e.Photos...)
	return &c
}

// Step is one entry of an event's trace.
type Step struct {
	EventID   string
	Seq       int // 1 for the report, then in order
	Action    ActionKind
	From, To  State
	ActorID   string
	ActorName string
	ActorRole string // the role the actor acted in: reporter, dispatcher, department, grid_worker, system …
	At        time.Time
	// Where the actor was (for a report, the event's location); nil when
	// unknown.
	Where      *Point
	Note       string
	Department string // dispatch: the department; return: the one returning
	Zone       string
	Worker     string // dispatch: the grid worker
	Target     string // merge: the event merged into; escalate: the cell escalated to
	Photos     []string
}

// Point is a WGS84 position.
type Point struct{ Lon, Lat float64 }

// Change is what the service publishes after a commit: the event as it is
// now and the action that made it so.
type Change struct {
	Action ActionKind
	Event  *Event
	At     time.Time
}

// Filter selects events. Zero fields do not filter.
type Filter struct {
	States   []State
	Category string // a category, or a parent and all its subcategories
	// Categories is Category resolved by the service to the codes it
	// covers; the store filters on it.
	Categories []string
	// Grid selects the events in this cell (any level). The service passes
	// the store the cell's chain (codes from the top down joined by "/"),
	// and in Street the street of the chain, if it has one.
	Grid       string
	Street     string
	Department string // assigned to this department
	Worker     string // assigned to this grid worker
	Reporter   string // reported by this account
	Since      time.Time
	Until      time.Time
	Overdue    bool // only overdue ones
	// Queue selects the dispatcher's queue: reported and not merged.
	Queue bool
	// Synthetic: "" for all, "only" or "none".
	Synthetic string
	Offset    int
	Limit     int // defaults to 50, at most 5,000
}

// Page is one page of events, newest reported first.
type Page struct {
	Events []*Event
	More   bool // there are more after this page
}
