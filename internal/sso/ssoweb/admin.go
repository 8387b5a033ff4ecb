package ssoweb

import (
	"net/http"
	"slices"
	"strings"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// The administration pages: platform administrators register relying
// parties and configure upstream issuers.

func (p *Provider) adminRoutes(mux *http.ServeMux) {
	admin := web.RequireRole(identity.PlatformAdmin)
	handle := func(pattern string, h web.Handler) { mux.Handle(pattern, admin(h)) }
	handle("GET "+adminClientsPath, p.clientList)
	handle("GET "+adminClientsPath+"/new", p.clientNew)
	handle("POST "+adminClientsPath, p.clientCreate)
	handle("GET "+adminClientsPath+"/{id}", p.clientEdit)
	handle("POST "+adminClientsPath+"/{id}", p.clientUpdate)
	handle("POST "+adminClientsPath+"/{id}/secret", p.clientResetSecret)
	handle("POST "+adminClientsPath+"/{id}/delete", p.clientDelete)
	handle("GET "+adminFedPath, p.fedList)
	handle("GET "+adminFedPath+"/new", p.fedNew)
	handle("POST "+adminFedPath, p.fedCreate)
	handle("GET "+adminFedPath+"/{id}", p.fedEdit)
	handle("POST "+adminFedPath+"/{id}", p.fedUpdate)
}

// lines splits a textarea into its non-empty trimmed lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// clientListData is the client list's data.
type clientListData struct {
	Clients []*sso.Client
}

func (p *Provider) clientList(w http.ResponseWriter, r *http.Request) error {
	cs, err := p.sso.Clients(r.Context(), web.AccountFrom(r.Context()))
	if err != nil {
		return err
	}
	return p.render.Page(w, r, http.StatusOK, "sso/clients", clientListData{Clients: cs})
}

// clientFormData is the client form's data (new and edit).
type clientFormData struct {
	New         bool
	ID          string
	In          sso.ClientInput
	Redirects   string // one per line
	Logouts     string
	AllScopes   []string
	AllGrants   []sso.GrantType
	Err         error
	ErrField    string
	HasScope    func(string) bool
	HasGrant    func(sso.GrantType) bool
	SecretShown bool
}

func (p *Provider) clientForm(w http.ResponseWriter, r *http.Request, status int, d clientFormData) error {
	d.AllScopes, d.AllGrants = sso.KnownScopes, sso.KnownGrantTypes
	d.Redirects, d.Logouts = strings.Join(d.In.RedirectURIs, "\n"), strings.Join(d.In.PostLogoutRedirectURIs, "\n")
	d.HasScope = func(s string) bool { return slices.Contains(d.In.Scopes, s) }
	d.HasGrant = func(g sso.GrantType) bool { return slices.Contains(d.In.GrantTypes, g) }
	if e := errs.As(d.Err); e != nil {
		d.ErrField = e.Field
	}
	return p.render.Page(w, r, status, "sso/client_form", d)
}

func (p *Provider) clientNew(w http.ResponseWriter, r *http.Request) error {
	return p.clientForm(w, r, http.StatusOK, clientFormData{New: true, In: sso.ClientInput{
		Scopes: sso.DefaultScopes, GrantTypes: sso.DefaultGrantTypes}})
}

// clientInput reads the client form.
func clientInput(r *http.Request) sso.ClientInput {
	in := sso.ClientInput{
		ID: strings.TrimSpace(r.PostFormValue("id")), Name: r.PostFormValue("name"),
		Department:             strings.TrimSpace(r.PostFormValue("department")),
		RedirectURIs:           lines(r.PostFormValue("redirect_uris")),
		PostLogoutRedirectURIs: lines(r.PostFormValue("post_logout_redirect_uris")),
		Scopes:                 r.PostForm["scopes"],
		Public:                 r.PostFormValue("public") == "on",
		Disabled:               r.PostFormValue("disabled") == "on",
	}
	for _, g := range r.PostForm["grant_types"] {
		in.GrantTypes = append(in.GrantTypes, sso.GrantType(g))
	}
	if len(in.Scopes) == 0 {
		in.Scopes = []string{sso.ScopeOpenID}
	}
	return in
}

// secretData is the page that shows a new client secret once.
type secretData struct {
	Client *sso.Client
	Secret string
}

func (p *Provider) clientCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "form", "表单无法解析", "the form could not be read")
	}
	in := clientInput(r)
	c, secret, err := p.sso.CreateClient(r.Context(), web.AccountFrom(r.Context()), in)
	if errs.Is(err, errs.Invalid) {
		return p.clientForm(w, r, http.StatusUnprocessableEntity, clientFormData{New: true, In: in, Err: err})
	}
	if err != nil {
		return err
	}
	return p.render.Page(w, r, http.StatusOK, "sso/client_secret", secretData{Client: c, Secret: secret})
}

func (p *Provider) clientEdit(w http.ResponseWriter, r *http.Request) error {
	c, err := p.sso.Client(r.Context(), web.AccountFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return p.clientForm(w, r, http.StatusOK, clientFormData{ID: c.ID, In: sso.ClientInput{
		ID: c.ID, Name: c.Name, Department: c.Department, RedirectURIs: c.RedirectURIs,
		PostLogoutRedirectURIs: c.PostLogoutRedirectURIs, Scopes: c.Scopes, GrantTypes: c.GrantTypes,
		Public: c.Public, Disabled: c.Disabled,
	}})
}

func (p *Provider) clientUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "form", "表单无法解析", "the form could not be read")
	}
	id := r.PathValue("id")
	in := clientInput(r)
	old, err := p.sso.Client(r.Context(), web.AccountFrom(r.Context()), id)
	if err != nil {
		return err
	}
	in.Public = old.Public
	if _, err := p.sso.UpdateClient(r.Context(), web.AccountFrom(r.Context()), id, in); err != nil {
		if errs.Is(err, errs.Invalid) {
			in.ID = id
			return p.clientForm(w, r, http.StatusUnprocessableEntity, clientFormData{ID: id, In: in, Err: err})
		}
		return err
	}
	p.cookies.SetFlash(w, "sso.flash.client_saved")
	http.Redirect(w, r, adminClientsPath, http.StatusSeeOther)
	return nil
}

