package events

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Category is a kind of event (城市管理 › 占道经营): who is responsible, which
// specialised layer routes it, and how long handling may take.
type Category struct {
	Code       string // e.g. XF01
	Name       string // 消防通道堵塞
	NameEN     string // Blocked fire lane
	Parent     string // the top-level category; "" for one
	Department string // the department responsible (catalogue code, e.g. SZXF)
	// Layer is the specialised layer whose zone at the event's location
	// routes it (police, fire, safety), or "" to route by street.
	Layer     string
	SLAHours  int  // from report to closure
	Position  int  // display order
	Disabled  bool // no longer offered for new reports
	Version   int
	UpdatedAt time.Time
	UpdatedBy string
}

// SLA returns the category's time limit.
func (c *Category) SLA() time.Duration { return time.Duration(c.SLAHours) * time.Hour }

// MaxSLAHours bounds a category's SLA (60 days).
const MaxSLAHours = 1440

var categoryCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$`)

// validate checks c's own fields and its parent among cats (the current
// categories, c's stored version included or not).
func (c *Category) validate(cats map[string]*Category, layers []string, depts map[string]bool) error {
	switch {
	case !categoryCode.MatchString(c.Code):
		return errs.Field("code", "events.category.code", "类别代码应为 1–32 位字母、数字、- 或 _",
			"a category code is 1–32 letters, digits, - or _")
	case strings.TrimSpace(c.Name) == "" || utf8.RuneCountInString(c.Name) > 40:
		return errs.Field("name", "events.category.name", "类别名称应为 1–40 个字符", "a category name is 1–40 characters")
	case utf8.RuneCountInString(c.NameEN) > 80:
		return errs.Field("name_en", "events.category.name_en", "英文名称不超过 80 个字符", "the English name is at most 80 characters")
	case c.SLAHours < 1 || c.SLAHours > MaxSLAHours:
		return errs.Field("sla_hours", "events.category.sla", fmt.Sprintf("时限应为 1–%d 小时", MaxSLAHours),
			fmt.Sprintf("the SLA is 1–%d hours", MaxSLAHours))
	case c.Department == "":
		return errs.Field("department", "events.category.department", "请指定责任部门", "name the department responsible")
	case depts != nil && !depts[c.Department]:
		return errs.Field("department", "events.category.department_unknown",
			fmt.Sprintf("部门 %.20q 不存在", c.Department), fmt.Sprintf("there is no department %.20q", c.Department))
	case c.Layer != "" && layers != nil && !slices.Contains(layers, c.Layer):
		return errs.Field("layer", "events.category.layer", fmt.Sprintf("专业网格 %.20q 不存在（可用：%s）", c.Layer, strings.Join(layers, "、")),
			fmt.Sprintf("there is no specialised layer %.20q (known: %s)", c.Layer, strings.Join(layers, ", ")))
	}
	if c.Parent == "" {
		for _, o := range cats {
			if o.Parent == c.Code {
				return nil
			}
		}
		return nil
	}
	p, ok := cats[c.Parent]
	switch {
	case c.Parent == c.Code:
		return errs.Field("parent", "events.category.parent_self", "类别不能是自己的上级", "a category cannot be its own parent")
	case !ok:
		return errs.Field("parent", "events.category.parent_unknown", "上级类别不存在", "the parent category does not exist")
	case p.Parent != "":
		return errs.Field("parent", "events.category.parent_depth", "上级类别必须是一级类别", "the parent must be a top-level category")
	}
	for _, o := range cats {
		if o.Parent == c.Code && o.Code != c.Code {
			return errs.Field("parent", "events.category.has_children", "该类别有下级类别，不能再设上级",
				"the category has subcategories and cannot have a parent")
		}
	}
	return nil
}

// Categories is the category catalogue in display order.
type Categories []*Category

// Find returns the category with code, or nil.
func (cs Categories) Find(code string) *Category {
	for _, c := range cs {
		if c.Code == code {
			return c
		}
	}
	return nil
}

// Children returns the subcategories of code.
func (cs Categories) Children(code string) Categories {
	var out Categories
	for _, c := range cs {
		if c.Parent == code {
			out = append(out, c)
		}
	}
	return out
}

// sortCategories orders parents by position then code, each followed by
// its children.
func sortCategories(cs []*Category) Categories {
	byPos := func(a, b *Category) int {
		if a.Position != b.Position {
			return a.Position - b.Position
		}
		return strings.Compare(a.Code, b.Code)
	}
	var tops []*Category
	kids := map[string][]*Category{}
	for _, c := range cs {
		if c.Parent == "" {
			tops = append(tops, c)
		} else {
			kids[c.Parent] = append(kids[c.Parent], c)
		}
	}
	slices.SortFunc(tops, byPos)
	out := make(Categories, 0, len(cs))
	seen := map[string]bool{}
	for _, t := range tops {
		out = append(out, t)
		seen[t.Code] = true
		k := kids[t.Code]
		slices.SortFunc(k, byPos)
		for _, c := range k {
			out = append(out, c)
			seen[c.Code] = true
		}
	}
	for _, c := range cs { // orphans, should there be any
		if !seen[c.Code] {
			out = append(out, c)
		}
	}
	return out
}

// Categories returns the category catalogue in display order, seeding the
// defaults into an empty database first.
func (s *Service) Categories(ctx context.Context) (Categories, error) {
	return s.cats.get(ctx)
}

// Category returns the category with code, or errs.NotFound.
func (s *Service) Category(ctx context.Context, code string) (*Category, error) {
	cs, err := s.Categories(ctx)
	if err != nil {
		return nil, err
	}
	if c := cs.Find(code); c != nil {
		return c, nil
	}
	return nil, errs.E(errs.NotFound, "events.category.not_found", "事件类别不存在", "There is no such event category.")
}

// SaveCategory creates c (Version 0) or updates the stored category whose
// version is c.Version. Only platform admins may; a stale version is
// errs.Conflict.
func (s *Service) SaveCategory(ctx context.Context, actor Actor, c Category) (*Category, error) {
	if !actor.IsAdmin() {
		return nil, errs.E(errs.Forbidden, "events.category.forbidden", "只有平台管理员可以修改事件类别",
			"Only platform admins may change event categories.")
	}
	cs, err := s.Categories(ctx)
	if err != nil {
		return nil, err
	}
	c.Code, c.Name, c.NameEN = strings.TrimSpace(c.Code), strings.TrimSpace(c.Name), strings.TrimSpace(c.NameEN)
	c.Department, c.Layer = strings.TrimSpace(c.Department), strings.TrimSpace(c.Layer)
	byCode := map[string]*Category{}
	for _, o := range cs {
		if o.Code != c.Code {
			byCode[o.Code] = o
		}
	}
	layers, depts, err := s.known(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.validate(byCode, layers, depts); err != nil {
		return nil, err
	}
	c.UpdatedAt, c.UpdatedBy = s.Now(), actor.Name
	if cs.Find(c.Code) == nil && c.Version != 0 || cs.Find(c.Code) != nil && c.Version == 0 {
		return nil, errs.E(errs.Conflict, "events.category.exists", "类别代码已存在或已被删除，请刷新后重试",
			"The category code is taken, or the category changed; reload and try again.")
	}
	if err := s.store.SaveCategory(ctx, &c); err != nil {
		return nil, err
	}
	s.cats.invalidate()
	return &c, nil
}

// known returns the layers of the grid and the departments, for
// validation; nil when unknown.
func (s *Service) known(ctx context.Context) ([]string, map[string]bool, error) {
	var layers []string
	if ix, err := s.d.Grid.Index(ctx); err == nil {
		for _, l := range ix.Layers() {
			layers = append(layers, l.Code)
		}
	} else {
		return nil, nil, fmt.Errorf("grid index: %w", err)
	}
	if s.d.Departments == nil {
		return layers, nil, nil
	}
	ds, err := s.d.Departments.Departments(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("departments: %w", err)
	}
	depts := map[string]bool{}
	for _, d := range ds {
		depts[d.Code] = true
	}
	return layers, depts, nil
}
