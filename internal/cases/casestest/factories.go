package casestest

import (
	"bytes"
	"context"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitytest"
)

// Sample documents of each accepted type, and one that is refused.
var (
	// JPEG starts with the JPEG SOI and JFIF markers.
	JPEG = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01}, bytes.Repeat([]byte{0x55}, 64)...)
	// PNG starts with the PNG signature and an IHDR chunk.
	PNG = append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'}, bytes.Repeat([]byte{1}, 64)...)
	// EXE is a Windows program's first bytes.
	EXE = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), bytes.Repeat([]byte{0}, 64)...)
)

// PDF returns a valid PDF document showing title.
func PDF(title string) []byte { return cases.DemoPDF(title) }

// SubmitOpts overrides the defaults of Submit; nil fields take valid
// values for the item.
type SubmitOpts struct {
	Item      *string // defaults to ItemHukou for persons and window clerks, ItemLicence for enterprises
	Channel   *cases.Channel
	Principal *cases.Party // agent's principal or window visitor
	Form      map[string]string
	Materials []cases.MaterialInput // replaces the default materials
	Delivery  *cases.Delivery       // defaults to pick-up at the first hall
}

// Applicant returns the party an application by actor with principal p
// names as applicant.
func Applicant(actor *identity.Account, p *cases.Party) cases.Party {
	switch {
	case p != nil:
		return *p
	case actor.Kind == identity.Enterprise:
		return cases.Party{Kind: catalog.ApplicantEnterprise, Name: actor.DisplayName, Number: actor.USCC}
	}
	return cases.Party{Kind: catalog.ApplicantPerson, Name: actor.DisplayName, Number: actor.IDNumber}
}

// Materials returns a PDF for every upload and licence material of the
// item, and a mandate when agent is set.
func Materials(code string, agent bool) []cases.MaterialInput {
	var out []cases.MaterialInput
	for _, m := range Item(code).Materials {
		if m.Source != catalog.SourceExchange {
			out = append(out, cases.MaterialInput{Material: m.Name, FileName: m.Name + ".pdf", Content: bytes.NewReader(PDF(m.Name))})
		}
	}
	if agent {
		out = append(out, cases.MaterialInput{Material: cases.MandateMaterial, FileName: "mandate.pdf", Content: bytes.NewReader(PDF("mandate"))})
	}
	return out
}

// Submission returns a valid submission by actor with the options.
func Submission(actor *identity.Account, o *SubmitOpts) cases.Submission {
	if o == nil {
		o = &SubmitOpts{}
	}
	code := ItemHukou
	if actor.Kind == identity.Enterprise {
		code = ItemLicence
	}
	if o.Item != nil {
		code = *o.Item
	}
	it := Item(code)
	sub := cases.Submission{ItemCode: code, Principal: o.Principal, Form: o.Form, Materials: o.Materials,
		Delivery: cases.Delivery{Method: cases.Pickup, Hall: cases.DefaultHalls()[0].Code}}
	if o.Channel != nil {
		sub.Channel = *o.Channel
	}
	if sub.Form == nil {
		sub.Form = cases.SampleForm(it, Applicant(actor, o.Principal), "13800138000", identitytest.Start)
	}
	if sub.Materials == nil {
		sub.Materials = Materials(code, o.Principal != nil && actor.Kind == identity.Person)
	}
	if o.Delivery != nil {
		sub.Delivery = *o.Delivery
	}
	return sub
}

// Submit submits a valid application by actor through the service and
// returns it.
func Submit(t testing.TB, e *Env, actor *identity.Account, o *SubmitOpts) *cases.Application {
	t.Helper()
	app, err := e.Cases.Submit(context.Background(), actor, Submission(actor, o))
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return app
}

// Advance takes the application through the caseworker's steps until it
// reaches state to (accepted, under_review, approved, rejected, delivered
// or closed); posted results are shipped and tracked to delivery.
func Advance(t testing.TB, e *Env, app *cases.Application, worker *identity.Account, to cases.State) *cases.Application {
	t.Helper()
	ctx := context.Background()
	path := map[cases.State][]cases.ActionInput{
		cases.Accepted:    {{Action: cases.ActAccept}},
		cases.UnderReview: {{Action: cases.ActAccept}, {Action: cases.ActReview}},
		cases.Approved:    {{Action: cases.ActAccept}, {Action: cases.ActReview}, {Action: cases.ActApprove}},
		cases.Rejected:    {{Action: cases.ActAccept}, {Action: cases.ActReview}, {Action: cases.ActReject, Reason: "不符合条件"}},
	}
	steps, ok := path[to]
	if to == cases.Delivered || to == cases.Closed {
		steps, ok = path[cases.Approved], true
	}
	if !ok {
		t.Fatalf("Advance: cannot go to %s", to)
	}
	for _, in := range steps {
		var err error
		if app, err = e.Cases.Act(ctx, worker, app.Serial, in); err != nil {
			t.Fatalf("Advance %s: %s: %v", app.Serial, in.Action, err)
		}
	}
	var extra []cases.ActionInput
	if to == cases.Delivered || to == cases.Closed {
		if app.Delivery.Method == cases.Post {
			extra = append(extra, cases.ActionInput{Action: cases.ActShip, TrackingNo: "EMS1234567890"},
				cases.ActionInput{Action: cases.ActTrack, Status: cases.Received})
		} else {
			extra = append(extra, cases.ActionInput{Action: cases.ActDeliver})
		}
	}
	if to == cases.Closed {
		extra = append(extra, cases.ActionInput{Action: cases.ActClose})
	}
	for _, in := range extra {
		var err error
		if app, err = e.Cases.Act(ctx, worker, app.Serial, in); err != nil {
			t.Fatalf("Advance %s: %s: %v", app.Serial, in.Action, err)
		}
	}
	return app
}
