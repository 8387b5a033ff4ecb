package web

import (
	"net/http"
	"testing"
)

func TestAcceptLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header, def, want string
	}{
		{"", "zh", "zh"},
		{"", "en", "en"},
		{"en-US,en;q=0.9,zh-CN;q=0.8", "zh", "en"},
		{"zh-CN,zh;q=0.9,en;q=0.8", "en", "zh"},
		{"zh-TW", "en", "zh"},
		{"ZH-hk", "en", "zh"},
		{"fr-FR, en;q=0.5", "zh", "en"},
		{"fr, de", "zh", "zh"},
		{"en;q=0.2, zh;q=0.8", "en", "zh"},
		{"en;q=0, zh;q=0.1", "en", "zh"},
		{"en;q=abc", "zh", "zh"},
		{"en;q=2", "zh", "zh"},
		{"*", "en", "en"},
		{"english", "zh", "zh"},
		{"en , zh", "zh", "en"},
	}
	for _, tt := range tests {
		if got := AcceptLanguage(tt.header, tt.def); got != tt.want {
			t.Errorf("AcceptLanguage(%q, %q) = %q, want %q", tt.header, tt.def, got, tt.want)
		}
	}
}

func TestLanguagePrecedence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		req        req
		defLang    string
		want       string
		setsCookie string // "" when pc_lang must not be set
	}{
		{name: "default", req: req{path: "/lang"}, defLang: "zh", want: "zh"},
		{name: "configured default", req: req{path: "/lang"}, defLang: "en", want: "en"},
		{name: "accept-language", req: req{path: "/lang", header: map[string]string{"Accept-Language": "en-GB"}}, want: "en"},
		{name: "account beats accept-language",
			req: req{path: "/lang", session: englishToken, header: map[string]string{"Accept-Language": "zh-CN"}}, want: "en"},
		{name: "cookie beats account",
			req: req{path: "/lang", session: englishToken, cookies: map[string]string{LangCookieName: "zh"}}, want: "zh"},
		{name: "bad cookie ignored",
			req: req{path: "/lang", cookies: map[string]string{LangCookieName: "fr"}, header: map[string]string{"Accept-Language": "en"}}, want: "en"},
		{name: "query beats cookie and is remembered",
			req: req{path: "/lang?lang=en", cookies: map[string]string{LangCookieName: "zh"}}, want: "en", setsCookie: "en"},
		{name: "query zh", req: req{path: "/lang?lang=zh", header: map[string]string{"Accept-Language": "en"}}, want: "zh", setsCookie: "zh"},
		{name: "bad query ignored", req: req{path: "/lang?lang=xx", header: map[string]string{"Accept-Language": "en"}}, want: "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(o *Options) { o.DefaultLang = tt.defLang })
			var got string
			b.srv.Mux.HandleFunc("GET /lang", func(w http.ResponseWriter, r *http.Request) { got = LangFrom(r.Context()) })
			w := b.do(t, tt.req)
			if got != tt.want {
				t.Errorf("language = %q, want %q", got, tt.want)
			}
			c, set := cookie(w, LangCookieName)
			if tt.setsCookie == "" && set {
				t.Errorf("pc_lang set to %q, want unset", c)
			}
			if tt.setsCookie != "" && c != tt.setsCookie {
				t.Errorf("pc_lang = %q, want %q", c, tt.setsCookie)
			}
		})
	}
}
