package exchangesql

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// Rows per multi-row statement: 10 parameters a record row keeps a
// statement far below both databases' parameter limits.
const (
	keyChunk    = 500
	recordChunk = 400
	// wholeDataset is the size of import from which the dataset's keys
	// are read in one scan.
	wholeDataset = 5000
	// analyzeAfter is how many records an import writes before the
	// tables' statistics are refreshed on PostgreSQL.
	analyzeAfter = 5000
)

// current is what an import needs of a stored record.
type current struct {
	id      string
	version int
	hash    string
}

// pending is a record version an import writes.
type pending struct {
	id      string
	version int
	draft   *exchange.Draft
}

// ImportRecords implements exchange.Store.
func (s *Store) ImportRecords(ctx context.Context, dataset string, drafts []*exchange.Draft, source string, now time.Time) (exchange.ImportCounts, error) {
	var c exchange.ImportCounts
	now = now.UTC()
	err := s.db.WithTx(ctx, func(tx *db.Tx) error {
		c = exchange.ImportCounts{}
		if _, err := tx.Exec(ctx, `INSERT INTO exchange_imports (dataset, imports, imported_at) VALUES (?, 1, ?)
			ON CONFLICT (dataset) DO UPDATE SET imports = exchange_imports.imports + 1, imported_at = excluded.imported_at`,
			dataset, now); err != nil {
			return fmt.Errorf("lock dataset %s: %w", dataset, err)
		}
		existing, err := loadCurrent(ctx, tx, dataset, drafts)
		if err != nil {
			return err
		}
		var writes []pending
		for _, d := range drafts {
			cur, ok := existing[d.Key]
			p := pending{id: ids.New(), version: 1, draft: d}
			switch {
			case !ok:
				c.Created++
			case cur.hash == d.Hash:
				c.Unchanged++
				continue
			default:
				p.id, p.version = cur.id, cur.version+1
				c.Updated++
			}
			writes = append(writes, p)
		}
		return writeRecords(ctx, tx, dataset, writes, source, now)
	})
	if err != nil {
		if db.IsUniqueViolation(err) {
			return c, errs.E(errs.Conflict, "exchange.import_concurrent",
				"同一数据集的另一次导入同时写入了相同的记录，请重试", "another import of the same dataset wrote the same records at the same time; try again")
		}
		return c, err
	}
	if s.db.Dialect() == db.Postgres && c.Created+c.Updated >= analyzeAfter {
		// A bulk load leaves the planner's statistics behind, and the
		// reads that follow would be planned for an empty table. Failing
		// to refresh them is not a failure of the import, which has
		// committed; autovacuum will refresh them later.
		_, _ = s.db.Exec(ctx, `ANALYZE exchange_records, exchange_record_versions`)
	}
	return c, nil
}

