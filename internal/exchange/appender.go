package exchange

import (
	"context"
	"sync"
	"time"
)

// appender commits access log entries in groups: while one transaction
// appends, the requests that arrive wait in a queue, and the first of them
// then appends them all in the next transaction. A request returns only
// once its entries are committed, so a read is durable in the log before
// its data is returned; under load a read costs a share of one
// transaction instead of a whole one.
type appender struct {
	store Store

	mu    sync.Mutex
	queue []*appendRequest
	busy  bool // a leader is appending
}

// appendRequest is one caller's entries waiting to be committed.
type appendRequest struct {
	entries []*Entry
	err     error
	done    chan struct{} // closed once committed or failed
	lead    chan struct{} // signalled when this request is to lead the next group
}

// Limits of one group.
const (
	maxGroupEntries = 512
	appendTimeout   = 30 * time.Second
)

func newAppender(store Store) *appender { return &appender{store: store} }

// append commits entries to the log, possibly together with other
// callers' entries, and returns once they are committed.
func (a *appender) append(ctx context.Context, entries []*Entry) error {
	req := &appendRequest{entries: entries, done: make(chan struct{}), lead: make(chan struct{}, 1)}
	a.mu.Lock()
	a.queue = append(a.queue, req)
	if a.busy {
		a.mu.Unlock()
		select {
		case <-req.done:
			return req.err
		case <-req.lead:
		}
	} else {
		a.busy = true
		a.mu.Unlock()
	}
	a.lead(ctx)
	<-req.done
	return req.err
}

// lead commits one group from the head of the queue (which holds the
// caller's own request), then hands leadership to the next waiting
// request, if any.
func (a *appender) lead(ctx context.Context) {
	a.mu.Lock()
	n, count := 0, 0
	for n < len(a.queue) && (n == 0 || count+len(a.queue[n].entries) <= maxGroupEntries) {
		count += len(a.queue[n].entries)
		n++
	}
	group := a.queue[:n:n]
	a.queue = a.queue[n:]
	a.mu.Unlock()

	// The group's transaction must not fail because the leader's own
	// caller went away: the others are waiting for it.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), appendTimeout)
	defer cancel()
	all := make([]*Entry, 0, count)
	for _, r := range group {
		all = append(all, r.entries...)
	}
	err := a.store.AppendEntries(cctx, all)
	if err != nil && len(group) > 1 {
		// One bad request must not fail the others: try each alone.
		for _, r := range group {
			r.err = a.store.AppendEntries(cctx, r.entries)
		}
	} else {
		for _, r := range group {
			r.err = err
		}
	}
	for _, r := range group {
		close(r.done)
	}

	a.mu.Lock()
	if len(a.queue) > 0 {
		a.queue[0].lead <- struct{}{}
	} else {
		a.busy = false
	}
	a.mu.Unlock()
}
