package eventsweb

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// apiReport is one report in a request.
type apiReport struct {
	Category    string   `json:"category"`
	Description string   `json:"description"`
	Address     string   `json:"address"`
	Lon         *float64 `json:"lon"`
	Lat         *float64 `json:"lat"`
	CRS         string   `json:"crs"`
	Photos      []string `json:"photos"`
	At          string   `json:"at"` // RFC 3339: when it was seen
	ClientRef   string   `json:"client_ref"`
}

// report converts r, or returns why it cannot be.
func (r apiReport) report(src events.Source) (events.Report, error) {
	out := events.Report{Category: r.Category, Description: r.Description, Address: r.Address, Photos: r.Photos,
		ClientRef: r.ClientRef, Source: src}
	if r.Lon == nil || r.Lat == nil {
		return out, errs.Field("location", "events.location.missing", "请提供事件位置（lon、lat）", "give the event's location (lon, lat)")
	}
	out.Lon, out.Lat = *r.Lon, *r.Lat
	crs, err := grid.ParseCRS(strings.ToLower(r.CRS))
	if err != nil {
		return out, err
	}
	out.CRS = crs
	if r.At != "" {
		at, err := time.Parse(time.RFC3339, r.At)
		if err != nil {
			return out, errs.Field("at", "events.at.format", "时间应为 RFC 3339 格式，如 2026-03-15T10:30:00+08:00",
				"the time must be RFC 3339, e.g. 2026-03-15T10:30:00+08:00")
		}
		out.At = at
	}
	return out, nil
}

// decodeReports reads a batch: a JSON array of reports, or an object
// {"reports": [...]}.
func decodeReports(b []byte) ([]apiReport, error) {
	bad := errs.E(errs.Invalid, "events.batch.json", "请求体应为上报的 JSON 数组（或 {\"reports\": [...]}）",
		"the body must be a JSON array of reports (or {\"reports\": [...]})")
	trimmed := strings.TrimSpace(string(b))
	var rs []apiReport
	switch {
	case strings.HasPrefix(trimmed, "["):
		if err := json.Unmarshal(b, &rs); err != nil {
			return nil, &errs.Error{Kind: errs.Invalid, Code: bad.Code, Msg: bad.Msg + "：" + jsonProblem(err), MsgEN: bad.MsgEN + ": " + jsonProblem(err), Err: err}
		}
	case strings.HasPrefix(trimmed, "{"):
		var wrap struct {
			Reports []apiReport `json:"reports"`
		}
		if err := json.Unmarshal(b, &wrap); err != nil {
			return nil, &errs.Error{Kind: errs.Invalid, Code: bad.Code, Msg: bad.Msg + "：" + jsonProblem(err), MsgEN: bad.MsgEN + ": " + jsonProblem(err), Err: err}
		}
		rs = wrap.Reports
	default:
		return nil, bad
	}
	return rs, nil
}

// jsonProblem says briefly where JSON went wrong.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("offset %d: %s", se.Offset, se.Error())
	case errors.As(err, &te):
		return fmt.Sprintf("field %s: expected %s", te.Field, te.Type)
	}
	return "malformed JSON"
}

// apiEvent is the JSON form of an event.
type apiEvent struct {
	ID           string    `json:"id"`
	Code         string    `json:"code"`
	Category     string    `json:"category"`
	CategoryName string    `json:"category_name"`
	Description  string    `json:"description"`
	Address      string    `json:"address,omitempty"`
	Lon          float64   `json:"lon"`
	Lat          float64   `json:"lat"`
	Cell         string    `json:"cell"`
	CellName     string    `json:"cell_name"`
	Chain        []string  `json:"chain"`
	Street       string    `json:"street"`
	StreetName   string    `json:"street_name"`
	Zones        []apiZone `json:"zones"`
	Photos       []string  `json:"photos"`
	Route        apiRoute  `json:"route"`
	Reporter     apiPerson `json:"reporter"`
	Source       string    `json:"source"`
	State        string    `json:"state"`
	Assignee     apiAssign `json:"assignee"`
	Escalation   int       `json:"escalation"`
	EscalatedTo  string    `json:"escalated_to,omitempty"`
	Overdue      bool      `json:"overdue"`
	SimilarTo    string    `json:"similar_to,omitempty"`
	DuplicateOf  string    `json:"duplicate_of,omitempty"`
	ReportedAt   string    `json:"reported_at"`
	ReceivedAt   string    `json:"received_at"`
	DueAt        string    `json:"due_at"`
	ClosedAt     string    `json:"closed_at,omitempty"`
	UpdatedAt    string    `json:"updated_at"`
	Version      int       `json:"version"`
	Synthetic    bool      `json:"synthetic"`
	Trace        []apiStep `json:"trace,omitempty"`
	Allowed      []string  `json:"allowed,omitempty"`
	Existing     bool      `json:"existing,omitempty"`
	HandledHours *float64  `json:"handling_hours,omitempty"`
}

type apiZone struct {
	Layer string `json:"layer"`
	Code  string `json:"code"`
	Name  string `json:"name"`
}

type apiRoute struct {
	Department string `json:"department"`
	Zone       string `json:"zone,omitempty"`
	Reason     string `json:"reason"`
}

type apiPerson struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

type apiAssign struct {
	Department string `json:"department,omitempty"`
	Zone       string `json:"zone,omitempty"`
	Worker     string `json:"worker,omitempty"`
}

