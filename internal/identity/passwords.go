package identity

import (
	"context"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// ChangePassword changes a's own password after checking the old one. An
// account without a password (phone-code or federated only) sets its first
// password without an old one. Wrong old passwords are throttled like
// logins: after MaxFailures within LockoutFor it returns
// errs.TooManyRequests. It returns errs.Invalid on field old_password for a
// wrong old password and on field password for a new one that breaks the
// policy.
func (s *Service) ChangePassword(ctx context.Context, a *Account, oldPassword, newPassword string, c Client) error {
	if !active(a) {
		return errUnauthenticated()
	}
	cur, err := s.store.FindAccountByID(ctx, a.ID)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	now := s.now()
	key := "pwchange:" + cur.ID
	n, err := s.store.Count(ctx, key, s.policy.LockoutFor, now)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if n >= s.policy.MaxFailures {
		return errs.E(errs.TooManyRequests, "password.throttled", "原密码错误次数过多，请稍后再试",
			"too many wrong current passwords; try again later")
	}
	if cur.PasswordSet {
		ok, _, err := s.checkAccountPassword(ctx, cur, oldPassword)
		if err != nil {
			return err
		}
		if !ok {
			if _, err := s.store.Hit(ctx, key, s.policy.LockoutFor, now); err != nil {
				return fmt.Errorf("change password: %w", err)
			}
			s.auditFailure(ctx, EventPasswordChange, cur, cur.Username, c, "refused: wrong current password")
			return errs.Field("old_password", "password.old_wrong", "原密码不正确", "the current password is wrong")
		}
	}
	if err := s.setPassword(ctx, cur, newPassword); err != nil {
		return err
	}
	if err := s.store.ResetCounter(ctx, key); err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	return s.audit(ctx, EventPasswordChange, cur, cur.Username, c, "")
}

// ResetPassword sets another account's password, unlocks it and ends its
// sessions. actor must administer the account (see authz.go), or be nil
// for the system (the command line). It returns errs.NotFound for accounts
// actor may not see and errs.Forbidden for those actor may see but not
// administer.
func (s *Service) ResetPassword(ctx context.Context, actor *Account, accountID, newPassword string, c Client) error {
	target, err := s.target(ctx, actor, accountID)
	if err != nil {
		return err
	}
	if actor != nil && !canAdminister(actor, target) {
		return errForbidden()
	}
	if err := s.setPassword(ctx, target, newPassword); err != nil {
		return err
	}
	if err := s.store.DeleteAccountSessions(ctx, target.ID); err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	if err := s.store.ResetLoginFailures(ctx, target.ID); err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	return s.audit(ctx, EventPasswordReset, target, target.Username, c, "by "+actorName(actor))
}

// setPassword checks pw against the policy and stores its hash for a.
func (s *Service) setPassword(ctx context.Context, a *Account, pw string) error {
	if err := s.policy.ValidatePassword(pw, a.Username, a.Phone, a.IDNumber, a.USCC); err != nil {
		return err
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	if err := s.store.SetPasswordHash(ctx, a.ID, hash, s.now()); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
}
