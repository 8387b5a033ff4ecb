package approval

import (
	"context"
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// Evaluation is what evaluating an input gives: the outcome, each rule's
// result, the reads, and the time taken. A decision records it.
type Evaluation struct {
	ItemCode       string
	RuleSetVersion int
	Outcome        Outcome
	Rules          []RuleResult
	Reads          []ReadRecord
	ReadMicros     int64
	EvalMicros     int64
	TotalMicros    int64
	// handover is the hand-over form of an approval.
	handover map[string]string
}

// Corrections returns the checklist of the failed correction rules.
func (e *Evaluation) Corrections() []string {
	var out []string
	for _, r := range e.Rules {
		if r.Result == Fail && r.OnFail == OnFailCorrection {
			if len(r.Items) > 0 {
				out = append(out, r.Items...)
			} else {
				out = append(out, r.Reason)
			}
		}
	}
	return out
}

// FailReasons returns the reasons of the failed rules that reject.
func (e *Evaluation) FailReasons() []string {
	var out []string
	for _, r := range e.Rules {
		if r.Result == Fail && r.OnFail != OnFailCorrection {
			out = append(out, r.Name+"："+r.Reason)
		}
	}
	return out
}

// run evaluates in with prg (version of the item it) against the current
// registries, reading as the item's rule actor with reference ref (the
// access log's reference). A registry that cannot be read is not an
// error: the rules that need it are indeterminate.
func (s *Service) run(ctx context.Context, it *catalog.Item, version int, prg *Program, in *Input, ref string) *Evaluation {
	start := time.Now()
	ev := &Evaluation{ItemCode: it.Code, RuleSetVersion: version}
	m := in.Map()
	plan := prg.Plan(m)
	actor := exchange.RuleActor(it.Department, fmt.Sprintf("%s@%d", it.Code, version), it.Name)
	purpose := exchange.RulePurpose(it.Name)
	data := make(map[string]ReadData, len(plan))
	var reqs []exchange.Request
	var idx []int
	for i, p := range plan {
		rr := ReadRecord{Name: p.Name, Dataset: p.Dataset, Subject: p.Subject, Key: p.Key, Skipped: p.Skipped, Records: []exchange.RecordRef{}}
		switch {
		case p.Skipped:
		case p.Problem != "":
			rr.Unavailable = "无法确定查询对象：" + p.Problem
			data[p.Name] = ReadData{Unavailable: rr.Unavailable}
		default:
			reqs = append(reqs, exchange.Request{Actor: actor, Dataset: p.Dataset, Subject: p.Subject, Key: p.Key,
				Purpose: purpose, LegalBasis: prg.Doc.LegalBasis, Reference: ref})
			idx = append(idx, i)
		}
		ev.Reads = append(ev.Reads, rr)
	}
	if len(reqs) > 0 {
		answers, err := s.d.Registries.ReadMany(ctx, reqs)
		for j, i := range idx {
			rr := &ev.Reads[i]
			var a exchange.Answer
			if err != nil {
				a.Err = err
			} else {
				a = answers[j]
			}
			if a.Err != nil {
				rr.Unavailable = unavailable(a.Err)
				data[rr.Name] = ReadData{Unavailable: rr.Unavailable}
				continue
			}
			rd := ReadData{Records: make([]map[string]string, 0, len(a.Result.Records))}
			for _, rec := range a.Result.Records {
				rd.Records = append(rd.Records, rec.Fields)
				rr.Records = append(rr.Records, rec.Ref())
			}
			rr.LogSeq = a.Result.LogSeq
			data[rr.Name] = rd
		}
		if err != nil {
			s.d.Log.WarnContext(ctx, "registries unavailable for an evaluation", "item", it.Code, "err", err)
		}
	}
	read := time.Now()
	ev.Rules, ev.Outcome, ev.handover = prg.EvaluateWithHandover(m, data)
	done := time.Now()
	ev.ReadMicros, ev.EvalMicros, ev.TotalMicros = read.Sub(start).Microseconds(), done.Sub(read).Microseconds(), done.Sub(start).Microseconds()
	return ev
}

// unavailable is why a read could not be made, for the record.
func unavailable(err error) string {
	if e := errs.As(err); e != nil && e.Kind != errs.Internal {
		return e.Msg
	}
	return "共享数据暂时无法读取"
}

// decision turns an evaluation into a decision record.
func (s *Service) decision(ev *Evaluation, in *Input, appID string) *Decision {
	return &Decision{ID: ids.New(), ItemCode: ev.ItemCode, RuleSetVersion: ev.RuleSetVersion, ApplicationID: appID,
		Outcome: ev.Outcome, Input: *in, Reads: ev.Reads, Rules: ev.Rules, DecidedAt: s.now(),
		ReadMicros: ev.ReadMicros, EvalMicros: ev.EvalMicros, TotalMicros: ev.TotalMicros}
}
