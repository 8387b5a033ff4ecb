package appointments

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// housekeepingBatch bounds the no-shows and the reminders one run
// handles; the rest wait for the next run.
const housekeepingBatch = 500

// halls caches the halls of a housekeeping run by code; a hall that
// cannot be read is nil, and its code stands for its name.
type halls struct {
	s      *Service
	byCode map[string]*Hall
}

func (hs *halls) get(ctx context.Context, code string) *Hall {
	h, ok := hs.byCode[code]
	if !ok {
		h, _ = hs.s.store.FindHall(ctx, code)
		hs.byCode[code] = h
	}
	return h
}

// MarkNoShows records as no-shows the bookings nobody checked in for whose
// slot ended at or before now, each with its notice to the booker in the
// same transaction, and returns how many it marked. The app's
// housekeeping calls it periodically; several instances may run it at
// once: a booking another instance marked first is skipped.
func (s *Service) MarkNoShows(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	due, err := s.store.DueNoShows(ctx, now, housekeepingBatch)
	if err != nil {
		return 0, fmt.Errorf("mark no-shows: %w", err)
	}
	hs, n := &halls{s: s, byCode: map[string]*Hall{}}, 0
	defer func() {
		if n > 0 {
			s.wake()
		}
	}()
	for _, b := range due {
		ev := &Event{ID: ids.New(), BookingID: b.ID, At: now, Kind: EventNoShow, Detail: "not checked in"}
		msgs := s.notices(ctx, b, hs.get(ctx, b.HallCode), purposeNoShow, "")
		_, err := s.store.Transition(ctx, b.ID, Booked, NoShow, now, ev, msgs...)
		switch {
		case errors.Is(err, ErrStale):
			continue // marked by another instance meanwhile
		case err != nil:
			return n, fmt.Errorf("mark no-show %s: %w", b.ID, err)
		}
		n++
	}
	return n, nil
}

// SendReminders reminds the bookers of slots starting within the policy's
// ReminderBefore after now, once per booking and slot, and returns how
// many it reminded. Each reminder is enqueued in the transaction that
// claims the booking, so of several instances running at once exactly one
// reminds it.
func (s *Service) SendReminders(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	due, err := s.store.DueReminders(ctx, now, now.Add(s.policy.ReminderBefore), housekeepingBatch)
	if err != nil {
		return 0, fmt.Errorf("send reminders: %w", err)
	}
	hs, n := &halls{s: s, byCode: map[string]*Hall{}}, 0
	defer func() {
		if n > 0 {
			s.wake()
		}
	}()
	for _, b := range due {
		msgs := s.notices(ctx, b, hs.get(ctx, b.HallCode), purposeReminder, b.HallCode+":"+strconv.FormatInt(b.StartsAt.Unix(), 10))
		err := s.store.ClaimReminder(ctx, b.ID, b.Slot(), now, msgs...)
		switch {
		case errors.Is(err, ErrStale):
			continue // claimed by another instance, or changed, meanwhile
		case err != nil:
			return n, fmt.Errorf("remind %s: %w", b.ID, err)
		}
		n++
	}
	return n, nil
}

// Housekeeping marks no-shows and sends reminders as of the service's
// clock. The app runs it periodically.
func (s *Service) Housekeeping(ctx context.Context) error {
	now := s.now()
	marked, err := s.MarkNoShows(ctx, now)
	if err != nil {
		return fmt.Errorf("appointments housekeeping: %w", err)
	}
	reminded, err := s.SendReminders(ctx, now)
	if err != nil {
		return fmt.Errorf("appointments housekeeping: %w", err)
	}
	s.log.DebugContext(ctx, "appointments housekeeping", "no_shows", marked, "reminders", reminded)
	return nil
}
