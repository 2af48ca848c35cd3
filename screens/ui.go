package screens

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"verifydesk/data"
	"verifydesk/services/auditlog"
	"verifydesk/services/casework"
	"verifydesk/services/client"
	"verifydesk/services/geo"
	"verifydesk/services/i18n"
)

// API is what the console asks of the auth backend. *client.Client implements
// it; screens depend on this interface only.
type API interface {
	SignIn(ctx context.Context, username, password string) (data.Session, error)
	SignOut(ctx context.Context) error
	Me(ctx context.Context) (data.Agent, error)
	Agents(ctx context.Context) ([]data.AgentInfo, error)
	SearchAccounts(ctx context.Context, q client.AccountQuery) ([]data.Account, error)
	Account(ctx context.Context, id string) (data.Account, error)
	Reveal(ctx context.Context, accountID, field, reason string) (string, error)
	Deliveries(ctx context.Context, accountID string) ([]data.Delivery, error)
	Resend(ctx context.Context, accountID string, req data.ResendRequest, idempotencyKey string) (data.ResendResult, error)
	RateLimits(ctx context.Context, accountID string) (data.RateLimits, error)
	TrustedDevices(ctx context.Context, accountID string) ([]data.TrustedDevice, error)
	RemoveDevice(ctx context.Context, accountID, deviceID string, auth client.ActionAuth) (data.ActionResult, error)
	RevokeSessions(ctx context.Context, accountID string, auth client.ActionAuth) (data.ActionResult, error)
	Disable2FA(ctx context.Context, accountID string, auth client.ActionAuth) (data.ActionResult, error)
	ChangeContact(ctx context.Context, accountID string, change data.ContactChange, auth client.ActionAuth) (data.ActionResult, error)
	AllLoginActivity(ctx context.Context, accountID string, max int) ([]data.LoginEvent, error)
	StartIdentityCheck(ctx context.Context, accountID, channel string) (data.IdentityCheck, error)
	VerifyIdentity(ctx context.Context, checkID, code string) (data.IdentityProof, error)
	RequestApproval(ctx context.Context, req data.ApprovalRequest) (data.Approval, error)
	ListApprovals(ctx context.Context, q client.ApprovalQuery) ([]data.Approval, error)
	PendingApprovals(ctx context.Context) (int, error)
	Approve(ctx context.Context, approvalID, note string) (data.Approval, error)
	Reject(ctx context.Context, approvalID, note string) (data.Approval, error)
	AuditPage(ctx context.Context, q client.AuditQuery) (data.AuditList, error)
	Cases(ctx context.Context, q client.CaseQuery) ([]data.Case, error)
	CreateCase(ctx context.Context, cs data.Case) (data.Case, error)
	UpdateCase(ctx context.Context, caseID string, patch data.CasePatch) (data.Case, error)
	AddNote(ctx context.Context, caseID string, note data.Note) (data.Case, error)
	Case(ctx context.Context, caseID string) (data.Case, error)
	RecordChainHead(ctx context.Context, head data.ChainHeadRequest) (data.ChainHead, error)
	LatestChainHead(ctx context.Context, consoleID string) (data.ChainHead, error)
	DeliveryHealth(ctx context.Context, q client.HealthQuery) (data.DeliveryHealth, error)
}

