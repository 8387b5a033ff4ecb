package exchange

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Record is one version of a registry record.
type Record struct {
	ID      string // stable across versions
	Dataset string
	Key     string // the value of the dataset's KeyField, unique within the dataset
	Subject string // the value of the dataset's SubjectField
	Version int    // from 1, incremented on every change
	Hash    string // hex SHA-256 of the canonical JSON of Content
	Content map[string]string
	// Source says where the version came from: SourceImport or
	// SourceDemo.
	Source    string
	CreatedAt time.Time // when the record was first loaded
	UpdatedAt time.Time // when this version was loaded
}

// The sources of record versions.
const (
	SourceImport = "import" // a JSON Lines import
	SourceDemo   = "demo"   // the demo seed's synthetic data (演示数据，均为虚构)
)

// Draft is a validated record on its way into the store.
type Draft struct {
	Key     string
	Subject string
	Hash    string // hex SHA-256 of JSON
	JSON    string // the canonical JSON of the record's content
}

// NewDraft returns the draft of a record with the given content: its
// canonical JSON and hash.
func NewDraft(key, subject string, content map[string]string) (*Draft, error) {
	b, err := Canonical(content)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	return &Draft{Key: key, Subject: subject, Hash: hex.EncodeToString(sum[:]), JSON: string(b)}, nil
}

// RecordQuery selects the records of Dataset about Subject; with Key set,
// only the one with that key (none when it is about another subject).
type RecordQuery struct {
	Dataset string
	Subject string
	Key     string
}

// Matches reports whether rec answers the query.
func (q RecordQuery) Matches(rec *Record) bool {
	return rec.Dataset == q.Dataset && rec.Subject == q.Subject && (q.Key == "" || rec.Key == q.Key)
}

// ImportCounts is what a store did with an import's drafts.
type ImportCounts struct {
	Created   int // new records, at version 1
	Updated   int // records whose content changed, at a new version
	Unchanged int // records whose content was the same, version kept
}

// RecordRef points at one version of a record, as decision records and
// the access log do.
type RecordRef struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Hash    string `json:"hash"`
}

// RecordView is a record as a read returns it: its identity and version,
// and only the fields the read was allowed.
type RecordView struct {
	ID        string
	Version   int
	Hash      string // of the whole record, all fields
	UpdatedAt time.Time
	Demo      bool // synthetic demo data
	Fields    map[string]string
}

// Ref returns the reference to the version r shows.
func (r RecordView) Ref() RecordRef { return RecordRef{ID: r.ID, Version: r.Version, Hash: r.Hash} }

// view returns the fields of rec named in fields.
func view(rec *Record, fields []string) RecordView {
	v := RecordView{ID: rec.ID, Version: rec.Version, Hash: rec.Hash, UpdatedAt: rec.UpdatedAt,
		Demo: rec.Source == SourceDemo, Fields: make(map[string]string, len(fields))}
	for _, f := range fields {
		v.Fields[f] = rec.Content[f]
	}
	return v
}
