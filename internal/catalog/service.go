package catalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// Service is the catalogue's API: reading departments, items and themes
// (public), editing items (administrators), importing the catalogue, the
// change history and the catalogue's indicators. It is safe for
// concurrent use.
type Service struct {
	store Store
	now   func() time.Time
	log   *slog.Logger

	mu       sync.Mutex
	onChange []func()
}

// NewService returns the catalogue service on store. now defaults to
// time.Now and log to slog.Default().
func NewService(store Store, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: store, now: now, log: log}
}

// OnChange registers fn to be called after every committed change of the
// catalogue (an import that changed something, an edit), e.g. to rebuild a
// search index. fn runs synchronously and must return quickly.
func (s *Service) OnChange(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onChange = append(s.onChange, fn)
}

func (s *Service) changed() {
	s.mu.Lock()
	fns := append([]func(){}, s.onChange...)
	s.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// Departments lists every department by code.
func (s *Service) Departments(ctx context.Context) ([]*Department, error) {
	return s.store.FindDepartments(ctx)
}

// Department returns a department, or errs.NotFound.
func (s *Service) Department(ctx context.Context, code string) (*Department, error) {
	return s.store.FindDepartment(ctx, code)
}

// Item returns the item with code, or errs.NotFound.
func (s *Service) Item(ctx context.Context, code string) (*Item, error) {
	return s.store.FindItem(ctx, code)
}

// Items returns one page of the items matching f and how many match.
func (s *Service) Items(ctx context.Context, f ItemFilter) ([]*Item, int, error) {
	return s.store.FindItems(ctx, f)
}

// Themes lists every theme, person themes first.
func (s *Service) Themes(ctx context.Context) ([]*Theme, error) {
	return s.store.FindThemes(ctx)
}

// Theme returns the theme with code, or errs.NotFound.
func (s *Service) Theme(ctx context.Context, code string) (*Theme, error) {
	return s.store.FindTheme(ctx, code)
}

// Revision returns the catalogue's revision, which increases with every
// change; search indexes compare it to know when to rebuild.
func (s *Service) Revision(ctx context.Context) (int64, error) {
	return s.store.Revision(ctx)
}

// Shares counts the items of department ("" for the whole catalogue) with
// zero trips, at most one trip, fully online and in the first no-meeting
// batch; errs.NotFound for an unknown department.
func (s *Service) Shares(ctx context.Context, department string) (Shares, error) {
	if department != "" {
		if _, err := s.store.FindDepartment(ctx, department); err != nil {
			return Shares{}, err
		}
	}
	sh, err := s.store.CountItems(ctx, department)
	if err != nil {
		return Shares{}, fmt.Errorf("catalogue shares: %w", err)
	}
	sh.Department = department
	return sh, nil
}

// Who may edit the catalogue:
//
//   - a platform admin edits every item;
//   - a department admin edits the items of their own department;
//   - nobody else edits anything, and disabled accounts do nothing.
//
// The same rule decides who reads an item's change history.

// CanEdit reports whether actor may edit it and read its history.
func CanEdit(actor *identity.Account, it *Item) bool {
	if actor == nil || actor.ID == "" || actor.Disabled || !actor.IsStaff() {
		return false
	}
	if actor.HasRole(identity.PlatformAdmin) {
		return true
	}
	return actor.HasRole(identity.DeptAdmin) && actor.Department != "" && actor.Department == it.Department
}

// CanEditAny reports whether actor administers any part of the catalogue.
func CanEditAny(actor *identity.Account) bool {
	return actor != nil && actor.ID != "" && !actor.Disabled && actor.IsStaff() &&
		(actor.HasRole(identity.PlatformAdmin) || actor.HasRole(identity.DeptAdmin) && actor.Department != "")
}

// ErrNotAllowed is returned when the actor may not edit the item.
var ErrNotAllowed = errs.E(errs.Forbidden, "catalog.forbidden", "您无权修改此事项，只有本部门管理员可以修改",
	"You may not edit this item; only administrators of its department can.")

// EditableItems returns one page of the items actor may edit, narrowed by
// f; a department admin's filter is confined to their department.
func (s *Service) EditableItems(ctx context.Context, actor *identity.Account, f ItemFilter) ([]*Item, int, error) {
	if !CanEditAny(actor) {
		return nil, 0, ErrNotAllowed
	}
	if !actor.HasRole(identity.PlatformAdmin) {
		f.Department = actor.Department
	}
	return s.store.FindItems(ctx, f)
}

// History returns the changes of an item, newest first, to those who may
// edit it.
func (s *Service) History(ctx context.Context, actor *identity.Account, code string) ([]*Change, error) {
	it, err := s.store.FindItem(ctx, code)
	if err != nil {
		return nil, err
	}
	if !CanEdit(actor, it) {
		return nil, ErrNotAllowed
	}
	return s.store.FindChanges(ctx, code)
}

// ItemUpdate holds the new values of the fields an administrator edits;
// nil fields are left as they are.
type ItemUpdate struct {
	// Version is the version the administrator saw; when it is not the
	// stored version (someone else saved in between) the update fails
	// with errs.Conflict. 0 skips the check.
	Version           int
	Name              *string
	Materials         *[]Material
	LegalDays         *int
	PromisedDays      *int
	MaxTrips          *int
	OnlineFullProcess *bool
	NoMeetingBatch1   *bool
	FormFields        *[]FormField
	Keywords          *[]string
	Description       *string
}

func (u ItemUpdate) apply(it *Item) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	setInt := func(dst *int, src *int) {
		if src != nil {
			*dst = *src
		}
	}
	set(&it.Name, u.Name)
	set(&it.Description, u.Description)
	setInt(&it.LegalDays, u.LegalDays)
	setInt(&it.PromisedDays, u.PromisedDays)
	setInt(&it.MaxTrips, u.MaxTrips)
	if u.OnlineFullProcess != nil {
		it.OnlineFullProcess = *u.OnlineFullProcess
	}
	if u.NoMeetingBatch1 != nil {
		it.NoMeetingBatch1 = *u.NoMeetingBatch1
	}
	if u.Materials != nil {
		it.Materials = append([]Material(nil), (*u.Materials)...)
	}
	if u.FormFields != nil {
		it.FormFields = append([]FormField(nil), (*u.FormFields)...)
	}
	if u.Keywords != nil {
		it.Keywords = append([]string(nil), (*u.Keywords)...)
	}
}

