package gridweb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/grid/gridsql"
	"github.com/pengcheng-gov/pengcheng/internal/grid/gridweb"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// newServer boots the web shell with the grid API on a database holding
// the demo grid.
func newServer(t *testing.T, d *db.DB) *web.Server {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	env := identitytest.NewEnv(t, d)
	svc := grid.NewService(gridsql.New(d), nil, log)
	src, err := os.ReadFile("../../demo/data/baoan.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := grid.SeedDemo(context.Background(), svc, src); err != nil {
		t.Fatal(err)
	}
	srv, err := web.NewServer(web.Options{Log: log, Registry: prometheus.NewRegistry(), Sessions: env.Service})
	if err != nil {
		t.Fatal(err)
	}
	h, err := gridweb.New(gridweb.Deps{Service: svc, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	h.Routes(srv.Mux)
	return srv
}

// get makes an anonymous request.
func get(srv http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	return w
}

type featureCollection struct {
	Type      string `json:"type"`
	Count     int    `json:"count"`
	Synthetic bool   `json:"synthetic"`
	Features  []struct {
		Properties struct {
			Code, Name, Level, Parent string
			Synthetic                 bool
		}
		Geometry struct{ Type string }
	}
}

type problem struct {
	Status int
	Code   string
	Detail string
	Errors []struct{ Field string }
}

func TestCells(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		srv := newServer(t, d)
		w := get(srv, "/api/v1/grid/cells?level=street")
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/geo+json" {
			t.Fatalf("streets: %d %s %s", w.Code, w.Header().Get("Content-Type"), w.Body.String())
		}
		var fc featureCollection
		if err := json.Unmarshal(w.Body.Bytes(), &fc); err != nil {
			t.Fatal(err)
		}
		if fc.Type != "FeatureCollection" || len(fc.Features) != 10 || fc.Count != 10 || fc.Synthetic {
			t.Fatalf("streets: %d features, count %d, synthetic %v", len(fc.Features), fc.Count, fc.Synthetic)
		}
		f := fc.Features[0].Properties
		if f.Code != "440306017" || f.Name != "新安街道" || f.Level != "street" || f.Parent != "440306" || f.Synthetic {
			t.Fatalf("first street: %+v", f)
		}
		// The whole level parses back into cells.
		w = get(srv, "/api/v1/grid/cells?level=microgrid")
		cells, probs, err := grid.ReadFeatures(w.Body, "test")
		if err != nil || len(probs) > 0 || len(cells) != 4833 {
			t.Fatalf("micro-grids: %d cells, %v, %v", len(cells), probs, err)
		}
		w = get(srv, "/api/v1/grid/cells?level=microgrid&parent=440306017002")
		if err := json.Unmarshal(w.Body.Bytes(), &fc); err != nil {
			t.Fatal(err)
		}
		if len(fc.Features) < 20 || !fc.Synthetic {
			t.Fatalf("micro-grids of one community: %d, synthetic %v", len(fc.Features), fc.Synthetic)
		}
		for _, f := range fc.Features {
			if f.Properties.Parent != "440306017002" || !f.Properties.Synthetic || !strings.HasSuffix(f.Properties.Name, "（演示）") {
				t.Fatalf("feature %+v", f.Properties)
			}
		}
		etag := w.Header().Get("ETag")
		if w = get(srv, "/api/v1/grid/cells?level=microgrid&parent=440306017002", "If-None-Match", etag); w.Code != http.StatusNotModified || etag == "" {
			t.Fatalf("revalidation with %q: %d", etag, w.Code)
		}
		w = get(srv, "/api/v1/grid/cells/440306019")
		if !strings.Contains(w.Body.String(), `"MultiPolygon"`) || !strings.Contains(w.Body.String(), "航城街道") {
			t.Fatalf("航城街道: %d %s", w.Code, w.Body.String()[:min(200, w.Body.Len())])
		}
		for target, want := range map[string]struct {
			status int
			code   string
		}{
			"/api/v1/grid/cells":               {422, "grid.level_required"},
			"/api/v1/grid/cells?level=village": {422, "grid.level_unknown"},
			"/api/v1/grid/cells/nope":          {404, "grid.cell_not_found"},
		} {
			w := get(srv, target)
			var p problem
			_ = json.Unmarshal(w.Body.Bytes(), &p)
			if w.Code != want.status || p.Code != want.code || w.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: %d %s %s; want %d %s", target, w.Code, w.Header().Get("Content-Type"), w.Body.String(), want.status, want.code)
			}
		}
	})
}

type location struct {
	Input, WGS84 struct {
		Lon, Lat float64
		CRS      string
	}
	Cell  struct{ Code, Name, Level string }
	Chain []struct {
		Code, Level string
		LevelTitle  string `json:"level_title"`
		Synthetic   bool
	}
	Zones []struct {
		Layer, LayerName, Code, Name string
	}
	Synthetic bool
}

