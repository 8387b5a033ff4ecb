package sso

import (
	"context"
	"fmt"
	"slices"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Claim names beyond the standard ones.
const (
	ClaimKind             = "pengcheng_kind"     // person, enterprise or staff
	ClaimDepartment       = "department"         // staff: department code
	ClaimRoles            = "roles"              // staff: role names
	ClaimIDNumber         = "id_number"          // resident identity number
	ClaimIDNumberVerified = "id_number_verified" // whether it was verified
	ClaimUSCC             = "uscc"               // enterprises: unified social credit code
)

// Claims returns the claims (other than sub) that client c receives about
// account a for the granted scopes. A scope counts only when it was granted
// and the client's registration allows it; in particular the identity
// number goes only to clients allowed ScopeIDNumber.
func Claims(a *identity.Account, c *Client, scopes []string) map[string]any {
	has := func(s string) bool { return slices.Contains(scopes, s) && c.AllowsScope(s) }
	out := map[string]any{ClaimKind: string(a.Kind)}
	if has(ScopeProfile) {
		out["name"] = a.DisplayName
		out["preferred_username"] = a.Username
		if a.Lang != "" {
			out["locale"] = a.Lang
		}
		if a.Kind == identity.Enterprise && a.USCC != "" {
			out[ClaimUSCC] = a.USCC
		}
		if a.IsStaff() {
			out[ClaimDepartment] = a.Department
			roles := make([]string, len(a.Roles))
			for i, r := range a.Roles {
				roles[i] = string(r)
			}
			out[ClaimRoles] = roles
		}
	}
	if has(ScopeEmail) && a.Email != "" {
		out["email"] = a.Email
	}
	if has(ScopePhone) && a.Phone != "" {
		out["phone_number"] = a.Phone
	}
	if has(ScopeIDNumber) && a.IDNumber != "" {
		out[ClaimIDNumber] = a.IDNumber
		out[ClaimIDNumberVerified] = a.IDVerified
	}
	return out
}

// UserClaims returns the claims client clientID receives about the account
// with the given scopes, loading both. It returns ErrInvalidToken when the
// account no longer exists or is disabled.
func (s *Service) UserClaims(ctx context.Context, accountID, clientID string, scopes []string) (map[string]any, error) {
	c, err := s.store.FindClientByID(ctx, clientID)
	if err != nil {
		return nil, fmt.Errorf("claims: client %s: %w", clientID, err)
	}
	a, err := s.activeAccount(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("claims: account %s: %w", accountID, err)
	}
	return Claims(a, c, scopes), nil
}
