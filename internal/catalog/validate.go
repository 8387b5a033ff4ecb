package catalog

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Limits of catalogue entries.
const (
	MaxTripsLimit   = 9         // the most trips in person an item may require
	MaxDaysLimit    = 3650      // the longest time limit, in working days
	MaxFeeFen       = 100000000 // the highest fee: 1,000,000 CNY
	MaxMaterials    = 60
	MaxKeywords     = 30
	MaxNameLength   = 100  // characters of an item name
	MaxDescLength   = 2000 // characters of a description
	maxKeywordChars = 40
)

var (
	itemCodePattern  = regexp.MustCompile(`^[A-Z0-9]+(-[A-Z0-9]+){1,3}$`)
	deptCodePattern  = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,11}$`)
	themeCodePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,39}$`)
	divisionPattern  = regexp.MustCompile(`^[0-9]{6}$`)
)

// checkText returns a problem when s is not between min and max
// characters or holds control characters; what names the field in both
// languages.
func checkText(field, s string, min, max int, zh, en string) *errs.Error {
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) >= 0:
		return errs.Field(field, "text.chars", zh+"含有无效字符", "the "+en+" holds invalid characters")
	case n < min && min == 1:
		return errs.Field(field, "text.required", "请填写"+zh, "the "+en+" is required")
	case n < min || n > max:
		return errs.Field(field, "text.length", fmt.Sprintf("%s应为 %d 到 %d 个字符", zh, min, max),
			fmt.Sprintf("the %s must have %d to %d characters", en, min, max))
	case strings.TrimSpace(s) != s:
		return errs.Field(field, "text.spaces", zh+"首尾不能有空格", "the "+en+" must not start or end with spaces")
	}
	return nil
}

// Check returns every problem of the item's own fields, each an
// errs.Invalid error naming the field (materials[2].source,
// form_fields[0].type …). References to departments and themes are checked
// by the service, which knows them.
func (it *Item) Check() []*errs.Error {
	var out []*errs.Error
	add := func(e *errs.Error) {
		if e != nil {
			out = append(out, e)
		}
	}
	if !itemCodePattern.MatchString(it.Code) || len(it.Code) > 40 {
		add(errs.Field("code", "item.code", "事项编码格式不正确（如 4403-SZRS-001）："+it.Code,
			"the item code must look like 4403-SZRS-001: "+it.Code))
	}
	add(checkText("name", it.Name, 1, MaxNameLength, "事项名称", "item name"))
	add(checkText("category", it.Category, 1, 20, "事项类别", "category"))
	add(checkText("description", it.Description, 0, MaxDescLength, "事项说明", "description"))
	out = append(out, checkApplicants(it.Applicants)...)
	out = append(out, it.checkLimits()...)
	out = append(out, checkMaterials(it.Materials)...)
	out = append(out, checkKeywords(it.Keywords)...)
	out = append(out, checkFormFields(it.FormFields)...)
	return out
}

// Validate returns the first problem of [Item.Check], or nil.
func (it *Item) Validate() error {
	if p := it.Check(); len(p) > 0 {
		return p[0]
	}
	return nil
}

func checkApplicants(list []ApplicantKind) []*errs.Error {
	if len(list) == 0 {
		return []*errs.Error{errs.Field("applicant", "item.applicant_missing", "须至少指定一类申请人", "at least one kind of applicant is required")}
	}
	seen := map[ApplicantKind]bool{}
	for i, a := range list {
		if a != ApplicantPerson && a != ApplicantEnterprise || seen[a] {
			return []*errs.Error{errs.Field(fmt.Sprintf("applicant[%d]", i), "item.applicant",
				"申请人类型应为 person 或 enterprise，且不能重复："+string(a), "applicants are person or enterprise, each once: "+string(a))}
		}
		seen[a] = true
	}
	return nil
}

// checkLimits checks trips, online flags, time limits and the fee.
func (it *Item) checkLimits() []*errs.Error {
	var out []*errs.Error
	if it.MaxTrips < 0 || it.MaxTrips > MaxTripsLimit {
		out = append(out, errs.Field("max_trips", "item.max_trips", fmt.Sprintf("跑动次数应在 0 到 %d 之间", MaxTripsLimit),
			fmt.Sprintf("trips in person must be from 0 to %d", MaxTripsLimit)))
	}
	if it.MaxTrips == 0 && !it.OnlineFullProcess {
		out = append(out, errs.Field("online_full_process", "item.zero_trip_online", "零跑腿事项必须可以网上全流程办理",
			"an item with zero trips must be handled fully online"))
	}
	if it.NoMeetingBatch1 && it.MaxTrips != 0 {
		out = append(out, errs.Field("no_meeting_batch1", "item.batch1_trips", "不见面审批事项的跑动次数必须为 0",
			"a no-meeting item must need zero trips"))
	}
	if it.LegalDays < 0 || it.LegalDays > MaxDaysLimit {
		out = append(out, errs.Field("legal_days", "item.legal_days", fmt.Sprintf("法定办结时限应在 0 到 %d 个工作日之间", MaxDaysLimit),
			fmt.Sprintf("the statutory time limit must be from 0 to %d working days", MaxDaysLimit)))
	}
	if it.PromisedDays < 0 || it.PromisedDays > it.LegalDays {
		out = append(out, errs.Field("promised_days", "item.promised_days", "承诺办结时限应在 0 到法定办结时限之间",
			"the promised time limit must be from 0 to the statutory one"))
	}
	if it.FeeFen < 0 || it.FeeFen > MaxFeeFen {
		out = append(out, errs.Field("fee_yuan", "item.fee", "收费标准应在 0 到 1000000 元之间", "the fee must be from 0 to 1,000,000 yuan"))
	}
	return out
}

