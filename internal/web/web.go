// Package web is the shell every Pengcheng module's web adapter plugs into:
// the [Handler] type and its error rendering (RFC 9457 problem details for
// APIs, an HTML error page for browsers), JSON helpers, the request context
// (account, session, language), cookies, the middleware stack built by
// [NewServer] (recover, request log, Prometheus metrics, security headers,
// session, language, CSRF, bearer tokens), health and metrics endpoints, and
// the [Renderer] that draws pages inside the shared layout with message
// catalogs in Simplified Chinese and English.
//
// # Pages
//
// A module embeds its page files and registers them as a [TemplateSet]. A
// page file NAME.html defines the blocks "title" and "content" and is
// addressed as "module/NAME". Pages see a view with .Data (the page's own
// struct), .Account, .Lang, .CSRF, .Path and .Flash, and the functions
// described at [Renderer].
//
// # Errors
//
// A [Handler] returns an error instead of writing one. An *errs.Error is
// shown with its message in the user's language and the status of its kind;
// any other error is logged and shown as an internal error without details.
package web

import (
	"net/http"
)

// Handler is an HTTP handler that returns an error instead of writing it.
// A non-nil error is rendered by [WriteError] unless the handler already
// wrote a response.
type Handler func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP implements http.Handler.
func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tw := &trackWriter{ResponseWriter: w}
	if err := h(tw, r); err != nil {
		if tw.wrote {
			envFrom(r.Context()).log.ErrorContext(r.Context(), "handler failed after writing its response",
				"path", r.URL.Path, "err", err)
			return
		}
		WriteError(w, r, err)
	}
}

// trackWriter remembers whether a response has been started.
type trackWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackWriter) WriteHeader(code int) {
	t.wrote = true
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackWriter) Write(b []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(b)
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (t *trackWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// Flush implements http.Flusher when the underlying writer does.
func (t *trackWriter) Flush() {
	t.wrote = true
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
