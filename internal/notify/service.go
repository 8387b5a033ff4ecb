package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Config configures [New].
type Config struct {
	// Store persists the messages. Required.
	Store Store
	// Channels deliver messages, keyed by channel name (SMS, Email,
	// InApp). A missing SMS or Email channel is served by the [Outbox], a
	// missing InApp channel by the [Inbox].
	Channels map[string]Channel
	// Templates is the registry for drafts that name a template; nil
	// allows no templates.
	Templates *Templates
	// Dispatch configures retries and the dispatcher; zero fields take
	// their defaults.
	Dispatch DispatchConfig
	// Now is the clock; defaults to time.Now.
	Now func() time.Time
	// Rand returns numbers in [0, 1) for the backoff's jitter; defaults to
	// math/rand/v2.Float64.
	Rand func() float64
	// Log defaults to slog.Default().
	Log *slog.Logger
	// Accounts, when set, finds the account of an SMS recipient that the
	// sender did not name, so that the text shows in that account's in-app
	// inbox while no SMSC is configured; identitysql.Store implements it.
	Accounts AccountFinder
}

// AccountFinder finds an account by phone (among other logins); it returns
// errs.NotFound when there is none.
type AccountFinder interface {
	FindAccountByLogin(ctx context.Context, login string) (*identity.Account, error)
}

// Service composes, stores and delivers messages. It implements
// identity.Notifier and the notifiers of the other modules. It is safe for
// concurrent use.
type Service struct {
	store     Store
	channels  map[string]Channel
	templates *Templates
	cfg       DispatchConfig
	now       func() time.Time
	rand      func() float64
	log       *slog.Logger
	accounts  AccountFinder
	wake      chan struct{}
}

var _ identity.Notifier = (*Service)(nil)

// New returns a service, or an error for a missing store or an invalid
// dispatch configuration.
func New(c Config) (*Service, error) {
	if c.Store == nil {
		return nil, errors.New("notify: a store is required")
	}
	cfg, err := c.Dispatch.withDefaults()
	if err != nil {
		return nil, err
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Float64
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	ch := map[string]Channel{SMS: Outbox{Log: c.Log}, Email: Outbox{Log: c.Log}, InApp: Inbox{}}
	for name, x := range c.Channels {
		if x != nil {
			ch[name] = x
		}
	}
	now := c.Now
	return &Service{store: c.Store, channels: ch, templates: c.Templates, cfg: cfg,
		now: func() time.Time { return now().UTC() }, rand: c.Rand, log: c.Log, accounts: c.Accounts,
		wake: make(chan struct{}, 1)}, nil
}

// NewService returns a service on store with the default dispatch
// configuration and the default templates. channels may be nil (every
// message kept in the outbox), now may be nil for time.Now, log may be nil
// for slog.Default().
func NewService(store Store, channels map[string]Channel, now func() time.Time, log *slog.Logger) *Service {
	tpl, err := NewTemplates(DefaultTemplates()...)
	if err != nil {
		panic(err) // the default templates are checked by the tests
	}
	s, err := New(Config{Store: store, Channels: channels, Templates: tpl, Now: now, Log: log})
	if err != nil {
		panic(err) // only a nil store fails, a programming error
	}
	return s
}

// Templates returns the service's template registry (nil when none).
func (s *Service) Templates() *Templates { return s.templates }

// SendSMS queues a text message to a mainland mobile number and tries to
// deliver it at once. It returns errs.Invalid for a bad phone or an empty
// or over-long body; a delivery that fails for now is retried by the
// dispatcher and is not an error.
func (s *Service) SendSMS(ctx context.Context, phone, purpose, body, accountID string) error {
	_, err := s.Send(ctx, Draft{Channel: SMS, Recipient: phone, Purpose: purpose, Body: body, AccountID: accountID})
	return err
}

// SendEmail queues an e-mail and tries to deliver it at once, like SendSMS.
func (s *Service) SendEmail(ctx context.Context, to, purpose, subject, body, accountID string) error {
	_, err := s.Send(ctx, Draft{Channel: Email, Recipient: to, Purpose: purpose, Subject: subject, Body: body,
		AccountID: accountID})
	return err
}

// SendInApp queues a notice for an account's in-app inbox and delivers it.
func (s *Service) SendInApp(ctx context.Context, accountID, purpose, subject, body string) error {
	_, err := s.Send(ctx, Draft{Channel: InApp, AccountID: accountID, Purpose: purpose, Subject: subject, Body: body})
	return err
}

// Send composes d, stores it in its own transaction and tries to deliver
// it at once, returning the stored message. For a draft whose idempotency
// key is already stored it stores and sends nothing and returns the stored
// message. Errors: errs.Invalid from [Service.Compose] or for an unknown
// account; a delivery error (code notify.delivery) only when the channel
// refused the message for good. A message that could not be delivered for
// now stays pending and is retried by the dispatcher.
func (s *Service) Send(ctx context.Context, d Draft) (*Message, error) {
	m, err := s.Compose(d)
	if err != nil {
		return nil, err
	}
	if m.Channel == SMS && m.AccountID == "" && s.accounts != nil {
		a, err := s.accounts.FindAccountByLogin(ctx, m.Recipient)
		switch {
		case err == nil && a.Phone == m.Recipient:
			m.AccountID = a.ID
		case err != nil && !errs.Is(err, errs.NotFound):
			s.log.WarnContext(ctx, "find the account of an SMS recipient", "err", err)
		}
	}
	stored, created, err := s.store.Enqueue(ctx, m)
	if err != nil {
		return nil, fmt.Errorf("store message: %w", err)
	}
	if !created {
		return stored, nil
	}
	got, err := s.deliverNow(ctx, stored.ID)
	if err != nil {
		s.log.WarnContext(ctx, "immediate delivery", "id", stored.ID, "err", err)
		s.Wake()
		return stored, nil
	}
	if got == nil { // another worker holds it
		return stored, nil
	}
	if got.Status == StatusFailed {
		e := errs.E(errs.Internal, "notify.delivery", "消息发送失败："+got.LastError, "the message could not be sent: "+got.LastError)
		e.Err = errors.New(got.LastError)
		return got, e
	}
	return got, nil
}

// Wake asks the dispatcher to look for due messages now, e.g. after a
// transaction that enqueued messages has committed. It never blocks.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// requireAdmin returns nil when actor is an enabled platform admin.
func requireAdmin(actor *identity.Account) error {
	if actor == nil || actor.Disabled {
		return errs.E(errs.Unauthenticated, "auth.required", "请先登录", "please sign in first")
	}
	if !actor.IsStaff() || !actor.HasRole(identity.PlatformAdmin) {
		return errs.E(errs.Forbidden, "notify.forbidden", "只有平台管理员可以查看消息发件箱",
			"only platform admins can read the message outbox")
	}
	return nil
}

// Messages lists messages for the admin outbox, newest first, with the
// total number of matches. Only platform admins may read it: others get
// errs.Forbidden, and anonymous callers errs.Unauthenticated.
func (s *Service) Messages(ctx context.Context, actor *identity.Account, f MessageFilter) ([]*Message, int, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, 0, err
	}
	list, total, err := s.store.FindMessages(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("find messages: %w", err)
	}
	return list, total, nil
}

