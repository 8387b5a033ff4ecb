package grid

import (
	"math"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// CRS names a coordinate reference system that points may arrive in. The
// platform stores WGS84; Chinese map apps speak GCJ-02 (AMap/Gaode,
// Tencent, Apple and Google Maps within China) or BD-09 (Baidu).
type CRS string

// The coordinate systems [ToWGS84] understands.
const (
	WGS84 CRS = "wgs84"
	GCJ02 CRS = "gcj02"
	BD09  CRS = "bd09"
)

// ParseCRS returns the CRS named s ("" means WGS84), or an errs.Invalid
// error on field "crs".
func ParseCRS(s string) (CRS, error) {
	switch CRS(s) {
	case "", WGS84:
		return WGS84, nil
	case GCJ02, BD09:
		return CRS(s), nil
	}
	return "", errs.Field("crs", "grid.crs", "坐标系应为 wgs84、gcj02 或 bd09", "crs must be wgs84, gcj02 or bd09")
}

// ToWGS84 converts p from crs to WGS84.
func ToWGS84(p Point, crs CRS) Point {
	switch crs {
	case GCJ02:
		return GCJ02ToWGS84(p)
	case BD09:
		return GCJ02ToWGS84(BD09ToGCJ02(p))
	}
	return p
}

// The GCJ-02 obfuscation, as published: Krasovsky 1940 ellipsoid constants
// and a fixed trigonometric offset, applied only inside a rough box around
// China.
const (
	gcjA  = 6378245.0              // semi-major axis
	gcjEE = 0.00669342162296594323 // first eccentricity squared
)

// outOfChina reports whether p lies outside the box in which GCJ-02
// differs from WGS84.
func outOfChina(p Point) bool {
	return p[0] < 72.004 || p[0] > 137.8347 || p[1] < 0.8293 || p[1] > 55.8271
}

func gcjOffsetLat(x, y float64) float64 {
	r := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	r += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return r
}

func gcjOffsetLon(x, y float64) float64 {
	r := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	r += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return r
}

// WGS84ToGCJ02 converts p from WGS84 to GCJ-02 (identity outside China).
func WGS84ToGCJ02(p Point) Point {
	if outOfChina(p) {
		return p
	}
	return gcjShift(p)
}

// gcjShift applies the GCJ-02 offset wherever p is.
func gcjShift(p Point) Point {
	x, y := p[0]-105.0, p[1]-35.0
	dLat, dLon := gcjOffsetLat(x, y), gcjOffsetLon(x, y)
	rad := p[1] / 180.0 * math.Pi
	magic := math.Sin(rad)
	magic = 1 - gcjEE*magic*magic
	sq := math.Sqrt(magic)
	dLat = (dLat * 180.0) / ((gcjA * (1 - gcjEE)) / (magic * sq) * math.Pi)
	dLon = (dLon * 180.0) / (gcjA / sq * math.Cos(rad) * math.Pi)
	return Point{p[0] + dLon, p[1] + dLat}
}

// GCJ02ToWGS84 inverts [WGS84ToGCJ02] by fixed-point iteration: the offset
// varies slowly, so each step divides the error by about a thousand, and
// the result maps back to p within 1e-9° (about 0.1 mm).
func GCJ02ToWGS84(p Point) Point {
	if outOfChina(p) {
		return p
	}
	w := p
	for range 30 {
		g := gcjShift(w)
		dx, dy := g[0]-p[0], g[1]-p[1]
		w = Point{w[0] - dx, w[1] - dy}
		if math.Abs(dx) < 1e-10 && math.Abs(dy) < 1e-10 {
			break
		}
	}
	return w
}

// bdXPi is the constant of Baidu's BD-09 rotation.
const bdXPi = math.Pi * 3000.0 / 180.0

// GCJ02ToBD09 converts p from GCJ-02 to BD-09.
func GCJ02ToBD09(p Point) Point {
	x, y := p[0], p[1]
	z := math.Sqrt(x*x+y*y) + 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) + 0.000003*math.Cos(x*bdXPi)
	return Point{z*math.Cos(theta) + 0.0065, z*math.Sin(theta) + 0.006}
}

// BD09ToGCJ02 converts p from BD-09 to GCJ-02: the commonly published
// closed-form inverse, refined by fixed-point iteration until it maps back
// to p within 1e-9°.
func BD09ToGCJ02(p Point) Point {
	x, y := p[0]-0.0065, p[1]-0.006
	z := math.Sqrt(x*x+y*y) - 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*bdXPi)
	g := Point{z * math.Cos(theta), z * math.Sin(theta)}
	for range 10 {
		b := GCJ02ToBD09(g)
		dx, dy := b[0]-p[0], b[1]-p[1]
		if math.Abs(dx) < 1e-10 && math.Abs(dy) < 1e-10 {
			break
		}
		g = Point{g[0] - dx, g[1] - dy}
	}
	return g
}
