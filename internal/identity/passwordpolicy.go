package identity

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// MinPasswordLength is the shortest password accepted by
// [ValidatePassword]; a [Policy] may ask for more.
const MinPasswordLength = 8

// MaxPasswordLength is the longest password accepted, in characters.
const MaxPasswordLength = 128

// minRelatedLength is the length below which a related value (username,
// phone, identity number) is too short to be worth comparing with.
const minRelatedLength = 4

// ValidatePassword checks a new password against the password policy with
// the default minimum length; see [Policy.ValidatePassword].
func ValidatePassword(pw string, related ...string) error {
	return validatePassword(pw, MinPasswordLength, related)
}

// ValidatePassword checks a new password: at least p.MinPasswordLength
// characters (MinPasswordLength when that is not positive), at most
// MaxPasswordLength, at least one letter and one digit, and neither equal
// to nor containing any of the related values (the account's username,
// phone, identity number or credit code; compared ignoring case; values
// shorter than 4 characters are ignored).
//
// It returns an errs.Field error on field "password" with code
// password.short, password.long, password.letter_digit or password.related.
func (p Policy) ValidatePassword(pw string, related ...string) error {
	minLen := p.MinPasswordLength
	if minLen <= 0 {
		minLen = MinPasswordLength
	}
	return validatePassword(pw, minLen, related)
}

func validatePassword(pw string, minLen int, related []string) error {
	n := utf8.RuneCountInString(pw)
	if n < minLen {
		return errs.Field("password", "password.short",
			fmt.Sprintf("密码至少需要%d个字符", minLen),
			fmt.Sprintf("the password must have at least %d characters", minLen))
	}
	if n > MaxPasswordLength {
		return errs.Field("password", "password.long",
			fmt.Sprintf("密码不能超过%d个字符", MaxPasswordLength),
			fmt.Sprintf("the password must not have more than %d characters", MaxPasswordLength))
	}
	var letter, digit bool
	for _, r := range pw {
		letter = letter || unicode.IsLetter(r)
		digit = digit || unicode.IsDigit(r)
	}
	if !letter || !digit {
		return errs.Field("password", "password.letter_digit",
			"密码须同时包含字母和数字", "the password must contain both letters and digits")
	}
	lower := strings.ToLower(pw)
	for _, r := range related {
		r = strings.ToLower(strings.TrimSpace(r))
		if utf8.RuneCountInString(r) < minRelatedLength {
			continue
		}
		if strings.Contains(lower, r) {
			return errs.Field("password", "password.related",
				"密码不能包含用户名、手机号码或证件号码", "the password must not contain the username, mobile number or identity number")
		}
	}
	return nil
}
