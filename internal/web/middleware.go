package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

// Middleware wraps an http.Handler.
type Middleware func(http.Handler) http.Handler

// Chain applies mws to h so that mws[0] is the outermost.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// reqInfo collects what inner layers learn about a request for the outer
// ones: the ServeMux pattern that matched it.
type reqInfo struct {
	pattern string
}

type infoKey struct{}

func infoFrom(ctx context.Context) *reqInfo {
	if ri, ok := ctx.Value(infoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// withEnvMiddleware puts the server's env and a fresh reqInfo in the
// request's context. It is the outermost layer.
func withEnvMiddleware(e *env) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := context.WithValue(withEnv(r.Context(), e), infoKey{}, &reqInfo{})
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// capturePattern wraps the ServeMux, the innermost layer: the mux writes
// the matched pattern into the request it is given, which is the one this
// layer holds, so after it returns the pattern is known.
func capturePattern(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { infoFrom(r.Context()).pattern = r.Pattern }() // also when a handler panics
		mux.ServeHTTP(w, r)
	})
}

// Recover turns a panic in a later handler into a logged 500 response.
// http.ErrAbortHandler is passed on, as net/http expects.
func Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &trackWriter{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			envFrom(r.Context()).log.ErrorContext(r.Context(), "panic serving request",
				"method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if !tw.wrote {
				WriteError(w, r, fmt.Errorf("panic: %v", p))
			}
		}()
		next.ServeHTTP(tw, r)
	})
}

// statusRecorder remembers the status and size of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush implements http.Flusher when the underlying writer does.
func (s *statusRecorder) Flush() {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// code returns the recorded status; done is false while a panic unwinds.
func (s *statusRecorder) code(done bool) int {
	switch {
	case !done:
		return http.StatusInternalServerError
	case s.status == 0:
		return http.StatusOK
	default:
		return s.status
	}
}

// RequestLog logs one line per request with its route, status, size and
// duration: at Info, or Debug for static files and probes.
func RequestLog(log *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w}
			done := false
			defer func() {
				level := slog.LevelInfo
				if quietPath(r.URL.Path) {
					level = slog.LevelDebug
				}
				log.LogAttrs(r.Context(), level, "request",
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.String("route", infoFrom(r.Context()).pattern),
					slog.Int("status", rec.code(done)),
					slog.Int64("bytes", rec.bytes),
					slog.Duration("duration", time.Since(start)),
					slog.String("ip", ClientOf(r).IP))
			}()
			next.ServeHTTP(rec, r)
			done = true
		})
	}
}

// quietPath reports paths whose requests are logged at Debug.
func quietPath(p string) bool {
	return strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" || p == "/metrics" || p == "/favicon.ico"
}

// contentSecurityPolicy allows only the platform's own scripts, styles,
// images and connections, and no framing. It sets no form-action, because
// browsers apply form-action to the redirects that follow a form post, and
// OpenID Connect logins end in a redirect to the relying party.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"

// SecurityHeaders sets the Content-Security-Policy, X-Frame-Options,
// X-Content-Type-Options and Referrer-Policy headers on every response, and
// Strict-Transport-Security when hsts is true (HTTPS deployments).
func SecurityHeaders(hsts bool) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", contentSecurityPolicy)
			h.Set("X-Frame-Options", "DENY")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			if hsts {
				h.Set("Strict-Transport-Security", "max-age=31536000")
			}
			next.ServeHTTP(w, r)
		})
	}
}
