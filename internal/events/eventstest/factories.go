package eventstest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// Cells of the demo grid the tests use.
const (
	Xinan       = "440306017"       // 新安街道
	Xixiang     = "440306018"       // 西乡街道
	XinanMicro  = "440306017001001" // a micro-grid of 新安
	XinanMicro2 = "440306017002005" // another one, in another community
	XixiangCell = "440306018001001" // a micro-grid of 西乡
)

// PointIn returns a point inside the cell code of ix.
func PointIn(t testing.TB, ix *grid.Index, code string) (lon, lat float64) {
	t.Helper()
	c := ix.Cell(code)
	if c == nil {
		t.Fatalf("no cell %s", code)
	}
	in := func(p grid.Point) bool {
		l := ix.Locate(p)
		for _, x := range l.Chain {
			if x.Code == code {
				return true
			}
		}
		return false
	}
	if p := c.Geometry.Centroid(); in(p) {
		return p[0], p[1]
	}
	b := c.Geometry.Bound()
	for i := 1; i < 40; i++ {
		for j := 1; j < 40; j++ {
			p := grid.Point{b.MinLon + (b.MaxLon-b.MinLon)*float64(i)/40, b.MinLat + (b.MaxLat-b.MinLat)*float64(j)/40}
			if in(p) {
				return p[0], p[1]
			}
		}
	}
	t.Fatalf("no point found inside %s", code)
	return 0, 0
}

// ReportIn returns a report of category in the cell code with a
// description.
func ReportIn(t testing.TB, ix *grid.Index, category, code string) events.Report {
	t.Helper()
	lon, lat := PointIn(t, ix, code)
	return events.Report{Category: category, Description: "测试上报：" + category, Lon: lon, Lat: lat}
}

// Offset returns lon, lat moved east by metres.
func Offset(lon, lat, metres float64) (float64, float64) {
	return lon + metres/(111320*cosDeg(lat)), lat
}

// PNG returns a small PNG image, different for each seed.
func PNG(seed int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(0, 0, color.RGBA{uint8(seed), uint8(seed >> 8), 7, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Photo stores a PNG in the env's files and returns its SHA-256.
func (e *Env) Photo(t testing.TB, seed int) string {
	t.Helper()
	b, err := e.Files.Put(context.Background(), bytes.NewReader(PNG(seed)), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return b.SHA256
}

// Report reports r as a (via the service) and returns the event.
func (e *Env) Report(t testing.TB, a events.Actor, r events.Report) *events.Event {
	t.Helper()
	ev, err := e.Service.Report(context.Background(), a, r)
	if err != nil {
		t.Fatalf("report %+v: %v", r, err)
	}
	return ev
}

// Act applies actions, failing the test on error.
func (e *Env) Act(t testing.TB, a events.Actor, id string, actions ...events.Action) *events.Event {
	t.Helper()
	ev, err := e.Service.Act(context.Background(), a, id, actions...)
	if err != nil {
		t.Fatalf("act %v on %s: %v", actions, id, err)
	}
	return ev
}

// NewEvent returns an event ready for Store.Write (New item) in the cell
// code of ix, reported at at; its chain and zones come from the index.
func NewEvent(ix *grid.Index, code, category string, at time.Time) *events.Event {
	cell := ix.Cell(code)
	p := cell.Geometry.Centroid()
	ev := &events.Event{ID: ids.New(), Category: category, Description: "合同测试 " + category, Lon: p[0], Lat: p[1],
		Cell: code, Source: events.SourceAPI, State: events.Reported, ReporterID: "reporter-1", ReporterName: "测试",
		ReporterKind: events.ActorCitizen, ReportedAt: at, ReceivedAt: at, DueAt: at.Add(4 * time.Hour),
		EscalateAt: at.Add(4 * time.Hour), UpdatedAt: at, Version: 1, Steps: 1}
	for _, c := range ix.Chain(code) {
		ev.Chain = append(ev.Chain, c.Code)
		if c.Level == grid.Street {
			ev.Street = c.Code
		}
	}
	for _, z := range ix.ZonesOf(code) {
		ev.Zones = append(ev.Zones, events.Zone{Layer: z.Layer.Code, Code: z.Zone.Code})
	}
	return ev
}

// NewItem wraps a new event with its report counts.
func NewItem(ev *events.Event) *events.Item {
	it := &events.Item{New: true, Event: ev, Action: events.ActReport}
	for i, g := range ev.Chain {
		it.Stats = append(it.Stats, events.StatDelta{Grid: g, Day: events.DayOf(ev.ReportedAt), Category: ev.Category,
			Finest: i == len(ev.Chain)-1, Reported: 1, Bucket: -1})
	}
	return it
}

func cosDeg(lat float64) float64 { return math.Cos(lat * math.Pi / 180) }

// Describe names an event for test messages.
func Describe(ev *events.Event) string {
	return fmt.Sprintf("%s (%s, %s, v%d)", ev.Code, ev.Category, ev.State, ev.Version)
}
