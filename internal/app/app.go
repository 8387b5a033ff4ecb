// Package app wires Pengcheng together: configuration → database → stores →
// services → HTTP. It is the only package that knows every module; the
// wiring is explicit, with no registries and no globals.
//
// [Open] builds everything but does not listen; [App.Serve] serves on a
// listener until its context ends, then shuts down gracefully; [App.Close]
// releases the database. Commands and end-to-end tests use the same path.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pengcheng-gov/pengcheng/internal/appointments"
	"github.com/pengcheng-gov/pengcheng/internal/appointments/appointmentssql"
	"github.com/pengcheng-gov/pengcheng/internal/appointments/appointmentsweb"
	"github.com/pengcheng-gov/pengcheng/internal/approval"
	"github.com/pengcheng-gov/pengcheng/internal/approval/approvalsql"
	"github.com/pengcheng-gov/pengcheng/internal/approval/approvalweb"
	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casessql"
	"github.com/pengcheng-gov/pengcheng/internal/cases/casesweb"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsearch"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogsql"
	"github.com/pengcheng-gov/pengcheng/internal/catalog/catalogweb"
	"github.com/pengcheng-gov/pengcheng/internal/command/commandweb"
	"github.com/pengcheng-gov/pengcheng/internal/config"
	"github.com/pengcheng-gov/pengcheng/internal/db"
	"github.com/pengcheng-gov/pengcheng/internal/demo"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/events/eventssql"
	"github.com/pengcheng-gov/pengcheng/internal/events/eventsweb"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311/open311sql"
	"github.com/pengcheng-gov/pengcheng/internal/events/open311/open311web"
	"github.com/pengcheng-gov/pengcheng/internal/exchange"
	"github.com/pengcheng-gov/pengcheng/internal/exchange/exchangesql"
	"github.com/pengcheng-gov/pengcheng/internal/exchange/exchangeweb"
	"github.com/pengcheng-gov/pengcheng/internal/files"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/grid/gridsql"
	"github.com/pengcheng-gov/pengcheng/internal/grid/gridweb"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identitysql"
	"github.com/pengcheng-gov/pengcheng/internal/identity/identityweb"
	"github.com/pengcheng-gov/pengcheng/internal/insights"
	"github.com/pengcheng-gov/pengcheng/internal/insights/insightssql"
	"github.com/pengcheng-gov/pengcheng/internal/insights/insightsweb"
	"github.com/pengcheng-gov/pengcheng/internal/notify"
	"github.com/pengcheng-gov/pengcheng/internal/notify/notifysql"
	"github.com/pengcheng-gov/pengcheng/internal/notify/notifyweb"
	"github.com/pengcheng-gov/pengcheng/internal/notify/smpp"
	"github.com/pengcheng-gov/pengcheng/internal/notify/smtp"
	"github.com/pengcheng-gov/pengcheng/internal/portal/portalweb"
	"github.com/pengcheng-gov/pengcheng/internal/sso"
	"github.com/pengcheng-gov/pengcheng/internal/sso/ssosql"
	"github.com/pengcheng-gov/pengcheng/internal/sso/ssoweb"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

// App is the wired platform.
type App struct {
	Config       config.Config
	Log          *slog.Logger
	DB           *db.DB
	Identity     *identity.Service
	Notify       *notify.Service
	SSO          *sso.Service
	Divisions    grid.Store
	Catalog      *catalog.Service
	Search       *catalogsearch.Engine
	Files        files.Store
	Cases        *cases.Service
	CaseStore    cases.Store
	Appointments *appointments.Service
	Insights     *insights.Service
	Exchange     *exchange.Service
	Approval     *approval.Service
	Grid         *grid.Service
	Events       *events.Service
	Open311      *open311.Service
	// Now is the clock every service uses.
	Now func() time.Time

	catalogStore *catalogsql.Store
	// eventPages end their live streams when the server shuts down.
	eventPages *eventsweb.Handlers
	// catalogReads caches the items and departments that applications read.
	catalogReads *catalog.ReadCache
	smsc         *smpp.Channel // nil without an SMS centre
	registry     *prometheus.Registry
	handler      http.Handler
}

