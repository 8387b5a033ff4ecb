package exchange

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Policy allows one department to read some fields of one dataset for one
// purpose on one legal basis, during a period. Reads that no policy allows
// are refused.
type Policy struct {
	ID         string
	Department string   // the reading department's code
	Dataset    string   // the dataset's name
	Fields     []string // the fields it may read, in schema order
	Purpose    string   // e.g. 秒批：高校应届毕业生引进入户
	LegalBasis string   // the law or regulation that allows the use
	ValidFrom  time.Time
	ValidUntil time.Time // exclusive; zero for no end
	RevokedAt  time.Time // zero while not revoked
	CreatedBy  string    // the account that created it; empty for the system
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int // from 1, incremented on every change
}

// ActiveAt reports whether the policy allows reads at t.
func (p *Policy) ActiveAt(t time.Time) bool {
	return p.RevokedAt.IsZero() && !t.Before(p.ValidFrom) && (p.ValidUntil.IsZero() || t.Before(p.ValidUntil))
}

// Revoked reports whether the policy was revoked.
func (p *Policy) Revoked() bool { return !p.RevokedAt.IsZero() }

// LastDay returns the last instant the policy is valid, for display as a
// date; zero when it has no end.
func (p *Policy) LastDay() time.Time {
	if p.ValidUntil.IsZero() {
		return time.Time{}
	}
	return p.ValidUntil.Add(-time.Second)
}

// PolicyInput is a policy as an administrator writes it.
type PolicyInput struct {
	Department string
	Dataset    string
	Fields     []string
	Purpose    string
	LegalBasis string
	ValidFrom  time.Time
	ValidUntil time.Time // exclusive; zero for no end
}

// PolicyFilter selects policies. Zero fields do not filter.
type PolicyFilter struct {
	Department string
	Dataset    string
	// Datasets, if not empty, selects the policies on any of these
	// datasets.
	Datasets []string
	// Revoked includes revoked policies.
	Revoked bool
}

// Length limits of policy texts, in characters.
const (
	MaxPurpose    = 100
	MaxLegalBasis = 300
)

