//go:build ignore

// Writes the fixtures of scripts/postgis-locate-check.sh and times the Go
// side: the demo grid's cells, random points inside the district, and the
// micro-grid the in-memory index finds for each.
//
// Usage: go run scripts/postgis-locate-check.go OUTDIR [POINTS]
//
// Files written: cells.tsv (code, level, GeoJSON geometry), points.tsv (id,
// longitude, latitude), go.tsv (id, micro-grid code or \N). It prints the
// index build time and the median of five timed passes over the points.
package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/grid"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go run scripts/postgis-locate-check.go OUTDIR [POINTS]")
		os.Exit(2)
	}
	out, n := os.Args[1], 100_000
	if len(os.Args) > 2 {
		v, err := strconv.Atoi(os.Args[2])
		if err != nil || v <= 0 {
			fmt.Fprintln(os.Stderr, "POINTS must be a positive number")
			os.Exit(2)
		}
		n = v
	}
	if err := run(out, n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(out string, n int) error {
	src, err := os.ReadFile("internal/demo/data/baoan.geojson")
	if err != nil {
		return fmt.Errorf("run from the repository root: %w", err)
	}
	g, err := grid.BuildDemo(src)
	if err != nil {
		return err
	}
	start := time.Now()
	ix := grid.NewIndex(1, grid.DefaultLevels(), g.Cells, nil, nil, nil)
	build := time.Since(start)

	district := g.Cells[0]
	box := district.Geometry.Bound()
	rng := rand.New(rand.NewPCG(2017, 4833))
	pts := make([]grid.Point, 0, n)
	for len(pts) < n {
		p := grid.Point{box.MinLon + rng.Float64()*(box.MaxLon-box.MinLon), box.MinLat + rng.Float64()*(box.MaxLat-box.MinLat)}
		if district.Geometry.Contains(p) {
			pts = append(pts, p)
		}
	}

	answers := make([]*grid.Cell, n)
	var runs []time.Duration
	for range 5 {
		start := time.Now()
		for i, p := range pts {
			answers[i] = ix.Locate(p).Cell()
		}
		runs = append(runs, time.Since(start))
	}
	slices.Sort(runs)
	median := runs[2]

	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	err = writeTSV(filepath.Join(out, "cells.tsv"), func(w *bufio.Writer) {
		for _, c := range g.Cells {
			fmt.Fprintf(w, "%s\t%s\t%s\n", c.Code, c.Level, c.Geometry.AppendGeoJSON(nil))
		}
	})
	if err != nil {
		return err
	}
	err = writeTSV(filepath.Join(out, "points.tsv"), func(w *bufio.Writer) {
		for i, p := range pts {
			fmt.Fprintf(w, "%d\t%s\t%s\n", i, strconv.FormatFloat(p[0], 'g', -1, 64), strconv.FormatFloat(p[1], 'g', -1, 64))
		}
	})
	if err != nil {
		return err
	}
	err = writeTSV(filepath.Join(out, "go.tsv"), func(w *bufio.Writer) {
		for i, c := range answers {
			code := `\N`
			if c != nil {
				code = c.Code
			}
			fmt.Fprintf(w, "%d\t%s\n", i, code)
		}
	})
	if err != nil {
		return err
	}
	fmt.Printf("go_cells=%d\ngo_points=%d\ngo_build_ms=%.1f\ngo_locate_ms=%.3f\ngo_per_s=%.0f\n",
		len(g.Cells), n, float64(build.Microseconds())/1000, float64(median.Microseconds())/1000, float64(n)/median.Seconds())
	return nil
}

func writeTSV(path string, fill func(*bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
