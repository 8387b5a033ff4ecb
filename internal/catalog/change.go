package catalog

import (
	"bytes"
	"encoding/json"
	"time"
)

// ChangeSource says how an item changed.
type ChangeSource string

// The sources of changes.
const (
	ChangeImport ChangeSource = "import" // by [Service.Import]
	ChangeEdit   ChangeSource = "edit"   // by an administrator, [Service.UpdateItem]
)

// Change is one recorded change of an item: who, when, how, and each
// changed field's value before and after.
type Change struct {
	ID        string
	ItemCode  string
	Version   int // the item's version after the change; 1 for its creation
	At        time.Time
	ActorID   string // empty for the system (imports from the command line or the demo)
	ActorName string // the actor's display name when the change was made
	Source    ChangeSource
	// Fields are the changed fields in a fixed order; a creation lists
	// every field with an empty Before.
	Fields []FieldChange
}

// Created reports whether the change created the item.
func (c *Change) Created() bool { return c.Version == 1 }

// FieldChange is one field's value before and after a change, as JSON.
type FieldChange struct {
	Field  string          `json:"field"` // the item field's JSON name, e.g. materials
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// itemFields returns an item's fields in a fixed order as name and JSON
// value, the unit of change history.
func itemFields(it *Item) [][2]any {
	return [][2]any{
		{"name", it.Name},
		{"department", it.Department},
		{"category", it.Category},
		{"applicant", it.Applicants},
		{"max_trips", it.MaxTrips},
		{"online_full_process", it.OnlineFullProcess},
		{"no_meeting_batch1", it.NoMeetingBatch1},
		{"legal_days", it.LegalDays},
		{"promised_days", it.PromisedDays},
		{"fee_yuan", it.FeeYuan()},
		{"materials", nonNilSlice(it.Materials)},
		{"themes", nonNilSlice(it.Themes)},
		{"keywords", nonNilSlice(it.Keywords)},
		{"description", it.Description},
		{"form_fields", nonNilSlice(it.FormFields)},
	}
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// diffItems returns the fields whose values differ between before and
// after; a nil before lists every field of after.
func diffItems(before, after *Item) []FieldChange {
	af := itemFields(after)
	var bf [][2]any
	if before != nil {
		bf = itemFields(before)
	}
	var out []FieldChange
	for i, f := range af {
		a := mustJSON(f[1])
		var b json.RawMessage
		if bf != nil {
			b = mustJSON(bf[i][1])
			if bytes.Equal(a, b) {
				continue
			}
		}
		out = append(out, FieldChange{Field: f[0].(string), Before: b, After: a})
	}
	return out
}

// mustJSON encodes values of the item's own types, which always encode.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("catalog: encode item field: " + err.Error())
	}
	return b
}
