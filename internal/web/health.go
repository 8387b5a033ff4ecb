package web

import (
	"context"
	"net/http"
	"time"
)

// Pinger is a dependency that can report whether it is reachable, such as
// the database (*db.DB).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Healthz answers 200 "ok" while the process is alive.
func Healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// Readyz returns a handler that answers 200 "ready" when every dependency
// answers a ping within two seconds, and 503 otherwise (with the failure
// logged, not shown).
func Readyz(deps ...Pinger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		for _, d := range deps {
			if err := d.Ping(ctx); err != nil {
				envFrom(r.Context()).log.WarnContext(r.Context(), "not ready", "err", err)
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte("not ready\n"))
				return
			}
		}
		_, _ = w.Write([]byte("ready\n"))
	})
}
