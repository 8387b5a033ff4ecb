package notify

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// Limits of message fields, in characters.
const (
	MaxSMSBody   = 500
	MaxEmailBody = 100_000
	MaxSubject   = 200
	MaxKey       = 200
)

// Draft is a message to compose: either Subject and Body, or a Template
// with its Vars (Subject and Body are then ignored).
type Draft struct {
	Channel   string // SMS, Email or InApp
	Recipient string // phone for SMS, e-mail address for Email; ignored for InApp
	AccountID string // the recipient's account; required for InApp
	Purpose   string // what the message is for, e.g. "case.progress"; required

	Subject string
	Body    string

	Template string         // a template of the service's registry
	Vars     map[string]any // the template's variables
	Lang     string         // "zh" (the default) or "en"

	// IdempotencyKey, when set, makes the message unique: see
	// [Message.IdempotencyKey]. At most MaxKey characters.
	IdempotencyKey string
}

// Compose checks d and returns the message to enqueue: pending, due now,
// with a new id. It returns errs.Invalid naming the field for a bad
// recipient, a missing purpose, an empty or over-long subject or body, or
// an unknown template or variable.
func (s *Service) Compose(d Draft) (*Message, error) {
	if strings.TrimSpace(d.Purpose) == "" {
		return nil, errs.Field("purpose", "notify.purpose", "缺少消息用途", "the message purpose is missing")
	}
	if utf8.RuneCountInString(d.IdempotencyKey) > MaxKey {
		return nil, errs.Field("idempotency_key", "notify.key_long", fmt.Sprintf("幂等键不能超过%d个字符", MaxKey),
			fmt.Sprintf("the idempotency key must not have more than %d characters", MaxKey))
	}
	m := &Message{Channel: d.Channel, AccountID: d.AccountID, Purpose: d.Purpose, Subject: d.Subject, Body: d.Body,
		Template: d.Template, IdempotencyKey: d.IdempotencyKey}
	if d.Template != "" {
		if s.templates == nil {
			return nil, errs.Field("template", "notify.template_unknown", "未配置消息模板", "no message templates are configured")
		}
		subject, body, err := s.templates.Render(d.Template, d.Lang, d.Vars)
		if err != nil {
			return nil, err
		}
		m.Subject, m.Body = subject, body
	}
	var err error
	switch d.Channel {
	case SMS:
		m.Subject = ""
		if m.Recipient, err = identity.ValidatePhone(d.Recipient); err == nil {
			err = checkBody(m.Body, MaxSMSBody)
		}
	case Email:
		if m.Recipient, err = identity.ValidateEmail(d.Recipient); err == nil {
			err = firstErr(checkSubject(m.Subject), checkBody(m.Body, MaxEmailBody))
		}
	case InApp:
		if d.AccountID == "" {
			return nil, errs.Field("account_id", "notify.recipient", "缺少收件账户", "the recipient account is missing")
		}
		m.Recipient = d.AccountID
		err = firstErr(checkSubject(m.Subject), checkBody(m.Body, MaxEmailBody))
	default:
		return nil, errs.Field("channel", "notify.channel", "不支持的消息渠道「"+d.Channel+"」",
			"unsupported message channel "+d.Channel)
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	m.ID, m.Status, m.CreatedAt, m.NextAttemptAt = ids.New(), StatusPending, now, now
	return m, nil
}

func firstErr(list ...error) error {
	for _, err := range list {
		if err != nil {
			return err
		}
	}
	return nil
}

func checkBody(body string, max int) error {
	if strings.TrimSpace(body) == "" {
		return errs.Field("body", "notify.body_empty", "消息内容不能为空", "the message body is empty")
	}
	if n := utf8.RuneCountInString(body); n > max {
		return errs.Field("body", "notify.body_long", fmt.Sprintf("消息内容不能超过%d个字符", max),
			fmt.Sprintf("the message body must not have more than %d characters", max))
	}
	return nil
}

func checkSubject(subject string) error {
	if utf8.RuneCountInString(subject) > MaxSubject {
		return errs.Field("subject", "notify.subject_long", fmt.Sprintf("标题不能超过%d个字符", MaxSubject),
			fmt.Sprintf("the subject must not have more than %d characters", MaxSubject))
	}
	return nil
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