// Config is what the window needs besides the backend.
type Config struct {
	// Demo is true when the console runs on its embedded reference backend.
	Demo bool
	// DemoUser and DemoPassword pre-fill the sign-in form in demo mode.
	DemoUser, DemoPassword string
	// Cases does the case work over the console's cache (nil, or a service
	// without a cache: nothing is kept on this computer). Its backend is the
	// one SetBackend gives: the workspace gets it bound to that (WithAPI).
	Cases *casework.Service
	// Audit keeps the console's local audit chain (nil, or without a cache:
	// none). The workspace gets a copy with the backend and ConsoleID set.
	Audit *auditlog.Recorder
	// ConsoleID names this installation in the backend's record of the
	// local audit chain's head.
	ConsoleID string
	// Locator places login IPs; nil hides locations.
	Locator *geo.Locator
	// Region is the country picker's first choice (ISO 3166-1 alpha-2).
	Region string
	// RecentRegions are the countries picked lately, most recent first: the
	// picker lists them first.
	RecentRegions []string
	// OnRegion is told when the agent picks another country, to remember it.
	OnRegion func(region string)
	// LastTab is the id of the account tab the agent chose last (its English
	// title, whatever the agent's language: tabTitle): accounts open on it.
	// Empty, or an id no tab has (any case), gives the first tab.
	LastTab string
	// OnTab is told the id (English title) of the tab the agent picks (a tab click,
	// Ctrl+1..6, Ctrl+Tab), to remember it; not the switches the console makes
	// by itself (a case opened from the list, an action's tab, SelectTab). UI
	// thread.
	OnTab func(title string)
	// OnReady is called once, on the UI thread, when the workspace is shown and
	// its search is usable.
	OnReady func()
	// OnSettings opens the settings dialog.
	OnSettings func()
	// OpenURL opens single sign-on's authorization URL in the browser; nil
	// = the system browser ($BROWSER, xdg-open, open, the Windows shell).
	// Tests and the window walk give a player that signs in over HTTP.
	OpenURL func(ctx context.Context, url string) error
	// IdleLock is how long the console waits without input before it hides
	// the workspace behind the sign-in screen; zero or negative = never (the
	// app passes the agent's setting, DefaultIdleLock unless changed).
	IdleLock time.Duration
	// SSOIssuer and SSOClientID, when the organisation's policy pins them:
	// single sign-on is offered only when the backend advertises exactly
	// that provider and client (a backend pointing agents at another
	// provider is not followed).
	SSOIssuer, SSOClientID string
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// Background runs background work (I/O); nil means a new goroutine each
	// time. Tests pass a synchronous runner so they can check the outcome of an
	// action right after it, without sleeping.
	Background func(func())
	// After runs f once d has passed, on any goroutine (the offline retry);
	// nil means time.AfterFunc. Tests pass one that fires when they say.
	After func(d time.Duration, f func())

	// Log is where the console writes what an agent's IT needs: the backend
	// lost and back, changes sent from the outbox, sign-in and sign-out.
	// Never personal data or codes. nil means slog.Default().
	Log *slog.Logger

	geoProblem string
}

func (c Config) log() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.Default()
}

// goAsync runs f in the background (off the UI thread).
func (c Config) goAsync(f func()) {
	if c.Background != nil {
		c.Background(f)
		return
	}
	go f()
}

func (c Config) after(d time.Duration, f func()) {
	if c.After != nil {
		c.After(d, f)
		return
	}
	time.AfterFunc(d, f)
}

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// UI is the window's content: the sign-in form, then the workspace.
type UI struct {
	win    fyne.Window
	cfg    Config
	api    API
	label  string
	root   *fyne.Container
	signIn *signInScreen
	work   *workspace
	// backendDown: no backend could be reached at the start (BackendFailed).
	backendDown bool
	// content wraps root: it notes the agent's input (lock.go).
	content fyne.CanvasObject
	lock    lockState // the session's end and the idle lock (lock.go)
}

// NewUI builds the window's content. The backend is not known yet: the sign-in
// form waits for SetBackend.
func NewUI(win fyne.Window, cfg Config) *UI {
	u := &UI{win: win, cfg: cfg}
	// A workspace after the next sign-in opens on the tab chosen in this one.
	u.cfg.OnTab = func(title string) {
		u.cfg.LastTab = title
		if cfg.OnTab != nil {
			cfg.OnTab(title)
		}
	}
	u.signIn = newSignInScreen(cfg, u.onSignedIn)
	u.signIn.onOffline = u.offerOffline
	u.root = container.NewStack(u.signIn.build())
	u.content = newActivitySensor(u.root, u.noteInput)
	return u
}

// Content is the object to set as the window's content.
func (u *UI) Content() fyne.CanvasObject { return u.content }

// SetBackend tells the UI which backend to talk to; label names it in the
// status bar ("demo (127.0.0.1:53011)"). UI thread only.
func (u *UI) SetBackend(api API, label string) {
	u.api, u.label = api, label
	u.signIn.setBackend(api, label)
}

