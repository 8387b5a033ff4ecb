package grid

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// GeometryError says what is wrong with a geometry, in both languages.
type GeometryError struct {
	Code  string // e.g. "geometry.ring_open"
	Msg   string // Chinese
	MsgEN string // English
}

func (e *GeometryError) Error() string { return e.Code + ": " + e.MsgEN }

func geomErr(code, zh, en string) *GeometryError {
	return &GeometryError{Code: code, Msg: zh, MsgEN: en}
}

// ParseGeometry reads a GeoJSON Polygon or MultiPolygon in WGS84. Positions
// may carry a third number (an altitude), which is dropped. Rings must be
// closed and have at least four positions; coordinates must be finite and
// within ±180° longitude and ±90° latitude. Outer rings are turned
// counter-clockwise and holes clockwise. It returns a *GeometryError for
// bad input.
func ParseGeometry(raw []byte) (MultiPolygon, error) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, geomErr("geometry.missing", "缺少几何图形", "the geometry is missing")
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, geomErr("geometry.syntax", "几何图形不是有效的 GeoJSON："+err.Error(), "the geometry is not valid GeoJSON: "+err.Error())
	}
	var m MultiPolygon
	switch g.Type {
	case "Polygon":
		var c [][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, badCoordinates(err)
		}
		p, err := toPolygon(c)
		if err != nil {
			return nil, err
		}
		m = MultiPolygon{p}
	case "MultiPolygon":
		var c [][][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, badCoordinates(err)
		}
		for _, pc := range c {
			p, err := toPolygon(pc)
			if err != nil {
				return nil, err
			}
			m = append(m, p)
		}
	default:
		return nil, geomErr("geometry.type", fmt.Sprintf("几何类型应为 Polygon 或 MultiPolygon，而不是 %.30q", g.Type),
			fmt.Sprintf("the geometry type must be Polygon or MultiPolygon, not %.30q", g.Type))
	}
	if len(m) == 0 {
		return nil, geomErr("geometry.empty", "几何图形没有多边形", "the geometry has no polygon")
	}
	m.orient()
	return m, nil
}

func badCoordinates(err error) error {
	return geomErr("geometry.coordinates", "坐标格式不正确："+err.Error(), "the coordinates are malformed: "+err.Error())
}

func toPolygon(c [][][]float64) (Polygon, error) {
	if len(c) == 0 {
		return nil, geomErr("geometry.polygon_empty", "多边形没有环", "a polygon has no ring")
	}
	p := make(Polygon, 0, len(c))
	for _, rc := range c {
		if len(rc) < 4 {
			return nil, geomErr("geometry.ring_short", "每个环至少需要 4 个坐标点（首尾相同）",
				"every ring needs at least 4 positions (the last repeating the first)")
		}
		r := make(Ring, len(rc))
		for i, pos := range rc {
			if len(pos) < 2 {
				return nil, geomErr("geometry.position", "坐标点至少需要经度和纬度两个数", "a position needs a longitude and a latitude")
			}
			lon, lat := pos[0], pos[1]
			if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
				return nil, geomErr("geometry.range", fmt.Sprintf("坐标 [%g, %g] 超出经纬度范围", lon, lat),
					fmt.Sprintf("position [%g, %g] is outside longitude/latitude range", lon, lat))
			}
			r[i] = Point{lon, lat}
		}
		if r[0] != r[len(r)-1] {
			return nil, geomErr("geometry.ring_open", "环没有闭合（最后一个坐标应与第一个相同）",
				"a ring is not closed (its last position must repeat the first)")
		}
		p = append(p, r)
	}
	return p, nil
}

// AppendGeoJSON appends m to b as a GeoJSON geometry: a Polygon when m has
// one part, else a MultiPolygon. Numbers are written in their shortest
// exact form, so parsing the output gives m back bit for bit.
func (m MultiPolygon) AppendGeoJSON(b []byte) []byte {
	if len(m) == 1 {
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b = appendPolygon(b, m[0])
		return append(b, '}')
	}
	b = append(b, `{"type":"MultiPolygon","coordinates":[`...)
	for i, p := range m {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendPolygon(b, p)
	}
	return append(b, "]}"...)
}

// MarshalJSON implements json.Marshaler with [MultiPolygon.AppendGeoJSON].
func (m MultiPolygon) MarshalJSON() ([]byte, error) {
	return m.AppendGeoJSON(nil), nil
}

func appendPolygon(b []byte, p Polygon) []byte {
	b = append(b, '[')
	for i, r := range p {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, pt := range r {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			b = strconv.AppendFloat(b, pt[0], 'f', -1, 64)
			b = append(b, ',')
			b = strconv.AppendFloat(b, pt[1], 'f', -1, 64)
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	return append(b, ']')
}
