// Package appointmentsweb is the web face of appointments (预约取号): the
// citizen's pages to book, change and cancel appointments at service halls
// (with htmx refreshing the free slots when the hall or date changes), the
// booking confirmation with its booking code, the halls' self-service
// check-in kiosk, the staff's queue page (call the next person, mark them
// served or absent, check people in at the desk), and the JSON API under
// /api/v1 with RFC 9457 problem details.
//
// Every handler acts through the appointments service with the signed-in
// account, so the service decides who may see and change what. Times are
// shown in China time (UTC+8).
package appointmentsweb

import (
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

// module is the name of this package's pages: "appointments/mine" etc.
const module = "appointments"

// Deps are what the handlers need.
type Deps struct {
	// Service is the appointments service. Required.
	Service *appointments.Service
	// Renderer draws the pages; it must have been built with [Templates].
	// Required.
	Renderer *web.Renderer
	// Cookies sets flash notices. Required.
	Cookies *web.Cookies
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Handlers serves the appointment pages and API.
type Handlers struct {
	Deps
}

// New returns the handlers, or an error naming a missing dependency.
func New(d Deps) (*Handlers, error) {
	if d.Service == nil || d.Renderer == nil || d.Cookies == nil {
		return nil, errors.New("appointmentsweb: Service, Renderer and Cookies are required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Handlers{Deps: d}, nil
}

// Templates returns the appointment pages, messages and navigation, for
// web.NewServer's Templates.
func Templates() web.TemplateSet {
	sub, err := fs.Sub(templateFiles, "templates")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return web.TemplateSet{
		Module:   module,
		FS:       sub,
		Messages: messages,
		Funcs:    templateFuncs(),
		Nav: []web.NavItem{
			{Label: "appointments.nav.mine", Path: "/appointments", Show: isBooker},
			{Label: "appointments.nav.halls", Path: "/halls", Show: isCaseworker},
		},
	}
}

// isBooker reports whether a books appointments (for navigation only).
func isBooker(a *identity.Account) bool {
	return a != nil && (a.Kind == identity.Person || a.Kind == identity.Enterprise)
}

// isCaseworker reports whether a may operate hall queues (for navigation
// only; the service decides).
func isCaseworker(a *identity.Account) bool {
	return a.IsStaff() && (a.HasRole(identity.Caseworker) || a.HasRole(identity.DeptAdmin) || a.HasRole(identity.PlatformAdmin))
}

// Routes registers the pages and the API on mux.
func (h *Handlers) Routes(mux *http.ServeMux) {
	in := web.RequireAccount
	mux.Handle("GET /appointments", in(h.minePage))
	mux.Handle("GET /appointments/new", in(h.newPage))
	mux.Handle("GET /appointments/picker", in(h.pickerFragment))
	mux.Handle("POST /appointments", in(h.book))
	mux.Handle("GET /appointments/{id}", in(h.bookingPage))
	mux.Handle("GET /appointments/{id}/change", in(h.changePage))
	mux.Handle("POST /appointments/{id}/change", in(h.change))
	mux.Handle("POST /appointments/{id}/cancel", in(h.cancel))

	mux.Handle("GET /halls", web.Handler(h.hallsPage))
	mux.Handle("GET /halls/{code}/checkin", web.Handler(h.kioskPage))
	mux.Handle("POST /halls/{code}/checkin", web.Handler(h.kioskCheckIn))
	mux.Handle("GET /halls/{code}/queue", in(h.queuePage))
	mux.Handle("GET /halls/{code}/queue/live", in(h.queueFragment))
	mux.Handle("POST /halls/{code}/queue/call", in(h.callNext))
	mux.Handle("POST /halls/{code}/queue/checkin", in(h.deskCheckIn))
	mux.Handle("POST /halls/{code}/queue/{id}/served", in(h.served))
	mux.Handle("POST /halls/{code}/queue/{id}/absent", in(h.absent))

	mux.Handle("GET /api/v1/halls", web.Handler(h.apiHalls))
	mux.Handle("GET /api/v1/halls/{code}", web.Handler(h.apiHall))
	mux.Handle("GET /api/v1/halls/{code}/slots", web.Handler(h.apiSlots))
	mux.Handle("POST /api/v1/halls/{code}/checkin", web.Handler(h.apiCheckIn))
	mux.Handle("GET /api/v1/halls/{code}/queue", in(h.apiQueue))
	mux.Handle("POST /api/v1/halls/{code}/queue/next", in(h.apiCallNext))
	mux.Handle("POST /api/v1/halls/{code}/queue/{id}/served", in(h.apiServed))
	mux.Handle("POST /api/v1/halls/{code}/queue/{id}/no-show", in(h.apiAbsent))
	mux.Handle("GET /api/v1/appointments", in(h.apiMine))
	mux.Handle("POST /api/v1/appointments", in(h.apiBook))
	mux.Handle("GET /api/v1/appointments/{id}", in(h.apiBooking))
	mux.Handle("PATCH /api/v1/appointments/{id}", in(h.apiChange))
	mux.Handle("DELETE /api/v1/appointments/{id}", in(h.apiCancel))
}
