package insights

import (
	"context"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
)

// Window is the half-open interval of time [From, To).
type Window struct {
	From time.Time
	To   time.Time
}

// Last returns the window of length d ending at now.
func Last(d time.Duration, now time.Time) Window {
	return Window{From: now.Add(-d).UTC(), To: now.UTC()}
}

// ItemCount is how many applications an item received.
type ItemCount struct {
	ItemCode     string
	Applications int
}

// CoCounts are the applicant counts behind "people who applied for X also
// applied for Y", over the distinct applicants with an application in a
// window.
type CoCounts struct {
	Applicants int // distinct applicants with any application
	WithItem   int // of them, those who applied for X
	// Others are the other items that applicants of X applied for.
	Others []CoCount
}

// CoCount counts the applicants of one other item Y.
type CoCount struct {
	ItemCode string
	Both     int // applicants who applied for X and for Y
	WithItem int // applicants who applied for Y
}

// Precedence counts the applicants who first applied for item First
// before they first applied for item Then.
type Precedence struct {
	First      string
	Then       string
	Applicants int
}

// Applicant names whose applications to read: an account, and the
// identity number or credit code under which others may have filed for
// it (at a window, as an agent). Either may be empty.
type Applicant struct {
	AccountID string
	Number    string
}

// Applied is an item someone applied for, as their latest application for
// it stands.
type Applied struct {
	ItemCode    string
	State       string // the latest application's state (cases.State)
	First       time.Time
	Latest      time.Time
	Application int // how many applications for the item
}

// GroupStats are the counts behind the applications' indicators of one
// department (Department "" for the total of the selection) in a window:
// submissions are those submitted in it, decisions those decided in it.
type GroupStats struct {
	Department      string
	Submitted       int // applications submitted
	SubmittedOnline int // of them, through the web portal or the mobile app
	Decided         int // applications decided (approved, rejected or not accepted)
	// DecidedOnline counts the decided applications that needed no visit
	// in person: submitted online or by mobile, with the result posted or
	// electronic rather than collected at a hall.
	DecidedOnline int
	WithDeadline  int // decided applications that had a deadline (had been accepted)
	OnTime        int // of them, decided by the deadline
	// MedianSeconds is the median time from submission to decision of
	// the decided applications; 0 when none was decided.
	MedianSeconds float64
}

// DayCount counts one China-time day's submissions and decisions.
type DayCount struct {
	Day             string // YYYY-MM-DD, China time
	Submitted       int
	SubmittedOnline int
	Decided         int
}

// Store runs the aggregate queries over the applications. Every method
// groups and counts in the database; none returns applications one by
// one. Windows are on submission time unless said otherwise.
type Store interface {
	// ItemCounts counts the applications submitted in w per item, of
	// department ("" for all), most first and then by item code, at
	// most limit items (0 for all).
	ItemCounts(ctx context.Context, w Window, department string, limit int) ([]ItemCount, error)
	// CoApplicants counts, over the distinct applicants with an
	// application submitted in w, those who applied for item, and for
	// every other item that one of them applied for in w, how many
	// applied for it and how many for both. Others are in no particular
	// order.
	CoApplicants(ctx context.Context, item string, w Window) (CoCounts, error)
	// Precedences counts, for every ordered pair of the given items, the
	// applicants whose first application in w for the first item was
	// submitted before their first for the second. Pairs nobody ordered
	// are left out.
	Precedences(ctx context.Context, items []string, w Window) ([]Precedence, error)
	// History lists the items that a applied for (as applicant) in w,
	// most recent first.
	History(ctx context.Context, a Applicant, w Window) ([]Applied, error)
	// ApplicationStats returns the indicators' counts of department ("" for
	// every department) in w: one row per department with any submission
	// or decision in w, by code, then the total row (Department "").
	// Submissions are counted by submission time, decisions by decision
	// time.
	ApplicationStats(ctx context.Context, w Window, department string) ([]GroupStats, error)
	// DailyCounts counts submissions and decisions of department ("" for
	// all) per China-time day of w, by day; days without any are left out.
	DailyCounts(ctx context.Context, w Window, department string) ([]DayCount, error)
}

// Catalog reads the service catalogue; catalog.Service implements it.
type Catalog interface {
	// Revision increases with every change of the catalogue.
	Revision(ctx context.Context) (int64, error)
	Items(ctx context.Context, f catalog.ItemFilter) ([]*catalog.Item, int, error)
	Themes(ctx context.Context) ([]*catalog.Theme, error)
	Departments(ctx context.Context) ([]*catalog.Department, error)
	Shares(ctx context.Context, department string) (catalog.Shares, error)
}

// Label is a short text in Chinese and English, for lines the domain
// builds.
type Label struct {
	ZH string
	EN string
}

// In returns the label in lang ("en", or Chinese for anything else).
func (l Label) In(lang string) string {
	if lang == "en" && l.EN != "" {
		return l.EN
	}
	return l.ZH
}
