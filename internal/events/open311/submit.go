package open311

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// NewRequest is a POST requests as the client sent it.
type NewRequest struct {
	ServiceCode   string
	Lat, Long     string
	AddressString string
	AddressID     string
	// CRS is an extension: "gcj02" or "bd09" for points from Chinese map
	// apps; empty for WGS84, as the spec says.
	CRS         string
	Description string
	// Attributes are attribute[code]=value (several values for a
	// multivaluelist).
	Attributes map[string][]string
	Email      string
	FirstName  string
	LastName   string
	Phone      string
	DeviceID   string
	AccountID  string
	MediaURL   string
	// Photos are stored images (SHA-256) uploaded with the request.
	Photos []string
}

// Receipt is the answer to a POST: the new request's id and what will
// happen to it.
type Receipt struct {
	ID        string // service_request_id: the event's code
	Token     string // the event's id
	Notice    string
	AccountID string
}

// Limits of a submission's contact fields.
const (
	MaxContact  = 200
	MaxMediaURL = 2000
)

// Submit answers POST requests: with a valid API key it reports the
// request as an event of the service's category (or the subcategory its
// attribute picks) at lat/long, made by the key's client with the source
// "open311", and keeps the submitter's details for the dispatcher.
func (s *Service) Submit(ctx context.Context, apiKey string, in NewRequest, lang string) (*Receipt, error) {
	key, err := s.keys.Authenticate(ctx, apiKey)
	if err != nil {
		return nil, err
	}
	cs, err := s.categories(ctx)
	if err != nil {
		return nil, err
	}
	code := strings.TrimSpace(in.ServiceCode)
	if code == "" {
		return nil, errs.Field("service_code", "open311.service_code.missing", "缺少 service_code", "service_code was not provided")
	}
	cat := cs.Find(code)
	if cat == nil || cat.Disabled {
		return nil, errUnknownService(code)
	}
	depts, err := s.departments(ctx)
	if err != nil {
		return nil, err
	}
	if cat, err = applyAttributes(cs, cat, definition(cs, cat, depts, lang), in.Attributes); err != nil {
		return nil, err
	}
	lon, lat, crs, err := s.location(ctx, in)
	if err != nil {
		return nil, err
	}
	sub := &Submission{Ref: ids.New(), KeyID: key.ID, Email: in.Email, FirstName: in.FirstName, LastName: in.LastName,
		Phone: in.Phone, DeviceID: in.DeviceID, AccountID: in.AccountID, MediaURL: in.MediaURL, Attributes: in.Attributes,
		CreatedAt: s.d.Now().UTC()}
	if err := checkContact(sub); err != nil {
		return nil, err
	}
	keep := !sub.empty()
	if keep { // durable before the event that refers to it
		if err := s.d.Store.AddSubmission(ctx, sub); err != nil {
			return nil, fmt.Errorf("store open311 submission: %w", err)
		}
	}
	ev, err := s.d.Events.Report(ctx, key.Actor(), events.Report{Category: cat.Code, Description: in.Description,
		Address: strings.TrimSpace(in.AddressString), Lon: lon, Lat: lat, CRS: crs, Photos: in.Photos,
		Source: events.SourceOpen311, ClientRef: sub.Ref})
	if err != nil {
		if keep {
			if derr := s.d.Store.DeleteSubmission(context.WithoutCancel(ctx), sub.Ref); derr != nil {
				s.d.Log.ErrorContext(ctx, "delete open311 submission of a refused request", "ref", sub.Ref, "err", derr)
			}
		}
		return nil, err
	}
	return &Receipt{ID: ev.Code, Token: ev.ID, Notice: handling(cat, depts, lang), AccountID: strings.TrimSpace(in.AccountID)}, nil
}

// applyAttributes checks the attributes against the service's definition
// and returns the category to report in (the chosen subcategory, if any).
// Attributes the definition does not ask for are kept but not checked.
func applyAttributes(cs events.Categories, cat *events.Category, def *Definition, attrs map[string][]string) (*events.Category, error) {
	for _, a := range def.Attributes {
		if !a.Variable {
			continue
		}
		vals := nonEmpty(attrs[a.Code])
		if len(vals) == 0 {
			if a.Required {
				return nil, errs.Field("attribute["+a.Code+"]", "open311.attribute.required",
					fmt.Sprintf("缺少必填属性 attribute[%s]（%s）", a.Code, a.Description),
					fmt.Sprintf("the required attribute[%s] (%s) was not provided", a.Code, a.Description))
			}
			continue
		}
		if a.Datatype == SingleValueList && len(vals) > 1 {
			return nil, errs.Field("attribute["+a.Code+"]", "open311.attribute.single",
				fmt.Sprintf("属性 attribute[%s] 只能选一个值", a.Code), fmt.Sprintf("attribute[%s] takes one value", a.Code))
		}
		if a.Datatype == SingleValueList || a.Datatype == MultiValueList {
			for _, v := range vals {
				if !slices.ContainsFunc(a.Values, func(x Value) bool { return x.Key == v }) {
					keys := make([]string, len(a.Values))
					for i, x := range a.Values {
						keys[i] = x.Key
					}
					return nil, errs.Field("attribute["+a.Code+"]", "open311.attribute.value",
						fmt.Sprintf("属性 attribute[%s] 的值 %.32q 无效（可选：%s）", a.Code, v, strings.Join(keys, ", ")),
						fmt.Sprintf("attribute[%s] value %.32q is not one of %s", a.Code, v, strings.Join(keys, ", ")))
				}
			}
		}
		if a.Code == AttrSubcategory {
			cat = cs.Find(vals[0])
		}
	}
	return cat, nil
}

func nonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// location returns the request's point and its coordinate system: lat
// and long are required (the grid places events by their point; an
// address alone cannot be placed), and the point must lie in the grid.
func (s *Service) location(ctx context.Context, in NewRequest) (lon, lat float64, crs grid.CRS, err error) {
	latS, lonS := strings.TrimSpace(in.Lat), strings.TrimSpace(in.Long)
	switch {
	case latS == "" && lonS == "" && (strings.TrimSpace(in.AddressString) != "" || strings.TrimSpace(in.AddressID) != ""):
		return 0, 0, "", errs.Field("location", "open311.location.address_only",
			"本平台按经纬度把事件落到网格，请同时提供 lat 和 long（WGS84）；仅有 address_string 或 address_id 无法定位",
			"this server places requests in its grid by their point: send lat and long (WGS84); address_string or address_id alone cannot be located")
	case latS == "" && lonS == "":
		return 0, 0, "", errs.Field("location", "open311.location.missing",
			"缺少位置：请提供 lat 和 long（WGS84 经纬度）", "a location was not provided: send lat and long (WGS84)")
	case latS == "" || lonS == "":
		return 0, 0, "", errs.Field("location", "open311.location.partial",
			"lat 和 long 须同时提供", "lat and long must both be sent")
	}
	lat, err1 := strconv.ParseFloat(latS, 64)
	lon, err2 := strconv.ParseFloat(lonS, 64)
	if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return 0, 0, "", errs.Field("location", "open311.location.invalid",
			"lat 应为 -90 到 90、long 应为 -180 到 180 的数（WGS84 十进制度）",
			"lat must be a number from -90 to 90 and long one from -180 to 180 (WGS84 decimal degrees)")
	}
	if crs, err = grid.ParseCRS(strings.ToLower(strings.TrimSpace(in.CRS))); err != nil {
		return 0, 0, "", errs.Field("crs", "open311.crs", "crs 应为 wgs84、gcj02 或 bd09", "crs must be wgs84, gcj02 or bd09")
	}
	ix, err := s.d.Grid.Index(ctx)
	if err != nil {
		return 0, 0, "", fmt.Errorf("grid index: %w", err)
	}
	p := grid.ToWGS84(grid.Point{lon, lat}, crs)
	if ix.Locate(p).Cell() == nil {
		return 0, 0, "", errs.Field("location", "open311.location.outside",
			fmt.Sprintf("位置 lat %.6f, long %.6f（WGS84）不在本辖区的网格内", p[1], p[0]),
			fmt.Sprintf("the location lat %.6f, long %.6f (WGS84) lies outside this jurisdiction's grid", p[1], p[0]))
	}
	return lon, lat, crs, nil
}

// checkContact checks the lengths of the contact fields and the media
// URL, trimming them.
func checkContact(sub *Submission) error {
	for _, f := range []struct {
		name string
		v    *string
	}{{"email", &sub.Email}, {"first_name", &sub.FirstName}, {"last_name", &sub.LastName}, {"phone", &sub.Phone},
		{"device_id", &sub.DeviceID}, {"account_id", &sub.AccountID}} {
		*f.v = strings.TrimSpace(*f.v)
		if utf8.RuneCountInString(*f.v) > MaxContact || !utf8.ValidString(*f.v) {
			return errs.Field(f.name, "open311.contact.long", fmt.Sprintf("%s 不超过 %d 个字符", f.name, MaxContact),
				fmt.Sprintf("%s is at most %d characters", f.name, MaxContact))
		}
	}
	if sub.Email != "" && !strings.Contains(sub.Email, "@") {
		return errs.Field("email", "open311.email", "email 不是有效的电子邮件地址", "email is not an e-mail address")
	}
	sub.MediaURL = strings.TrimSpace(sub.MediaURL)
	if sub.MediaURL != "" {
		u, err := url.Parse(sub.MediaURL)
		if err != nil || len(sub.MediaURL) > MaxMediaURL || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errs.Field("media_url", "open311.media_url", "media_url 应为 http 或 https 网址",
				"media_url must be an http or https URL")
		}
	}
	n := 0
	for code, vs := range sub.Attributes {
		n += len(vs)
		if len(code) > 64 || n > 50 {
			return errs.Field("attribute", "open311.attribute.many", "属性过多或属性代码过长", "too many attributes, or a code too long")
		}
		for _, v := range vs {
			if utf8.RuneCountInString(v) > MaxContact || !utf8.ValidString(v) {
				return errs.Field("attribute["+code+"]", "open311.attribute.long", fmt.Sprintf("属性值不超过 %d 个字符", MaxContact),
					fmt.Sprintf("an attribute value is at most %d characters", MaxContact))
			}
		}
	}
	return nil
}
