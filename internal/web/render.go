package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// TemplateSet is one module's pages, messages and navigation.
type TemplateSet struct {
	// Module names the pages: file NAME.html is page "Module/NAME".
	Module string
	// FS holds the page files at its root. A page file defines the blocks
	// "title" and "content", and may define "head" (extra tags for the
	// page's <head>) and blocks for [Renderer.Fragment]. Files whose names
	// start with "_" are partials parsed into every page of the module.
	FS fs.FS
	// Messages is the module's message catalog. Keys must be unique across
	// modules; conventionally they start with the module's name.
	Messages Messages
	// Funcs are extra template functions for the module's pages; they
	// must not depend on the request.
	Funcs template.FuncMap
	// Nav lists the module's entries in the header navigation.
	Nav []NavItem
}

// NavItem is an entry of the header navigation.
type NavItem struct {
	Label string // message key
	Path  string
	Admin bool // shown in the 管理 (administration) menu
	// BadgeURL, if set, is fetched (htmx, on load and every minute) for a
	// small badge beside the label, e.g. an unread count.
	BadgeURL string
	// Show reports whether the account (nil when anonymous) sees the
	// entry; nil shows it to everybody.
	Show func(a *identity.Account) bool
}

// NavLink is a navigation entry as a page shows it.
type NavLink struct {
	Label    string // message key
	Path     string
	Active   bool   // the current page is under Path
	BadgeURL string // see NavItem.BadgeURL
}

// RendererOptions configures [NewRenderer].
type RendererOptions struct {
	Sets        []TemplateSet
	DefaultLang string         // "zh" (the default) or "en"
	Location    *time.Location // time zone for fmtTime; defaults to China Standard Time (UTC+8)
	Cookies     *Cookies       // for flash notices; defaults to non-Secure cookies
	Log         *slog.Logger   // defaults to slog.Default()
}

// Renderer draws pages inside the shared layout. Its templates are parsed
// once, by [NewRenderer]; it is safe for concurrent use.
//
// Besides html/template's built-ins, pages may call: t KEY (the message in
// the request's language; a missing key renders as the key), tf KEY ARGS…
// (the message as a fmt format), text T (a [Text] in the request's
// language), errmsg ERR (an error's user-facing message), csrfField (the
// hidden CSRF input that every POST form must contain), fmtTime and fmtDate
// (a time.Time in the configured zone; the zero time renders as ""), lang
// ("zh" or "en"), static PATH (the URL of a file under /static/ with a
// cache-busting version), add A B, and the funcs of the page's module.
type Renderer struct {
	pages   map[string]map[string]*template.Template // lang → page name → template
	catalog catalog
	nav     []NavItem
	static  map[string]string // static file path → version
	used    map[string]bool   // message keys the templates use
	def     string
	loc     *time.Location
	cookies *Cookies
	log     *slog.Logger
	// placeholder stands for the CSRF token in rendered pages until the
	// token of the request replaces it; it is random so that no user
	// content can predict it.
	placeholder []byte
}

// langs are the UI languages.
var langs = [...]string{"zh", "en"}

// NewRenderer parses the layout, the error page and every set's pages.
func NewRenderer(opts RendererOptions) (*Renderer, error) {
	r := &Renderer{
		pages:       map[string]map[string]*template.Template{},
		catalog:     catalog{},
		used:        map[string]bool{},
		def:         normLang(opts.DefaultLang, "zh"),
		loc:         opts.Location,
		cookies:     opts.Cookies,
		log:         opts.Log,
		placeholder: []byte("pc-csrf-" + ids.Token(16)),
	}
	if r.loc == nil {
		r.loc = chinaTime()
	}
	if r.cookies == nil {
		r.cookies = &Cookies{}
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	var err error
	if r.static, err = staticVersions(); err != nil {
		return nil, err
	}
	for _, l := range langs {
		r.pages[l] = map[string]*template.Template{}
	}
	sets := append([]TemplateSet{shellSet()}, opts.Sets...)
	seen := map[string]bool{}
	for _, set := range sets {
		if set.Module == "" || strings.Contains(set.Module, "/") || seen[set.Module] {
			return nil, fmt.Errorf("template set: module name %q is empty, has a slash or is used twice", set.Module)
		}
		seen[set.Module] = true
		if err := r.catalog.add(set.Module, set.Messages); err != nil {
			return nil, err
		}
		if err := r.parseSet(set); err != nil {
			return nil, err
		}
		r.nav = append(r.nav, set.Nav...)
		for _, n := range set.Nav {
			r.used[n.Label] = true
		}
	}
	return r, nil
}

// chinaTime is China Standard Time, from the zone database when present.
func chinaTime() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
}

