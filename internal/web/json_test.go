package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	type input struct {
		Name string `json:"name"`
		Age  int    `json:"age"`
	}
	tests := []struct {
		name  string
		body  string
		code  string // "" for success
		field string
	}{
		{name: "ok", body: `{"name":"张三","age":30}`},
		{name: "empty", body: ``, code: "json.empty"},
		{name: "syntax", body: `{"name":`, code: "json.syntax"},
		{name: "bad syntax", body: `{name}`, code: "json.syntax"},
		{name: "wrong type", body: `{"age":"thirty"}`, code: "json.type", field: "age"},
		{name: "unknown field", body: `{"nick":"x"}`, code: "json.invalid"},
		{name: "trailing data", body: `{"name":"a"} {"name":"b"}`, code: "json.trailing"},
		{name: "too large", body: `{"name":"` + strings.Repeat("a", MaxJSONBytes) + `"}`, code: "json.too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(tt.body))
			var v input
			err := DecodeJSON(r, &v)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("DecodeJSON: %v", err)
				}
				if v.Name != "张三" || v.Age != 30 {
					t.Errorf("decoded %+v", v)
				}
				return
			}
			e := errs.As(err)
			if e == nil || e.Kind != errs.Invalid || e.Code != tt.code || e.Field != tt.field {
				t.Errorf("error = %#v, want Invalid %q field %q", err, tt.code, tt.field)
			}
			if e != nil && (e.Msg == "" || e.MsgEN == "") {
				t.Errorf("error lacks a message in both languages: %#v", e)
			}
		})
	}
}

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	WriteJSON(w, 201, map[string]string{"名": "<值>"})
	if w.Code != 201 || w.Header().Get("Content-Type") != "application/json" {
		t.Errorf("status %d, content type %q", w.Code, w.Header().Get("Content-Type"))
	}
	if got, want := w.Body.String(), "{\"名\":\"\\u003c值\\u003e\"}\n"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
}

func TestClientOf(t *testing.T) {
	t.Parallel()
	tests := []struct{ remote, want string }{
		{"192.0.2.1:1234", "192.0.2.1"},
		{"[2001:db8::1]:443", "2001:db8::1"},
		{"pipe", "pipe"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		r.Header.Set("User-Agent", "test-agent")
		c := ClientOf(r)
		if c.IP != tt.want || c.UserAgent != "test-agent" {
			t.Errorf("ClientOf(%q) = %+v, want IP %q", tt.remote, c, tt.want)
		}
	}
}
