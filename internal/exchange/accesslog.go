package exchange

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
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
// ([Canonical]) of the object with every field except the hashes and the
// department's display name, named actor_id, actor_kind, actor_name, at
// (UTC with microseconds), dataset, department, fields, legal_basis,
// policy_id, purpose, records (objects with hash, id and version),
// reference, seq, subject and subject_kind. It writes the members in that
// (sorted) order directly, without building the object.
func (e *Entry) Canonical() ([]byte, error) {
	b := make([]byte, 0, 512)
	var err error
	str := func(name, v string) {
		if err == nil {
			b = append(b, name...)
			b, err = appendString(b, v)
		}
	}
	str(`{"actor_id":`, e.ActorID)
	str(`,"actor_kind":`, string(e.ActorKind))
	str(`,"actor_name":`, e.ActorName)
	str(`,"at":`, e.At.UTC().Format(timeLayout))
	str(`,"dataset":`, e.Dataset)
	str(`,"department":`, e.Department)
	b = append(b, `,"fields":[`...)
	for i, f := range e.Fields {
		if i > 0 {
			b = append(b, ',')
		}
		str("", f)
	}
	b = append(b, ']')
	str(`,"legal_basis":`, e.LegalBasis)
	str(`,"policy_id":`, e.PolicyID)
	str(`,"purpose":`, e.Purpose)
	b = append(b, `,"records":[`...)
	for i, r := range e.Records {
		if i > 0 {
			b = append(b, ',')
		}
		str(`{"hash":`, r.Hash)
		str(`,"id":`, r.ID)
		b = append(b, `,"version":`...)
		b = strconv.AppendInt(b, int64(r.Version), 10)
		b = append(b, '}')
	}
	b = append(b, ']')
	str(`,"reference":`, e.Reference)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, e.Seq, 10)
	str(`,"subject":`, e.Subject)
	str(`,"subject_kind":`, string(e.SubjectKind))
	b = append(b, '}')
	if err != nil {
		return nil, err
	}
	return b, nil
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
