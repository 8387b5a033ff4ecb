package web

import (
	"net/http"
	"strconv"
	"strings"
)

// normLang maps a language tag to "zh" or "en", or def when it is neither.
func normLang(tag, def string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	switch {
	case tag == "zh" || strings.HasPrefix(tag, "zh-"):
		return "zh"
	case tag == "en" || strings.HasPrefix(tag, "en-"):
		return "en"
	default:
		return def
	}
}

// validLang reports whether s is exactly a supported language.
func validLang(s string) bool { return s == "zh" || s == "en" }

// AcceptLanguage picks "zh" or "en" from an Accept-Language header by
// quality, or returns def when the header names neither. Among equal
// qualities the first listed wins.
func AcceptLanguage(header, def string) string {
	best, bestQ := def, 0.0
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		lang := normLang(tag, "")
		if lang == "" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// Language returns the middleware that sets the request's UI language, in
// this order of precedence: a ?lang=zh|en query parameter (which is also
// remembered in the pc_lang cookie), the pc_lang cookie, the signed-in
// account's preference, the Accept-Language header, and def. It must run
// after the session middleware so that the account is known.
func Language(c *Cookies, def string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lang := ""
			if q := r.URL.Query().Get("lang"); validLang(q) {
				lang = q
				c.SetLang(w, q)
			} else if ck, err := r.Cookie(LangCookieName); err == nil && validLang(ck.Value) {
				lang = ck.Value
			} else if a := AccountFrom(r.Context()); a != nil && validLang(a.Lang) {
				lang = a.Lang
			} else {
				lang = AcceptLanguage(r.Header.Get("Accept-Language"), def)
			}
			w.Header().Set("Content-Language", htmlLang(lang))
			next.ServeHTTP(w, r.WithContext(WithLang(r.Context(), lang)))
		})
	}
}

// htmlLang returns the BCP 47 tag of a UI language, for the lang attribute
// and the Content-Language header.
func htmlLang(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "zh-CN"
}
