package web

import (
	"net/http"
	"net/url"
	"time"
)

// The cookies the platform sets.
const (
	SessionCookieName = "pc_session" // the login session's secret token
	LangCookieName    = "pc_lang"    // the chosen UI language
	CSRFCookieName    = "pc_csrf"    // anonymous visitors' CSRF token
	FlashCookieName   = "pc_flash"   // a one-time notice for the next page
)

// Cookies sets and clears the platform's cookies. All are HttpOnly,
// SameSite=Lax, Path=/, and Secure when Secure is set.
type Cookies struct {
	// Secure marks cookies Secure (HTTPS only); from config.SecureCookies.
	Secure bool
}

func (c *Cookies) set(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	ck := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		HttpOnly: true,
		Secure:   c.Secure,
		SameSite: http.SameSiteLaxMode,
	}
	switch {
	case maxAge < 0:
		ck.MaxAge = -1
	case maxAge > 0:
		ck.MaxAge = int(maxAge / time.Second)
		if ck.MaxAge == 0 {
			ck.MaxAge = 1
		}
	}
	http.SetCookie(w, ck)
}

// SetSession sets the session cookie to token for ttl.
func (c *Cookies) SetSession(w http.ResponseWriter, token string, ttl time.Duration) {
	c.set(w, SessionCookieName, token, ttl)
}

// ClearSession removes the session cookie.
func (c *Cookies) ClearSession(w http.ResponseWriter) {
	c.set(w, SessionCookieName, "", -1)
}

// SetFlash sets a notice that the next page rendered shows once, typically
// before a redirect. msg is a message key (see [Messages]) or plain text.
func (c *Cookies) SetFlash(w http.ResponseWriter, msg string) {
	c.set(w, FlashCookieName, url.QueryEscape(msg), 5*time.Minute)
}

// takeFlash returns the flash notice of r, clearing it on w.
func (c *Cookies) takeFlash(w http.ResponseWriter, r *http.Request) string {
	ck, err := r.Cookie(FlashCookieName)
	if err != nil {
		return ""
	}
	c.set(w, FlashCookieName, "", -1)
	msg, err := url.QueryUnescape(ck.Value)
	if err != nil || len(msg) > 500 {
		return ""
	}
	return msg
}

// SetLang remembers the chosen UI language ("zh" or "en") for a year; it
// then takes precedence over the account's preference and the browser's.
func (c *Cookies) SetLang(w http.ResponseWriter, lang string) {
	c.set(w, LangCookieName, lang, 365*24*time.Hour)
}

// setCSRF sets an anonymous visitor's CSRF token for the browser session.
func (c *Cookies) setCSRF(w http.ResponseWriter, token string) {
	c.set(w, CSRFCookieName, token, 0)
}
