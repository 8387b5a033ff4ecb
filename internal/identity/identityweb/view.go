package identityweb

import (
	"context"
	"html/template"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// MaskIDNumber shows the first four and last four characters of an
// identity number: 440304199001011234 → 4403**********1234.
func MaskIDNumber(s string) string {
	if len(s) <= 8 {
		return strings.Repeat("*", len(s))
	}
	return s[:4] + strings.Repeat("*", len(s)-8) + s[len(s)-4:]
}

// MaskPhone shows the first three and last four digits of a phone number:
// 13800138000 → 138****8000.
func MaskPhone(s string) string {
	if len(s) < 8 {
		return strings.Repeat("*", len(s))
	}
	return s[:3] + strings.Repeat("*", len(s)-7) + s[len(s)-4:]
}

// loginName is the login name to show for a: a person's username is
// usually the identity number, which is masked.
func loginName(a *identity.Account) string {
	if a.Kind == identity.Person && (a.Username == a.IDNumber || looksLikeIDNumber(a.Username)) {
		return MaskIDNumber(a.Username)
	}
	return a.Username
}

// maskLogin masks what was typed as a login name when it is an identity
// number or a phone number, for audit listings.
func maskLogin(s string) string {
	switch {
	case looksLikeIDNumber(s):
		return MaskIDNumber(s)
	case len(s) == 11 && s[0] == '1' && strings.Trim(s, "0123456789") == "":
		return MaskPhone(s)
	}
	return s
}

func looksLikeIDNumber(s string) bool {
	return len(s) == 18 && strings.Trim(s[:17], "0123456789") == ""
}

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// templateFuncs are the identity pages' own template functions.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"maskID":    MaskIDNumber,
		"maskPhone": MaskPhone,
		"loginName": loginName,
		"maskLogin": maskLogin,
		"roleKey":   func(r identity.Role) string { return "identity.role." + string(r) },
		"kindKey":   func(k identity.Kind) string { return "identity.kind." + string(k) },
		"eventKey":  func(k identity.EventKind) string { return "identity.event." + string(k) },
		"shorten":   shorten,
		"invalid":   invalid,
		"hasRole": func(roles []identity.Role, r identity.Role) bool {
			for _, x := range roles {
				if x == r {
					return true
				}
			}
			return false
		},
	}
}

// eventTable is the data of the "events" partial.
type eventTable struct {
	Events []*identity.AuthEvent
	Admin  bool // show the account column
}

// invalid reports whether err is about the input field, for aria-invalid.
func invalid(err error, field string) bool {
	e := errs.As(err)
	return e != nil && e.Field == field
}

// kindOptions are the account kinds in display order.
var kindOptions = []identity.Kind{identity.Person, identity.Enterprise, identity.Staff}

// eventKinds are the audit event kinds offered as a filter.
var eventKinds = []identity.EventKind{
	identity.EventLogin, identity.EventLoginFailed, identity.EventLockout, identity.EventLogout,
	identity.EventPasswordChange, identity.EventPasswordReset, identity.EventOTPSent, identity.EventTokenIssued,
	identity.EventAccountCreated, identity.EventAccountChanged, identity.EventFederatedLink,
}

// deptList returns the departments for choices and a code → name map; both
// are empty without a Departments source or when it fails (logged).
func (h *Handlers) deptList(ctx context.Context) ([]*catalog.Department, map[string]string) {
	names := map[string]string{}
	if h.Departments == nil {
		return nil, names
	}
	list, err := h.Departments.FindDepartments(ctx)
	if err != nil {
		h.Log.WarnContext(ctx, "list departments", "err", err)
		return nil, names
	}
	for _, d := range list {
		names[d.Code] = d.Name
	}
	return list, names
}

// chinaTime is the zone that dates typed into filters are read in.
func chinaTime() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
}

// parseDay reads a YYYY-MM-DD date typed into a filter, in China time; an
// empty value is the zero time.
func parseDay(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, chinaTime())
	if err != nil {
		return time.Time{}, errs.Field(field, "date.format", "日期格式应为 年-月-日，例如 2024-03-01",
			"dates must look like 2024-03-01")
	}
	return t.UTC(), nil
}

// redirect sends the browser to a local address after a form post.
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, web.SafeNext(to), http.StatusSeeOther)
	return nil
}

// formStatus is the status of a page re-rendered because of err: the
// error's status for domain errors.
func formStatus(err error) int { return web.Status(err) }
