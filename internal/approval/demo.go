package approval

import (
	"context"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// HandoverItemCode is the demo city's household-registration step that
// follows an approved graduate settlement: public security's 户籍迁入 of
// the approved graduate, filed by the platform (部门移交), never by hand.
const HandoverItemCode = "4403-SZGA-051"

// HandoverItems returns the service items that only hand-overs file: an
// internal follow-up step, not one of the 515 licensing items of the
// shipped catalogue.
func HandoverItems() []*catalog.Item {
	text := func(name, zh, en string, required bool) catalog.FormField {
		return catalog.FormField{Name: name, LabelZH: zh, LabelEN: en, Type: catalog.FieldText, Required: required, MaxLength: 100}
	}
	return []*catalog.Item{{
		Code: HandoverItemCode, Name: "高校毕业生引进入户户籍迁入登记", Department: "SZGA", Category: "公共服务",
		Applicants: []catalog.ApplicantKind{catalog.ApplicantPerson}, MaxTrips: 0, OnlineFullProcess: true,
		LegalDays: 15, PromisedDays: 5,
		Materials: []catalog.Material{
			{Name: "引进入户审批结果（由市人力资源保障局秒批移交）", Required: true, Source: catalog.SourceExchange},
			{Name: "学历信息（由学历信息库共享）", Required: true, Source: catalog.SourceExchange},
		},
		Themes:      []string{"HUKOU", "GRAD_HUKOU"},
		Keywords:    []string{"毕业生户籍迁入", "人才引进户口迁入", "秒批入户移交"},
		Description: "高校应届毕业生引进入户经市人力资源保障局秒批准予后，由平台自动移交市公安局办理户籍迁入登记，申请人无需再次提交材料。",
		FormFields: []catalog.FormField{
			text("name", "姓名", "Name", true),
			{Name: "id_number", LabelZH: "身份证号码", LabelEN: "Identity number", Type: catalog.FieldIDNumber, Required: true},
			text("gender", "性别", "Gender", false),
			text("birth_date", "出生日期", "Date of birth", false),
			text("hukou_division", "原户籍地区划代码", "Division of the present hukou", false),
			text("school", "毕业院校", "School", false),
			text("level", "学历层次", "Level", false),
			text("graduation_date", "毕业日期", "Graduation date", false),
			text("certificate_no", "毕业证书编号", "Graduation certificate number", false),
			text("degree", "学位", "Degree", false),
			text("channel", "申报渠道", "Channel", false),
			text("employer_uscc", "接收单位统一社会信用代码", "Employer's credit code", false),
			text("phone", "联系电话", "Mobile number", false),
			text("origin_serial", "秒批办件流水号", "Serial number of the approval", false),
		},
	}}
}

// Items creates and finds service items; catalogsql.Store implements it.
type Items interface {
	FindItem(ctx context.Context, code string) (*catalog.Item, error)
	CreateItem(ctx context.Context, it *catalog.Item) error
}

// SeedDemo creates the hand-over items that do not exist yet and
// publishes the default rule sets of items that have none; it is safe to
// run on every start. It returns how many rule sets it published.
func SeedDemo(ctx context.Context, s *Service, items Items) (int, error) {
	now := s.now()
	for _, it := range HandoverItems() {
		_, err := items.FindItem(ctx, it.Code)
		if err == nil {
			continue
		}
		if !errs.Is(err, errs.NotFound) {
			return 0, fmt.Errorf("find item %s: %w", it.Code, err)
		}
		it.Version, it.CreatedAt, it.UpdatedAt = 1, now, now
		if err := items.CreateItem(ctx, it); err != nil {
			return 0, fmt.Errorf("create item %s: %w", it.Code, err)
		}
	}
	srcs, err := DefaultSources()
	if err != nil {
		return 0, err
	}
	n := 0
	for code, src := range srcs {
		ok, err := s.EnsurePublished(ctx, code, src)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
