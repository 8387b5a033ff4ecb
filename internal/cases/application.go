package cases

import (
	"context"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// Channel is how an application reached the platform.
type Channel string

// The channels.
const (
	Online Channel = "online" // the web portal (网上办理)
	Window Channel = "window" // a service-hall window: staff submit for a visitor (窗口办理)
	Mobile Channel = "mobile" // the mobile app or mini-program (掌上办理)
	// Transfer: another department's approved application handed over
	// (部门移交), filed by the platform with the approved data.
	Transfer Channel = "transfer"
)

// Channels lists the channels.
var Channels = []Channel{Online, Window, Mobile, Transfer}

// Representation says who acts for the applicant.
type Representation string

// The kinds of representation.
const (
	Self         Representation = "self"       // a person applies for themselves
	ForCompany   Representation = "enterprise" // an enterprise applies through its staff (today: its own account)
	ThroughAgent Representation = "agent"      // a person applies for another person, with a mandate (委托书)
)

// Party is an applicant or an agent.
type Party struct {
	Kind      catalog.ApplicantKind // person or enterprise
	Name      string
	Number    string // a person's resident identity number, an enterprise's credit code
	AccountID string // the party's account, when it has one
}

// MaterialKind is how a material is supplied.
type MaterialKind string

// The kinds of material supply, matching catalog.MaterialSource.
const (
	ByUpload   MaterialKind = "upload"   // a file the applicant uploaded
	ByLicence  MaterialKind = "licence"  // an electronic licence from the licence library (not yet available)
	ByExchange MaterialKind = "exchange" // a record another department supplies (由部门共享获取)
)

// MandateMaterial is the material an agent adds to prove their mandate.
const MandateMaterial = "授权委托书"

// Attachment is one material of an application as supplied.
type Attachment struct {
	Material string       `json:"material"` // the item's material name, or MandateMaterial
	Kind     MaterialKind `json:"kind"`
	// Upload: the stored file.
	SHA256      string `json:"sha256,omitempty"`
	FileName    string `json:"file_name,omitempty"`
	Size        int64  `json:"size,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	// LicenceRef names an electronic licence (kind licence).
	LicenceRef string `json:"licence_ref,omitempty"`
	// RecordRef names the registry record once the department fetched it
	// (kind exchange); empty until then.
	RecordRef string `json:"record_ref,omitempty"`
}

// DeliveryMethod is how the applicant receives the result.
type DeliveryMethod string

// The delivery methods.
const (
	Pickup     DeliveryMethod = "pickup"     // collected at a service hall (窗口领取)
	Post       DeliveryMethod = "post"       // sent by post (EMS 快递到家)
	Electronic DeliveryMethod = "electronic" // items without a paper result: notified online
)

// ShipmentStatus is where a posted result is.
type ShipmentStatus string

// The shipment statuses.
const (
	NotShipped ShipmentStatus = ""            // not handed to the courier yet
	HandedOver ShipmentStatus = "handed_over" // 已交寄
	InTransit  ShipmentStatus = "in_transit"  // 运输中
	OutForDrop ShipmentStatus = "delivering"  // 派送中
	Received   ShipmentStatus = "delivered"   // 已签收
	Returned   ShipmentStatus = "returned"    // 退回 (failed delivery)
)

// ShipmentStatuses lists the statuses a courier reports, in order.
var ShipmentStatuses = []ShipmentStatus{HandedOver, InTransit, OutForDrop, Received, Returned}

// Delivery is the applicant's choice of how to receive the result, and
// the shipment's progress.
type Delivery struct {
	Method DeliveryMethod
	Hall   string // pickup: the hall's code
	// Post: the address.
	Recipient string
	Phone     string
	Address   string
	Postcode  string
	// Post: the shipment.
	Courier    string // the courier adapter's name, e.g. "manual"
	TrackingNo string
	Status     ShipmentStatus
	StatusAt   time.Time
}

// Application is one application (办件) for a service item.
type Application struct {
	ID         string
	Serial     string // the unified serial number, given at submission
	ItemCode   string
	ItemName   string // the item's name at submission
	Department string // the handling department's code
	Region     string // GB/T 2260 code in the serial number
	// Origin is, for a handed-over application (channel Transfer), the
	// serial number of the application it continues.
	Origin string
	// PromisedDays is the item's promised time limit in working days at
	// submission (0: handled at once, 即办).
	PromisedDays int
	State        State
	Channel      Channel

	Representation Representation
	Applicant      Party
	Agent          Party  // for ThroughAgent: the person who applied for the applicant
	FiledBy        string // the account that submitted: the applicant, the agent or a window clerk
	FiledByName    string
	ContactPhone   string // where SMS notices go

	Form        map[string]string // the item's form fields, validated
	Materials   []Attachment
	Corrections []string // while in Correction: what the applicant must fix
	Delivery    Delivery

	Assignee     string // the caseworker who has it, "" when unclaimed
	AssigneeName string

	SubmittedAt time.Time
	AcceptedAt  time.Time // zero until accepted
	DueAt       time.Time // the promised deadline, set at acceptance
	DecidedAt   time.Time // when approved, rejected or not accepted
	ClosedAt    time.Time // when it reached a final state
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Version counts the application's changes, from 1; every change adds
	// one and writes an Event with the same number.
	Version int
}

// Event is one entry of an application's trace: who did what, when, from
// which state to which, and why.
type Event struct {
	ID            string
	ApplicationID string
	Seq           int // the application's Version after the event
	At            time.Time
	ActorID       string // "" for the system
	ActorName     string
	Role          Role
	Action        Action
	From          State
	To            State
	Reason        string   // reasons for refusals and rejections, notes
	Items         []string // the correction checklist of a return
	Detail        string   // e.g. the new assignee, the tracking number
}

// Sort orders lists of applications.
type Sort string

// The orders.
const (
	NewestFirst Sort = ""    // by submission time, newest first
	DueFirst    Sort = "due" // by deadline, earliest first, those without one last
)

// Filter selects applications. Zero fields do not filter.
type Filter struct {
	Department string  // handling department
	Party      string  // an account: applications it applied for or filed
	States     []State // any of these states
	ItemCode   string
	Assignee   string
	Serial     string    // exact serial number
	DueFrom    time.Time // deadline at or after
	DueBefore  time.Time // deadline before
	Sort       Sort
	Offset     int
	Limit      int // defaults to 50, at most 500
}

// NoticeFunc returns the notices of a new application, called by the
// store inside the transaction once app has its serial number.
type NoticeFunc func(app *Application) []*notify.Message

// Store persists applications and their traces. Finders return
// errs.NotFound for unknown applications.
type Store interface {
	// CreateApplication gives app the next serial number of its Region on
	// the China-time day of its SubmittedAt, drawn from a database
	// counter in the same transaction, and stores app with its events.
	// The notices that notices returns once app has its serial number are
	// enqueued in the same transaction.
	CreateApplication(ctx context.Context, app *Application, events []*Event, notices ...NoticeFunc) error
	FindApplication(ctx context.Context, id string) (*Application, error)
	FindApplicationBySerial(ctx context.Context, serial string) (*Application, error)
	// FindApplications returns one page of the applications matching f
	// and how many match in all.
	FindApplications(ctx context.Context, f Filter) ([]*Application, int, error)
	// UpdateApplication replaces the stored application whose version is
	// app.Version-1 with app and appends ev (whose Seq is app.Version);
	// errs.Conflict when the stored version differs (someone else changed
	// it first), in which case nothing changes.
	// msgs are notices enqueued in the same transaction.
	UpdateApplication(ctx context.Context, app *Application, ev *Event, msgs ...*notify.Message) error
	// FindEvents returns an application's trace in order.
	FindEvents(ctx context.Context, applicationID string) ([]*Event, error)
}
