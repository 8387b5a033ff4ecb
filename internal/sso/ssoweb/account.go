package ssoweb

import (
	"net/http"

	"github.com/pengcheng-gov/pengcheng/internal/sso"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// authorizationsPath is where people review and withdraw the consents
// they gave to departments' systems.
const authorizationsPath = "/account/authorizations"

// authorizationsData is the page's data.
type authorizationsData struct {
	Items []sso.Authorization
}

func (p *Provider) authorizations(w http.ResponseWriter, r *http.Request) error {
	a := web.AccountFrom(r.Context())
	items, err := p.sso.Authorizations(r.Context(), a.ID)
	if err != nil {
		return err
	}
	return p.render.Page(w, r, http.StatusOK, "sso/authorizations", authorizationsData{Items: items})
}

// revokeAuthorization withdraws a consent and the client's tokens.
func (p *Provider) revokeAuthorization(w http.ResponseWriter, r *http.Request) error {
	a := web.AccountFrom(r.Context())
	if err := p.sso.RevokeConsent(r.Context(), a.ID, r.PathValue("client")); err != nil {
		return err
	}
	p.cookies.SetFlash(w, "sso.flash.revoked")
	http.Redirect(w, r, authorizationsPath, http.StatusSeeOther)
	return nil
}
