package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// CSRFField is the form field, and CSRFHeader the header, that carry the
// CSRF token on state-changing requests.
const (
	CSRFField  = "_csrf"
	CSRFHeader = "X-CSRF-Token"
)

// The errors a refused request gets.
var (
	errCSRFToken = errs.E(errs.Forbidden, "csrf.token",
		"表单已过期或无效，请刷新页面后重试", "The form has expired or is invalid. Please reload the page and try again.")
	errCrossOrigin = errs.E(errs.Forbidden, "csrf.cross_origin",
		"拒绝了来自其他网站的请求，请在本站页面上重试", "A request from another site was refused. Please try again from this site's pages.")
)

// CSRF protects state-changing requests (POST, PUT, PATCH, DELETE) against
// cross-site request forgery in two ways: Go's http.CrossOriginProtection
// refuses browser requests from other origins, and a token check requires
// the _csrf form field or X-CSRF-Token header to equal the session's
// CSRFToken, or for anonymous visitors the pc_csrf cookie that this
// middleware sets.
//
// Paths under /api/ skip the token check (they are called with bearer
// tokens); those that carry no Authorization header still get the
// cross-origin check, since a browser may send them a session cookie.
// Exempt paths (OpenID Connect protocol endpoints that relying parties'
// back ends or single-page apps call) skip both checks.
//
// Before the token is read from a form, the request body is capped at
// MaxBody bytes, so that no form — multipart uploads included — can make
// the server read or store more than that; a larger body gets a clear
// "too large" error and reaches no handler.
type CSRF struct {
	cookies *Cookies
	cop     *http.CrossOriginProtection
	exempt  []string
	// MaxBody caps the body of a state-changing request outside /api/.
	// Defaults to DefaultMaxBody.
	MaxBody int64
}

// DefaultMaxBody is the default cap on a form's body: room for a few
// uploads of the default 10 MiB limit.
const DefaultMaxBody = 64 << 20

func errTooLarge(limit int64) *errs.Error {
	return errs.E(errs.Invalid, "request.too_large",
		fmt.Sprintf("提交的内容过大（上限 %d MB），请减少或压缩附件后重试", limit>>20),
		fmt.Sprintf("The submission is too large (limit %d MB). Please remove or compress attachments and try again.", limit>>20))
}

// NewCSRF returns the CSRF middleware. An exempt entry that ends in "/"
// exempts every path under it; any other entry exempts exactly that path.
// trustedOrigins ("https://host[:port]") may post across origins, e.g. a
// separate front end of the same city.
func NewCSRF(c *Cookies, exempt, trustedOrigins []string) (*CSRF, error) {
	cop := http.NewCrossOriginProtection()
	for _, o := range trustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("csrf trusted origin %q: %w", o, err)
		}
	}
	for _, p := range exempt {
		if !strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("csrf exempt path %q must start with /", p)
		}
	}
	return &CSRF{cookies: c, cop: cop, exempt: exempt}, nil
}

func (c *CSRF) isExempt(path string) bool {
	for _, p := range c.exempt {
		if path == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(path, p)) {
			return true
		}
	}
	return false
}

// Middleware returns the protecting handler. It also puts the token that
// forms must carry in the context (see [CSRFToken]).
func (c *CSRF) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		if c.isExempt(path) {
			next.ServeHTTP(w, r)
			return
		}
		api := strings.HasPrefix(path, "/api/")
		if !api && !strings.HasPrefix(path, "/static/") {
			r = r.WithContext(withCSRF(r.Context(), c.token(w, r)))
		}
		if safeMethod(r.Method) || (api && r.Header.Get("Authorization") != "") {
			next.ServeHTTP(w, r)
			return
		}
		if err := c.cop.Check(r); err != nil {
			WriteError(w, r, errCrossOrigin)
			return
		}
		if !api {
			limit := c.MaxBody
			if limit <= 0 {
				limit = DefaultMaxBody
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			ok, err := c.validToken(r)
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				WriteError(w, r, errTooLarge(limit))
				return
			}
			if !ok {
				WriteError(w, r, errCSRFToken)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// token returns the token for r: the session's, or the anonymous cookie's,
// setting a new cookie when there is none.
func (c *CSRF) token(w http.ResponseWriter, r *http.Request) string {
	if s := SessionFrom(r.Context()); s != nil && s.CSRFToken != "" {
		return s.CSRFToken
	}
	if ck, err := r.Cookie(CSRFCookieName); err == nil && len(ck.Value) >= 32 {
		return ck.Value
	}
	t := ids.Token(32)
	c.cookies.setCSRF(w, t)
	return t
}

// validToken reports whether r carries the token expected for it.
func (c *CSRF) validToken(r *http.Request) (bool, error) {
	want := CSRFToken(r.Context())
	if want == "" {
		return false, nil
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		var err error
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			err = r.ParseMultipartForm(8 << 20)
		} else {
			err = r.ParseForm()
		}
		if err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return false, err
		}
		got = r.PostFormValue(CSRFField)
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1, nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}
