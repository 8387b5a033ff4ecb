package cases

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// DemoPDF returns a small, valid one-page PDF document showing title (in
// ASCII; other characters are dropped) and the words "synthetic demo
// material", for demo data and tests.
func DemoPDF(title string) []byte {
	title = strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '(' || r == ')' || r == '\\' {
			return -1
		}
		return r
	}, title)
	text := fmt.Sprintf("BT /F1 18 Tf 72 720 Td (%s) Tj 0 -28 Td /F1 12 Tf (Pengcheng - synthetic demo material) Tj ET", title)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// SampleForm returns valid values for every field of it's form for an
// application by applicant, with phone as the contact number and at as
// the reference date: names and numbers from the applicant, the first
// option of select fields (the applicant's kind for applicant_kind),
// dates a month before at, numbers 1, and texts marked 演示.
func SampleForm(it *catalog.Item, applicant Party, phone string, at time.Time) map[string]string {
	out := map[string]string{}
	person := applicant.Kind != catalog.ApplicantEnterprise
	sampleID := "44030619900101123"
	sampleID += string(identity.IDCheckChar(sampleID))
	for _, f := range it.FormFields {
		var v string
		switch {
		case f.Type == catalog.FieldIDNumber && person:
			v = applicant.Number
		case f.Type == catalog.FieldIDNumber:
			v = sampleID
		case f.Type == catalog.FieldPhone:
			v = phone
		case f.Type == catalog.FieldDate:
			v = at.AddDate(0, -1, 0).In(chinaTime).Format("2006-01-02")
		case f.Type == catalog.FieldNumber:
			v = "1"
		case f.Type == catalog.FieldSelect:
			v = f.Options[0].Value
			for _, o := range f.Options {
				if f.Name == "applicant_kind" && o.Value == string(applicant.Kind) {
					v = o.Value
				}
			}
		case f.Name == "uscc" && !person, f.Name == "credit_code" && !person:
			v = applicant.Number
		case strings.Contains(f.Name, "name"):
			v = applicant.Name
		default:
			v = "（演示）" + f.LabelZH
		}
		if f.Type == catalog.FieldText && len([]rune(v)) > f.Limit() {
			v = string([]rune(v)[:f.Limit()])
		}
		out[f.Name] = v
	}
	return out
}

// Story is one application's life, for seeding demo data: who applies for
// what, when, and how far it gets.
type Story struct {
	ItemCode string
	// Filer submits: a person (for themselves, or as an agent when
	// Principal is set), an enterprise, or a caseworker at a window for
	// the visitor Principal.
	Filer     *identity.Account
	Principal *Party
	Channel   Channel // online or mobile for citizens; ignored for window clerks
	// Caseworker handles it in the item's department.
	Caseworker  *identity.Account
	SubmittedAt time.Time
	// Outcome is the state the story ends in: Submitted, Correction,
	// NotAccepted, Accepted, UnderReview, Approved, Rejected, Delivered,
	// Closed or Withdrawn.
	Outcome State
	// Corrected: returned for correction once and resubmitted first.
	Corrected bool
	// Pace is the working time between two steps; defaults to 4 hours.
	Pace time.Duration
	// Delivery is the choice for items with a paper result; defaults to
	// pick-up at the first hall.
	Delivery Delivery
	// TrackingNo is the waybill number of a posted result.
	TrackingNo string
	// Until, when set, ends the story early: no step is taken after it
	// (the application stays where it got to, as a story still running
	// "now" would).
	Until time.Time
}

// errStop ends a replayed story at its Until.
var errStop = errors.New("story reached its end time")

// Replay plays a story through the service with a clock that starts at
// SubmittedAt and advances by Pace between steps (moving to 9:00 of the
// next working day when it leaves office hours), so the application, its
// serial number, trace and deadline are exactly what the real steps would
// have produced. It uploads DemoPDF documents as materials and sends no
// notices (the history is not news to anybody).
func (s *Service) Replay(ctx context.Context, st Story) (*Application, error) {
	app, err := s.replay(ctx, st)
	if errors.Is(err, errStop) {
		return app, nil
	}
	return app, err
}

func (s *Service) replay(ctx context.Context, st Story) (*Application, error) {
	if st.Pace <= 0 {
		st.Pace = 4 * time.Hour
	}
	clock := st.SubmittedAt.UTC()
	svc := s.WithClock(func() time.Time { return clock })
	svc.d.Notifier = nil
	stopped := false
	step := func() {
		clock = s.officeHours(clock.Add(st.Pace))
		stopped = stopped || !st.Until.IsZero() && clock.After(st.Until)
	}
	it, err := s.d.Catalog.FindItem(ctx, st.ItemCode)
	if err != nil {
		return nil, err
	}
	app, err := svc.Submit(ctx, st.Filer, storySubmission(it, st, s.d.Halls))
	if err != nil {
		return nil, fmt.Errorf("replay %s: submit: %w", st.ItemCode, err)
	}
	act := func(a Action, in ActionInput) error {
		if step(); stopped {
			return errStop
		}
		in.Action = a
		next, err := svc.Act(ctx, st.Caseworker, app.Serial, in)
		if err != nil {
			return fmt.Errorf("replay %s: %s: %w", app.Serial, a, err)
		}
		app = next
		return nil
	}
	if st.Corrected || st.Outcome == Correction {
		if err := act(ActReturn, ActionInput{Items: []string{"材料扫描件不清晰，请重新上传"}}); err != nil {
			return nil, err
		}
		if st.Outcome == Correction {
			return app, nil
		}
		if step(); stopped {
			return app, errStop
		}
		next, err := svc.Resubmit(ctx, st.Filer, app.Serial, Amendment{Materials: storyMaterials(it, false)})
		if err != nil {
			return nil, fmt.Errorf("replay %s: resubmit: %w", app.Serial, err)
		}
		app = next
	}
	return app, svc.playDecision(ctx, st, &app, act, func() bool { step(); return stopped })
}

