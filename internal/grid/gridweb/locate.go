package gridweb

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

type apiPoint struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
	CRS string  `json:"crs,omitempty"`
}

type apiCell struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Level      string `json:"level"`
	LevelTitle string `json:"level_title"`
	Parent     string `json:"parent,omitempty"`
	Synthetic  bool   `json:"synthetic"`
}

type apiZoneRef struct {
	Layer     string `json:"layer"`
	LayerName string `json:"layer_name"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	Synthetic bool   `json:"synthetic"`
}

// apiLocation is the answer of locate.
type apiLocation struct {
	Input apiPoint     `json:"input"`
	WGS84 apiPoint     `json:"wgs84"`
	Cell  apiCell      `json:"cell"`  // the finest cell
	Chain []apiCell    `json:"chain"` // from the top level down to cell
	Zones []apiZoneRef `json:"zones"`
	// Synthetic is true when any cell or zone in the answer was generated
	// for the demo.
	Synthetic bool `json:"synthetic"`
}

// locate serves ?lon=&lat=[&crs=wgs84|gcj02|bd09].
func (h *Handlers) locate(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	lon, err := coordinate(q.Get("lon"), "lon", "经度", "longitude", 180)
	if err != nil {
		return err
	}
	lat, err := coordinate(q.Get("lat"), "lat", "纬度", "latitude", 90)
	if err != nil {
		return err
	}
	crs, err := grid.ParseCRS(q.Get("crs"))
	if err != nil {
		return err
	}
	loc, err := h.Service.Locate(r.Context(), lon, lat, crs)
	if err != nil {
		return err
	}
	ix, err := h.Service.Index(r.Context())
	if err != nil {
		return err
	}
	out := apiLocation{Input: apiPoint{Lon: lon, Lat: lat, CRS: string(crs)}, WGS84: apiPoint{Lon: loc.Point[0], Lat: loc.Point[1]},
		Chain: []apiCell{}, Zones: []apiZoneRef{}}
	for _, c := range loc.Chain {
		title := string(c.Level)
		if l, ok := ix.Levels().Find(c.Level); ok {
			title = l.Title
			if web.LangFrom(r.Context()) == "en" {
				title = l.TitleEN
			}
		}
		ac := apiCell{Code: c.Code, Name: c.Name, Level: string(c.Level), LevelTitle: title, Parent: c.Parent, Synthetic: c.Synthetic}
		out.Chain = append(out.Chain, ac)
		out.Synthetic = out.Synthetic || c.Synthetic
	}
	out.Cell = out.Chain[len(out.Chain)-1]
	for _, z := range loc.Zones {
		name := z.Layer.Name
		if web.LangFrom(r.Context()) == "en" {
			name = z.Layer.NameEN
		}
		out.Zones = append(out.Zones, apiZoneRef{Layer: z.Layer.Code, LayerName: name, Code: z.Zone.Code, Name: z.Zone.Name, Synthetic: z.Zone.Synthetic})
		out.Synthetic = out.Synthetic || z.Zone.Synthetic
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// coordinate parses a longitude or latitude parameter within ±limit.
func coordinate(s, field, zh, en string, limit float64) (float64, error) {
	if strings.TrimSpace(s) == "" {
		return 0, errs.Field(field, "grid.locate."+field+"_missing", "缺少参数 "+field+"（"+zh+"）", "the parameter "+field+" ("+en+") is missing")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > limit {
		return 0, errs.Field(field, "grid.locate."+field+"_invalid",
			zh+"应为 -"+strconv.Itoa(int(limit))+" 到 "+strconv.Itoa(int(limit))+" 之间的十进制度数",
			"the "+en+" must be decimal degrees between -"+strconv.Itoa(int(limit))+" and "+strconv.Itoa(int(limit)))
	}
	return v, nil
}
