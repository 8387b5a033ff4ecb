package approvaltest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/approval/approvaltest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// The demo registries' people (internal/exchange/testdata/README.md) with
// their certificate numbers.
type graduate struct {
	id, name, cert, degreeCert string
}

var (
	wangLei   = graduate{"420106200203153452", "王磊", "199021202650002603", "1990242026002603"}
	zhaoTing  = graduate{"430102200109090869", "赵婷", "199031202650002604", "1990342026002604"}
	sunHao    = graduate{"360102199904181571", "孙浩", "199021202350002305", "1990242023002305"}
	zhouMin   = graduate{"440305200301222683", "周敏", "199011202650002606", "1990142026002606"}
	zhengYT   = graduate{"510104200211053223", "郑雨彤", "199021202650002607", "1990242026002607"}
	fengJun   = graduate{"450103200107304114", "冯军", "199031202650002608", "1990342026002608"}
	heXinyi   = graduate{"445102198802145246", "何欣怡", "199041202560002509", ""}
	maJunjie  = graduate{"610103200305066356", "马俊杰", "199011202650002610", ""}
	linJiayi  = graduate{"44130220020819742X", "林嘉怡", "199031202650002611", "1990342026002611"}
	gaoMaster = graduate{"420106199910108532", "高思远", "199011202620002612", "1990132026002612"}
	gaoBach   = graduate{"420106199910108532", "高思远", "199021202250002212", "1990242022002212"}
	zhangXM   = graduate{"44030619900512123X", "张晓明", "199011201250001201", "1990142012001201"}
)

// The enterprises.
const (
	employerOK    = "91440300MA5F0X1Y2K" // 存续, no HR licence
	employerGone  = "91440306MA5H7M8N91" // 吊销
	agencyOK      = "91440300MA5G1H2J3K" // 存续, licence valid to 2028-08-31
	agencyExpired = "91440300MA5G4K5L6M" // 存续, licence expired 2025-12-31
)

var allMaterials = []string{"id_card", "graduation_certificate", "degree_certificate", "verification_report"}

// input is a graduate's individual application on 2026-07-15 with every
// material.
func input(g graduate) approval.Input {
	return approval.Input{Channel: approval.ChannelIndividual, AppliedOn: "2026-07-15",
		Applicant: approval.Applicant{IDNumber: g.id, Name: g.name, Phone: "13800138000"},
		Education: approval.Education{CertificateNo: g.cert, DegreeCertificateNo: g.degreeCert, VerificationCode: "A1B2C3D4"},
		Materials: append([]string(nil), allMaterials...)}
}

func with(in approval.Input, f func(*approval.Input)) approval.Input { f(&in); return in }

func without(in approval.Input, ids ...string) approval.Input {
	var keep []string
	for _, m := range in.Materials {
		drop := false
		for _, id := range ids {
			drop = drop || m == id
		}
		if !drop {
			keep = append(keep, m)
		}
	}
	in.Materials = keep
	return in
}

func employer(in approval.Input, uscc string) approval.Input {
	in.Channel, in.EmployerUSCC = approval.ChannelEmployer, uscc
	return in
}

func agency(in approval.Input, uscc string) approval.Input {
	in.Channel, in.AgencyUSCC = approval.ChannelAgency, uscc
	in.Materials = append(in.Materials, "mandate")
	return in
}

func on(in approval.Input, day string) approval.Input { in.AppliedOn = day; return in }

// evalCase is one case of the evaluation suite: an input, the outcome it
// must get, and the results of the rules it is about (the rest are not
// checked unless listed).
type evalCase struct {
	name  string
	in    approval.Input
	want  approval.Outcome
	rules map[string]approval.Result
	// reason, if set, must appear in the reason of the first rule listed
	// in rules with a non-pass result.
	reason string
}

const (
	P = approval.Pass
	F = approval.Fail
	I = approval.Indeterminate
)

func allPass() map[string]approval.Result {
	return map[string]approval.Result{"identity": P, "non_resident": P, "education": P, "graduation_window": P,
		"degree": P, "age": P, "materials": P, "channel": P}
}

