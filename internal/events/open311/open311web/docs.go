package open311web

import (
	"encoding/xml"

	"github.com/pengcheng-gov/pengcheng/internal/events/open311"
)

// The documents of the spec, each with its XML form (elements named as
// the spec names them, the root first) and its JSON form (the Spark
// convention the spec follows: lists become arrays, empty values null).

// str returns a JSON string, or null for "".
func str(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// errorsDoc is <errors>.
type errorsDoc []errorItem

type errorItem struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
}

func (d errorsDoc) XML() any {
	return struct {
		XMLName xml.Name    `xml:"errors"`
		Errors  []errorItem `xml:"error"`
	}{Errors: d}
}

func (d errorsDoc) JSON() any { return []errorItem(d) }

// discoveryDoc is <discovery>.
type discoveryDoc struct {
	Changeset  string     `xml:"changeset" json:"changeset"`
	Contact    string     `xml:"contact" json:"contact"`
	KeyService string     `xml:"key_service" json:"key_service"`
	Endpoints  []endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

type endpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

func (d discoveryDoc) XML() any {
	return struct {
		XMLName xml.Name `xml:"discovery"`
		discoveryDoc
	}{discoveryDoc: d}
}

func (d discoveryDoc) JSON() any { return d }

// servicesDoc is <services>.
type servicesDoc []open311.ServiceType

type serviceItem struct {
	Code        string `xml:"service_code" json:"service_code"`
	Name        string `xml:"service_name" json:"service_name"`
	Description string `xml:"description" json:"description"`
	Metadata    bool   `xml:"metadata" json:"metadata"`
	Type        string `xml:"type" json:"type"`
	Keywords    string `xml:"keywords" json:"keywords"`
	Group       string `xml:"group" json:"group"`
}

func (d servicesDoc) items() []serviceItem {
	out := make([]serviceItem, len(d))
	for i, s := range d {
		out[i] = serviceItem{Code: s.Code, Name: s.Name, Description: s.Description, Metadata: s.Metadata, Type: s.Type,
			Keywords: s.Keywords, Group: s.Group}
	}
	return out
}

func (d servicesDoc) XML() any {
	return struct {
		XMLName  xml.Name      `xml:"services"`
		Services []serviceItem `xml:"service"`
	}{Services: d.items()}
}

func (d servicesDoc) JSON() any { return d.items() }

// definitionDoc is <service_definition>.
type definitionDoc struct{ *open311.Definition }

type attributeXML struct {
	Variable            bool       `xml:"variable"`
	Code                string     `xml:"code"`
	Datatype            string     `xml:"datatype"`
	Required            bool       `xml:"required"`
	DatatypeDescription string     `xml:"datatype_description"`
	Order               int        `xml:"order"`
	Description         string     `xml:"description"`
	Values              *valueList `xml:"values,omitempty"`
}

// valueList is <values>, left out when an attribute has none.
type valueList struct {
	Values []value `xml:"value"`
}

type attributeJSON struct {
	Variable            bool    `json:"variable"`
	Code                string  `json:"code"`
	Datatype            string  `json:"datatype"`
	Required            bool    `json:"required"`
	DatatypeDescription *string `json:"datatype_description"`
	Order               int     `json:"order"`
	Description         string  `json:"description"`
	Values              []value `json:"values,omitempty"`
}

type value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

func values(vs []open311.Value) []value {
	var out []value
	for _, v := range vs {
		out = append(out, value{Key: v.Key, Name: v.Name})
	}
	return out
}

func (d definitionDoc) XML() any {
	attrs := make([]attributeXML, len(d.Attributes))
	for i, a := range d.Attributes {
		attrs[i] = attributeXML{Variable: a.Variable, Code: a.Code, Datatype: a.Datatype, Required: a.Required,
			DatatypeDescription: a.DatatypeDescription, Order: a.Order, Description: a.Description}
		if len(a.Values) > 0 {
			attrs[i].Values = &valueList{Values: values(a.Values)}
		}
	}
	return struct {
		XMLName    xml.Name       `xml:"service_definition"`
		Code       string         `xml:"service_code"`
		Attributes []attributeXML `xml:"attributes>attribute"`
	}{Code: d.Code, Attributes: attrs}
}

func (d definitionDoc) JSON() any {
	attrs := make([]attributeJSON, len(d.Attributes))
	for i, a := range d.Attributes {
		attrs[i] = attributeJSON{Variable: a.Variable, Code: a.Code, Datatype: a.Datatype, Required: a.Required,
			DatatypeDescription: str(a.DatatypeDescription), Order: a.Order, Description: a.Description, Values: values(a.Values)}
	}
	return struct {
		Code       string          `json:"service_code"`
		Attributes []attributeJSON `json:"attributes"`
	}{Code: d.Code, Attributes: attrs}
}

// requestsDoc is <service_requests> of full requests.
type requestsDoc []requestItem

// requestItem is one request with its media URL made absolute.
type requestItem struct {
	*open311.Request
	media string
}

type requestXML struct {
	ID          string  `xml:"service_request_id"`
	Status      string  `xml:"status"`
	StatusNotes string  `xml:"status_notes"`
	ServiceName string  `xml:"service_name"`
	ServiceCode string  `xml:"service_code"`
	Description string  `xml:"description"`
	Agency      string  `xml:"agency_responsible"`
	Notice      string  `xml:"service_notice"`
	Requested   string  `xml:"requested_datetime"`
	Updated     string  `xml:"updated_datetime"`
	Expected    string  `xml:"expected_datetime"`
	Address     string  `xml:"address"`
	AddressID   string  `xml:"address_id"`
	Lat         float64 `xml:"lat"`
	Long        float64 `xml:"long"`
	MediaURL    string  `xml:"media_url"`
}

type requestJSON struct {
	ID          string  `json:"service_request_id"`
	Status      string  `json:"status"`
	StatusNotes *string `json:"status_notes"`
	ServiceName string  `json:"service_name"`
	ServiceCode string  `json:"service_code"`
	Description *string `json:"description"`
	Agency      *string `json:"agency_responsible"`
	Notice      *string `json:"service_notice"`
	Requested   string  `json:"requested_datetime"`
	Updated     string  `json:"updated_datetime"`
	Expected    *string `json:"expected_datetime"`
	Address     *string `json:"address"`
	AddressID   *string `json:"address_id"`
	Lat         float64 `json:"lat"`
	Long        float64 `json:"long"`
	MediaURL    *string `json:"media_url"`
}

func (d requestsDoc) XML() any {
	out := make([]requestXML, len(d))
	for i, r := range d {
		out[i] = requestXML{ID: r.ID, Status: r.Status, StatusNotes: r.StatusNotes, ServiceName: r.ServiceName,
			ServiceCode: r.ServiceCode, Description: r.Description, Agency: r.Agency, Notice: r.Notice,
			Requested: open311.FormatTime(r.Requested), Updated: open311.FormatTime(r.Updated),
			Expected: open311.FormatTime(r.Expected), Address: r.Address, AddressID: r.AddressID, Lat: r.Lat, Long: r.Long,
			MediaURL: r.media}
	}
	return struct {
		XMLName  xml.Name     `xml:"service_requests"`
		Requests []requestXML `xml:"request"`
	}{Requests: out}
}

func (d requestsDoc) JSON() any {
	out := make([]requestJSON, len(d))
	for i, r := range d {
		out[i] = requestJSON{ID: r.ID, Status: r.Status, StatusNotes: str(r.StatusNotes), ServiceName: r.ServiceName,
			ServiceCode: r.ServiceCode, Description: str(r.Description), Agency: str(r.Agency), Notice: str(r.Notice),
			Requested: open311.FormatTime(r.Requested), Updated: open311.FormatTime(r.Updated),
			Expected: str(open311.FormatTime(r.Expected)), Address: str(r.Address), AddressID: str(r.AddressID),
			Lat: r.Lat, Long: r.Long, MediaURL: str(r.media)}
	}
	return out
}

// receiptDoc is <service_requests> answering a POST.
type receiptDoc struct{ *open311.Receipt }

func (d receiptDoc) XML() any {
	type item struct {
		ID        string `xml:"service_request_id"`
		Notice    string `xml:"service_notice"`
		AccountID string `xml:"account_id"`
	}
	return struct {
		XMLName  xml.Name `xml:"service_requests"`
		Requests []item   `xml:"request"`
	}{Requests: []item{{ID: d.ID, Notice: d.Notice, AccountID: d.AccountID}}}
}

func (d receiptDoc) JSON() any {
	return []struct {
		ID        string  `json:"service_request_id"`
		Notice    *string `json:"service_notice"`
		AccountID *string `json:"account_id"`
	}{{ID: d.ID, Notice: str(d.Notice), AccountID: str(d.AccountID)}}
}

// tokenDoc is <service_requests> answering tokens/{id}.
type tokenDoc struct{ *open311.Request }

func (d tokenDoc) XML() any {
	type item struct {
		ID    string `xml:"service_request_id"`
		Token string `xml:"token"`
	}
	return struct {
		XMLName  xml.Name `xml:"service_requests"`
		Requests []item   `xml:"request"`
	}{Requests: []item{{ID: d.ID, Token: d.Token}}}
}

func (d tokenDoc) JSON() any {
	return []struct {
		ID    string `json:"service_request_id"`
		Token string `json:"token"`
	}{{ID: d.ID, Token: d.Token}}
}