// loadCurrent returns the stored records of dataset with the drafts' keys,
// by key. A large import reads the whole dataset in one pass instead of
// looking keys up in chunks: a scan costs the same whatever the planner
// knows, while a chunked lookup on statistics that predate a bulk load can
// turn into a scan per chunk.
func loadCurrent(ctx context.Context, tx *db.Tx, dataset string, drafts []*exchange.Draft) (map[string]current, error) {
	out := make(map[string]current, len(drafts))
	if len(drafts) >= wholeDataset {
		keys := make(map[string]bool, len(drafts))
		for _, d := range drafts {
			keys[d.Key] = true
		}
		err := scanCurrent(ctx, tx, out, keys, `SELECT record_key, id, version, hash FROM exchange_records WHERE dataset = ?`, dataset)
		return out, err
	}
	for start := 0; start < len(drafts); start += keyChunk {
		part := drafts[start:min(start+keyChunk, len(drafts))]
		args := make([]any, 0, len(part)+1)
		args = append(args, dataset)
		for _, d := range part {
			args = append(args, d.Key)
		}
		if err := scanCurrent(ctx, tx, out, nil, `SELECT record_key, id, version, hash FROM exchange_records
			WHERE dataset = ? AND record_key IN (`+inList(len(part))+`)`, args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scanCurrent adds the rows of the query to out, keeping only the keys in
// keep (all when nil).
func scanCurrent(ctx context.Context, tx *db.Tx, out map[string]current, keep map[string]bool, q string, args ...any) error {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("load current records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var c current
		if err := rows.Scan(&key, &c.id, &c.version, &c.hash); err != nil {
			return fmt.Errorf("load current records: %w", err)
		}
		if keep == nil || keep[key] {
			out[key] = c
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load current records: %w", err)
	}
	return nil
}

// writeRecords upserts the current versions and appends them to the
// version history, in chunks.
func writeRecords(ctx context.Context, tx *db.Tx, dataset string, writes []pending, source string, now time.Time) error {
	for start := 0; start < len(writes); start += recordChunk {
		part := writes[start:min(start+recordChunk, len(writes))]
		recArgs := make([]any, 0, len(part)*10)
		verArgs := make([]any, 0, len(part)*7)
		for _, p := range part {
			recArgs = append(recArgs, p.id, dataset, p.draft.Key, p.draft.Subject, p.version, p.draft.Hash, p.draft.JSON, source, now, now)
			verArgs = append(verArgs, p.id, p.version, p.draft.Subject, p.draft.Hash, p.draft.JSON, source, now)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO exchange_records
			(id, dataset, record_key, subject, version, hash, content, source, created_at, updated_at)
			VALUES `+placeholders(len(part), 10)+`
			ON CONFLICT (dataset, record_key) DO UPDATE SET subject = excluded.subject, version = excluded.version,
				hash = excluded.hash, content = excluded.content, source = excluded.source, updated_at = excluded.updated_at`,
			recArgs...); err != nil {
			return fmt.Errorf("write records: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO exchange_record_versions
			(record_id, version, subject, hash, content, source, created_at) VALUES `+placeholders(len(part), 7),
			verArgs...); err != nil {
			return fmt.Errorf("write record versions: %w", err)
		}
	}
	return nil
}

const recordColumns = `id, dataset, record_key, subject, version, hash, content, source, created_at, updated_at`

// scanRecord reads one row of recordColumns.
func scanRecord(sc scanner) (*exchange.Record, error) {
	var r exchange.Record
	var content string
	if err := sc.Scan(&r.ID, &r.Dataset, &r.Key, &r.Subject, &r.Version, &r.Hash, &content, &r.Source, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(content), &r.Content); err != nil {
		return nil, fmt.Errorf("record %s content: %w", r.ID, err)
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &r, nil
}

// FindRecords implements exchange.Store.
func (s *Store) FindRecords(ctx context.Context, qs []exchange.RecordQuery) ([]*exchange.Record, error) {
	if len(qs) == 0 {
		return nil, nil
	}
	var b strings.Builder
	args := make([]any, 0, 3*len(qs))
	seen := make(map[exchange.RecordQuery]bool, len(qs))
	for _, q := range qs {
		if seen[q] {
			continue
		}
		seen[q] = true
		if len(args) > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString("(dataset = ? AND subject = ?")
		args = append(args, q.Dataset, q.Subject)
		if q.Key != "" {
			b.WriteString(" AND record_key = ?")
			args = append(args, q.Key)
		}
		b.WriteString(")")
	}
	rows, err := s.db.Query(ctx, `SELECT `+recordColumns+` FROM exchange_records WHERE `+b.String()+
		` ORDER BY dataset, subject, record_key`, args...)
	if err != nil {
		return nil, fmt.Errorf("find records: %w", err)
	}
	defer rows.Close()
	var out []*exchange.Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("find records: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find records: %w", err)
	}
	return out, nil
}

// FindRecordVersion implements exchange.Store.
func (s *Store) FindRecordVersion(ctx context.Context, dataset, id string, version int) (*exchange.Record, error) {
	row := s.db.QueryRow(ctx, `SELECT r.id, r.dataset, r.record_key, v.subject, v.version, v.hash, v.content, v.source,
			r.created_at, v.created_at
		FROM exchange_record_versions v JOIN exchange_records r ON r.id = v.record_id
		WHERE r.dataset = ? AND v.record_id = ? AND v.version = ?`, dataset, id, version)
	r, err := scanRecord(row)
	if noRows(err) {
		return nil, errs.E(errs.NotFound, "exchange.version_not_found",
			fmt.Sprintf("数据集 %s 中没有记录 %.40s 的第 %d 版", dataset, id, version),
			fmt.Sprintf("dataset %s has no version %d of record %.40s", dataset, version, id))
	}
	if err != nil {
		return nil, fmt.Errorf("find record version: %w", err)
	}
	return r, nil
}

// CountRecords implements exchange.Store.
func (s *Store) CountRecords(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.Query(ctx, `SELECT dataset, COUNT(*) FROM exchange_records GROUP BY dataset`)
	if err != nil {
		return nil, fmt.Errorf("count records: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var ds string
		var n int
		if err := rows.Scan(&ds, &n); err != nil {
			return nil, fmt.Errorf("count records: %w", err)
		}
		out[ds] = n
	}
	return out, rows.Err()
}
