// Package open311web serves Open311 GeoReport v2 at /open311/v2/: the
// discovery document, the service list and definitions, service requests
// (GET and POST) and tokens, each as .xml (the spec's required format) and
// .json, with errors in the spec's error document and its HTTP statuses
// (400 bad or missing parameters, 403 a missing or wrong api_key, 404 an
// unknown service or request). Photos of requests are served at
// /open311/v2/media/{id}/{n} for media_url.
//
// Clients are systems, not browsers with a session: the paths are exempt
// from the CSRF check ([CSRFExempt]) and authenticate with their api_key.
package open311web

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// Base is the path of the GeoReport v2 endpoint.
const Base = "/open311/v2"

// Deps are what the handlers need.
type Deps struct {
	Service *open311.Service // required
	// Files stores photos uploaded with a request (multipart field
	// "media") and serves them for media_url; nil accepts none.
	Files files.Store
	// BaseURL is the platform's external URL (config.BaseURL), for the
	// endpoint's URL in discovery and for media_url.
	BaseURL string
	// Contact and KeyService are discovery's human-readable texts; empty
	// ones get defaults.
	Contact    string
	KeyService string
	// MaxUploadBytes bounds one photo (default 10 MiB).
	MaxUploadBytes int64
	Log            *slog.Logger
}

// Handlers serves the endpoint.
type Handlers struct {
	Deps
}

// New returns the handlers, or an error naming a missing dependency.
func New(d Deps) (*Handlers, error) {
	if d.Service == nil {
		return nil, errors.New("open311web: Service is required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.MaxUploadBytes <= 0 {
		d.MaxUploadBytes = 10 << 20
	}
	d.BaseURL = strings.TrimSuffix(d.BaseURL, "/")
	if d.Contact == "" {
		d.Contact = "请联系平台管理员 / Contact the platform administrators."
	}
	if d.KeyService == "" {
		d.KeyService = "API 密钥由平台管理员签发（pengcheng open311 key add --name 接入方名称）/ " +
			"API keys are issued by the platform administrators (pengcheng open311 key add --name CLIENT)."
	}
	return &Handlers{Deps: d}, nil
}

// CSRFExempt returns the paths that skip the platform's CSRF check:
// Open311 clients post with an api_key, not a browser session.
func CSRFExempt() []string { return []string{"/open311/"} }

// Routes registers the endpoint on mux.
func (h *Handlers) Routes(mux *http.ServeMux) {
	for _, f := range []format{formatXML, formatJSON} {
		ext := "." + string(f)
		mux.Handle("GET "+Base+"/discovery"+ext, h.serve(f, h.discovery))
		mux.Handle("GET /open311/discovery"+ext, h.serve(f, h.discovery))
		mux.Handle("GET "+Base+"/services"+ext, h.serve(f, h.services))
		mux.Handle("GET "+Base+"/requests"+ext, h.serve(f, h.requests))
		mux.Handle("POST "+Base+"/requests"+ext, h.serve(f, h.submit))
	}
	mux.Handle("GET "+Base+"/services/{file}", h.serveFile(h.definition))
	mux.Handle("GET "+Base+"/requests/{file}", h.serveFile(h.request))
	mux.Handle("GET "+Base+"/tokens/{file}", h.serveFile(h.token))
	mux.Handle("GET "+Base+"/media/{id}/{n}", http.HandlerFunc(h.media))
}

// format is a response format: its extension.
type format string

const (
	formatXML  format = "xml"
	formatJSON format = "json"
)

// handler answers one request in a format: the document to write (one
// with both XML and JSON forms), or an error.
type handler func(r *http.Request, f format, name string) (any, error)

// serve adapts a handler whose format is its route's.
func (h *Handlers) serve(f format, fn handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.answer(w, r, f, fn, "")
	})
}

// serveFile adapts a handler of a path "{name}.{format}".
func (h *Handlers) serveFile(fn handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		file := r.PathValue("file")
		i := strings.LastIndexByte(file, '.')
		if i <= 0 || (file[i+1:] != string(formatXML) && file[i+1:] != string(formatJSON)) {
			h.writeError(w, r, formatXML, errs.E(errs.NotFound, "open311.format",
				"请在路径末尾加上 .xml 或 .json", "Append .xml or .json to the path."))
			return
		}
		h.answer(w, r, format(file[i+1:]), fn, file[:i])
	})
}

func (h *Handlers) answer(w http.ResponseWriter, r *http.Request, f format, fn handler, name string) {
	doc, err := fn(r, f, name)
	if err != nil {
		h.writeError(w, r, f, err)
		return
	}
	h.write(w, f, http.StatusOK, doc)
}

// write writes doc in format f.
func (h *Handlers) write(w http.ResponseWriter, f format, status int, doc any) {
	var b []byte
	var err error
	if f == formatJSON {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		b, err = json.Marshal(doc.(document).JSON())
	} else {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		b, err = xml.MarshalIndent(doc.(document).XML(), "", "  ")
		b = append([]byte(xml.Header), b...)
	}
	if err != nil {
		h.Log.Error("encode open311 document", "err", err)
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// document is a response with an XML and a JSON form.
type document interface {
	XML() any
	JSON() any
}

// writeError writes err as the spec's error document with its status:
// 404 for what does not exist, 403 for a missing or wrong api_key, 400
// for any other request that cannot be fulfilled, 500 for failures of
// the platform (logged, not shown).
func (h *Handlers) writeError(w http.ResponseWriter, r *http.Request, f format, err error) {
	status, desc := http.StatusBadRequest, ""
	lang := web.LangFrom(r.Context())
	switch e := errs.As(err); {
	case e == nil || e.Kind == errs.Internal:
		h.Log.ErrorContext(r.Context(), "open311", "path", r.URL.Path, "err", err)
		status = http.StatusInternalServerError
		desc = errs.E(errs.Internal, "", "服务暂时出错，请稍后重试", "The service failed; try again later.").Message(lang)
	case e.Kind == errs.NotFound:
		status, desc = http.StatusNotFound, e.Message(lang)
	case e.Kind == errs.Forbidden || e.Kind == errs.Unauthenticated:
		status, desc = http.StatusForbidden, e.Message(lang)
	default:
		desc = e.Message(lang)
	}
	h.write(w, f, status, errorsDoc{{Code: status, Description: desc}})
}
