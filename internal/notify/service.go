package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
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
)

// Service stores and delivers messages. It implements identity.Notifier.
// It is safe for concurrent use.
type Service struct {
	store    Store
	channels map[string]Channel
	now      func() time.Time
	log      *slog.Logger
}

var _ identity.Notifier = (*Service)(nil)

// NewService returns a service on store that delivers through channels,
// keyed by channel name (SMS, Email, InApp); a channel name missing from
// the map is served by the [Outbox]. now may be nil for time.Now; log may
// be nil for slog.Default().
func NewService(store Store, channels map[string]Channel, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	ch := map[string]Channel{}
	for _, name := range []string{SMS, Email, InApp} {
		ch[name] = Outbox{Log: log}
	}
	for name, c := range channels {
		ch[name] = c
	}
	return &Service{store: store, channels: ch, now: func() time.Time { return now().UTC() }, log: log}
}

// SendSMS stores a text message to a mainland mobile number and delivers
// it. It returns errs.Invalid for a bad phone or an empty or over-long
// body, and an error when delivery fails (the message stays stored as
// failed, for a retry with DeliverPending).
func (s *Service) SendSMS(ctx context.Context, phone, purpose, body, accountID string) error {
	p, err := identity.ValidatePhone(phone)
	if err != nil {
		return err
	}
	if err := checkBody(body, MaxSMSBody); err != nil {
		return err
	}
	_, err = s.send(ctx, &Message{Channel: SMS, Recipient: p, AccountID: accountID, Purpose: purpose, Body: body})
	return err
}

// SendEmail stores an e-mail and delivers it, like SendSMS.
func (s *Service) SendEmail(ctx context.Context, to, purpose, subject, body, accountID string) error {
	addr, err := identity.ValidateEmail(to)
	if err != nil {
		return err
	}
	if err := checkSubject(subject); err != nil {
		return err
	}
	if err := checkBody(body, MaxEmailBody); err != nil {
		return err
	}
	_, err = s.send(ctx, &Message{Channel: Email, Recipient: addr, AccountID: accountID, Purpose: purpose,
		Subject: subject, Body: body})
	return err
}

// SendInApp stores a notice for an account's in-app inbox and delivers it.
func (s *Service) SendInApp(ctx context.Context, accountID, purpose, subject, body string) error {
	if accountID == "" {
		return errs.Field("account_id", "notify.recipient", "缺少收件账户", "the recipient account is missing")
	}
	if err := checkSubject(subject); err != nil {
		return err
	}
	if err := checkBody(body, MaxEmailBody); err != nil {
		return err
	}
	_, err := s.send(ctx, &Message{Channel: InApp, Recipient: accountID, AccountID: accountID, Purpose: purpose,
		Subject: subject, Body: body})
	return err
}

// send stores m as pending, then delivers it.
func (s *Service) send(ctx context.Context, m *Message) (*Message, error) {
	if strings.TrimSpace(m.Purpose) == "" {
		return nil, errs.Field("purpose", "notify.purpose", "缺少消息用途", "the message purpose is missing")
	}
	m.ID, m.Status, m.CreatedAt = ids.New(), StatusPending, s.now()
	if err := s.store.CreateMessage(ctx, m); err != nil {
		return nil, fmt.Errorf("store message: %w", err)
	}
	derr, err := s.deliver(ctx, m)
	if err != nil {
		return nil, err
	}
	if derr != nil {
		e := errs.E(errs.Internal, "notify.delivery", "消息发送失败，请稍后再试", "the message could not be sent; please try again later")
		e.Err = derr
		return m, e
	}
	return m, nil
}

// deliver hands m to its channel and records the outcome. It returns the
// channel's refusal, if any, and separately a failure to record it.
func (s *Service) deliver(ctx context.Context, m *Message) (refused, err error) {
	m.Attempts++
	if ch, ok := s.channels[m.Channel]; ok {
		refused = ch.Deliver(ctx, m)
	} else {
		refused = fmt.Errorf("no channel %q", m.Channel)
	}
	if refused != nil {
		m.Status, m.LastError = StatusFailed, truncate(refused.Error(), 500)
		s.log.WarnContext(ctx, "message delivery failed", "id", m.ID, "channel", m.Channel, "err", refused)
	} else {
		m.Status, m.LastError, m.SentAt = StatusSent, "", s.now()
	}
	if err := s.store.RecordDelivery(ctx, m); err != nil {
		return refused, fmt.Errorf("record delivery of message %s: %w", m.ID, err)
	}
	return refused, nil
}

// DeliverPending retries up to limit messages of each undelivered status
// (pending, then failed) that have had fewer than maxAttempts attempts,
// oldest first, and returns how many were sent.
func (s *Service) DeliverPending(ctx context.Context, maxAttempts, limit int) (int, error) {
	sent := 0
	for _, status := range []string{StatusPending, StatusFailed} {
		list, _, err := s.store.FindMessages(ctx, MessageFilter{Status: status, AttemptsBelow: maxAttempts, Limit: limit})
		if err != nil {
			return sent, fmt.Errorf("find undelivered messages: %w", err)
		}
		for i := len(list) - 1; i >= 0; i-- { // the list is newest first
			refused, err := s.deliver(ctx, list[i])
			if err != nil {
				return sent, err
			}
			if refused == nil {
				sent++
			}
		}
	}
	return sent, nil
}

// Messages lists messages for the admin outbox, newest first, with the
// total number of matches. Only platform admins may read it: others get
// errs.Forbidden, and anonymous callers errs.Unauthenticated.
func (s *Service) Messages(ctx context.Context, actor *identity.Account, f MessageFilter) ([]*Message, int, error) {
	if actor == nil || actor.Disabled {
		return nil, 0, errs.E(errs.Unauthenticated, "auth.required", "请先登录", "please sign in first")
	}
	if !actor.IsStaff() || !actor.HasRole(identity.PlatformAdmin) {
		return nil, 0, errs.E(errs.Forbidden, "notify.forbidden", "只有平台管理员可以查看消息发件箱",
			"only platform admins can read the message outbox")
	}
	list, total, err := s.store.FindMessages(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("find messages: %w", err)
	}
	return list, total, nil
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
