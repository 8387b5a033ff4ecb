package identitytest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Password is the password the factories give accounts unless told
// otherwise.
const Password = "Test-passw0rd"

// shenzhenDistricts are county-level division codes used for generated
// identity numbers and credit codes.
var shenzhenDistricts = []string{"440303", "440304", "440305", "440306", "440307", "440308", "440309", "440310"}

// PersonOpts overrides the defaults of Person; nil fields take generated
// values (a random valid identity number and phone, password Password).
// Set Password to a pointer to "" for an account without a password.
type PersonOpts struct {
	Name     *string
	IDNumber *string
	Phone    *string // a pointer to "" for no phone
	Email    *string
	Password *string
	Verified *bool // defaults to true
	Lang     *string
	Actor    *identity.Account // who creates it; nil for the system
}

// EnterpriseOpts overrides the defaults of Enterprise, like PersonOpts.
type EnterpriseOpts struct {
	Name     *string
	USCC     *string
	Phone    *string // defaults to none
	Password *string
	Actor    *identity.Account
}

// StaffOpts overrides the defaults of Staff: a generated username, DeptA,
// the caseworker role, password Password.
type StaffOpts struct {
	Username   *string
	Name       *string
	Department *string
	Roles      *[]identity.Role
	Phone      *string // defaults to none
	Password   *string
	Actor      *identity.Account
}

func or[T any](p *T, def T) T {
	if p != nil {
		return *p
	}
	return def
}

// Person creates a person account through svc and returns it. Generated
// numbers that happen to be taken are drawn again.
func Person(t testing.TB, svc *identity.Service, o *PersonOpts) *identity.Account {
	t.Helper()
	if o == nil {
		o = &PersonOpts{}
	}
	return create(t, svc, o.Actor, func() identity.NewAccount {
		return identity.NewAccount{
			Kind: identity.Person, DisplayName: or(o.Name, "测试市民"),
			IDNumber: or(o.IDNumber, randomIDNumber()), IDVerified: or(o.Verified, true),
			Phone: or(o.Phone, randomPhone()), Email: or(o.Email, ""),
			Password: or(o.Password, Password), Lang: or(o.Lang, "zh"),
		}
	})
}

// Enterprise creates an enterprise account through svc and returns it.
func Enterprise(t testing.TB, svc *identity.Service, o *EnterpriseOpts) *identity.Account {
	t.Helper()
	if o == nil {
		o = &EnterpriseOpts{}
	}
	return create(t, svc, o.Actor, func() identity.NewAccount {
		return identity.NewAccount{
			Kind: identity.Enterprise, DisplayName: or(o.Name, "测试科技有限公司"),
			USCC:  or(o.USCC, USCC(shenzhenDistricts[rand.IntN(len(shenzhenDistricts))], rand.IntN(1_000_000_000))),
			Phone: or(o.Phone, ""), Password: or(o.Password, Password), Lang: "zh",
		}
	})
}

// Staff creates a staff account through svc and returns it. The department
// must exist (see CreateDepartments).
func Staff(t testing.TB, svc *identity.Service, o *StaffOpts) *identity.Account {
	t.Helper()
	if o == nil {
		o = &StaffOpts{}
	}
	return create(t, svc, o.Actor, func() identity.NewAccount {
		return identity.NewAccount{
			Kind: identity.Staff, Username: or(o.Username, fmt.Sprintf("staff-%08d", rand.IntN(100_000_000))),
			DisplayName: or(o.Name, "测试工作人员"), Department: or(o.Department, DeptA),
			Roles: or(o.Roles, []identity.Role{identity.Caseworker}), Phone: or(o.Phone, ""),
			Password: or(o.Password, Password), Lang: "zh",
		}
	})
}

// create calls CreateAccount with fresh input until no generated value
// clashes with an existing account.
func create(t testing.TB, svc *identity.Service, actor *identity.Account, input func() identity.NewAccount) *identity.Account {
	t.Helper()
	var err error
	for range 20 {
		var a *identity.Account
		a, err = svc.CreateAccount(context.Background(), actor, input(), identity.Client{IP: "127.0.0.1", UserAgent: "identitytest"})
		if err == nil {
			return a
		}
		if !errs.Is(err, errs.Conflict) {
			break
		}
	}
	t.Fatalf("create test account: %v", err)
	return nil
}

// randomIDNumber returns a valid identity number of a Shenzhen resident
// born between 1950 and 2005.
func randomIDNumber() string {
	start := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	birth := start.AddDate(0, 0, rand.IntN(56*365))
	return IDNumber(shenzhenDistricts[rand.IntN(len(shenzhenDistricts))], birth, rand.IntN(1000))
}

// randomPhone returns a mobile number in the 139 range.
func randomPhone() string { return fmt.Sprintf("139%08d", rand.IntN(100_000_000)) }
