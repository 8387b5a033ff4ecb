package portalweb

import (
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/insights"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// popularOnHome is how many popular services the home page lists, and
// recsOnHome how many recommendations.
const (
	popularOnHome = 8
	recsOnHome    = 6
)

// homeData is the data of the home page.
type homeData struct {
	// Themes in the order that suits the visitor: an enterprise's first.
	Groups  []themeGroup
	Popular *insights.Ranking
	Names   map[string]string // department short names by code
	// Indicators of the last 30 days: the catalogue's shares and the
	// online application rate.
	Indicators *insights.Indicators
	Citizen    bool // a signed-in person or enterprise
	Recs       []insights.Recommendation
	Tools      []tool // staff tools this account may use
	Hints      []string
}

// themeGroup is a heading and its theme tiles.
type themeGroup struct {
	ID     string // the section's id
	Title  string // message key
	Themes []*catalog.Theme
}

// tool is a staff tool on the home page.
type tool struct {
	Label, Desc string // message keys
	Path        string
	Show        func(*identity.Account) bool
}

// tools are the staff tools, each shown to the accounts that may use it.
var tools = []tool{
	{Label: "portal.tool.console", Desc: "portal.tool.console_desc", Path: "/console", Show: cases.IsCaseworker},
	{Label: "portal.tool.halls", Desc: "portal.tool.halls_desc", Path: "/halls", Show: cases.IsCaseworker},
	{Label: "portal.tool.services", Desc: "portal.tool.services_desc", Path: "/admin/services", Show: catalog.CanEditAny},
	{Label: "portal.tool.accounts", Desc: "portal.tool.accounts_desc", Path: "/admin/accounts", Show: isAdmin},
	{Label: "portal.tool.audit", Desc: "portal.tool.audit_desc", Path: "/admin/audit", Show: isAdmin},
	{Label: "portal.tool.sso", Desc: "portal.tool.sso_desc", Path: "/admin/sso/clients", Show: isPlatformAdmin},
	{Label: "portal.tool.stats", Desc: "portal.tool.stats_desc", Path: "/stats", Show: (*identity.Account).IsStaff},
}

func isAdmin(a *identity.Account) bool {
	return a.IsStaff() && !a.Disabled && (a.HasRole(identity.PlatformAdmin) || a.HasRole(identity.DeptAdmin))
}

func isPlatformAdmin(a *identity.Account) bool {
	return a.IsStaff() && !a.Disabled && a.HasRole(identity.PlatformAdmin)
}

// searchHints are searches people often type, shown under the box.
var searchHints = []string{"办护照", "社保卡", "开公司", "毕业生落户", "港澳通行证"}

// home is the portal's home page.
func (h *Handlers) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := web.AccountFrom(ctx)
	d := &homeData{Hints: searchHints}
	themes, err := h.Insights.Themes(ctx)
	if err != nil {
		return err
	}
	d.Groups = groupThemes(themes, a)
	depts, err := h.Insights.Departments(ctx)
	if err != nil {
		return err
	}
	d.Names = map[string]string{}
	for _, dep := range depts {
		d.Names[dep.Code] = dep.ShortName
	}
	if d.Popular, err = h.Insights.Popular(ctx, "", popularOnHome); err != nil {
		return err
	}
	period, err := insights.ParsePeriod("", "", h.Insights.Now())
	if err != nil {
		return err
	}
	if d.Indicators, err = h.Insights.Indicators(ctx, period, ""); err != nil {
		return err
	}
	switch {
	case a != nil && (a.Kind == identity.Person || a.Kind == identity.Enterprise):
		d.Citizen = true
		if d.Recs, err = h.Insights.Recommend(ctx, a, recsOnHome); err != nil {
			return err
		}
	case a.IsStaff():
		for _, t := range tools {
			if t.Show(a) {
				d.Tools = append(d.Tools, t)
			}
		}
	}
	return h.Renderer.Page(w, r, http.StatusOK, "portal/home", d)
}

// groupThemes splits the themes into life events and enterprise events,
// the enterprise's first for an enterprise account.
func groupThemes(themes []*catalog.Theme, a *identity.Account) []themeGroup {
	person := themeGroup{ID: "themes-person", Title: "portal.themes.person"}
	ent := themeGroup{ID: "themes-enterprise", Title: "portal.themes.enterprise"}
	for _, t := range themes {
		if t.Audience == catalog.ApplicantEnterprise {
			ent.Themes = append(ent.Themes, t)
		} else {
			person.Themes = append(person.Themes, t)
		}
	}
	if a != nil && a.Kind == identity.Enterprise {
		return []themeGroup{ent, person}
	}
	return []themeGroup{person, ent}
}
