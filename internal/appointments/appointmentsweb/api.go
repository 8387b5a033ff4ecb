package appointmentsweb

import (
	"net/http"
	"strconv"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// Times in the API are RFC 3339 in China time (+08:00).

// apiWindow is the JSON form of a window.
type apiWindow struct {
	Number int    `json:"number"`
	Name   string `json:"name,omitempty"`
}

// apiGroup is the JSON form of a window group.
type apiGroup struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Department string      `json:"department"`
	Items      []string    `json:"items"`
	Windows    []apiWindow `json:"windows"`
	Capacity   int         `json:"capacity"` // bookings per slot
}

// apiClosed is a closed date.
type apiClosed struct {
	Date   string `json:"date"`
	Reason string `json:"reason,omitempty"`
}

// apiHall is the JSON form of a hall.
type apiHall struct {
	Code        string              `json:"code"`
	Name        string              `json:"name"`
	NameEN      string              `json:"name_en,omitempty"`
	Address     string              `json:"address"`
	Division    string              `json:"division"`
	Phone       string              `json:"phone,omitempty"`
	Hours       map[string][]string `json:"hours"` // mon … sun → ["09:00-12:00", …]
	SlotMinutes int                 `json:"slot_minutes"`
	Closed      []apiClosed         `json:"closed_dates"`
	Groups      []apiGroup          `json:"groups"`
	Demo        bool                `json:"demo"`
}

// weekdayKeys name the days in apiHall.Hours, indexed by time.Weekday.
var weekdayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func toAPIHall(h *appointments.Hall) apiHall {
	out := apiHall{Code: h.Code, Name: h.Name, NameEN: h.NameEN, Address: h.Address, Division: h.Division, Phone: h.Phone,
		Hours: map[string][]string{}, SlotMinutes: h.SlotMinutes, Closed: []apiClosed{}, Groups: []apiGroup{}, Demo: h.Demo}
	for wd, periods := range h.Hours {
		for _, p := range periods {
			out.Hours[weekdayKeys[wd]] = append(out.Hours[weekdayKeys[wd]], p.String())
		}
	}
	for _, c := range h.Closed {
		out.Closed = append(out.Closed, apiClosed{Date: string(c.Day), Reason: c.Reason})
	}
	for _, g := range h.Groups {
		ag := apiGroup{Code: g.Code, Name: g.Name, Department: g.Department, Items: g.Items, Windows: []apiWindow{}, Capacity: h.Capacity(g)}
		for _, w := range g.Windows {
			ag.Windows = append(ag.Windows, apiWindow{Number: w.Number, Name: w.Name})
		}
		out.Groups = append(out.Groups, ag)
	}
	return out
}

// apiSlot is the JSON form of a slot.
type apiSlot struct {
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Capacity  int       `json:"capacity"`
	Booked    int       `json:"booked"`
	Remaining int       `json:"remaining"`
	Available bool      `json:"available"`
}

// apiSlots is the JSON form of a day's slots.
type apiSlots struct {
	Hall   string    `json:"hall"`
	Item   string    `json:"item"`
	Group  string    `json:"group"`
	Date   string    `json:"date"`
	Closed bool      `json:"closed"`
	Reason string    `json:"reason,omitempty"`
	Slots  []apiSlot `json:"slots"`
}

