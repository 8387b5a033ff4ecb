package insights_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/insights"
)

// composeCatalogue is a small catalogue for Compose: the graduate theme's
// three steps, items related to them, popular items, a residence theme and
// an enterprise-only item.
func composeCatalogue() (map[string]*catalog.Item, map[string]*catalog.Theme) {
	person := []catalog.ApplicantKind{catalog.ApplicantPerson}
	both := []catalog.ApplicantKind{catalog.ApplicantPerson, catalog.ApplicantEnterprise}
	items := map[string]*catalog.Item{}
	add := func(code, name string, kinds []catalog.ApplicantKind, themes ...string) {
		items[code] = &catalog.Item{Code: code, Name: name, Applicants: kinds, Themes: themes}
	}
	add("G1", "高校应届毕业生引进入户", both, "GRAD_HUKOU")
	add("G2", "新引进人才租房和生活补贴申领", person, "GRAD_HUKOU", "EMPLOYMENT")
	add("G3", "毕业生第三步", person, "GRAD_HUKOU")
	add("R1", "居民身份证申领", person)
	add("R2", "社会保险参保登记", person)
	add("R3", "住房公积金个人账户设立", person)
	add("P1", "内地居民往来港澳通行证签发", person)
	add("P2", "普通护照签发", person)
	add("E1", "食品经营许可", []catalog.ApplicantKind{catalog.ApplicantEnterprise})
	add("H1", "居住登记", person, "RESIDENCE")
	add("J1", "就业登记", person, "EMPLOYMENT")
	add("4403-SZGA-026", "流动人口居住登记", person, "RESIDENCE")
	for i := range 13 {
		add(fmt.Sprintf("Q%d", i), fmt.Sprintf("职业资格%d", i), person, "QUALIFICATION")
	}
	themes := map[string]*catalog.Theme{
		"GRAD_HUKOU":    {Code: "GRAD_HUKOU", Name: "毕业生落户"},
		"RESIDENCE":     {Code: "RESIDENCE", Name: "办理居住证"},
		"EMPLOYMENT":    {Code: "EMPLOYMENT", Name: "就业创业"},
		"RETIREMENT":    {Code: "RETIREMENT", Name: "退休"},
		"QUALIFICATION": {Code: "QUALIFICATION", Name: "职业资格"},
	}
	return items, themes
}

func TestCompose(t *testing.T) {
	t.Parallel()
	items, themes := composeCatalogue()
	guides := map[string][]string{"GRAD_HUKOU": {"G1", "G2", "G3"}, "RESIDENCE": {"H1"}, "EMPLOYMENT": {"J1", "G2"}}
	for i := range 13 {
		guides["QUALIFICATION"] = append(guides["QUALIFICATION"], fmt.Sprintf("Q%d", i))
	}
	withoutStart := map[string]*catalog.Item{}
	for k, v := range items {
		if k != "4403-SZGA-026" {
			withoutStart[k] = v
		}
	}
	var popular []insights.ItemCount
	for i, code := range []string{"E1", "G1", "P1", "P2"} {
		popular = append(popular, insights.ItemCount{ItemCode: code, Applications: 90 - 10*i})
	}
	applied := func(codes ...string) []insights.Applied {
		var out []insights.Applied
		for _, c := range codes {
			out = append(out, insights.Applied{ItemCode: c, State: "submitted"})
		}
		return out
	}
	local := insights.Profile{Kind: catalog.ApplicantPerson, Age: 40, Division: "440306", Local: true}
	graduate := insights.Profile{Kind: catalog.ApplicantPerson, Age: 22, Division: "420106"}
	tests := []struct {
		name    string
		profile insights.Profile
		history []insights.Applied
		related map[string][]insights.Association
		items   map[string]*catalog.Item // defaults to the catalogue with the residence rule's start item
		limit   int
		want    []string // "code: reason line"
	}{
		{
			name:    "nothing known: popular items for their kind of applicant",
			profile: local, limit: 3,
			want: []string{"G1: 本月热门", "P1: 本月热门", "P2: 本月热门"},
		},
		{
			name:    "an enterprise gets the popular items open to enterprises only",
			profile: insights.Profile{Kind: catalog.ApplicantEnterprise, Age: -1}, limit: 6,
			want: []string{"E1: 本月热门", "G1: 本月热门"},
		},
		{
			name:    "a new graduate from elsewhere: the graduate theme and the residence rule's start item",
			profile: graduate, limit: 6,
			want: []string{"G1: 适合应届毕业生：「毕业生落户」", "4403-SZGA-026: 非本市户籍居民常办：「办理居住证」",
				"P1: 本月热门", "P2: 本月热门"},
		},
		{
			name:    "without the start item, the theme's first step",
			profile: graduate, limit: 6, items: withoutStart,
			want: []string{"G1: 适合应届毕业生：「毕业生落户」", "H1: 非本市户籍居民常办：「办理居住证」",
				"P1: 本月热门", "P2: 本月热门"},
		},
		{
			name:    "a large theme is a collection, not a process: no next step",
			profile: local, history: applied("Q3"), limit: 2,
			want: []string{"G1: 本月热门", "P1: 本月热门"},
		},
		{
			name:    "after the first step: the next step, related items, never what they applied for",
			profile: local, history: applied("G1"), limit: 6,
			related: map[string][]insights.Association{"G1": {{ItemCode: "R1"}, {ItemCode: "G2"}}},
			want: []string{"G2: 办理「毕业生落户」的下一步", "R1: 与您办理的「高校应届毕业生引进入户」相关",
				"P1: 本月热门", "P2: 本月热门"},
		},
		{
			name:    "items in progress are not recommended, whatever the reason",
			profile: graduate, history: applied("G2", "G1", "P1"), limit: 6,
			related: map[string][]insights.Association{"G1": {{ItemCode: "G2"}, {ItemCode: "P1"}}, "P1": {{ItemCode: "G1"}}},
			items:   withoutStart,
			want: []string{"G3: 办理「毕业生落户」的下一步", "J1: 办理「就业创业」的下一步",
				"H1: 非本市户籍居民常办：「办理居住证」", "P2: 本月热门"},
		},
		{
			name:    "no kind of reason takes more than half the places while others can fill them",
			profile: local, history: applied("G3"), limit: 4,
			related: map[string][]insights.Association{"G3": {{ItemCode: "R1"}, {ItemCode: "R2"}, {ItemCode: "R3"}}},
			want: []string{"G1: 办理「毕业生落户」的下一步", "R1: 与您办理的「毕业生第三步」相关",
				"R2: 与您办理的「毕业生第三步」相关", "P1: 本月热门"},
		},
		{
			name:    "when the others run out, one kind fills the rest",
			profile: local, history: applied("G3", "G1", "G2", "P1", "P2"), limit: 4,
			related: map[string][]insights.Association{"G3": {{ItemCode: "R1"}, {ItemCode: "R2"}, {ItemCode: "R3"}}},
			want: []string{"J1: 办理「就业创业」的下一步", "R1: 与您办理的「毕业生第三步」相关",
				"R2: 与您办理的「毕业生第三步」相关", "R3: 与您办理的「毕业生第三步」相关"},
		},
		{
			name:    "an item with several reasons appears once, with the first",
			profile: graduate, history: applied("H1"), limit: 6,
			related: map[string][]insights.Association{"H1": {{ItemCode: "G1"}}},
			want: []string{"G1: 与您办理的「居住登记」相关", "4403-SZGA-026: 非本市户籍居民常办：「办理居住证」",
				"P1: 本月热门", "P2: 本月热门"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat := items
			if tt.items != nil {
				cat = tt.items
			}
			in := insights.Inputs{Profile: tt.profile, History: tt.history, Items: cat, Themes: themes,
				Guides: guides, Related: tt.related, Popular: popular}
			var got []string
			for _, r := range insights.Compose(in, tt.limit) {
				got = append(got, r.Item.Code+": "+r.Reason.Line().ZH)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("Compose (-want +got):\n%s", d)
			}
		})
	}
}

func TestReasonLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		reason insights.Reason
		want   insights.Label
	}{
		{insights.Reason{Kind: insights.ReasonRelated, Subject: "高校应届毕业生引进入户"},
			insights.Label{ZH: "与您办理的「高校应届毕业生引进入户」相关", EN: "Related to “高校应届毕业生引进入户”, which you applied for"}},
		{insights.Reason{Kind: insights.ReasonNextStep, Subject: "毕业生落户"},
			insights.Label{ZH: "办理「毕业生落户」的下一步", EN: "Next step of “毕业生落户”"}},
		{insights.Reason{Kind: insights.ReasonProfile, Subject: "退休", Rule: "retiring"},
			insights.Label{ZH: "临近退休年龄常办：「退休」", EN: "Often needed near retirement age: “退休”"}},
		{insights.Reason{Kind: insights.ReasonProfile, Subject: "毕业生落户", Rule: "graduate"},
			insights.Label{ZH: "适合应届毕业生：「毕业生落户」", EN: "For new graduates: “毕业生落户”"}},
		{insights.Reason{Kind: insights.ReasonPopular}, insights.Label{ZH: "本月热门", EN: "Popular this month"}},
	}
	for _, tt := range tests {
		if got := tt.reason.Line(); got != tt.want {
			t.Errorf("%+v: got %+v, want %+v", tt.reason, got, tt.want)
		}
		if got := tt.reason.Line().In("en"); got != tt.want.EN {
			t.Errorf("%+v in English: got %q, want %q", tt.reason, got, tt.want.EN)
		}
	}
}

func TestProfileOf(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC) // 2026-03-02 01:00 in China
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	person := func(id string) *identity.Account { return &identity.Account{Kind: identity.Person, IDNumber: id} }
	tests := []struct {
		name    string
		account *identity.Account
		want    insights.Profile
		ok      bool
	}{
		{"a graduate from Wuhan", person(identitytest.IDNumber("420106", date(2003, 6, 1), 1)),
			insights.Profile{Kind: catalog.ApplicantPerson, Age: 22, Division: "420106"}, true},
		{"a birthday today in China, still yesterday in UTC", person(identitytest.IDNumber("440306", date(2004, 3, 2), 1)),
			insights.Profile{Kind: catalog.ApplicantPerson, Age: 22, Division: "440306", Local: true}, true},
		{"a birthday tomorrow", person(identitytest.IDNumber("440306", date(2004, 3, 3), 1)),
			insights.Profile{Kind: catalog.ApplicantPerson, Age: 21, Division: "440306", Local: true}, true},
		{"a person without a valid identity number", person("123"),
			insights.Profile{Kind: catalog.ApplicantPerson, Age: -1}, true},
		{"an enterprise registered in the city", &identity.Account{Kind: identity.Enterprise, USCC: identitytest.USCC("440305", 42)},
			insights.Profile{Kind: catalog.ApplicantEnterprise, Age: -1, Division: "440305", Local: true}, true},
		{"staff get no profile", &identity.Account{Kind: identity.Staff}, insights.Profile{}, false},
		{"nor do anonymous visitors", nil, insights.Profile{}, false},
	}
	for _, tt := range tests {
		got, ok := insights.ProfileOf(tt.account, now, "4403")
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: got %+v %v, want %+v %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}
