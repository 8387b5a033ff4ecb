// Package approvalsql stores instant-approval rule sets and decisions in
// the platform database, on SQLite and PostgreSQL alike. A decision is
// recorded in one transaction with everything it changes — the
// application and its trace, the hand-over application of the next
// department, the notices (through casessql and notifysql) — and
// concurrent decisions share transactions (db.Batcher), so each is
// durable before it is answered at a fraction of a commit's cost.
package approvalsql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casessql"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/notify/notifysql"
)

// Store implements approval.Store.
type Store struct {
	db    *db.DB
	batch *db.Batcher
}

var _ approval.Store = (*Store)(nil)

// New returns a store on d.
func New(d *db.DB) *Store { return &Store{db: d, batch: db.NewBatcher(d)} }

const rsColumns = `item_code, version, name, source, status, note, created_by, created_by_name, created_at, updated_at,
	tested_at, test_summary, published_by, published_by_name, published_at`

type scanner interface{ Scan(dest ...any) error }

func scanRuleSet(row scanner) (*approval.RuleSet, error) {
	var rs approval.RuleSet
	var status string
	var tested, published sql.NullTime
	err := row.Scan(&rs.ItemCode, &rs.Version, &rs.Name, &rs.Source, &status, &rs.Note, &rs.CreatedBy, &rs.CreatedByName,
		&rs.CreatedAt, &rs.UpdatedAt, &tested, &rs.TestSummary, &rs.PublishedBy, &rs.PublishedByName, &published)
	if err != nil {
		return nil, err
	}
	rs.Status = approval.Status(status)
	rs.CreatedAt, rs.UpdatedAt = rs.CreatedAt.UTC(), rs.UpdatedAt.UTC()
	if tested.Valid {
		rs.TestedAt = tested.Time.UTC()
	}
	if published.Valid {
		rs.PublishedAt = published.Time.UTC()
	}
	return &rs, nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

var errNoRuleSet = errs.E(errs.NotFound, "approval.ruleset_not_found", "秒批规则不存在", "no such rule set")

// CreateRuleSet implements approval.Store.
func (s *Store) CreateRuleSet(ctx context.Context, rs *approval.RuleSet) error {
	_, err := s.db.Exec(ctx, `INSERT INTO approval_rulesets (`+rsColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		rs.ItemCode, rs.Version, rs.Name, rs.Source, string(rs.Status), rs.Note, rs.CreatedBy, rs.CreatedByName,
		rs.CreatedAt.UTC(), rs.UpdatedAt.UTC(), nullTime(rs.TestedAt), rs.TestSummary, rs.PublishedBy, rs.PublishedByName,
		nullTime(rs.PublishedAt))
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "approval.draft_exists", "该事项已有草稿或该版本已存在，请刷新后重试",
			"the item already has a draft or that version; reload and try again")
	}
	if err != nil {
		return fmt.Errorf("insert rule set: %w", err)
	}
	return nil
}

// UpdateDraft implements approval.Store.
func (s *Store) UpdateDraft(ctx context.Context, rs *approval.RuleSet) error {
	res, err := s.db.Exec(ctx, `UPDATE approval_rulesets SET name = ?, source = ?, note = ?, updated_at = ?, tested_at = ?,
		test_summary = ? WHERE item_code = ? AND version = ? AND status = 'draft'`,
		rs.Name, rs.Source, rs.Note, rs.UpdatedAt.UTC(), nullTime(rs.TestedAt), rs.TestSummary, rs.ItemCode, rs.Version)
	if err != nil {
		return fmt.Errorf("update draft: %w", err)
	}
	return oneRow(res, "草稿已发布或已删除，请刷新后重试", "the draft was published or deleted; reload")
}

// DeleteDraft implements approval.Store.
func (s *Store) DeleteDraft(ctx context.Context, itemCode string, version int) error {
	res, err := s.db.Exec(ctx, `DELETE FROM approval_rulesets WHERE item_code = ? AND version = ? AND status = 'draft'`, itemCode, version)
	if err != nil {
		return fmt.Errorf("delete draft: %w", err)
	}
	return oneRow(res, "草稿已发布或已删除，请刷新后重试", "the draft was published or deleted; reload")
}