func checkMaterials(list []Material) []*errs.Error {
	var out []*errs.Error
	if len(list) > MaxMaterials {
		out = append(out, errs.Field("materials", "item.materials_many", fmt.Sprintf("申请材料不能超过 %d 项", MaxMaterials),
			fmt.Sprintf("at most %d materials", MaxMaterials)))
	}
	seen := map[string]bool{}
	for i, m := range list {
		at := fmt.Sprintf("materials[%d]", i)
		if e := checkText(at+".name", m.Name, 1, 100, "材料名称", "material name"); e != nil {
			out = append(out, e)
		} else if seen[m.Name] {
			out = append(out, errs.Field(at+".name", "item.material_duplicate", "材料名称重复："+m.Name, "duplicate material: "+m.Name))
		}
		seen[m.Name] = true
		if m.Source != SourceUpload && m.Source != SourceLicence && m.Source != SourceExchange {
			out = append(out, errs.Field(at+".source", "item.material_source", "材料来源应为 upload、licence 或 exchange："+string(m.Source),
				"a material's source is upload, licence or exchange: "+string(m.Source)))
		}
	}
	return out
}

func checkKeywords(list []string) []*errs.Error {
	var out []*errs.Error
	if len(list) > MaxKeywords {
		out = append(out, errs.Field("keywords", "item.keywords_many", fmt.Sprintf("搜索关键词不能超过 %d 个", MaxKeywords),
			fmt.Sprintf("at most %d keywords", MaxKeywords)))
	}
	seen := map[string]bool{}
	for i, k := range list {
		at := fmt.Sprintf("keywords[%d]", i)
		if e := checkText(at, k, 1, maxKeywordChars, "关键词", "keyword"); e != nil {
			out = append(out, e)
		} else if seen[k] {
			out = append(out, errs.Field(at, "item.keyword_duplicate", "关键词重复："+k, "duplicate keyword: "+k))
		}
		seen[k] = true
	}
	return out
}

// Check returns every problem of the theme's fields.
func (t *Theme) Check() []*errs.Error {
	var out []*errs.Error
	if !themeCodePattern.MatchString(t.Code) {
		out = append(out, errs.Field("code", "theme.code", "主题编码应为大写字母、数字和下划线（如 GRAD_HUKOU）："+t.Code,
			"theme codes are upper-case letters, digits and underscores, e.g. GRAD_HUKOU: "+t.Code))
	}
	for _, e := range []*errs.Error{
		checkText("name", t.Name, 1, 30, "主题名称", "theme name"),
		checkText("description", t.Description, 0, 500, "主题说明", "theme description"),
	} {
		if e != nil {
			out = append(out, e)
		}
	}
	if t.Audience != ApplicantPerson && t.Audience != ApplicantEnterprise {
		out = append(out, errs.Field("audience", "theme.audience", "主题对象应为 person 或 enterprise："+string(t.Audience),
			"a theme's audience is person or enterprise: "+string(t.Audience)))
	}
	return out
}

// Check returns every problem of the department's fields.
func (d *Department) Check() []*errs.Error {
	var out []*errs.Error
	if !deptCodePattern.MatchString(d.Code) {
		out = append(out, errs.Field("code", "department.code", "部门编码应为 2 到 12 位大写字母或数字（如 SZRS）："+d.Code,
			"department codes are 2 to 12 upper-case letters or digits, e.g. SZRS: "+d.Code))
	}
	for _, e := range []*errs.Error{
		checkText("name", d.Name, 1, 50, "部门名称", "department name"),
		checkText("short_name", d.ShortName, 1, 30, "部门简称", "department short name"),
	} {
		if e != nil {
			out = append(out, e)
		}
	}
	if !divisionPattern.MatchString(d.Division) {
		out = append(out, errs.Field("gbt2260", "department.division", "行政区划代码应为 6 位数字："+d.Division,
			"the division code has 6 digits: "+d.Division))
	}
	return out
}
