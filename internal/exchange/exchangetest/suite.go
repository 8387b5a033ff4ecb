package exchangetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// Fixture is what the store suite runs on.
type Fixture struct {
	// Store is a new store on an empty, migrated database in which the
	// departments of [Departments] exist.
	Store exchange.Store
	// Other is a second store on the same database through its own
	// connections, as a second server instance would have.
	Other exchange.Store
	// Account is the id of an existing account, for policies' creators.
	Account string
}

// StoreSuite is the contract every exchange.Store must pass, including
// appends to the access log from two instances at once.
func StoreSuite(t *testing.T, newFixture func(t *testing.T) *Fixture) {
	t.Run("records", func(t *testing.T) { t.Parallel(); testRecords(t, newFixture(t)) })
	t.Run("policies", func(t *testing.T) { t.Parallel(); testPolicies(t, newFixture(t)) })
	t.Run("access log", func(t *testing.T) { t.Parallel(); testAccessLog(t, newFixture(t)) })
	t.Run("concurrent appends", func(t *testing.T) { t.Parallel(); testConcurrentAppends(t, newFixture(t)) })
	t.Run("concurrent imports", func(t *testing.T) { t.Parallel(); testConcurrentImports(t, newFixture(t)) })
	t.Run("large import", func(t *testing.T) { t.Parallel(); testLargeImport(t, newFixture(t)) })
}

// t0 is the suite's reference time.
var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// draft makes a draft of a record.
func draft(t *testing.T, key, subject string, content map[string]string) *exchange.Draft {
	t.Helper()
	d, err := exchange.NewDraft(key, subject, content)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func testRecords(t *testing.T, f *Fixture) {
	ctx := context.Background()
	s := f.Store
	a := draft(t, "A1", "S1", map[string]string{"k": "A1", "v": "one"})
	b := draft(t, "B1", "S1", map[string]string{"k": "B1", "v": "one"})
	c := draft(t, "C1", "S2", map[string]string{"k": "C1", "v": "one"})
	got, err := s.ImportRecords(ctx, "education", []*exchange.Draft{a, b, c}, exchange.SourceImport, t0)
	if err != nil {
		t.Fatalf("first import: %v", err)
	}
	if want := (exchange.ImportCounts{Created: 3}); got != want {
		t.Errorf("first import = %+v, want %+v", got, want)
	}
	b2 := draft(t, "B1", "S1", map[string]string{"k": "B1", "v": "two"})
	got, err = s.ImportRecords(ctx, "education", []*exchange.Draft{a, b2}, exchange.SourceDemo, t0.Add(time.Hour))
	if err != nil {
		t.Fatalf("second import: %v", err)
	}
	if want := (exchange.ImportCounts{Updated: 1, Unchanged: 1}); got != want {
		t.Errorf("second import = %+v, want %+v", got, want)
	}
	recs, err := s.FindRecords(ctx, []exchange.RecordQuery{{Dataset: "education", Subject: "S1", Key: ""}})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Key != "A1" || recs[1].Key != "B1" {
		t.Fatalf("FindRecords(S1) = %v, want A1 and B1", recs)
	}
	rb := recs[1]
	if rb.Version != 2 || rb.Hash != b2.Hash || rb.Content["v"] != "two" || rb.Source != exchange.SourceDemo ||
		!rb.CreatedAt.Equal(t0) || !rb.UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("record B1 = %+v, want version 2 of the second import, created at the first", rb)
	}
	if recs[0].Version != 1 || !recs[0].UpdatedAt.Equal(t0) {
		t.Errorf("unchanged record A1 = version %d updated %v, want version 1 at %v", recs[0].Version, recs[0].UpdatedAt, t0)
	}
	for _, tc := range []struct {
		subject, key string
		want         int
	}{{"S1", "B1", 1}, {"S2", "B1", 0}, {"S3", "", 0}, {"S2", "", 1}} {
		got, err := s.FindRecords(ctx, []exchange.RecordQuery{{Dataset: "education", Subject: tc.subject, Key: tc.key}})
		if err != nil || len(got) != tc.want {
			t.Errorf("FindRecords(%s, %s) = %d records, %v; want %d", tc.subject, tc.key, len(got), err, tc.want)
		}
	}
	if got, _ := s.FindRecords(ctx, []exchange.RecordQuery{{Dataset: "population", Subject: "S1", Key: ""}}); len(got) != 0 {
		t.Errorf("FindRecords in another dataset = %d records, want 0", len(got))
	}
	many, err := s.FindRecords(ctx, []exchange.RecordQuery{{Dataset: "education", Subject: "S2"}, {Dataset: "education", Subject: "S1", Key: "A1"},
		{Dataset: "education", Subject: "S2"}, {Dataset: "population", Subject: "S1"}})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range many {
		keys = append(keys, r.Key)
	}
	if !slices.Equal(keys, []string{"A1", "C1"}) {
		t.Errorf("FindRecords of several queries = %v, want A1 and C1 once each", keys)
	}
	if got, err := s.FindRecords(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("FindRecords(no queries) = %v, %v; want nothing", got, err)
	}
	v1, err := s.FindRecordVersion(ctx, "education", rb.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version != 1 || v1.Hash != b.Hash || v1.Content["v"] != "one" || v1.Subject != "S1" || v1.Source != exchange.SourceImport {
		t.Errorf("version 1 = %+v, want the first import's", v1)
	}
	for _, tc := range []struct {
		dataset string
		version int
	}{{"education", 3}, {"population", 1}} {
		if _, err := s.FindRecordVersion(ctx, tc.dataset, rb.ID, tc.version); !errs.Is(err, errs.NotFound) {
			t.Errorf("FindRecordVersion(%s, %d) error = %v, want NotFound", tc.dataset, tc.version, err)
		}
	}
	counts, err := s.CountRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"education": 3}, counts); diff != "" {
		t.Errorf("CountRecords (-want +got):\n%s", diff)
	}
}

