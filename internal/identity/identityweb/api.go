package identityweb

import (
	"net/http"
	"strconv"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// apiMe is the JSON form of the caller's own account.
type apiMe struct {
	ID          string          `json:"id"`
	Kind        identity.Kind   `json:"kind"`
	DisplayName string          `json:"display_name"`
	Roles       []identity.Role `json:"roles"`
	Department  string          `json:"department,omitempty"`
	Lang        string          `json:"lang"`
}

// apiAccount is the JSON form of an account for administrators. Identity
// numbers and phones are masked; password data never leaves the service.
type apiAccount struct {
	ID          string          `json:"id"`
	Kind        identity.Kind   `json:"kind"`
	Username    string          `json:"username"`
	DisplayName string          `json:"display_name"`
	IDNumber    string          `json:"id_number,omitempty"` // masked
	IDVerified  bool            `json:"id_verified"`
	USCC        string          `json:"uscc,omitempty"`
	Phone       string          `json:"phone,omitempty"` // masked
	Email       string          `json:"email,omitempty"`
	Department  string          `json:"department,omitempty"`
	Roles       []identity.Role `json:"roles"`
	Disabled    bool            `json:"disabled"`
	LockedUntil *time.Time      `json:"locked_until,omitempty"`
	Lang        string          `json:"lang"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

func toAPIAccount(a *identity.Account) apiAccount {
	out := apiAccount{
		ID: a.ID, Kind: a.Kind, Username: loginName(a), DisplayName: a.DisplayName,
		IDVerified: a.IDVerified, USCC: a.USCC, Email: a.Email, Department: a.Department,
		Roles: nonNil(a.Roles), Disabled: a.Disabled, Lang: a.Lang, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
	}
	if a.IDNumber != "" {
		out.IDNumber = MaskIDNumber(a.IDNumber)
	}
	if a.Phone != "" {
		out.Phone = MaskPhone(a.Phone)
	}
	if !a.LockedUntil.IsZero() {
		t := a.LockedUntil
		out.LockedUntil = &t
	}
	return out
}

func nonNil(r []identity.Role) []identity.Role {
	if r == nil {
		return []identity.Role{}
	}
	return r
}

// apiEvent is the JSON form of an audit event.
type apiEvent struct {
	ID         string             `json:"id"`
	At         time.Time          `json:"at"`
	Kind       identity.EventKind `json:"kind"`
	AccountID  string             `json:"account_id,omitempty"`
	Department string             `json:"department,omitempty"`
	Login      string             `json:"login,omitempty"` // masked when it is an identity number or phone
	IP         string             `json:"ip,omitempty"`
	UserAgent  string             `json:"user_agent,omitempty"`
	ClientID   string             `json:"client_id,omitempty"`
	Detail     string             `json:"detail,omitempty"`
}

// apiList is one page of a list.
type apiList[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// apiPaging reads ?offset= and ?limit= (default 50, at most 500).
func apiPaging(r *http.Request) (offset, limit int, err error) {
	q := r.URL.Query()
	read := func(name string, def, max int) (int, error) {
		v := q.Get(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > max {
			return 0, errs.Field(name, "paging."+name, name+" 应为 0 到 "+strconv.Itoa(max)+" 之间的整数",
				name+" must be a whole number from 0 to "+strconv.Itoa(max))
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

// apiMe answers GET /api/v1/me with the caller's account.
func (h *Handlers) apiMe(w http.ResponseWriter, r *http.Request) error {
	a := web.AccountFrom(r.Context())
	web.WriteJSON(w, http.StatusOK, apiMe{ID: a.ID, Kind: a.Kind, DisplayName: a.DisplayName,
		Roles: nonNil(a.Roles), Department: a.Department, Lang: a.Lang})
	return nil
}

// apiAccounts answers GET /api/v1/accounts?kind=&department=&role=&q=&offset=&limit=.
func (h *Handlers) apiAccounts(w http.ResponseWriter, r *http.Request) error {
	offset, limit, err := apiPaging(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, total, err := h.Identity.Accounts(r.Context(), web.AccountFrom(r.Context()), identity.AccountFilter{
		Kind: identity.Kind(q.Get("kind")), Department: q.Get("department"), Role: identity.Role(q.Get("role")),
		Query: q.Get("q"), Offset: offset, Limit: limit,
	})
	if err != nil {
		return err
	}
	out := apiList[apiAccount]{Items: []apiAccount{}, Total: total, Offset: offset, Limit: limit}
	for _, a := range list {
		out.Items = append(out.Items, toAPIAccount(a))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiAccount answers GET /api/v1/accounts/{id}.
func (h *Handlers) apiAccount(w http.ResponseWriter, r *http.Request) error {
	a, err := h.Identity.Account(r.Context(), web.AccountFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, toAPIAccount(a))
	return nil
}

// apiEvents answers GET /api/v1/audit-events?kind=&account_id=&since=&until=&offset=&limit=
// with the events the caller may read (times in RFC 3339).
func (h *Handlers) apiEvents(w http.ResponseWriter, r *http.Request) error {
	offset, limit, err := apiPaging(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := identity.EventFilter{Kind: identity.EventKind(q.Get("kind")), AccountID: q.Get("account_id"), Offset: offset, Limit: limit}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return errs.Field(p.name, "time.format", p.name+" 应为 RFC 3339 时间，例如 2024-03-01T08:00:00+08:00",
					p.name+" must be an RFC 3339 time such as 2024-03-01T08:00:00+08:00")
			}
			*p.dst = t.UTC()
		}
	}
	list, total, err := h.Identity.Events(r.Context(), web.AccountFrom(r.Context()), f)
	if err != nil {
		return err
	}
	out := apiList[apiEvent]{Items: []apiEvent{}, Total: total, Offset: offset, Limit: limit}
	for _, e := range list {
		out.Items = append(out.Items, apiEvent{ID: e.ID, At: e.At, Kind: e.Kind, AccountID: e.AccountID,
			Department: e.Department, Login: maskLogin(e.Login), IP: e.IP, UserAgent: e.UserAgent,
			ClientID: e.ClientID, Detail: e.Detail})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
