package cases_test

import (
	"bytes"
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casestest"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/dbtest"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// withForm returns the default form of the item for actor with changes;
// an empty value removes the field.
func withForm(actor *identity.Account, code string, changes map[string]string) map[string]string {
	f := casestest.Submission(actor, &casestest.SubmitOpts{Item: &code}).Form
	for k, v := range changes {
		if v == "" {
			delete(f, k)
		} else {
			f[k] = v
		}
	}
	return f
}

// without returns the default materials of the item without one.
func without(code, material string) []cases.MaterialInput {
	var out []cases.MaterialInput
	for _, m := range casestest.Materials(code, false) {
		if m.Material != material {
			out = append(out, m)
		}
	}
	return out
}

// replacing returns the default materials of the item with one replaced.
func replacing(code string, agent bool, in cases.MaterialInput) []cases.MaterialInput {
	out := []cases.MaterialInput{in}
	for _, m := range casestest.Materials(code, agent) {
		if m.Material != in.Material {
			out = append(out, m)
		}
	}
	return out
}

func TestSubmitRefusesBadInputAndStoresNothing(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		hukou, filing := casestest.ItemHukou, casestest.ItemFiling
		big := append(casestest.PDF("big"), bytes.Repeat([]byte("x"), casestest.MaxUpload)...)
		tests := []struct {
			name  string
			actor *identity.Account
			sub   func() cases.Submission
			kind  errs.Kind
			code  string
			field string
		}{
			{"unknown item", b.citizen, func() cases.Submission {
				s := casestest.Submission(b.citizen, nil)
				s.ItemCode = "4403-NONE-001"
				return s
			}, errs.NotFound, "item.not_found", ""},
			{"required field missing", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Form: withForm(b.citizen, hukou, map[string]string{"school": ""})})
			}, errs.Invalid, "form.required", "school"},
			{"blank required field", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Form: withForm(b.citizen, hukou, map[string]string{"school": "   "})})
			}, errs.Invalid, "form.required", "school"},
			{"text too long", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Form: withForm(b.citizen, hukou, map[string]string{"applicant_name": strings.Repeat("名", 21)})})
			}, errs.Invalid, "form.too_long", "applicant_name"},
			{"not a number", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Form: withForm(b.citizen, hukou, map[string]string{"family": "two"})})
			}, errs.Invalid, "form.format", "family"},
			{"not a date", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Form: withForm(b.citizen, hukou, map[string]string{"graduated": "2026-02-30"})})
			}, errs.Invalid, "form.format", "graduated"},
			{"option not offered", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Form: withForm(b.citizen, hukou, map[string]string{"degree": "phd"})})
			}, errs.Invalid, "form.format", "degree"},
			{"bad identity number", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Form: withForm(b.citizen, hukou, map[string]string{"id_number": "440306199001011230"})})
			}, errs.Invalid, "form.format", "id_number"},
			{"bad phone", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Form: withForm(b.citizen, hukou, map[string]string{"phone": "12345"})})
			}, errs.Invalid, "form.format", "phone"},
			{"unknown field", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Form: withForm(b.citizen, hukou, map[string]string{"salary": "1000000"})})
			}, errs.Invalid, "form.unknown", "salary"},
			{"required upload missing", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Materials: without(hukou, "毕业证书")})
			}, errs.Invalid, "case.material_missing", "material_1"},
			{"licence material missing", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Materials: without(hukou, "居民身份证")})
			}, errs.Invalid, "case.material_missing", "material_0"},
			{"licence reference not yet possible", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Materials: replacing(hukou, false,
					cases.MaterialInput{Material: "居民身份证", LicenceRef: "licence-123"})})
			}, errs.Invalid, "case.licence_unavailable", "material_0"},
			{"exchange material supplied", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Materials: append(casestest.Materials(hukou, false),
					cases.MaterialInput{Material: "户口簿", Content: bytes.NewReader(casestest.PDF("x"))})})
			}, errs.Invalid, "case.material_exchange", "material_2"},
			{"unknown material", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Materials: append(casestest.Materials(hukou, false),
					cases.MaterialInput{Material: "工资单", Content: bytes.NewReader(casestest.PDF("x"))})})
			}, errs.Invalid, "case.material_unknown", "materials"},
			{"a program renamed .pdf", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Materials: replacing(hukou, false,
					cases.MaterialInput{Material: "毕业证书", FileName: "diploma.pdf", Content: bytes.NewReader(casestest.EXE)})})
			}, errs.Invalid, "file.type", "material_1"},
			{"oversized, size known", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Materials: replacing(hukou, false,
					cases.MaterialInput{Material: "毕业证书", Content: bytes.NewReader(big), Size: int64(len(big))})})
			}, errs.Invalid, "file.too_large", "material_1"},
			{"oversized, size unknown", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Materials: replacing(hukou, false,
					cases.MaterialInput{Material: "毕业证书", Content: bytes.NewReader(big)})})
			}, errs.Invalid, "file.too_large", "material_1"},
			{"unknown blob", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Materials: replacing(hukou, false,
					cases.MaterialInput{Material: "毕业证书", Blob: strings.Repeat("ab", 32)})})
			}, errs.Invalid, "case.blob_unknown", "material_1"},
			{"agent without mandate", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Principal: &cases.Party{Name: "王老五", Number: principalID},
					Materials: casestest.Materials(hukou, false)})
			}, errs.Invalid, "case.material_missing", "mandate"},
			{"mandate without agency", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Materials: casestest.Materials(hukou, true)})
			}, errs.Invalid, "case.mandate_unexpected", "mandate"},
			{"agent for themselves", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Principal: &cases.Party{Name: "张三", Number: b.citizen.IDNumber}})
			}, errs.Invalid, "case.agent_self", "principal_number"},
			{"agent with a bad principal number", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Principal: &cases.Party{Name: "王老五", Number: "123"}})
			}, errs.Invalid, "idnumber.length", "principal_number"},
			{"agent for an enterprise", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Principal: &cases.Party{Kind: catalog.ApplicantEnterprise,
					Name: "某公司", Number: b.company.USCC}})
			}, errs.Invalid, "case.principal_kind", "principal_kind"},
			{"person applies for an enterprise item", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Item: ptr(casestest.ItemLicence)})
			}, errs.Invalid, "case.applicant_kind", "item"},
			{"enterprise applies for a person item", b.company, func() cases.Submission {
				return casestest.Submission(b.company, &casestest.SubmitOpts{Item: ptr(hukou)})
			}, errs.Invalid, "case.applicant_kind", "item"},
			{"citizen picks the window channel", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Channel: ptr(cases.Window)})
			}, errs.Invalid, "case.channel", "channel"},
			{"staff without the caseworker role", b.adminA, func() cases.Submission {
				return casestest.Submission(b.adminA, &casestest.SubmitOpts{Principal: visitor})
			}, errs.Forbidden, "case.staff_submit", ""},
			{"window clerk without a visitor", b.workerA, func() cases.Submission {
				return casestest.Submission(b.workerA, &casestest.SubmitOpts{Form: withForm(b.citizen, hukou, nil)})
			}, errs.Invalid, "case.visitor_missing", "principal_name"},
			{"no delivery choice", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Delivery: &cases.Delivery{}})
			}, errs.Invalid, "delivery.method", "delivery_method"},
			{"unknown hall", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Delivery: &cases.Delivery{Method: cases.Pickup, Hall: "NOWHERE"}})
			}, errs.Invalid, "delivery.hall", "hall"},
			{"post without recipient", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Delivery: &cases.Delivery{Method: cases.Post,
					Phone: "13800138000", Address: "深圳市宝安区新安街道 1 号"}})
			}, errs.Invalid, "delivery.recipient", "recipient"},
			{"post with a bad phone", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Delivery: &cases.Delivery{Method: cases.Post,
					Recipient: "张三", Phone: "0755-1234", Address: "深圳市宝安区新安街道 1 号"}})
			}, errs.Invalid, "phone.format", "delivery_phone"},
			{"post with a short address", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Delivery: &cases.Delivery{Method: cases.Post,
					Recipient: "张三", Phone: "13800138000", Address: "深圳"}})
			}, errs.Invalid, "delivery.address", "address"},
			{"post with a bad postcode", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Delivery: &cases.Delivery{Method: cases.Post,
					Recipient: "张三", Phone: "13800138000", Address: "深圳市宝安区新安街道 1 号", Postcode: "5181"}})
			}, errs.Invalid, "delivery.postcode", "postcode"},
			{"filing form refuses unknown fields too", b.citizen, func() cases.Submission {
				return casestest.Submission(b.citizen, &casestest.SubmitOpts{Item: &filing, Form: withForm(b.citizen, filing, map[string]string{"x": "1"})})
			}, errs.Invalid, "form.unknown", "x"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := b.Cases.Submit(context.Background(), tt.actor, tt.sub())
				e := errs.As(err)
				if e == nil || e.Kind != tt.kind || e.Code != tt.code || e.Field != tt.field {
					t.Fatalf("got %v (%+v), want %v %s on field %q", err, e, tt.kind, tt.code, tt.field)
				}
				if e.Msg == "" || e.MsgEN == "" {
					t.Errorf("error lacks a message: %+v", e)
				}
			})
		}
		if n := b.Count(t); n != 0 {
			t.Errorf("%d applications stored by refused submissions", n)
		}
		if n := b.StoredFiles(t); n != 0 {
			t.Errorf("%d files stored by refused submissions", n)
		}
	})
}

