package commandweb

import (
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// The APIs the pages' scripts call.
const (
	apiCells      = "/api/v1/grid/cells"
	apiMap        = "/api/v1/events/map"
	apiStream     = "/api/v1/events/stream"
	apiHeat       = "/api/v1/events/heat"
	apiCategories = "/api/v1/events/categories"
	apiStats      = "/api/v1/events/stats"
	eventPage     = "/events/"
)

// option is a choice of a select.
type option struct {
	Value, Label string
}

// mapConfig is what the map's script reads from the page.
type mapConfig struct {
	Levels  []string          `json:"levels"`  // level names, top first
	Filter  mapFilter         `json:"filter"`  // as the page was asked for
	Periods []period          `json:"periods"` // the choices of period
	Limit   int               `json:"limit"`   // events asked for at most
	API     map[string]string `json:"api"`
	Text    map[string]string `json:"text"` // labels in the page's language
	Lang    string            `json:"lang"`
}

// mapData is the data of the map page.
type mapData struct {
	Filter   mapFilter
	Problems []error
	Invalid  map[string]bool // fields with a problem
	Streets  []option
	States   []option // value, message key
	Periods  []option // value, message key
	Config   mapConfig
}

// mapPage is the command-centre map.
func (h *Handlers) mapPage(w http.ResponseWriter, r *http.Request) error {
	ix, err := h.Grid.Index(r.Context())
	if err != nil {
		return err
	}
	levels := ix.Levels()
	if len(levels) < 2 {
		return errs.E(errs.NotFound, "command.no_grid", "尚未导入网格", "no grid has been imported yet")
	}
	lang := web.LangFrom(r.Context())
	d := &mapData{Invalid: map[string]bool{}}
	d.Filter, d.Problems = readMapFilter(r.URL.Query(), ix, levels[1].Name)
	for _, p := range d.Problems {
		if e := errs.As(p); e != nil {
			d.Invalid[e.Field] = true
		}
	}
	for _, c := range ix.Cells(levels[1].Name, "") {
		d.Streets = append(d.Streets, option{c.Code, c.Name})
	}
	for _, s := range States {
		d.States = append(d.States, option{s, "command.state." + s})
	}
	for _, p := range Periods {
		d.Periods = append(d.Periods, option{p.Code, "command.period." + p.Code})
	}
	d.Config = mapConfig{Levels: levels.Names(), Filter: d.Filter, Periods: Periods, Limit: MarkerLimit, Lang: lang,
		API: map[string]string{"cells": apiCells, "map": apiMap, "stream": apiStream, "heat": apiHeat,
			"categories": apiCategories, "event": eventPage},
		Text: h.scriptText(lang, "command.js.", "command.state.")}
	return h.Renderer.Page(w, r, http.StatusOK, module+"/map", d)
}

// scriptText returns the messages whose keys start with one of prefixes,
// in lang, by key without "command.".
func (h *Handlers) scriptText(lang string, prefixes ...string) map[string]string {
	out := map[string]string{}
	for k := range messages {
		for _, p := range prefixes {
			if strings.HasPrefix(k, p) {
				out[strings.TrimPrefix(k, "command.")] = h.Renderer.T(lang, k)
			}
		}
	}
	return out
}

// nodeGroup is a group of the dashboard's choices of node.
type nodeGroup struct {
	Label string // "" for none
	Nodes []option
}

// preset is a ready-made period of the dashboard.
type preset struct {
	Label string // message key
	URL   string
	On    bool // the period shown
}

// statsConfig is what the dashboard's script reads from the page.
type statsConfig struct {
	Grid       string            `json:"grid"`
	Name       string            `json:"name"`
	Level      string            `json:"level"`
	ChildLevel string            `json:"child_level"` // "" for the finest level
	From       string            `json:"from"`
	To         string            `json:"to"`
	API        map[string]string `json:"api"`
	Text       map[string]string `json:"text"`
	Lang       string            `json:"lang"`
}

// statsData is the data of the dashboard.
type statsData struct {
	Params  statsParams
	Err     error
	Node    *grid.Cell
	Chain   []option // the node's ancestors: address, name
	Groups  []nodeGroup
	Presets []preset
	Config  *statsConfig // nil when the parameters are wrong
}

// statsPage is the dashboard of a grid node over a period.
func (h *Handlers) statsPage(w http.ResponseWriter, r *http.Request) error {
	ix, err := h.Grid.Index(r.Context())
	if err != nil {
		return err
	}
	levels := ix.Levels()
	if len(levels) == 0 || len(ix.Cells(levels[0].Name, "")) == 0 {
		return errs.E(errs.NotFound, "command.no_grid", "尚未导入网格", "no grid has been imported yet")
	}
	lang := web.LangFrom(r.Context())
	today := h.Now().In(h.loc)
	top := ix.Cells(levels[0].Name, "")[0].Code
	d := &statsData{}
	d.Params, d.Err = readStatsParams(r.URL.Query(), ix, top, today)
	d.Groups = nodeGroups(ix, levels, d.Params.Grid, lang)
	d.Presets = presets(d.Params, today)
	status := http.StatusOK
	if d.Err != nil {
		status = http.StatusUnprocessableEntity
		return h.Renderer.Page(w, r, status, module+"/stats", d)
	}
	d.Node = ix.Cell(d.Params.Grid)
	chain := ix.Chain(d.Node.Code)
	for _, c := range chain[:len(chain)-1] {
		d.Chain = append(d.Chain, option{statsParams{c.Code, d.Params.From, d.Params.To}.query(), c.Name})
	}
	child := ""
	if l, ok := levels.Find(d.Node.Level); ok {
		if i := slices.IndexFunc(levels, func(o grid.LevelInfo) bool { return o.Rank == l.Rank+1 }); i >= 0 {
			child = string(levels[i].Name)
		}
	}
	d.Config = &statsConfig{Grid: d.Node.Code, Name: d.Node.Name, Level: string(d.Node.Level), ChildLevel: child,
		From: d.Params.From, To: d.Params.To, Lang: lang,
		API:  map[string]string{"cells": apiCells, "stats": apiStats, "page": "/command/stats"},
		Text: h.scriptText(lang, "command.stats.js.")}
	return h.Renderer.Page(w, r, status, module+"/stats", d)
}

// nodeGroups lists the nodes the dashboard offers: the top level, the
// level below it, and the third level grouped by its parent; and the
// chosen node when it lies deeper.
func nodeGroups(ix *grid.Index, levels grid.Levels, chosen, lang string) []nodeGroup {
	title := func(l grid.LevelInfo) string {
		if lang == "en" {
			return l.TitleEN
		}
		return l.Title
	}
	var out []nodeGroup
	seen := false
	add := func(g nodeGroup, cells []*grid.Cell) {
		for _, c := range cells {
			g.Nodes = append(g.Nodes, option{c.Code, c.Name})
			seen = seen || c.Code == chosen
		}
		if len(g.Nodes) > 0 {
			out = append(out, g)
		}
	}
	add(nodeGroup{}, ix.Cells(levels[0].Name, ""))
	if len(levels) > 1 {
		seconds := ix.Cells(levels[1].Name, "")
		add(nodeGroup{Label: title(levels[1])}, seconds)
		if len(levels) > 2 {
			for _, s := range seconds {
				add(nodeGroup{Label: s.Name + " · " + title(levels[2])}, ix.Cells(levels[2].Name, s.Code))
			}
		}
	}
	if c := ix.Cell(chosen); c != nil && !seen {
		out = append(out, nodeGroup{Label: c.Name, Nodes: []option{{c.Code, c.Name}}})
	}
	return out
}

// presets are the dashboard's ready-made periods, ending today, for the
// chosen node.
func presets(p statsParams, today time.Time) []preset {
	day := func(t time.Time) string { return t.Format(dateLayout) }
	list := []struct {
		label string
		from  time.Time
	}{
		{"command.stats.preset.today", today},
		{"command.stats.preset.7d", today.AddDate(0, 0, -6)},
		{"command.stats.preset.30d", today.AddDate(0, 0, -29)},
		{"command.stats.preset.month", today.AddDate(0, 0, 1-today.Day())},
		{"command.stats.preset.year", today.AddDate(0, 0, 1-today.YearDay())},
	}
	out := make([]preset, 0, len(list))
	for _, l := range list {
		q := statsParams{Grid: p.Grid, From: day(l.from), To: day(today)}
		out = append(out, preset{Label: l.label, URL: q.query(), On: q == p})
	}
	return out
}

// templateFuncs are the pages' template functions.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"errField": func(err error) string {
			if e := errs.As(err); e != nil {
				return e.Field
			}
			return ""
		},
	}
}
