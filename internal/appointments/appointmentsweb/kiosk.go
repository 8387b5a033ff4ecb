package appointmentsweb

import (
	"net/http"
	"strconv"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// kioskData is the data of a hall's check-in kiosk.
type kioskData struct {
	Hall     *appointments.Hall
	Code     string // what was typed
	Booking  *appointments.Booking
	ItemName string
	Ahead    int
	Window   string // the group's windows, e.g. 1–4
	Err      error
}

// kioskPage shows the check-in form of hall {code}.
func (h *Handlers) kioskPage(w http.ResponseWriter, r *http.Request) error {
	hall, err := h.Service.Hall(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return h.Renderer.Page(w, r, http.StatusOK, "appointments/checkin", &kioskData{Hall: hall})
}

// kioskCheckIn checks in with a booking code and the last four characters
// of the booker's identity number or credit code, and shows the queue
// number. It needs no sign-in; it shows nothing personal.
func (h *Handlers) kioskCheckIn(w http.ResponseWriter, r *http.Request) error {
	hall, err := h.Service.Hall(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	d := &kioskData{Hall: hall, Code: r.PostFormValue("code")}
	b, ahead, err := h.Service.CheckIn(r.Context(), web.AccountFrom(r.Context()), hall.Code, d.Code, r.PostFormValue("id_tail"))
	if err != nil {
		if !userError(err) {
			return err
		}
		d.Err = err
		return h.Renderer.Page(w, r, web.Status(err), "appointments/checkin", d)
	}
	d.Booking, d.Ahead, d.ItemName = b, ahead, h.Service.ItemName(r.Context(), b.ItemCode)
	if g := hall.Group(b.GroupCode); g != nil && len(g.Windows) > 0 {
		d.Window = windowRange(g.Windows)
	}
	return h.Renderer.Page(w, r, http.StatusOK, "appointments/checkin", d)
}

// windowRange describes windows as "3" or "1–4" (or a list when not
// consecutive).
func windowRange(ws []appointments.Window) string {
	first, last := ws[0].Number, ws[len(ws)-1].Number
	if last-first+1 == len(ws) {
		if first == last {
			return strconv.Itoa(first)
		}
		return strconv.Itoa(first) + "–" + strconv.Itoa(last)
	}
	s := ""
	for i, w := range ws {
		if i > 0 {
			s += "、"
		}
		s += strconv.Itoa(w.Number)
	}
	return s
}