// playDecision continues a replayed story from submitted to its outcome.
func (s *Service) playDecision(ctx context.Context, st Story, app **Application, act func(Action, ActionInput) error, step func() bool) error {
	switch st.Outcome {
	case Submitted:
		return nil
	case Withdrawn:
		if step() {
			return errStop
		}
		a, err := s.Act(ctx, st.Filer, (*app).Serial, ActionInput{Action: ActWithdraw, Reason: "不再需要办理"})
		if err == nil {
			*app = a
		}
		return err
	case NotAccepted:
		return act(ActRefuse, ActionInput{Reason: "申请事项不属于本部门职权范围（演示）"})
	}
	path := []Action{ActAccept, ActReview}
	switch st.Outcome {
	case Approved, Delivered, Closed:
		path = append(path, ActApprove)
	case Rejected:
		path = append(path, ActReject)
	}
	for _, a := range path {
		in := ActionInput{}
		if a == ActReject {
			in.Reason = "申请材料不符合法定条件（演示）"
		}
		if err := act(a, in); err != nil {
			return err
		}
		if (*app).State == st.Outcome {
			return nil
		}
	}
	if (*app).Delivery.Method == Post {
		if err := act(ActShip, ActionInput{TrackingNo: st.TrackingNo}); err != nil {
			return err
		}
		if err := act(ActTrack, ActionInput{Status: Received}); err != nil {
			return err
		}
	} else if err := act(ActDeliver, ActionInput{}); err != nil {
		return err
	}
	if st.Outcome == Closed {
		return act(ActClose, ActionInput{})
	}
	return nil
}

// officeHours moves t to 9:00 China time of the next working day when it
// falls outside 9:00–18:00 of a working day.
func (s *Service) officeHours(t time.Time) time.Time {
	c := t.In(chinaTime)
	if s.d.Calendar.IsWorkingDay(c) && c.Hour() >= 9 && c.Hour() < 18 {
		return t
	}
	d := startOfDay(c)
	if c.Hour() >= 9 || !s.d.Calendar.IsWorkingDay(c) {
		d = d.AddDate(0, 0, 1)
	}
	for !s.d.Calendar.IsWorkingDay(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d.Add(9 * time.Hour).UTC()
}

// storySubmission builds a valid submission of it for a story.
func storySubmission(it *catalog.Item, st Story, halls []Hall) Submission {
	who := Party{Kind: catalog.ApplicantPerson, Name: st.Filer.DisplayName, Number: st.Filer.IDNumber}
	if st.Filer.Kind == identity.Enterprise {
		who = Party{Kind: catalog.ApplicantEnterprise, Name: st.Filer.DisplayName, Number: st.Filer.USCC}
	}
	if st.Principal != nil {
		who = *st.Principal
	}
	phone := st.Filer.Phone
	if phone == "" || st.Filer.Kind == identity.Staff {
		phone = "13800138000"
	}
	sub := Submission{ItemCode: it.Code, Channel: st.Channel, Form: SampleForm(it, who, phone, st.SubmittedAt),
		Principal: st.Principal, Delivery: st.Delivery, Materials: storyMaterials(it, st.Principal != nil && st.Filer.Kind == identity.Person)}
	if sub.Delivery.Method == "" && len(halls) > 0 {
		sub.Delivery = Delivery{Method: Pickup, Hall: halls[0].Code}
	}
	return sub
}

// storyMaterials supplies a DemoPDF for every upload and licence material
// of it, and a mandate for agents.
func storyMaterials(it *catalog.Item, agent bool) []MaterialInput {
	var out []MaterialInput
	for i, m := range it.Materials {
		if m.Source == catalog.SourceExchange {
			continue
		}
		out = append(out, MaterialInput{Material: m.Name, FileName: fmt.Sprintf("material-%d.pdf", i+1),
			Content: bytes.NewReader(DemoPDF(fmt.Sprintf("%s material %d", it.Code, i+1)))})
	}
	if agent {
		out = append(out, MaterialInput{Material: MandateMaterial, FileName: "mandate.pdf",
			Content: bytes.NewReader(DemoPDF("Mandate (power of attorney)"))})
	}
	return out
}
