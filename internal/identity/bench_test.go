package identity_test

import (
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	. "github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// BenchmarkHashPassword measures one argon2id hash with the production
// parameters: the CPU cost of every password login.
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := identity.HashPassword("Correct-horse-42"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthenticate measures resolving a session cookie to its account:
// the cost every signed-in request pays.
func BenchmarkAuthenticate(b *testing.B) {
	for _, dialect := range dbtest.Dialects() {
		b.Run(string(dialect), func(b *testing.B) {
			benchAuthenticate(b, dbtest.Open(b, dialect))
		})
	}
}

func benchAuthenticate(b *testing.B, d *db.DB) {
	e := NewEnv(b, d)
	a := Person(b, e.Service, nil)
	_, _, token, err := e.Service.Login(ctx, a.Username, Password, client("10.1.1.1"))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := e.Service.Authenticate(ctx, token); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