// parseSet parses the pages of one module: each page with the layout and
// the module's partials, once per language.
func (r *Renderer) parseSet(set TemplateSet) error {
	files, err := fs.Glob(set.FS, "*.html")
	if err != nil {
		return fmt.Errorf("module %s templates: %w", set.Module, err)
	}
	var partials, pages []string
	for _, f := range files {
		if strings.HasPrefix(f, "_") {
			partials = append(partials, f)
		} else if f != "layout.html" || set.Module != shellModule {
			pages = append(pages, f)
		}
	}
	for _, f := range pages {
		name := set.Module + "/" + strings.TrimSuffix(f, ".html")
		base := template.New("layout").Funcs(r.funcs(r.def, set.Funcs))
		if _, err := base.ParseFS(shellFS(), "layout.html"); err != nil {
			return fmt.Errorf("parse layout: %w", err)
		}
		if len(partials) > 0 {
			if _, err := base.ParseFS(set.FS, partials...); err != nil {
				return fmt.Errorf("parse %s partials: %w", set.Module, err)
			}
		}
		if _, err := base.ParseFS(set.FS, f); err != nil {
			return fmt.Errorf("parse page %s: %w", name, err)
		}
		for _, t := range base.Templates() {
			if t.Tree != nil {
				usedKeys(t.Tree.Root, r.used)
			}
		}
		for _, l := range langs {
			c, err := base.Clone()
			if err != nil {
				return fmt.Errorf("clone page %s: %w", name, err)
			}
			r.pages[l][name] = c.Funcs(r.funcs(l, set.Funcs))
		}
	}
	return nil
}

// funcs returns the template functions bound to a language.
func (r *Renderer) funcs(lang string, extra template.FuncMap) template.FuncMap {
	fm := template.FuncMap{
		"t": func(key string) string { return r.catalog.text(lang, key) },
		"tf": func(key string, args ...any) string {
			return fmt.Sprintf(r.catalog.text(lang, key), args...)
		},
		"text":   func(t Text) string { return t.In(lang) },
		"errmsg": func(err error) string { return errText(err, lang) },
		"csrfField": func() template.HTML {
			return template.HTML(`<input type="hidden" name="_csrf" value="` + string(r.placeholder) + `">`)
		},
		"fmtTime":  func(t time.Time) string { return r.formatTime(t, "2006-01-02 15:04") },
		"fmtDate":  func(t time.Time) string { return r.formatTime(t, "2006-01-02") },
		"lang":     func() string { return lang },
		"htmlLang": func() string { return htmlLang(lang) },
		"static":   r.staticURL,
		"add":      func(a, b int) int { return a + b },
	}
	for k, v := range extra {
		if _, clash := fm[k]; !clash {
			fm[k] = v
		}
	}
	return fm
}

func (r *Renderer) formatTime(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(r.loc).Format(layout)
}

// errText returns the user-facing message of err in lang.
func errText(err error, lang string) string {
	if err == nil {
		return ""
	}
	if e := errs.As(err); e != nil && e.Kind != errs.Internal {
		return e.Message(lang)
	}
	return internalError.Message(lang)
}

// T returns the message key in lang, for text that Go code builds.
func (r *Renderer) T(lang, key string) string { return r.catalog.text(lang, key) }

// UndefinedKeys returns the message keys that templates pass to t or tf as
// constants but that no catalog defines, sorted. A module's tests call it
// to prove every visible text has both languages.
func (r *Renderer) UndefinedKeys() []string { return r.catalog.missing(r.used) }

// View is what a page template sees as its dot.
type View struct {
	Data     any               // the page's own data
	Account  *identity.Account // nil when anonymous
	Lang     string            // "zh" or "en"
	CSRF     string            // the token forms must carry
	Path     string            // the request's path
	Flash    string            // a one-time notice (message key or text)
	Nav      []NavLink         // main navigation for this account
	AdminNav []NavLink         // the administration menu; empty for most
	LangZH   string            // this page's address in Chinese
	LangEN   string            // this page's address in English
	LoginURL string            // the login page, returning here afterwards
}

