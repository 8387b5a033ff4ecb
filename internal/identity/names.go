package identity

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Length limits of account fields, in characters.
const (
	MaxDisplayName = 64
	MinUsername    = 3
	MaxUsername    = 32
	MaxEmail       = 254
)

// ValidateDisplayName checks a display name (a person's or enterprise's
// name, or a staff member's name) and returns it with surrounding spaces
// removed: 1 to MaxDisplayName characters, printable, with no control or
// invisible formatting characters.
//
// It returns an errs.Field error on field "display_name": name.empty,
// name.long or name.chars.
func ValidateDisplayName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errs.Field("display_name", "name.empty", "请填写姓名或名称", "the name is required")
	}
	if !utf8.ValidString(s) {
		return "", nameCharsErr()
	}
	if n := utf8.RuneCountInString(s); n > MaxDisplayName {
		return "", errs.Field("display_name", "name.long",
			fmt.Sprintf("姓名或名称不能超过%d个字符（当前为%d个）", MaxDisplayName, n),
			fmt.Sprintf("the name must not have more than %d characters (it has %d)", MaxDisplayName, n))
	}
	for _, r := range s {
		if !unicode.IsPrint(r) && r != '\u3000' || unicode.Is(unicode.Cf, r) {
			return "", nameCharsErr()
		}
	}
	return s, nil
}

func nameCharsErr() error {
	return errs.Field("display_name", "name.chars",
		"姓名或名称包含不可显示的字符", "the name contains characters that cannot be displayed")
}

// ValidateUsername checks a staff login name and returns it lower-cased with
// surrounding spaces removed: MinUsername to MaxUsername characters from
// a–z, 0–9, dot, underscore and hyphen, starting with a letter (so that a
// username is never mistaken for a phone, identity number or credit code,
// which are also accepted as login names).
//
// It returns an errs.Field error on field "username": username.empty,
// username.length, username.chars or username.start.
func ValidateUsername(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", errs.Field("username", "username.empty", "请填写用户名", "the username is required")
	}
	if n := utf8.RuneCountInString(s); n < MinUsername || n > MaxUsername {
		return "", errs.Field("username", "username.length",
			fmt.Sprintf("用户名应为%d至%d个字符（当前为%d个）", MinUsername, MaxUsername, n),
			fmt.Sprintf("the username must have %d to %d characters (it has %d)", MinUsername, MaxUsername, n))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return "", errs.Field("username", "username.chars",
				"用户名只能包含小写字母、数字、点、下划线和连字符",
				"the username may only contain lower-case letters, digits, dots, underscores and hyphens")
		}
	}
	if s[0] < 'a' || s[0] > 'z' {
		return "", errs.Field("username", "username.start", "用户名须以字母开头", "the username must start with a letter")
	}
	return s, nil
}

// ValidateEmail checks an e-mail address and returns it with surrounding
// spaces removed and the domain lower-cased. The address must be a bare
// addr-spec (no display name or angle brackets) of at most MaxEmail
// characters whose domain contains a dot.
//
// It returns an errs.Field error on field "email": email.empty, email.long
// or email.format.
func ValidateEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errs.Field("email", "email.empty", "请填写电子邮箱", "the e-mail address is required")
	}
	if utf8.RuneCountInString(s) > MaxEmail {
		return "", errs.Field("email", "email.long",
			fmt.Sprintf("电子邮箱不能超过%d个字符", MaxEmail),
			fmt.Sprintf("the e-mail address must not have more than %d characters", MaxEmail))
	}
	bad := errs.Field("email", "email.format", "电子邮箱格式不正确，例如 name@example.cn",
		"the e-mail address is not valid, e.g. name@example.cn")
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", bad
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], strings.ToLower(s[at+1:])
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.ContainsAny(domain, "[]") {
		return "", bad
	}
	return local + "@" + domain, nil
}
