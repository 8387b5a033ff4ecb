package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// MaxJSONBytes bounds the request bodies that [DecodeJSON] reads.
const MaxJSONBytes = 1 << 20

// WriteJSON writes v as a JSON response with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	writeJSON(w, status, "application/json", v)
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"status":500,"title":"Internal Server Error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// DecodeJSON reads r's body, at most [MaxJSONBytes], into v. It refuses
// unknown fields and trailing data. Every failure is an errs.Invalid error
// saying what is wrong.
func DecodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, MaxJSONBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return &errs.Error{Kind: errs.Invalid, Code: "json.trailing",
			Msg: "请求正文在 JSON 值之后还有多余内容", MsgEN: "the request body has data after the JSON value", Err: err}
	}
	return nil
}

func jsonError(err error) error {
	var (
		syntax  *json.SyntaxError
		typ     *json.UnmarshalTypeError
		tooBig  *http.MaxBytesError
		invalid = func(code, zh, en string) error {
			return &errs.Error{Kind: errs.Invalid, Code: code, Msg: zh, MsgEN: en, Err: err}
		}
	)
	switch {
	case errors.Is(err, io.EOF):
		return invalid("json.empty", "请求正文为空，应为 JSON", "the request body is empty; JSON was expected")
	case errors.As(err, &tooBig):
		return invalid("json.too_large", "请求正文过大", "the request body is too large")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("json.syntax", "请求正文不是有效的 JSON", "the request body is not valid JSON")
	case errors.As(err, &typ):
		return &errs.Error{Kind: errs.Invalid, Code: "json.type", Field: typ.Field,
			Msg:   "字段 " + typ.Field + " 的类型不正确，应为 " + typ.Type.String(),
			MsgEN: "field " + typ.Field + " has the wrong type; want " + typ.Type.String(), Err: err}
	default:
		// Unknown fields: "json: unknown field \"x\"".
		return invalid("json.invalid", "请求正文无法解析："+err.Error(), "the request body cannot be read: "+err.Error())
	}
}
