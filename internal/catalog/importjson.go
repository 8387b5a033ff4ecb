package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// jsonDoc is one import file with the offsets of its lines, so that every
// problem can be reported with its line number.
type jsonDoc struct {
	file     string
	data     []byte
	lines    []int // offset of the first byte of each line
	problems *[]ImportProblem
}

func newJSONDoc(file string, data []byte, problems *[]ImportProblem) *jsonDoc {
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		data = append([]byte("   "), data[3:]...) // a BOM; keep the offsets
	}
	d := &jsonDoc{file: file, data: data, lines: []int{0}, problems: problems}
	for i, c := range data {
		if c == '\n' {
			d.lines = append(d.lines, i+1)
		}
	}
	return d
}

// line returns the 1-based line of the byte at off.
func (d *jsonDoc) line(off int) int {
	return sort.Search(len(d.lines), func(i int) bool { return d.lines[i] > off })
}

func (d *jsonDoc) report(record, off int, code, field string, e *errs.Error) {
	*d.problems = append(*d.problems, ImportProblem{File: d.file, Record: record, Line: d.line(off), Code: code, Field: field, Err: e})
}

// jsonValue is a raw JSON value and the offset where it starts in its file.
type jsonValue struct {
	raw json.RawMessage
	off int
}

// skipSpace returns the offset of the first byte at or after off that is
// not white space, a comma or a colon.
func (d *jsonDoc) skipSpace(off int) int {
	for off < len(d.data) && strings.IndexByte(" \t\r\n,:", d.data[off]) >= 0 {
		off++
	}
	return off
}

// array returns the elements of the file's top-level array. A file that
// is not a JSON array is reported and yields nothing.
func (d *jsonDoc) array() []jsonValue {
	dec := json.NewDecoder(bytes.NewReader(d.data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		d.syntax(err, 0, errs.E(errs.Invalid, "import.not_array", "文件内容应为 JSON 数组", "the file must hold a JSON array"))
		return nil
	}
	var out []jsonValue
	for dec.More() {
		start := d.skipSpace(int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			d.syntax(err, start, nil)
			return nil
		}
		out = append(out, jsonValue{raw: raw, off: start})
	}
	if _, err := dec.Token(); err != nil {
		d.syntax(err, int(dec.InputOffset()), nil)
		return nil
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		d.report(0, int(dec.InputOffset()), "", "", errs.E(errs.Invalid, "import.trailing",
			"JSON 数组之后还有多余内容", "there is more data after the JSON array"))
		return nil
	}
	return out
}

// syntax reports a JSON syntax error at its offset, or e when err is not
// one.
func (d *jsonDoc) syntax(err error, off int, e *errs.Error) {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		off = int(se.Offset)
		e = errs.E(errs.Invalid, "import.syntax", "JSON 语法错误："+se.Error(), "JSON syntax error: "+se.Error())
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		off = len(d.data)
		e = errs.E(errs.Invalid, "import.truncated", "文件不完整，JSON 提前结束", "the file ends in the middle of the JSON")
	case e == nil:
		e = errs.E(errs.Invalid, "import.syntax", "JSON 无法解析", "the JSON cannot be read")
	}
	d.report(0, off, "", "", e)
}

// record is one JSON object of an import file being read field by field;
// every problem is reported with the record's number, the line of the
// field and the field's path.
type record struct {
	doc    *jsonDoc
	index  int    // 1-based record number in the file
	prefix string // path of a nested object, e.g. "materials[2]."
	off    int
	code   string // the record's code once read, for messages
	fields map[string]jsonValue
	keys   map[string]int  // offset of each key
	bad    map[string]bool // top-level fields already reported
	failed bool
}

// newRecord reads the members of the object v, reporting unknown and
// repeated fields. It returns nil (after reporting) when v is not an
// object.
func (d *jsonDoc) newRecord(index int, prefix string, v jsonValue, allowed []string, code string) *record {
	r := &record{doc: d, index: index, prefix: prefix, off: v.off, code: code,
		fields: map[string]jsonValue{}, keys: map[string]int{}, bad: map[string]bool{}}
	dec := json.NewDecoder(bytes.NewReader(v.raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		r.problem("", v.off, "import.not_object", "应为 JSON 对象", "must be a JSON object")
		return nil
	}
	type member struct {
		key         string
		raw         json.RawMessage
		keyOff, off int
	}
	var members []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			r.problem("", v.off, "import.syntax", "JSON 无法解析", "the JSON cannot be read")
			return nil
		}
		key, _ := tok.(string)
		keyOff := v.off + int(dec.InputOffset()) - 1
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			r.problem(key, keyOff, "import.syntax", "JSON 无法解析", "the JSON cannot be read")
			return nil
		}
		valOff := d.skipSpace(v.off + int(dec.InputOffset()) - len(raw))
		members = append(members, member{key: key, raw: raw, keyOff: keyOff, off: valOff})
		if key == "code" && r.code == "" {
			_ = json.Unmarshal(raw, &r.code) // for messages; checked when read
		}
	}
	for _, m := range members {
		switch _, dup := r.fields[m.key]; {
		case !slices.Contains(allowed, m.key):
			r.problem(m.key, m.keyOff, "import.unknown_field", "未知字段（可用字段："+strings.Join(allowed, ", ")+"）",
				"unknown field (known fields: "+strings.Join(allowed, ", ")+")")
		case dup:
			r.problem(m.key, m.keyOff, "import.duplicate_field", "字段重复出现", "the field appears twice")
		default:
			r.fields[m.key], r.keys[m.key] = jsonValue{raw: m.raw, off: m.off}, m.keyOff
		}
	}
	return r
}

