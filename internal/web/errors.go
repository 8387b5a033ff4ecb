package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Problem is an RFC 9457 problem details object, the body of every API
// error response (content type application/problem+json).
type Problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail,omitempty"`
	Code   string         `json:"code,omitempty"`
	Errors []FieldProblem `json:"errors,omitempty"`
}

// FieldProblem names the input field an Invalid error is about.
type FieldProblem struct {
	Field  string `json:"field"`
	Code   string `json:"code,omitempty"`
	Detail string `json:"detail"`
}

// internalError is what users see of errors that are not *errs.Error or
// are of kind Internal.
var internalError = errs.E(errs.Internal, "internal", "服务器内部错误，请稍后再试", "Internal error, please try again later")

// Status returns the HTTP status for err: Invalid 400 (422 when it names a
// field), NotFound 404, Conflict 409, Forbidden 403, Unauthenticated 401,
// TooManyRequests 429, and 500 for Internal and for errors that are not
// *errs.Error.
func Status(err error) int {
	e := errs.As(err)
	if e == nil {
		return http.StatusInternalServerError
	}
	switch e.Kind {
	case errs.Invalid:
		if e.Field != "" {
			return http.StatusUnprocessableEntity
		}
		return http.StatusBadRequest
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Unauthenticated:
		return http.StatusUnauthorized
	case errs.TooManyRequests:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// publicError returns the *errs.Error that may be shown for err, logging
// err when it is internal.
func publicError(r *http.Request, err error) *errs.Error {
	e := errs.As(err)
	if e != nil && e.Kind != errs.Internal {
		return e
	}
	log := envFrom(r.Context()).log
	if errors.Is(err, context.Canceled) {
		log.InfoContext(r.Context(), "request canceled", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	return internalError
}

// WantsJSON reports whether r expects JSON rather than HTML: API paths
// (/api/…) and requests whose Accept header asks for JSON first.
func WantsJSON(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return true
	}
	accept := r.Header.Get("Accept")
	j := strings.Index(accept, "json")
	h := strings.Index(accept, "text/html")
	return j >= 0 && (h < 0 || j < h)
}

// WriteError writes err as the response: problem details when the request
// wants JSON (see [WantsJSON]), otherwise the HTML error page in the user's
// language. For browsers, Unauthenticated on GET redirects to the login page
// with the current address as next.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	if WantsJSON(r) {
		WriteProblem(w, r, err)
		return
	}
	status := Status(err)
	if status == http.StatusUnauthorized && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	e := publicError(r, err)
	if rd := envFrom(r.Context()).renderer; rd != nil {
		rd.errorPage(w, r, Status(e), e)
		return
	}
	writePlainError(w, r, Status(e), e)
}

// WriteProblem writes err as an RFC 9457 problem details response in the
// request's language. Internal errors are logged and shown without details.
func WriteProblem(w http.ResponseWriter, r *http.Request, err error) {
	e := publicError(r, err)
	status := Status(e)
	lang := LangFrom(r.Context())
	p := Problem{
		Type:   "about:blank",
		Title:  http.StatusText(status),
		Status: status,
		Detail: e.Message(lang),
		Code:   e.Code,
	}
	if e.Field != "" {
		p.Errors = []FieldProblem{{Field: e.Field, Code: e.Code, Detail: e.Message(lang)}}
	}
	if status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="pengcheng"`)
	}
	writeJSON(w, status, "application/problem+json", p)
}

// writePlainError is the error page when no renderer is available.
func writePlainError(w http.ResponseWriter, r *http.Request, status int, e *errs.Error) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html><meta charset=utf-8><title>%d</title><p>%s</p>\n",
		status, template.HTMLEscapeString(e.Message(LangFrom(r.Context()))))
}
