package cases_test

import (
	"context"
	"sync"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
)

// TestThousandConcurrentSubmissions submits 1,000 applications at once
// through the whole service (form, materials, serial number, notices) and
// checks that each got its own valid serial number.
func TestThousandConcurrentSubmissions(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		const n = 1000
		var wg sync.WaitGroup
		serials := make([]string, n)
		failures := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				actor := b.citizen
				if i%2 == 1 {
					actor = b.other
				}
				app, err := b.Cases.Submit(context.Background(), actor, casestest.Submission(actor, nil))
				if err == nil {
					serials[i] = app.Serial
				}
				failures[i] = err
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		for i, s := range serials {
			if failures[i] != nil {
				t.Fatalf("submission %d: %v", i, failures[i])
			}
			if _, err := cases.ParseSerial(s); err != nil || seen[s] {
				t.Fatalf("submission %d: serial %q invalid (%v) or repeated", i, s, err)
			}
			seen[s] = true
		}
		if got := b.Count(t); got != n {
			t.Errorf("stored %d applications, want %d", got, n)
		}
	})
}