// problem reports a problem of field (a key of this record, or "") at off.
func (r *record) problem(field string, off int, code, zh, en string) {
	path := strings.TrimSuffix(r.prefix+field, ".")
	what := "字段 " + path + "："
	whatEN := "field " + path + ": "
	if path == "" {
		what, whatEN = "记录", "the record "
	}
	r.doc.report(r.index, off, r.code, path, &errs.Error{Kind: errs.Invalid, Field: path, Code: code, Msg: what + zh, MsgEN: whatEN + en})
	r.bad[topField(field)] = true
	r.failed = true
}

// topField returns the top-level field of a path: materials[2].source →
// materials.
func topField(path string) string {
	if i := strings.IndexAny(path, "[."); i >= 0 {
		return path[:i]
	}
	return path
}

// fieldError reports a domain validation problem, locating it at the
// line of its top-level field.
func (r *record) fieldError(e *errs.Error) {
	top := topField(e.Field)
	if r.bad[top] {
		return // already reported while reading
	}
	off, ok := r.keys[top]
	if !ok {
		off = r.off
	}
	path := r.prefix + e.Field
	r.doc.report(r.index, off, r.code, path, &errs.Error{Kind: errs.Invalid, Field: path, Code: e.Code,
		Msg: "字段 " + path + "：" + e.Msg, MsgEN: "field " + path + ": " + e.MsgEN})
	r.bad[top] = true
	r.failed = true
}

// value returns the raw value of key, reporting it when it is required
// and missing, or null.
func (r *record) value(key string, required bool) (jsonValue, bool) {
	v, ok := r.fields[key]
	switch {
	case !ok && required:
		r.problem(key, r.off, "import.missing_field", "缺失（必填）", "is missing (required)")
		return v, false
	case ok && string(v.raw) == "null":
		r.problem(key, v.off, "import.null", "不能为 null", "must not be null")
		return v, false
	}
	return v, ok
}

func (r *record) wrongType(key string, v jsonValue, zh, en string) {
	r.problem(key, v.off, "import.type", "类型不正确，应为"+zh, "has the wrong type; want "+en)
}

// str reads a string field.
func (r *record) str(key string, required bool) string {
	v, ok := r.value(key, required)
	if !ok {
		return ""
	}
	var s string
	if v.raw[0] != '"' || json.Unmarshal(v.raw, &s) != nil {
		r.wrongType(key, v, "字符串", "a string")
	}
	return s
}

// boolean reads a true/false field.
func (r *record) boolean(key string, required bool) bool {
	v, ok := r.value(key, required)
	if !ok {
		return false
	}
	switch string(v.raw) {
	case "true":
		return true
	case "false":
		return false
	}
	r.wrongType(key, v, "布尔值 true 或 false", "true or false")
	return false
}

// integer reads a whole-number field.
func (r *record) integer(key string, required bool) int {
	v, ok := r.value(key, required)
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(string(v.raw), 10, 32)
	if err != nil {
		r.wrongType(key, v, "整数", "a whole number")
	}
	return int(n)
}

// fen reads an amount of yuan with at most two decimals as fen.
func (r *record) fen(key string, required bool) int64 {
	v, ok := r.value(key, required)
	if !ok {
		return 0
	}
	s := string(v.raw)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || s[0] == '"' || math.IsInf(f, 0) || f > 1e12 || f < -1e12 {
		r.wrongType(key, v, "数字", "a number")
		return 0
	}
	if i := strings.IndexByte(s, '.'); i >= 0 && len(strings.TrimRight(s[i+1:], "0")) > 2 || strings.ContainsAny(s, "eE") {
		r.problem(key, v.off, "import.fee_precision", "金额最多保留两位小数", "has more than two decimals")
		return 0
	}
	return int64(math.Round(f * 100))
}

// strs reads an array of strings.
func (r *record) strs(key string, required bool) []string {
	v, ok := r.value(key, required)
	if !ok {
		return nil
	}
	var ptrs []*string
	if v.raw[0] != '[' || json.Unmarshal(v.raw, &ptrs) != nil {
		r.wrongType(key, v, "字符串数组", "an array of strings")
		return nil
	}
	out := make([]string, 0, len(ptrs))
	for i, p := range ptrs {
		if p == nil {
			r.problem(fmt.Sprintf("%s[%d]", key, i), v.off, "import.null", "不能为 null", "must not be null")
			continue
		}
		out = append(out, *p)
	}
	return out
}

// objects reads an array of objects, each as a nested record with the
// given fields.
func (r *record) objects(key string, required bool, allowed []string) []*record {
	v, ok := r.value(key, required)
	if !ok {
		return nil
	}
	var elems []json.RawMessage
	if v.raw[0] != '[' || json.Unmarshal(v.raw, &elems) != nil {
		r.wrongType(key, v, "对象数组", "an array of objects")
		return nil
	}
	sub := &jsonDoc{file: r.doc.file, data: v.raw, problems: r.doc.problems}
	dec := json.NewDecoder(bytes.NewReader(v.raw))
	_, _ = dec.Token() // '['
	var out []*record
	for i := 0; dec.More(); i++ {
		start := v.off + sub.skipSpace(int(dec.InputOffset()))
		var raw json.RawMessage
		_ = dec.Decode(&raw) // valid: the whole array was decoded above
		nr := r.doc.newRecord(r.index, fmt.Sprintf("%s%s[%d].", r.prefix, key, i), jsonValue{raw: raw, off: start}, allowed, r.code)
		if nr == nil {
			r.failed, r.bad[key] = true, true
			continue
		}
		out = append(out, nr)
	}
	return out
}

// absorb marks the parent's field key failed when a nested record of it
// was, so that its problems are not reported twice.
func (r *record) absorb(key string, children []*record) {
	for _, c := range children {
		if c.failed {
			r.failed, r.bad[key] = true, true
		}
	}
}
