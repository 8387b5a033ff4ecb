package catalogsql_test

import (
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogtest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			catalogtest.StoreSuite(t, func(t *testing.T) catalogtest.SuiteEnv {
				d := dbtest.Open(t, dialect)
				env := identitytest.NewEnv(t, d)
				a := identitytest.Staff(t, env.Service, nil)
				return catalogtest.SuiteEnv{Store: catalogsql.New(d), AccountID: a.ID}
			})
		})
	}
}