func testPolicies(t *testing.T, f *Fixture) {
	ctx := context.Background()
	s := f.Store
	mk := func(dept, dataset, purpose string) *exchange.Policy {
		return &exchange.Policy{ID: ids.New(), Department: dept, Dataset: dataset, Fields: []string{"id_number", "name"},
			Purpose: purpose, LegalBasis: LegalBasis, ValidFrom: t0, CreatedBy: f.Account, CreatedAt: t0, UpdatedAt: t0, Version: 1}
	}
	p := mk("SZRS", "population", "用途甲")
	p.ValidUntil = t0.AddDate(1, 0, 0)
	for _, q := range []*exchange.Policy{p, mk("SZRS", "education", "用途甲"), mk("SZGA", "education", "用途乙")} {
		if err := s.CreatePolicy(ctx, q); err != nil {
			t.Fatalf("CreatePolicy: %v", err)
		}
	}
	rev, err := s.PolicyRevision(ctx)
	if err != nil || rev != 3 {
		t.Errorf("revision after three policies = %d, %v; want 3", rev, err)
	}
	got, err := s.FindPolicy(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got); diff != "" {
		t.Errorf("FindPolicy (-want +got):\n%s", diff)
	}
	if err := s.CreatePolicy(ctx, mk("SZRS", "population", "用途甲")); !errs.Is(err, errs.Conflict) {
		t.Errorf("same purpose twice: error = %v, want Conflict", err)
	}
	if err := s.CreatePolicy(ctx, mk("NOSUCH", "population", "用途甲")); errs.KindOf(err) != errs.Invalid || errs.As(err).Field != "department" {
		t.Errorf("unknown department: error = %v, want Invalid on department", err)
	}
	if _, err := s.FindPolicy(ctx, ids.New()); !errs.Is(err, errs.NotFound) {
		t.Errorf("FindPolicy(unknown) error = %v, want NotFound", err)
	}

	stale := *p
	p.Fields, p.Version, p.UpdatedAt = []string{"id_number"}, 2, t0.Add(time.Minute)
	if err := s.UpdatePolicy(ctx, p); err != nil {
		t.Fatalf("UpdatePolicy: %v", err)
	}
	stale.Version = 2
	if err := s.UpdatePolicy(ctx, &stale); !errs.Is(err, errs.Conflict) {
		t.Errorf("stale update: error = %v, want Conflict", err)
	}
	if rev, _ := s.PolicyRevision(ctx); rev != 4 {
		t.Errorf("revision after one update and one refused = %d, want 4", rev)
	}
	p.RevokedAt, p.Version = t0.Add(2*time.Minute), 3
	if err := s.UpdatePolicy(ctx, p); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if got, _ := s.FindPolicy(ctx, p.ID); got == nil || !got.RevokedAt.Equal(p.RevokedAt) || len(got.Fields) != 1 {
		t.Errorf("after revoking, FindPolicy = %+v", got)
	}
	if err := s.CreatePolicy(ctx, mk("SZRS", "population", "用途甲")); err != nil {
		t.Errorf("the same purpose after revoking: %v", err)
	}

	for _, tc := range []struct {
		name string
		f    exchange.PolicyFilter
		want []string // department/dataset/purpose
	}{
		{"all in force", exchange.PolicyFilter{}, []string{"SZGA/education/用途乙", "SZRS/education/用途甲", "SZRS/population/用途甲"}},
		{"with revoked", exchange.PolicyFilter{Department: "SZRS", Dataset: "population", Revoked: true},
			[]string{"SZRS/population/用途甲", "SZRS/population/用途甲"}},
		{"department", exchange.PolicyFilter{Department: "SZGA"}, []string{"SZGA/education/用途乙"}},
		{"datasets", exchange.PolicyFilter{Datasets: []string{"education", "hr_agency"}}, []string{"SZGA/education/用途乙", "SZRS/education/用途甲"}},
		{"no dataset", exchange.PolicyFilter{Datasets: []string{""}}, nil},
	} {
		ps, err := s.FindPolicies(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.Department+"/"+p.Dataset+"/"+p.Purpose)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: FindPolicies = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// entry returns a log entry about subject read by department.
func entry(department, subject string, at time.Time) *exchange.Entry {
	return &exchange.Entry{At: at, ActorKind: exchange.ActorRule, ActorID: "4403-TEST-001", ActorName: "秒批规则：测试",
		Department: department, Dataset: "population", SubjectKind: exchange.PersonSubject, Subject: subject,
		Fields: []string{"id_number", "name"}, Records: []exchange.RecordRef{{ID: ids.New(), Version: 2, Hash: exchange.GenesisHash}},
		Purpose: Purpose, LegalBasis: LegalBasis, PolicyID: ids.New(), Reference: "SN-1"}
}

func testAccessLog(t *testing.T, f *Fixture) {
	ctx := context.Background()
	s := f.Store
	if seq, hash, err := s.LogHead(ctx); err != nil || seq != 0 || hash != exchange.GenesisHash {
		t.Fatalf("empty log head = %d, %s, %v; want 0 and the genesis hash", seq, hash, err)
	}
	at := t0.Add(123456 * time.Microsecond)
	first := []*exchange.Entry{entry("SZRS", "S1", at), entry("SZGA", "S2", at), entry("SZRS", "S1", at.Add(time.Second))}
	first[1].Records = []exchange.RecordRef{}
	if err := s.AppendEntries(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendEntries(ctx, []*exchange.Entry{entry("SZRS", "S2", at.Add(2*time.Second)), entry("SZRS", "S1", at.Add(3*time.Second))}); err != nil {
		t.Fatal(err)
	}
	all, err := s.ScanEntries(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	checkChain(t, all, 5)
	if diff := cmp.Diff(first[0], all[0]); diff != "" {
		t.Errorf("stored entry 1 (-appended +read):\n%s", diff)
	}
	seq, hash, err := s.LogHead(ctx)
	if err != nil || seq != 5 || hash != all[4].Hash {
		t.Errorf("head = %d, %s, %v; want 5 and the last entry's hash", seq, hash, err)
	}
	if tail, _ := s.ScanEntries(ctx, 3, 1); len(tail) != 1 || tail[0].Seq != 4 {
		t.Errorf("ScanEntries(after 3, 1) = %v, want entry 4", tail)
	}
	for _, tc := range []struct {
		name       string
		f          exchange.EntryFilter
		want       []int64
		wantTotal  int
		department string
	}{
		{"subject", exchange.EntryFilter{SubjectKind: exchange.PersonSubject, Subject: "S1", Limit: 10}, []int64{5, 3, 1}, 3, "深圳市人力资源和社会保障局"},
		{"subject page 2", exchange.EntryFilter{Subject: "S1", Offset: 2, Limit: 2}, []int64{1}, 3, ""},
		{"department", exchange.EntryFilter{Department: "SZGA"}, []int64{2}, 1, "深圳市公安局"},
		{"other kind", exchange.EntryFilter{SubjectKind: exchange.EnterpriseSubject, Subject: "S1"}, nil, 0, ""},
		{"dataset and actor", exchange.EntryFilter{Dataset: "population", ActorKind: exchange.ActorRule, Limit: 2}, []int64{5, 4}, 5, ""},
	} {
		list, total, err := s.FindEntries(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, e := range list {
			got = append(got, e.Seq)
		}
		if !slices.Equal(got, tc.want) || total != tc.wantTotal {
			t.Errorf("%s: FindEntries = %v (total %d), want %v (total %d)", tc.name, got, total, tc.want, tc.wantTotal)
		}
		if tc.department != "" && list[0].DepartmentName != tc.department {
			t.Errorf("%s: department name = %q, want %q", tc.name, list[0].DepartmentName, tc.department)
		}
	}
}

// checkChain checks that entries are numbered 1..n and chained.
func checkChain(t *testing.T, entries []*exchange.Entry, n int) {
	t.Helper()
	if len(entries) != n {
		t.Fatalf("%d entries, want %d", len(entries), n)
	}
	prev := exchange.GenesisHash
	for i, e := range entries {
		c, err := e.Canonical()
		if err != nil {
			t.Fatal(err)
		}
		h, err := exchange.ChainHash(prev, c)
		if err != nil {
			t.Fatal(err)
		}
		if e.Seq != int64(i+1) || e.PrevHash != prev || e.Hash != h {
			t.Fatalf("entry %d: seq %d, prev %s, hash %s; want seq %d chained to %s with hash %s", i, e.Seq, e.PrevHash, e.Hash, i+1, prev, h)
		}
		prev = e.Hash
	}
}

func testConcurrentAppends(t *testing.T, f *Fixture) {
	ctx := context.Background()
	const goroutines = 100
	var wg sync.WaitGroup
	errc := make(chan error, goroutines)
	for i := range goroutines {
		s := f.Store
		if i%2 == 1 {
			s = f.Other
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			batch := []*exchange.Entry{entry("SZRS", fmt.Sprintf("S%d", i), t0)}
			if i%3 == 0 {
				batch = append(batch, entry("SZGA", fmt.Sprintf("S%d", i), t0))
			}
			errc <- s.AppendEntries(ctx, batch)
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatalf("concurrent append: %v", err)
		}
	}
	want := goroutines + (goroutines+2)/3
	all, err := f.Store.ScanEntries(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	checkChain(t, all, want)
	if seq, hash, _ := f.Other.LogHead(ctx); seq != int64(want) || hash != all[want-1].Hash {
		t.Errorf("head = %d, want %d with the last hash", seq, want)
	}
}

func testConcurrentImports(t *testing.T, f *Fixture) {
	ctx := context.Background()
	var drafts []*exchange.Draft
	for i := range 300 {
		drafts = append(drafts, draft(t, fmt.Sprintf("K%03d", i), "S", map[string]string{"i": fmt.Sprint(i)}))
	}
	counts := make([]exchange.ImportCounts, 2)
	failures := make([]error, 2)
	var wg sync.WaitGroup
	for i, s := range []exchange.Store{f.Store, f.Other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts[i], failures[i] = s.ImportRecords(ctx, "enterprise", drafts, exchange.SourceImport, t0)
		}()
	}
	wg.Wait()
	for i, err := range failures {
		if err != nil {
			t.Fatalf("import %d: %v", i, err)
		}
	}
	if created, unchanged := counts[0].Created+counts[1].Created, counts[0].Unchanged+counts[1].Unchanged; created != 300 || unchanged != 300 {
		t.Errorf("two identical imports at once: %+v and %+v, want 300 created by one and 300 unchanged by the other", counts[0], counts[1])
	}
	recs, err := f.Store.FindRecords(ctx, []exchange.RecordQuery{{Dataset: "enterprise", Subject: "S", Key: ""}})
	if err != nil || len(recs) != 300 {
		t.Fatalf("records after the imports = %d, %v; want 300", len(recs), err)
	}
	for _, r := range recs {
		if r.Version != 1 {
			t.Fatalf("record %s at version %d, want 1", r.Key, r.Version)
		}
	}
}

// testLargeImport imports enough records that the store reads the whole
// dataset at once, into a dataset that holds records the file does not
// name.
func testLargeImport(t *testing.T, f *Fixture) {
	ctx := context.Background()
	s := f.Store
	const n = 6000
	if _, err := s.ImportRecords(ctx, "population", []*exchange.Draft{draft(t, "OTHER", "X", map[string]string{"v": "1"})},
		exchange.SourceImport, t0); err != nil {
		t.Fatal(err)
	}
	drafts := make([]*exchange.Draft, n)
	for i := range drafts {
		drafts[i] = draft(t, fmt.Sprintf("P%05d", i), fmt.Sprintf("S%d", i%7), map[string]string{"i": fmt.Sprint(i)})
	}
	if c, err := s.ImportRecords(ctx, "population", drafts, exchange.SourceImport, t0); err != nil || c.Created != n {
		t.Fatalf("first large import = %+v, %v; want %d created", c, err, n)
	}
	drafts[17] = draft(t, "P00017", "S3", map[string]string{"i": "changed"})
	c, err := s.ImportRecords(ctx, "population", drafts, exchange.SourceImport, t0.Add(time.Hour))
	if want := (exchange.ImportCounts{Updated: 1, Unchanged: n - 1}); err != nil || c != want {
		t.Errorf("second large import = %+v, %v; want %+v", c, err, want)
	}
	recs, err := s.FindRecords(ctx, []exchange.RecordQuery{{Dataset: "population", Subject: "S3", Key: "P00017"}})
	if err != nil || len(recs) != 1 || recs[0].Version != 2 || recs[0].Content["i"] != "changed" {
		t.Errorf("the changed record = %+v, %v; want version 2", recs, err)
	}
	if counts, _ := s.CountRecords(ctx); counts["population"] != n+1 {
		t.Errorf("population holds %d records, want %d", counts["population"], n+1)
	}
}
