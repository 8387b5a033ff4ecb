package cases

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Shipment is a result handed to a courier (EMS 快递到家).
type Shipment struct {
	Serial    string // the application's serial number, as the sender's reference
	Recipient string
	Phone     string
	Address   string
	Postcode  string
	// TrackingNo is the number staff read off the waybill, for couriers
	// whose waybills are filled in by hand (Manual); couriers with an API
	// issue their own and ignore it.
	TrackingNo string
}

// Courier hands results to a delivery company and reports where they
// are. An adapter for a courier's API implements it; [Manual] is the
// default.
type Courier interface {
	// Name identifies the courier on the application, e.g. "manual" or "ems".
	Name() string
	// Ship books the shipment and returns its tracking number. It returns
	// errs.Invalid for a shipment the courier refuses.
	Ship(ctx context.Context, s Shipment) (trackingNo string, err error)
	// Status returns the shipment's status, or NotShipped when the courier
	// cannot tell (then staff enter it).
	Status(ctx context.Context, trackingNo string) (ShipmentStatus, error)
}

// Manual is the courier adapter for hand-filled waybills: staff give the
// courier's tracking number when they hand the result over, and enter
// the delivery statuses in the console.
type Manual struct{}

var _ Courier = Manual{}

var trackingPattern = regexp.MustCompile(`^[A-Za-z0-9-]{6,40}$`)

// Name implements Courier.
func (Manual) Name() string { return "manual" }

// Ship implements Courier: the tracking number is the one staff typed,
// 6 to 40 letters, digits or hyphens (an EMS number looks like
// 1151234567890).
func (Manual) Ship(_ context.Context, s Shipment) (string, error) {
	n := strings.ToUpper(strings.TrimSpace(s.TrackingNo))
	if !trackingPattern.MatchString(n) {
		return "", errs.Field("tracking_no", "delivery.tracking_no", "请填写快递面单上的运单号（6至40位字母或数字）",
			"enter the tracking number from the waybill (6 to 40 letters or digits)")
	}
	return n, nil
}

// Status implements Courier: a hand-filled waybill cannot be tracked
// automatically.
func (Manual) Status(context.Context, string) (ShipmentStatus, error) { return NotShipped, nil }

var postcodePattern = regexp.MustCompile(`^[0-9]{6}$`)

// checkDelivery checks the applicant's choice of how to receive the
// result. Items without a paper result are delivered electronically,
// whatever was chosen.
func (s *Service) checkDelivery(it *catalog.Item, in Delivery) (Delivery, error) {
	if !s.d.PhysicalResult(it) {
		return Delivery{Method: Electronic}, nil
	}
	switch in.Method {
	case Pickup:
		if _, ok := s.hall(in.Hall); !ok {
			return Delivery{}, errs.Field("hall", "delivery.hall", "请选择领取结果的服务大厅", "choose the hall where you will collect the result")
		}
		return Delivery{Method: Pickup, Hall: in.Hall}, nil
	case Post:
		return checkAddress(in)
	case "":
		return Delivery{}, errs.Field("delivery_method", "delivery.method", "请选择结果领取方式：窗口领取或邮寄送达",
			"choose how to receive the result: collect it at a hall or by post")
	}
	return Delivery{}, errs.Field("delivery_method", "delivery.method", "结果领取方式无效："+string(in.Method),
		"unknown way of receiving the result: "+string(in.Method))
}

// checkAddress checks a postal address: a recipient, a mainland mobile
// number and an address of 5 to 200 characters; the postcode, if given,
// has 6 digits.
func checkAddress(in Delivery) (Delivery, error) {
	name, err := identity.ValidateDisplayName(in.Recipient)
	if err != nil {
		return Delivery{}, errs.Field("recipient", "delivery.recipient", "请填写收件人姓名（不超过 100 个字符）",
			"enter the recipient's name (at most 100 characters)")
	}
	phone, err := identity.ValidatePhone(in.Phone)
	if err != nil {
		return Delivery{}, onField(err, "delivery_phone")
	}
	addr := strings.Join(strings.Fields(in.Address), " ")
	if n := utf8.RuneCountInString(addr); n < 5 || n > 200 || !utf8.ValidString(addr) {
		return Delivery{}, errs.Field("address", "delivery.address", "请填写完整的收件地址（5 至 200 个字符，含区、街道和门牌号）",
			"enter the full postal address (5 to 200 characters, with district, street and number)")
	}
	pc := strings.TrimSpace(in.Postcode)
	if pc != "" && !postcodePattern.MatchString(pc) {
		return Delivery{}, errs.Field("postcode", "delivery.postcode", "邮政编码应为 6 位数字", "the postcode has 6 digits")
	}
	return Delivery{Method: Post, Recipient: name, Phone: phone, Address: addr, Postcode: pc}, nil
}

