package appointmentsweb

import (
	"context"
	"net/http"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// pageSize is the number of bookings on one page of "my appointments".
const pageSize = 20

// mineData is the data of "my appointments".
type mineData struct {
	Bookings    []*appointments.Booking
	Halls       map[string]*appointments.Hall
	Items       map[string]string // item names by code
	Pager       web.Pager
	PausedUntil time.Time
	NoShows     int // within the policy's window
	Policy      appointments.Policy
	Now         time.Time
}

// WindowDays is the no-show window in days.
func (d *mineData) WindowDays() int { return int(d.Policy.NoShowWindow / (24 * time.Hour)) }

// PauseDays is the length of a booking pause in days.
func (d *mineData) PauseDays() int { return int(d.Policy.NoShowPause / (24 * time.Hour)) }

// minePage lists the actor's own appointments, newest first.
func (h *Handlers) minePage(w http.ResponseWriter, r *http.Request) error {
	actor := web.AccountFrom(r.Context())
	offset, limit := web.PageParams(r, pageSize)
	list, total, err := h.Service.MyBookings(r.Context(), actor, nil, offset, limit)
	if err != nil {
		return err
	}
	d := &mineData{Bookings: list, Pager: web.NewPager(r, total, offset, limit), Policy: h.Service.Policy(), Now: h.Service.Now()}
	if d.Halls, err = h.hallsByCode(r.Context()); err != nil {
		return err
	}
	codes := make([]string, len(list))
	for i, b := range list {
		codes[i] = b.ItemCode
	}
	d.Items = h.itemNames(r.Context(), codes...)
	if d.PausedUntil, d.NoShows, err = h.Service.Pause(r.Context(), actor); err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, "appointments/mine", d)
}

// pickerData is the data of the booking page and of its htmx fragment
// "picker": the hall, date and slot choices for one item.
type pickerData struct {
	Item     string
	ItemName string
	Choices  []hallItems // when no item was chosen
	Halls    []*appointments.Hall
	Hall     *appointments.Hall
	Days     []appointments.Day
	Day      appointments.Day
	Slots    *appointments.DaySlots
	Start    string // the chosen slot, after an error
	// Current is the booking being changed; nil when booking anew.
	Current     *appointments.Booking
	PausedUntil time.Time
	Err         error
}

// hallItems lists the items of a hall's group, for choosing an item.
type hallItems struct {
	Hall  *appointments.Hall
	Group *appointments.Group
	Items map[string]string // names by code
}

// picker builds the booking page's data for item at the chosen hall and
// date (defaults: the first hall serving the item, today). Bad choices
// are reported in Err and the page falls back to defaults, so that it can
// always be shown; status is the status the page should have.
func (h *Handlers) picker(ctx context.Context, item, hallCode, date string, current *appointments.Booking) (*pickerData, int, error) {
	d := &pickerData{Item: item, Current: current, Days: h.Service.BookableDays()}
	if item == "" {
		halls, err := h.Service.Halls(ctx)
		if err != nil {
			return nil, 0, err
		}
		for _, x := range halls {
			for _, g := range x.Groups {
				d.Choices = append(d.Choices, hallItems{Hall: x, Group: g, Items: h.itemNames(ctx, g.Items...)})
			}
		}
		return d, http.StatusOK, nil
	}
	d.ItemName = h.Service.ItemName(ctx, item)
	halls, err := h.Service.HallsServing(ctx, item)
	if err != nil {
		return nil, 0, err
	}
	if len(halls) == 0 {
		d.Err = errs.Field("item", "hall.none_serves", "目前没有服务大厅可预约办理此事项："+item,
			"no service hall takes appointments for this service: "+item)
		return d, http.StatusNotFound, nil
	}
	d.Halls, d.Hall = halls, halls[0]
	for _, x := range halls {
		if x.Code == hallCode {
			d.Hall = x
		}
	}
	status := http.StatusOK
	d.Day = h.firstFreeDay(ctx, d.Hall, item, d.Days)
	if date != "" {
		if day, err := appointments.ParseDay(date); err != nil {
			d.Err, status = err, web.Status(err)
		} else {
			d.Day = day
		}
	}
	d.Slots, err = h.Service.Slots(ctx, d.Hall.Code, item, d.Day)
	if userError(err) {
		d.Err, status, d.Day = err, web.Status(err), d.Days[0]
		d.Slots, err = h.Service.Slots(ctx, d.Hall.Code, item, d.Day)
	}
	if err != nil {
		return nil, 0, err
	}
	return d, status, nil
}

// Closed reports whether the chosen hall is closed on day.
func (d *pickerData) Closed(day appointments.Day) bool {
	closed, _ := d.Hall.ClosedOn(day)
	return closed
}

// firstFreeDay returns the first of days with a free slot of item at hall,
// or the first day when none has one.
func (h *Handlers) firstFreeDay(ctx context.Context, hall *appointments.Hall, item string, days []appointments.Day) appointments.Day {
	for _, day := range days {
		if closed, _ := hall.ClosedOn(day); closed {
			continue
		}
		ds, err := h.Service.Slots(ctx, hall.Code, item, day)
		if err != nil {
			break
		}
		for _, s := range ds.Slots {
			if s.Available {
				return day
			}
		}
	}
	return days[0]
}

// withPause fills the pause notice for the booker.
func (h *Handlers) withPause(r *http.Request, d *pickerData) error {
	until, _, err := h.Service.Pause(r.Context(), web.AccountFrom(r.Context()))
	d.PausedUntil = until
	return err
}

