package cases_test

import (
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
)

// bundle is an applications environment with a cast of accounts.
type bundle struct {
	*casestest.Env
	citizen   *identity.Account // a verified person with a phone
	other     *identity.Account // another person
	principal *identity.Account // a verified person others apply for
	company   *identity.Account // an enterprise
	workerA   *identity.Account // caseworker of DeptA (handles ItemHukou, ItemFiling)
	workerA2  *identity.Account // another caseworker of DeptA
	workerB   *identity.Account // caseworker of DeptB (handles ItemLicence)
	adminA    *identity.Account // DeptA staff without the caseworker role
}

var principalID = identitytest.IDNumber("440306", time.Date(1960, 5, 4, 0, 0, 0, 0, time.UTC), 21)

func setup(t *testing.T, d *db.DB) *bundle {
	t.Helper()
	env := casestest.NewEnv(t, d)
	svc := env.Service
	ptr := identitytest.Ptr[string]
	roles := func(r ...identity.Role) *[]identity.Role { return &r }
	return &bundle{
		Env:       env,
		citizen:   identitytest.Person(t, svc, &identitytest.PersonOpts{Name: ptr("张三"), Phone: ptr("13800138001")}),
		other:     identitytest.Person(t, svc, &identitytest.PersonOpts{Name: ptr("李四")}),
		principal: identitytest.Person(t, svc, &identitytest.PersonOpts{Name: ptr("王老五"), IDNumber: ptr(principalID)}),
		company:   identitytest.Enterprise(t, svc, &identitytest.EnterpriseOpts{Name: ptr("鹏城测试有限公司")}),
		workerA:   identitytest.Staff(t, svc, &identitytest.StaffOpts{Name: ptr("甲窗口一")}),
		workerA2:  identitytest.Staff(t, svc, &identitytest.StaffOpts{Name: ptr("甲窗口二")}),
		workerB: identitytest.Staff(t, svc, &identitytest.StaffOpts{Name: ptr("乙窗口"),
			Department: ptr(identitytest.DeptB)}),
		adminA: identitytest.Staff(t, svc, &identitytest.StaffOpts{Name: ptr("甲管理员"),
			Roles: roles(identity.DeptAdmin)}),
	}
}

// visitor is a walk-in applicant without an account.
var visitor = &cases.Party{Kind: catalog.ApplicantPerson, Name: "赵六",
	Number: identitytest.IDNumber("440307", time.Date(1985, 7, 7, 0, 0, 0, 0, time.UTC), 77)}

func ptr[T any](v T) *T { return &v }

// notifyFilter selects the notices about applications.
func notifyFilter() notify.MessageFilter {
	return notify.MessageFilter{Purpose: cases.PurposeProgress, Limit: 500}
}
