package identity_test

import (
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	. "github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

func TestSessionLifetime(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		s, ttl := e.Service, e.Service.Policy().SessionTTL
		a := Person(t, s, nil)
		_, sess, token, err := s.Login(ctx, a.IDNumber, Password, client("10.0.1.1"))
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := e.DB.QueryRow(ctx, `SELECT COUNT(*) FROM sessions WHERE token_hash = ? OR token_hash = ?`, token, ids.Hash(token)).Scan(&n); err != nil || n != 1 {
			t.Errorf("sessions stored under the token or its hash: %d, %v; want exactly one, by hash", n, err)
		}
		if err := e.DB.QueryRow(ctx, `SELECT COUNT(*) FROM sessions WHERE token_hash = ?`, token).Scan(&n); err != nil || n != 0 {
			t.Errorf("the token itself is stored (%d rows)", n)
		}
		steps := []struct {
			name        string
			advance     time.Duration
			wantOK      bool
			wantExpires time.Time
		}{
			{"right away", 0, true, Start.Add(ttl)},
			{"30 s later: not written again", 30 * time.Second, true, Start.Add(ttl)},
			{"2 min later: expiry slides", 90 * time.Second, true, Start.Add(2*time.Minute + ttl)},
			{"just before the slid expiry", ttl - time.Second, true, Start.Add(2*time.Minute + 2*ttl - time.Second)},
			{"idle for a whole TTL", ttl, false, time.Time{}},
		}
		for _, st := range steps {
			e.Clock.Advance(st.advance)
			got, gs, err := s.Authenticate(ctx, token)
			if !st.wantOK {
				wantErr(t, st.name, err, errs.Unauthenticated, "session.invalid")
				continue
			}
			if err != nil || got.ID != a.ID || gs.ID != sess.ID || !gs.ExpiresAt.Equal(st.wantExpires) || gs.CSRFToken != sess.CSRFToken {
				t.Errorf("%s: got %v %+v %v; want expiry %v", st.name, got, gs, err, st.wantExpires)
			}
		}
		if err := s.Housekeeping(ctx); err != nil {
			t.Errorf("Housekeeping: %v", err)
		}
		if err := e.DB.QueryRow(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d sessions after Housekeeping, %v; want the expired one gone", n, err)
		}
		for _, tok := range []string{"", "not-a-token", token} {
			wantErr(t, "Authenticate("+tok+")", errOnly2(s.Authenticate(ctx, tok)), errs.Unauthenticated, "")
		}
	})
}

func TestLogout(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		s := e.Service
		a := Staff(t, s, &StaffOpts{Department: Ptr(DeptB)})
		_, sess, token, err := s.Login(ctx, a.Username, Password, client("10.0.1.2"))
		if err != nil {
			t.Fatal(err)
		}
		_, _, other, err := s.Login(ctx, a.Username, Password, client("10.0.1.3"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Logout(ctx, sess, client("10.0.1.2")); err != nil {
			t.Fatalf("Logout: %v", err)
		}
		wantErr(t, "after logout", errOnly2(s.Authenticate(ctx, token)), errs.Unauthenticated, "")
		if _, _, err := s.Authenticate(ctx, other); err != nil {
			t.Errorf("logout ended another session: %v", err)
		}
		if err := s.Logout(ctx, sess, client("10.0.1.2")); err != nil {
			t.Errorf("second Logout: %v, want nil", err)
		}
		out := events(t, e, identity.EventFilter{Kind: identity.EventLogout})
		if len(out) != 2 || out[1].AccountID != a.ID || out[1].Department != DeptB || out[1].IP != "10.0.1.2" {
			t.Errorf("logout events %+v", out)
		}
	})
}

func TestStartSession(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *Env) {
		a := Person(t, e.Service, &PersonOpts{Password: Ptr("")})
		sess, token, err := e.Service.StartSession(ctx, a, "fed:gdzwfw", client("10.0.1.4"))
		if err != nil {
			t.Fatalf("StartSession: %v", err)
		}
		if got, gs, err := e.Service.Authenticate(ctx, token); err != nil || got.ID != a.ID || gs.Method != "fed:gdzwfw" || gs.ID != sess.ID {
			t.Errorf("Authenticate = %v %+v %v", got, gs, err)
		}
		ev := events(t, e, identity.EventFilter{Kind: identity.EventLogin})
		if len(ev) != 1 || ev[0].Detail != "fed:gdzwfw" || ev[0].AccountID != a.ID {
			t.Errorf("login events %+v", ev)
		}
		wantErr(t, "nil account", errOnly3(e.Service.StartSession(ctx, nil, "fed:x", client(""))), errs.Unauthenticated, "")
	})
}
