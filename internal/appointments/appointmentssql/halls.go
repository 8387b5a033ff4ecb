package appointmentssql

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// weekdayKeys name the days of the week in the hours JSON, indexed by
// time.Weekday.
var weekdayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// encodeHours writes opening hours as {"mon": ["09:00-12:00"], …}.
func encodeHours(h appointments.Hours) (string, error) {
	m := map[string][]string{}
	for wd, periods := range h {
		for _, p := range periods {
			m[weekdayKeys[wd]] = append(m[weekdayKeys[wd]], p.String())
		}
	}
	b, err := json.Marshal(m)
	return string(b), err
}

// decodeHours reads what encodeHours wrote.
func decodeHours(s string) (appointments.Hours, error) {
	var (
		m map[string][]string
		h appointments.Hours
	)
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return h, fmt.Errorf("decode opening hours: %w", err)
	}
	for wd, key := range weekdayKeys {
		for _, ps := range m[key] {
			p, err := appointments.ParsePeriod(ps)
			if err != nil {
				return h, fmt.Errorf("decode opening hours: %w", err)
			}
			h[wd] = append(h[wd], p)
		}
	}
	return h, nil
}

// SaveHall creates or replaces h with its groups, windows, items and
// closed dates in one transaction, keeping the creation time of an
// existing hall. A group's unknown department is errs.Invalid; a name
// taken by another hall errs.Conflict.
func (s *Store) SaveHall(ctx context.Context, h *appointments.Hall) error {
	hours, err := encodeHours(h.Hours)
	if err != nil {
		return fmt.Errorf("save hall %s: %w", h.Code, err)
	}
	err = s.db.WithTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO appointment_halls (code, name, name_en, address, division_code, phone, hours,
			slot_minutes, per_window, demo, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, address = excluded.address,
			division_code = excluded.division_code, phone = excluded.phone, hours = excluded.hours,
			slot_minutes = excluded.slot_minutes, per_window = excluded.per_window, demo = excluded.demo,
			updated_at = excluded.updated_at`,
			h.Code, h.Name, h.NameEN, h.Address, h.Division, h.Phone, hours, h.SlotMinutes, h.PerWindow, h.Demo,
			h.CreatedAt.UTC(), h.UpdatedAt.UTC()); err != nil {
			return err
		}
		for _, table := range []string{"appointment_windows", "appointment_group_items", "appointment_groups", "appointment_closed_days"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE hall_code = ?`, h.Code); err != nil {
				return err
			}
		}
		return insertHallParts(ctx, tx, h)
	})
	switch {
	case err == nil:
		return nil
	case db.IsForeignKeyViolation(err):
		e := errs.Field("groups", "hall.department_unknown", "业务类别的负责部门不存在", "a group's department does not exist")
		e.Err = err
		return e
	case db.IsUniqueViolation(err):
		e := errs.Field("name", "hall.name_taken", "已有同名的服务大厅："+h.Name, "another hall has this name: "+h.Name)
		e.Kind, e.Err = errs.Conflict, err
		return e
	}
	return fmt.Errorf("save hall %s: %w", h.Code, err)
}

// insertHallParts writes the groups, windows, items and closed dates of h.
func insertHallParts(ctx context.Context, tx *db.Tx, h *appointments.Hall) error {
	for i, g := range h.Groups {
		if _, err := tx.Exec(ctx, `INSERT INTO appointment_groups (hall_code, code, name, department, capacity, position)
			VALUES (?, ?, ?, ?, ?, ?)`, h.Code, g.Code, g.Name, g.Department, g.Capacity, i); err != nil {
			return err
		}
		for _, w := range g.Windows {
			if _, err := tx.Exec(ctx, `INSERT INTO appointment_windows (hall_code, number, name, group_code) VALUES (?, ?, ?, ?)`,
				h.Code, w.Number, w.Name, g.Code); err != nil {
				return err
			}
		}
		for j, it := range g.Items {
			if _, err := tx.Exec(ctx, `INSERT INTO appointment_group_items (hall_code, item_code, group_code, position)
				VALUES (?, ?, ?, ?)`, h.Code, it, g.Code, j); err != nil {
				return err
			}
		}
	}
	for _, c := range h.Closed {
		if _, err := tx.Exec(ctx, `INSERT INTO appointment_closed_days (hall_code, day, reason) VALUES (?, ?, ?)
			ON CONFLICT (hall_code, day) DO NOTHING`, h.Code, string(c.Day), c.Reason); err != nil {
			return err
		}
	}
	return nil
}