func oneRow(res sql.Result, zh, en string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("rows affected: %w", err)
	}
	if n != 1 {
		return errs.E(errs.Conflict, "approval.not_draft", zh, en)
	}
	return nil
}

// Publish implements approval.Store.
func (s *Store) Publish(ctx context.Context, itemCode string, version int, by, byName string, at time.Time) error {
	return s.db.WithTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE approval_rulesets SET status = 'published', published_by = ?, published_by_name = ?,
			published_at = ? WHERE item_code = ? AND version = ? AND status = 'draft'`, by, byName, at.UTC(), itemCode, version)
		if err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		if err := oneRow(res, "该版本不是草稿，不能发布", "that version is not a draft"); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE approval_rulesets SET status = 'retired' WHERE item_code = ? AND status = 'published' AND version <> ?`,
			itemCode, version)
		if err != nil {
			return fmt.Errorf("retire the previous version: %w", err)
		}
		return nil
	})
}

// FindRuleSet implements approval.Store.
func (s *Store) FindRuleSet(ctx context.Context, itemCode string, version int) (*approval.RuleSet, error) {
	rs, err := scanRuleSet(s.db.QueryRow(ctx, `SELECT `+rsColumns+` FROM approval_rulesets WHERE item_code = ? AND version = ?`, itemCode, version))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoRuleSet
	}
	if err != nil {
		return nil, fmt.Errorf("find rule set: %w", err)
	}
	return rs, nil
}

// LatestPublished implements approval.Store.
func (s *Store) LatestPublished(ctx context.Context, itemCode string) (*approval.RuleSet, error) {
	rs, err := scanRuleSet(s.db.QueryRow(ctx, `SELECT `+rsColumns+` FROM approval_rulesets WHERE item_code = ? AND status = 'published'
		ORDER BY version DESC LIMIT 1`, itemCode))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoRuleSet
	}
	if err != nil {
		return nil, fmt.Errorf("find published rule set: %w", err)
	}
	return rs, nil
}

// ListRuleSets implements approval.Store.
func (s *Store) ListRuleSets(ctx context.Context, itemCode string) ([]*approval.RuleSet, error) {
	q := `SELECT ` + rsColumns + ` FROM approval_rulesets WHERE item_code = ? ORDER BY version DESC`
	args := []any{itemCode}
	if itemCode == "" {
		q = `SELECT ` + rsColumns + ` FROM approval_rulesets r WHERE version = (SELECT MAX(version) FROM approval_rulesets x
			WHERE x.item_code = r.item_code) ORDER BY item_code`
		args = nil
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list rule sets: %w", err)
	}
	defer rows.Close()
	var out []*approval.RuleSet
	for rows.Next() {
		rs, err := scanRuleSet(rows)
		if err != nil {
			return nil, fmt.Errorf("scan rule set: %w", err)
		}
		out = append(out, rs)
	}
	return out, rows.Err()
}

// Record implements approval.Store.
func (s *Store) Record(ctx context.Context, r *approval.Recording) error {
	serial := r.App.Serial // empty for a new application
	return s.batch.Do(ctx, func(ctx context.Context, tx *db.Tx) error {
		err := record(ctx, tx, r)
		if err != nil { // rolled back: a retry draws the serial numbers again
			r.App.Serial, r.Decision.Serial = serial, ""
			if r.Handover != nil {
				r.Handover.Serial, r.Handover.Origin, r.Transfer.Detail = "", "", ""
			}
		}
		return err
	})
}

