package exchangesql

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
)

// entryChunk is how many entries one INSERT writes (17 parameters each).
const entryChunk = 100

// AppendEntries implements exchange.Store.
func (s *Store) AppendEntries(ctx context.Context, entries []*exchange.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	return s.db.WithTx(ctx, func(tx *db.Tx) error {
		var seq int64
		var hash string
		// Reading the head locks it: appends queue here, in every
		// instance, and each sees the head the previous one left. On
		// SQLite the transaction holds the database's write lock from its
		// start (BEGIN IMMEDIATE), so a plain read suffices; PostgreSQL
		// needs FOR UPDATE, which in READ COMMITTED waits for the previous
		// append and then returns the row as it committed it.
		q := `SELECT seq, hash FROM exchange_log_head WHERE id = 1`
		if tx.Dialect() == db.Postgres {
			q += ` FOR UPDATE`
		}
		if err := tx.QueryRow(ctx, q).Scan(&seq, &hash); err != nil {
			return fmt.Errorf("lock the access log head: %w", err)
		}
		for _, e := range entries {
			seq++
			e.Seq = seq
			if err := e.Seal(hash); err != nil {
				return err
			}
			hash = e.Hash
		}
		for start := 0; start < len(entries); start += entryChunk {
			if err := insertEntries(ctx, tx, entries[start:min(start+entryChunk, len(entries))]); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE exchange_log_head SET seq = ?, hash = ? WHERE id = 1`, seq, hash); err != nil {
			return fmt.Errorf("move the access log head: %w", err)
		}
		return nil
	})
}

// insertEntries writes sealed entries in one statement.
func insertEntries(ctx context.Context, tx *db.Tx, entries []*exchange.Entry) error {
	args := make([]any, 0, len(entries)*17)
	for _, e := range entries {
		fields, err := jsonText(e.Fields)
		if err != nil {
			return err
		}
		records, err := jsonText(e.Records)
		if err != nil {
			return err
		}
		args = append(args, e.Seq, e.At.UTC(), string(e.ActorKind), e.ActorID, e.ActorName, e.Department, e.Dataset,
			string(e.SubjectKind), e.Subject, fields, records, e.Purpose, e.LegalBasis, e.PolicyID, e.Reference, e.PrevHash, e.Hash)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO exchange_access_log (seq, at, actor_kind, actor_id, actor_name, department,
			dataset, subject_kind, subject, fields, records, purpose, legal_basis, policy_id, reference, prev_hash, hash)
		VALUES `+placeholders(len(entries), 17), args...); err != nil {
		return fmt.Errorf("append to the access log: %w", err)
	}
	return nil
}

const entryColumns = `l.seq, l.at, l.actor_kind, l.actor_id, l.actor_name, l.department, l.dataset, l.subject_kind,
	l.subject, l.fields, l.records, l.purpose, l.legal_basis, l.policy_id, l.reference, l.prev_hash, l.hash`

// scanEntry reads one row of entryColumns, and the department's name when
// withName.
func scanEntry(sc scanner, withName bool) (*exchange.Entry, error) {
	var e exchange.Entry
	var actorKind, subjectKind, fields, records string
	dest := []any{&e.Seq, &e.At, &actorKind, &e.ActorID, &e.ActorName, &e.Department, &e.Dataset, &subjectKind,
		&e.Subject, &fields, &records, &e.Purpose, &e.LegalBasis, &e.PolicyID, &e.Reference, &e.PrevHash, &e.Hash}
	if withName {
		dest = append(dest, &e.DepartmentName)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	e.At = e.At.UTC()
	e.ActorKind, e.SubjectKind = exchange.ActorKind(actorKind), exchange.SubjectKind(subjectKind)
	if err := json.Unmarshal([]byte(fields), &e.Fields); err != nil {
		return nil, fmt.Errorf("access log entry %d fields: %w", e.Seq, err)
	}
	if err := json.Unmarshal([]byte(records), &e.Records); err != nil {
		return nil, fmt.Errorf("access log entry %d records: %w", e.Seq, err)
	}
	return &e, nil
}

// FindEntries implements exchange.Store.
func (s *Store) FindEntries(ctx context.Context, f exchange.EntryFilter) ([]*exchange.Entry, int, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.SubjectKind != "" {
		add("l.subject_kind = ?", string(f.SubjectKind))
	}
	if f.Subject != "" {
		add("l.subject = ?", f.Subject)
	}
	if f.Department != "" {
		add("l.department = ?", f.Department)
	}
	if f.Dataset != "" {
		add("l.dataset = ?", f.Dataset)
	}
	if f.ActorKind != "" {
		add("l.actor_kind = ?", string(f.ActorKind))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM exchange_access_log l`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count access log entries: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.Query(ctx, `SELECT `+entryColumns+`, COALESCE(d.name, '') FROM exchange_access_log l
		LEFT JOIN departments d ON d.code = l.department`+cond+` ORDER BY l.seq DESC LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("find access log entries: %w", err)
	}
	defer rows.Close()
	var out []*exchange.Entry
	for rows.Next() {
		e, err := scanEntry(rows, true)
		if err != nil {
			return nil, 0, fmt.Errorf("find access log entries: %w", err)
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// ScanEntries implements exchange.Store.
func (s *Store) ScanEntries(ctx context.Context, after int64, limit int) ([]*exchange.Entry, error) {
	rows, err := s.db.Query(ctx, `SELECT `+entryColumns+` FROM exchange_access_log l WHERE l.seq > ? ORDER BY l.seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("scan the access log: %w", err)
	}
	defer rows.Close()
	var out []*exchange.Entry
	for rows.Next() {
		e, err := scanEntry(rows, false)
		if err != nil {
			return nil, fmt.Errorf("scan the access log: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// LogHead implements exchange.Store.
func (s *Store) LogHead(ctx context.Context) (int64, string, error) {
	var seq int64
	var hash string
	if err := s.db.QueryRow(ctx, `SELECT seq, hash FROM exchange_log_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
		return 0, "", fmt.Errorf("read the access log head: %w", err)
	}
	return seq, hash, nil
}
