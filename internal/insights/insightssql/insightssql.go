// Package insightssql runs the aggregate queries of the rankings,
// recommendations and public indicators over the applications table, on
// SQLite and PostgreSQL alike. Every query groups and counts in the
// database, on the indexes of migrations 00006 and 00008; none reads the
// applications one by one.
//
// Two things differ between the dialects and are chosen by [db.Dialect]:
// the seconds between two timestamps, and the China-time day of a
// timestamp. On SQLite, timestamps are stored as Go writes them
// ("2026-03-02 01:00:00.5 +0000 UTC", always UTC here), which sort
// correctly as text and whose first 19 characters SQLite's date functions
// read; on PostgreSQL they are TIMESTAMPTZ.
package insightssql

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/insights"
)

// Store implements insights.Store on a *db.DB.
type Store struct{ db *db.DB }

var _ insights.Store = (*Store)(nil)

// New returns a store on d.
func New(d *db.DB) *Store { return &Store{db: d} }

// submittedIn selects the applications submitted in a window (drafts,
// never submitted, are not applications yet).
const submittedIn = `submitted_at >= ? AND submitted_at < ? AND state <> 'draft'`

// onlineChannel is true for applications submitted through the web portal
// or the mobile app.
const onlineChannel = `channel IN ('online', 'mobile')`