// Message returns one message with its parts, receipts and attempts, for
// platform admins (errors as for Messages, and errs.NotFound).
func (s *Service) Message(ctx context.Context, actor *identity.Account, id string) (*Message, []*Attempt, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, nil, err
	}
	m, err := s.store.FindMessageByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	attempts, err := s.store.FindAttempts(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("find attempts: %w", err)
	}
	return m, attempts, nil
}

// Retry makes a pending or failed message due now and wakes the
// dispatcher, for platform admins. A failed message gets one more attempt.
// It returns errs.Conflict for a sent message, errs.NotFound, and the
// errors of Messages.
func (s *Service) Retry(ctx context.Context, actor *identity.Account, id string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	if err := s.store.Reschedule(ctx, id, s.now()); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "message retry requested", "id", id, "by", actor.ID)
	s.Wake()
	return nil
}

// requireAccount returns nil when actor is a signed-in, enabled account.
func requireAccount(actor *identity.Account) error {
	if actor == nil || actor.Disabled {
		return errs.E(errs.Unauthenticated, "auth.required", "请先登录", "please sign in first")
	}
	return nil
}

// Inbox returns one page of the actor's in-app inbox, newest first, with
// the number of all its messages (only unread ones when unread is set).
// It returns errs.Unauthenticated for an anonymous actor.
func (s *Service) Inbox(ctx context.Context, actor *identity.Account, unread bool, offset, limit int) ([]*Message, int, error) {
	if err := requireAccount(actor); err != nil {
		return nil, 0, err
	}
	list, total, err := s.store.FindMessages(ctx, MessageFilter{AccountID: actor.ID, Inbox: true, Unread: unread,
		Offset: offset, Limit: limit})
	if err != nil {
		return nil, 0, fmt.Errorf("read inbox: %w", err)
	}
	return list, total, nil
}

// MarkRead marks messages of the actor's inbox read: those with ids, or
// all when ids is empty; ids of other accounts' messages are ignored. It
// returns how many it marked.
func (s *Service) MarkRead(ctx context.Context, actor *identity.Account, ids ...string) (int, error) {
	if err := requireAccount(actor); err != nil {
		return 0, err
	}
	n, err := s.store.MarkRead(ctx, actor.ID, ids, s.now())
	if err != nil {
		return 0, fmt.Errorf("mark read: %w", err)
	}
	return n, nil
}

// UnreadCount returns the number of unread messages in the actor's inbox;
// 0 for an anonymous actor.
func (s *Service) UnreadCount(ctx context.Context, actor *identity.Account) (int, error) {
	if actor == nil || actor.Disabled {
		return 0, nil
	}
	n, err := s.store.CountUnread(ctx, actor.ID)
	if err != nil {
		return 0, fmt.Errorf("count unread: %w", err)
	}
	return n, nil
}