// Open opens the database, applies migrations and builds every service and
// the HTTP handler. cfg must have been completed (config.Complete).
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid configuration:\n%w", err)
	}
	if strings.HasPrefix(cfg.DB, "sqlite:") {
		if err := cfg.EnsureDataDir(); err != nil {
			return nil, err
		}
	}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, DB: d, Now: time.Now}
	if err := a.build(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context) error {
	version, err := a.DB.Migrate(ctx)
	if err != nil {
		return err
	}
	a.Log.Info("database ready", slog.String("dialect", string(a.DB.Dialect())), slog.Int64("schema_version", version))

	gridStore := gridsql.New(a.DB)
	a.Divisions = gridStore
	a.Grid = grid.NewService(gridStore, a.Now, a.Log)
	identityStore := identitysql.New(a.DB)
	if err := a.buildNotify(identityStore); err != nil {
		return err
	}
	policy := identity.DefaultPolicy()
	policy.SessionTTL = a.Config.SessionTTL
	a.Identity = identity.NewService(identityStore, a.Notify, policy, a.Now, a.Log)
	if a.SSO, err = sso.NewService(ssosql.New(a.DB), a.Identity, sso.DefaultConfig(), a.Now, a.Log); err != nil {
		return err
	}
	if err := a.SSO.Start(ctx); err != nil {
		return err
	}

	a.catalogStore = catalogsql.New(a.DB)
	a.Catalog = catalog.NewService(a.catalogStore, a.Now, a.Log)
	a.catalogReads = catalog.NewReadCache(a.catalogStore, 2*time.Second)
	a.Catalog.OnChange(a.catalogReads.Invalidate)
	if a.Search, err = catalogsearch.New(a.Catalog, a.Log); err != nil {
		return err
	}
	a.Catalog.OnChange(a.Search.Invalidate)
	if a.Files, err = files.NewLocal(filepath.Join(a.Config.DataDir, "files")); err != nil {
		return err
	}
	a.CaseStore = casessql.New(a.DB)
	a.Cases, err = cases.NewService(cases.Deps{
		Store: a.CaseStore, Catalog: a.catalogReads, Accounts: a.Identity, Files: a.Files, Notifier: a.Notify,
		Throttle: identityStore, MaxUploadBytes: a.Config.MaxUploadBytes, Now: a.Now, Log: a.Log,
	})
	if err != nil {
		return err
	}
	if a.Insights, err = insights.NewService(insights.Deps{Store: insightssql.New(a.DB), Catalog: a.Catalog, Now: a.Now, Log: a.Log}); err != nil {
		return err
	}
	a.Exchange = exchange.NewService(exchangesql.New(a.DB), a.Now, a.Log)
	if a.Approval, err = approval.NewService(approval.Deps{Store: approvalsql.New(a.DB), Registries: a.Exchange,
		Catalog: a.catalogReads, Accounts: a.Identity, Cases: a.Cases, Now: a.Now, Log: a.Log}); err != nil {
		return err
	}
	if a.Events, err = events.NewService(events.Deps{Store: eventssql.New(a.DB), Grid: a.Grid, Files: a.Files,
		Departments: a.Catalog, Accounts: a.Identity, Now: a.Now, Log: a.Log}); err != nil {
		return err
	}
	if a.Open311, err = open311.NewService(open311.Deps{Store: open311sql.New(a.DB), Events: a.Events, Grid: a.Grid,
		Departments: a.Catalog, Now: a.Now, Log: a.Log}); err != nil {
		return err
	}
	a.Appointments = appointments.NewService(appointmentssql.New(a.DB), a.Notify, a.Catalog, appointments.Policy{}, a.Now, a.Log)
	return a.buildHTTP()
}

