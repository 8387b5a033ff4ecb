package events

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// Report is what a reporter says: what, where, when, with photos.
type Report struct {
	Category    string
	Description string
	Address     string
	Lon, Lat    float64
	CRS         grid.CRS // of Lon, Lat; "" for WGS84
	Photos      []string // SHA-256 of stored images (JPEG or PNG)
	// At is when it was seen; zero means now. A device that was offline
	// reports later with the time it saw it.
	At     time.Time
	Source Source
	// ClientRef is the reporter's own reference for the report (a patrol
	// device's id for it): reporting the same reference again returns the
	// event already stored, so a device may retry safely.
	ClientRef string
	// Synthetic marks generated reports (the simulation); only the
	// platform itself may make them.
	Synthetic bool
}

// Result is the outcome of one report of a batch: the event, or why the
// report was refused.
type Result struct {
	Event *Event
	// Existing says the event was stored before under the same ClientRef.
	Existing bool
	Err      error
}

// Limits of a report's text.
const (
	MaxDescription = 4000
	MaxAddress     = 200
	MaxClientRef   = 64
	MaxNote        = 2000
)

// Report stores one report as a new event (or returns the event stored
// under the same ClientRef), placed in its micro-grid and zones with a
// routing suggestion, flagged when it may duplicate an open event. Anyone
// signed in may report. The event is durable when Report returns.
func (s *Service) Report(ctx context.Context, actor Actor, r Report) (*Event, error) {
	if r.Source == "" {
		r.Source = SourceAPI
	}
	res, err := s.ingest(ctx, actor, []Report{r})
	if err != nil {
		return nil, err
	}
	return res[0].Event, res[0].Err
}

// Batch stores many reports in one transaction (patrol devices,
// imports, the simulation): each report gets its own Result, refused ones
// with their error; err is a failure of the whole batch, in which case
// nothing was stored. Grid workers, dispatchers, admins, clients and the
// platform may send batches; their source is "batch" unless the platform
// says otherwise.
func (s *Service) Batch(ctx context.Context, actor Actor, rs []Report) ([]Result, error) {
	if actor.Kind == ActorCitizen || actor.Kind == ActorStaff && !actor.IsGridWorker() && !actor.IsDispatcher() {
		return nil, errs.E(errs.Forbidden, "events.batch.forbidden", "只有网格员、调度员和接入系统可以批量上报",
			"Only grid workers, dispatchers and connected systems may report in batches.")
	}
	for i := range rs {
		if !actor.IsSystem() || rs[i].Source == "" {
			rs[i].Source = SourceBatch
		}
	}
	return s.ingest(ctx, actor, rs)
}

