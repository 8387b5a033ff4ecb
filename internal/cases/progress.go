package cases

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Progress is what anybody may learn of an application with its serial
// number and the last four characters of the applicant's identity number
// (or credit code): where it stands and its steps, without personal data
// (no names, numbers, reasons, addresses or tracking numbers).
type Progress struct {
	Serial         string
	ItemCode       string
	ItemName       string
	Department     string // code
	DepartmentName string
	State          State
	Channel        Channel
	SubmittedAt    time.Time
	AcceptedAt     time.Time
	DueAt          time.Time
	DecidedAt      time.Time
	Delivery       DeliveryMethod
	Shipment       ShipmentStatus
	Steps          []Step
}

// Step is one state change in a Progress.
type Step struct {
	At     time.Time
	Action Action
	From   State
	To     State
}

// Progress looks an application up by serial number and the last four
// characters of the applicant's identity number or credit code. A wrong
// pair gets the same errs.NotFound as a serial number nobody has, so the
// look-up tells nothing about applications one does not know both of.
// Each client address may look up ProgressLimit times per ProgressWindow
// (errs.TooManyRequests beyond), counted in the database so that every
// instance shares the count.
func (s *Service) Progress(ctx context.Context, c identity.Client, serial, last4 string) (*Progress, error) {
	if s.d.Throttle != nil {
		n, err := s.d.Throttle.Hit(ctx, "progress:ip:"+c.IP, s.d.ProgressWindow, s.now())
		if err != nil {
			return nil, fmt.Errorf("count progress look-ups: %w", err)
		}
		if n > s.d.ProgressLimit {
			return nil, errs.E(errs.TooManyRequests, "progress.throttled", "查询过于频繁，请稍后再试",
				"too many look-ups; please try again later")
		}
	}
	last4 = strings.ToUpper(strings.TrimSpace(last4))
	if len(last4) != 4 {
		return nil, errs.Field("id4", "progress.id4", "请填写申请人证件号码的后四位", "enter the last four characters of the applicant's identity number or credit code")
	}
	if _, err := ParseSerial(serial); err != nil {
		return nil, err
	}
	app, err := s.d.Store.FindApplicationBySerial(ctx, NormalizeSerial(serial))
	if errs.Is(err, errs.NotFound) {
		return nil, errNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("find application %s: %w", serial, err)
	}
	num := app.Applicant.Number
	if len(num) < 4 || subtle.ConstantTimeCompare([]byte(strings.ToUpper(num[len(num)-4:])), []byte(last4)) != 1 {
		return nil, errNotFound()
	}
	return s.progressOf(ctx, app)
}

// progressOf builds the public view of app.
func (s *Service) progressOf(ctx context.Context, app *Application) (*Progress, error) {
	trace, err := s.d.Store.FindEvents(ctx, app.ID)
	if err != nil {
		return nil, fmt.Errorf("trace of %s: %w", app.Serial, err)
	}
	p := &Progress{Serial: app.Serial, ItemCode: app.ItemCode, ItemName: app.ItemName, Department: app.Department,
		State: app.State, Channel: app.Channel, SubmittedAt: app.SubmittedAt, AcceptedAt: app.AcceptedAt,
		DueAt: app.DueAt, DecidedAt: app.DecidedAt, Delivery: app.Delivery.Method, Shipment: app.Delivery.Status}
	if d, err := s.d.Catalog.FindDepartment(ctx, app.Department); err == nil {
		p.DepartmentName = d.Name
	}
	for _, e := range trace {
		if e.From != e.To || e.Action == ActShip || e.Action == ActTrack {
			p.Steps = append(p.Steps, Step{At: e.At, Action: e.Action, From: e.From, To: e.To})
		}
	}
	return p, nil
}
