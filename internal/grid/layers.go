package grid

import (
	"context"
	"fmt"
	"slices"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// SetLayer creates or replaces a specialised layer with its zones and the
// assignment of cells to them (usually micro-grids; a cell's descendants
// inherit its zone). Every zone must be used, every cell named must exist,
// and a cell may be in one zone of the layer only, neither twice nor as
// well as one of its ancestors; otherwise nothing changes and the error
// names what is wrong.
func (s *Service) SetLayer(ctx context.Context, layer *Layer, zones []*Zone, as []Assignment) error {
	if !validCode(layer.Code) || !validName(layer.Name) || !validName(layer.NameEN) {
		return errs.E(errs.Invalid, "grid.layer.invalid", "专业网格图层需要编码、中文名称和英文名称",
			"a layer needs a code, a Chinese name and an English name")
	}
	ix, err := s.Index(ctx)
	if err != nil {
		return err
	}
	if err := checkLayer(layer, zones, as, ix); err != nil {
		return err
	}
	if _, err := s.store.ReplaceLayer(ctx, layer, zones, as); err != nil {
		return fmt.Errorf("set layer %s: %w", layer.Code, err)
	}
	s.log.InfoContext(ctx, "grid layer set", "layer", layer.Code, "zones", len(zones), "cells", len(as))
	s.invalidate()
	return nil
}

func checkLayer(layer *Layer, zones []*Zone, as []Assignment, ix *Index) error {
	bad := func(code, zh, en string) error {
		return errs.E(errs.Invalid, code, "图层 "+layer.Code+"："+zh, "layer "+layer.Code+": "+en)
	}
	used := map[string]int{}
	for _, z := range zones {
		if z.Layer != layer.Code || !validCode(z.Code) || !validName(z.Name) {
			return bad("grid.zone.invalid", fmt.Sprintf("区域 %.32q 缺少编码或名称，或不属于本图层", z.Code),
				fmt.Sprintf("zone %.32q lacks a code or name, or belongs to another layer", z.Code))
		}
		if _, dup := used[z.Code]; dup {
			return bad("grid.zone.duplicate", "区域编码重复："+z.Code, "zone code appears twice: "+z.Code)
		}
		used[z.Code] = 0
	}
	seen := map[string]bool{}
	for _, a := range as {
		c := ix.Cell(a.Cell)
		n, known := used[a.Zone]
		switch {
		case a.Layer != layer.Code:
			return bad("grid.assignment.layer", "分配记录属于其他图层："+a.Layer, "an assignment belongs to layer "+a.Layer)
		case !known:
			return bad("grid.assignment.zone", fmt.Sprintf("网格 %s 被分配到不存在的区域 %.32q", a.Cell, a.Zone),
				fmt.Sprintf("cell %s is assigned to the unknown zone %.32q", a.Cell, a.Zone))
		case c == nil:
			return bad("grid.assignment.cell", fmt.Sprintf("网格 %.32q 不存在", a.Cell), fmt.Sprintf("there is no cell %.32q", a.Cell))
		case seen[a.Cell]:
			return bad("grid.assignment.twice", fmt.Sprintf("%s 被分配了两次", c.Label()), fmt.Sprintf("%s is assigned twice", c.labelEN()))
		}
		seen[a.Cell] = true
		used[a.Zone] = n + 1
	}
	for _, a := range as {
		for _, up := range ix.Chain(a.Cell) {
			if up.Code != a.Cell && seen[up.Code] {
				c := ix.Cell(a.Cell)
				return bad("grid.assignment.nested", fmt.Sprintf("%s 与其上级 %s 都被分配了区域", c.Label(), up.Label()),
					fmt.Sprintf("both %s and its ancestor %s are assigned a zone", c.labelEN(), up.labelEN()))
			}
		}
	}
	for _, z := range zones {
		if used[z.Code] == 0 {
			return bad("grid.zone.empty", fmt.Sprintf("区域 %s（%s）没有任何网格", z.Name, z.Code),
				fmt.Sprintf("zone %s (%s) has no cell", z.Name, z.Code))
		}
	}
	return nil
}

// Layers returns the specialised layers by code.
func (s *Service) Layers(ctx context.Context) ([]*Layer, error) {
	ls, err := s.store.Layers(ctx)
	if err != nil {
		return nil, fmt.Errorf("grid layers: %w", err)
	}
	return ls, nil
}

// ZonesOf returns the zones of layer by code, with how many cells each
// has, from the current index.
func (s *Service) ZonesOf(ctx context.Context, layer string) ([]*Zone, error) {
	ix, err := s.Index(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(ix.Layers(), func(l *Layer) bool { return l.Code == layer }) {
		return nil, errs.Field("layer", "grid.layer_unknown", fmt.Sprintf("专业网格图层 %.32q 不存在", layer),
			fmt.Sprintf("there is no layer %.32q", layer))
	}
	return ix.Zones(layer), nil
}
