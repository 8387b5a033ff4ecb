package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
)

// assets holds the layout, the error page and the static files.
//
//go:embed templates/*.html static
var assets embed.FS

// shellModule is the module name of the web package's own pages.
const shellModule = "web"

// shellFS returns the web package's templates (layout.html, error.html).
func shellFS() fs.FS {
	sub, err := fs.Sub(assets, "templates")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}

// shellSet is the web package's own template set.
func shellSet() TemplateSet {
	return TemplateSet{
		Module:   shellModule,
		FS:       shellFS(),
		Messages: shellMessages,
		Nav:      []NavItem{{Label: "web.nav.home", Path: "/"}},
	}
}

// staticFS returns the static files, rooted so that "css/app.css" is
// served as /static/css/app.css.
func staticFS() fs.FS {
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}

// staticVersions returns a short content hash of every static file.
func staticVersions() (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(staticFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(staticFS(), p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[p] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hash static files: %w", err)
	}
	return out, nil
}

// staticURL returns the URL of a static file with its content version, so
// that browsers may cache it for good. An unknown file is an error, so a
// page naming a missing file fails to render and its tests catch it.
func (r *Renderer) staticURL(name string) (string, error) {
	name = strings.TrimPrefix(name, "/")
	v, ok := r.static[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + name + "?v=" + v, nil
}

// StaticHandler serves the embedded static files under /static/. A request
// carrying a version query (as the static template function writes) may be
// cached for a year; others for an hour.
func StaticHandler() http.Handler {
	files := http.StripPrefix("/static/", http.FileServerFS(staticFS()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=3600")
		}
		files.ServeHTTP(w, r)
	})
}