// buildNotify sets up the outbox and its channels: the SMS centre and the
// mail relay when configured, else the admin-visible outbox.
func (a *App) buildNotify(accounts notify.AccountFinder) error {
	store := notifysql.New(a.DB)
	channels := map[string]notify.Channel{}
	var err error
	if a.Config.SMPP.Enabled() {
		if a.smsc, err = smpp.New(a.Config.SMPP, store, a.Log); err != nil {
			return err
		}
		channels[notify.SMS] = a.smsc
	}
	if a.Config.SMTP.Enabled() {
		mail, err := smtp.New(a.Config.SMTP, a.Log)
		if err != nil {
			return err
		}
		channels[notify.Email] = mail
	}
	templates, err := notify.NewTemplates(notify.DefaultTemplates()...)
	if err != nil {
		return err
	}
	a.Notify, err = notify.New(notify.Config{Store: store, Channels: channels, Templates: templates,
		Now: a.Now, Log: a.Log, Accounts: accounts})
	return err
}

func (a *App) buildHTTP() error {
	a.registry = web.NewRegistry()
	srv, err := web.NewServer(web.Options{
		Log:      a.Log,
		Registry: a.registry,
		Sessions: a.Identity,
		Tokens:   a.SSO,
		Ready:    []web.Pinger{a.DB},
		Templates: []web.TemplateSet{identityweb.Templates(), ssoweb.Templates(), catalogweb.Templates(),
			casesweb.Templates(), appointmentsweb.Templates(), insightsweb.Templates(), portalweb.Templates(),
			notifyweb.Templates(), exchangeweb.Templates(), approvalweb.Templates(), commandweb.Templates(), eventsweb.Templates()},
		SecureCookies: a.Config.SecureCookies,
		DefaultLang:   a.Config.Lang,
		CSRFExempt:    append(ssoweb.CSRFExempt(), open311web.CSRFExempt()...),
		// A form may carry a few uploads of the configured size.
		MaxBody: 4*a.Config.MaxUploadBytes + 1<<20,
	})
	if err != nil {
		return err
	}
	provider, err := ssoweb.NewProvider(ssoweb.Options{
		Issuer: a.Config.BaseURL, SSO: a.SSO, Sessions: a.Identity,
		Renderer: srv.Renderer, Cookies: srv.Cookies, SessionTTL: a.Config.SessionTTL, Log: a.Log,
	})
	if err != nil {
		return err
	}
	pages, err := identityweb.New(identityweb.Deps{
		Identity: a.Identity, Renderer: srv.Renderer, Cookies: srv.Cookies,
		Federation: provider, Departments: a.catalogStore,
		Log: a.Log, Now: a.Now,
	})
	if err != nil {
		return err
	}
	catalogPages, err := catalogweb.New(catalogweb.Deps{Catalog: a.Catalog, Search: a.Search, Renderer: srv.Renderer, Cookies: srv.Cookies, Log: a.Log})
	if err != nil {
		return err
	}
	decisions := approvalweb.NewPanel(a.Approval)
	casePages, err := casesweb.New(casesweb.Deps{Cases: a.Cases, Catalog: a.catalogReads, Files: a.Files, Renderer: srv.Renderer,
		Cookies: srv.Cookies, Submitter: approval.Submitter{S: a.Approval}, Panel: decisions.Render, Log: a.Log})
	if err != nil {
		return err
	}
	apptPages, err := appointmentsweb.New(appointmentsweb.Deps{Service: a.Appointments, Renderer: srv.Renderer, Cookies: srv.Cookies, Log: a.Log})
	if err != nil {
		return err
	}
	insightPages, err := insightsweb.New(insightsweb.Deps{Insights: a.Insights, Renderer: srv.Renderer, Log: a.Log})
	if err != nil {
		return err
	}
	home, err := portalweb.New(portalweb.Deps{Insights: a.Insights, Renderer: srv.Renderer, Log: a.Log})
	if err != nil {
		return err
	}
	inbox, err := notifyweb.New(notifyweb.Deps{Notify: a.Notify, Renderer: srv.Renderer, Cookies: srv.Cookies, ShowCodes: a.Config.DevLogins})
	if err != nil {
		return err
	}
	inbox.Routes(srv.Mux)
	registries, err := exchangeweb.New(exchangeweb.Deps{Service: a.Exchange, Renderer: srv.Renderer, Cookies: srv.Cookies,
		Tokens: a.SSO, Departments: a.Catalog, Log: a.Log})
	if err != nil {
		return err
	}
	registries.Routes(srv.Mux)
	grids, err := gridweb.New(gridweb.Deps{Service: a.Grid, Log: a.Log})
	if err != nil {
		return err
	}
	grids.Routes(srv.Mux)
	command, err := commandweb.New(commandweb.Deps{Grid: a.Grid, Renderer: srv.Renderer, Now: a.Now, Log: a.Log})
	if err != nil {
		return err
	}
	command.Routes(srv.Mux)
	eventPages, err := eventsweb.New(eventsweb.Deps{Service: a.Events, Grid: a.Grid, Files: a.Files, Renderer: srv.Renderer,
		Cookies: srv.Cookies, Departments: a.Catalog, Accounts: a.Identity, MaxUploadBytes: a.Config.MaxUploadBytes, Log: a.Log})
	if err != nil {
		return err
	}
	eventPages.Routes(srv.Mux)
	a.eventPages = eventPages
	o311, err := open311web.New(open311web.Deps{Service: a.Open311, Files: a.Files, BaseURL: a.Config.BaseURL,
		MaxUploadBytes: a.Config.MaxUploadBytes, Log: a.Log})
	if err != nil {
		return err
	}
	o311.Routes(srv.Mux)
	pages.Routes(srv.Mux)
	provider.Routes(srv.Mux)
	insightPages.Routes(srv.Mux)
	home.Routes(srv.Mux)
	catalogPages.Routes(srv.Mux)
	casePages.Routes(srv.Mux)
	decisions.Routes(srv.Mux)
	rules, err := approvalweb.New(approvalweb.Deps{Service: a.Approval, Renderer: srv.Renderer, Cookies: srv.Cookies, Log: a.Log})
	if err != nil {
		return err
	}
	rules.Routes(srv.Mux)
	apptPages.Routes(srv.Mux)
	a.handler = srv
	return nil
}

