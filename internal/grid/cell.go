package grid

import (
	"fmt"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"
)

// Microgrid is the finest level of the demo grid (网格), below communities.
const Microgrid Level = "microgrid"

// LevelInfo is one level of the grid hierarchy. Levels are data: a city
// may add a finer one (say, buildings) below the default four.
type LevelInfo struct {
	Name    Level
	Rank    int    // 1 for the top; a cell's parent has the level ranked just above
	Title   string // 街道
	TitleEN string // street
}

// Levels are the levels of the hierarchy, by rank.
type Levels []LevelInfo

// DefaultLevels returns district → street → community → micro-grid.
func DefaultLevels() Levels {
	return Levels{
		{Name: District, Rank: 1, Title: "区", TitleEN: "district"},
		{Name: Street, Rank: 2, Title: "街道", TitleEN: "street"},
		{Name: Community, Rank: 3, Title: "社区", TitleEN: "community"},
		{Name: Microgrid, Rank: 4, Title: "网格", TitleEN: "micro-grid"},
	}
}

// Find returns the level named name.
func (ls Levels) Find(name Level) (LevelInfo, bool) {
	for _, l := range ls {
		if l.Name == name {
			return l, true
		}
	}
	return LevelInfo{}, false
}

// Above returns the level ranked just above name; ok is false for the top
// level and for unknown levels.
func (ls Levels) Above(name Level) (LevelInfo, bool) {
	l, ok := ls.Find(name)
	if !ok {
		return LevelInfo{}, false
	}
	for _, o := range ls {
		if o.Rank == l.Rank-1 {
			return o, true
		}
	}
	return LevelInfo{}, false
}

// Top returns the highest level.
func (ls Levels) Top() LevelInfo {
	if len(ls) == 0 {
		return LevelInfo{}
	}
	return slices.MinFunc(ls, func(a, b LevelInfo) int { return a.Rank - b.Rank })
}

// Finest returns the lowest level.
func (ls Levels) Finest() LevelInfo {
	if len(ls) == 0 {
		return LevelInfo{}
	}
	return slices.MaxFunc(ls, func(a, b LevelInfo) int { return a.Rank - b.Rank })
}

// Names returns the level names by rank, for messages.
func (ls Levels) Names() []string {
	s := slices.Clone(ls)
	slices.SortFunc(s, func(a, b LevelInfo) int { return a.Rank - b.Rank })
	out := make([]string, len(s))
	for i, l := range s {
		out[i] = string(l.Name)
	}
	return out
}

// Cell is one grid cell: a district, a street, a community, a micro-grid.
type Cell struct {
	Code  string // unique; see docs/grid.md for the demo's scheme
	Name  string
	Level Level
	// Parent is the code of the cell this one lies in. A cell of the top
	// level has no parent cell; its Parent may name the administrative
	// division above it (440300 for Bao'an) or be empty.
	Parent    string
	Geometry  MultiPolygon // WGS84
	Synthetic bool         // generated for the demo, not real
	Source    string       // where the geometry came from
	UpdatedAt time.Time
}

// AreaM2 returns the cell's area in square metres.
func (c *Cell) AreaM2() float64 { return c.Geometry.AreaM2() }

// Label is "name (code)", for messages.
func (c *Cell) Label() string { return fmt.Sprintf("%s（%s）", c.Name, c.Code) }

// labelEN is the English "name (code)".
func (c *Cell) labelEN() string { return fmt.Sprintf("%s (%s)", c.Name, c.Code) }

// validCode reports whether s is 1–32 ASCII letters, digits, '-', '_' or
// '.'.
func validCode(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// validName reports whether s is 1–100 characters of printable text.
func validName(s string) bool {
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > 100 {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// Layer is a specialised grid (专业网格): police beats, fire districts,
// safety-production zones. Its zones are unions of cells, usually
// micro-grids.
type Layer struct {
	Code      string // police, fire, safety …
	Name      string // 警务网格
	NameEN    string // police beats
	Synthetic bool
}

// Zone is one zone of a layer: a police beat, a fire district.
type Zone struct {
	Layer     string
	Code      string // unique within the layer
	Name      string
	Synthetic bool
}

// Assignment puts a cell (and so its descendants) into a zone of a layer.
type Assignment struct {
	Layer string
	Cell  string
	Zone  string
}