// FindHall returns the hall with code.
func (s *Store) FindHall(ctx context.Context, code string) (*appointments.Hall, error) {
	halls, err := s.loadHalls(ctx, code)
	if err != nil {
		return nil, err
	}
	if len(halls) == 0 {
		return nil, hallNotFound(code)
	}
	return halls[0], nil
}

// FindHalls lists every hall by code.
func (s *Store) FindHalls(ctx context.Context) ([]*appointments.Hall, error) {
	return s.loadHalls(ctx, "")
}

// loadHalls reads the hall with code, or every hall when code is "", with
// their parts.
func (s *Store) loadHalls(ctx context.Context, code string) ([]*appointments.Hall, error) {
	hallCond, cond, args := "", "", []any{}
	if code != "" {
		hallCond, cond, args = " WHERE code = ?", " WHERE hall_code = ?", []any{code}
	}
	rows, err := s.db.Query(ctx, `SELECT code, name, name_en, address, division_code, phone, hours, slot_minutes,
		per_window, demo, created_at, updated_at FROM appointment_halls`+hallCond+` ORDER BY code`, args...)
	if err != nil {
		return nil, fmt.Errorf("find halls: %w", err)
	}
	var (
		halls  []*appointments.Hall
		byCode = map[string]*appointments.Hall{}
	)
	for rows.Next() {
		var (
			h     appointments.Hall
			hours string
		)
		if err := rows.Scan(&h.Code, &h.Name, &h.NameEN, &h.Address, &h.Division, &h.Phone, &hours, &h.SlotMinutes,
			&h.PerWindow, &h.Demo, &h.CreatedAt, &h.UpdatedAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan hall: %w", err)
		}
		if h.Hours, err = decodeHours(hours); err != nil {
			rows.Close()
			return nil, fmt.Errorf("hall %s: %w", h.Code, err)
		}
		h.CreatedAt, h.UpdatedAt = h.CreatedAt.UTC(), h.UpdatedAt.UTC()
		halls = append(halls, &h)
		byCode[h.Code] = &h
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find halls: %w", err)
	}
	if len(halls) == 0 {
		return nil, nil
	}
	if err := s.loadParts(ctx, byCode, cond, args); err != nil {
		return nil, err
	}
	return halls, nil
}

// loadParts fills the groups, windows, items and closed dates of halls.
func (s *Store) loadParts(ctx context.Context, halls map[string]*appointments.Hall, cond string, args []any) error {
	groups := map[[2]string]*appointments.Group{}
	err := s.each(ctx, `SELECT hall_code, code, name, department, capacity FROM appointment_groups`+cond+
		` ORDER BY hall_code, position`, args, func(sc scanner) error {
		var (
			hall string
			g    appointments.Group
		)
		if err := sc.Scan(&hall, &g.Code, &g.Name, &g.Department, &g.Capacity); err != nil {
			return err
		}
		if h := halls[hall]; h != nil {
			h.Groups = append(h.Groups, &g)
			groups[[2]string{hall, g.Code}] = &g
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = s.each(ctx, `SELECT hall_code, group_code, number, name FROM appointment_windows`+cond+
		` ORDER BY hall_code, number`, args, func(sc scanner) error {
		var (
			hall, group string
			w           appointments.Window
		)
		if err := sc.Scan(&hall, &group, &w.Number, &w.Name); err != nil {
			return err
		}
		if g := groups[[2]string{hall, group}]; g != nil {
			g.Windows = append(g.Windows, w)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = s.each(ctx, `SELECT hall_code, group_code, item_code FROM appointment_group_items`+cond+
		` ORDER BY hall_code, group_code, position`, args, func(sc scanner) error {
		var hall, group, item string
		if err := sc.Scan(&hall, &group, &item); err != nil {
			return err
		}
		if g := groups[[2]string{hall, group}]; g != nil {
			g.Items = append(g.Items, item)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.each(ctx, `SELECT hall_code, day, reason FROM appointment_closed_days`+cond+
		` ORDER BY hall_code, day`, args, func(sc scanner) error {
		var (
			hall string
			c    appointments.ClosedDay
		)
		if err := sc.Scan(&hall, &c.Day, &c.Reason); err != nil {
			return err
		}
		if h := halls[hall]; h != nil {
			h.Closed = append(h.Closed, c)
		}
		return nil
	})
}

// each runs a query on the read pool and calls fn for every row.
func (s *Store) each(ctx context.Context, q string, args []any, fn func(scanner) error) error {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("query halls: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return fmt.Errorf("scan hall part: %w", err)
		}
	}
	return rows.Err()
}
