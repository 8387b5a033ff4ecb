package appointmentsweb

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// weekdayEN names the days of the week in English, indexed by
// time.Weekday.
var weekdayEN = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// dayLabel formats a date for choices: 3月3日 周二, or Tue 3 Mar.
func dayLabel(d appointments.Day, lang string) string {
	t, err := time.Parse("2006-01-02", string(d))
	if err != nil {
		return string(d)
	}
	if lang == "en" {
		return weekdayEN[t.Weekday()] + " " + t.Format("2 Jan")
	}
	return fmt.Sprintf("%d月%d日 %s", t.Month(), t.Day(), appointments.WeekdayZH(t.Weekday()))
}

// hoursLine is one line of a hall's opening hours: days with the same
// periods.
type hoursLine struct {
	Days    string
	Periods string
}

// openingHours describes h's opening hours, Monday first, joining
// consecutive days with the same periods: 周一至周五 09:00-12:00 14:00-18:00.
func openingHours(h *appointments.Hall, lang string) []hoursLine {
	name := func(wd int) string {
		if lang == "en" {
			return weekdayEN[wd%7]
		}
		return appointments.WeekdayZH(time.Weekday(wd % 7))
	}
	periods := func(wd int) string {
		var ps []string
		for _, p := range h.Hours[wd%7] {
			ps = append(ps, p.String())
		}
		return strings.Join(ps, " ")
	}
	var out []hoursLine
	for wd := 1; wd <= 7; {
		p := periods(wd)
		end := wd
		for end+1 <= 7 && periods(end+1) == p {
			end++
		}
		if p != "" {
			days := name(wd)
			if end > wd {
				sep := "至"
				if lang == "en" {
					sep = "–"
				}
				days += sep + name(end)
			}
			out = append(out, hoursLine{Days: days, Periods: p})
		}
		wd = end + 1
	}
	return out
}

// templateFuncs are the appointment pages' own template functions.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"clock":     func(t time.Time) string { return appointments.FormatTime(t, "15:04") },
		"dateTime":  func(t time.Time) string { return appointments.FormatTime(t, "2006-01-02 15:04") },
		"dayLabel":  dayLabel,
		"hours":     openingHours,
		"statusKey": func(s appointments.Status) string { return "appointments.status." + string(s) },
		"eventKey":  func(k appointments.EventKind) string { return "appointments.event." + string(k) },
		"statusClass": func(s appointments.Status) string {
			switch s {
			case appointments.Booked, appointments.CheckedIn:
				return "badge-ok"
			case appointments.Called:
				return "badge-warn"
			case appointments.NoShow:
				return "badge-red"
			}
			return ""
		},
		"slotValue": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"hallName": func(h *appointments.Hall, lang string) string {
			if lang == "en" && h.NameEN != "" {
				return h.NameEN
			}
			return h.Name
		},
		"invalid": func(err error, field string) bool {
			e := errs.As(err)
			return e != nil && e.Field == field
		},
	}
}

// parseStart reads a slot's start sent as an RFC 3339 time.
func parseStart(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errs.Field("start", "slot.required", "请选择预约时段", "please choose a slot")
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errs.Field("start", "slot.format", "时段时间格式应为 RFC 3339，例如 2026-03-03T10:00:00+08:00",
			"slot times must be RFC 3339 times such as 2026-03-03T10:00:00+08:00")
	}
	return t.UTC(), nil
}

// itemNames returns the names of items by code.
func (h *Handlers) itemNames(ctx context.Context, codes ...string) map[string]string {
	out := make(map[string]string, len(codes))
	for _, c := range codes {
		if _, ok := out[c]; !ok {
			out[c] = h.Service.ItemName(ctx, c)
		}
	}
	return out
}

// hallsByCode returns every hall by code, for names and addresses.
func (h *Handlers) hallsByCode(ctx context.Context) (map[string]*appointments.Hall, error) {
	list, err := h.Service.Halls(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*appointments.Hall, len(list))
	for _, x := range list {
		out[x.Code] = x
	}
	return out, nil
}

// redirect sends the browser to a local address after a form post.
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, web.SafeNext(to), http.StatusSeeOther)
	return nil
}

// userError reports whether err is shown on the form rather than as an
// error page: every domain error but internal ones.
func userError(err error) bool {
	return err != nil && errs.As(err) != nil && errs.KindOf(err) != errs.Internal
}

// flash sets a one-time notice: a message key, or text in the request's
// language made from a format key and arguments.
func (h *Handlers) flash(w http.ResponseWriter, r *http.Request, key string, args ...any) {
	if len(args) == 0 {
		h.Cookies.SetFlash(w, key)
		return
	}
	h.Cookies.SetFlash(w, fmt.Sprintf(h.Renderer.T(web.LangFrom(r.Context()), key), args...))
}
