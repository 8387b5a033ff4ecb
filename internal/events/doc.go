// Package events is grid governance's event handling (网格事件): what grid
// workers, citizens, departments' systems and patrol devices report — a
// blocked fire exit, a broken manhole cover, unpaid wages — placed in its
// micro-grid and specialised zones, routed to the responsible department,
// dispatched, handled, verified and closed, with a full trace, SLAs,
// escalation up the grid hierarchy, duplicate merging and live statistics.
//
// The package holds the domain and the [Service]; it does no SQL and no
// HTTP. Storage is the [Store] interface (implemented in eventssql); the
// pages, the JSON API and the live stream live in eventsweb.
//
// # Categories
//
// A [Category] (城市管理 › 占道经营 …) names the department responsible, the
// specialised layer whose zones route it (police, fire, safety, or none)
// and its SLA in hours. [DefaultCategories] are seeded into an empty
// database; platform admins edit them ([Service.SaveCategory]).
//
// # Lifecycle
//
//	reported ──dispatch──▶ dispatched ──accept──▶ accepted ──handle──▶ handled ──verify──▶ verified ──close──▶ closed
//	   ▲  ◀──return (misrouted)── dispatched/accepted            │
//	   │                          dispatched ◀──reopen (verification failed)──┘
//	   └─ merge (into another event), escalate (any open state), close (dispatcher: nothing to do)
//
// Every change is one [Step] of the event's trace: who, when, where, what,
// with photos. [Service.Act] applies one or more [Action]s to an event in
// one transaction, refusing illegal transitions and unauthorised actors
// (errs.Conflict, errs.Forbidden) without changing anything; changes are
// optimistic (the event's version), so two people acting at once cannot
// both win.
//
// Routing is explainable: on report the service records the department
// and zone it suggests and why (the category's department, the zone of the
// category's layer at the event's location, or the street for categories
// without a layer); the dispatcher follows or overrides it.
//
// # SLA timers
//
// An open event's due time and its next escalation time are columns of the
// event, so timers survive restarts. [Service.Sweep] (called from the
// platform's housekeeping) escalates every event whose escalation time has
// passed one level up its grid chain (micro-grid → community → street →
// district) and marks it overdue; each escalation is conditional on the
// event's version, so sweeps running twice, or on two instances at once,
// escalate once.
//
// # Statistics
//
// Aggregates are kept up to date in the same transaction as each change,
// never computed by scanning events: per grid cell of every level of an
// event's chain, per day (China time) of its report, per category — counts
// reported, closed and overdue, the sum of handling seconds, and a
// histogram of handling times in √2-spaced buckets from which the median is
// estimated ([Histogram]). [Service.Stats] sums those rows.
//
// # Live changes
//
// After each commit the service publishes the changed events to its
// [Broker]; the command-centre map's stream subscribes to it.
package events
