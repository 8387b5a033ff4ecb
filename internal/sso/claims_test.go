package sso_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
)

func TestClaimsGatedByScopeAndClient(t *testing.T) {
	t.Parallel()
	person := &identity.Account{ID: "p1", Kind: identity.Person, Username: "440306198502035670", DisplayName: "李四",
		IDNumber: "440306198502035670", IDVerified: true, Phone: "13800138000", Email: "lisi@example.com", Lang: "zh"}
	staff := &identity.Account{ID: "s1", Kind: identity.Staff, Username: "wang", DisplayName: "王五", Department: "SZGA",
		Roles: []identity.Role{identity.Caseworker, identity.DeptAdmin}}
	plain := &sso.Client{Scopes: []string{"openid", "profile", "phone", "email"}}
	trusted := &sso.Client{Scopes: []string{"openid", "profile", "idnumber"}}
	tests := []struct {
		name    string
		account *identity.Account
		client  *sso.Client
		scopes  []string
		want    map[string]any
	}{
		{"openid only", person, plain, []string{"openid"}, map[string]any{"pengcheng_kind": "person"}},
		{"profile", person, plain, []string{"openid", "profile"}, map[string]any{
			"pengcheng_kind": "person", "name": "李四", "preferred_username": "440306198502035670", "locale": "zh"}},
		{"phone and email", person, plain, []string{"openid", "phone", "email"}, map[string]any{
			"pengcheng_kind": "person", "phone_number": "13800138000", "email": "lisi@example.com"}},
		{"idnumber requested but not allowed", person, plain, []string{"openid", "idnumber"}, map[string]any{"pengcheng_kind": "person"}},
		{"idnumber allowed and requested", person, trusted, []string{"openid", "idnumber"}, map[string]any{
			"pengcheng_kind": "person", "id_number": "440306198502035670", "id_number_verified": true}},
		{"idnumber allowed but not requested", person, trusted, []string{"openid"}, map[string]any{"pengcheng_kind": "person"}},
		{"phone requested but not allowed", person, trusted, []string{"openid", "phone"}, map[string]any{"pengcheng_kind": "person"}},
		{"staff profile", staff, plain, []string{"openid", "profile"}, map[string]any{
			"pengcheng_kind": "staff", "name": "王五", "preferred_username": "wang", "department": "SZGA",
			"roles": []string{"caseworker", "dept_admin"}}},
		{"staff has no identity number to give", staff, trusted, []string{"openid", "idnumber"}, map[string]any{"pengcheng_kind": "staff"}},
	}
	for _, tt := range tests {
		got := sso.Claims(tt.account, tt.client, tt.scopes)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func FuzzSealer(f *testing.F) {
	s, err := sso.NewSealer([32]byte{1, 2, 3})
	if err != nil {
		f.Fatal(err)
	}
	other, _ := sso.NewSealer([32]byte{9})
	f.Add("0190c8a4-0000-7000-8000-000000000000:p1")
	f.Add("")
	f.Fuzz(func(t *testing.T, plain string) {
		sealed, err := s.Encrypt(plain)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Decrypt(sealed)
		if err != nil || got != plain {
			t.Fatalf("round trip: got %q, %v; want %q", got, err, plain)
		}
		if _, err := other.Decrypt(sealed); err == nil {
			t.Fatalf("another key opened the value")
		}
		// Flipping any one character must be detected.
		b := []byte(sealed)
		i := len(plain) % len(b)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		// (The last character's spare base64 bits may not change the bytes.)
		if _, err := s.Decrypt(string(b)); err == nil && i != len(b)-1 {
			t.Fatalf("tampered value %q opened", b)
		}
		// Arbitrary input never panics.
		_, _ = s.Decrypt(plain)
	})
}
