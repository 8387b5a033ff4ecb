package open311

import (
	"context"
	"fmt"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/events"
)

// ServiceType is one entry of the service list: an event category.
type ServiceType struct {
	Code        string
	Name        string
	Description string
	// Metadata says the service has attributes the client must ask the
	// user about (a top-level category's subcategories).
	Metadata bool
	Type     string // always "realtime"
	Keywords string // comma separated
	Group    string // the top-level category's name
}

// Datatypes of attributes.
const (
	String          = "string"
	Number          = "number"
	Datetime        = "datetime"
	Text            = "text"
	SingleValueList = "singlevaluelist"
	MultiValueList  = "multivaluelist"
)

// Attribute is one field of a service definition.
type Attribute struct {
	// Variable is true for fields the user fills in, false for
	// information shown to the user.
	Variable            bool
	Code                string
	Datatype            string
	Required            bool
	DatatypeDescription string
	Order               int
	Description         string
	Values              []Value // of list datatypes
}

// Value is one option of a list attribute.
type Value struct{ Key, Name string }

// Definition is a service's attributes.
type Definition struct {
	Code       string
	Attributes []Attribute
}

// The attributes the service defines.
const (
	// AttrSubcategory picks a subcategory of a top-level category.
	AttrSubcategory = "subcategory"
	// AttrHandling informs of the department responsible and the time
	// limit.
	AttrHandling = "handling"
)

// name returns a category's name in lang.
func name(c *events.Category, lang string) string {
	if lang == "en" && c.NameEN != "" {
		return c.NameEN
	}
	return c.Name
}

// children returns the enabled subcategories of c.
func children(cs events.Categories, c *events.Category) events.Categories {
	var out events.Categories
	for _, k := range cs.Children(c.Code) {
		if !k.Disabled {
			out = append(out, k)
		}
	}
	return out
}

// Services returns the service list: every category in use, in the
// catalogue's order, with names in lang ("zh" or "en").
func (s *Service) Services(ctx context.Context, lang string) ([]ServiceType, error) {
	cs, err := s.categories(ctx)
	if err != nil {
		return nil, err
	}
	depts, err := s.departments(ctx)
	if err != nil {
		return nil, err
	}
	var out []ServiceType
	for _, c := range cs {
		if c.Disabled {
			continue
		}
		group := c
		if p := cs.Find(c.Parent); p != nil {
			group = p
		}
		kw := []string{c.Name, c.NameEN, group.Name, group.NameEN}
		for _, k := range children(cs, c) {
			kw = append(kw, k.Name, k.NameEN)
		}
		out = append(out, ServiceType{Code: c.Code, Name: name(c, lang), Description: handling(c, depts, lang),
			Metadata: len(children(cs, c)) > 0, Type: "realtime", Keywords: keywords(kw), Group: name(group, lang)})
	}
	return out, nil
}

// keywords joins the non-empty distinct words with ", ".
func keywords(words []string) string {
	seen := map[string]bool{}
	var out []string
	for _, w := range words {
		if w = strings.TrimSpace(w); w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return strings.Join(out, ", ")
}

// handling describes who handles a category's events and how fast.
func handling(c *events.Category, depts map[string]string, lang string) string {
	dept := depts[c.Department]
	if dept == "" {
		dept = c.Department
	}
	if lang == "en" {
		return fmt.Sprintf("Handled by %s within %d hours of the report.", dept, c.SLAHours)
	}
	return fmt.Sprintf("由%s负责，应在上报后 %d 小时内办结。", dept, c.SLAHours)
}

// Definition returns the attributes of the service code; an unknown or
// disabled code is errs.NotFound.
func (s *Service) Definition(ctx context.Context, code, lang string) (*Definition, error) {
	cs, err := s.categories(ctx)
	if err != nil {
		return nil, err
	}
	c := cs.Find(strings.TrimSpace(code))
	if c == nil || c.Disabled {
		return nil, errUnknownService(code)
	}
	depts, err := s.departments(ctx)
	if err != nil {
		return nil, err
	}
	return definition(cs, c, depts, lang), nil
}

func definition(cs events.Categories, c *events.Category, depts map[string]string, lang string) *Definition {
	d := &Definition{Code: c.Code}
	if kids := children(cs, c); len(kids) > 0 {
		a := Attribute{Variable: true, Code: AttrSubcategory, Datatype: SingleValueList, Order: len(d.Attributes) + 1,
			DatatypeDescription: "可不选：不选则按大类上报", Description: "具体类别"}
		if lang == "en" {
			a.DatatypeDescription, a.Description = "Optional: without one the report is filed under the main category", "Kind of problem"
		}
		for _, k := range kids {
			a.Values = append(a.Values, Value{Key: k.Code, Name: name(k, lang)})
		}
		d.Attributes = append(d.Attributes, a)
	}
	info := Attribute{Variable: false, Code: AttrHandling, Datatype: Text, Order: len(d.Attributes) + 1,
		Description: handling(c, depts, lang)}
	d.Attributes = append(d.Attributes, info)
	return d
}