// view builds the View of a request.
func (r *Renderer) view(req *http.Request, data any) *View {
	a := AccountFrom(req.Context())
	v := &View{
		Data:     data,
		Account:  a,
		Lang:     LangFrom(req.Context()),
		CSRF:     CSRFToken(req.Context()),
		Path:     req.URL.Path,
		LangZH:   withQuery(req, "lang", "zh"),
		LangEN:   withQuery(req, "lang", "en"),
		LoginURL: "/login?next=" + url.QueryEscape(SafeNext(req.URL.RequestURI())),
	}
	for _, n := range r.nav {
		if n.Show != nil && !n.Show(a) {
			continue
		}
		link := NavLink{Label: n.Label, Path: n.Path, Active: isUnder(req.URL.Path, n.Path), BadgeURL: n.BadgeURL}
		if n.Admin {
			v.AdminNav = append(v.AdminNav, link)
		} else {
			v.Nav = append(v.Nav, link)
		}
	}
	return v
}

// isUnder reports whether p is the page at base or below it ("/" only
// matches itself).
func isUnder(p, base string) bool {
	if base == "/" {
		return p == "/"
	}
	return p == base || strings.HasPrefix(p, strings.TrimSuffix(base, "/")+"/")
}

// withQuery returns req's path and query with one parameter replaced.
func withQuery(req *http.Request, key, value string) string {
	q := req.URL.Query()
	q.Set(key, value)
	return req.URL.Path + "?" + q.Encode()
}

// lookup returns the page template for the request's language.
func (r *Renderer) lookup(req *http.Request, name string) (*template.Template, error) {
	t := r.pages[LangFrom(req.Context())][name]
	if t == nil {
		t = r.pages[r.def][name]
	}
	if t == nil {
		return nil, fmt.Errorf("no page template %q", name)
	}
	return t, nil
}

// Page renders the page name ("module/NAME") inside the layout with data as
// the view's Data, and writes it with status. It writes nothing and returns
// the error when the template fails.
func (r *Renderer) Page(w http.ResponseWriter, req *http.Request, status int, name string, data any) error {
	t, err := r.lookup(req, name)
	if err != nil {
		return err
	}
	v := r.view(req, data)
	v.Flash = r.cookies.takeFlash(w, req)
	return r.execute(w, req, status, t, "layout", v)
}

// Fragment renders the block of page name, for htmx partial updates, with
// the same view a full page gets (without consuming the flash notice).
func (r *Renderer) Fragment(w http.ResponseWriter, req *http.Request, name, block string, data any) error {
	t, err := r.lookup(req, name)
	if err != nil {
		return err
	}
	return r.execute(w, req, http.StatusOK, t, block, r.view(req, data))
}

func (r *Renderer) execute(w http.ResponseWriter, req *http.Request, status int, t *template.Template, block string, v *View) error {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, v); err != nil {
		return fmt.Errorf("render %s/%s: %w", t.Name(), block, err)
	}
	out := bytes.ReplaceAll(buf.Bytes(), r.placeholder, []byte(template.HTMLEscapeString(v.CSRF)))
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(out)
	if err != nil {
		r.log.DebugContext(req.Context(), "write page", "err", err)
	}
	return nil
}

// errorData is the data of the error page.
type errorData struct {
	Status  int
	Title   string // message key
	Message string
	Login   bool // offer the login page
}

// errorPage renders e as the HTML error page with status.
func (r *Renderer) errorPage(w http.ResponseWriter, req *http.Request, status int, e *errs.Error) {
	d := errorData{
		Status:  status,
		Title:   "web.error." + fmt.Sprint(status),
		Message: e.Message(LangFrom(req.Context())),
		Login:   status == http.StatusUnauthorized && AccountFrom(req.Context()) == nil,
	}
	if _, ok := r.catalog[d.Title]; !ok {
		d.Title = "web.error.title"
	}
	if err := r.Page(w, req, status, shellModule+"/error", d); err != nil {
		r.log.ErrorContext(req.Context(), "render error page", "err", err)
		writePlainError(w, req, status, e)
	}
}