// apiBooking is the JSON form of a booking for its booker and for staff.
type apiBooking struct {
	ID          string     `json:"id"`
	Code        string     `json:"code"`
	Status      string     `json:"status"`
	Name        string     `json:"name"`
	Hall        string     `json:"hall"`
	Item        string     `json:"item"`
	ItemName    string     `json:"item_name"`
	Group       string     `json:"group"`
	Date        string     `json:"date"`
	Start       time.Time  `json:"start"`
	End         time.Time  `json:"end"`
	QueueNumber string     `json:"queue_number,omitempty"`
	Window      int        `json:"window,omitempty"`
	CheckedInAt *time.Time `json:"checked_in_at,omitempty"`
	CalledAt    *time.Time `json:"called_at,omitempty"`
	ServedAt    *time.Time `json:"served_at,omitempty"`
	CancelledAt *time.Time `json:"cancelled_at,omitempty"`
	NoShowAt    *time.Time `json:"no_show_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
}

// china returns t in China time.
func china(t time.Time) time.Time { return t.In(appointments.China()) }

// optTime returns a pointer to t in China time, or nil for the zero time.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	c := china(t)
	return &c
}

func (h *Handlers) toAPIBooking(r *http.Request, b *appointments.Booking) apiBooking {
	return apiBooking{ID: b.ID, Code: b.Code, Status: string(b.Status), Name: b.Name, Hall: b.HallCode, Item: b.ItemCode,
		ItemName: h.Service.ItemName(r.Context(), b.ItemCode), Group: b.GroupCode, Date: string(b.Day),
		Start: china(b.StartsAt), End: china(b.EndsAt), QueueNumber: b.QueueNumber, Window: b.Window,
		CheckedInAt: optTime(b.CheckedInAt), CalledAt: optTime(b.CalledAt), ServedAt: optTime(b.ServedAt),
		CancelledAt: optTime(b.CancelledAt), NoShowAt: optTime(b.NoShowAt), CreatedAt: china(b.CreatedAt)}
}

// apiList is one page of a list.
type apiList[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// apiHalls answers GET /api/v1/halls (public).
func (h *Handlers) apiHalls(w http.ResponseWriter, r *http.Request) error {
	halls, err := h.Service.Halls(r.Context())
	if err != nil {
		return err
	}
	out := apiList[apiHall]{Items: []apiHall{}, Total: len(halls), Limit: len(halls)}
	for _, x := range halls {
		out.Items = append(out.Items, toAPIHall(x))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiHall answers GET /api/v1/halls/{code} (public).
func (h *Handlers) apiHall(w http.ResponseWriter, r *http.Request) error {
	x, err := h.Service.Hall(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, toAPIHall(x))
	return nil
}

// apiSlots answers GET /api/v1/halls/{code}/slots?item=&date= (public;
// date defaults to today).
func (h *Handlers) apiSlots(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	day := h.Service.Today()
	if s := q.Get("date"); s != "" {
		d, err := appointments.ParseDay(s)
		if err != nil {
			return err
		}
		day = d
	}
	ds, err := h.Service.Slots(r.Context(), r.PathValue("code"), q.Get("item"), day)
	if err != nil {
		return err
	}
	out := apiSlots{Hall: ds.Hall.Code, Item: ds.Item, Group: ds.Group.Code, Date: string(ds.Day), Closed: ds.Closed,
		Reason: ds.Reason, Slots: []apiSlot{}}
	for _, s := range ds.Slots {
		out.Slots = append(out.Slots, apiSlot{Start: china(s.Start), End: china(s.End), Capacity: s.Capacity, Booked: s.Booked,
			Remaining: s.Remaining(), Available: s.Available})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiPaging reads ?offset= and ?limit= (default 50, at most 500).
func apiPaging(r *http.Request) (offset, limit int, err error) {
	q := r.URL.Query()
	read := func(name string, def, most int) (int, error) {
		v := q.Get(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > most {
			return 0, errs.Field(name, "paging."+name, name+" 应为 0 到 "+strconv.Itoa(most)+" 之间的整数",
				name+" must be a whole number from 0 to "+strconv.Itoa(most))
		}
		return n, nil
	}
	if offset, err = read("offset", 0, 1<<30); err != nil {
		return 0, 0, err
	}
	if limit, err = read("limit", 50, 500); err != nil {
		return 0, 0, err
	}
	if limit == 0 {
		limit = 50
	}
	return offset, limit, nil
}

// apiMine answers GET /api/v1/appointments?status=&offset=&limit= with the
// caller's own bookings, newest first.
func (h *Handlers) apiMine(w http.ResponseWriter, r *http.Request) error {
	offset, limit, err := apiPaging(r)
	if err != nil {
		return err
	}
	var statuses []appointments.Status
	if s := r.URL.Query().Get("status"); s != "" {
		statuses = []appointments.Status{appointments.Status(s)}
	}
	list, total, err := h.Service.MyBookings(r.Context(), web.AccountFrom(r.Context()), statuses, offset, limit)
	if err != nil {
		return err
	}
	out := apiList[apiBooking]{Items: []apiBooking{}, Total: total, Offset: offset, Limit: limit}
	for _, b := range list {
		out.Items = append(out.Items, h.toAPIBooking(r, b))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiBookRequest is the body of POST /api/v1/appointments.
type apiBookRequest struct {
	Hall  string `json:"hall"`
	Item  string `json:"item"`
	Start string `json:"start"` // RFC 3339, a slot's start
}

// apiBook answers POST /api/v1/appointments with the new booking (201).
func (h *Handlers) apiBook(w http.ResponseWriter, r *http.Request) error {
	var req apiBookRequest
	if err := web.DecodeJSON(r, &req); err != nil {
		return err
	}
	start, err := parseStart(req.Start)
	if err != nil {
		return err
	}
	b, err := h.Service.Book(r.Context(), web.AccountFrom(r.Context()), appointments.NewBooking{Hall: req.Hall, Item: req.Item, Start: start})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/appointments/"+b.ID)
	web.WriteJSON(w, http.StatusCreated, h.toAPIBooking(r, b))
	return nil
}

// apiBooking answers GET /api/v1/appointments/{id}.
func (h *Handlers) apiBooking(w http.ResponseWriter, r *http.Request) error {
	b, err := h.Service.Booking(r.Context(), web.AccountFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h.toAPIBooking(r, b))
	return nil
}

// apiChangeRequest is the body of PATCH /api/v1/appointments/{id}.
type apiChangeRequest struct {
	Hall  string `json:"hall,omitempty"` // defaults to the booking's hall
	Start string `json:"start"`
}

// apiChange answers PATCH /api/v1/appointments/{id}: a move to another
// slot.
func (h *Handlers) apiChange(w http.ResponseWriter, r *http.Request) error {
	var req apiChangeRequest
	if err := web.DecodeJSON(r, &req); err != nil {
		return err
	}
	start, err := parseStart(req.Start)
	if err != nil {
		return err
	}
	b, err := h.Service.Change(r.Context(), web.AccountFrom(r.Context()), r.PathValue("id"), req.Hall, start)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h.toAPIBooking(r, b))
	return nil
}

// apiCancel answers DELETE /api/v1/appointments/{id} with the cancelled
// booking.
func (h *Handlers) apiCancel(w http.ResponseWriter, r *http.Request) error {
	b, err := h.Service.Cancel(r.Context(), web.AccountFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h.toAPIBooking(r, b))
	return nil
}

// apiCheckInRequest is the body of POST /api/v1/halls/{code}/checkin.
type apiCheckInRequest struct {
	Code   string `json:"code"`
	IDTail string `json:"id_tail"`
}

// apiCheckInResult is what the kiosk shows: nothing personal.
type apiCheckInResult struct {
	QueueNumber string    `json:"queue_number"`
	Ahead       int       `json:"ahead"`
	Status      string    `json:"status"`
	Hall        string    `json:"hall"`
	Item        string    `json:"item"`
	ItemName    string    `json:"item_name"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Window      int       `json:"window,omitempty"`
}

