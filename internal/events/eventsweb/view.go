package eventsweb

import (
	"context"
	"net/http"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// cst is China Standard Time, in which pages and the API show times.
var cst = time.FixedZone("CST", 8*60*60)

// names resolves codes to names for one request: categories, cells,
// departments.
type names struct {
	cats  events.Categories
	ix    *grid.Index
	depts map[string]string
	lang  string
}

// names loads what a page or answer needs to name things.
func (h *Handlers) names(ctx context.Context, lang string, withDepts bool) (*names, error) {
	n := &names{lang: lang, depts: map[string]string{}}
	var err error
	if n.cats, err = h.Service.Categories(ctx); err != nil {
		return nil, err
	}
	if n.ix, err = h.Grid.Index(ctx); err != nil {
		return nil, err
	}
	if withDepts && h.Departments != nil {
		ds, err := h.Departments.Departments(ctx)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			n.depts[d.Code] = d.ShortName
			if d.ShortName == "" {
				n.depts[d.Code] = d.Name
			}
		}
	}
	return n, nil
}

// category returns a category's name in the language.
func (n *names) category(code string) string {
	c := n.cats.Find(code)
	if c == nil {
		return code
	}
	if n.lang == "en" && c.NameEN != "" {
		return c.NameEN
	}
	return c.Name
}

// categoryPath is "parent › name".
func (n *names) categoryPath(code string) string {
	c := n.cats.Find(code)
	if c == nil || c.Parent == "" {
		return n.category(code)
	}
	return n.category(c.Parent) + " › " + n.category(code)
}

// cell returns a cell's name, or its code.
func (n *names) cell(code string) string {
	if c := n.ix.Cell(code); c != nil {
		return c.Name
	}
	return code
}

// dept returns a department's short name, or its code.
func (n *names) dept(code string) string {
	if d, ok := n.depts[code]; ok {
		return d
	}
	return code
}

// zone returns the name of a zone of layer, or its code.
func (n *names) zone(layer, code string) string {
	for _, z := range n.ix.Zones(layer) {
		if z.Code == code {
			return z.Name
		}
	}
	return code
}

// layer returns the name of a layer, or its code.
func (n *names) layer(code string) string {
	for _, l := range n.ix.Layers() {
		if l.Code == code {
			if n.lang == "en" && l.NameEN != "" {
				return l.NameEN
			}
			return l.Name
		}
	}
	return code
}

// apiTime formats t in China time, "" for zero.
func apiTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(cst).Format(time.RFC3339)
}

// langOf returns the request's language.
func langOf(r *http.Request) string { return web.LangFrom(r.Context()) }
