package db

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds each cache: queries are constant strings in
// the stores, but a few are built with a varying number of placeholders.
const maxCachedStatements = 2000

// stmtCache keeps SQLite statements prepared, per query text: parsing a
// statement (the large INSERTs above all) costs more than running it on
// SQLite. Reader statements are prepared on the read pool (database/sql
// prepares them on each connection once). Writer statements are prepared
// on the single writer connection — never while a transaction holds it,
// which would wait for itself: a query first seen inside a transaction
// runs unprepared and is prepared after the commit; later transactions
// use the prepared statement through Tx.StmtContext, which reuses the
// connection's statement. A nil cache (PostgreSQL, whose driver caches
// statements itself) prepares nothing.
type stmtCache struct {
	write, read *sql.DB

	mu      sync.Mutex
	writers map[string]*sql.Stmt
	readers map[string]*sql.Stmt
	pending map[string]bool // writer queries seen in transactions, to prepare
}

func newStmtCache(write, read *sql.DB) *stmtCache {
	return &stmtCache{write: write, read: read, writers: map[string]*sql.Stmt{},
		readers: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// writer returns the prepared writer statement of query, or nil. With
// prepare (outside transactions) it prepares one it lacks; otherwise it
// notes the query for preparePending.
func (c *stmtCache) writer(ctx context.Context, query string, prepare bool) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	st, ok := c.writers[query]
	full := len(c.writers) >= maxCachedStatements
	if !ok && !prepare && !full {
		c.pending[query] = true
	}
	c.mu.Unlock()
	if ok || !prepare || full {
		return st
	}
	return c.add(ctx, c.write, c.writers, query)
}

// reader returns the prepared reader statement of query, preparing it
// the first time; nil when the cache is full or preparing fails (the
// query then runs unprepared and reports its own error).
func (c *stmtCache) reader(ctx context.Context, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	st, ok := c.readers[query]
	full := len(c.readers) >= maxCachedStatements
	c.mu.Unlock()
	if ok || full {
		return st
	}
	return c.add(ctx, c.read, c.readers, query)
}

// add prepares query on d and keeps it in m.
func (c *stmtCache) add(ctx context.Context, d *sql.DB, m map[string]*sql.Stmt, query string) *sql.Stmt {
	st, err := d.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := m[query]; ok { // prepared meanwhile by another goroutine
		st.Close()
		return old
	}
	m[query] = st
	return st
}

// preparePending prepares the writer queries first seen in transactions;
// called once a transaction has released the writer.
func (c *stmtCache) preparePending(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return
	}
	queries := make([]string, 0, len(c.pending))
	for q := range c.pending {
		if _, ok := c.writers[q]; !ok {
			queries = append(queries, q)
		}
	}
	clear(c.pending)
	c.mu.Unlock()
	for _, q := range queries {
		c.add(context.WithoutCancel(ctx), c.write, c.writers, q)
	}
}

// close closes every cached statement.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range []map[string]*sql.Stmt{c.writers, c.readers} {
		for q, st := range m {
			st.Close()
			delete(m, q)
		}
	}
}
