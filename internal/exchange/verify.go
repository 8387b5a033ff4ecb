package exchange

import (
	"context"
	"fmt"
)

// VerifyReport is the outcome of [Service.VerifyLog].
type VerifyReport struct {
	Entries int64 // entries checked
	HeadSeq int64 // the number of the last entry, according to the log's head
	OK      bool  // the chain is intact
	// FirstBroken is the number of the first entry found altered or
	// missing (0 when OK); Broken is that entry as stored, nil when it is
	// missing.
	FirstBroken int64
	Broken      *Entry
	// Reason says what is wrong, in Chinese and English.
	Reason, ReasonEN string
}

// verifyPage is how many entries VerifyLog reads at a time.
const verifyPage = 2000

// VerifyLog recomputes the access log's hash chain from the first entry to
// the head and reports the first entry that was altered (its hash no
// longer matches its contents, or the next entry was chained to a
// different hash) or removed (a gap in the numbers, or entries missing
// before the head). Entries appended while it runs are not checked.
// progress, if not nil, is called with the number of entries checked so
// far after each page. The error is for failures to read the log; a
// broken chain is reported, not returned as an error.
func (s *Service) VerifyLog(ctx context.Context, progress func(entries int64)) (VerifyReport, error) {
	headSeq, headHash, err := s.store.LogHead(ctx)
	if err != nil {
		return VerifyReport{}, fmt.Errorf("read the access log head: %w", err)
	}
	v := verifier{rep: VerifyReport{HeadSeq: headSeq}, next: 1, prevHash: GenesisHash}
	for end := false; !end && v.next <= headSeq && !v.broken(); {
		page, err := s.store.ScanEntries(ctx, v.next-1, verifyPage)
		if err != nil {
			return v.rep, fmt.Errorf("read the access log: %w", err)
		}
		end = len(page) == 0
		for _, e := range page {
			if e.Seq > headSeq {
				end = true // appended after the head was read
				break
			}
			if !v.check(e) {
				break
			}
		}
		if progress != nil {
			progress(v.rep.Entries)
		}
	}
	if !v.broken() {
		v.finish(headSeq, headHash)
	}
	v.rep.OK = !v.broken()
	return v.rep, nil
}

// verifier walks the chain.
type verifier struct {
	rep      VerifyReport
	next     int64  // the number the next entry must have
	prevHash string // the stored hash of the previous entry
	prev     *Entry
}

func (v *verifier) broken() bool { return v.rep.FirstBroken != 0 }

func (v *verifier) fail(seq int64, e *Entry, zh, en string) {
	v.rep.FirstBroken, v.rep.Broken, v.rep.Reason, v.rep.ReasonEN = seq, e, zh, en
}

// check verifies one entry and reports whether the chain still holds.
func (v *verifier) check(e *Entry) bool {
	if e.Seq != v.next {
		v.fail(v.next, nil, fmt.Sprintf("第 %d 条记录缺失（被删除），之后是第 %d 条", v.next, e.Seq),
			fmt.Sprintf("entry %d is missing (deleted); the next one is %d", v.next, e.Seq))
		return false
	}
	c, err := e.Canonical()
	var h string
	if err == nil {
		h, err = ChainHash(e.PrevHash, c)
	}
	if err != nil || h != e.Hash {
		v.fail(e.Seq, e, fmt.Sprintf("第 %d 条记录的内容与其哈希不符（记录被篡改）", e.Seq),
			fmt.Sprintf("entry %d does not match its hash (it was altered)", e.Seq))
		return false
	}
	if e.PrevHash != v.prevHash {
		// e is consistent with the hash it was chained to, so the previous
		// entry's stored hash is what changed.
		if v.prev == nil {
			v.fail(e.Seq, e, fmt.Sprintf("第 %d 条记录没有链接到链的起点（记录被篡改）", e.Seq),
				fmt.Sprintf("entry %d is not chained to the start of the log (it was altered)", e.Seq))
		} else {
			v.fail(v.prev.Seq, v.prev, fmt.Sprintf("第 %d 条记录的哈希被改动，与第 %d 条记录链接的哈希不符（记录被篡改）", v.prev.Seq, e.Seq),
				fmt.Sprintf("entry %d's hash was changed and no longer matches the hash entry %d was chained to (it was altered)", v.prev.Seq, e.Seq))
		}
		return false
	}
	v.prev, v.prevHash = e, e.Hash
	v.next++
	v.rep.Entries++
	return true
}

// finish compares the end of the chain with the head.
func (v *verifier) finish(headSeq int64, headHash string) {
	switch {
	case v.next <= headSeq:
		v.fail(v.next, nil, fmt.Sprintf("第 %d 至 %d 条记录缺失（被删除）", v.next, headSeq),
			fmt.Sprintf("entries %d to %d are missing (deleted)", v.next, headSeq))
	case v.prevHash != headHash:
		v.fail(headSeq, v.prev, fmt.Sprintf("最后一条记录（第 %d 条）的哈希与日志头记录的哈希不符", headSeq),
			fmt.Sprintf("the last entry (%d) does not match the hash the log's head holds", headSeq))
	}
}
