// Package casestest helps test code that uses applications: an
// applications service on a test database with real stores and a real
// file store ([NewEnv]), test items in the catalogue, valid forms and
// sample documents, a factory that submits applications ([Submit]) and
// moves them along ([Advance]), and the contract suite every cases.Store
// must pass ([StoreSuite]).
package casestest

import (
	"context"
	"io/fs"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casessql"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitysql"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// The test items that NewEnv puts in the catalogue.
const (
	// ItemHukou is a person's item of DeptA with every kind of material
	// (a licence, an upload, an exchange record, an optional upload) and
	// a form with every field type; promised in 5 working days, with a
	// paper result.
	ItemHukou = "4403-TESTA-001"
	// ItemFiling is an item of DeptA for persons and enterprises handled
	// at once (promised 0 days) whose result is electronic (a filing, 备案).
	ItemFiling = "4403-TESTA-002"
	// ItemLicence is an enterprise item of DeptB with the default form;
	// promised in 3 working days, with a paper result.
	ItemLicence = "4403-TESTB-001"
)

// MaxUpload is the upload limit of NewEnv's service.
const MaxUpload = 64 << 10

// Env is an applications service on a test database: the identity
// environment (accounts, notify outbox, clock), the catalogue store with
// the test items, a file store in a temporary directory, and the
// applications store and service.
type Env struct {
	*identitytest.Env
	Catalog *catalogsql.Store
	Files   *files.Local
	// FilesDir is the file store's directory.
	FilesDir string
	Store    *casessql.Store
	Cases    *cases.Service
}

// NewEnv builds an Env on d (migrated, e.g. from dbtest) with departments
// DeptA and DeptB, the test items, the shipped Chinese calendar, the
// manual courier, and public look-ups throttled at 5 per 10 minutes.
func NewEnv(t testing.TB, d *db.DB) *Env {
	t.Helper()
	id := identitytest.NewEnv(t, d)
	cat := catalogsql.New(d)
	CreateItems(t, cat)
	dir := filepath.Join(t.TempDir(), "files")
	fstore, err := files.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	st := casessql.New(d)
	svc, err := cases.NewService(cases.Deps{
		Store: st, Catalog: cat, Accounts: id.Service, Files: fstore, Notifier: id.Notify,
		Throttle: identitysql.New(d), MaxUploadBytes: MaxUpload, ProgressLimit: 5,
		Now: id.Clock.Now, Log: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Env{Env: id, Catalog: cat, Files: fstore, FilesDir: dir, Store: st, Cases: svc}
}

// Items returns the test items.
func Items() []*catalog.Item {
	now := identitytest.Start
	base := func(code, name, dept string, kinds []catalog.ApplicantKind, promised int) *catalog.Item {
		return &catalog.Item{Code: code, Name: name, Department: dept, Category: "行政许可", Applicants: kinds,
			MaxTrips: 0, OnlineFullProcess: true, LegalDays: 20, PromisedDays: promised, Keywords: []string{name},
			Description: "测试事项（合成数据）", Themes: []string{}, Version: 1, CreatedAt: now, UpdatedAt: now}
	}
	hukou := base(ItemHukou, "测试人才引进入户", identitytest.DeptA, []catalog.ApplicantKind{catalog.ApplicantPerson}, 5)
	hukou.Materials = []catalog.Material{
		{Name: "居民身份证", Required: true, Source: catalog.SourceLicence},
		{Name: "毕业证书", Required: true, Source: catalog.SourceUpload},
		{Name: "户口簿", Required: true, Source: catalog.SourceExchange},
		{Name: "其他证明材料", Required: false, Source: catalog.SourceUpload},
	}
	hukou.FormFields = []catalog.FormField{
		{Name: "applicant_name", LabelZH: "申请人姓名", LabelEN: "Applicant's name", Type: catalog.FieldText, Required: true, MaxLength: 20},
		{Name: "id_number", LabelZH: "身份证号码", LabelEN: "ID number", Type: catalog.FieldIDNumber, Required: true},
		{Name: "phone", LabelZH: "联系电话", LabelEN: "Mobile number", Type: catalog.FieldPhone, Required: true},
		{Name: "school", LabelZH: "毕业院校", LabelEN: "University", Type: catalog.FieldText, Required: true, MaxLength: 50},
		{Name: "degree", LabelZH: "学历", LabelEN: "Degree", Type: catalog.FieldSelect, Required: true, Options: []catalog.FieldOption{
			{Value: "bachelor", LabelZH: "本科", LabelEN: "Bachelor"}, {Value: "master", LabelZH: "硕士", LabelEN: "Master"}}},
		{Name: "graduated", LabelZH: "毕业日期", LabelEN: "Graduation date", Type: catalog.FieldDate, Required: true},
		{Name: "family", LabelZH: "随迁人数", LabelEN: "Family members moving", Type: catalog.FieldNumber},
	}
	filing := base(ItemFiling, "测试项目备案", identitytest.DeptA,
		[]catalog.ApplicantKind{catalog.ApplicantPerson, catalog.ApplicantEnterprise}, 0)
	filing.Materials = []catalog.Material{{Name: "备案表", Required: true, Source: catalog.SourceUpload}}
	filing.FormFields = catalog.DefaultForm(filing.Applicants)
	lic := base(ItemLicence, "测试经营许可", identitytest.DeptB, []catalog.ApplicantKind{catalog.ApplicantEnterprise}, 3)
	lic.Materials = []catalog.Material{
		{Name: "营业执照", Required: true, Source: catalog.SourceExchange},
		{Name: "经营场所证明", Required: true, Source: catalog.SourceUpload},
	}
	lic.FormFields = catalog.DefaultForm(lic.Applicants)
	return []*catalog.Item{hukou, filing, lic}
}

// CreateItems puts the test items into the catalogue (departments DeptA
// and DeptB must exist).
func CreateItems(t testing.TB, s *catalogsql.Store) {
	t.Helper()
	for _, it := range Items() {
		if err := s.CreateItem(context.Background(), it); err != nil {
			t.Fatalf("create item %s: %v", it.Code, err)
		}
	}
}

// StoredFiles counts the files in the file store, temporary ones included.
func (e *Env) StoredFiles(t testing.TB) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(e.FilesDir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Count returns how many applications are stored.
func (e *Env) Count(t testing.TB) int {
	t.Helper()
	_, n, err := e.Store.FindApplications(context.Background(), cases.Filter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Item returns the test item with code.
func Item(code string) *catalog.Item {
	for _, it := range Items() {
		if it.Code == code {
			return it
		}
	}
	panic("casestest: no test item " + code)
}

// Day returns a China-time instant, for clocks in tests.
func Day(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, cases.ChinaTime()).UTC()
}
