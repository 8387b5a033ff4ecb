package exchange

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Request is one read of one subject's records in one dataset.
type Request struct {
	Actor   Actor
	Dataset string
	// Subject is the identity number (person datasets) or credit code
	// (enterprise datasets) whose records are read.
	Subject string
	// Key, if set, narrows the read to the subject's record with this key
	// (e.g. a graduation certificate number in education).
	Key string
	// Fields are the fields wanted; empty means every field the policy
	// allows. Asking for a field the policy does not allow is refused.
	Fields []string
	// Purpose and LegalBasis must match an access policy of the actor's
	// department exactly.
	Purpose    string
	LegalBasis string
	// Reference is the caller's own reference, kept in the log: an
	// application's serial number, a decision's id. Optional.
	Reference string
}

// Result is what a read returns.
type Result struct {
	Dataset string
	Subject string   // normalised
	Fields  []string // the fields each record shows, in schema order
	// Records are the subject's records (current versions) with only
	// Fields; empty when the subject has none in the dataset.
	Records  []RecordView
	PolicyID string // the policy that allowed the read
	LogSeq   int64  // the access log entry that records the read
}

// Found reports whether the read found any record.
func (r *Result) Found() bool { return len(r.Records) > 0 }

// Answer is the outcome of one request of [Service.ReadMany].
type Answer struct {
	Result *Result // nil when Err is set
	// Err is the refusal of this request: errs.Invalid for a malformed
	// request, errs.NotFound for an unknown dataset, errs.Forbidden when
	// no policy allows it.
	Err error
}

// Read performs one read: it checks the request, finds the policy of the
// actor's department that allows it (or returns an errs.Forbidden error
// naming what is missing), reads the current versions of the subject's
// records, appends the read to the access log and only then returns the
// allowed fields. A subject without records is not an error: the result
// has no records (and the read is logged all the same).
func (s *Service) Read(ctx context.Context, req Request) (*Result, error) {
	answers, err := s.ReadMany(ctx, []Request{req})
	if err != nil {
		return nil, err
	}
	return answers[0].Result, answers[0].Err
}

// ReadMany performs several reads, as [Service.Read] does each, with one
// round trip for the records of them all and one append to the log: what
// a rule evaluation that consults several registries calls once per
// decision. answers[i] answers reqs[i]; a refused request does not stop
// the others. The error is for failures that stop them all (the
// database), and then nothing is returned.
func (s *Service) ReadMany(ctx context.Context, reqs []Request) ([]Answer, error) {
	now := s.Now()
	answers := make([]Answer, len(reqs))
	var reads []allowedRead
	var policies policySet
	for i, req := range reqs {
		ds, err := s.checkRequest(&req, now)
		if err == nil && policies == nil {
			if policies, err = s.policies(ctx); err != nil {
				return nil, err
			}
		}
		var r allowedRead
		if err == nil {
			r = allowedRead{index: i, req: req, ds: ds}
			r.policy, r.fields, err = authorize(ds, policies.of(req.Actor.Department, ds.Name), req.Actor.Department,
				req.Fields, req.Purpose, req.LegalBasis, now)
		}
		if err != nil {
			if errs.KindOf(err) == errs.Internal {
				return nil, err
			}
			answers[i].Err = err
			continue
		}
		reads = append(reads, r)
	}
	if len(reads) == 0 {
		return answers, nil
	}
	qs := make([]RecordQuery, len(reads))
	for j, r := range reads {
		qs[j] = RecordQuery{Dataset: r.ds.Name, Subject: r.req.Subject, Key: r.req.Key}
	}
	recs, err := s.store.FindRecords(ctx, qs)
	if err != nil {
		return nil, fmt.Errorf("read records: %w", err)
	}
	entries := make([]*Entry, len(reads))
	for j, r := range reads {
		res := &Result{Dataset: r.ds.Name, Subject: r.req.Subject, Fields: r.fields, PolicyID: r.policy.ID}
		for _, rec := range recs {
			if qs[j].Matches(rec) {
				res.Records = append(res.Records, view(rec, r.fields))
			}
		}
		answers[r.index].Result = res
		entries[j] = s.entry(r.req, r.ds, r.policy, res, now)
	}
	if err := s.appender.append(ctx, entries); err != nil {
		return nil, fmt.Errorf("append to the access log: %w", err)
	}
	for j, r := range reads {
		answers[r.index].Result.LogSeq = entries[j].Seq
	}
	return answers, nil
}

// allowedRead is a request that a policy allows, on its way to the
// records.
type allowedRead struct {
	index  int
	req    Request
	ds     *Dataset
	policy *Policy
	fields []string
}

// entry is the log entry of a read.
func (s *Service) entry(req Request, ds *Dataset, p *Policy, res *Result, now time.Time) *Entry {
	e := &Entry{
		At: now, ActorKind: req.Actor.Kind, ActorID: req.Actor.ID, ActorName: req.Actor.Name,
		Department: req.Actor.Department, Dataset: ds.Name, SubjectKind: ds.Subject, Subject: res.Subject,
		Fields: res.Fields, Records: []RecordRef{}, Purpose: req.Purpose, LegalBasis: req.LegalBasis,
		PolicyID: p.ID, Reference: req.Reference,
	}
	for _, r := range res.Records {
		e.Records = append(e.Records, r.Ref())
	}
	return e
}

