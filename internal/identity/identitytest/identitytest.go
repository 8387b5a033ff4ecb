// Package identitytest helps test code that uses identity: valid sample
// identity numbers and credit codes, a movable clock, an identity service
// on a test database ([NewEnv]), account factories with pointer overrides
// ([Person], [Enterprise], [Staff]) and the contract suite every
// identity.Store must pass ([StoreSuite]).
package identitytest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// IDNumber returns a valid resident identity number for a person born on
// birth, registered in the 6-digit division, with the 3-digit sequence
// number seq mod 1000 (odd for men, even for women); the check character is
// computed. It panics if division is not 6 digits.
func IDNumber(division string, birth time.Time, seq int) string {
	if len(division) != 6 {
		panic("identitytest.IDNumber: division must have 6 digits")
	}
	first17 := fmt.Sprintf("%s%s%03d", division, birth.Format("20060102"), ((seq%1000)+1000)%1000)
	return first17 + string(identity.IDCheckChar(first17))
}

// USCC returns a valid unified social credit code of an enterprise (9 1 …)
// registered in the 6-digit division, with an organisation code made of seq
// mod 10^9; the check character is computed. It panics if division is not
// 6 digits.
func USCC(division string, seq int) string {
	if len(division) != 6 {
		panic("identitytest.USCC: division must have 6 digits")
	}
	first17 := fmt.Sprintf("91%s%09d", division, ((seq%1_000_000_000)+1_000_000_000)%1_000_000_000)
	return first17 + string(identity.USCCCheckChar(first17))
}

// sampleIDs are the people behind SampleIDNumbers: Shenzhen districts and a
// few other provinces, men and women, and sequence numbers chosen so that
// the list includes check characters X and 0.
var sampleIDs = []struct {
	division string
	y, m, d  int
	seq      int
}{
	{"440306", 1990, 5, 12, 123}, // Bao'an
	{"440304", 1995, 8, 20, 234}, // Futian
	{"440303", 1988, 1, 31, 351}, // Luohu
	{"440305", 2002, 3, 15, 346}, // Nanshan
	{"440307", 1975, 11, 2, 18},  // Longgang
	{"420106", 2002, 3, 15, 345}, // Wuhan Wuchang
	{"110105", 1964, 2, 29, 671}, // Beijing Chaoyang, a leap day
	{"510107", 1999, 12, 31, 82}, // Chengdu Wuhou
	{"440306", 1950, 7, 1, 9},
	{"440306", 2000, 2, 29, 40},
}

// SampleIDNumbers returns valid identity numbers of fictitious people, for
// tests and the demo. Every call returns a fresh slice.
func SampleIDNumbers() []string {
	out := make([]string, len(sampleIDs))
	for i, p := range sampleIDs {
		out[i] = IDNumber(p.division, time.Date(p.y, time.Month(p.m), p.d, 0, 0, 0, 0, time.UTC), p.seq)
	}
	return out
}

// Clock is a settable clock for services under test. It is safe for
// concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{now: t.UTC()} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Ptr returns a pointer to v, for the pointer fields of options and
// identity.AccountUpdate.
func Ptr[T any](v T) *T { return &v }

// The departments that CreateDepartments makes, for staff accounts.
const (
	DeptA = "TESTA"
	DeptB = "TESTB"
)

// CreateDepartments creates departments DeptA and DeptB (staff accounts
// must belong to an existing department).
func CreateDepartments(t testing.TB, d *db.DB) {
	t.Helper()
	s := catalogsql.New(d)
	now := time.Now().UTC()
	for _, code := range []string{DeptA, DeptB} {
		err := s.UpsertDepartment(context.Background(), &catalog.Department{
			Code: code, Name: "测试部门 " + code, ShortName: code, Division: "440300", CreatedAt: now})
		if err != nil {
			t.Fatalf("create department %s: %v", code, err)
		}
	}
}