// apiCheckIn answers POST /api/v1/halls/{code}/checkin (kiosks; no
// sign-in needed).
func (h *Handlers) apiCheckIn(w http.ResponseWriter, r *http.Request) error {
	var req apiCheckInRequest
	if err := web.DecodeJSON(r, &req); err != nil {
		return err
	}
	b, ahead, err := h.Service.CheckIn(r.Context(), web.AccountFrom(r.Context()), r.PathValue("code"), req.Code, req.IDTail)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, apiCheckInResult{QueueNumber: b.QueueNumber, Ahead: ahead, Status: string(b.Status),
		Hall: b.HallCode, Item: b.ItemCode, ItemName: h.Service.ItemName(r.Context(), b.ItemCode),
		Start: china(b.StartsAt), End: china(b.EndsAt), Window: b.Window})
	return nil
}

// apiQueue answers GET /api/v1/halls/{code}/queue?date= for the hall's
// staff.
func (h *Handlers) apiQueue(w http.ResponseWriter, r *http.Request) error {
	d, err := h.queueData(r)
	if err != nil {
		return err
	}
	out := apiList[apiBooking]{Items: []apiBooking{}, Total: len(d.Queue.Entries), Limit: len(d.Queue.Entries)}
	for _, b := range d.Queue.Entries {
		out.Items = append(out.Items, h.toAPIBooking(r, b))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiCallRequest is the body of POST /api/v1/halls/{code}/queue/next.
type apiCallRequest struct {
	Window int `json:"window"`
}

// apiCallNext answers POST /api/v1/halls/{code}/queue/next with the
// booking called.
func (h *Handlers) apiCallNext(w http.ResponseWriter, r *http.Request) error {
	var req apiCallRequest
	if err := web.DecodeJSON(r, &req); err != nil {
		return err
	}
	b, err := h.Service.CallNext(r.Context(), web.AccountFrom(r.Context()), r.PathValue("code"), req.Window)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h.toAPIBooking(r, b))
	return nil
}

// apiServed answers POST /api/v1/halls/{code}/queue/{id}/served.
func (h *Handlers) apiServed(w http.ResponseWriter, r *http.Request) error {
	b, err := h.Service.Serve(r.Context(), web.AccountFrom(r.Context()), r.PathValue("code"), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h.toAPIBooking(r, b))
	return nil
}

// apiAbsent answers POST /api/v1/halls/{code}/queue/{id}/no-show.
func (h *Handlers) apiAbsent(w http.ResponseWriter, r *http.Request) error {
	b, err := h.Service.Absent(r.Context(), web.AccountFrom(r.Context()), r.PathValue("code"), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h.toAPIBooking(r, b))
	return nil
}
