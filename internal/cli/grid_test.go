package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

// runGridCmd runs the grid command in-process (it is registered in
// commands() by the lead; until then this calls it directly).
func runGridCmd(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = runGrid(context.Background(), Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}, args)
	return out.String(), errb.String(), err
}

// TestGridCommand imports the demo's real streets, a bad file that must
// change nothing, the demo communities, and exports what is stored.
func TestGridCommand(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			env := map[string]string{"PENGCHENG_DATA": dir, "PENGCHENG_DB": dbtest.DSN(t, dialect)}
			src, err := os.ReadFile("../demo/data/baoan.geojson")
			if err != nil {
				t.Fatal(err)
			}
			g, err := grid.BuildDemo(src)
			if err != nil {
				t.Fatal(err)
			}
			write := func(name string, cells []*grid.Cell) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, grid.AppendFeatureCollection(nil, cells), 0o644); err != nil {
					t.Fatal(err)
				}
				return p
			}
			streets := write("streets.geojson", g.Cells[:11])
			communities := write("communities.geojson", g.Cells[11:11+grid.DemoCommunities])
			// 新安街道's first community pushed 0.01° east: it overlaps its
			// neighbours and leaves a gap.
			moved := *g.Cells[11]
			moved.Geometry = moved.Geometry.Clone()
			for _, p := range moved.Geometry {
				for _, r := range p {
					for i := range r {
						r[i][0] += 0.01
					}
				}
			}
			bad := write("bad.geojson", append([]*grid.Cell{&moved}, g.Cells[12:11+grid.DemoCommunities]...))

			out, _, err := runGridCmd(t, env, "import", streets)
			if err != nil || !regexp.MustCompile(`street\s+10 created`).MatchString(out) {
				t.Fatalf("import streets: %v\n%s", err, out)
			}
			out, _, err = runGridCmd(t, env, "import", bad)
			if err == nil || !strings.Contains(out, "nothing was imported") || !strings.Contains(out, "新安街道第01社区网格（演示）（440306017001）") ||
				!strings.Contains(out, "重叠") || !strings.Contains(out, "overlap") {
				t.Fatalf("import bad file: %v\n%s", err, out)
			}
			out, _, err = runGridCmd(t, env, "export", "--level", "community")
			if err != nil || !strings.Contains(out, `"features":[]`) {
				t.Fatalf("after a refused import, communities = %v\n%.200s", err, out)
			}
			out, _, err = runGridCmd(t, env, "import", communities)
			if err != nil || !regexp.MustCompile(`community\s+124 created`).MatchString(out) {
				t.Fatalf("import communities: %v\n%s", err, out)
			}
			out, _, err = runGridCmd(t, env, "import", communities)
			if err != nil || !strings.Contains(out, "nothing changed") {
				t.Fatalf("import communities again: %v\n%s", err, out)
			}
			file := filepath.Join(dir, "export.geojson")
			if _, _, err = runGridCmd(t, env, "export", "--level", "community", "--parent", "440306017", "-o", file); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(file)
			cells, probs, _ := grid.ReadFeatures(bytes.NewReader(b), "")
			if len(probs) > 0 || len(cells) == 0 || cells[0].Code != "440306017001" {
				t.Fatalf("export of 新安街道's communities: %d cells, %v", len(cells), probs)
			}
			if _, _, err = runGridCmd(t, env, "export"); err == nil {
				t.Fatal("export without a level succeeded")
			}
			if _, _, err = runGridCmd(t, env, "export", "--level", "village"); err == nil {
				t.Fatal("export of an unknown level succeeded")
			}
		})
	}
}
