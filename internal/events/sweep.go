package events

import (
	"context"
	"fmt"
	"time"
)

// sweepPage is how many overdue events one sweep transaction escalates.
const sweepPage = 500

// Sweep escalates every open event whose escalation time is at or before
// now, one level up its grid chain per escalation time passed (so a
// sweeper that was stopped for a day catches up to where the timers say
// each event should be), and marks them overdue. It returns how many
// escalations it made. Each event's change is conditional on its version:
// an event changed meanwhile (by a person, or by a sweep on another
// instance) is left for the next sweep, so sweeping twice escalates once.
// The platform's housekeeping calls it every minute.
func (s *Service) Sweep(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC().Truncate(time.Microsecond)
	if err := s.store.TrimFeed(ctx, now.Add(-feedKeep)); err != nil {
		return 0, fmt.Errorf("trim the event feed: %w", err)
	}
	total := 0
	for range 1000 {
		evs, err := s.store.DueForEscalation(ctx, now, sweepPage)
		if err != nil {
			return total, fmt.Errorf("events due for escalation: %w", err)
		}
		if len(evs) == 0 {
			return total, nil
		}
		w := &work{s: s, actor: Sweeper, now: now, items: map[string]*Item{}, orig: map[string]int{}}
		for _, ev := range evs {
			w.track(ev)
			w.items[ev.ID].Optional = true
			for !ev.EscalateAt.IsZero() && !ev.EscalateAt.After(now) && ev.Escalation < len(ev.Chain)-1 {
				st := &Step{Action: ActEscalate, From: ev.State, To: ev.State, At: now,
					Note: fmt.Sprintf("超过时限（应于 %s 前办结），自动升级 / overdue (due %s), escalated automatically",
						ev.DueAt.In(chinaTime).Format("2006-01-02 15:04"), ev.DueAt.In(chinaTime).Format("2006-01-02 15:04"))}
				if err := w.escalate(ctx, ev, now, st); err != nil {
					return total, err
				}
				w.step(ev, st)
			}
		}
		if err := w.commit(ctx); err != nil {
			return total, err
		}
		written := 0
		for _, it := range w.order {
			if !it.Skipped && len(it.Steps) > 0 {
				written++
				total += len(it.Steps)
			}
		}
		if len(evs) < sweepPage || written == 0 {
			return total, nil
		}
	}
	return total, nil
}
