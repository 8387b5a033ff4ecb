package open311

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// Request is an event seen as a service request.
type Request struct {
	ID          string // service_request_id: the event's code
	Token       string // the event's id
	Status      string // open or closed
	StatusNotes string
	ServiceName string
	ServiceCode string
	Description string
	Agency      string // the department it is assigned to, or suggested for
	Notice      string // who handles it and how fast
	Requested   time.Time
	Updated     time.Time
	Expected    time.Time
	Address     string
	AddressID   string // the micro-grid
	Lat, Long   float64
	// Photos counts the event's photos (served by the web adapter);
	// MediaURL is the media_url the client submitted, if any.
	Photos   int
	MediaURL string
}

// The statuses.
const (
	Open   = "open"
	Closed = "closed"
)

// Status maps an event's state to the spec's status: closed events are
// closed, every other state is open.
func Status(st events.State) string {
	if st == events.Closed {
		return Closed
	}
	return Open
}

// Limits of GET requests.
const (
	// MaxRequests is the most requests one query returns (the spec's
	// default volume).
	MaxRequests = 1000
	// MaxSpan is the longest period one query may cover, and the default
	// period (the most recent one).
	MaxSpan = 90 * 24 * time.Hour
	// MaxIDs bounds the service_request_ids of one query.
	MaxIDs = 100
)

// Params are the filters of GET requests as the client sent them (lists
// comma separated, several occurrences joined by commas).
type Params struct {
	IDs         string // service_request_id
	ServiceCode string
	Start, End  string // start_date, end_date
	Status      string
}