// record writes a recording in tx.
func record(ctx context.Context, tx *db.Tx, r *approval.Recording) error {
	app := r.App
	events := r.Events
	if r.Transfer != nil {
		events = events[:len(events)-1] // written once the hand-over has its serial number
	}
	if r.FromVersion == 0 {
		if err := casessql.InsertApplication(ctx, tx, app, events); err != nil {
			return err
		}
	} else if err := casessql.UpdateApplicationTx(ctx, tx, app, r.FromVersion, events); err != nil {
		return err
	}
	if r.Handover != nil {
		r.Handover.Origin = app.Serial
		r.Handover.Form["origin_serial"] = app.Serial
		if err := casessql.InsertApplication(ctx, tx, r.Handover, r.HandoverEvents); err != nil {
			return err
		}
		r.Transfer.Detail = r.Handover.Serial
		if err := casessql.InsertEvents(ctx, tx, []*cases.Event{r.Transfer}); err != nil {
			return err
		}
	}
	r.Decision.Serial = app.Serial
	if err := insertDecision(ctx, tx, r.Decision); err != nil {
		return err
	}
	if r.Notices != nil {
		for _, m := range r.Notices(r) {
			if _, _, err := notifysql.Enqueue(ctx, tx, m); err != nil {
				return fmt.Errorf("enqueue notice: %w", err)
			}
		}
	}
	return nil
}

func insertDecision(ctx context.Context, tx *db.Tx, d *approval.Decision) error {
	in, err := json.Marshal(d.Input)
	if err != nil {
		return fmt.Errorf("encode input: %w", err)
	}
	reads, err := json.Marshal(d.Reads)
	if err != nil {
		return fmt.Errorf("encode reads: %w", err)
	}
	rules, err := json.Marshal(d.Rules)
	if err != nil {
		return fmt.Errorf("encode rules: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO approval_decisions (id, item_code, ruleset_version, application_id, serial, outcome, input,
		reads, rules, decided_at, read_micros, eval_micros, total_micros) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.ItemCode, d.RuleSetVersion, d.ApplicationID, d.Serial, string(d.Outcome), string(in), string(reads),
		string(rules), d.DecidedAt.UTC(), d.ReadMicros, d.EvalMicros, d.TotalMicros)
	if err != nil {
		return fmt.Errorf("insert decision: %w", err)
	}
	return nil
}

const decisionColumns = `id, item_code, ruleset_version, COALESCE(application_id, ''), serial, outcome, input, reads, rules,
	decided_at, read_micros, eval_micros, total_micros`

func scanDecision(row scanner) (*approval.Decision, error) {
	var d approval.Decision
	var outcome, in, reads, rules string
	err := row.Scan(&d.ID, &d.ItemCode, &d.RuleSetVersion, &d.ApplicationID, &d.Serial, &outcome, &in, &reads, &rules,
		&d.DecidedAt, &d.ReadMicros, &d.EvalMicros, &d.TotalMicros)
	if err != nil {
		return nil, err
	}
	d.Outcome, d.DecidedAt = approval.Outcome(outcome), d.DecidedAt.UTC()
	for _, c := range []struct {
		src string
		dst any
	}{{in, &d.Input}, {reads, &d.Reads}, {rules, &d.Rules}} {
		if err := json.Unmarshal([]byte(c.src), c.dst); err != nil {
			return nil, fmt.Errorf("decision %s: stored JSON: %w", d.ID, err)
		}
	}
	return &d, nil
}

// FindDecision implements approval.Store.
func (s *Store) FindDecision(ctx context.Context, id string) (*approval.Decision, error) {
	d, err := scanDecision(s.db.QueryRow(ctx, `SELECT `+decisionColumns+` FROM approval_decisions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "approval.decision_not_found", "审批决定不存在", "no such decision")
	}
	if err != nil {
		return nil, fmt.Errorf("find decision: %w", err)
	}
	return d, nil
}

// FindDecisions implements approval.Store.
func (s *Store) FindDecisions(ctx context.Context, applicationID string) ([]*approval.Decision, error) {
	rows, err := s.db.Query(ctx, `SELECT `+decisionColumns+` FROM approval_decisions WHERE application_id = ?
		ORDER BY decided_at, id`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("find decisions: %w", err)
	}
	defer rows.Close()
	var out []*approval.Decision
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, fmt.Errorf("scan decision: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
