package notify

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// DispatchConfig configures delivery attempts and the dispatcher. Zero
// fields take their defaults.
type DispatchConfig struct {
	// Workers is how many messages one dispatcher delivers at a time.
	// Defaults to 4.
	Workers int
	// Batch is how many due messages one claim takes at most. Defaults to 16.
	Batch int
	// Poll is how often an idle dispatcher looks for due messages (it also
	// looks when woken by [Service.Wake]). Defaults to 1s.
	Poll time.Duration
	// AttemptTimeout bounds one delivery attempt by the dispatcher.
	// Defaults to 60s.
	AttemptTimeout time.Duration
	// SendTimeout bounds the immediate attempt of [Service.Send], which
	// runs inside the caller's request. Defaults to 10s.
	SendTimeout time.Duration
	// Lease is how long a claimed message stays reserved to its worker; a
	// message whose worker has not reported by then (it crashed) is claimed
	// again. It must exceed AttemptTimeout and SendTimeout by at least 10s,
	// so that a live worker is never overtaken. Defaults to
	// AttemptTimeout + 60s.
	Lease time.Duration
	// MaxAttempts is how many attempts a message gets before it fails.
	// Defaults to 8.
	MaxAttempts int
	// BackoffBase is the delay after the first failed attempt; each further
	// failure doubles it. Defaults to 30s.
	BackoffBase time.Duration
	// BackoffMax caps the delay. Defaults to 1h.
	BackoffMax time.Duration
	// Jitter is the largest fraction by which a delay is randomly
	// lengthened or shortened, in [0, 1). Defaults to 0.2; a negative
	// value means none.
	Jitter float64
}

// withDefaults fills zero fields and checks the result.
func (c DispatchConfig) withDefaults() (DispatchConfig, error) {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	if c.Batch <= 0 {
		c.Batch = 16
	}
	def(&c.Poll, time.Second)
	def(&c.AttemptTimeout, 60*time.Second)
	def(&c.SendTimeout, 10*time.Second)
	def(&c.Lease, c.AttemptTimeout+60*time.Second)
	def(&c.BackoffBase, 30*time.Second)
	def(&c.BackoffMax, time.Hour)
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	switch {
	case c.Jitter == 0:
		c.Jitter = 0.2
	case c.Jitter < 0:
		c.Jitter = 0
	case c.Jitter >= 1:
		return c, fmt.Errorf("notify: jitter %v must be below 1", c.Jitter)
	}
	if c.Lease < max(c.AttemptTimeout, c.SendTimeout)+10*time.Second {
		return c, fmt.Errorf("notify: lease %v must exceed the attempt timeouts (%v, %v) by 10s", c.Lease,
			c.AttemptTimeout, c.SendTimeout)
	}
	return c, nil
}

// Backoff returns the delay before the attempt that follows the failed
// attempt number attempt (1-based): BackoffBase doubled per earlier
// failure, at most BackoffMax, lengthened or shortened by up to Jitter;
// r is a random number in [0, 1) (0.5 gives the exact delay).
func (c DispatchConfig) Backoff(attempt int, r float64) time.Duration {
	d := float64(c.BackoffBase) * math.Pow(2, float64(max(attempt, 1)-1))
	d = min(d, float64(c.BackoffMax))
	d *= 1 + c.Jitter*(2*r-1)
	return time.Duration(d)
}

// Dispatch returns the service's effective dispatch configuration.
func (s *Service) Dispatch() DispatchConfig { return s.cfg }

// Run delivers due messages until ctx is cancelled, then waits for the
// attempts in flight (each bounded by AttemptTimeout) and returns nil.
// Start one Run per process; any number of processes may run it on the
// same database.
func (s *Service) Run(ctx context.Context) error {
	s.log.InfoContext(ctx, "notification dispatcher started", "workers", s.cfg.Workers, "max_attempts", s.cfg.MaxAttempts)
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, s.cfg.Workers)
	done := make(chan struct{}, s.cfg.Workers)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		free := cap(slots) - len(slots)
		claimed := 0
		if free > 0 {
			list, token, err := s.claim(ctx, "", min(free, s.cfg.Batch))
			if err != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "claim due messages", "err", err)
			}
			claimed = len(list)
			for _, m := range list {
				slots <- struct{}{}
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := s.attempt(ctx, m, token, s.cfg.AttemptTimeout); err != nil {
						s.log.ErrorContext(ctx, "record delivery", "id", m.ID, "err", err)
					}
					<-slots
					select {
					case done <- struct{}{}:
					default:
					}
				}()
			}
		}
		if claimed > 0 && claimed == min(free, s.cfg.Batch) {
			continue // there may be more due right now
		}
		timer.Reset(s.cfg.Poll)
		select {
		case <-ctx.Done():
			s.log.InfoContext(ctx, "notification dispatcher stopping")
			return nil
		case <-s.wake:
		case <-done:
		case <-timer.C:
		}
		drain(done)
	}
}

