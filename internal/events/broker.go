package events

import (
	"sync"
	"sync/atomic"
)

// Broker fans the service's changes out to subscribers (the live stream of
// the command-centre map) in this process. Publishing never blocks: a
// subscriber whose buffer is full misses changes, and its Dropped count
// says how many, so it can reload.
type Broker struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

// NewBroker returns a broker without subscribers.
func NewBroker() *Broker { return &Broker{subs: map[*Subscription]struct{}{}} }

// Subscription receives changes on C until Close.
type Subscription struct {
	C       <-chan Change
	c       chan Change
	b       *Broker
	dropped atomic.Int64
	once    sync.Once
}

// Subscribe returns a subscription buffering up to buffer changes.
func (b *Broker) Subscribe(buffer int) *Subscription {
	ch := make(chan Change, max(buffer, 1))
	s := &Subscription{C: ch, c: ch, b: b}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return s
}

// Subscribers returns how many subscriptions are open.
func (b *Broker) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// Publish sends the changes to every subscriber that has room.
func (b *Broker) Publish(changes ...Change) {
	if len(changes) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		for _, c := range changes {
			select {
			case s.c <- c:
			default:
				s.dropped.Add(1)
			}
		}
	}
}

// Dropped returns how many changes the subscription missed.
func (s *Subscription) Dropped() int64 { return s.dropped.Load() }

// Close ends the subscription and closes C.
func (s *Subscription) Close() {
	s.once.Do(func() {
		s.b.mu.Lock()
		delete(s.b.subs, s)
		close(s.c)
		s.b.mu.Unlock()
	})
}
