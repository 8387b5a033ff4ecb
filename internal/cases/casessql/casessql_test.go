package casessql_test

import (
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/cases/casessql"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			casestest.StoreSuite(t, func(t *testing.T) casestest.SuiteEnv {
				d := dbtest.Open(t, dialect)
				env := casestest.NewEnv(t, d)
				a := identitytest.Person(t, env.Service, nil)
				b := identitytest.Staff(t, env.Service, nil)
				return casestest.SuiteEnv{Store: casessql.New(d),
					ItemA: casestest.ItemHukou, DeptA: identitytest.DeptA,
					ItemB: casestest.ItemLicence, DeptB: identitytest.DeptB,
					Account1: a.ID, Account2: b.ID}
			})
		})
	}
}