var departmentCode = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,15}$`)

// validate checks in against the datasets and returns it normalised: texts
// trimmed, fields deduplicated in schema order.
func (in PolicyInput) validate(datasets map[string]*Dataset) (PolicyInput, error) {
	in.Department = strings.ToUpper(strings.TrimSpace(in.Department))
	if !departmentCode.MatchString(in.Department) {
		return in, errs.Field("department", "exchange.policy_department", "请选择读取数据的部门", "choose the department that reads the data")
	}
	ds, ok := datasets[in.Dataset]
	if !ok {
		return in, errs.Field("dataset", "exchange.policy_dataset", "请选择数据集", "choose a dataset")
	}
	var fields []string
	for _, f := range in.Fields {
		if ds.Field(f) == nil {
			return in, errUnknownField(ds, f)
		}
	}
	for _, f := range ds.Fields {
		if slices.Contains(in.Fields, f.Name) {
			fields = append(fields, f.Name)
		}
	}
	if len(fields) == 0 {
		return in, errs.Field("fields", "exchange.policy_fields", "请至少选择一个允许读取的字段", "choose at least one field that may be read")
	}
	in.Fields = fields
	var err error
	if in.Purpose, err = policyText("purpose", in.Purpose, MaxPurpose, "用途", "purpose"); err != nil {
		return in, err
	}
	if in.LegalBasis, err = policyText("legal_basis", in.LegalBasis, MaxLegalBasis, "法律依据", "legal basis"); err != nil {
		return in, err
	}
	if in.ValidFrom.IsZero() {
		return in, errs.Field("valid_from", "exchange.policy_from", "请填写生效日期", "enter the date the policy takes effect")
	}
	if !in.ValidUntil.IsZero() && !in.ValidUntil.After(in.ValidFrom) {
		return in, errs.Field("valid_until", "exchange.policy_until", "失效日期应晚于生效日期", "the end date must be after the start date")
	}
	in.ValidFrom, in.ValidUntil = in.ValidFrom.UTC(), in.ValidUntil.UTC()
	return in, nil
}

// policyText checks a purpose or legal basis: 2 to limit printable
// characters without line breaks.
func policyText(field, s string, limit int, zh, en string) (string, error) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n < 2 || n > limit || !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n\t\x00") {
		return "", errs.Field(field, "exchange."+field,
			fmt.Sprintf("请填写%s（2至%d个字，不换行）", zh, limit),
			fmt.Sprintf("enter the %s (2 to %d characters, one line)", en, limit))
	}
	return s, nil
}

// authorize finds the policy among policies (those of the actor's
// department on the dataset) that allows reading fields for purpose on
// legalBasis at now, and returns it with the fields to return (all the
// policy allows when fields is empty). Otherwise it returns an
// errs.Forbidden error naming what is missing.
func authorize(ds *Dataset, policies []*Policy, dept string, fields []string, purpose, legalBasis string, now time.Time) (*Policy, []string, error) {
	if len(policies) == 0 {
		return nil, nil, errs.E(errs.Forbidden, "exchange.no_policy",
			fmt.Sprintf("部门 %s 没有读取数据集「%s」（%s）的共享授权", dept, ds.Title, ds.Name),
			fmt.Sprintf("department %s has no policy allowing it to read dataset %s (%s)", dept, ds.Name, ds.TitleEN))
	}
	var same []*Policy
	var purposes []string
	for _, p := range policies {
		if p.Purpose == purpose {
			same = append(same, p)
		}
		if p.ActiveAt(now) && !slices.Contains(purposes, p.Purpose) {
			purposes = append(purposes, p.Purpose)
		}
	}
	if len(same) == 0 {
		zh, en := strings.Join(purposes, "；"), strings.Join(purposes, "; ")
		if len(purposes) == 0 {
			zh, en = "无", "none"
		}
		return nil, nil, errs.E(errs.Forbidden, "exchange.purpose",
			fmt.Sprintf("部门 %s 读取「%s」的授权不包括用途「%s」（目前授权的用途：%s）", dept, ds.Title, clip(purpose, 100), zh),
			fmt.Sprintf("department %s may not read %s for the purpose %q (purposes allowed now: %s)", dept, ds.Name, clip(purpose, 100), en))
	}
	var p *Policy
	for _, c := range same {
		if c.ActiveAt(now) {
			p = c
			break
		}
	}
	if p == nil {
		return nil, nil, errInactive(ds, dept, same[0], now)
	}
	if p.LegalBasis != legalBasis {
		return nil, nil, errs.E(errs.Forbidden, "exchange.legal_basis",
			fmt.Sprintf("用途「%s」的授权依据是「%s」，与请求的依据「%s」不符", purpose, p.LegalBasis, clip(legalBasis, 100)),
			fmt.Sprintf("the policy for the purpose %q rests on %q, not on the requested %q", purpose, p.LegalBasis, clip(legalBasis, 100)))
	}
	if len(fields) == 0 {
		return p, p.Fields, nil
	}
	var missing []string
	for _, f := range fields {
		if !slices.Contains(p.Fields, f) {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return nil, nil, errs.E(errs.Forbidden, "exchange.fields",
			fmt.Sprintf("部门 %s 读取「%s」用于「%s」的授权不包括字段：%s", dept, ds.Title, purpose, fieldList(ds, missing, "zh")),
			fmt.Sprintf("department %s's policy on %s for %q does not include the fields: %s", dept, ds.Name, purpose, fieldList(ds, missing, "en")))
	}
	return p, fields, nil
}

// errInactive says why policy p is not in force at now.
func errInactive(ds *Dataset, dept string, p *Policy, now time.Time) error {
	const day = "2006-01-02"
	cst := time.FixedZone("CST", 8*3600)
	switch {
	case p.Revoked():
		return errs.E(errs.Forbidden, "exchange.policy_revoked",
			fmt.Sprintf("部门 %s 读取「%s」用于「%s」的授权已于 %s 撤销", dept, ds.Title, p.Purpose, p.RevokedAt.In(cst).Format(day)),
			fmt.Sprintf("department %s's policy on %s for %q was revoked on %s", dept, ds.Name, p.Purpose, p.RevokedAt.In(cst).Format(day)))
	case now.Before(p.ValidFrom):
		return errs.E(errs.Forbidden, "exchange.policy_not_yet",
			fmt.Sprintf("部门 %s 读取「%s」用于「%s」的授权自 %s 起生效", dept, ds.Title, p.Purpose, p.ValidFrom.In(cst).Format(day)),
			fmt.Sprintf("department %s's policy on %s for %q takes effect on %s", dept, ds.Name, p.Purpose, p.ValidFrom.In(cst).Format(day)))
	default:
		return errs.E(errs.Forbidden, "exchange.policy_expired",
			fmt.Sprintf("部门 %s 读取「%s」用于「%s」的授权已于 %s 到期", dept, ds.Title, p.Purpose, p.LastDay().In(cst).Format(day)),
			fmt.Sprintf("department %s's policy on %s for %q expired after %s", dept, ds.Name, p.Purpose, p.LastDay().In(cst).Format(day)))
	}
}

// fieldList names fields with their labels: "hukou_address（户籍地址）".
func fieldList(ds *Dataset, names []string, lang string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		label := n
		if f := ds.Field(n); f != nil {
			label = f.Label
			if lang == "en" {
				label = f.LabelEN
			}
		}
		if lang == "en" {
			parts[i] = n + " (" + label + ")"
		} else {
			parts[i] = n + "（" + label + "）"
		}
	}
	sep := "、"
	if lang == "en" {
		sep = ", "
	}
	return strings.Join(parts, sep)
}
