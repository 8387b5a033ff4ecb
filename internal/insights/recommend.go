package insights

import (
	"context"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// ReasonKind says why an item is recommended.
type ReasonKind string

// The kinds of reason, in order of priority.
const (
	ReasonNextStep ReasonKind = "next_step" // the next step of a theme the applicant started
	ReasonRelated  ReasonKind = "related"   // applicants of an item they applied for also applied for it
	ReasonProfile  ReasonKind = "profile"   // a theme that fits their profile
	ReasonPopular  ReasonKind = "popular"   // among this month's most applied-for items
)

// Reason explains one recommendation.
type Reason struct {
	Kind ReasonKind
	// Subject is the name of the item (related) or theme (next step,
	// profile) the reason refers to; "" for popular items.
	Subject string
	// Rule names the profile rule (profile reasons only), e.g. "graduate".
	Rule string
}

// Line returns the reason as one short line, e.g. 与您办理的「高校应届毕业生引进入户」相关.
func (r Reason) Line() Label {
	switch r.Kind {
	case ReasonNextStep:
		return Label{ZH: "办理「" + r.Subject + "」的下一步", EN: "Next step of “" + r.Subject + "”"}
	case ReasonRelated:
		return Label{ZH: "与您办理的「" + r.Subject + "」相关", EN: "Related to “" + r.Subject + "”, which you applied for"}
	case ReasonProfile:
		for _, rule := range profileRules {
			if rule.Name == r.Rule {
				return Label{ZH: fmt.Sprintf(rule.Line.ZH, r.Subject), EN: fmt.Sprintf(rule.Line.EN, r.Subject)}
			}
		}
		return Label{ZH: "适合您：「" + r.Subject + "」", EN: "Suits you: “" + r.Subject + "”"}
	}
	return Label{ZH: "本月热门", EN: "Popular this month"}
}

// Recommendation is an item suggested to someone, with the reason.
type Recommendation struct {
	Item   *catalog.Item
	Reason Reason
}

// Inputs are what [Compose] draws recommendations from.
type Inputs struct {
	Profile Profile
	// History is what the applicant applied for in the history window,
	// most recent first; none of it is recommended.
	History []Applied
	Items   map[string]*catalog.Item
	Themes  map[string]*catalog.Theme
	// Guides are the ordered steps (item codes) of the themes of the
	// history's items and of the profile rules.
	Guides map[string][]string
	// Related are the ranked associations of the history's items.
	Related map[string][]Association
	// Popular are the most applied-for items, most first.
	Popular []ItemCount
}

// MaxRecommendations is the most recommendations Recommend returns.
const MaxRecommendations = 20

// Compose picks at most limit recommendations from in: first the next
// step of each theme the applicant started (the first step of its guide
// they have not applied for, in themes of at most MaxBundleSteps items),
// then items related to what they applied for (most recent application
// first, strongest association first), then for each theme their profile
// fits the rule's starting item or else the theme's first open step, then
// popular items. No kind of reason takes more than half of the places while
// others can fill them. An item appears once, with its first reason, and
// never when it is in the history or not open to the applicant's kind.
func Compose(in Inputs, limit int) []Recommendation {
	applied := map[string]bool{}
	for _, h := range in.History {
		applied[h.ItemCode] = true
	}
	candidates := append(append(append(nextSteps(in, applied), relatedTo(in)...), profileFits(in, applied)...), popularNow(in)...)
	chosen := map[string]bool{}
	eligible := func(c Recommendation) bool {
		return c.Item != nil && !applied[c.Item.Code] && !chosen[c.Item.Code] && c.Item.ForApplicant(in.Profile.Kind)
	}
	var out []Recommendation
	perKind := map[ReasonKind]int{}
	capOf := max(1, limit/2)
	for pass := range 2 {
		for _, c := range candidates {
			if len(out) == limit {
				return out
			}
			if !eligible(c) || pass == 0 && c.Reason.Kind != ReasonPopular && perKind[c.Reason.Kind] >= capOf {
				continue
			}
			chosen[c.Item.Code] = true
			perKind[c.Reason.Kind]++
			out = append(out, c)
		}
	}
	return out
}

// MaxBundleSteps is the most items a theme may have for its first open
// step to be offered as the next step: a larger theme (就业创业, 工程建设 …)
// is a collection of services rather than one process, and its untaken
// items are not steps anybody is due to take.
const MaxBundleSteps = 12

// nextSteps are the first unapplied steps of the themes of the history
// that are guided bundles.
func nextSteps(in Inputs, applied map[string]bool) []Recommendation {
	var out []Recommendation
	seen := map[string]bool{}
	for _, h := range in.History {
		it := in.Items[h.ItemCode]
		if it == nil {
			continue
		}
		for _, theme := range it.Themes {
			if seen[theme] || in.Themes[theme] == nil {
				continue
			}
			seen[theme] = true
			if len(in.Guides[theme]) > MaxBundleSteps {
				continue
			}
			if code := firstOpen(in.Guides[theme], applied); code != "" {
				out = append(out, Recommendation{Item: in.Items[code],
					Reason: Reason{Kind: ReasonNextStep, Subject: in.Themes[theme].Name}})
			}
		}
	}
	return out
}

// firstOpen returns the first step not applied for, or "".
func firstOpen(steps []string, applied map[string]bool) string {
	for _, code := range steps {
		if !applied[code] {
			return code
		}
	}
	return ""
}

// relatedTo are the items associated with the history's items.
func relatedTo(in Inputs) []Recommendation {
	var out []Recommendation
	for _, h := range in.History {
		it := in.Items[h.ItemCode]
		if it == nil {
			continue
		}
		for _, a := range in.Related[h.ItemCode] {
			out = append(out, Recommendation{Item: in.Items[a.ItemCode], Reason: Reason{Kind: ReasonRelated, Subject: it.Name}})
		}
	}
	return out
}

// profileFits are the first open steps of the themes the profile fits.
func profileFits(in Inputs, applied map[string]bool) []Recommendation {
	var out []Recommendation
	for _, rule := range profileRules {
		t := in.Themes[rule.Theme]
		if t == nil || !rule.Fits(in.Profile) {
			continue
		}
		code := firstOpen(in.Guides[rule.Theme], applied)
		if in.Items[rule.Start] != nil && !applied[rule.Start] {
			code = rule.Start
		}
		if code != "" {
			out = append(out, Recommendation{Item: in.Items[code], Reason: Reason{Kind: ReasonProfile, Subject: t.Name, Rule: rule.Name}})
		}
	}
	return out
}

// popularNow are the popular items.
func popularNow(in Inputs) []Recommendation {
	var out []Recommendation
	for _, p := range in.Popular {
		out = append(out, Recommendation{Item: in.Items[p.ItemCode], Reason: Reason{Kind: ReasonPopular}})
	}
	return out
}

// historyReach bounds how many of the history's items Recommend reads
// related items and themes for.
const historyReach = 5

// Recommend returns at most limit recommendations (1 to
// MaxRecommendations; other values mean 6) for account a, composed by
// [Compose] from a's profile ([ProfileOf]), a's applications in the
// policy's HistoryWindow (180 days) ending now, and the rankings. Staff
// and anonymous visitors (nil) get none.
func (s *Service) Recommend(ctx context.Context, a *identity.Account, limit int) ([]Recommendation, error) {
	if limit < 1 || limit > MaxRecommendations {
		limit = 6
	}
	now := s.Now()
	profile, ok := ProfileOf(a, now, s.policy.City)
	if !ok {
		return nil, nil
	}
	idx, err := s.catalogue(ctx)
	if err != nil {
		return nil, err
	}
	who := Applicant{AccountID: a.ID, Number: a.IDNumber}
	if a.Kind == identity.Enterprise {
		who.Number = a.USCC
	}
	history, err := s.store.History(ctx, who, Last(s.policy.HistoryWindow, now))
	if err != nil {
		return nil, fmt.Errorf("recommendations: history: %w", err)
	}
	in := Inputs{Profile: profile, History: history, Items: idx.items, Themes: idx.themeByKey,
		Guides: map[string][]string{}, Related: map[string][]Association{}}
	themes := map[string]bool{}
	for _, rule := range profileRules {
		themes[rule.Theme] = rule.Fits(profile)
	}
	for _, h := range history[:min(len(history), historyReach)] {
		rel, err := s.related(ctx, h.ItemCode)
		if err != nil {
			return nil, err
		}
		in.Related[h.ItemCode] = rel.ranked
		if it := idx.items[h.ItemCode]; it != nil {
			for _, t := range it.Themes {
				themes[t] = true
			}
		}
	}
	for t, want := range themes {
		if !want || idx.themeByKey[t] == nil {
			continue
		}
		g, err := s.guideOrder(ctx, idx, t)
		if err != nil {
			return nil, err
		}
		in.Guides[t] = g.order
	}
	pop, err := s.Popular(ctx, "", MaxPopular)
	if err != nil {
		return nil, err
	}
	for _, p := range pop.Items {
		in.Popular = append(in.Popular, ItemCount{ItemCode: p.Item.Code, Applications: p.Applications})
	}
	return Compose(in, limit), nil
}
