package open311web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// Specification identifies GeoReport v2 in discovery.
const Specification = "http://wiki.open311.org/GeoReport_v2"

func (h *Handlers) discovery(r *http.Request, _ format, _ string) (any, error) {
	changed, err := h.Service.Changeset(r.Context())
	if err != nil {
		return nil, err
	}
	cs := open311.FormatTime(changed)
	return discoveryDoc{Changeset: cs, Contact: h.Contact, KeyService: h.KeyService,
		Endpoints: []endpoint{{Specification: Specification, URL: h.BaseURL + Base, Changeset: cs, Type: "production",
			Formats: []string{"text/xml", "application/json"}}}}, nil
}

func (h *Handlers) services(r *http.Request, _ format, _ string) (any, error) {
	ss, err := h.Service.Services(r.Context(), web.LangFrom(r.Context()))
	if err != nil {
		return nil, err
	}
	return servicesDoc(ss), nil
}

func (h *Handlers) definition(r *http.Request, _ format, code string) (any, error) {
	d, err := h.Service.Definition(r.Context(), code, web.LangFrom(r.Context()))
	if err != nil {
		return nil, err
	}
	return definitionDoc{d}, nil
}

// params joins every occurrence of a query parameter with commas.
func params(r *http.Request, name string) string {
	return strings.Join(r.URL.Query()[name], ",")
}

func (h *Handlers) requests(r *http.Request, _ format, _ string) (any, error) {
	p := open311.Params{IDs: params(r, "service_request_id"), ServiceCode: params(r, "service_code"),
		Start: r.URL.Query().Get("start_date"), End: r.URL.Query().Get("end_date"), Status: params(r, "status")}
	rs, err := h.Service.Requests(r.Context(), r.URL.Query().Get("api_key"), p, web.LangFrom(r.Context()))
	if err != nil {
		return nil, err
	}
	return h.requestsDoc(rs), nil
}

func (h *Handlers) request(r *http.Request, _ format, id string) (any, error) {
	req, err := h.Service.Request(r.Context(), r.URL.Query().Get("api_key"), id, web.LangFrom(r.Context()))
	if err != nil {
		return nil, err
	}
	return h.requestsDoc([]*open311.Request{req}), nil
}

func (h *Handlers) requestsDoc(rs []*open311.Request) requestsDoc {
	out := make(requestsDoc, len(rs))
	for i, req := range rs {
		out[i] = requestItem{Request: req, media: req.MediaURL}
		if req.Photos > 0 && h.Files != nil {
			out[i].media = h.BaseURL + Base + "/media/" + req.ID + "/1"
		}
	}
	return out
}

func (h *Handlers) token(r *http.Request, _ format, token string) (any, error) {
	req, err := h.Service.Token(r.Context(), r.URL.Query().Get("api_key"), token)
	if err != nil {
		return nil, err
	}
	return tokenDoc{req}, nil
}

// maxForm bounds a form without uploads.
const maxForm = 1 << 20

// maxPhotos bounds the photos of one request.
const maxPhotos = 9

func (h *Handlers) submit(r *http.Request, _ format, _ string) (any, error) {
	in, key, err := h.readForm(r)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err != nil {
		return nil, err
	}
	rc, err := h.Service.Submit(r.Context(), key, in, web.LangFrom(r.Context()))
	if err != nil {
		return nil, err
	}
	return receiptDoc{rc}, nil
}

