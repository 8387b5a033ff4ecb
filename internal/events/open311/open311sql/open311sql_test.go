package open311sql_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311/open311sql"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

var start = time.Date(2026, 3, 15, 1, 30, 0, 123456000, time.UTC)

func TestKeys(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := open311sql.New(d)
		a := &open311.Key{ID: ids.New(), Name: "i深圳", Prefix: "o311_abcdef", CreatedAt: start, CreatedBy: "cli"}
		if err := s.AddKey(ctx, a, ids.Hash("secret-a")); err != nil {
			t.Fatal(err)
		}
		dup := &open311.Key{ID: ids.New(), Name: "i深圳", Prefix: "o311_zzzzzz", CreatedAt: start}
		if err := s.AddKey(ctx, dup, ids.Hash("secret-b")); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a second valid key of the same name: %v, want conflict", err)
		}
		sameHash := &open311.Key{ID: ids.New(), Name: "other", Prefix: "o311_abcdef", CreatedAt: start}
		if err := s.AddKey(ctx, sameHash, ids.Hash("secret-a")); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a key with a stored hash: %v, want conflict", err)
		}
		got, err := s.KeyByHash(ctx, ids.Hash("secret-a"))
		if err != nil || !reflect.DeepEqual(got, a) {
			t.Fatalf("by hash: %+v, %v; want %+v", got, err, a)
		}
		if _, err := s.KeyByHash(ctx, ids.Hash("nope")); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown hash: %v", err)
		}
		if _, err := s.KeyByID(ctx, ids.New()); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown id: %v", err)
		}
		at := start.Add(time.Hour)
		if err := s.RevokeKey(ctx, a.ID, at); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeKey(ctx, a.ID, at.Add(time.Hour)); !errs.Is(err, errs.NotFound) {
			t.Fatalf("revoking twice: %v, want not found", err)
		}
		got, err = s.KeyByID(ctx, a.ID)
		if err != nil || !got.RevokedAt.Equal(at) || !got.Revoked() {
			t.Fatalf("revoked key: %+v, %v", got, err)
		}
		// The name is free again once its key is revoked.
		if err := s.AddKey(ctx, dup, ids.Hash("secret-b")); err != nil {
			t.Fatalf("a new key of a revoked key's name: %v", err)
		}
		all, err := s.Keys(ctx)
		if err != nil || len(all) != 2 || all[0].ID != a.ID || all[1].ID != dup.ID {
			t.Fatalf("keys: %+v, %v", all, err)
		}
	})
}

func TestSubmissions(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := open311sql.New(d)
		k := &open311.Key{ID: ids.New(), Name: "app", Prefix: "o311_abcdef", CreatedAt: start}
		if err := s.AddKey(ctx, k, ids.Hash("x")); err != nil {
			t.Fatal(err)
		}
		full := &open311.Submission{Ref: ids.New(), KeyID: k.ID, Email: "smith@example.org", FirstName: "晓明", LastName: "张",
			Phone: "13800138000", DeviceID: "tt222111", AccountID: "123456", MediaURL: "https://example.org/a.jpg",
			Attributes: map[string][]string{"subcategory": {"XF01"}, "many": {"a", "b"}}, CreatedAt: start}
		bare := &open311.Submission{Ref: ids.New(), KeyID: k.ID, Phone: "110", CreatedAt: start}
		for _, sub := range []*open311.Submission{full, bare} {
			if err := s.AddSubmission(ctx, sub); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.AddSubmission(ctx, full); !errs.Is(err, errs.Conflict) {
			t.Fatalf("same ref twice: %v", err)
		}
		orphan := &open311.Submission{Ref: ids.New(), KeyID: ids.New(), CreatedAt: start}
		if err := s.AddSubmission(ctx, orphan); err == nil {
			t.Fatal("a submission of an unknown key was stored")
		}
		got, err := s.Submissions(ctx, []string{full.Ref, bare.Ref, ids.New()})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || !reflect.DeepEqual(got[full.Ref], full) || !reflect.DeepEqual(got[bare.Ref], bare) {
			t.Fatalf("submissions: %+v", got)
		}
		if err := s.DeleteSubmission(ctx, full.Ref); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Submissions(ctx, []string{full.Ref}); err != nil || len(got) != 0 {
			t.Fatalf("after delete: %+v, %v", got, err)
		}
		if got, err := s.Submissions(ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("no refs: %+v, %v", got, err)
		}
	})
}

// TestKeysService runs key management on the store: only admins manage
// keys, a key authenticates until it is revoked, and the secret is not
// stored.
func TestKeysService(t *testing.T) {
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		keys := open311.NewKeys(open311sql.New(d), func() time.Time { return start })
		admin := events.SystemActor("cli")
		if _, _, err := keys.Add(ctx, events.ClientActor("x", "x"), "app"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a client made a key: %v", err)
		}
		for _, bad := range []string{"", "  ", "a\x00b", string(make([]rune, open311.MaxKeyName+1))} {
			if _, _, err := keys.Add(ctx, admin, bad); !errs.Is(err, errs.Invalid) {
				t.Errorf("name %q: %v, want invalid", bad, err)
			}
		}
		k, secret, err := keys.Add(ctx, admin, " i深圳 ")
		if err != nil {
			t.Fatal(err)
		}
		if k.Name != "i深圳" || len(secret) < 30 || secret[:len(k.Prefix)] != k.Prefix || k.CreatedBy != "cli" {
			t.Fatalf("key %+v, secret %q", k, secret)
		}
		var stored int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM open311_keys WHERE key_hash = ? OR prefix = ?`, secret, secret).Scan(&stored); err != nil || stored != 0 {
			t.Fatalf("the secret is stored in clear: %d, %v", stored, err)
		}
		if _, _, err := keys.Add(ctx, admin, "i深圳"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("a second key of the same name: %v", err)
		}
		got, err := keys.Authenticate(ctx, secret)
		if err != nil || got.ID != k.ID {
			t.Fatalf("authenticate: %+v, %v", got, err)
		}
		if a := got.Actor(); a.Kind != events.ActorClient || a.ID != "open311:"+k.ID || a.Name != "i深圳" {
			t.Fatalf("actor %+v", a)
		}
		for _, bad := range []string{"", secret + "x", "o311_" + secret[5:10], string(make([]byte, 300))} {
			if _, err := keys.Authenticate(ctx, bad); !errs.Is(err, errs.Forbidden) {
				t.Errorf("key %q: %v, want forbidden", bad, err)
			}
		}
		if _, err := keys.Revoke(ctx, admin, "nobody"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("revoke unknown: %v", err)
		}
		if _, err := keys.Revoke(ctx, events.ClientActor("x", "x"), k.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a client revoked a key: %v", err)
		}
		r, err := keys.Revoke(ctx, admin, "i深圳")
		if err != nil || r.ID != k.ID || !r.Revoked() {
			t.Fatalf("revoke by name: %+v, %v", r, err)
		}
		if _, err := keys.Revoke(ctx, admin, k.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("revoke again by id: %v", err)
		}
		if _, err := keys.Authenticate(ctx, secret); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a revoked key authenticated: %v", err)
		}
		list, err := keys.List(ctx, admin)
		if err != nil || len(list) != 1 || !list[0].Revoked() {
			t.Fatalf("list: %+v, %v", list, err)
		}
	})
}