// SetLocator sets the geolocation used by accounts opened from now on; problem,
// when not empty, says why configured databases were not used. UI thread only.
func (u *UI) SetLocator(loc *geo.Locator, problem string) {
	u.cfg.Locator = loc
	u.cfg.geoProblem = problem
	if u.work != nil {
		u.work.cfg.geoProblem = problem
		u.work.setLocator(loc)
		u.work.updateStatus()
	}
}

// BackendFailed tells the agent, in words, why there is no backend to sign in
// to, and offers the cached cases. UI thread only.
func (u *UI) BackendFailed(message string) {
	u.backendDown = true
	u.signIn.backendFailed(message)
	u.offerOffline()
}

// SetCache hands the UI the case work and the local audit over the console's
// cache (a service and a recorder without a cache, or nil: none could be
// opened; problem says why, or what was recovered). Their backend is set
// here, from SetBackend's. UI thread only.
func (u *UI) SetCache(cases *casework.Service, audit *auditlog.Recorder, problem string) {
	u.cfg.Cases, u.cfg.Audit = cases, audit
	u.signIn.setCacheProblem(problem)
	switch {
	case u.work != nil:
		u.work.cfg.Cases, u.work.cfg.Audit = u.bound(u.work.api)
		u.work.updateStatus()
		u.work.syncOutbox() // the cache opened after the sign-in: what it kept goes now
	case u.backendDown:
		u.offerOffline() // the cache opened after the backend was found away
	}
}

// workConfig is the configuration a workspace starts from: the services bound
// to the backend it talks to.
func (u *UI) workConfig() Config {
	cfg := u.cfg
	cfg.Cases, cfg.Audit = u.bound(u.api)
	return cfg
}

// bound are the UI's case service and audit recorder talking to api, never
// nil: without a cache they keep nothing.
func (u *UI) bound(api API) (*casework.Service, *auditlog.Recorder) {
	var rec auditlog.Recorder
	if u.cfg.Audit != nil {
		rec = *u.cfg.Audit
	}
	rec.ConsoleID = u.cfg.ConsoleID
	var cases casework.API
	if api != nil {
		rec.API, cases = api, api
	}
	return u.cfg.Cases.WithAPI(cases), &rec
}

// offerOffline shows the sign-in screen's way to the cached cases of the
// agent who last signed in here, when there is a cache and such an agent.
// UI thread; the cache read runs off it.
func (u *UI) offerOffline() {
	svc := u.cfg.Cases
	if !svc.HasCache() {
		return
	}
	var last casework.LastAgent
	newRunner(u.cfg).run(job{name: "read who signed in last", local: true,
		work: func(context.Context) (err error) { last, err = svc.LastAgent(); return err },
		done: func(err error) {
			if err == nil && last.ID != "" && u.work == nil {
				agent := data.Agent{ID: last.ID, Username: last.Username, Name: last.Name, Role: last.Role}
				u.signIn.offerOffline(agent, func() { u.openOffline(agent) })
			}
		},
	})
}

// openOffline opens the cached cases read-only for agent: the workspace says
// it is offline, opens cases from the cache, and queues notes and ticks for
// when the agent signs in again. UI thread.
func (u *UI) openOffline(agent data.Agent) {
	u.signIn.left = true // no sign-in retries behind the offline review
	u.work = newWorkspace(u.win, u.api, u.workConfig(), agent, i18n.L("{{.Backend}} (unreachable)", i18n.M{"Backend": u.label}), u.onSignOutRequested)
	u.work.offlineReview = true
	u.root.Objects = []fyne.CanvasObject{u.work.build()}
	u.root.Refresh()
	u.work.noteBackend("offline review", fmt.Errorf("offline review: %w", client.ErrOffline))
	u.work.notice(i18n.L("Offline: the auth backend cannot be reached. These are the cases kept on this computer, read-only; notes and ticks are kept and sent once you sign in again."))
	u.work.showCases()
	u.watchIdle()
}