// ship hands app's result to the courier and records the tracking number.
func (s *Service) ship(ctx context.Context, app *Application, in ActionInput) (string, error) {
	if app.Delivery.Method != Post {
		return "", errs.E(errs.Conflict, "delivery.not_post", "此办件的结果不是邮寄送达", "this application's result is not sent by post")
	}
	if app.Delivery.Status != NotShipped && app.Delivery.Status != Returned {
		return "", errs.E(errs.Conflict, "delivery.shipped", "此办件的结果已交寄，运单号 "+app.Delivery.TrackingNo,
			"this result was already shipped, tracking number "+app.Delivery.TrackingNo)
	}
	d := app.Delivery
	no, err := s.d.Courier.Ship(ctx, Shipment{Serial: app.Serial, Recipient: d.Recipient, Phone: d.Phone,
		Address: d.Address, Postcode: d.Postcode, TrackingNo: in.TrackingNo})
	if err != nil {
		return "", err
	}
	app.Delivery.Courier, app.Delivery.TrackingNo = s.d.Courier.Name(), no
	app.Delivery.Status, app.Delivery.StatusAt = HandedOver, s.now()
	return no, nil // the timeline shows the tracking number; the courier is on the delivery
}

// track records a shipment status; a delivered shipment delivers the
// application. It returns the state the application reaches.
func (s *Service) track(app *Application, status ShipmentStatus, by Role) (State, error) {
	if app.Delivery.Method != Post || app.Delivery.TrackingNo == "" {
		return "", errs.E(errs.Conflict, "delivery.not_shipped", "此办件的结果尚未交寄", "this result has not been shipped yet")
	}
	if !slices.Contains(ShipmentStatuses, status) {
		return "", errs.Field("status", "delivery.status", "物流状态无效："+string(status), "unknown delivery status: "+string(status))
	}
	if status == app.Delivery.Status {
		return "", errs.E(errs.Conflict, "delivery.same_status", "物流状态没有变化", "the delivery status has not changed")
	}
	app.Delivery.Status, app.Delivery.StatusAt = status, s.now()
	if status == Received {
		return Transition(app.State, ActDeliver, by)
	}
	return app.State, nil
}

// SyncShipments asks the courier for the status of every shipped result
// still on its way (at most limit of them, oldest first) and records the
// changes as the system, delivering the applications whose result was
// received. With the Manual courier, which cannot tell, it changes
// nothing. It returns how many applications changed.
func (s *Service) SyncShipments(ctx context.Context, limit int) (int, error) {
	list, _, err := s.d.Store.FindApplications(ctx, Filter{States: []State{Approved}, Sort: DueFirst, Limit: limit})
	if err != nil {
		return 0, err
	}
	changed := 0
	for _, app := range list {
		d := app.Delivery
		if d.Method != Post || d.TrackingNo == "" || d.Courier != s.d.Courier.Name() {
			continue
		}
		st, err := s.d.Courier.Status(ctx, d.TrackingNo)
		if err != nil {
			s.d.Log.WarnContext(ctx, "shipment status", "serial", app.Serial, "err", err)
			continue
		}
		if st == NotShipped || st == d.Status {
			continue
		}
		from := app.State
		to, err := s.track(app, st, RoleSystem)
		if err != nil {
			return changed, err
		}
		app.State = to
		ev := s.event(nil, app, RoleSystem, ActTrack, from, to, "")
		ev.Detail = string(st)
		if err := s.save(ctx, app, ev); err != nil {
			if errs.Is(err, errs.Conflict) {
				continue // changed meanwhile; the next round sees it
			}
			return changed, err
		}
		changed++
	}
	return changed, nil
}