// Requests answers GET requests: the service requests matching p, newest
// first, at most MaxRequests. service_request_id overrides the other
// filters; unknown ids are left out.
func (s *Service) Requests(ctx context.Context, apiKey string, p Params, lang string) ([]*Request, error) {
	actor, err := s.reader(ctx, apiKey)
	if err != nil {
		return nil, err
	}
	if ids := splitList(p.IDs); len(ids) > 0 {
		return s.byIDs(ctx, actor, ids, lang)
	}
	f := events.Filter{Limit: MaxRequests}
	if f.Since, f.Until, err = s.period(p.Start, p.End); err != nil {
		return nil, err
	}
	if f.States, err = states(p.Status); err != nil {
		return nil, err
	}
	if codes := splitList(p.ServiceCode); len(codes) > 0 {
		cs, err := s.categories(ctx)
		if err != nil {
			return nil, err
		}
		for _, code := range codes {
			c := cs.Find(code)
			if c == nil {
				return nil, errUnknownService(code)
			}
			f.Categories = append(f.Categories, c.Code)
			for _, k := range cs.Children(c.Code) {
				f.Categories = append(f.Categories, k.Code)
			}
		}
	}
	page, err := s.d.Events.List(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	return s.views(ctx, page.Events, lang)
}

// byIDs returns the requests among ids, in the order asked.
func (s *Service) byIDs(ctx context.Context, actor events.Actor, ids []string, lang string) ([]*Request, error) {
	if len(ids) > MaxIDs {
		return nil, errs.Field("service_request_id", "open311.ids.many", fmt.Sprintf("一次最多查询 %d 个 service_request_id", MaxIDs),
			fmt.Sprintf("at most %d service_request_ids at once", MaxIDs))
	}
	var evs []*events.Event
	seen := map[string]bool{}
	for _, id := range ids {
		ev, err := s.d.Events.Event(ctx, actor, id)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !seen[ev.ID] {
			seen[ev.ID] = true
			evs = append(evs, ev)
		}
	}
	return s.views(ctx, evs, lang)
}

// Request answers GET requests/{id}: the service request with the id
// (the event's code, or its id); errs.NotFound when there is none.
func (s *Service) Request(ctx context.Context, apiKey, id, lang string) (*Request, error) {
	actor, err := s.reader(ctx, apiKey)
	if err != nil {
		return nil, err
	}
	ev, err := s.event(ctx, actor, id, "service_request_id")
	if err != nil {
		return nil, err
	}
	vs, err := s.views(ctx, []*events.Event{ev}, lang)
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

// Token answers GET tokens/{id}: every request is realtime, so a token is
// the event's id (or its code) and answers at once.
func (s *Service) Token(ctx context.Context, apiKey, token string) (*Request, error) {
	actor, err := s.reader(ctx, apiKey)
	if err != nil {
		return nil, err
	}
	ev, err := s.event(ctx, actor, token, "token")
	if err != nil {
		return nil, err
	}
	return &Request{ID: ev.Code, Token: strings.TrimSpace(token)}, nil
}

// Photo returns the n-th (from 1) photo of the request with the id, for
// its media_url.
func (s *Service) Photo(ctx context.Context, apiKey, id string, n int) (string, error) {
	actor, err := s.reader(ctx, apiKey)
	if err != nil {
		return "", err
	}
	ev, err := s.event(ctx, actor, id, "service_request_id")
	if err != nil {
		return "", err
	}
	if n < 1 || n > len(ev.Photos) {
		return "", errs.E(errs.NotFound, "open311.media.not_found", "没有这张照片", "There is no such photo.")
	}
	return ev.Photos[n-1], nil
}

// event finds an event by code or id; what names the parameter.
func (s *Service) event(ctx context.Context, actor events.Actor, id, what string) (*events.Event, error) {
	id = strings.TrimSpace(id)
	if id == "" || len(id) > 64 {
		return nil, errs.Field(what, "open311."+what, fmt.Sprintf("请提供 %s", what), what+" was not provided")
	}
	ev, err := s.d.Events.Event(ctx, actor, id)
	if errs.Is(err, errs.NotFound) {
		return nil, &errs.Error{Kind: errs.NotFound, Code: "open311." + what + ".unknown", Field: what,
			Msg: fmt.Sprintf("%s %.64q 不存在", what, id), MsgEN: fmt.Sprintf("%s %.64q was not found", what, id)}
	}
	return ev, err
}

// period returns the period of start and end: at most MaxSpan, the most
// recent MaxSpan when neither is given, MaxSpan from one when only one is.
func (s *Service) period(start, end string) (since, until time.Time, err error) {
	start, end = strings.TrimSpace(start), strings.TrimSpace(end)
	var sFrom, eFrom time.Time
	if start != "" {
		if sFrom, _, err = ParseTime(start); err != nil {
			return since, until, field(err, "start_date")
		}
	}
	if end != "" {
		if eFrom, until, err = ParseTime(end); err != nil {
			return since, until, field(err, "end_date")
		}
	}
	switch {
	case start == "" && end == "":
		now := s.d.Now().UTC().Truncate(time.Microsecond)
		return now.Add(-MaxSpan), time.Time{}, nil
	case end == "":
		return sFrom, sFrom.Add(MaxSpan), nil
	case start == "":
		return until.Add(-MaxSpan), until, nil
	case eFrom.Before(sFrom):
		return since, until, errs.Field("end_date", "open311.period.order", "end_date 早于 start_date", "end_date is before start_date")
	case eFrom.Sub(sFrom) > MaxSpan:
		return since, until, errs.Field("end_date", "open311.period.span", "查询时段不能超过 90 天",
			"start_date and end_date may not span more than 90 days")
	}
	return sFrom, until, nil
}

// field names the parameter an error is about.
func field(err error, name string) error {
	if e := errs.As(err); e != nil {
		c := *e
		c.Field = name
		c.Msg, c.MsgEN = name+"："+c.Msg, name+": "+c.MsgEN
		return &c
	}
	return err
}

// states returns the event states of a status list.
func states(status string) ([]events.State, error) {
	open, closed := false, false
	for _, st := range splitList(status) {
		switch strings.ToLower(st) {
		case Open:
			open = true
		case Closed:
			closed = true
		default:
			return nil, errs.Field("status", "open311.status", fmt.Sprintf("status %.20q 无效：应为 open 或 closed", st),
				fmt.Sprintf("status %.20q is invalid: use open or closed", st))
		}
	}
	switch {
	case open && !closed:
		var out []events.State
		for _, st := range events.States {
			if st.Open() {
				out = append(out, st)
			}
		}
		return out, nil
	case closed && !open:
		return []events.State{events.Closed}, nil
	}
	return nil, nil
}

// splitList splits a comma-separated list, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// views turns events into requests.
func (s *Service) views(ctx context.Context, evs []*events.Event, lang string) ([]*Request, error) {
	out := make([]*Request, 0, len(evs))
	if len(evs) == 0 {
		return out, nil
	}
	cs, err := s.categories(ctx)
	if err != nil {
		return nil, err
	}
	depts, err := s.departments(ctx)
	if err != nil {
		return nil, err
	}
	ix, err := s.d.Grid.Index(ctx)
	if err != nil {
		return nil, fmt.Errorf("grid index: %w", err)
	}
	subs, err := s.submissions(ctx, evs)
	if err != nil {
		return nil, err
	}
	for _, ev := range evs {
		r := view(ev, cs, depts, ix, lang)
		if sub := subs[ev.ClientRef]; sub != nil && strings.HasPrefix(ev.ReporterID, ReporterPrefix) {
			r.MediaURL = sub.MediaURL
		}
		out = append(out, r)
	}
	return out, nil
}

// submissions returns the submissions of the events reported through
// Open311, by ref.
func (s *Service) submissions(ctx context.Context, evs []*events.Event) (map[string]*Submission, error) {
	var refs []string
	for _, ev := range evs {
		if ev.Source == events.SourceOpen311 && ev.ClientRef != "" {
			refs = append(refs, ev.ClientRef)
		}
	}
	if len(refs) == 0 {
		return nil, nil
	}
	subs, err := s.d.Store.Submissions(ctx, refs)
	if err != nil {
		return nil, fmt.Errorf("open311 submissions: %w", err)
	}
	return subs, nil
}

// view is one event as a request.
func view(ev *events.Event, cs events.Categories, depts map[string]string, ix *grid.Index, lang string) *Request {
	r := &Request{ID: ev.Code, Token: ev.ID, Status: Status(ev.State), ServiceCode: ev.Category, ServiceName: ev.Category,
		Description: ev.Description, Requested: ev.ReportedAt, Updated: ev.UpdatedAt, Expected: ev.DueAt,
		Address: ev.Address, AddressID: ev.Cell, Lat: ev.Lat, Long: ev.Lon, Photos: len(ev.Photos)}
	if !ev.ClosedAt.IsZero() {
		r.Updated = ev.ClosedAt
	}
	if c := cs.Find(ev.Category); c != nil {
		r.ServiceName = name(c, lang)
		r.Notice = handling(c, depts, lang)
	}
	dept := ev.AssigneeDept
	if dept == "" {
		dept = ev.RouteDept
	}
	if r.Agency = depts[dept]; r.Agency == "" {
		r.Agency = dept
	}
	if r.Address == "" {
		r.Address = place(ev, ix)
	}
	r.StatusNotes = notes(ev, lang)
	return r
}

// place names where an event lies: its cells from the finest up, as the
// spec orders an address.
func place(ev *events.Event, ix *grid.Index) string {
	var parts []string
	for i := len(ev.Chain) - 1; i >= 0; i-- {
		if c := ix.Cell(ev.Chain[i]); c != nil {
			parts = append(parts, c.Name)
		}
	}
	return strings.Join(parts, ", ")
}

// notes explains an event's status.
func notes(ev *events.Event, lang string) string {
	parts := []string{events.StateName(ev.State, lang)}
	en := lang == "en"
	if ev.DuplicateOf != "" {
		parts = append(parts, pick(en, "重复事件，已与另一事件合并处理", "duplicate request, handled with another"))
	}
	if ev.State.Open() && ev.Overdue {
		parts = append(parts, pick(en, "已超时", "overdue"))
	}
	if ev.Synthetic {
		parts = append(parts, pick(en, "演示数据（模拟生成）", "synthetic demo data"))
	}
	if en {
		return strings.Join(parts, "; ")
	}
	return strings.Join(parts, "；")
}

func pick(en bool, zh, enText string) string {
	if en {
		return enText
	}
	return zh
}
