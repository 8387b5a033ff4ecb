package exchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// ParseLine reads one line of a JSON Lines import: a single JSON object
// whose members are all strings, each name appearing once. It returns the
// members, or every problem found: a line that is not UTF-8, not JSON or
// not an object is one problem without a field; a member that is not a
// string, or that repeats a name, is a problem on that field.
func ParseLine(line []byte) (map[string]string, []*errs.Error) {
	if !utf8.Valid(line) {
		return nil, []*errs.Error{errs.E(errs.Invalid, "exchange.line_utf8", "该行不是有效的 UTF-8 文本", "the line is not valid UTF-8 text")}
	}
	if rec, ok := parseFlat(line); ok {
		return rec, nil
	}
	return parseLineSlow(line)
}

// parseLineSlow is ParseLine for lines the fast path gives up on: it
// finds and names every problem.
func parseLineSlow(line []byte) (map[string]string, []*errs.Error) {
	if !json.Valid(line) {
		return nil, []*errs.Error{errs.E(errs.Invalid, "exchange.line_json", "该行不是有效的 JSON", "the line is not valid JSON")}
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, []*errs.Error{errs.E(errs.Invalid, "exchange.line_object",
			"每行应为一个 JSON 对象，例如 {\"name\": \"…\"}", "each line must be one JSON object, such as {\"name\": \"…\"}")}
	}
	rec := map[string]string{}
	var problems []*errs.Error
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, []*errs.Error{errs.E(errs.Invalid, "exchange.line_json", "该行不是有效的 JSON", "the line is not valid JSON")}
		}
		name, _ := t.(string) // json.Valid guarantees object keys are strings
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, []*errs.Error{errs.E(errs.Invalid, "exchange.line_json", "该行不是有效的 JSON", "the line is not valid JSON")}
		}
		if _, dup := rec[name]; dup {
			problems = append(problems, errs.Field(clip(name, 40), "exchange.field_duplicate",
				fmt.Sprintf("字段 %.40q 在同一行出现了不止一次", name), fmt.Sprintf("field %.40q appears more than once in the line", name)))
			continue
		}
		if raw[0] != '"' {
			problems = append(problems, errWrongType(name, raw))
			rec[name] = ""
			continue
		}
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			problems = append(problems, errWrongType(name, raw))
		}
		rec[name] = v
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return rec, nil
}

// errWrongType says that a member is not a string.
func errWrongType(name string, raw json.RawMessage) *errs.Error {
	zh, en := "数字", "a number"
	switch raw[0] {
	case 'n':
		zh, en = "null", "null"
	case 't', 'f':
		zh, en = "布尔值", "a boolean"
	case '[':
		zh, en = "数组", "an array"
	case '{':
		zh, en = "对象", "an object"
	}
	return errs.Field(clip(name, 40), "exchange.field_type",
		fmt.Sprintf("字段 %.40q 的值应为字符串，实际为%s", name, zh),
		fmt.Sprintf("field %.40q must be a string, not %s", name, en))
}

// parseFlat reads a line that is a JSON object of string members with
// distinct names, the common case, about ten times faster than a JSON
// decoder. It gives up (ok false) on anything else, leaving the line to
// parseLineSlow, so it never accepts a line that parseLineSlow refuses.
// line must be valid UTF-8.
func parseFlat(line []byte) (rec map[string]string, ok bool) {
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return nil, false
	}
	rec = make(map[string]string, 12)
	i = skipSpace(line, i+1)
	if i < len(line) && line[i] == '}' {
		return rec, skipSpace(line, i+1) == len(line)
	}
	for {
		var name, value string
		if name, i, ok = flatString(line, i); !ok {
			return nil, false
		}
		if i = skipSpace(line, i); i >= len(line) || line[i] != ':' {
			return nil, false
		}
		if value, i, ok = flatString(line, skipSpace(line, i+1)); !ok {
			return nil, false
		}
		if _, dup := rec[name]; dup {
			return nil, false
		}
		rec[name] = value
		if i = skipSpace(line, i); i >= len(line) {
			return nil, false
		}
		switch line[i] {
		case ',':
			i = skipSpace(line, i+1)
		case '}':
			return rec, skipSpace(line, i+1) == len(line)
		default:
			return nil, false
		}
	}
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// flatString reads the JSON string starting at b[i] and returns it with
// the index after its closing quote. Strings with escapes are decoded by
// encoding/json.
func flatString(b []byte, i int) (string, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return "", i, false
	}
	escaped := false
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			if !escaped {
				return string(b[i+1 : j]), j + 1, true
			}
			var s string
			if err := json.Unmarshal(b[i:j+1], &s); err != nil {
				return "", j, false
			}
			return s, j + 1, true
		case c == '\\':
			escaped = true
			j++ // the escaped character; \u's digits are checked by json.Unmarshal
		case c < 0x20:
			return "", j, false
		}
	}
	return "", len(b), false
}
