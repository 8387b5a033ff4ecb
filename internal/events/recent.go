package events

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// recent keeps the open, unmerged events of the duplicate window in memory,
// bucketed by category and position, so that possible duplicates are found
// without a query per report. It starts from the database and follows this
// instance's writes and, through [Service.Follow], the others'. The flag
// it sets is advice to the dispatcher, so a report that another instance
// stored a moment ago may go unflagged.
type recent struct {
	radius float64       // metres
	window time.Duration // the duplicate window
	bucket float64       // bucket size in degrees: the radius at 60° latitude

	mu      sync.Mutex
	loaded  bool
	buckets map[recentKey][]recentEntry
	keys    map[string]recentKey // by event id
	newest  time.Time            // the latest report seen, for pruning
	adds    int
}

type recentKey struct {
	category string
	x, y     int32
}

type recentEntry struct {
	id       string
	lon, lat float64
	at       time.Time
}

func newRecent(radius float64, window time.Duration) *recent {
	return &recent{radius: radius, window: window, bucket: radius / 111320 / 0.5,
		buckets: map[recentKey][]recentEntry{}, keys: map[string]recentKey{}}
}

func (r *recent) key(category string, lon, lat float64) recentKey {
	return recentKey{category, int32(math.Floor(lon / r.bucket)), int32(math.Floor(lat / r.bucket))}
}

// ensure loads the recent open events the first time.
func (r *recent) ensure(ctx context.Context, st Store, now time.Time) error {
	r.mu.Lock()
	loaded := r.loaded
	r.mu.Unlock()
	if loaded {
		return nil
	}
	evs, err := st.Recent(ctx, now.Add(-r.window))
	if err != nil {
		return fmt.Errorf("recent events: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.loaded {
		for _, ev := range evs {
			r.addLocked(ev)
		}
		r.loaded = true
	}
	return nil
}

// find returns the nearest event of ev's category within the radius and
// the window around its report, among the recent ones and those of also
// (the earlier reports of a batch), or "".
func (r *recent) find(ev *Event, also *recent) string {
	best, bestD := "", math.Inf(1)
	for _, x := range []*recent{r, also} {
		if x == nil {
			continue
		}
		x.mu.Lock()
		id, d := x.nearestLocked(ev)
		x.mu.Unlock()
		if d < bestD {
			best, bestD = id, d
		}
	}
	return best
}

// nearestLocked returns the nearest event to ev in r and its distance.
func (r *recent) nearestLocked(ev *Event) (string, float64) {
	best, bestD := "", math.Inf(1)
	lo, hi := ev.ReportedAt.Add(-r.window), ev.ReportedAt.Add(r.window)
	k := r.key(ev.Category, ev.Lon, ev.Lat)
	for dx := int32(-1); dx <= 1; dx++ {
		for dy := int32(-1); dy <= 1; dy++ {
			for _, e := range r.buckets[recentKey{k.category, k.x + dx, k.y + dy}] {
				if e.id == ev.ID || e.at.Before(lo) || e.at.After(hi) {
					continue
				}
				if d := DistanceM(e.lon, e.lat, ev.Lon, ev.Lat); d <= r.radius && d < bestD {
					best, bestD = e.id, d
				}
			}
		}
	}
	return best, bestD
}

// add adds ev (a report of the batch being stored).
func (r *recent) add(ev *Event) {
	r.mu.Lock()
	r.addLocked(ev)
	r.mu.Unlock()
}

// apply follows a change of ev: open and unmerged events are kept, others
// dropped.
func (r *recent) apply(ev *Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !ev.State.Open() || ev.DuplicateOf != "" {
		r.removeLocked(ev.ID)
		return
	}
	if _, ok := r.keys[ev.ID]; !ok {
		r.addLocked(ev)
	}
}

func (r *recent) addLocked(ev *Event) {
	k := r.key(ev.Category, ev.Lon, ev.Lat)
	r.buckets[k] = append(r.buckets[k], recentEntry{ev.ID, ev.Lon, ev.Lat, ev.ReportedAt})
	r.keys[ev.ID] = k
	if ev.ReportedAt.After(r.newest) {
		r.newest = ev.ReportedAt
	}
	if r.adds++; r.adds%4096 == 0 {
		r.pruneLocked()
	}
}

func (r *recent) removeLocked(id string) {
	k, ok := r.keys[id]
	if !ok {
		return
	}
	delete(r.keys, id)
	list := r.buckets[k]
	for i, e := range list {
		if e.id == id {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(r.buckets, k)
	} else {
		r.buckets[k] = list
	}
}

// pruneLocked drops the events reported more than twice the window before
// the newest.
func (r *recent) pruneLocked() {
	cut := r.newest.Add(-2 * r.window)
	for k, list := range r.buckets {
		kept := list[:0]
		for _, e := range list {
			if e.at.Before(cut) {
				delete(r.keys, e.id)
			} else {
				kept = append(kept, e)
			}
		}
		if len(kept) == 0 {
			delete(r.buckets, k)
		} else {
			r.buckets[k] = kept
		}
	}
}

// size returns how many events are kept (for tests).
func (r *recent) size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.keys)
}