// newPage shows the booking page: ?item=, &hall=, &date=.
func (h *Handlers) newPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d, status, err := h.picker(r.Context(), q.Get("item"), q.Get("hall"), q.Get("date"), nil)
	if err != nil {
		return err
	}
	if err := h.withPause(r, d); err != nil {
		return err
	}
	return h.Renderer.Page(w, r, status, "appointments/new", d)
}

// pickerFragment renders the picker alone, for htmx when the hall or date
// changes: ?item=&hall=&date=, and &change=ID when changing a booking.
func (h *Handlers) pickerFragment(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var current *appointments.Booking
	if id := q.Get("change"); id != "" {
		b, err := h.Service.Booking(r.Context(), web.AccountFrom(r.Context()), id)
		if err != nil {
			return err
		}
		current = b
	}
	item := q.Get("item")
	if current != nil {
		item = current.ItemCode
	}
	d, _, err := h.picker(r.Context(), item, q.Get("hall"), q.Get("date"), current)
	if err != nil {
		return err
	}
	return h.Renderer.Fragment(w, r, "appointments/new", "picker", d)
}

// book books the slot chosen on the booking page.
func (h *Handlers) book(w http.ResponseWriter, r *http.Request) error {
	actor := web.AccountFrom(r.Context())
	item, hall, startText := r.PostFormValue("item"), r.PostFormValue("hall"), r.PostFormValue("start")
	start, err := parseStart(startText)
	if err == nil {
		var b *appointments.Booking
		b, err = h.Service.Book(r.Context(), actor, appointments.NewBooking{Hall: hall, Item: item, Start: start})
		if err == nil {
			h.flash(w, r, "appointments.flash.booked")
			return redirect(w, r, "/appointments/"+b.ID)
		}
	}
	return h.formError(w, r, err, item, hall, start, startText, nil)
}

// formError shows the booking page again with err, keeping the choices.
func (h *Handlers) formError(w http.ResponseWriter, r *http.Request, err error, item, hall string, start time.Time,
	startText string, current *appointments.Booking) error {
	if !userError(err) {
		return err
	}
	date := ""
	if !start.IsZero() {
		date = string(appointments.DayOf(start))
	}
	d, _, perr := h.picker(r.Context(), item, hall, date, current)
	if perr != nil {
		return perr
	}
	d.Err, d.Start = err, startText
	if err := h.withPause(r, d); err != nil {
		return err
	}
	return h.Renderer.Page(w, r, web.Status(err), "appointments/new", d)
}

// bookingData is the data of a booking's page.
type bookingData struct {
	Booking     *appointments.Booking
	Hall        *appointments.Hall // nil when the hall no longer exists
	ItemName    string
	Events      []*appointments.Event
	Mine        bool // the actor booked it
	CanChange   bool // booked and not started
	CheckInFrom time.Time
	CheckInTo   time.Time
	Err         error
}

// bookingPage shows a booking: the confirmation with its booking code,
// check-in instructions, status and history.
func (h *Handlers) bookingPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.bookingData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, "appointments/booking", d)
}

func (h *Handlers) bookingData(r *http.Request, id string) (*bookingData, error) {
	actor := web.AccountFrom(r.Context())
	b, err := h.Service.Booking(r.Context(), actor, id)
	if err != nil {
		return nil, err
	}
	d := &bookingData{Booking: b, ItemName: h.Service.ItemName(r.Context(), b.ItemCode), Mine: b.AccountID == actor.ID}
	if hall, err := h.Service.Hall(r.Context(), b.HallCode); err == nil {
		d.Hall = hall
	} else if !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	if d.Events, err = h.Service.History(r.Context(), actor, id); err != nil {
		return nil, err
	}
	p := h.Service.Policy()
	d.CanChange = d.Mine && b.Status == appointments.Booked && b.StartsAt.After(h.Service.Now())
	d.CheckInFrom, d.CheckInTo = b.StartsAt.Add(-p.CheckInBefore), b.StartsAt.Add(p.CheckInAfter)
	return d, nil
}

// changePage shows the booking page for moving booking {id} to another
// slot: ?hall=&date= (defaults: the booking's).
func (h *Handlers) changePage(w http.ResponseWriter, r *http.Request) error {
	b, err := h.Service.Booking(r.Context(), web.AccountFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	hall, date := q.Get("hall"), q.Get("date")
	if hall == "" {
		hall = b.HallCode
	}
	if date == "" && b.Day >= h.Service.Today() {
		date = string(b.Day)
	}
	d, status, err := h.picker(r.Context(), b.ItemCode, hall, date, b)
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, status, "appointments/new", d)
}

// change moves booking {id} to the chosen slot.
func (h *Handlers) change(w http.ResponseWriter, r *http.Request) error {
	actor := web.AccountFrom(r.Context())
	b, err := h.Service.Booking(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	hall, startText := r.PostFormValue("hall"), r.PostFormValue("start")
	start, err := parseStart(startText)
	if err == nil {
		if _, err = h.Service.Change(r.Context(), actor, b.ID, hall, start); err == nil {
			h.flash(w, r, "appointments.flash.changed")
			return redirect(w, r, "/appointments/"+b.ID)
		}
	}
	return h.formError(w, r, err, b.ItemCode, hall, start, startText, b)
}

// cancel cancels booking {id}.
func (h *Handlers) cancel(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	_, err := h.Service.Cancel(r.Context(), web.AccountFrom(r.Context()), id)
	if err == nil {
		h.flash(w, r, "appointments.flash.cancelled")
		return redirect(w, r, "/appointments/"+id)
	}
	if !userError(err) || errs.Is(err, errs.NotFound) {
		return err
	}
	d, derr := h.bookingData(r, id)
	if derr != nil {
		return derr
	}
	d.Err = err
	return h.Renderer.Page(w, r, web.Status(err), "appointments/booking", d)
}