func (n *names) event(ev *events.Event, now time.Time) apiEvent {
	out := apiEvent{ID: ev.ID, Code: ev.Code, Category: ev.Category, CategoryName: n.category(ev.Category), Description: ev.Description,
		Address: ev.Address, Lon: ev.Lon, Lat: ev.Lat, Cell: ev.Cell, CellName: n.cell(ev.Cell), Chain: ev.Chain, Street: ev.Street,
		StreetName: n.cell(ev.Street), Zones: []apiZone{}, Photos: ev.Photos,
		Route:    apiRoute{Department: ev.RouteDept, Zone: ev.RouteZone, Reason: ev.RouteReason},
		Reporter: apiPerson{Name: ev.ReporterName, Kind: string(ev.ReporterKind)}, Source: string(ev.Source), State: string(ev.State),
		Assignee:   apiAssign{Department: ev.AssigneeDept, Zone: ev.AssigneeZone, Worker: ev.AssigneeWorker},
		Escalation: ev.Escalation, EscalatedTo: ev.EscalatedTo, Overdue: ev.OverdueAt(now), SimilarTo: ev.SimilarTo,
		DuplicateOf: ev.DuplicateOf, ReportedAt: apiTime(ev.ReportedAt), ReceivedAt: apiTime(ev.ReceivedAt),
		DueAt: apiTime(ev.DueAt), ClosedAt: apiTime(ev.ClosedAt), UpdatedAt: apiTime(ev.UpdatedAt), Version: ev.Version,
		Synthetic: ev.Synthetic}
	if out.Photos == nil {
		out.Photos = []string{}
	}
	for _, z := range ev.Zones {
		out.Zones = append(out.Zones, apiZone{Layer: z.Layer, Code: z.Code, Name: n.zone(z.Layer, z.Code)})
	}
	if !ev.ClosedAt.IsZero() {
		h := ev.HandlingTime().Hours()
		out.HandledHours = &h
	}
	return out
}

// apiStep is the JSON form of a step of the trace.
type apiStep struct {
	Seq        int      `json:"seq"`
	Action     string   `json:"action"`
	From       string   `json:"from,omitempty"`
	To         string   `json:"to"`
	Actor      string   `json:"actor"`
	Role       string   `json:"role"`
	At         string   `json:"at"`
	Lon        *float64 `json:"lon,omitempty"`
	Lat        *float64 `json:"lat,omitempty"`
	Note       string   `json:"note,omitempty"`
	Department string   `json:"department,omitempty"`
	Zone       string   `json:"zone,omitempty"`
	Worker     string   `json:"worker,omitempty"`
	Target     string   `json:"target,omitempty"`
	Photos     []string `json:"photos,omitempty"`
}

func toAPIStep(st *events.Step) apiStep {
	out := apiStep{Seq: st.Seq, Action: string(st.Action), From: string(st.From), To: string(st.To), Actor: st.ActorName,
		Role: st.ActorRole, At: apiTime(st.At), Note: st.Note, Department: st.Department, Zone: st.Zone, Worker: st.Worker,
		Target: st.Target, Photos: st.Photos}
	if st.Where != nil {
		out.Lon, out.Lat = &st.Where.Lon, &st.Where.Lat
	}
	return out
}

// apiAction is the body of POST /api/v1/events/{id}/actions: one action,
// or several in "actions".
type apiAction struct {
	Action     string      `json:"action"`
	Note       string      `json:"note"`
	Department string      `json:"department"`
	Zone       string      `json:"zone"`
	Worker     string      `json:"worker"`
	Target     string      `json:"target"`
	Photos     []string    `json:"photos"`
	Lon        *float64    `json:"lon"`
	Lat        *float64    `json:"lat"`
	Actions    []apiAction `json:"actions"`
}

func (a apiAction) actions() []events.Action {
	if len(a.Actions) > 0 {
		var out []events.Action
		for _, x := range a.Actions {
			out = append(out, x.actions()...)
		}
		return out
	}
	act := events.Action{Kind: events.ActionKind(a.Action), Note: a.Note, Department: a.Department, Zone: a.Zone,
		Worker: a.Worker, Target: a.Target, Photos: a.Photos}
	if a.Lon != nil && a.Lat != nil {
		act.Where = &events.Point{Lon: *a.Lon, Lat: *a.Lat}
	}
	return []events.Action{act}
}

// apiCategory is the JSON form of a category.
type apiCategory struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	NameEN     string `json:"name_en"`
	Parent     string `json:"parent"`
	Department string `json:"department"`
	Layer      string `json:"layer"`
	SLAHours   int    `json:"sla_hours"`
	Position   int    `json:"position"`
	Disabled   bool   `json:"disabled"`
	Version    int    `json:"version"`
}

func toAPICategory(c *events.Category) apiCategory {
	return apiCategory{Code: c.Code, Name: c.Name, NameEN: c.NameEN, Parent: c.Parent, Department: c.Department, Layer: c.Layer,
		SLAHours: c.SLAHours, Position: c.Position, Disabled: c.Disabled, Version: c.Version}
}

func (c apiCategory) category() events.Category {
	return events.Category{Code: c.Code, Name: c.Name, NameEN: c.NameEN, Parent: c.Parent, Department: c.Department, Layer: c.Layer,
		SLAHours: c.SLAHours, Position: c.Position, Disabled: c.Disabled, Version: c.Version}
}
