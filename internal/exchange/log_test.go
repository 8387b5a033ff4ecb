package exchange_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/exchange/exchangesql"
	"github.com/pengcheng-gov/pengcheng/internal/exchange/exchangetest"
)

// twoInstances returns an environment and a second exchange service on
// the same database through its own connections, as a second server
// instance would have.
func twoInstances(t *testing.T, dialect db.Dialect) (*exchangetest.Env, *exchange.Service) {
	t.Helper()
	ctx := context.Background()
	dsn := dbtest.DSN(t, dialect)
	open := func() *db.DB {
		d, err := db.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	d := open()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	env := exchangetest.NewEnv(t, d)
	return env, exchange.NewService(exchangesql.New(open()), env.Clock.Now, slog.New(slog.DiscardHandler))
}

// TestConcurrentReads reads from 200 goroutines through two instances
// (two connection pools) at once; the log then holds one entry per read in
// one unbroken chain.
func TestConcurrentReads(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env, other := twoInstances(t, dialect)
			var people []map[string]string
			for range 20 {
				people = append(people, exchangetest.Population(nil))
			}
			exchangetest.Import(t, env.Service, exchange.Population, people...)
			exchangetest.Policy(t, env.Service, nil)
			const readers = 200
			var wg sync.WaitGroup
			failures := make(chan error, readers)
			for i := range readers {
				s := env.Service
				if i%2 == 1 {
					s = other
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := s.Read(ctx, exchangetest.Read("SZRS", exchange.Population, people[i%len(people)]["id_number"]))
					if err == nil && !res.Found() {
						err = fmt.Errorf("read %d found nothing", i)
					}
					failures <- err
				}()
			}
			wg.Wait()
			close(failures)
			for err := range failures {
				if err != nil {
					t.Fatal(err)
				}
			}
			rep, err := other.VerifyLog(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK || rep.Entries != readers || rep.HeadSeq != readers {
				t.Errorf("verify after %d concurrent reads = %+v, want OK with %d entries", readers, rep, readers)
			}
		})
	}
}

// logWith returns an environment whose log holds n entries.
func logWith(t *testing.T, d *db.DB, n int) *exchangetest.Env {
	t.Helper()
	env := exchangetest.NewEnv(t, d)
	p := exchangetest.Population(nil)
	exchangetest.Import(t, env.Service, exchange.Population, p)
	exchangetest.Policy(t, env.Service, nil)
	for i := range n {
		req := exchangetest.Read("SZRS", exchange.Population, p["id_number"])
		req.Reference = fmt.Sprintf("SN-%d", i+1)
		if _, err := env.Service.Read(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	return env
}

// TestVerifyLogDetectsTampering alters and removes entries in the
// database behind the service's back; VerifyLog reports exactly the
// entry at fault.
func TestVerifyLogDetectsTampering(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		ctx := context.Background()
		for _, tc := range []struct {
			name    string
			tamper  []string // SQL run against a log of 10 entries
			rehash  int64    // rewrite this entry's reference and recompute its hash, as a careful forger would
			broken  int64
			missing bool   // the broken entry is gone
			reason  string // the Chinese reason contains this
		}{
			{"intact", nil, 0, 0, false, ""},
			{"purpose changed", []string{`UPDATE exchange_access_log SET purpose = '好奇' WHERE seq = 4`}, 0, 4, false, "篡改"},
			{"subject changed", []string{`UPDATE exchange_access_log SET subject = '110105196402296711' WHERE seq = 7`}, 0, 7, false, "篡改"},
			{"time changed", []string{`UPDATE exchange_access_log SET at = at - INTERVAL '1 day' WHERE seq = 2`}, 0, 2, false, "篡改"},
			{"hash overwritten", []string{`UPDATE exchange_access_log SET hash = '` + strings.Repeat("ab", 32) + `' WHERE seq = 5`}, 0, 5, false, "篡改"},
			{"entry forged with a recomputed hash", nil, 5, 5, false, "哈希被改动"},
			{"entry deleted", []string{`DELETE FROM exchange_access_log WHERE seq = 6`}, 0, 6, true, "第 6 条记录缺失"},
			{"first entry deleted", []string{`DELETE FROM exchange_access_log WHERE seq = 1`}, 0, 1, true, "第 1 条记录缺失"},
			{"last entries deleted", []string{`DELETE FROM exchange_access_log WHERE seq >= 9`}, 0, 9, true, "第 9 至 10 条记录缺失"},
			{"last entry deleted and the head moved back", []string{`DELETE FROM exchange_access_log WHERE seq = 10`,
				`UPDATE exchange_log_head SET seq = 9`}, 0, 9, false, "日志头"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				env := logWith(t, dbtestOpen(t, d.Dialect()), 10)
				for _, q := range tc.tamper {
					if d.Dialect() == db.SQLite {
						q = strings.Replace(q, "at - INTERVAL '1 day'", "'2020-01-01 00:00:00+00:00'", 1)
					}
					if _, err := env.DB.Exec(ctx, q); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
				if tc.rehash != 0 {
					forge(t, env, tc.rehash)
				}
				var calls []int64
				rep, err := env.Service.VerifyLog(ctx, func(n int64) { calls = append(calls, n) })
				if err != nil {
					t.Fatal(err)
				}
				if rep.OK != (tc.broken == 0) || rep.FirstBroken != tc.broken || (rep.Broken == nil) != (tc.missing || tc.broken == 0) ||
					!strings.Contains(rep.Reason, tc.reason) {
					t.Errorf("VerifyLog = %+v, want broken at %d (missing %v) saying %q", rep, tc.broken, tc.missing, tc.reason)
				}
				if rep.Broken != nil && rep.Broken.Seq != tc.broken {
					t.Errorf("broken entry %d, want %d", rep.Broken.Seq, tc.broken)
				}
				if tc.broken == 0 && (rep.Entries != 10 || len(calls) == 0 || calls[len(calls)-1] != 10) {
					t.Errorf("intact log: %d entries checked, progress %v; want 10", rep.Entries, calls)
				}
			})
		}
	})
}

// forge rewrites entry seq's reference and stores the hash that its new
// contents chain to, so that the entry is consistent in itself.
func forge(t *testing.T, env *exchangetest.Env, seq int64) {
	t.Helper()
	ctx := context.Background()
	list, err := env.Store.ScanEntries(ctx, seq-1, 1)
	if err != nil || len(list) != 1 {
		t.Fatalf("read entry %d: %v", seq, err)
	}
	e := list[0]
	e.Reference = "FORGED"
	if err := e.Seal(e.PrevHash); err != nil {
		t.Fatal(err)
	}
	if _, err := env.DB.Exec(ctx, `UPDATE exchange_access_log SET reference = ?, hash = ? WHERE seq = ?`, e.Reference, e.Hash, seq); err != nil {
		t.Fatal(err)
	}
}

// dbtestOpen opens a fresh database of the dialect, for subtests that
// each need their own.
func dbtestOpen(t *testing.T, dialect db.Dialect) *db.DB { return dbtest.Open(t, dialect) }

func TestVerifyEmptyLog(t *testing.T) {
	t.Parallel()
	env := exchangetest.NewEnv(t, dbtest.Open(t, db.SQLite))
	rep, err := env.Service.VerifyLog(context.Background(), nil)
	if err != nil || !rep.OK || rep.Entries != 0 {
		t.Errorf("VerifyLog of an empty log = %+v, %v; want OK", rep, err)
	}
}
