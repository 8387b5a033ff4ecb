package db

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Batcher commits writes from concurrent callers in shared transactions
// (group commit): while one transaction runs, the writes that arrive wait,
// and the first of them then runs them all in the next one, each inside
// its own savepoint. A write whose function fails is rolled back to its
// savepoint and gets its error; the others commit. Every caller returns
// only once its write is committed (or failed), so a write is durable
// before it is acknowledged, and under load a write costs a share of one
// commit instead of a whole one — what makes synchronous durability on
// SQLite fast enough for instant approval.
//
// A function must leave no trace in memory of a failed attempt that would
// matter on a retry: if the shared transaction fails to commit, every
// function of the group is run again alone in a transaction of its own.
type Batcher struct {
	db *DB
	// MaxGroup bounds the writes of one transaction (default 256).
	MaxGroup int

	mu    sync.Mutex
	queue []*batchItem
	busy  bool
}

type batchItem struct {
	fn   func(ctx context.Context, tx *Tx) error
	err  error
	done chan struct{}
	lead chan struct{}
}

// batchTimeout bounds one group's transaction: it must not fail because
// the leading caller went away, since the others wait for it.
const batchTimeout = 30 * time.Second

// NewBatcher returns a batcher on db.
func NewBatcher(db *DB) *Batcher { return &Batcher{db: db, MaxGroup: 256} }

// Do runs fn in a transaction, possibly shared with other callers' writes,
// and returns once that transaction has committed (nil) or fn's error.
func (b *Batcher) Do(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	it := &batchItem{fn: fn, done: make(chan struct{}), lead: make(chan struct{}, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, it)
	if b.busy {
		b.mu.Unlock()
		select {
		case <-it.done:
			return it.err
		case <-it.lead:
		}
	} else {
		b.busy = true
		b.mu.Unlock()
	}
	b.runGroup(ctx)
	<-it.done
	return it.err
}

// runGroup commits one group from the head of the queue, then hands
// leadership to the next waiting caller.
func (b *Batcher) runGroup(ctx context.Context) {
	b.mu.Lock()
	n := min(len(b.queue), max(b.MaxGroup, 1))
	group := b.queue[:n:n]
	b.queue = b.queue[n:]
	b.mu.Unlock()

	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
	defer cancel()
	if len(group) == 1 {
		group[0].err = b.db.WithTx(cctx, func(tx *Tx) error { return group[0].fn(cctx, tx) })
	} else if err := b.db.WithTx(cctx, func(tx *Tx) error { return runSavepoints(cctx, tx, group) }); err != nil {
		for _, it := range group { // the commit failed: each alone
			it.err = b.db.WithTx(cctx, func(tx *Tx) error { return it.fn(cctx, tx) })
		}
	}
	for _, it := range group {
		close(it.done)
	}

	b.mu.Lock()
	if len(b.queue) > 0 {
		b.queue[0].lead <- struct{}{}
	} else {
		b.busy = false
	}
	b.mu.Unlock()
}

// runSavepoints runs each write of a group in its own savepoint of tx,
// rolling back to it when the write fails. Only a failure of the
// savepoint commands themselves fails the transaction.
func runSavepoints(ctx context.Context, tx *Tx, group []*batchItem) error {
	for _, it := range group {
		if _, err := tx.Exec(ctx, `SAVEPOINT batch_item`); err != nil {
			return fmt.Errorf("savepoint: %w", err)
		}
		if it.err = it.fn(ctx, tx); it.err != nil {
			if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT batch_item`); err != nil {
				return fmt.Errorf("rollback to savepoint: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `RELEASE SAVEPOINT batch_item`); err != nil {
			return fmt.Errorf("release savepoint: %w", err)
		}
	}
	return nil
}
