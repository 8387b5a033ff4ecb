package eventsweb

import (
	"errors"
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// maxFormPhotos bounds the photos of one form.
const maxFormPhotos = 9

// reportForm is what the report form holds.
type reportForm struct {
	Category, Description, Address, Lon, Lat string
}

// reportData is the report page.
type reportData struct {
	Groups   []catGroup
	Form     reportForm
	Err      error
	MaxPhoto string
}

// catGroup is a top-level category with its subcategories, for selects.
type catGroup struct {
	Code, Name string
	Subs       []catOption
}

type catOption struct{ Code, Name string }

func (n *names) groups() []catGroup {
	var out []catGroup
	for _, c := range n.cats {
		if c.Disabled {
			continue
		}
		if c.Parent == "" {
			out = append(out, catGroup{Code: c.Code, Name: n.category(c.Code)})
			continue
		}
		for i := range out {
			if out[i].Code == c.Parent {
				out[i].Subs = append(out[i].Subs, catOption{Code: c.Code, Name: n.category(c.Code)})
			}
		}
	}
	return out
}

func (h *Handlers) reportPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderReport(w, r, http.StatusOK, reportForm{Category: r.URL.Query().Get("category")}, nil)
}

func (h *Handlers) renderReport(w http.ResponseWriter, r *http.Request, status int, f reportForm, err error) error {
	n, nerr := h.names(r.Context(), langOf(r), false)
	if nerr != nil {
		return nerr
	}
	return h.Renderer.Page(w, r, status, module+"/new", reportData{Groups: n.groups(), Form: f, Err: err,
		MaxPhoto: files.HumanSize(h.MaxUploadBytes)})
}

// report stores a report made on the report page, with its photos.
func (h *Handlers) report(w http.ResponseWriter, r *http.Request) error {
	a, err := actor(r)
	if err != nil {
		return err
	}
	shas, err := h.uploads(w, r, "photos")
	f := reportForm{Category: r.FormValue("category"), Description: r.FormValue("description"), Address: r.FormValue("address"),
		Lon: r.FormValue("lon"), Lat: r.FormValue("lat")}
	if err != nil {
		return h.renderReport(w, r, web.Status(err), f, err)
	}
	lon, lat, err := coords(f.Lon, f.Lat)
	if err != nil {
		return h.renderReport(w, r, web.Status(err), f, err)
	}
	ev, err := h.Service.Report(r.Context(), a, events.Report{Category: f.Category, Description: f.Description, Address: f.Address,
		Lon: lon, Lat: lat, Photos: shas, Source: events.SourceWeb})
	if err != nil {
		if e := errs.As(err); e != nil && e.Kind != errs.Internal {
			return h.renderReport(w, r, web.Status(err), f, err)
		}
		return err
	}
	h.Cookies.SetFlash(w, "events.new.done")
	http.Redirect(w, r, "/events/"+ev.ID, http.StatusSeeOther)
	return nil
}

// uploads stores the images chosen in the form's file field and returns
// their SHA-256s. The body is limited to the photos' sizes.
func (h *Handlers) uploads(w http.ResponseWriter, r *http.Request, field string) ([]string, error) {
	limit := h.MaxUploadBytes*maxFormPhotos + 1<<20
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errs.Field(field, "events.photos.too_large", "照片总大小超过上限，请减少或压缩后重试",
				"the photos are too large in all; send fewer or smaller ones")
		}
		return nil, errs.Field(field, "events.form", "无法读取提交的表单，请重试", "the form could not be read; try again")
	}
	if r.MultipartForm == nil {
		return nil, nil
	}
	fhs := r.MultipartForm.File[field]
	if len(fhs) > maxFormPhotos {
		return nil, errs.Field(field, "events.photos.many", "照片不超过 9 张", "at most 9 photos")
	}
	var out []string
	for _, fh := range fhs {
		if fh.Size == 0 {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return nil, errs.Wrap(err, "open upload")
		}
		b, err := h.Files.Put(r.Context(), f, h.MaxUploadBytes)
		f.Close()
		if err != nil {
			if e := errs.As(err); e != nil && e.Kind == errs.Invalid {
				c := *e
				c.Field = field
				return nil, &c
			}
			return nil, err
		}
		out = append(out, b.SHA256)
	}
	return out, nil
}
