package exchange

import (
	"fmt"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// The names of the built-in datasets.
const (
	Population = "population" // 人口基础信息, 市公安局
	Education  = "education"  // 学历学位信息, 市教育局
	Enterprise = "enterprise" // 商事主体登记信息, 市市场监管委
	HRAgency   = "hr_agency"  // 人力资源服务许可, 市人力资源保障局
)

// Datasets returns the built-in datasets, freshly built, in display order:
// population (owned by SZGA 市公安局), education (SZJY 市教育局),
// enterprise (SZSC 市市场监管委) and hr_agency (SZRS 市人力资源保障局).
func Datasets() []*Dataset {
	return []*Dataset{populationDataset(), educationDataset(), enterpriseDataset(), hrAgencyDataset()}
}

func idNumberField() Field {
	return Field{Name: "id_number", Label: "公民身份号码", LabelEN: "Resident identity number", Type: IDNumber, Required: true}
}

func usccField() Field {
	return Field{Name: "uscc", Label: "统一社会信用代码", LabelEN: "Unified social credit code", Type: USCC, Required: true}
}

func populationDataset() *Dataset {
	return &Dataset{
		Name: Population, Title: "人口基础信息", TitleEN: "Population register", Owner: "SZGA",
		Note:    "公安机关户籍管理系统中的常住人口登记信息。",
		NoteEN:  "Registered residents, from the public security bureau's household registration system.",
		Subject: PersonSubject, SubjectField: "id_number", KeyField: "id_number",
		Fields: []Field{
			idNumberField(),
			{Name: "name", Label: "姓名", LabelEN: "Name", Type: Text, Required: true, MaxLen: 64},
			{Name: "gender", Label: "性别", LabelEN: "Gender", Type: Enum, Required: true, Values: []string{"男", "女"}},
			{Name: "birth_date", Label: "出生日期", LabelEN: "Date of birth", Type: Date, Required: true},
			{Name: "hukou_division", Label: "户籍地行政区划", LabelEN: "Household registration division", Type: Division, Required: true},
			{Name: "hukou_address", Label: "户籍地址", LabelEN: "Household registration address", Type: Text, Required: true},
			{Name: "status", Label: "户籍状态", LabelEN: "Registration status", Type: Enum, Required: true, Values: []string{"正常", "注销"}},
		},
		check: checkPopulation,
	}
}

// checkPopulation makes the birth date and gender agree with the identity
// number (digits 7–14 are the birth date; the 17th is odd for men).
func checkPopulation(rec map[string]string) []*errs.Error {
	id := rec["id_number"]
	var out []*errs.Error
	if want := id[6:10] + "-" + id[10:12] + "-" + id[12:14]; rec["birth_date"] != want {
		out = append(out, errs.Field("birth_date", "exchange.birth_mismatch",
			fmt.Sprintf("出生日期 %s 与身份证号码中的出生日期 %s 不一致", rec["birth_date"], want),
			fmt.Sprintf("the date of birth %s differs from the one in the identity number, %s", rec["birth_date"], want)))
	}
	want := "女"
	if (id[16]-'0')%2 == 1 {
		want = "男"
	}
	if rec["gender"] != want {
		out = append(out, errs.Field("gender", "exchange.gender_mismatch",
			fmt.Sprintf("性别 %s 与身份证号码（第17位）表示的性别 %s 不一致", rec["gender"], want),
			fmt.Sprintf("the gender %s differs from the one the identity number (17th digit) gives, %s", rec["gender"], want)))
	}
	return out
}

func educationDataset() *Dataset {
	return &Dataset{
		Name: Education, Title: "学历学位信息", TitleEN: "Higher-education qualifications", Owner: "SZJY",
		Note: "在我国，高等教育学历和学位的权威来源是全国的中国高等教育学生信息网（学信网）和学位信息系统；" +
			"本数据集由市教育局维护其在本市共享的副本。",
		NoteEN: "In China the authoritative source of higher-education qualifications and degrees is the national CHSI " +
			"(学信网) and degree information system; this dataset is the copy the municipal education bureau shares in the city.",
		Subject: PersonSubject, SubjectField: "id_number", KeyField: "certificate_no",
		Fields: []Field{
			idNumberField(),
			{Name: "name", Label: "姓名", LabelEN: "Name", Type: Text, Required: true, MaxLen: 64},
			{Name: "school", Label: "毕业院校", LabelEN: "School", Type: Text, Required: true, MaxLen: 100},
			{Name: "level", Label: "学历层次", LabelEN: "Level", Type: Enum, Required: true, Values: []string{"专科", "本科", "硕士", "博士"}},
			{Name: "study_mode", Label: "学习形式", LabelEN: "Mode of study", Type: Enum, Required: true, Values: []string{"全日制", "非全日制"}},
			{Name: "graduation_date", Label: "毕业日期", LabelEN: "Graduation date", Type: Date, Required: true},
			{Name: "certificate_no", Label: "毕业证书编号", LabelEN: "Graduation certificate number", Type: Digits, Len: 18, Required: true},
			{Name: "degree", Label: "学位", LabelEN: "Degree", Type: Enum, Values: []string{"学士", "硕士", "博士", ""}},
			{Name: "degree_certificate_no", Label: "学位证书编号", LabelEN: "Degree certificate number", Type: Digits, Len: 16},
		},
		check: checkEducation,
	}
}

// educationDegrees are the degrees each level may award (专科 awards none).
var educationDegrees = map[string]string{"专科": "", "本科": "学士", "硕士": "硕士", "博士": "博士"}

// checkEducation makes the degree fit the level and come with its
// certificate number.
func checkEducation(rec map[string]string) []*errs.Error {
	level, degree := rec["level"], rec["degree"]
	var out []*errs.Error
	if degree != "" && educationDegrees[level] != degree {
		out = append(out, errs.Field("degree", "exchange.degree_level",
			fmt.Sprintf("学历层次为%s时学位不能为%s", level, degree),
			fmt.Sprintf("a %s qualification cannot carry a %s degree", level, degree)))
	}
	if (degree == "") != (rec["degree_certificate_no"] == "") {
		out = append(out, errs.Field("degree_certificate_no", "exchange.degree_certificate",
			"学位和学位证书编号应同时填写或同时为空",
			"the degree and the degree certificate number must both be given or both be empty"))
	}
	return out
}

func enterpriseDataset() *Dataset {
	return &Dataset{
		Name: Enterprise, Title: "商事主体登记信息", TitleEN: "Business register", Owner: "SZSC",
		Note:    "商事登记机关登记的企业等商事主体。",
		NoteEN:  "Enterprises and other market entities, from the business registration authority.",
		Subject: EnterpriseSubject, SubjectField: "uscc", KeyField: "uscc",
		Fields: []Field{
			usccField(),
			{Name: "name", Label: "名称", LabelEN: "Name", Type: Text, Required: true, MaxLen: 100},
			{Name: "status", Label: "登记状态", LabelEN: "Status", Type: Enum, Required: true, Values: []string{"存续", "注销", "吊销"}},
			{Name: "legal_representative", Label: "法定代表人", LabelEN: "Legal representative", Type: Text, Required: true, MaxLen: 64},
			{Name: "registered_on", Label: "成立日期", LabelEN: "Registered on", Type: Date, Required: true},
		},
	}
}

func hrAgencyDataset() *Dataset {
	return &Dataset{
		Name: HRAgency, Title: "人力资源服务许可", TitleEN: "Human-resources service licences", Owner: "SZRS",
		Note:    "人力资源社会保障部门核发的人力资源服务许可证。",
		NoteEN:  "Licences for human-resources service agencies, issued by the human resources bureau.",
		Subject: EnterpriseSubject, SubjectField: "uscc", KeyField: "uscc",
		Fields: []Field{
			usccField(),
			{Name: "licence_no", Label: "许可证编号", LabelEN: "Licence number", Type: Text, Required: true, MaxLen: 40},
			{Name: "valid_from", Label: "有效期起", LabelEN: "Valid from", Type: Date, Required: true},
			{Name: "valid_until", Label: "有效期至", LabelEN: "Valid until", Type: Date, Required: true},
		},
		check: checkHRAgency,
	}
}

// checkHRAgency makes the licence's validity end on or after its start.
func checkHRAgency(rec map[string]string) []*errs.Error {
	if strings.Compare(rec["valid_until"], rec["valid_from"]) < 0 {
		return []*errs.Error{errs.Field("valid_until", "exchange.validity",
			fmt.Sprintf("有效期至 %s 早于有效期起 %s", rec["valid_until"], rec["valid_from"]),
			fmt.Sprintf("valid until %s is before valid from %s", rec["valid_until"], rec["valid_from"]))}
	}
	return nil
}
