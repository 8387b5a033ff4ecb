package exchangeweb

import (
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// cst is China Standard Time, in which dates are entered and shown.
var cst = time.FixedZone("CST", 8*3600)

// pageSize is how many rows a page of a table holds.
const pageSize = 20

// templateFuncs are the functions the exchange pages use besides the
// shell's.
func templateFuncs() template.FuncMap {
	byName := map[string]*exchange.Dataset{}
	for _, d := range exchange.Datasets() {
		byName[d.Name] = d
	}
	return template.FuncMap{
		// datasetTitle is a dataset's name in both languages.
		"datasetTitle": func(name string) web.Text {
			if d := byName[name]; d != nil {
				return web.Text{ZH: d.Title, EN: d.TitleEN}
			}
			return web.Text{ZH: name, EN: name}
		},
		// fieldLabels are a dataset's fields' labels, joined.
		"fieldLabels": func(dataset string, fields []string) web.Text {
			d := byName[dataset]
			var zh, en []string
			for _, f := range fields {
				zh, en = append(zh, f), append(en, f)
				if d == nil {
					continue
				}
				if fd := d.Field(f); fd != nil {
					zh[len(zh)-1], en[len(en)-1] = fd.Label, fd.LabelEN
				}
			}
			return web.Text{ZH: strings.Join(zh, "、"), EN: strings.Join(en, ", ")}
		},
		// fieldLabel is one field's label.
		"fieldLabel": func(f exchange.Field) web.Text { return web.Text{ZH: f.Label, EN: f.LabelEN} },
		// actorKey is the message key of an actor kind.
		"actorKey": func(k exchange.ActorKind) string { return "exchange.actor." + string(k) },
		// shortHash is the first 12 characters of a hash.
		"shortHash": func(h string) string {
			if len(h) > 12 {
				return h[:12]
			}
			return h
		},
		// day formats a time as a date in China time; the zero time is "".
		"day": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(cst).Format(time.DateOnly)
		},
		// mask hides the middle of an identity number or credit code.
		"mask": mask,
		// has reports whether list holds s.
		"has": func(list []string, s string) bool {
			for _, x := range list {
				if x == s {
					return true
				}
			}
			return false
		},
		// entryTable is the data of the "entries" partial.
		"entryTable": func(entries []*exchange.Entry, admin bool) entryTable {
			return entryTable{Entries: entries, Admin: admin}
		},
		// invalid reports whether err is about the form field.
		"invalid": func(err error, field string) bool {
			e := errs.As(err)
			return e != nil && e.Field == field
		},
	}
}

// entryTable is a table of access log entries; Admin adds the subject and
// the chain.
type entryTable struct {
	Entries []*exchange.Entry
	Admin   bool
}

// mask shows the first 6 and last 4 characters of an identity number or
// credit code.
func mask(s string) string {
	if len(s) <= 10 {
		return s
	}
	return s[:6] + strings.Repeat("*", len(s)-10) + s[len(s)-4:]
}

// parseDay reads a date field YYYY-MM-DD as midnight China time; "" is
// the zero time.
func parseDay(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, cst)
	if err != nil {
		return time.Time{}, errs.Field(field, "exchange.form_date", "日期格式应为 YYYY-MM-DD", "dates are written YYYY-MM-DD")
	}
	return t.UTC(), nil
}

// formStatus is the status of a page shown again with an error.
func formStatus(err error) int {
	switch errs.KindOf(err) {
	case errs.Conflict:
		return http.StatusConflict
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.NotFound:
		return http.StatusNotFound
	}
	if e := errs.As(err); e != nil && e.Field != "" {
		return http.StatusUnprocessableEntity
	}
	return http.StatusBadRequest
}

// shown reports whether err can be shown on the page that caused it
// (everything but internal errors).
func shown(err error) bool { return errs.KindOf(err) != errs.Internal }