// evalCases cover every rule of 4403-SZRS-001 with applicants who pass and
// who fail it, and how results combine into the outcome.
func evalCases() []evalCase {
	validUnknown := unknownID() // a valid identity number no registry knows
	return []evalCase{
		// Everything in order.
		{"王磊 individual passes every rule", input(wangLei), approval.Approve, allPass(), ""},
		{"高思远 with his 硕士 certificate", input(gaoMaster), approval.Approve, allPass(), ""},
		{"王磊 on graduation day", on(input(wangLei), "2026-06-30"), approval.Approve, map[string]approval.Result{"graduation_window": P}, ""},
		{"王磊 two years to the day after graduating", on(input(wangLei), "2028-06-30"), approval.Approve, map[string]approval.Result{"graduation_window": P}, ""},
		{"王磊 through his employer", employer(input(wangLei), employerOK), approval.Approve, allPass(), ""},
		{"王磊 through a licensed agency", agency(input(wangLei), agencyOK), approval.Approve, allPass(), ""},
		{"individual channel ignores an employer code", with(input(wangLei), func(in *approval.Input) { in.EmployerUSCC = employerGone }), approval.Approve, map[string]approval.Result{"channel": P}, ""},
		{"lower-case x and spaces in the identity number", with(input(linJiayi), func(in *approval.Input) { in.Applicant.IDNumber = " 44130220020819742x " }), approval.Manual, map[string]approval.Result{"identity": I}, "人口信息库中没有"},
		// 1 identity.
		{"identity number with a wrong check digit", with(input(wangLei), func(in *approval.Input) { in.Applicant.IDNumber = "420106200203153453" }), approval.Reject, map[string]approval.Result{"identity": F}, "不是有效的居民身份证号码"},
		{"identity number too short", with(input(wangLei), func(in *approval.Input) { in.Applicant.IDNumber = "4201062002" }), approval.Reject, map[string]approval.Result{"identity": F}, "不是有效"},
		{"郑雨彤 applies under the diploma's name", input(zhengYT), approval.Reject, map[string]approval.Result{"identity": F}, "姓名"},
		{"王磊 typed with another name", with(input(wangLei), func(in *approval.Input) { in.Applicant.Name = "王雷" }), approval.Reject, map[string]approval.Result{"identity": F}, "王雷"},
		{"冯军 whose registration is cancelled", input(fengJun), approval.Reject, map[string]approval.Result{"identity": F}, "注销"},
		{"林嘉怡 has no population record", input(linJiayi), approval.Manual, map[string]approval.Result{"identity": I, "non_resident": I, "education": P}, "人工核验"},
		{"a valid number no registry knows", with(input(wangLei), func(in *approval.Input) { in.Applicant.IDNumber = validUnknown }), approval.Manual, map[string]approval.Result{"identity": I, "education": I}, ""},
		// 2 not already a resident.
		{"周敏 already has a Nanshan hukou", input(zhouMin), approval.Reject, map[string]approval.Result{"identity": P, "non_resident": F}, "440305"},
		{"张晓明 Bao'an resident graduated 2012", input(zhangXM), approval.Reject, map[string]approval.Result{"non_resident": F, "graduation_window": F}, "深圳市户籍"},
		// 3 education.
		{"赵婷 studied part-time", input(zhaoTing), approval.Reject, map[string]approval.Result{"education": F}, "非全日制"},
		{"王磊 with a certificate number the registry lacks", with(input(wangLei), func(in *approval.Input) { in.Education.CertificateNo = "199021202650009999" }), approval.Manual, map[string]approval.Result{"education": I, "graduation_window": I, "degree": I, "age": I}, "199021202650009999"},
		{"王磊 with no certificate number", with(input(wangLei), func(in *approval.Input) { in.Education.CertificateNo = "" }), approval.Manual, map[string]approval.Result{"education": I}, ""},
		{"王磊 quoting 高思远's certificate", with(input(wangLei), func(in *approval.Input) { in.Education.CertificateNo = gaoMaster.cert }), approval.Manual, map[string]approval.Result{"education": I}, ""},
		// 4 graduation window.
		{"孙浩 graduated 2023", input(sunHao), approval.Reject, map[string]approval.Result{"graduation_window": F}, "超过 2 年"},
		{"高思远 with his 2022 本科 certificate", input(gaoBach), approval.Reject, map[string]approval.Result{"graduation_window": F}, "2022-06-30"},
		{"王磊 before graduating", on(input(wangLei), "2026-06-29"), approval.Reject, map[string]approval.Result{"graduation_window": F}, "尚未毕业"},
		{"王磊 two years and a day after", on(input(wangLei), "2028-07-01"), approval.Reject, map[string]approval.Result{"graduation_window": F}, "超过"},
		// 5 degree.
		{"马俊杰 has no degree", input(maJunjie), approval.Reject, map[string]approval.Result{"degree": F}, "须取得相应学位"},
		{"王磊 with a wrong degree certificate number", with(input(wangLei), func(in *approval.Input) { in.Education.DegreeCertificateNo = "1990242026009999" }), approval.Reject, map[string]approval.Result{"degree": F}, "学位证书编号"},
		{"王磊 without a degree certificate number", with(input(wangLei), func(in *approval.Input) { in.Education.DegreeCertificateNo = "" }), approval.Reject, map[string]approval.Result{"degree": F}, "不一致"},
		{"专科 needs no degree (何欣怡)", without(input(heXinyi), "degree_certificate"), approval.Reject, map[string]approval.Result{"degree": P, "materials": P, "age": F}, ""},
		// 6 age.
		{"何欣怡 is 38 with a 专科 diploma", input(heXinyi), approval.Reject, map[string]approval.Result{"age": F}, "38 周岁"},
		{"高思远 is 26 with a 硕士", input(gaoMaster), approval.Approve, map[string]approval.Result{"age": P}, ""},
		// 7 materials.
		{"王磊 without the degree certificate", without(input(wangLei), "degree_certificate"), approval.Correction, map[string]approval.Result{"materials": F}, "学位证书"},
		{"王磊 without identity card and diploma", without(input(wangLei), "id_card", "graduation_certificate"), approval.Correction, map[string]approval.Result{"materials": F}, "居民身份证"},
		{"王磊 with no materials at all", with(input(wangLei), func(in *approval.Input) { in.Materials = nil }), approval.Correction, map[string]approval.Result{"materials": F}, "教育部学历证书电子注册备案表"},
		{"agency without the mandate", without(agency(input(wangLei), agencyOK), "mandate"), approval.Correction, map[string]approval.Result{"materials": F}, "委托协议"},
		{"a failing rule outweighs missing materials", without(input(zhaoTing), "id_card"), approval.Reject, map[string]approval.Result{"education": F, "materials": F}, ""},
		{"missing materials outweigh missing data", without(input(linJiayi), "id_card"), approval.Correction, map[string]approval.Result{"identity": I, "materials": F}, ""},
		// 8 channel.
		{"employer whose licence was revoked", employer(input(wangLei), employerGone), approval.Reject, map[string]approval.Result{"channel": F}, "吊销"},
		{"employer code with a wrong check character", employer(input(wangLei), "91440300MA5F0X1Y2A"), approval.Reject, map[string]approval.Result{"channel": F}, "无效"},
		{"employer code unknown to the register", employer(input(wangLei), unknownUSCC()), approval.Manual, map[string]approval.Result{"channel": I}, "没有接收单位"},
		{"agency whose licence expired", agency(input(wangLei), agencyExpired), approval.Reject, map[string]approval.Result{"channel": F}, "没有有效的人力资源服务许可证"},
		{"agency without any licence", agency(input(wangLei), employerOK), approval.Reject, map[string]approval.Result{"channel": F}, "许可证"},
		{"agency that was revoked", agency(input(wangLei), employerGone), approval.Reject, map[string]approval.Result{"channel": F}, "吊销"},
		{"agency code invalid", agency(input(wangLei), "123"), approval.Reject, map[string]approval.Result{"channel": F}, "无效"},
	}
}