func drain(c chan struct{}) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

// DeliverDue delivers, one after another, every message due now (until a
// claim finds none) and returns how many were sent. It is the
// dispatcher's work without the loop, for commands and tests.
func (s *Service) DeliverDue(ctx context.Context) (int, error) {
	sent := 0
	for {
		list, token, err := s.claim(ctx, "", s.cfg.Batch)
		if err != nil {
			return sent, err
		}
		if len(list) == 0 {
			return sent, nil
		}
		for _, m := range list {
			got, err := s.attempt(ctx, m, token, s.cfg.AttemptTimeout)
			if err != nil {
				return sent, err
			}
			if got.Status == StatusSent {
				sent++
			}
		}
	}
}

// deliverNow claims message id, if it is due and no worker holds it, and
// makes one attempt. It returns nil and no error when it could not claim it.
func (s *Service) deliverNow(ctx context.Context, id string) (*Message, error) {
	list, token, err := s.claim(ctx, id, 1)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return s.attempt(ctx, list[0], token, s.cfg.SendTimeout)
}

// claim leases up to limit due messages (or message id) with a new token.
func (s *Service) claim(ctx context.Context, id string, limit int) ([]*Message, string, error) {
	now := s.now()
	token := ids.Token(12)
	list, err := s.store.Claim(ctx, Claim{Now: now, Until: now.Add(s.cfg.Lease), Token: token, Limit: limit, ID: id})
	if err != nil {
		return nil, "", fmt.Errorf("claim messages: %w", err)
	}
	return list, token, nil
}

// attempt delivers m, leased with token, through its channel within
// timeout and records the outcome. The attempt and its record are not
// cancelled with ctx: a delivery under way is finished and recorded.
func (s *Service) attempt(ctx context.Context, m *Message, token string, timeout time.Duration) (*Message, error) {
	started := s.now()
	ch, ok := s.channels[m.Channel]
	via := m.Channel
	if n, isNamer := ch.(Namer); isNamer {
		via = n.Via()
	}
	m.accept = func(ctx context.Context, p Part) error {
		if p.AcceptedAt.IsZero() {
			p.AcceptedAt = s.now()
		}
		return s.store.AcceptPart(ctx, m.ID, token, p)
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	var err error
	if ok {
		err = ch.Deliver(actx, m)
	} else {
		err = Permanent(fmt.Errorf("no channel %q", m.Channel))
	}
	cancel()
	m.accept = nil
	now := s.now()
	o := Outcome{Attempt: Attempt{Attempt: m.Attempts, Via: via, StartedAt: started, FinishedAt: now}, Via: via,
		ProviderID: m.ProviderID}
	switch {
	case err == nil:
		o.Status, o.SentAt, o.Attempt.Outcome = StatusSent, now, OutcomeSent
	case IsPermanent(err) || m.Attempts >= s.cfg.MaxAttempts:
		o.Status, o.Attempt.Outcome = StatusFailed, OutcomeFailed
	default:
		o.Status, o.Attempt.Outcome = StatusPending, OutcomeRetry
		o.NextAttempt = now.Add(s.cfg.Backoff(m.Attempts, s.rand()))
	}
	if err != nil {
		o.Attempt.Error = truncate(err.Error(), 500)
		s.log.WarnContext(ctx, "message delivery failed", "id", m.ID, "channel", m.Channel, "via", via,
			"attempt", m.Attempts, "outcome", o.Attempt.Outcome, "next", o.NextAttempt, "err", err)
	}
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer fcancel()
	if ferr := s.store.Finish(fctx, m.ID, token, o); ferr != nil {
		if errors.Is(ferr, ErrLeaseLost) {
			s.log.ErrorContext(ctx, "message lease lost during delivery; another worker took it over", "id", m.ID)
		}
		return nil, fmt.Errorf("record delivery of message %s: %w", m.ID, ferr)
	}
	m.Status, m.LastError, m.NextAttemptAt, m.LockedUntil = o.Status, o.Attempt.Error, o.NextAttempt, time.Time{}
	if o.Status == StatusSent {
		m.SentAt, m.Via = o.SentAt, via
	}
	return m, nil
}
