package insightsweb

import (
	"fmt"
	"html/template"
	"math"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// templateFuncs are the pages' own template functions.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"hours": func(d time.Duration) float64 { return math.Round(d.Hours()*10) / 10 },
		"days":  func(d time.Duration) float64 { return math.Round(d.Hours()/24*10) / 10 },
		"pct":   func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
		"errField": func(err error) string {
			if e := errs.As(err); e != nil {
				return e.Field
			}
			return ""
		},
	}
}

// shortNames maps department codes to their short names.
func shortNames(depts []*catalog.Department) map[string]string {
	out := make(map[string]string, len(depts))
	for _, d := range depts {
		out[d.Code] = d.ShortName
	}
	return out
}