func (p *Provider) clientResetSecret(w http.ResponseWriter, r *http.Request) error {
	a := web.AccountFrom(r.Context())
	id := r.PathValue("id")
	secret, err := p.sso.ResetClientSecret(r.Context(), a, id)
	if err != nil {
		return err
	}
	c, err := p.sso.Client(r.Context(), a, id)
	if err != nil {
		return err
	}
	return p.render.Page(w, r, http.StatusOK, "sso/client_secret", secretData{Client: c, Secret: secret})
}

func (p *Provider) clientDelete(w http.ResponseWriter, r *http.Request) error {
	if err := p.sso.DeleteClient(r.Context(), web.AccountFrom(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	p.cookies.SetFlash(w, "sso.flash.client_deleted")
	http.Redirect(w, r, adminClientsPath, http.StatusSeeOther)
	return nil
}

// fedListData is the upstream issuers list's data.
type fedListData struct {
	Providers   []*sso.FederationProvider
	RedirectURI string // what to register at the upstream issuer
}

func (p *Provider) fedList(w http.ResponseWriter, r *http.Request) error {
	ps, err := p.sso.FederationProviders(r.Context(), web.AccountFrom(r.Context()))
	if err != nil {
		return err
	}
	return p.render.Page(w, r, http.StatusOK, "sso/federation", fedListData{Providers: ps, RedirectURI: p.issuer + fedCallbackPath})
}

// fedFormData is the upstream issuer form's data.
type fedFormData struct {
	New         bool
	ID          string
	In          sso.FederationProviderInput
	Scopes      string
	HasSecret   bool
	RedirectURI string
	Err         error
	ErrField    string
}

func (p *Provider) fedForm(w http.ResponseWriter, r *http.Request, status int, d fedFormData) error {
	d.Scopes, d.RedirectURI = strings.Join(d.In.Scopes, " "), p.issuer+fedCallbackPath
	if e := errs.As(d.Err); e != nil {
		d.ErrField = e.Field
	}
	return p.render.Page(w, r, status, "sso/federation_form", d)
}

func (p *Provider) fedNew(w http.ResponseWriter, r *http.Request) error {
	return p.fedForm(w, r, http.StatusOK, fedFormData{New: true, In: sso.FederationProviderInput{
		Scopes: []string{sso.ScopeOpenID, sso.ScopeProfile, sso.ScopeIDNumber}, IDNumberClaim: sso.ClaimIDNumber, Enabled: true}})
}

func fedInput(r *http.Request) sso.FederationProviderInput {
	return sso.FederationProviderInput{
		ID: strings.TrimSpace(r.PostFormValue("id")), Name: r.PostFormValue("name"), Issuer: r.PostFormValue("issuer"),
		ClientID: r.PostFormValue("client_id"), ClientSecret: strings.TrimSpace(r.PostFormValue("client_secret")),
		Scopes: strings.Fields(r.PostFormValue("scopes")), IDNumberClaim: r.PostFormValue("id_number_claim"),
		Enabled: r.PostFormValue("enabled") == "on",
	}
}

func (p *Provider) fedCreate(w http.ResponseWriter, r *http.Request) error {
	in := fedInput(r)
	if _, err := p.sso.CreateFederationProvider(r.Context(), web.AccountFrom(r.Context()), in); err != nil {
		if errs.Is(err, errs.Invalid) {
			in.ClientSecret = ""
			return p.fedForm(w, r, http.StatusUnprocessableEntity, fedFormData{New: true, In: in, Err: err})
		}
		return err
	}
	p.cookies.SetFlash(w, "sso.flash.federation_saved")
	http.Redirect(w, r, adminFedPath, http.StatusSeeOther)
	return nil
}

func (p *Provider) fedEdit(w http.ResponseWriter, r *http.Request) error {
	if _, err := p.sso.FederationProviders(r.Context(), web.AccountFrom(r.Context())); err != nil {
		return err
	}
	f, err := p.sso.FederationProvider(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return p.fedForm(w, r, http.StatusOK, fedFormData{ID: f.ID, HasSecret: f.ClientSecret != "", In: sso.FederationProviderInput{
		ID: f.ID, Name: f.Name, Issuer: f.Issuer, ClientID: f.ClientID, Scopes: f.Scopes,
		IDNumberClaim: f.IDNumberClaim, Enabled: f.Enabled}})
}

func (p *Provider) fedUpdate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	in := fedInput(r)
	if _, err := p.sso.UpdateFederationProvider(r.Context(), web.AccountFrom(r.Context()), id, in); err != nil {
		if errs.Is(err, errs.Invalid) {
			in.ID, in.ClientSecret = id, ""
			return p.fedForm(w, r, http.StatusUnprocessableEntity, fedFormData{ID: id, In: in, Err: err, HasSecret: true})
		}
		return err
	}
	p.cookies.SetFlash(w, "sso.flash.federation_saved")
	http.Redirect(w, r, adminFedPath, http.StatusSeeOther)
	return nil
}
