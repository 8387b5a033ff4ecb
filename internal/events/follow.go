package events

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// feedKeep is how long feed entries are kept: long enough for a follower
// that paused, short enough to keep the table small.
const feedKeep = 10 * time.Minute

// gapWait is how long a follower waits for a missing feed number (a
// transaction that took its number but had not committed when a later
// one was read, on PostgreSQL) before giving it up.
const gapWait = 30 * time.Second

// Follow publishes the changes written by other instances (and by the
// command-line simulation) to this instance's broker, and keeps its cache
// of recent events current, by reading the change feed every interval
// until ctx ends. It starts from the feed's head: changes written before
// it started are not replayed.
func (s *Service) Follow(ctx context.Context, every time.Duration) {
	f := &follower{s: s, gaps: map[int64]time.Time{}}
	var err error
	if f.last, err = s.store.FeedHead(ctx); err != nil && ctx.Err() == nil {
		s.d.Log.ErrorContext(ctx, "event feed head", "err", err)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := f.poll(ctx); err != nil && ctx.Err() == nil {
				s.d.Log.ErrorContext(ctx, "follow event feed", "err", err)
			}
		}
	}
}

// follower is the state of Follow.
type follower struct {
	s    *Service
	last int64
	gaps map[int64]time.Time // numbers skipped, since when
}

// poll reads and publishes the new entries.
func (f *follower) poll(ctx context.Context) error {
	for range 100 {
		also := make([]int64, 0, len(f.gaps))
		for seq, since := range f.gaps {
			if time.Since(since) > gapWait {
				delete(f.gaps, seq)
			} else {
				also = append(also, seq)
			}
		}
		slices.Sort(also)
		entries, err := f.s.store.Feed(ctx, f.last, also, 200)
		if err != nil {
			return fmt.Errorf("read event feed: %w", err)
		}
		fresh := 0
		for _, e := range entries {
			delete(f.gaps, e.Seq)
			if e.Seq > f.last {
				for n := f.last + 1; n < e.Seq; n++ {
					f.gaps[n] = time.Now()
				}
				f.last = e.Seq
				fresh++
			}
			if e.Origin != f.s.origin {
				if err := f.s.replay(ctx, e); err != nil {
					return err
				}
			}
		}
		if fresh < 200 {
			return nil
		}
	}
	return nil
}

// replay publishes one feed entry of another writer.
func (s *Service) replay(ctx context.Context, e FeedEntry) error {
	ids := make([]string, len(e.Changes))
	action := map[string]ActionKind{}
	for i, c := range e.Changes {
		ids[i] = c.ID
		action[c.ID] = c.Action
	}
	evs, err := s.store.EventsByID(ctx, ids)
	if err != nil {
		return fmt.Errorf("events of the feed: %w", err)
	}
	changes := make([]Change, 0, len(evs))
	for _, ev := range evs {
		s.recent.apply(ev)
		changes = append(changes, Change{Action: action[ev.ID], Event: ev, At: e.At})
	}
	s.d.Broker.Publish(changes...)
	return nil
}