// ItemCounts implements insights.Store.
func (s *Store) ItemCounts(ctx context.Context, w insights.Window, department string, limit int) ([]insights.ItemCount, error) {
	q := `SELECT item_code, COUNT(*) AS n FROM applications WHERE ` + submittedIn
	args := []any{w.From.UTC(), w.To.UTC()}
	if department != "" {
		q += ` AND department = ?`
		args = append(args, department)
	}
	q += ` GROUP BY item_code ORDER BY n DESC, item_code`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("count applications by item: %w", err)
	}
	defer rows.Close()
	var out []insights.ItemCount
	for rows.Next() {
		var c insights.ItemCount
		if err := rows.Scan(&c.ItemCode, &c.Applications); err != nil {
			return nil, fmt.Errorf("count applications by item: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CoApplicants implements insights.Store. The pairs are found from the
// applicants of item (index applications_item) through each applicant's
// other applications (index applications_number); each other item's own
// applicants are counted on applications_item.
func (s *Store) CoApplicants(ctx context.Context, item string, w insights.Window) (insights.CoCounts, error) {
	var c insights.CoCounts
	from, to := w.From.UTC(), w.To.UTC()
	err := s.db.QueryRow(ctx, `SELECT COUNT(DISTINCT applicant_number),
		COUNT(DISTINCT CASE WHEN item_code = ? THEN applicant_number END)
		FROM applications WHERE `+submittedIn, item, from, to).Scan(&c.Applicants, &c.WithItem)
	if err != nil {
		return c, fmt.Errorf("count applicants: %w", err)
	}
	if c.WithItem == 0 {
		return c, nil
	}
	rows, err := s.db.Query(ctx, `WITH x AS (
			SELECT DISTINCT applicant_number FROM applications WHERE item_code = ? AND `+submittedIn+`
		), pairs AS (
			SELECT b.item_code, COUNT(DISTINCT b.applicant_number) AS both_n
			FROM x JOIN applications b ON b.applicant_number = x.applicant_number
			WHERE b.item_code <> ? AND b.submitted_at >= ? AND b.submitted_at < ? AND b.state <> 'draft'
			GROUP BY b.item_code
		)
		SELECT p.item_code, p.both_n,
			(SELECT COUNT(DISTINCT c.applicant_number) FROM applications c
			 WHERE c.item_code = p.item_code AND c.submitted_at >= ? AND c.submitted_at < ? AND c.state <> 'draft')
		FROM pairs p`, item, from, to, item, from, to, from, to)
	if err != nil {
		return c, fmt.Errorf("count co-applicants of %s: %w", item, err)
	}
	defer rows.Close()
	for rows.Next() {
		var o insights.CoCount
		if err := rows.Scan(&o.ItemCode, &o.Both, &o.WithItem); err != nil {
			return c, fmt.Errorf("count co-applicants of %s: %w", item, err)
		}
		c.Others = append(c.Others, o)
	}
	return c, rows.Err()
}

// Precedences implements insights.Store: each applicant's first
// application per item, paired with their later firsts.
func (s *Store) Precedences(ctx context.Context, items []string, w insights.Window) ([]insights.Precedence, error) {
	if len(items) < 2 {
		return nil, nil
	}
	args := make([]any, 0, len(items)+2)
	for _, it := range items {
		args = append(args, it)
	}
	args = append(args, w.From.UTC(), w.To.UTC())
	in := strings.TrimSuffix(strings.Repeat("?, ", len(items)), ", ")
	rows, err := s.db.Query(ctx, `WITH f AS (
			SELECT applicant_number, item_code, MIN(submitted_at) AS t FROM applications
			WHERE item_code IN (`+in+`) AND `+submittedIn+`
			GROUP BY applicant_number, item_code
		)
		SELECT x.item_code, y.item_code, COUNT(*) FROM f x
		JOIN f y ON y.applicant_number = x.applicant_number AND x.t < y.t
		GROUP BY x.item_code, y.item_code
		ORDER BY x.item_code, y.item_code`, args...)
	if err != nil {
		return nil, fmt.Errorf("order of items: %w", err)
	}
	defer rows.Close()
	var out []insights.Precedence
	for rows.Next() {
		var p insights.Precedence
		if err := rows.Scan(&p.First, &p.Then, &p.Applicants); err != nil {
			return nil, fmt.Errorf("order of items: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// History implements insights.Store: per item, the latest application's
// state, the first and latest submission and the count.
func (s *Store) History(ctx context.Context, a insights.Applicant, w insights.Window) ([]insights.Applied, error) {
	var who []string
	var args []any
	if a.AccountID != "" {
		who, args = append(who, "applicant_account = ?"), append(args, a.AccountID)
	}
	if a.Number != "" {
		who, args = append(who, "applicant_number = ?"), append(args, a.Number)
	}
	if len(who) == 0 {
		return nil, nil
	}
	args = append(args, w.From.UTC(), w.To.UTC())
	rows, err := s.db.Query(ctx, `SELECT item_code, state, first_at, submitted_at, n FROM (
			SELECT item_code, state, submitted_at,
				MIN(submitted_at) OVER (PARTITION BY item_code) AS first_at,
				COUNT(*) OVER (PARTITION BY item_code) AS n,
				ROW_NUMBER() OVER (PARTITION BY item_code ORDER BY submitted_at DESC, id DESC) AS rn
			FROM applications WHERE (`+strings.Join(who, " OR ")+`) AND `+submittedIn+`
		) h WHERE rn = 1 ORDER BY submitted_at DESC, item_code`, args...)
	if err != nil {
		return nil, fmt.Errorf("applicant's history: %w", err)
	}
	defer rows.Close()
	var out []insights.Applied
	for rows.Next() {
		var h insights.Applied
		if err := rows.Scan(&h.ItemCode, &h.State, (*anyTime)(&h.First), (*anyTime)(&h.Latest), &h.Application); err != nil {
			return nil, fmt.Errorf("applicant's history: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// anyTime scans a timestamp that SQLite returns as text from an
// expression (whose column type it does not know) as well as a time.Time.
type anyTime time.Time

// goTimeLayout is how Go's time.Time.String writes the times stored on
// SQLite.
const goTimeLayout = "2006-01-02 15:04:05.999999999 -0700 MST"

// Scan implements sql.Scanner.
func (t *anyTime) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		*t = anyTime(v.UTC())
		return nil
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	}
	return fmt.Errorf("timestamp: cannot scan %T", v)
}

func (t *anyTime) parse(s string) error {
	for _, layout := range []string{goTimeLayout, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05"} {
		if v, err := time.Parse(layout, s); err == nil {
			*t = anyTime(v.UTC())
			return nil
		}
	}
	return fmt.Errorf("timestamp: cannot read %q", s)
}

var _ sql.Scanner = (*anyTime)(nil)