// ingest validates, places and stores reports.
func (s *Service) ingest(ctx context.Context, actor Actor, rs []Report) ([]Result, error) {
	if actor.ID == "" && actor.Kind != ActorClient {
		return nil, errs.E(errs.Unauthenticated, "login.required", "请先登录", "Please sign in first.")
	}
	if len(rs) == 0 || len(rs) > s.d.Config.MaxBatch {
		return nil, errs.Field("reports", "events.batch.size", fmt.Sprintf("每批应有 1–%d 条上报", s.d.Config.MaxBatch),
			fmt.Sprintf("a batch holds 1–%d reports", s.d.Config.MaxBatch))
	}
	ix, err := s.d.Grid.Index(ctx)
	if err != nil {
		return nil, fmt.Errorf("grid index: %w", err)
	}
	cats, err := s.Categories(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := make([]Result, len(rs))
	for i := range rs {
		out[i].Event, out[i].Err = s.place(ctx, actor, &rs[i], ix, cats, now)
	}
	if err := s.existing(ctx, actor, out); err != nil {
		return nil, err
	}
	if err := s.flagSimilar(ctx, out); err != nil {
		return nil, err
	}
	var items []*Item
	for _, r := range out {
		if r.Err == nil && !r.Existing {
			items = append(items, reportItem(r.Event))
		}
	}
	if len(items) == 0 {
		return out, nil
	}
	if err := s.store.Write(ctx, s.origin, items); err != nil {
		return nil, fmt.Errorf("store reports: %w", err)
	}
	changes := make([]Change, len(items))
	for i, it := range items {
		s.recent.apply(it.Event)
		changes[i] = Change{Action: ActReport, Event: it.Event.clone(), At: now}
	}
	s.d.Broker.Publish(changes...)
	return out, nil
}

// place validates one report and builds its event (without a code).
func (s *Service) place(ctx context.Context, actor Actor, r *Report, ix *grid.Index, cats Categories, now time.Time) (*Event, error) {
	r.Description, r.Address = strings.TrimSpace(r.Description), strings.TrimSpace(r.Address)
	r.ClientRef, r.Category = strings.TrimSpace(r.ClientRef), strings.TrimSpace(r.Category)
	cat := cats.Find(r.Category)
	switch {
	case cat == nil || cat.Disabled:
		return nil, errs.Field("category", "events.category.unknown", fmt.Sprintf("事件类别 %.32q 不存在或已停用", r.Category),
			fmt.Sprintf("there is no event category %.32q, or it is no longer used", r.Category))
	case utf8.RuneCountInString(r.Description) > MaxDescription || !utf8.ValidString(r.Description):
		return nil, errs.Field("description", "events.description.long", fmt.Sprintf("描述不超过 %d 个字符", MaxDescription),
			fmt.Sprintf("the description is at most %d characters", MaxDescription))
	case utf8.RuneCountInString(r.Address) > MaxAddress || !utf8.ValidString(r.Address):
		return nil, errs.Field("address", "events.address.long", fmt.Sprintf("地址不超过 %d 个字符", MaxAddress),
			fmt.Sprintf("the address is at most %d characters", MaxAddress))
	case len(r.ClientRef) > MaxClientRef:
		return nil, errs.Field("client_ref", "events.client_ref.long", fmt.Sprintf("客户端编号不超过 %d 个字符", MaxClientRef),
			fmt.Sprintf("the client reference is at most %d characters", MaxClientRef))
	case !ValidSource(r.Source):
		return nil, errs.Field("source", "events.source", "上报来源无效", "unknown source")
	case (r.Synthetic || r.Source == SourceSimulation) && !actor.IsSystem():
		return nil, errs.E(errs.Forbidden, "events.synthetic", "只有平台本身可以生成模拟事件", "Only the platform may generate synthetic events.")
	}
	at, err := s.reportTime(actor, r.At, now)
	if err != nil {
		return nil, err
	}
	loc, p, err := locate(ix, r.Lon, r.Lat, r.CRS)
	if err != nil {
		return nil, err
	}
	photos, err := s.checkPhotos(ctx, r.Photos)
	if err != nil {
		return nil, err
	}
	ev := &Event{ID: ids.New(), Category: cat.Code, Description: r.Description, Address: r.Address, Lon: p[0], Lat: p[1],
		Photos: photos, ReporterID: actor.ID, ReporterName: actor.Name, ReporterKind: actor.Kind, ClientRef: r.ClientRef,
		Source: r.Source, State: Reported, ReportedAt: at, ReceivedAt: now, DueAt: at.Add(cat.SLA()),
		UpdatedAt: now, Version: 1, Synthetic: r.Synthetic || r.Source == SourceSimulation}
	ev.EscalateAt = ev.DueAt
	for _, c := range loc.Chain {
		ev.Chain = append(ev.Chain, c.Code)
		if c.Level == grid.Street {
			ev.Street = c.Code
		}
	}
	ev.Cell = loc.Cell().Code
	if len(ev.Chain) < 2 { // nowhere to escalate to
		ev.EscalateAt = time.Time{}
	}
	for _, z := range loc.Zones {
		ev.Zones = append(ev.Zones, Zone{Layer: z.Layer.Code, Code: z.Zone.Code})
	}
	ev.RouteDept, ev.RouteZone, ev.RouteReason = route(cat, ev, ix)
	return ev, nil
}

// reportTime checks when a report says it was seen.
func (s *Service) reportTime(actor Actor, at, now time.Time) (time.Time, error) {
	if at.IsZero() {
		return now, nil
	}
	at = at.UTC().Truncate(time.Microsecond)
	switch {
	case at.After(now.Add(5 * time.Minute)):
		return time.Time{}, errs.Field("at", "events.at.future", "上报时间晚于当前时间", "the report's time lies in the future")
	case !actor.IsSystem() && at.Before(now.Add(-s.d.Config.MaxAge)):
		return time.Time{}, errs.Field("at", "events.at.old", fmt.Sprintf("只能补报 %d 天内发现的事件", int(s.d.Config.MaxAge.Hours()/24)),
			fmt.Sprintf("events may be reported at most %d days after they were seen", int(s.d.Config.MaxAge.Hours()/24)))
	}
	if at.After(now) { // a device's clock a little ahead
		at = now
	}
	return at, nil
}

// locate places a point given in crs.
func locate(ix *grid.Index, lon, lat float64, crs grid.CRS) (grid.Location, grid.Point, error) {
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 || lon == 0 && lat == 0 {
		return grid.Location{}, grid.Point{}, errs.Field("location", "events.location.range",
			"请提供事件位置：经度 -180 到 180，纬度 -90 到 90", "give the event's location: longitude -180 to 180, latitude -90 to 90")
	}
	if crs == "" {
		crs = grid.WGS84
	}
	p := grid.ToWGS84(grid.Point{lon, lat}, crs)
	loc := ix.Locate(p)
	if loc.Cell() == nil {
		return loc, p, errs.Field("location", "events.location.outside",
			fmt.Sprintf("位置（WGS84 %.6f, %.6f）不在任何网格内", p[0], p[1]),
			fmt.Sprintf("the location (WGS84 %.6f, %.6f) lies in no grid cell", p[0], p[1]))
	}
	return loc, p, nil
}

// checkPhotos checks that every photo is a stored image.
func (s *Service) checkPhotos(ctx context.Context, shas []string) ([]string, error) {
	if len(shas) == 0 {
		return nil, nil
	}
	if len(shas) > s.d.Config.MaxPhotos {
		return nil, errs.Field("photos", "events.photos.many", fmt.Sprintf("照片不超过 %d 张", s.d.Config.MaxPhotos),
			fmt.Sprintf("at most %d photos", s.d.Config.MaxPhotos))
	}
	out := make([]string, 0, len(shas))
	for _, sha := range shas {
		sha = strings.ToLower(strings.TrimSpace(sha))
		if !files.ValidSHA256(sha) || s.d.Files == nil {
			return nil, errPhoto
		}
		rc, b, err := s.d.Files.Open(ctx, sha)
		if errs.Is(err, errs.NotFound) {
			return nil, errPhoto
		}
		if err != nil {
			return nil, fmt.Errorf("open photo %s: %w", sha, err)
		}
		rc.Close()
		if b.ContentType != files.JPEG && b.ContentType != files.PNG {
			return nil, errs.Field("photos", "events.photos.type", "照片应为 JPG 或 PNG 图片", "photos must be JPEG or PNG images")
		}
		out = append(out, sha)
	}
	return out, nil
}

var errPhoto = errs.Field("photos", "events.photos.unknown", "照片不存在，请重新上传", "a photo was not found; upload it again")

// route suggests the department and zone for an event, with the reason.
func route(cat *Category, ev *Event, ix *grid.Index) (dept, zone, reason string) {
	dept = cat.Department
	name := func(code string) string {
		if c := ix.Cell(code); c != nil {
			return c.Name
		}
		return code
	}
	if cat.Layer != "" {
		if z := ev.Zone(cat.Layer); z != "" {
			zname, lname := z, cat.Layer
			for _, l := range ix.Layers() {
				if l.Code == cat.Layer {
					lname = l.Name
				}
			}
			for _, zz := range ix.Zones(cat.Layer) {
				if zz.Code == z {
					zname = zz.Name
				}
			}
			return dept, z, fmt.Sprintf("类别「%s」由 %s 负责；事件位于%s %s（%s）", cat.Name, dept, lname, zname, z)
		}
	}
	if ev.Street != "" {
		return dept, ev.Street, fmt.Sprintf("类别「%s」由 %s 负责；按所在街道 %s（%s）分派", cat.Name, dept, name(ev.Street), ev.Street)
	}
	return dept, "", fmt.Sprintf("类别「%s」由 %s 负责", cat.Name, dept)
}

// existing marks the reports whose ClientRef the reporter used before,
// replacing their events with the stored ones.
func (s *Service) existing(ctx context.Context, actor Actor, out []Result) error {
	var refs []string
	seen := map[string]int{}
	for i, r := range out {
		if r.Err != nil || r.Event.ClientRef == "" {
			continue
		}
		if j, dup := seen[r.Event.ClientRef]; dup { // the same ref twice in one batch: the first counts
			out[i] = Result{Event: out[j].Event, Existing: true}
			continue
		}
		seen[r.Event.ClientRef] = i
		refs = append(refs, r.Event.ClientRef)
	}
	if len(refs) == 0 {
		return nil
	}
	stored, err := s.store.EventsByClientRef(ctx, actor.ID, refs)
	if err != nil {
		return fmt.Errorf("find reports by client reference: %w", err)
	}
	for i, r := range out {
		if r.Err == nil && !r.Existing {
			if ev, ok := stored[r.Event.ClientRef]; ok {
				out[i] = Result{Event: ev, Existing: true}
			}
		}
	}
	return nil
}

// flagSimilar sets SimilarTo on new events that may duplicate an open
// event (recent, or earlier in the batch) of the same category nearby.
func (s *Service) flagSimilar(ctx context.Context, out []Result) error {
	if err := s.recent.ensure(ctx, s.store, s.Now()); err != nil {
		return err
	}
	batch := newRecent(s.d.Config.DuplicateRadiusM, s.d.Config.DuplicateWindow)
	for _, r := range out {
		if r.Err != nil || r.Existing {
			continue
		}
		r.Event.SimilarTo = s.recent.find(r.Event, batch)
		batch.add(r.Event)
	}
	return nil
}

// DistanceM returns the great-circle distance in metres between two WGS84
// points.
func DistanceM(lon1, lat1, lon2, lat2 float64) float64 {
	const r = 6371008.8
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// reportItem is the write of a new event and its counts. The report
// itself is the event's row: the first step of its trace is made from it
// ([ReportStep]), not stored again.
func reportItem(ev *Event) *Item {
	ev.Steps = 1
	day := DayOf(ev.ReportedAt)
	deltas := make([]StatDelta, len(ev.Chain))
	for i, g := range ev.Chain {
		deltas[i] = StatDelta{Grid: g, Day: day, Category: ev.Category, Finest: i == len(ev.Chain)-1, Reported: 1, Bucket: -1}
	}
	return &Item{New: true, Event: ev, Stats: deltas, Action: ActReport}
}

// ReportStep is the first step of ev's trace: the report, as the event
// records it.
func ReportStep(ev *Event) *Step {
	return &Step{EventID: ev.ID, Seq: 1, Action: ActReport, From: "", To: Reported, ActorID: ev.ReporterID,
		ActorName: ev.ReporterName, ActorRole: reporterRole(ev), At: ev.ReportedAt, Where: &Point{ev.Lon, ev.Lat},
		Note: ev.Description, Department: ev.RouteDept, Zone: ev.RouteZone, Target: ev.SimilarTo, Photos: ev.Photos}
}

func reporterRole(ev *Event) string {
	switch ev.ReporterKind {
	case ActorSystem:
		return "system"
	case ActorClient:
		return "client"
	}
	return "reporter"
}
