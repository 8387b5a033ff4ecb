package approvalweb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// maxCasesBytes bounds the test cases of a test run.
const maxCasesBytes = 256 << 10

// parseCases reads the test run's cases: a JSON array of {"name",
// "input", "want"}, unknown fields refused, each input checked, each
// problem naming its case.
func parseCases(raw string) ([]approval.TestCase, error) {
	if len(raw) > maxCasesBytes {
		return nil, errs.Field("cases", "approval.cases_size", fmt.Sprintf("测试输入过大（不超过 %d KB）", maxCasesBytes>>10),
			fmt.Sprintf("the test inputs are too large (at most %d KB)", maxCasesBytes>>10))
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	var tcs []approval.TestCase
	if err := dec.Decode(&tcs); err != nil {
		return nil, casesError(raw, dec, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errs.Field("cases", "approval.cases_json", "测试输入应为一个 JSON 数组，数组之后不能有其他内容",
			"the test inputs are one JSON array with nothing after it")
	}
	for i := range tcs {
		tc := &tcs[i]
		if tc.Name == "" {
			tc.Name = fmt.Sprintf("#%d", i+1)
		}
		switch tc.Want {
		case "", approval.Approve, approval.Reject, approval.Correction, approval.Manual:
		default:
			return nil, errs.Field("cases", "approval.cases_want",
				fmt.Sprintf("第 %d 个测试输入「%s」的 want 应为 approve、reject、correction 或 manual", i+1, tc.Name),
				fmt.Sprintf("test input %d (%s): want is approve, reject, correction or manual", i+1, tc.Name))
		}
		if err := tc.Input.Check(); err != nil {
			e := errs.As(err)
			if e == nil {
				return nil, fmt.Errorf("test input %d: %w", i+1, err)
			}
			return nil, &errs.Error{Kind: errs.Invalid, Code: e.Code, Field: "cases",
				Msg:   fmt.Sprintf("第 %d 个测试输入「%s」：%s", i+1, tc.Name, e.Msg),
				MsgEN: fmt.Sprintf("test input %d (%s): %s", i+1, tc.Name, e.MsgEN), Err: err}
		}
	}
	return tcs, nil
}

// casesError explains a test run's JSON that cannot be read, with the
// line where reading stopped.
func casesError(raw string, dec *json.Decoder, err error) error {
	off := dec.InputOffset()
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	line := 1 + bytes.Count([]byte(raw[:min(int(off), len(raw))]), []byte("\n"))
	return &errs.Error{Kind: errs.Invalid, Code: "approval.cases_json", Field: "cases",
		Msg:   fmt.Sprintf("测试输入不是有效的 JSON 数组（第 %d 行附近）：%s", line, err),
		MsgEN: fmt.Sprintf("the test inputs are not a valid JSON array (near line %d): %s", line, err), Err: err}
}
