package exchange

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// LineError is one problem of an import file.
type LineError struct {
	Line  int    // from 1
	Field string // the field at fault; empty for the whole line
	Code  string // the problem's code, e.g. exchange.value_enum
	Msg   string // Chinese
	MsgEN string // English
}

// Message returns the problem in lang ("en", or Chinese for anything
// else), prefixed with its line.
func (e LineError) Message(lang string) string {
	if lang == "en" {
		return fmt.Sprintf("line %d: %s", e.Line, e.MsgEN)
	}
	return fmt.Sprintf("第 %d 行：%s", e.Line, e.Msg)
}

// ImportReport says what an import did, or why it did nothing.
type ImportReport struct {
	Dataset string
	Lines   int // lines read, blank ones included
	Records int // records in the file
	// Created, Updated and Unchanged count what was applied; all zero when
	// the file had errors.
	Created, Updated, Unchanged int
	// Errors lists the problems, by line, at most MaxImportErrors of them;
	// BadLines counts every line that had one.
	Errors   []LineError
	BadLines int
	Duration time.Duration
}

// Limits of imports.
const (
	// MaxImportErrors is how many problems a report lists.
	MaxImportErrors = 1000
	// MaxLineBytes is the longest line an import file may have.
	MaxLineBytes = 1 << 20
	// progressEvery is how many lines pass between progress calls.
	progressEvery = 1000
)

// Import loads a JSON Lines file into dataset: one object per line with
// exactly the dataset's fields, every value a string (blank lines are
// skipped). The file is checked completely first; if any line is bad,
// nothing is applied and the error is an errs.Invalid error, with every
// problem in the report by line and field (unknown, missing, repeated or
// mistyped fields, invalid values, a record key that an earlier line
// already had). Otherwise all records are applied in one transaction:
// new keys are created at version 1, changed records get their next
// version, identical ones keep theirs, so importing the same file twice
// changes nothing. Records absent from the file are kept.
//
// progress, if not nil, is called with the number of lines read so far,
// every thousand lines and at the end of the file.
func (s *Service) Import(ctx context.Context, dataset string, r io.Reader, progress func(lines int)) (ImportReport, error) {
	return s.importFrom(ctx, dataset, r, progress, SourceImport)
}

// importFrom is Import recording source on the versions written.
func (s *Service) importFrom(ctx context.Context, dataset string, r io.Reader, progress func(int), source string) (ImportReport, error) {
	start := time.Now()
	rep := ImportReport{Dataset: dataset}
	ds, err := s.Dataset(dataset)
	if err != nil {
		return rep, err
	}
	drafts, err := s.readDrafts(ds, r, &rep, progress)
	if err != nil {
		return rep, err
	}
	if rep.BadLines > 0 {
		rep.Duration = time.Since(start)
		return rep, errs.E(errs.Invalid, "exchange.import_invalid",
			fmt.Sprintf("导入文件有 %d 行有误，未导入任何记录", rep.BadLines),
			fmt.Sprintf("%d lines of the file are invalid; nothing was imported", rep.BadLines))
	}
	counts, err := s.store.ImportRecords(ctx, ds.Name, drafts, source, s.Now())
	if err != nil {
		return rep, fmt.Errorf("import %s: %w", ds.Name, err)
	}
	rep.Created, rep.Updated, rep.Unchanged = counts.Created, counts.Updated, counts.Unchanged
	rep.Duration = time.Since(start)
	s.log.InfoContext(ctx, "exchange import", "dataset", ds.Name, "records", rep.Records,
		"created", rep.Created, "updated", rep.Updated, "unchanged", rep.Unchanged, "duration", rep.Duration)
	return rep, nil
}

// readDrafts reads and checks every line, collecting problems in rep.
func (s *Service) readDrafts(ds *Dataset, r io.Reader, rep *ImportReport, progress func(int)) ([]*Draft, error) {
	now := s.Now()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	seen := map[string]int{} // key → line
	var drafts []*Draft
	for sc.Scan() {
		rep.Lines++
		line := bytes.TrimSpace(sc.Bytes())
		if rep.Lines == 1 {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		if progress != nil && rep.Lines%progressEvery == 0 {
			progress(rep.Lines)
		}
		if len(line) == 0 {
			continue
		}
		rep.Records++
		d, problems := parseRecord(ds, line, now)
		if len(problems) == 0 {
			if first, dup := seen[d.Key]; dup {
				problems = []*errs.Error{errs.Field(ds.KeyField, "exchange.key_duplicate",
					fmt.Sprintf("与第 %d 行的记录重复（%s = %s）", first, ds.KeyField, d.Key),
					fmt.Sprintf("repeats the record of line %d (%s = %s)", first, ds.KeyField, d.Key))}
			} else {
				seen[d.Key] = rep.Lines
				drafts = append(drafts, d)
			}
		}
		rep.addProblems(rep.Lines, problems)
	}
	if err := sc.Err(); err != nil {
		if !errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("read import file: %w", err)
		}
		rep.addProblems(rep.Lines+1, []*errs.Error{errs.E(errs.Invalid, "exchange.line_long",
			fmt.Sprintf("该行超过 %d 字节，文件未读完", MaxLineBytes),
			fmt.Sprintf("the line is longer than %d bytes; the rest of the file was not read", MaxLineBytes))})
	}
	if progress != nil {
		progress(rep.Lines)
	}
	return drafts, nil
}

// parseRecord turns one non-blank line into a draft.
func parseRecord(ds *Dataset, line []byte, now time.Time) (*Draft, []*errs.Error) {
	raw, problems := ParseLine(line)
	if len(problems) > 0 {
		return nil, problems
	}
	rec, problems := ds.Validate(raw, now)
	if len(problems) > 0 {
		return nil, problems
	}
	d, err := NewDraft(rec[ds.KeyField], rec[ds.SubjectField], rec)
	if err != nil {
		return nil, []*errs.Error{errs.E(errs.Invalid, "exchange.line_utf8", "该行不是有效的 UTF-8 文本", "the line is not valid UTF-8 text")}
	}
	return d, nil
}

// addProblems records the problems of one line.
func (rep *ImportReport) addProblems(line int, problems []*errs.Error) {
	if len(problems) == 0 {
		return
	}
	rep.BadLines++
	for _, p := range problems {
		if len(rep.Errors) >= MaxImportErrors {
			return
		}
		rep.Errors = append(rep.Errors, LineError{Line: line, Field: p.Field, Code: p.Code, Msg: p.Msg, MsgEN: p.MsgEN})
	}
}
