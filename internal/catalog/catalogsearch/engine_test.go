package catalogsearch_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsearch"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

func TestSearchParameters(t *testing.T) {
	t.Parallel()
	e := shippedEngine(t)
	ctx := context.Background()
	tests := []struct {
		q     string
		limit int
		field string
	}{
		{"", 10, "q"},
		{"   ", 10, "q"},
		{strings.Repeat("证", 101), 10, "q"},
		{"护照", 0, "limit"},
		{"护照", 101, "limit"},
	}
	for _, tc := range tests {
		_, err := e.Search(ctx, tc.q, tc.limit)
		if ev := errs.As(err); ev == nil || ev.Kind != errs.Invalid || ev.Field != tc.field {
			t.Errorf("Search(%q, %d) = %v, want Invalid on %s", tc.q, tc.limit, err, tc.field)
		}
	}
	if _, err := e.Search(ctx, strings.Repeat("证", 100), 100); err != nil {
		t.Errorf("a query of 100 characters: %v", err)
	}
}

func TestSearchResults(t *testing.T) {
	t.Parallel()
	e := shippedEngine(t)
	ctx := context.Background()
	res, err := e.Search(ctx, "港澳通行證", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 3 || res.Total < 4 || res.Total > catalogsearch.MaxResults {
		t.Fatalf("港澳通行證: %d hits of %d, want 3 of at least 4", len(res.Hits), res.Total)
	}
	h := res.Hits[0]
	if !strings.HasPrefix(h.Code, "4403-SZGA-00") || h.Department != "SZGA" || h.DepartmentName != "深圳市公安局" ||
		h.Score <= 0 || !strings.Contains(h.Name, "港澳通行证") {
		t.Errorf("first hit = %+v", h)
	}
	for i := 1; i < len(res.Hits); i++ {
		if res.Hits[i].Score > res.Hits[i-1].Score {
			t.Errorf("hits not best first: %v", res.Hits)
		}
	}
	if res.Query.Text != "港澳通行证" {
		t.Errorf("normalised query = %q, want 港澳通行证", res.Query.Text)
	}
	for _, q := range []string{"！？。", "咖喱鸡块", "量子计算机"} {
		none, err := e.Search(ctx, q, 10)
		if err != nil || len(none.Hits) != 0 || none.Total != 0 {
			t.Errorf("%s: %v, %v; want no hits", q, none.Hits, err)
		}
	}
	typo, err := e.Search(ctx, "港奥通行证", 10)
	if err != nil || typo.Total < 4 || !strings.Contains(typo.Hits[0].Name, "通行证") {
		t.Errorf("港奥通行证: %v, %v; want the 港澳通行证 items", typo, err)
	}
}

func TestAnalyze(t *testing.T) {
	t.Parallel()
	e := shippedEngine(t)
	tests := []struct {
		in   string
		want string // substrings of the analysis
	}{
		{"港澳通行證", `han="港澳通行证"`},
		{"ＫＴＶ", `han="ktv"`},
		{"我想开个公司", `han="开个公司"`},
		{"开个公司", "企业设立登记"},
		{"Kai Gong Si", `pinyin=["kaigongsi"]`},
		{"gatxz", `initials=["gatxz"]`},
		{"driver's license", `english=["drivers" "license"]`},
		{"how to get a pasport", `english=["passport"]`},
		{"passport", `han=""`},
		{"生孩子要办什么", `han="生孩子"`},
	}
	for _, tc := range tests {
		if got := e.Analyze(tc.in).String(); !strings.Contains(got, tc.want) {
			t.Errorf("Analyze(%q) = %s, want it to hold %s", tc.in, got, tc.want)
		}
	}
}

// TestIndexFollowsCatalogue edits an item's keywords and checks that the
// index, refreshed by the change notice, finds it by the new keyword.
func TestIndexFollowsCatalogue(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		svc, e, err := newEngine(d)
		if err != nil {
			t.Fatal(err)
		}
		svc.OnChange(e.Invalidate)
		go e.Watch(ctx, time.Hour)
		before := e.Stats()
		if before.Items != 515 || before.Took <= 0 {
			t.Fatalf("stats = %+v, want 515 items", before)
		}
		if res, _ := e.Search(ctx, "鹏城一号通", 10); res.Total != 0 {
			t.Fatalf("the new keyword already finds %v", res.Hits)
		}
		env := identitytest.NewEnv(t, d)
		admin := identitytest.Staff(t, env.Service, &identitytest.StaffOpts{Roles: &[]identity.Role{identity.PlatformAdmin}})
		kw := []string{"鹏城一号通"}
		if _, err := svc.UpdateItem(ctx, admin, "4403-SZGJJ-009", catalog.ItemUpdate{Keywords: &kw}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for e.Stats().Revision == before.Revision && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		res, err := e.Search(ctx, "鹏城一号通", 10)
		if err != nil || len(res.Hits) == 0 || res.Hits[0].Code != "4403-SZGJJ-009" {
			t.Errorf("after the edit: %v, %v; want 4403-SZGJJ-009 first", res, err)
		}
		if err := e.Refresh(ctx); err != nil || e.Stats().At != e.Stats().At {
			t.Errorf("refresh without change: %v", err)
		}
	})
}

// FuzzAnalyze checks that any input analyses without panicking, that
// normalising is idempotent, and that searching it either works or is
// refused as invalid input.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"港澳通行證", "gatxz", "driver's license", "开个公司", "ＫＴＶ", "a-b-c", "'", "\xff\xfe", "生孩子要办什么？", "  ",
		"ride-hailing", "ǖ", "x' y"} {
		f.Add(s)
	}
	e := shippedEngine(f)
	n, err := catalogsearch.NewNormalizer()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm := n.Normalize(s)
		if again := n.Normalize(norm); again != norm {
			t.Fatalf("Normalize not idempotent: %q → %q → %q", s, norm, again)
		}
		if strings.HasPrefix(norm, " ") || strings.HasSuffix(norm, " ") || strings.Contains(norm, "  ") {
			t.Fatalf("Normalize(%q) = %q has stray spaces", s, norm)
		}
		q := e.Analyze(s)
		for _, list := range [][]string{q.Exact, q.Pinyin, q.Initials, q.Sound} {
			for _, v := range list {
				if v == "" {
					t.Fatalf("Analyze(%q) has an empty term: %s", s, q)
				}
			}
		}
		if _, err := e.Search(context.Background(), s, 5); err != nil && !errs.Is(err, errs.Invalid) {
			t.Fatalf("Search(%q): %v", s, err)
		}
	})
}
