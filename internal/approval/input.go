package approval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Input is what an evaluation decides on: the application as the rules
// see it (input.<field> in expressions). It is also the dry run's input
// file.
type Input struct {
	// Channel is individual (the graduate applies), employer (the
	// receiving employer applies) or agency (a licensed talent agency
	// applies with a mandate).
	Channel string `json:"channel"`
	// AppliedOn is the application's date, YYYY-MM-DD (China time).
	AppliedOn string    `json:"applied_on"`
	Applicant Applicant `json:"applicant"`
	Education Education `json:"education"`
	// EmployerUSCC and AgencyUSCC are credit codes, by channel.
	EmployerUSCC string `json:"employer_uscc"`
	AgencyUSCC   string `json:"agency_uscc"`
	// Materials are the ids of the materials supplied (id_card,
	// graduation_certificate, degree_certificate, verification_report,
	// mandate …).
	Materials []string `json:"materials"`
	// Form holds the application form's other values.
	Form map[string]string `json:"form,omitempty"`
}

// Applicant is the person an application is about.
type Applicant struct {
	IDNumber string `json:"id_number"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
}

// Education is what the applicant says of their diploma.
type Education struct {
	CertificateNo       string `json:"certificate_no"`
	DegreeCertificateNo string `json:"degree_certificate_no"`
	VerificationCode    string `json:"verification_code"`
}

// The channels of an application.
const (
	ChannelIndividual = "individual"
	ChannelEmployer   = "employer"
	ChannelAgency     = "agency"
)

// Limits of an input.
const (
	maxInputBytes   = 16 << 10
	maxInputText    = 200
	maxInputEntries = 50
)

// ParseInput reads an input file (JSON, unknown fields refused) and checks
// it: a channel, a date, texts of sane length. The rules judge the rest
// (an invalid identity number is a rule's failure, not a malformed input).
func ParseInput(data []byte) (*Input, error) {
	if len(data) > maxInputBytes {
		return nil, errs.Field("input", "approval.input_size", "输入过大", "the input is too large")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var in Input
	if err := dec.Decode(&in); err != nil {
		return nil, &errs.Error{Kind: errs.Invalid, Code: "approval.input_json", Field: "input",
			Msg: "输入不是有效的 JSON：" + err.Error(), MsgEN: "the input is not valid JSON: " + err.Error(), Err: err}
	}
	if dec.More() {
		return nil, errs.Field("input", "approval.input_json", "输入只能包含一个 JSON 对象", "the input is one JSON object")
	}
	if err := in.Check(); err != nil {
		return nil, err
	}
	return &in, nil
}

// Check validates an input's form (not its truth).
func (in *Input) Check() error {
	switch in.Channel {
	case ChannelIndividual, ChannelEmployer, ChannelAgency:
	default:
		return errs.Field("channel", "approval.channel", "申报渠道应为 individual、employer 或 agency",
			"channel is individual, employer or agency")
	}
	if _, err := time.Parse(time.DateOnly, in.AppliedOn); err != nil {
		return errs.Field("applied_on", "approval.applied_on", "申请日期应为 YYYY-MM-DD", "applied_on is a date YYYY-MM-DD")
	}
	texts := map[string]string{"applicant.id_number": in.Applicant.IDNumber, "applicant.name": in.Applicant.Name,
		"applicant.phone": in.Applicant.Phone, "education.certificate_no": in.Education.CertificateNo,
		"education.degree_certificate_no": in.Education.DegreeCertificateNo,
		"education.verification_code":     in.Education.VerificationCode,
		"employer_uscc":                   in.EmployerUSCC, "agency_uscc": in.AgencyUSCC}
	for k, v := range in.Form {
		texts["form."+k] = v
	}
	for field, v := range texts {
		if utf8.RuneCountInString(v) > maxInputText || !utf8.ValidString(v) {
			return errs.Field(field, "approval.input_text", fmt.Sprintf("%s 过长或不是有效文本（不超过 %d 字）", field, maxInputText),
				fmt.Sprintf("%s is too long or not valid text (at most %d characters)", field, maxInputText))
		}
	}
	if len(in.Materials) > maxInputEntries || len(in.Form) > maxInputEntries {
		return errs.Field("materials", "approval.input_size", "材料或表单项过多", "too many materials or form values")
	}
	for _, m := range in.Materials {
		if !identRE.MatchString(m) {
			return errs.Field("materials", "approval.material_id", "材料标识无效："+clip(m, 40), "invalid material id: "+clip(m, 40))
		}
	}
	return nil
}

// Map returns the input as the rules see it: every field present (empty
// strings for what was not given), names as in the JSON form, identity
// numbers and codes trimmed and upper-cased.
func (in *Input) Map() map[string]any {
	mats := make([]string, len(in.Materials))
	copy(mats, in.Materials)
	slices.Sort(mats)
	form := make(map[string]string, len(in.Form))
	for k, v := range in.Form {
		form[k] = v
	}
	up := func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
	return map[string]any{
		"channel":    in.Channel,
		"applied_on": in.AppliedOn,
		"applicant": map[string]string{"id_number": up(in.Applicant.IDNumber), "name": strings.TrimSpace(in.Applicant.Name),
			"phone": strings.TrimSpace(in.Applicant.Phone)},
		"education": map[string]string{"certificate_no": strings.TrimSpace(in.Education.CertificateNo),
			"degree_certificate_no": strings.TrimSpace(in.Education.DegreeCertificateNo),
			"verification_code":     strings.TrimSpace(in.Education.VerificationCode)},
		"employer_uscc": up(in.EmployerUSCC),
		"agency_uscc":   up(in.AgencyUSCC),
		"materials":     mats,
		"form":          form,
	}
}

// clip shortens s to n characters for messages.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
