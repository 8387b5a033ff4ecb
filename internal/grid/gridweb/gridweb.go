// Package gridweb is the public JSON API of the governance grid under
// /api/v1/grid: the cells of a level as a GeoJSON FeatureCollection, one
// cell, the levels, the specialised layers with their zones, and locate —
// which cells and zones lie at a point given in WGS84, GCJ-02 or BD-09.
// Errors are RFC 9457 problem details.
//
// The grid is public data: every endpoint answers anyone, signed in or
// not. Cells generated for the demo carry "synthetic": true.
package gridweb

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// Deps are what the handlers need.
type Deps struct {
	// Service is the grid service. Required.
	Service *grid.Service
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Handlers serve the grid API.
type Handlers struct {
	Deps
}

// New returns the handlers, or an error naming a missing dependency.
func New(d Deps) (*Handlers, error) {
	if d.Service == nil {
		return nil, errors.New("gridweb: Service is required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Handlers{Deps: d}, nil
}

// Routes registers the API on mux. All of it is public.
func (h *Handlers) Routes(mux *http.ServeMux) {
	mux.Handle("GET /api/v1/grid/cells", web.Handler(h.cells))
	mux.Handle("GET /api/v1/grid/cells/{code}", web.Handler(h.cell))
	mux.Handle("GET /api/v1/grid/levels", web.Handler(h.levels))
	mux.Handle("GET /api/v1/grid/layers", web.Handler(h.layers))
	mux.Handle("GET /api/v1/grid/locate", web.Handler(h.locate))
}

// geoJSON is the media type of GeoJSON (RFC 7946).
const geoJSON = "application/geo+json"

// cells serves ?level=L[&parent=CODE] as a FeatureCollection. Responses
// carry an ETag of the grid's revision, so that clients revalidate
// cheaply.
func (h *Handlers) cells(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	level, parent := grid.Level(q.Get("level")), q.Get("parent")
	if level == "" {
		return errs.Field("level", "grid.level_required", "请用 level 参数指定层级，例如 level=street",
			"give the level, e.g. level=street")
	}
	rev, err := h.Service.Revision(r.Context())
	if err != nil {
		return err
	}
	etag := fmt.Sprintf(`"grid-%d"`, rev) // per URL, so the revision suffices
	if match := r.Header.Get("If-None-Match"); match != "" && match == etag {
		w.Header().Set("ETag", etag)
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	cells, err := h.Service.Cells(r.Context(), level, parent)
	if err != nil {
		return err
	}
	b := grid.AppendFeatureCollection(make([]byte, 0, 512*len(cells)+64), cells)
	// Foreign members: what was asked, and whether any cell is synthetic.
	synthetic := false
	for _, c := range cells {
		synthetic = synthetic || c.Synthetic
	}
	b = append(b[:len(b)-1], fmt.Sprintf(`,"level":%q,"parent":%q,"count":%d,"synthetic":%t,"revision":%d}`,
		level, parent, len(cells), synthetic, rev)...)
	w.Header().Set("Content-Type", geoJSON)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", etag)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(append(b, '\n'))
	return nil
}

// cell serves one cell as a Feature.
func (h *Handlers) cell(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Service.Cell(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", geoJSON)
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(append(grid.AppendFeature(nil, c), '\n'))
	return nil
}

type apiLevel struct {
	Name    string `json:"name"`
	Rank    int    `json:"rank"`
	Title   string `json:"title"`
	TitleEN string `json:"title_en"`
	Cells   int    `json:"cells"`
}

// levels lists the levels with how many cells each has.
func (h *Handlers) levels(w http.ResponseWriter, r *http.Request) error {
	ls, err := h.Service.Levels(r.Context())
	if err != nil {
		return err
	}
	n, err := h.Service.Counts(r.Context())
	if err != nil {
		return err
	}
	out := []apiLevel{}
	for _, l := range ls {
		out = append(out, apiLevel{Name: string(l.Name), Rank: l.Rank, Title: l.Title, TitleEN: l.TitleEN, Cells: n[l.Name]})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"levels": out})
	return nil
}

type apiZone struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Synthetic bool   `json:"synthetic"`
	Cells     int    `json:"cells"`
}

type apiLayer struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	NameEN    string    `json:"name_en"`
	Synthetic bool      `json:"synthetic"`
	Zones     []apiZone `json:"zones"`
}

// layers lists the specialised layers with their zones and how many cells
// (micro-grids, in the demo) each zone is made of.
func (h *Handlers) layers(w http.ResponseWriter, r *http.Request) error {
	ix, err := h.Service.Index(r.Context())
	if err != nil {
		return err
	}
	out := []apiLayer{}
	for _, l := range ix.Layers() {
		al := apiLayer{Code: l.Code, Name: l.Name, NameEN: l.NameEN, Synthetic: l.Synthetic, Zones: []apiZone{}}
		for _, z := range ix.Zones(l.Code) {
			al.Zones = append(al.Zones, apiZone{Code: z.Code, Name: z.Name, Synthetic: z.Synthetic, Cells: ix.ZoneSize(l.Code, z.Code)})
		}
		out = append(out, al)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"layers": out})
	return nil
}
