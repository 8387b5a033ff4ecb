package appointments

import (
	"context"
	"fmt"
	"time"
)

// reminderBatch bounds the reminders one run sends.
const reminderBatch = 500

// MarkNoShows records as no-shows the bookings nobody checked in for whose
// slot ended at or before now, tells their bookers, and returns how many
// it marked. The app's housekeeping calls it periodically; several
// instances may run it at once.
func (s *Service) MarkNoShows(ctx context.Context, now time.Time) (int, error) {
	list, err := s.store.MarkNoShows(ctx, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("mark no-shows: %w", err)
	}
	halls := map[string]*Hall{}
	for _, b := range list {
		h, ok := halls[b.HallCode]
		if !ok {
			h, _ = s.store.FindHall(ctx, b.HallCode)
			halls[b.HallCode] = h
		}
		s.send(ctx, b, h, purposeNoShow)
	}
	return len(list), nil
}

// SendReminders reminds the bookers of slots starting within the policy's
// ReminderBefore after now, once per booking, and returns how many it
// reminded.
func (s *Service) SendReminders(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	list, err := s.store.ClaimReminders(ctx, now, now.Add(s.policy.ReminderBefore), reminderBatch)
	if err != nil {
		return 0, fmt.Errorf("send reminders: %w", err)
	}
	halls := map[string]*Hall{}
	for _, b := range list {
		h, ok := halls[b.HallCode]
		if !ok {
			h, _ = s.store.FindHall(ctx, b.HallCode)
			halls[b.HallCode] = h
		}
		s.send(ctx, b, h, purposeReminder)
	}
	return len(list), nil
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
