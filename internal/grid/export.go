package grid

import (
	"encoding/json"
	"strconv"
)

// AppendFeatureCollection appends cells to b as a GeoJSON FeatureCollection
// that [ReadFeatures] reads back: each feature has the cell's geometry and
// the properties code, name, level, parent and synthetic, plus the
// derived area_m2 (which an import ignores). Geometry is written in full
// precision, so an export re-imports unchanged.
func AppendFeatureCollection(b []byte, cells []*Cell) []byte {
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	for i, c := range cells {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendFeature(b, c)
	}
	return append(b, "]}"...)
}

// AppendFeature appends one cell as a GeoJSON Feature.
func AppendFeature(b []byte, c *Cell) []byte {
	b = append(b, `{"type":"Feature","properties":{"code":`...)
	b = appendString(b, c.Code)
	b = append(b, `,"name":`...)
	b = appendString(b, c.Name)
	b = append(b, `,"level":`...)
	b = appendString(b, string(c.Level))
	b = append(b, `,"parent":`...)
	b = appendString(b, c.Parent)
	b = append(b, `,"synthetic":`...)
	b = strconv.AppendBool(b, c.Synthetic)
	b = append(b, `,"area_m2":`...)
	b = strconv.AppendFloat(b, c.AreaM2(), 'f', 1, 64)
	b = append(b, `},"geometry":`...)
	b = c.Geometry.AppendGeoJSON(b)
	return append(b, '}')
}

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}
