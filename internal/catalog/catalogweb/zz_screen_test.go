package catalogweb_test

import (
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

func TestZZServe(t *testing.T) {
	if os.Getenv("SCREEN") == "" {
		t.Skip()
	}
	f := newFixture(t, dbtest.Open(t, db.SQLite))
	os.WriteFile("/tmp/rs_admin_cookie", []byte(f.users["rsAdmin"].token), 0o600)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c := r.URL.Query().Get("as"); c != "" {
			r.AddCookie(&http.Cookie{Name: web.SessionCookieName, Value: f.users[c].token})
		}
		f.srv.ServeHTTP(w, r)
	})
	go http.ListenAndServe("127.0.0.1:18099", h)
	time.Sleep(150 * time.Second)
}