// SubmitSignIn signs in with what the form holds, as if the agent pressed the
// button (used by --exit-when-ready in demo mode). UI thread only.
func (u *UI) SubmitSignIn() { u.signIn.onSubmit() }

// Search runs a search as if the agent typed text and pressed Enter. UI thread only.
func (u *UI) Search(text string) {
	if u.work != nil {
		u.work.search.SetText(text)
		u.work.onSearch()
	}
}

// SelectTab shows the account tab whose English id (its English title, in
// any language) starts with title (any case). It is this run's choice (--tab, the screenshots), not remembered as the
// agent's. UI thread only.
func (u *UI) SelectTab(title string) {
	if u.work == nil {
		return
	}
	for i, p := range u.work.panels {
		if title != "" && strings.HasPrefix(strings.ToLower(p.title()), strings.ToLower(title)) {
			u.work.showTab(i)
			return
		}
	}
}

// Close stops the workspace's background work and ends its session on the
// backend, before the UI is replaced (Settings changed the backend). UI thread.
func (u *UI) Close() {
	if u.work == nil {
		return
	}
	u.endSession()
	u.work.close()
	u.work = nil
}

// EndSessionNow ends the agent's session on the backend on the calling
// goroutine, within timeout, and leaves the window as it is: for quitting,
// once the UI loop has ended. It records the local audit chain's head first.
func (u *UI) EndSessionNow(timeout time.Duration) {
	if u.api == nil || u.work == nil {
		return
	}
	work := u.work
	u.cfg.log().Info("signed out", "agent", work.agent.Username, "why", "the console quit")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_ = signOutOf(ctx, u.api, work)
	work.cancel()
}

// signOutOf ends the session on api: the local audit chain's head first
// (so a tail cut later is found), then the sign-out. work may be nil. I/O.
func signOutOf(ctx context.Context, api API, work *workspace) error {
	if work != nil && !work.offlineReview {
		_ = work.sendChainHead(ctx)
	}
	return api.SignOut(ctx)
}

// SignOut returns to the sign-in form (after a 401 too), saying message.
// UI thread only.
func (u *UI) SignOut(message string) { u.signOut(message, message) }

// signOut is SignOut with why, for the log in English, apart from message,
// on screen in the agent's language. UI thread.
func (u *UI) signOut(why, message string) {
	if u.work != nil {
		u.cfg.log().Info("signed out", "agent", u.work.agent.Username, "why", why)
		if u.work.offlineReview {
			message = i18n.L("The auth backend answers again: sign in to send what you kept offline.")
		}
		u.work.close()
		u.work = nil
	}
	u.signIn.reset(message)
	u.root.Objects = []fyne.CanvasObject{u.signIn.build()}
	u.root.Refresh()
	u.win.Canvas().Focus(u.signIn.user)
}

func (u *UI) onSignedIn(s data.Session) {
	if u.resume(s) {
		return
	}
	u.cfg.log().Info("signed in", "agent", s.Agent.Username, "role", s.Agent.Role, "backend", u.label)
	cfg := u.workConfig()
	cfg.Demo = cfg.Demo || s.Demo // a --backend pointed at a demo backend is demo data too
	u.work = newWorkspace(u.win, u.api, cfg, s.Agent, u.label, u.onSignOutRequested)
	u.root.Objects = []fyne.CanvasObject{u.work.build()}
	u.root.Refresh()
	u.win.Canvas().Focus(u.work.search)
	u.work.syncOutbox()
	u.watchIdle()
	if u.cfg.OnReady != nil {
		u.cfg.OnReady()
	}
}

func (u *UI) onSignOutRequested() {
	u.endSession()
	u.signOut("You signed out.", i18n.L("You signed out."))
	u.signIn.offerProviderLogout()
}

// endSession ends the agent's session on the backend in the background; the
// token is dropped locally either way.
func (u *UI) endSession() {
	api := u.api
	if api == nil {
		return
	}
	work := u.work
	newRunner(u.cfg).run(job{name: "sign out", timeout: 5 * time.Second,
		work: func(ctx context.Context) error { return signOutOf(ctx, api, work) },
	})
}
