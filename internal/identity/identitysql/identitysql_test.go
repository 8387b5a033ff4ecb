package identitysql_test

import (
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitysql"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			identitytest.StoreSuite(t, func(t *testing.T) identity.Store {
				d := dbtest.Open(t, dialect)
				identitytest.CreateDepartments(t, d)
				return identitysql.New(d)
			})
		})
	}
}