// ErrStale is returned by UpdateItem when the item changed since the
// administrator loaded it.
var ErrStale = errs.E(errs.Conflict, "catalog.stale", "该事项已被他人修改，请刷新页面后重新编辑",
	"Someone else changed this item in the meantime; reload the page and edit again.")

// errUnchanged ends a transaction that found nothing to change.
var errUnchanged = errors.New("nothing changed")

// UpdateItem applies u to the item with code as actor, who must be allowed
// to edit it ([CanEdit]; otherwise ErrNotAllowed, or errs.NotFound for an
// unknown code). The result must pass [Item.Check] (the first problem is
// returned as an errs.Invalid error naming the field). The change is
// recorded with the fields before and after; an update that changes
// nothing records nothing and returns the item as it is.
func (s *Service) UpdateItem(ctx context.Context, actor *identity.Account, code string, u ItemUpdate) (*Item, error) {
	var out *Item
	changed := false
	err := s.store.InTx(ctx, func(tx Store) error {
		if _, err := tx.BumpRevision(ctx); err != nil {
			return err
		}
		cur, err := tx.FindItem(ctx, code)
		if err != nil {
			return err
		}
		if !CanEdit(actor, cur) {
			return ErrNotAllowed
		}
		if u.Version != 0 && u.Version != cur.Version {
			return ErrStale
		}
		next := cur.Clone()
		u.apply(next)
		if err := next.Validate(); err != nil {
			return err
		}
		fields := diffItems(cur, next)
		if len(fields) == 0 {
			out = cur
			return errUnchanged // rolls back the revision bump
		}
		next.Version, next.UpdatedAt = cur.Version+1, s.now().UTC()
		if err := tx.UpdateItem(ctx, next); err != nil {
			return err
		}
		c := &Change{ID: ids.New(), ItemCode: code, Version: next.Version, At: next.UpdatedAt,
			ActorID: actor.ID, ActorName: actor.DisplayName, Source: ChangeEdit, Fields: fields}
		if err := tx.AddChange(ctx, c); err != nil {
			return err
		}
		out, changed = next, true
		return nil
	})
	if err != nil && !errors.Is(err, errUnchanged) {
		return nil, err
	}
	if changed {
		s.log.InfoContext(ctx, "catalogue item edited", "item", code, "actor", actor.ID, "version", out.Version)
		s.changed()
	}
	return out, nil
}
