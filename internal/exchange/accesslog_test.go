package exchange_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/exchange"
)

// TestEntryCanonical checks that an entry's canonical bytes are the
// canonical JSON of the entry as an object, and that every field the
// chain protects changes them.
func TestEntryCanonical(t *testing.T) {
	t.Parallel()
	e := &exchange.Entry{Seq: 42, At: time.Date(2026, 11, 27, 9, 30, 1, 123456789, time.FixedZone("CST", 8*3600)),
		ActorKind: exchange.ActorClient, ActorID: "hr-system", ActorName: "人社\"系统\"\n", Department: "SZRS",
		Dataset: "education", SubjectKind: exchange.PersonSubject, Subject: "420106200203153452",
		Fields: []string{"id_number", "level"}, Records: []exchange.RecordRef{{ID: "r1", Version: 3, Hash: "h1"}, {ID: "r2", Version: 1, Hash: "h2"}},
		Purpose: "秒批：高校应届毕业生引进入户", LegalBasis: "《条例》", PolicyID: "p1", Reference: "SN-1"}
	records := []any{}
	for _, r := range e.Records {
		records = append(records, map[string]any{"id": r.ID, "version": r.Version, "hash": r.Hash})
	}
	want, err := exchange.Canonical(map[string]any{
		"seq": e.Seq, "at": "2026-11-27T01:30:01.123456Z", "actor_kind": "client", "actor_id": e.ActorID,
		"actor_name": e.ActorName, "department": e.Department, "dataset": e.Dataset, "subject_kind": "person",
		"subject": e.Subject, "fields": e.Fields, "records": records, "purpose": e.Purpose,
		"legal_basis": e.LegalBasis, "policy_id": e.PolicyID, "reference": e.Reference,
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Canonical()
	if err != nil || string(got) != string(want) {
		t.Fatalf("Canonical() =\n%s\nwant\n%s", got, want)
	}
	empty := &exchange.Entry{}
	if got, err := empty.Canonical(); err != nil || !json.Valid(got) {
		t.Errorf("empty entry: %s, %v", got, err)
	}
	for name, change := range map[string]func(e *exchange.Entry){
		"seq": func(e *exchange.Entry) { e.Seq++ }, "at": func(e *exchange.Entry) { e.At = e.At.Add(time.Microsecond) },
		"actor": func(e *exchange.Entry) { e.ActorID = "x" }, "department": func(e *exchange.Entry) { e.Department = "SZGA" },
		"subject": func(e *exchange.Entry) { e.Subject = "x" },
		"fields":  func(e *exchange.Entry) { e.Fields = e.Fields[:1] },
		"version": func(e *exchange.Entry) {
			e.Records = []exchange.RecordRef{{ID: "r1", Version: 4, Hash: "h1"}, e.Records[1]}
		},
		"purpose":   func(e *exchange.Entry) { e.Purpose += "。" },
		"basis":     func(e *exchange.Entry) { e.LegalBasis = "" },
		"policy":    func(e *exchange.Entry) { e.PolicyID = "p2" },
		"reference": func(e *exchange.Entry) { e.Reference = "" },
	} {
		c := *e
		change(&c)
		if b, _ := c.Canonical(); string(b) == string(got) {
			t.Errorf("changing %s leaves the canonical bytes unchanged", name)
		}
	}
	if err := e.Seal(exchange.GenesisHash); err != nil || len(e.Hash) != 64 || e.PrevHash != exchange.GenesisHash {
		t.Errorf("Seal: %v, hash %q", err, e.Hash)
	}
	if err := e.Seal("not hex"); err == nil {
		t.Error("Seal on a malformed previous hash succeeded")
	}
}