func TestLocate(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dbtest.Open(t, db.SQLite))
	// 宝安区政府, in 新安街道, in each coordinate system.
	wgs := grid.Point{113.8836, 22.5547}
	gcj := grid.WGS84ToGCJ02(wgs)
	bd := grid.GCJ02ToBD09(gcj)
	var first string
	for _, q := range []string{
		fmt.Sprintf("lon=%v&lat=%v", wgs[0], wgs[1]),
		fmt.Sprintf("lon=%v&lat=%v&crs=wgs84", wgs[0], wgs[1]),
		fmt.Sprintf("lon=%v&lat=%v&crs=gcj02", gcj[0], gcj[1]),
		fmt.Sprintf("lon=%v&lat=%v&crs=bd09", bd[0], bd[1]),
	} {
		w := get(srv, "/api/v1/grid/locate?"+q)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", q, w.Code, w.Body.String())
		}
		var loc location
		if err := json.Unmarshal(w.Body.Bytes(), &loc); err != nil {
			t.Fatal(err)
		}
		if len(loc.Chain) != 4 || loc.Chain[0].Code != "440306" || loc.Chain[1].Code != "440306017" || loc.Chain[1].LevelTitle != "街道" ||
			loc.Cell.Code != loc.Chain[3].Code || loc.Cell.Level != "microgrid" || !loc.Synthetic || len(loc.Zones) != 3 {
			t.Fatalf("%s: %s", q, w.Body.String())
		}
		if first == "" {
			first = loc.Cell.Code
		} else if loc.Cell.Code != first {
			t.Fatalf("%s: micro-grid %s, want %s as in WGS84", q, loc.Cell.Code, first)
		}
		if d := loc.WGS84.Lon - wgs[0]; d > 1e-7 || d < -1e-7 {
			t.Fatalf("%s: WGS84 %v, want %v", q, loc.WGS84, wgs)
		}
	}
	w := get(srv, fmt.Sprintf("/api/v1/grid/locate?lon=%v&lat=%v", wgs[0], wgs[1]), "Accept-Language", "en")
	if !strings.Contains(w.Body.String(), `"level_title":"street"`) || !strings.Contains(w.Body.String(), `"layer_name":"police beats (demo)"`) {
		t.Fatalf("English: %s", w.Body.String())
	}
	for target, want := range map[string]struct {
		status int
		code   string
	}{
		"/api/v1/grid/locate?lat=22.6":                   {422, "grid.locate.lon_missing"},
		"/api/v1/grid/locate?lon=113.9":                  {422, "grid.locate.lat_missing"},
		"/api/v1/grid/locate?lon=abc&lat=22.6":           {422, "grid.locate.lon_invalid"},
		"/api/v1/grid/locate?lon=113.9&lat=95":           {422, "grid.locate.lat_invalid"},
		"/api/v1/grid/locate?lon=NaN&lat=22.6":           {422, "grid.locate.lon_invalid"},
		"/api/v1/grid/locate?lon=113.9&lat=22.6&crs=utm": {422, "grid.crs"},
		"/api/v1/grid/locate?lon=114.3&lat=22.7":         {404, "grid.locate.outside"},
		"/api/v1/grid/locate?lon=113.70&lat=22.60":       {404, "grid.locate.outside"}, // the Pearl River estuary
	} {
		w := get(srv, target)
		var p problem
		_ = json.Unmarshal(w.Body.Bytes(), &p)
		if w.Code != want.status || p.Code != want.code || w.Header().Get("Content-Type") != "application/problem+json" || p.Detail == "" {
			t.Errorf("%s: %d %s; want %d %s", target, w.Code, w.Body.String(), want.status, want.code)
		}
	}
}

func TestLevelsAndLayers(t *testing.T) {
	t.Parallel()
	srv := newServer(t, dbtest.Open(t, db.SQLite))
	var levels struct {
		Levels []struct {
			Name  string
			Cells int
		}
	}
	if err := json.Unmarshal(get(srv, "/api/v1/grid/levels").Body.Bytes(), &levels); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(levels.Levels) != "[{district 1} {street 10} {community 124} {microgrid 4833}]" {
		t.Fatalf("levels %v", levels.Levels)
	}
	var layers struct {
		Layers []struct {
			Code      string
			Synthetic bool
			Zones     []struct {
				Code  string
				Cells int
			}
		}
	}
	if err := json.Unmarshal(get(srv, "/api/v1/grid/layers").Body.Bytes(), &layers); err != nil {
		t.Fatal(err)
	}
	if len(layers.Layers) != 3 {
		t.Fatalf("layers %+v", layers)
	}
	for _, l := range layers.Layers {
		total := 0
		for _, z := range l.Zones {
			if z.Cells == 0 {
				t.Errorf("layer %s zone %s is empty", l.Code, z.Code)
			}
			total += z.Cells
		}
		if total != 4833 || !l.Synthetic {
			t.Errorf("layer %s covers %d micro-grids (synthetic %v), want all 4833", l.Code, total, l.Synthetic)
		}
	}
}
