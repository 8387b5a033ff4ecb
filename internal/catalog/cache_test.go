package catalog_test

import (
	"context"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// countingReader is a Reader that counts its reads and can change.
type countingReader struct {
	items map[string]*catalog.Item
	reads int
}

func (r *countingReader) FindItem(_ context.Context, code string) (*catalog.Item, error) {
	r.reads++
	it, ok := r.items[code]
	if !ok {
		return nil, errs.E(errs.NotFound, "item.not_found", "事项不存在", "no such item")
	}
	return it.Clone(), nil
}

func (r *countingReader) FindDepartment(_ context.Context, code string) (*catalog.Department, error) {
	r.reads++
	return &catalog.Department{Code: code, Name: "部门" + code}, nil
}

func (r *countingReader) FindDepartments(context.Context) ([]*catalog.Department, error) {
	return nil, nil
}

func TestReadCache(t *testing.T) {
	ctx := context.Background()
	src := &countingReader{items: map[string]*catalog.Item{"A": {Code: "A", Name: "甲", Keywords: []string{"k"}}}}
	c := catalog.NewReadCache(src, 50*time.Millisecond)
	first, _ := c.FindItem(ctx, "A")
	first.Name, first.Keywords[0] = "changed by a caller", "x"
	again, _ := c.FindItem(ctx, "A")
	if src.reads != 1 || again.Name != "甲" || again.Keywords[0] != "k" {
		t.Errorf("reads %d, cached %+v: want one read and an unchanged copy", src.reads, again)
	}
	if _, err := c.FindItem(ctx, "B"); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown item: %v", err)
	}
	src.items["B"] = &catalog.Item{Code: "B", Name: "乙"}
	if b, err := c.FindItem(ctx, "B"); err != nil || b.Name != "乙" {
		t.Errorf("an item created after a miss: %v, %v (misses must not be cached)", b, err)
	}
	src.items["A"].Name = "甲（改）"
	c.Invalidate()
	if a, _ := c.FindItem(ctx, "A"); a.Name != "甲（改）" {
		t.Errorf("after Invalidate: %s", a.Name)
	}
	src.items["A"].Name = "甲（再改）"
	time.Sleep(60 * time.Millisecond)
	if a, _ := c.FindItem(ctx, "A"); a.Name != "甲（再改）" {
		t.Errorf("after the TTL: %s", a.Name)
	}
	n := src.reads
	c.FindDepartment(ctx, "SZRS")
	if d, _ := c.FindDepartment(ctx, "SZRS"); d.Name != "部门SZRS" || src.reads != n+1 {
		t.Errorf("department %+v, %d reads", d, src.reads-n)
	}
}