// unknownID returns a valid identity number that no registry knows.
func unknownID() string {
	for _, c := range "0123456789X" {
		if _, err := identity.ParseIDNumber("11010120000101123" + string(c)); err == nil {
			return "11010120000101123" + string(c)
		}
	}
	panic("no check character fits")
}

// unknownUSCC returns a valid credit code that no registry knows.
func unknownUSCC() string {
	base := "91440300MA5J9P8Q7"
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if s, err := identity.ValidateUSCC(base + string(c)); err == nil {
			return s
		}
	}
	panic("no check character fits")
}

// TestEvaluationSuite runs every case as a dry run against the demo
// registries on both databases.
func TestEvaluationSuite(t *testing.T) {
	cs := evalCases()
	if len(cs) < 40 {
		t.Fatalf("the suite has %d cases; it must have at least 40", len(cs))
	}
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		e := approvaltest.NewEnv(t, d)
		ctx := context.Background()
		for _, c := range cs {
			t.Run(c.name, func(t *testing.T) {
				in := c.in
				ev, err := e.Service.DryRun(ctx, e.SZRSCaseworker, false, approvaltest.ItemGraduate, &in)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]approval.RuleResult{}
				for _, r := range ev.Rules {
					got[r.ID] = r
					if r.Reason == "" {
						t.Errorf("rule %s has no reason", r.ID)
					}
				}
				if len(ev.Rules) != 8 {
					t.Errorf("%d rule results, want 8", len(ev.Rules))
				}
				if ev.Outcome != c.want {
					t.Errorf("outcome %s, want %s; rules %+v", ev.Outcome, c.want, ev.Rules)
				}
				reasonChecked := false
				for id, want := range c.rules {
					if got[id].Result != want {
						t.Errorf("rule %s: %s (%s), want %s", id, got[id].Result, got[id].Reason, want)
					}
				}
				if c.reason != "" {
					for _, r := range ev.Rules {
						if _, listed := c.rules[r.ID]; listed && r.Result != P && !reasonChecked {
							reasonChecked = true
							if !strings.Contains(r.Reason, c.reason) {
								t.Errorf("rule %s reason %q lacks %q", r.ID, r.Reason, c.reason)
							}
						}
					}
					if !reasonChecked {
						t.Errorf("no listed rule failed to carry the reason %q", c.reason)
					}
				}
			})
		}
	})
}
