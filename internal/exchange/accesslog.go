package exchange

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// Entry is one entry of the access log: one read of one subject's records
// in one dataset.
type Entry struct {
	Seq         int64 // position in the chain, from 1, assigned by the store
	At          time.Time
	ActorKind   ActorKind
	ActorID     string
	ActorName   string
	Department  string // the reading department's code
	Dataset     string
	SubjectKind SubjectKind
	Subject     string   // the identity number or credit code read
	Fields      []string // the fields returned
	// Records are the record versions returned; empty when the subject
	// has no record in the dataset.
	Records    []RecordRef
	Purpose    string
	LegalBasis string
	PolicyID   string // the policy that allowed the read
	Reference  string // the caller's reference: an application's serial number, a decision's id
	PrevHash   string // hex hash of the previous entry ([GenesisHash] for the first)
	Hash       string // hex SHA-256 over PrevHash's bytes and Canonical()

	// DepartmentName is the reading department's name, filled in by the
	// store's finders for display; it is not part of the chain.
	DepartmentName string
}

// GenesisHash is the hash the first entry's chain starts from: 32 zero
// bytes in hex.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// timeLayout is how an entry's time enters its canonical bytes: UTC with
// microseconds, the precision both databases keep.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// Canonical returns the bytes the entry's hash covers: the canonical JSON
// ([Canonical]) of every field except the hashes and the department's
// display name, the time in UTC with microseconds.
func (e *Entry) Canonical() ([]byte, error) {
	records := make([]any, len(e.Records))
	for i, r := range e.Records {
		records[i] = map[string]any{"id": r.ID, "version": r.Version, "hash": r.Hash}
	}
	fields := e.Fields
	if fields == nil {
		fields = []string{}
	}
	return Canonical(map[string]any{
		"seq":          e.Seq,
		"at":           e.At.UTC().Format(timeLayout),
		"actor_kind":   string(e.ActorKind),
		"actor_id":     e.ActorID,
		"actor_name":   e.ActorName,
		"department":   e.Department,
		"dataset":      e.Dataset,
		"subject_kind": string(e.SubjectKind),
		"subject":      e.Subject,
		"fields":       fields,
		"records":      records,
		"purpose":      e.Purpose,
		"legal_basis":  e.LegalBasis,
		"policy_id":    e.PolicyID,
		"reference":    e.Reference,
	})
}

// ChainHash returns the hex SHA-256 over the 32 bytes of the previous
// entry's hash prev (hex) followed by an entry's canonical bytes.
func ChainHash(prev string, canonical []byte) (string, error) {
	p, err := hex.DecodeString(prev)
	if err != nil || len(p) != sha256.Size {
		return "", fmt.Errorf("chain hash: previous hash %.70q is not 32 bytes of hex", prev)
	}
	h := sha256.New()
	h.Write(p)
	h.Write(canonical)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Seal links the entry to the previous one: it sets PrevHash to prev and
// Hash to the chain hash. The store calls it after assigning Seq.
func (e *Entry) Seal(prev string) error {
	c, err := e.Canonical()
	if err != nil {
		return fmt.Errorf("seal access log entry %d: %w", e.Seq, err)
	}
	h, err := ChainHash(prev, c)
	if err != nil {
		return fmt.Errorf("seal access log entry %d: %w", e.Seq, err)
	}
	e.PrevHash, e.Hash = prev, h
	return nil
}

// EntryFilter selects access log entries, newest first. Zero fields do not
// filter.
type EntryFilter struct {
	SubjectKind SubjectKind
	Subject     string
	Department  string
	Dataset     string
	ActorKind   ActorKind
	Offset      int
	Limit       int // defaults to 50, at most 500
}

// normLimit applies the default and the cap of Limit.
func (f *EntryFilter) normLimit() {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	f.Offset = max(f.Offset, 0)
}
