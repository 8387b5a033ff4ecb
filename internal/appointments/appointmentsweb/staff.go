package appointmentsweb

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// hallsData is the data of the halls page.
type hallsData struct {
	Halls    []*appointments.Hall
	Operable map[string]bool // halls whose queue the actor operates
}

// hallsPage lists the service halls with their addresses and hours, and
// for staff the links to the queues they operate.
func (h *Handlers) hallsPage(w http.ResponseWriter, r *http.Request) error {
	halls, err := h.Service.Halls(r.Context())
	if err != nil {
		return err
	}
	d := &hallsData{Halls: halls, Operable: map[string]bool{}}
	if a := web.AccountFrom(r.Context()); a.IsStaff() {
		for _, x := range halls {
			d.Operable[x.Code] = appointments.Operates(a, x)
		}
	}
	return h.Renderer.Page(w, r, http.StatusOK, "appointments/halls", d)
}

// queueData is the data of a hall's queue page.
type queueData struct {
	Queue  *appointments.Queue
	Items  map[string]string // item names by code
	Window int               // the window the staff member calls to
	Today  bool              // the queue is today's (actions are offered)
	Err    error
}

// Count returns how many of the queue's entries are in status s.
func (d *queueData) Count(s string) int { return d.Queue.Counts[appointments.Status(s)] }

// Waiting returns the checked-in entries in queue-number order.
func (d *queueData) Waiting() []*appointments.Booking { return d.with(appointments.CheckedIn) }

// Called returns the entries called to a window and not yet done.
func (d *queueData) Called() []*appointments.Booking { return d.with(appointments.Called) }

func (d *queueData) with(s appointments.Status) []*appointments.Booking {
	var out []*appointments.Booking
	for _, b := range d.Queue.Entries {
		if b.Status == s {
			out = append(out, b)
		}
	}
	return out
}

// queueData reads the queue of hall {code} on ?date= (default today) for
// the actor.
func (h *Handlers) queueData(r *http.Request) (*queueData, error) {
	q := r.URL.Query()
	day := h.Service.Today()
	if s := q.Get("date"); s != "" {
		d, err := appointments.ParseDay(s)
		if err != nil {
			return nil, err
		}
		day = d
	}
	queue, err := h.Service.Queue(r.Context(), web.AccountFrom(r.Context()), r.PathValue("code"), day)
	if err != nil {
		return nil, err
	}
	d := &queueData{Queue: queue, Today: day == h.Service.Today()}
	var codes []string
	for _, b := range queue.Entries {
		codes = append(codes, b.ItemCode)
	}
	d.Items = h.itemNames(r.Context(), codes...)
	if n, err := strconv.Atoi(q.Get("window")); err == nil && queue.Hall.WindowGroup(n) != nil {
		d.Window = n
	} else if ws := queue.Windows(); len(ws) > 0 {
		d.Window = ws[0].Number
	}
	return d, nil
}

// queuePage shows the day's queue of hall {code} to its staff.
func (h *Handlers) queuePage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.queueData(r)
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, "appointments/queue", d)
}

// queueFragment renders the live part of the queue page, which htmx
// refreshes every few seconds.
func (h *Handlers) queueFragment(w http.ResponseWriter, r *http.Request) error {
	d, err := h.queueData(r)
	if err != nil {
		return err
	}
	return h.Renderer.Fragment(w, r, "appointments/queue", "live", d)
}

// queueURL is the queue page of hall code for window.
func queueURL(code string, window int) string {
	q := url.Values{}
	if window > 0 {
		q.Set("window", strconv.Itoa(window))
	}
	u := "/halls/" + url.PathEscape(code) + "/queue"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// staffError shows the queue page with err for form errors the staff
// member can fix, and returns other errors for the error page.
func (h *Handlers) staffError(w http.ResponseWriter, r *http.Request, err error) error {
	if !userError(err) || errs.Is(err, errs.Forbidden) || errs.Is(err, errs.NotFound) && errs.As(err).Code != "checkin.not_found" {
		return err
	}
	d, derr := h.queueData(r)
	if derr != nil {
		return derr
	}
	d.Err = err
	return h.Renderer.Page(w, r, web.Status(err), "appointments/queue", d)
}

// callNext calls the next waiting person to the window in the form.
func (h *Handlers) callNext(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	window, err := strconv.Atoi(r.PostFormValue("window"))
	if err != nil {
		return h.staffError(w, r, errs.Field("window", "hall.window_format", "请选择窗口", "please choose a window"))
	}
	b, err := h.Service.CallNext(r.Context(), web.AccountFrom(r.Context()), code, window)
	if err != nil {
		return h.staffError(w, r, err)
	}
	h.flash(w, r, "appointments.flash.called", b.QueueNumber, window)
	return redirect(w, r, queueURL(code, window))
}

// served marks booking {id} as served.
func (h *Handlers) served(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	b, err := h.Service.Serve(r.Context(), web.AccountFrom(r.Context()), code, r.PathValue("id"))
	if err != nil {
		return h.staffError(w, r, err)
	}
	h.flash(w, r, "appointments.flash.served", b.QueueNumber)
	return redirect(w, r, queueURL(code, b.Window))
}

// absent records that the person called for booking {id} did not come.
func (h *Handlers) absent(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	b, err := h.Service.Absent(r.Context(), web.AccountFrom(r.Context()), code, r.PathValue("id"))
	if err != nil {
		return h.staffError(w, r, err)
	}
	h.flash(w, r, "appointments.flash.absent", b.QueueNumber)
	return redirect(w, r, queueURL(code, b.Window))
}

// deskCheckIn checks a visitor in at the staff desk.
func (h *Handlers) deskCheckIn(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	actor := web.AccountFrom(r.Context())
	if _, err := h.Service.Queue(r.Context(), actor, code, h.Service.Today()); err != nil {
		return err // only the hall's staff use the desk
	}
	b, _, err := h.Service.CheckIn(r.Context(), actor, code, r.PostFormValue("code"), r.PostFormValue("id_tail"))
	if err != nil {
		return h.staffError(w, r, err)
	}
	h.flash(w, r, "appointments.flash.checked_in", b.QueueNumber)
	return redirect(w, r, queueURL(code, 0))
}
