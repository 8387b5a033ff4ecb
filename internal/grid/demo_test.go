package grid

import (
	"crypto/sha256"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
)

// TestDemoGrid checks the demo grid: 1 + 10 + 124 + 4,833 cells with the
// code scheme, names and labels of docs/grid.md, passing the import's
// validation with a tolerance far tighter than the default, and the same
// grid on every build.
func TestDemoGrid(t *testing.T) {
	t.Parallel()
	g := demoGrid(t)
	count := map[Level]int{}
	codes := map[Level]*regexp.Regexp{
		District:  regexp.MustCompile(`^440306$`),
		Street:    regexp.MustCompile(`^4403060(1[7-9]|2[0-6])$`),
		Community: regexp.MustCompile(`^4403060[12]\d\d{3}$`),
		Microgrid: regexp.MustCompile(`^4403060[12]\d\d{6}$`),
	}
	for _, c := range g.Cells {
		count[c.Level]++
		if !codes[c.Level].MatchString(c.Code) {
			t.Errorf("%s %s does not follow the code scheme", c.Level, c.Code)
		}
		if c.Level != District && !strings.HasPrefix(c.Code, c.Parent) {
			t.Errorf("%s's code does not start with its parent's %s", c.Code, c.Parent)
		}
		synthetic := c.Level == Community || c.Level == Microgrid
		if c.Synthetic != synthetic || synthetic != strings.HasSuffix(c.Name, "（演示）") {
			t.Errorf("%s %q: synthetic %v; want labelled synthetic exactly when generated", c.Code, c.Name, c.Synthetic)
		}
	}
	want := map[Level]int{District: 1, Street: 10, Community: DemoCommunities, Microgrid: DemoMicrogrids}
	for l, n := range want {
		if count[l] != n {
			t.Errorf("%d cells of level %s, want %d", count[l], l, n)
		}
	}
	tight := Tolerance{AreaM2: 0.01, Fraction: 1e-9}
	plan, probs := planImport(DefaultLevels(), nil, g.Cells, ImportOptions{Tolerance: tight})
	for i, p := range probs {
		if i < 10 {
			t.Error(p.Message("en"))
		}
	}
	if plan == nil || len(plan.put) != len(g.Cells) {
		t.Fatalf("the demo grid does not pass validation")
	}
	if h1, h2 := demoHash(g), demoHash(rebuild(t)); h1 != h2 {
		t.Fatalf("two builds differ: %s vs %s", h1, h2)
	}
}

func rebuild(t *testing.T) *DemoGrid {
	g, err := BuildDemo(demoSourceBytes(t))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func demoHash(g *DemoGrid) string {
	h := sha256.New()
	for _, c := range g.Cells {
		fmt.Fprintf(h, "%s|%s|%s|%s|", c.Code, c.Name, c.Level, c.Parent)
		h.Write(c.Geometry.AppendGeoJSON(nil))
	}
	for _, l := range g.Layers {
		for _, a := range l.Assignments {
			fmt.Fprintf(h, "%s|%s|%s|", a.Layer, a.Cell, a.Zone)
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestDemoApportionment checks that communities are spread over streets
// and micro-grids over communities in proportion to area.
func TestDemoApportionment(t *testing.T) {
	t.Parallel()
	g := demoGrid(t)
	byCode := map[string]*Cell{}
	kids := map[string]int{}
	for _, c := range g.Cells {
		byCode[c.Code] = c
		kids[c.Parent]++
	}
	check := func(parent, child Level, total int) {
		var area float64
		for _, c := range g.Cells {
			if c.Level == parent {
				area += c.AreaM2()
			}
		}
		for _, c := range g.Cells {
			if c.Level != parent {
				continue
			}
			quota := float64(total) * c.AreaM2() / area
			if n := kids[c.Code]; n < 1 || math.Abs(float64(n)-quota) > 1 {
				t.Errorf("%s has %d %ss; its area's share is %.2f", c.Label(), n, child, quota)
			}
		}
	}
	check(Street, Community, DemoCommunities)
	check(Community, Microgrid, DemoMicrogrids)
	// 航城街道 has an islet: it must belong to one of the street's cells.
	hc := byCode["440306019"]
	if len(hc.Geometry) != 2 {
		t.Fatalf("航城街道 has %d parts, want 2 (the mainland and the islet)", len(hc.Geometry))
	}
	islet := hc.Geometry[1]
	if hc.Geometry[0].area() < islet.area() {
		islet = hc.Geometry[0]
	}
	p := MultiPolygon{islet}.Centroid()
	found := 0
	for _, c := range g.Cells {
		if c.Level == Microgrid && strings.HasPrefix(c.Code, "440306019") && c.Geometry.Contains(p) {
			found++
		}
	}
	if found != 1 {
		t.Fatalf("the islet's centre lies in %d micro-grids of 航城街道, want 1", found)
	}
}

func (p Polygon) area() float64 { return MultiPolygon{p}.AreaM2() }

func TestApportion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		total int
		areas []float64
		want  []int
	}{
		{10, []float64{1, 1}, []int{5, 5}},
		{10, []float64{1, 2, 2}, []int{2, 4, 4}},
		{3, []float64{100, 1, 1}, []int{1, 1, 1}},
		{5, []float64{100, 1, 1}, []int{3, 1, 1}},
		{7, []float64{1, 1, 1}, []int{3, 2, 2}},
	}
	for _, tc := range tests {
		got := apportion(tc.total, tc.areas)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("apportion(%d, %v) = %v, want %v", tc.total, tc.areas, got, tc.want)
		}
	}
}
