// Package exchange is data sharing between departments (一库共用): the
// registries that departments own (population, education, enterprises,
// human-resources agencies …), the access policies that say which
// department may read which fields of which registry, for which purpose
// and on which legal basis, and the tamper-evident access log that records
// every read and that citizens and enterprises can read for themselves
// (我的数据使用记录).
//
// The package holds the domain and the [Service]; it does no SQL and no
// HTTP. Storage is the [Store] interface (implemented in exchangesql), and
// the pages and the /api/v1/exchange API live in exchangeweb.
//
// # Datasets and records
//
// A [Dataset] is a registry with a typed schema of [Field]s (dates
// YYYY-MM-DD, 6-digit division codes, resident identity numbers checked by
// identity.ParseIDNumber, credit codes checked by identity.ValidateUSCC,
// enumerations, digit strings and free text). Every record has a key
// (unique within its dataset), a subject (the identity number of the
// person or the credit code of the enterprise it is about, which is what
// reads are by), a version that starts at 1 and increments on every change,
// and the SHA-256 hash of its canonical JSON ([ContentHash]). Every version
// is kept, so a decision can point at exactly the version it used.
//
// Records are loaded by [Service.Import] from JSON Lines files: strict
// (unknown, missing or mistyped fields, invalid values and duplicate keys
// are reported with their line and field), all or nothing (one
// transaction), and idempotent (unchanged records keep their version).
//
// # Reads
//
// Every read names an [Actor] (a rule evaluation, a member of staff or a
// department's system), the dataset, the subject, a purpose and a legal
// basis. [Service.Read] allows it only when an access [Policy] of the
// actor's department covers the dataset, the purpose, the legal basis, the
// fields and the current time, and refuses it otherwise with an error that
// names what is missing. Only the allowed fields are returned, and the
// read is appended to the access log before the data is returned.
//
// # Reading for a decision
//
// An instant-approval rule evaluation reads as [RuleActor] of the
// department that owns the service item, with the purpose
// [RulePurpose](item name) and the legal basis of that department's
// policies, all its registries in one [Service.ReadMany] (one round trip,
// one log append):
//
//	answers, err := svc.ReadMany(ctx, []exchange.Request{
//		{Actor: actor, Dataset: exchange.Population, Subject: idNumber, Purpose: purpose, LegalBasis: basis, Reference: serial},
//		{Actor: actor, Dataset: exchange.Education, Subject: idNumber, Key: certificateNo, Purpose: purpose, LegalBasis: basis, Reference: serial},
//	})
//
// err means the registries could not be read (the database): nothing was
// read or logged. answers[i].Err is a refusal of that request alone:
// errs.Invalid for a malformed subject or key, errs.Forbidden when no
// policy allows it. A result without records means the registry has none.
// Each [RecordView] carries the record's id, version and hash; its
// [RecordView.Ref] is what a decision records, and [Service.ReadVersion]
// reads that exact version again for a replay or an appeal.
//
// # The access log
//
// The log is a hash chain: entry n's hash is SHA-256 over entry n-1's hash
// and entry n's canonical bytes ([Entry.Canonical]). Entries are numbered
// by the database: an append locks the single head row that holds the last
// number and hash, so appends from any number of goroutines and server
// instances form one chain. Appends from concurrent reads in one process
// are committed together (group commit), so a read costs a share of one
// transaction. [Service.VerifyLog] recomputes the chain and reports the
// first entry that was altered or removed.
package exchange
