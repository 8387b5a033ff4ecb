package identity

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// PurposeLoginCode is the notification purpose of login-code messages.
const PurposeLoginCode = "login_code"

// otpLen is the number of digits of a one-time code.
const otpLen = 6

// SendLoginCode sends a one-time login code to the phone of a person
// account.
//
// Codes are limited per client address (OTPPerIPPerHour an hour), per
// phone (one per OTPInterval and OTPPerHour an hour); beyond that it
// returns errs.TooManyRequests saying when to try again. For a phone that
// belongs to no enabled person account it sends nothing and returns nil,
// exactly as if it had, so the form does not reveal which phones are
// registered; the limits count such requests too. A code is 6 random
// digits, valid for OTPTTL, stored only as a hash.
func (s *Service) SendLoginCode(ctx context.Context, phone string, c Client) error {
	p, err := ValidatePhone(phone)
	if err != nil {
		return err
	}
	now := s.now()
	if err := s.otpLimits(ctx, p, c, now); err != nil {
		return err
	}
	a, err := s.personByPhone(ctx, p)
	if err != nil {
		return err
	}
	if a == nil || a.Disabled {
		return nil
	}
	code, err := randomCode()
	if err != nil {
		return err
	}
	if err := s.store.CreateOTP(ctx, ids.New(), p, otpHash(p, code), now, now.Add(s.policy.OTPTTL)); err != nil {
		return fmt.Errorf("store login code: %w", err)
	}
	if s.notify == nil {
		return fmt.Errorf("send login code: no notifier configured")
	}
	mins := int(s.policy.OTPTTL.Round(time.Minute) / time.Minute)
	body := fmt.Sprintf("【鹏城】您的登录验证码为 %s，%d分钟内有效。如非本人操作，请忽略本短信。", code, mins)
	if err := s.notify.SendSMS(ctx, p, PurposeLoginCode, body, a.ID); err != nil {
		return fmt.Errorf("send login code: %w", err)
	}
	return s.audit(ctx, EventOTPSent, a, p, c, PurposeLoginCode)
}

// otpLimits counts a code request against the client address and the
// phone and refuses it when a limit is exceeded.
func (s *Service) otpLimits(ctx context.Context, phone string, c Client, now time.Time) error {
	hit := func(key string, window time.Duration, limit int) (bool, error) {
		n, err := s.store.Hit(ctx, key, window, now)
		if err != nil {
			return false, fmt.Errorf("count login codes: %w", err)
		}
		return n > limit, nil
	}
	if c.IP != "" {
		over, err := hit("otp:ip:"+c.IP, time.Hour, s.policy.OTPPerIPPerHour)
		if err != nil || over {
			return orErr(err, errs.E(errs.TooManyRequests, "otp.ip_throttled",
				"您所在网络获取验证码过于频繁，请一小时后再试", "too many codes requested from your address; try again in an hour"))
		}
	}
	over, err := hit("otp:gap:"+phone, s.policy.OTPInterval, 1)
	if err != nil || over {
		secs := int(s.policy.OTPInterval / time.Second)
		return orErr(err, errs.E(errs.TooManyRequests, "otp.too_soon",
			fmt.Sprintf("验证码发送过于频繁，请%d秒后再试", secs),
			fmt.Sprintf("a code was sent moments ago; try again in %d seconds", secs)))
	}
	over, err = hit("otp:phone:"+phone, time.Hour, s.policy.OTPPerHour)
	if err != nil || over {
		return orErr(err, errs.E(errs.TooManyRequests, "otp.phone_throttled",
			"该手机号码获取验证码次数过多，请一小时后再试", "too many codes for this number; try again in an hour"))
	}
	return nil
}

// orErr returns err if it is set, else refusal.
func orErr(err, refusal error) error {
	if err != nil {
		return err
	}
	return refusal
}

// LoginWithCode checks a one-time code sent to phone and starts a session
// for the person account with that phone. A code works once, until it
// expires; OTPMaxAttempts wrong guesses burn it. Failures count against the
// client address like wrong passwords. A wrong, used or expired code gets
// errs.Unauthenticated; a disabled account errs.Forbidden. A password
// lock-out does not stop code login: the code proves the phone.
func (s *Service) LoginWithCode(ctx context.Context, phone, code string, c Client) (*Account, *Session, string, error) {
	p, err := ValidatePhone(phone)
	if err != nil {
		return nil, nil, "", err
	}
	code = strings.TrimSpace(code)
	if !digits(code, otpLen) {
		return nil, nil, "", errs.Field("code", "otp.format", "验证码应为6位数字", "the code must be 6 digits")
	}
	now := s.now()
	if err := s.checkIPThrottle(ctx, c, now); err != nil {
		s.auditFailure(ctx, EventLoginFailed, nil, p, c, "client address throttled")
		return nil, nil, "", err
	}
	ok, err := s.store.ConsumeOTP(ctx, p, otpHash(p, code), now, s.policy.OTPMaxAttempts)
	if err != nil {
		return nil, nil, "", fmt.Errorf("check login code: %w", err)
	}
	var a *Account
	if ok {
		if a, err = s.personByPhone(ctx, p); err != nil {
			return nil, nil, "", err
		}
	}
	if a == nil {
		s.hitIP(ctx, c, now)
		s.auditFailure(ctx, EventLoginFailed, nil, p, c, "wrong, used or expired code")
		return nil, nil, "", errs.E(errs.Unauthenticated, "otp.failed", "验证码错误或已失效，请重新获取",
			"the code is wrong, used or expired; request a new one")
	}
	if a.Disabled {
		s.auditFailure(ctx, EventLoginFailed, a, p, c, "account disabled")
		return nil, nil, "", errDisabled()
	}
	sess, token, err := s.startSession(ctx, a, "otp", c, now)
	if err != nil {
		return nil, nil, "", err
	}
	if err := s.audit(ctx, EventLogin, a, p, c, "otp"); err != nil {
		return nil, nil, "", err
	}
	return a, sess, token, nil
}

// personByPhone returns the person account whose phone is p, or nil.
func (s *Service) personByPhone(ctx context.Context, p string) (*Account, error) {
	a, err := s.store.FindAccountByLogin(ctx, p)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find account by phone: %w", err)
	}
	if a.Kind != Person || a.Phone != p {
		return nil, nil
	}
	return a, nil
}

// otpHash is what the store keeps of a code; the phone is mixed in so that
// a code matches only the phone it was sent to.
func otpHash(phone, code string) string { return ids.Hash(phone + ":" + code) }

// randomCode returns otpLen random decimal digits from crypto/rand.
func randomCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("generate login code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// digits reports whether s is exactly n ASCII digits.
func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
