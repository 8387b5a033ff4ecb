package exchangetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// The purpose and legal basis of the factories' policies and reads.
const (
	Purpose    = "测试用途"
	LegalBasis = "《测试数据共享条例》第一条"
)

func or[T any](p *T, def T) T {
	if p != nil {
		return *p
	}
	return def
}

// Ptr returns a pointer to v, for the options' pointer fields.
func Ptr[T any](v T) *T { return &v }

// PersonOpts overrides the generated values of [Population]; nil fields
// take generated ones (a random valid identity number of someone born in
// Wuhan between 1980 and 2003, hukou in the same division, status 正常).
type PersonOpts struct {
	IDNumber *string
	Name     *string
	Hukou    *string // hukou_division
	Address  *string
	Status   *string
}

// Population returns a valid population record. The gender and birth
// date follow the identity number.
func Population(o *PersonOpts) map[string]string {
	if o == nil {
		o = &PersonOpts{}
	}
	id := or(o.IDNumber, RandomIDNumber("420106"))
	gender := "女"
	if (id[16]-'0')%2 == 1 {
		gender = "男"
	}
	return map[string]string{
		"id_number": id, "name": or(o.Name, "测试市民"), "gender": gender,
		"birth_date":     id[6:10] + "-" + id[10:12] + "-" + id[12:14],
		"hukou_division": or(o.Hukou, id[:6]), "hukou_address": or(o.Address, "测试省测试市测试路1号（虚构）"),
		"status": or(o.Status, "正常"),
	}
}

// RandomIDNumber returns a valid identity number registered in division
// of someone born between 1980 and 2003.
func RandomIDNumber(division string) string {
	birth := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rand.IntN(24*365))
	return identitytest.IDNumber(division, birth, rand.IntN(1000))
}

// EducationOpts overrides the defaults of [Education]: a 本科 全日制
// diploma of 2026-06-30 with a 学士 degree and random certificate numbers.
type EducationOpts struct {
	Name                *string
	School              *string
	Level               *string
	StudyMode           *string
	Graduation          *string
	CertificateNo       *string
	Degree              *string
	DegreeCertificateNo *string
}

// Education returns a valid education record of the person idNumber.
func Education(idNumber string, o *EducationOpts) map[string]string {
	if o == nil {
		o = &EducationOpts{}
	}
	degree := or(o.Degree, "学士")
	dcert := ""
	if degree != "" {
		dcert = fmt.Sprintf("%016d", rand.Int64N(1e16))
	}
	return map[string]string{
		"id_number": idNumber, "name": or(o.Name, "测试市民"), "school": or(o.School, "测试大学（虚构）"),
		"level": or(o.Level, "本科"), "study_mode": or(o.StudyMode, "全日制"), "graduation_date": or(o.Graduation, "2026-06-30"),
		"certificate_no": or(o.CertificateNo, fmt.Sprintf("%018d", rand.Int64N(1e18))),
		"degree":         degree, "degree_certificate_no": or(o.DegreeCertificateNo, dcert),
	}
}

// EnterpriseRecord returns a valid enterprise record of the credit code
// uscc (a random Shenzhen one when empty) with the status (存续 when
// empty).
func EnterpriseRecord(uscc, status string) map[string]string {
	if uscc == "" {
		uscc = identitytest.USCC("440300", rand.IntN(1_000_000_000))
	}
	if status == "" {
		status = "存续"
	}
	return map[string]string{"uscc": uscc, "name": "测试科技有限公司（虚构）", "status": status,
		"legal_representative": "测试法人", "registered_on": "2020-01-01"}
}

// JSONL returns records as a JSON Lines file.
func JSONL(records ...map[string]string) string {
	var b strings.Builder
	for _, r := range records {
		line, err := json.Marshal(r)
		if err != nil {
			panic(err) // a map of strings always encodes
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// Import imports records into dataset through the service, failing the
// test on any error.
func Import(t testing.TB, s *exchange.Service, dataset string, records ...map[string]string) exchange.ImportReport {
	t.Helper()
	rep, err := s.Import(context.Background(), dataset, strings.NewReader(JSONL(records...)), nil)
	if err != nil {
		t.Fatalf("import %s: %v (%v)", dataset, err, rep.Errors)
	}
	return rep
}

// PolicyOpts overrides the defaults of [Policy]: SZRS reading every field
// of population for [Purpose] on [LegalBasis] from [Since] without end.
type PolicyOpts struct {
	Department *string
	Dataset    *string
	Fields     *[]string
	Purpose    *string
	LegalBasis *string
	ValidFrom  *time.Time
	ValidUntil *time.Time
}

// Policy creates a policy through the service as the system, failing the
// test on error.
func Policy(t testing.TB, s *exchange.Service, o *PolicyOpts) *exchange.Policy {
	t.Helper()
	if o == nil {
		o = &PolicyOpts{}
	}
	ds, err := s.Dataset(or(o.Dataset, exchange.Population))
	if err != nil {
		t.Fatalf("policy: %v", err)
	}
	p, err := s.CreatePolicy(context.Background(), nil, exchange.PolicyInput{
		Department: or(o.Department, "SZRS"), Dataset: ds.Name, Fields: or(o.Fields, ds.FieldNames()),
		Purpose: or(o.Purpose, Purpose), LegalBasis: or(o.LegalBasis, LegalBasis),
		ValidFrom: or(o.ValidFrom, Since), ValidUntil: or(o.ValidUntil, time.Time{}),
	})
	if err != nil {
		t.Fatalf("create policy: %v", err)
	}
	return p
}

// Rule returns the actor of a rule evaluation run as department.
func Rule(department string) exchange.Actor {
	return exchange.RuleActor(department, "4403-TEST-001", "测试事项")
}

// Read returns a read request by a rule evaluation of department for
// [Purpose] on [LegalBasis].
func Read(department, dataset, subject string) exchange.Request {
	return exchange.Request{Actor: Rule(department), Dataset: dataset, Subject: subject, Purpose: Purpose, LegalBasis: LegalBasis}
}