// checkRequest validates req in place (normalising subject, key and
// texts) and returns its dataset.
func (s *Service) checkRequest(req *Request, now time.Time) (*Dataset, error) {
	ds, err := s.checkCommon(req)
	if err != nil {
		return nil, err
	}
	if req.Subject, err = checkAs(ds.Field(ds.SubjectField), "subject", req.Subject, now); err != nil {
		return nil, err
	}
	if req.Key != "" {
		if req.Key, err = checkAs(ds.Field(ds.KeyField), "key", req.Key, now); err != nil {
			return nil, err
		}
	}
	return ds, nil
}

// checkCommon validates what every read states besides its subject: the
// actor, the dataset, the fields, the purpose, the legal basis and the
// reference.
func (s *Service) checkCommon(req *Request) (*Dataset, error) {
	if err := req.Actor.validate(); err != nil {
		return nil, err
	}
	ds, err := s.Dataset(req.Dataset)
	if err != nil {
		return nil, err
	}
	var fields []string
	for _, f := range req.Fields {
		if ds.Field(f) == nil {
			e := errUnknownField(ds, f)
			e.Field = "fields"
			return nil, e
		}
	}
	for _, f := range ds.Fields {
		if slices.Contains(req.Fields, f.Name) {
			fields = append(fields, f.Name)
		}
	}
	req.Fields = fields
	if req.Purpose, err = requestText("purpose", req.Purpose, MaxPurpose, "用途", "purpose"); err != nil {
		return nil, err
	}
	if req.LegalBasis, err = requestText("legal_basis", req.LegalBasis, MaxLegalBasis, "法律依据", "legal basis"); err != nil {
		return nil, err
	}
	req.Reference = strings.TrimSpace(req.Reference)
	if utf8.RuneCountInString(req.Reference) > 100 || strings.IndexFunc(req.Reference, unicode.IsControl) >= 0 {
		return nil, errs.Field("reference", "exchange.reference", "业务参考号不能超过100个字符，且不能换行",
			"the reference must have at most 100 characters on one line")
	}
	return ds, nil
}

// checkAs checks a value against a field of the schema, reporting a
// problem on the request's field name instead (subject, key).
func checkAs(f *Field, as, v string, now time.Time) (string, error) {
	norm, e := f.Check(v, now)
	if e != nil {
		e.Field = as
		return "", e
	}
	if norm == "" {
		return "", errs.Field(as, "exchange.value_required",
			fmt.Sprintf("请填写要查询的%s", f.Label), fmt.Sprintf("enter the %s to read", strings.ToLower(f.LabelEN)))
	}
	return norm, nil
}

// requestText checks a read's purpose or legal basis.
func requestText(field, s string, limit int, zh, en string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errs.Field(field, "exchange."+field+"_missing",
			fmt.Sprintf("每次查询都必须说明%s", zh), fmt.Sprintf("every read must state its %s", en))
	}
	return policyText(field, s, limit, zh, en)
}

// VersionRequest is a read of one stored version of a record, as the
// replay of a decision needs.
type VersionRequest struct {
	Actor      Actor
	Dataset    string
	RecordID   string
	Version    int
	Fields     []string
	Purpose    string
	LegalBasis string
	Reference  string
}

// ReadVersion reads one version of a record under the same rules as
// [Service.Read] (policy check, allowed fields only, logged before it
// returns). It returns errs.NotFound when the record or version does not
// exist.
func (s *Service) ReadVersion(ctx context.Context, vr VersionRequest) (*Result, error) {
	now := s.Now()
	req := Request{Actor: vr.Actor, Dataset: vr.Dataset, Fields: vr.Fields,
		Purpose: vr.Purpose, LegalBasis: vr.LegalBasis, Reference: vr.Reference}
	ds, err := s.checkCommon(&req)
	if err != nil {
		return nil, err
	}
	policies, err := s.policies(ctx)
	if err != nil {
		return nil, err
	}
	policy, fields, err := authorize(ds, policies.of(req.Actor.Department, ds.Name), req.Actor.Department,
		req.Fields, req.Purpose, req.LegalBasis, now)
	if err != nil {
		return nil, err
	}
	rec, err := s.store.FindRecordVersion(ctx, ds.Name, vr.RecordID, vr.Version)
	if err != nil {
		return nil, err
	}
	res := &Result{Dataset: ds.Name, Subject: rec.Subject, Fields: fields, PolicyID: policy.ID,
		Records: []RecordView{view(rec, fields)}}
	e := s.entry(req, ds, policy, res, now)
	if err := s.appender.append(ctx, []*Entry{e}); err != nil {
		return nil, fmt.Errorf("append to the access log: %w", err)
	}
	res.LogSeq = e.Seq
	return res, nil
}
