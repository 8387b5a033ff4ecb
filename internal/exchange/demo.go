package exchange

import (
	"context"
	"embed"
	"fmt"
	"slices"
	"time"
)

// demoFiles are the synthetic registry records of the demo city; see
// testdata/README.md for the people and enterprises in them.
//
//go:embed testdata/population.jsonl testdata/education.jsonl testdata/enterprise.jsonl testdata/hr_agency.jsonl
var demoFiles embed.FS

// The flagship instant-approval item whose rule evaluations the demo's
// policies allow.
const (
	GraduateItemCode = "4403-SZRS-001"
	GraduateItemName = "高校应届毕业生引进入户"
)

// DemoLegalBasis is the legal basis of the demo's policies for graduate
// settlement; it is marked as the demo's.
const DemoLegalBasis = "《政务信息资源共享管理暂行办法》（国发〔2016〕51号）；《深圳市户籍迁入若干规定》（演示授权）"

// demoHukouBasis is the legal basis of the public security bureau's demo
// policy.
const demoHukouBasis = "《中华人民共和国户口登记条例》；《深圳市户籍迁入若干规定》（演示授权）"

// DemoPolicies returns the demo city's access policies, in force from
// 2018-01-01 without end:
//
//   - SZRS (市人力资源保障局) reads population (identity fields, hukou
//     division and status — not the address), education (all fields),
//     enterprise (credit code, name, status) and hr_agency (all fields)
//     for instant approval of 高校应届毕业生引进入户, purpose
//     RulePurpose(GraduateItemName) — what the rule evaluations of
//     4403-SZRS-001 run with;
//   - SZRS caseworkers read population and education, with the same
//     fields, for 人才引进入户人工复核 (manual review of settlement
//     applications);
//   - SZGA (市公安局) reads education for 户籍迁入办理 (the household
//     registration step after approval).
func DemoPolicies() []PolicyInput {
	from := time.Date(2018, 1, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600)).UTC()
	graduates := RulePurpose(GraduateItemName)
	person := []string{"id_number", "name", "gender", "birth_date", "hukou_division", "status"}
	education := educationDataset().FieldNames()
	return []PolicyInput{
		{Department: "SZRS", Dataset: Population, Fields: person, Purpose: graduates, LegalBasis: DemoLegalBasis, ValidFrom: from},
		{Department: "SZRS", Dataset: Education, Fields: education, Purpose: graduates, LegalBasis: DemoLegalBasis, ValidFrom: from},
		{Department: "SZRS", Dataset: Enterprise, Fields: []string{"uscc", "name", "status"}, Purpose: graduates, LegalBasis: DemoLegalBasis, ValidFrom: from},
		{Department: "SZRS", Dataset: HRAgency, Fields: hrAgencyDataset().FieldNames(), Purpose: graduates, LegalBasis: DemoLegalBasis, ValidFrom: from},
		{Department: "SZRS", Dataset: Population, Fields: person, Purpose: "人才引进入户人工复核", LegalBasis: DemoLegalBasis, ValidFrom: from},
		{Department: "SZRS", Dataset: Education, Fields: education, Purpose: "人才引进入户人工复核", LegalBasis: DemoLegalBasis, ValidFrom: from},
		{Department: "SZGA", Dataset: Education, Fields: []string{"id_number", "name", "school", "level", "graduation_date", "certificate_no"},
			Purpose: "户籍迁入办理", LegalBasis: demoHukouBasis, ValidFrom: from},
	}
}

// DemoReport says what [SeedDemo] did.
type DemoReport struct {
	Imports  []ImportReport // one per dataset
	Policies int            // policies created by this run
}

// SeedDemo loads the demo city's synthetic registry records (the files in
// testdata, recorded with source SourceDemo) and creates the policies of
// [DemoPolicies] that do not exist yet (a policy an administrator revoked
// stays revoked). The departments must exist (the catalogue's). It is safe
// to run on every start: records that did not change keep their versions.
func SeedDemo(ctx context.Context, s *Service) (DemoReport, error) {
	var rep DemoReport
	for _, ds := range s.Datasets() {
		f, err := demoFiles.Open("testdata/" + ds.Name + ".jsonl")
		if err != nil {
			return rep, fmt.Errorf("seed %s: %w", ds.Name, err)
		}
		r, err := s.importFrom(ctx, ds.Name, f, nil, SourceDemo)
		f.Close()
		if err != nil {
			return rep, fmt.Errorf("seed %s: %w", ds.Name, err)
		}
		rep.Imports = append(rep.Imports, r)
	}
	for _, in := range DemoPolicies() {
		existing, err := s.store.FindPolicies(ctx, PolicyFilter{Department: in.Department, Dataset: in.Dataset, Revoked: true})
		if err != nil {
			return rep, fmt.Errorf("seed policies: %w", err)
		}
		if slices.ContainsFunc(existing, func(p *Policy) bool { return p.Purpose == in.Purpose }) {
			continue
		}
		if _, err := s.CreatePolicy(ctx, nil, in); err != nil {
			return rep, fmt.Errorf("seed policy %s %s %s: %w", in.Department, in.Dataset, in.Purpose, err)
		}
		rep.Policies++
	}
	return rep, nil
}