// Handler returns the platform's HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// DemoDeps returns what the demo seed writes through.
func (a *App) DemoDeps() demo.Deps {
	return demo.Deps{Divisions: a.Divisions, Catalog: a.Catalog, Identity: a.Identity, Cases: a.Cases,
		CaseStore: a.CaseStore, Appointments: a.Appointments, Exchange: a.Exchange, Approval: a.Approval,
		CatalogStore: a.catalogStore, Grid: a.Grid, Events: a.Events, Now: a.Now}
}

// Serve serves HTTP on ln until ctx ends, then stops accepting connections
// and lets in-flight requests finish within the configured shutdown
// timeout. It runs the periodic housekeeping (expired sessions, signing
// key rotation) while it serves.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	srv.RegisterOnShutdown(a.eventPages.Shutdown) // open live streams would hold up the shutdown
	bg, stop := context.WithCancel(ctx)
	defer stop()
	go a.housekeeping(bg)
	go a.Notify.Run(bg)
	if a.smsc != nil {
		go a.smsc.Run(bg)
	}
	go a.Search.Watch(bg, 30*time.Second)
	go a.Grid.Watch(bg, 30*time.Second)
	go a.Events.Follow(bg, time.Second)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", slog.Duration("grace", a.Config.ShutdownTimeout))
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.Config.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// housekeeping runs periodic maintenance until ctx ends.
func (a *App) housekeeping(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.SSO.Housekeeping(ctx); err != nil {
				a.Log.Error("sso housekeeping", "err", err)
			}
			if err := a.Identity.Housekeeping(ctx); err != nil {
				a.Log.Error("identity housekeeping", "err", err)
			}
			if err := a.Appointments.Housekeeping(ctx); err != nil {
				a.Log.Error("appointments housekeeping", "err", err)
			}
			if _, err := a.Cases.SyncShipments(ctx, 500); err != nil {
				a.Log.Error("courier status sync", "err", err)
			}
			if _, err := a.Events.Sweep(ctx, a.Now()); err != nil {
				a.Log.Error("event SLA escalation", "err", err)
			}
		}
	}
}

// Close releases the database.
func (a *App) Close() error {
	return a.DB.Close()
}