func TestSubmitWhoAppliesThroughWhichChannel(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		tests := []struct {
			name    string
			actor   *identity.Account
			opts    *casestest.SubmitOpts
			rep     cases.Representation
			channel cases.Channel
			who     cases.Party
			agent   string // agent account
		}{
			{"a person for themselves", b.citizen, nil, cases.Self, cases.Online,
				cases.Party{Kind: catalog.ApplicantPerson, Name: "张三", Number: b.citizen.IDNumber, AccountID: b.citizen.ID}, ""},
			{"a person on the mobile app", b.citizen, &casestest.SubmitOpts{Channel: ptr(cases.Mobile)}, cases.Self, cases.Mobile,
				cases.Party{Kind: catalog.ApplicantPerson, Name: "张三", Number: b.citizen.IDNumber, AccountID: b.citizen.ID}, ""},
			{"an agent for a registered person", b.citizen, &casestest.SubmitOpts{Principal: &cases.Party{Name: "王老五", Number: strings.ToLower(principalID)}},
				cases.ThroughAgent, cases.Online,
				cases.Party{Kind: catalog.ApplicantPerson, Name: "王老五", Number: principalID, AccountID: b.principal.ID}, b.citizen.ID},
			{"an agent for a person without an account", b.citizen, &casestest.SubmitOpts{Principal: visitor},
				cases.ThroughAgent, cases.Online, *visitor, b.citizen.ID},
			{"an enterprise", b.company, nil, cases.ForCompany, cases.Online,
				cases.Party{Kind: catalog.ApplicantEnterprise, Name: "鹏城测试有限公司", Number: b.company.USCC, AccountID: b.company.ID}, ""},
			{"a window clerk for a walk-in visitor", b.workerA, &casestest.SubmitOpts{Principal: visitor}, cases.Self, cases.Window, *visitor, ""},
			{"a window clerk for a registered enterprise", b.workerB, &casestest.SubmitOpts{Item: ptr(casestest.ItemLicence),
				Principal: &cases.Party{Kind: catalog.ApplicantEnterprise, Name: "鹏城测试有限公司", Number: b.company.USCC}},
				cases.ForCompany, cases.Window,
				cases.Party{Kind: catalog.ApplicantEnterprise, Name: "鹏城测试有限公司", Number: b.company.USCC, AccountID: b.company.ID}, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				app := casestest.Submit(t, b.Env, tt.actor, tt.opts)
				if app.Representation != tt.rep || app.Channel != tt.channel || app.Applicant != tt.who ||
					app.Agent.AccountID != tt.agent || app.FiledBy != tt.actor.ID || app.State != cases.Submitted {
					t.Errorf("got %s %s %+v agent %q filed by %s, state %s; want %s %s %+v agent %q filed by %s",
						app.Representation, app.Channel, app.Applicant, app.Agent.AccountID, app.FiledBy, app.State,
						tt.rep, tt.channel, tt.who, tt.agent, tt.actor.ID)
				}
				if _, err := cases.ParseSerial(app.Serial); err != nil || app.Serial[:6] != "440300" {
					t.Errorf("serial %s: %v", app.Serial, err)
				}
			})
		}
		// The principal sees the application filed for them; the agent too.
		list, _, err := b.Cases.MyApplications(ctx, b.principal, cases.Filter{})
		if err != nil || len(list) != 1 || list[0].Representation != cases.ThroughAgent {
			t.Errorf("principal's applications = %v, %v", list, err)
		}
	})
}