// readForm reads a POST's form (urlencoded, as the spec says, or
// multipart with photos in "media") and its api_key.
func (h *Handlers) readForm(r *http.Request) (open311.NewRequest, string, error) {
	var in open311.NewRequest
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	multipart := ct == "multipart/form-data"
	limit := int64(maxForm)
	if multipart {
		limit += maxPhotos * h.MaxUploadBytes
	}
	r.Body = http.MaxBytesReader(nil, r.Body, limit)
	var err error
	if multipart {
		err = r.ParseMultipartForm(8 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return in, "", errs.E(errs.Invalid, "open311.form.too_large", "提交的内容过大", "The request is too large.")
		}
		return in, "", errs.E(errs.Invalid, "open311.form", "无法读取提交的表单（应为 application/x-www-form-urlencoded）",
			"The form could not be read (send application/x-www-form-urlencoded).")
	}
	v := r.PostForm
	in = open311.NewRequest{ServiceCode: v.Get("service_code"), Lat: v.Get("lat"), Long: v.Get("long"),
		AddressString: v.Get("address_string"), AddressID: v.Get("address_id"), CRS: v.Get("crs"),
		Description: v.Get("description"), Email: v.Get("email"), FirstName: v.Get("first_name"),
		LastName: v.Get("last_name"), Phone: v.Get("phone"), DeviceID: v.Get("device_id"), AccountID: v.Get("account_id"),
		MediaURL: v.Get("media_url"), Attributes: attributes(v)}
	key := v.Get("api_key")
	if key == "" {
		key = r.URL.Query().Get("api_key")
	}
	if multipart && r.MultipartForm != nil && len(r.MultipartForm.File["media"]) > 0 {
		// Only a known client may store files.
		if _, err := h.Service.Keys().Authenticate(r.Context(), key); err != nil {
			return in, "", err
		}
		if in.Photos, err = h.uploads(r); err != nil {
			return in, "", err
		}
	}
	return in, key, nil
}

// attributes collects attribute[code]=value and attribute[code][]=value.
func attributes(v map[string][]string) map[string][]string {
	var out map[string][]string
	for k, vs := range v {
		code, ok := strings.CutPrefix(k, "attribute[")
		if !ok {
			continue
		}
		code = strings.TrimSuffix(code, "[]")
		code, ok = strings.CutSuffix(code, "]")
		if !ok || code == "" {
			continue
		}
		if out == nil {
			out = map[string][]string{}
		}
		out[code] = append(out[code], vs...)
	}
	return out
}

// uploads stores the photos of a multipart POST.
func (h *Handlers) uploads(r *http.Request) ([]string, error) {
	if h.Files == nil {
		return nil, errs.Field("media", "open311.media.unsupported", "本服务不接收照片上传，请使用 media_url",
			"this server takes no uploads; send media_url instead")
	}
	fhs := r.MultipartForm.File["media"]
	if len(fhs) > maxPhotos {
		return nil, errs.Field("media", "open311.media.many", fmt.Sprintf("照片不超过 %d 张", maxPhotos),
			fmt.Sprintf("at most %d photos", maxPhotos))
	}
	var out []string
	for _, fh := range fhs {
		f, err := fh.Open()
		if err != nil {
			return nil, errs.Wrap(err, "open upload")
		}
		b, err := h.Files.Put(r.Context(), f, h.MaxUploadBytes)
		f.Close()
		if err != nil {
			return nil, err
		}
		if b.ContentType != files.JPEG && b.ContentType != files.PNG {
			return nil, errs.Field("media", "open311.media.type", "照片应为 JPG 或 PNG 图片", "photos must be JPEG or PNG images")
		}
		out = append(out, b.SHA256)
	}
	return out, nil
}

// media serves a request's photo: /open311/v2/media/{id}/{n}.
func (h *Handlers) media(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || h.Files == nil {
		h.writeError(w, r, formatXML, errs.E(errs.NotFound, "open311.media.not_found", "没有这张照片", "There is no such photo."))
		return
	}
	sha, err := h.Service.Photo(r.Context(), r.URL.Query().Get("api_key"), r.PathValue("id"), n)
	if err != nil {
		h.writeError(w, r, formatXML, err)
		return
	}
	rc, b, err := h.Files.Open(r.Context(), sha)
	if err != nil {
		h.writeError(w, r, formatXML, err)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", b.ContentType)
	w.Header().Set("Content-Length", strconv.FormatInt(b.Size, 10))
	w.Header().Set("Cache-Control", "private, max-age=86400")
	_, _ = io.Copy(w, rc)
}
