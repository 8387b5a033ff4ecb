package catalogsql

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
)

// AddChange records a change of an item.
func (s *Store) AddChange(ctx context.Context, c *catalog.Change) error {
	fields, err := json.Marshal(c.Fields)
	if err != nil {
		return fmt.Errorf("record change of %s: %w", c.ItemCode, err)
	}
	if string(fields) == "null" {
		fields = []byte("[]")
	}
	var actor any
	if c.ActorID != "" {
		actor = c.ActorID
	}
	_, err = s.c.Exec(ctx, `INSERT INTO catalog_item_changes (id, item_code, version, at, actor_id, actor_name, source, fields)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.ItemCode, c.Version, c.At.UTC(), actor, c.ActorName, string(c.Source), string(fields))
	if err != nil {
		return fmt.Errorf("record change of %s: %w", c.ItemCode, err)
	}
	return nil
}

// FindChanges lists an item's changes, newest first.
func (s *Store) FindChanges(ctx context.Context, itemCode string) ([]*catalog.Change, error) {
	rows, err := s.c.Query(ctx, `SELECT id, item_code, version, at, actor_id, actor_name, source, fields
		FROM catalog_item_changes WHERE item_code = ? ORDER BY version DESC`, itemCode)
	if err != nil {
		return nil, fmt.Errorf("find changes of %s: %w", itemCode, err)
	}
	defer rows.Close()
	var out []*catalog.Change
	for rows.Next() {
		var (
			c      catalog.Change
			actor  sql.NullString
			fields string
		)
		if err := rows.Scan(&c.ID, &c.ItemCode, &c.Version, &c.At, &actor, &c.ActorName, &c.Source, &fields); err != nil {
			return nil, fmt.Errorf("find changes of %s: %w", itemCode, err)
		}
		c.ActorID = actor.String
		if err := json.Unmarshal([]byte(fields), &c.Fields); err != nil {
			return nil, fmt.Errorf("change %s: stored JSON: %w", c.ID, err)
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}