func TestSubmitStoresMaterials(t *testing.T) {
	t.Parallel()
	dbtest.ForEachDialect(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		// A PDF named .jpg is stored as a PDF; a PNG and a JPEG are taken as
		// they are; the exchange material needs nothing.
		mats := []cases.MaterialInput{
			{Material: "居民身份证", FileName: `C:\Users\张三\身份证.png`, Content: bytes.NewReader(casestest.PNG)},
			{Material: "毕业证书", FileName: "diploma.jpg", Content: bytes.NewReader(casestest.PDF("diploma"))},
			{Material: "其他证明材料", Content: bytes.NewReader(casestest.JPEG)},
		}
		app := casestest.Submit(t, b.Env, b.citizen, &casestest.SubmitOpts{Materials: mats})
		want := []struct {
			material, kind, typ, name string
		}{
			{"居民身份证", "upload", files.PNG, "身份证.png"},
			{"毕业证书", "upload", files.PDF, "diploma.jpg"},
			{"户口簿", "exchange", "", ""},
			{"其他证明材料", "upload", files.JPEG, "其他证明材料.jpg"},
		}
		if len(app.Materials) != len(want) {
			t.Fatalf("materials = %+v", app.Materials)
		}
		for i, w := range want {
			a := app.Materials[i]
			if a.Material != w.material || string(a.Kind) != w.kind || a.ContentType != w.typ || a.FileName != w.name {
				t.Errorf("material %d = %+v, want %+v", i, a, w)
			}
		}
		// The uploaded blob can be referenced by a second submission (the API's way).
		again := casestest.Submit(t, b.Env, b.citizen, &casestest.SubmitOpts{Materials: []cases.MaterialInput{
			{Material: "居民身份证", Blob: app.Materials[0].SHA256},
			{Material: "毕业证书", Blob: app.Materials[1].SHA256, FileName: "d.pdf"},
		}})
		if again.Materials[1].SHA256 != app.Materials[1].SHA256 || again.Materials[1].ContentType != files.PDF {
			t.Errorf("blob reference = %+v", again.Materials[1])
		}
		if n := b.StoredFiles(t); n != 3 {
			t.Errorf("stored files = %d, want 3 (deduplicated)", n)
		}
		// Filings have an electronic result whatever was chosen.
		filing := casestest.Submit(t, b.Env, b.citizen, &casestest.SubmitOpts{Item: ptr(casestest.ItemFiling),
			Delivery: &cases.Delivery{Method: cases.Post}})
		if filing.Delivery.Method != cases.Electronic {
			t.Errorf("filing delivery = %+v, want electronic", filing.Delivery)
		}
		post := casestest.Submit(t, b.Env, b.citizen, &casestest.SubmitOpts{Delivery: &cases.Delivery{Method: cases.Post,
			Recipient: " 张三 ", Phone: "+86 138-0013-8000", Address: "深圳市宝安区  新安街道 1 号", Postcode: "518101"}})
		if d := post.Delivery; d.Recipient != "张三" || d.Phone != "13800138000" || d.Address != "深圳市宝安区 新安街道 1 号" {
			t.Errorf("post delivery = %+v", d)
		}
		form := maps.Clone(app.Form)
		if form["id_number"] != b.citizen.IDNumber || app.ContactPhone != "13800138000" {
			t.Errorf("form %v, contact %s", form, app.ContactPhone)
		}
		_ = ctx
	})
}
