package catalog

import (
	"fmt"
	"time"
)

// ApplicantKind says who may apply for an item.
type ApplicantKind string

// The kinds of applicant.
const (
	ApplicantPerson     ApplicantKind = "person"     // 自然人
	ApplicantEnterprise ApplicantKind = "enterprise" // 法人或其他组织
)

// ApplicantKinds are the applicant kinds in display order.
var ApplicantKinds = []ApplicantKind{ApplicantPerson, ApplicantEnterprise}

// MaterialSource says where a material comes from.
type MaterialSource string

// The sources of materials.
const (
	// SourceUpload: the applicant uploads or hands it in (上传).
	SourceUpload MaterialSource = "upload"
	// SourceLicence: pulled from the electronic licence library by the
	// applicant's identity (电子证照).
	SourceLicence MaterialSource = "licence"
	// SourceExchange: supplied by another department's registry through
	// data exchange; the applicant submits nothing (部门共享).
	SourceExchange MaterialSource = "exchange"
)

// MaterialSources are the material sources in display order.
var MaterialSources = []MaterialSource{SourceUpload, SourceLicence, SourceExchange}

// Material is a document an application needs.
type Material struct {
	Name     string         `json:"name"`
	Required bool           `json:"required"` // false for conditional materials
	Source   MaterialSource `json:"source"`
}

// Item is a service item (事项) of the catalogue.
type Item struct {
	Code       string // e.g. 4403-SZRS-001
	Name       string // unique, e.g. 高校应届毕业生引进入户
	Department string // department code
	Category   string // e.g. 行政许可
	Applicants []ApplicantKind
	// MaxTrips is the most visits in person an applicant needs: 0 零跑腿,
	// 1 最多跑一次.
	MaxTrips int
	// OnlineFullProcess: can be handled fully online (网上全流程办理).
	// Every item with MaxTrips 0 is.
	OnlineFullProcess bool
	// NoMeetingBatch1: in the first batch of 不见面审批 items (2018); such
	// items have MaxTrips 0.
	NoMeetingBatch1 bool
	LegalDays       int   // statutory time limit in working days (法定办结时限)
	PromisedDays    int   // promised limit (承诺办结时限) ≤ LegalDays; 0 means at once (即办)
	FeeFen          int64 // fee in fen (0.01 CNY); 0 for free items
	Materials       []Material
	Themes          []string // theme codes
	Keywords        []string // what people call it, for search
	Description     string
	FormFields      []FormField // the application form
	// Version counts the item's changes: 1 when created.
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// FeeYuan formats the fee in yuan: "0", "12", "12.50".
func (it *Item) FeeYuan() string {
	if it.FeeFen%100 == 0 {
		return fmt.Sprint(it.FeeFen / 100)
	}
	return fmt.Sprintf("%d.%02d", it.FeeFen/100, it.FeeFen%100)
}

// ForApplicant reports whether k may apply for it.
func (it *Item) ForApplicant(k ApplicantKind) bool {
	for _, a := range it.Applicants {
		if a == k {
			return true
		}
	}
	return false
}

// Clone returns a deep copy of it.
func (it *Item) Clone() *Item {
	c := *it
	c.Applicants = append([]ApplicantKind(nil), it.Applicants...)
	c.Materials = append([]Material(nil), it.Materials...)
	c.Themes = append([]string(nil), it.Themes...)
	c.Keywords = append([]string(nil), it.Keywords...)
	c.FormFields = make([]FormField, len(it.FormFields))
	for i, f := range it.FormFields {
		f.Options = append([]FieldOption(nil), f.Options...)
		c.FormFields[i] = f
	}
	if it.FormFields == nil {
		c.FormFields = nil
	}
	return &c
}

// Theme groups items around a life event of a person (生育, 毕业生落户 …) or
// of an enterprise (开办企业, 工程建设 …).
type Theme struct {
	Code        string // upper-case ASCII, e.g. GRAD_HUKOU
	Name        string // unique, e.g. 毕业生落户
	Description string
	Audience    ApplicantKind
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Shares counts a department's items (or all items) by trips in person
// and online flags: the catalogue's public indicators.
type Shares struct {
	Department        string // "" for the whole catalogue
	Items             int
	ZeroTrip          int // MaxTrips 0 (零跑腿)
	AtMostOneTrip     int // MaxTrips ≤ 1 (最多跑一次)
	OnlineFullProcess int // 网上全流程办理
	NoMeetingBatch1   int // 首批不见面审批
}

// Share returns n as a fraction of the items, 0 when there are none.
func (s Shares) Share(n int) float64 {
	if s.Items == 0 {
		return 0
	}
	return float64(n) / float64(s.Items)
}
