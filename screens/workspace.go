package screens

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/i18n"
)

// backendTimeout bounds one call to the backend from a screen (a search, a
// tab's load, an action); the client retries within it.
const backendTimeout = 8 * time.Second

// workspace is the frame every account lives in: top bar with the search, the
// left column, the account header with its tabs, and the status bar.
type workspace struct {
	win       fyne.Window
	api       API
	cfg       Config
	agent     data.Agent
	backend   string
	onSignOut func()
	ctx       context.Context
	cancel    context.CancelFunc

	// top bar
	region     *regionPicker
	search     *widget.Entry
	searchHint *widget.Label
	online     *badgeWidget

	// left column: the lists, or the approvals queue
	left       *fyne.Container
	lists      fyne.CanvasObject
	approvals  *approvals
	audit      *auditScreen
	browser    *casesBrowser
	health     *healthScreen // delivery health, made when first shown
	recent     []data.Account
	recentList *widget.List
	cases      []data.Case
	caseList   *widget.List
	casesNote  *widget.Label

	// centre
	center *fyne.Container
	// accountView is the header (with a request's card above it) and the
	// tabs, built once and shown in center while an account is open.
	accountView  *fyne.Container
	header       *accountHeader
	tabs         *container.AppTabs
	panels       []panel
	overview     *overviewPanel
	codes        *codesPanel
	devices      *devicesPanel
	casePanel    *casePanel
	phone        *phoneCheckPanel
	activity     *activityPanel
	results      []data.Account
	resultsQuery query // the search that found results
	resultList   *widget.List

	// banner says what an action did, above the account header.
	banner *widget.Label

	// status bar
	status      *widget.Label
	cacheStatus string // what the cache holds, read off the UI thread
	collapse    *widget.Button

	// Only the UI thread touches these; background work reads what it needs
	// before it starts and hands results back through fyne.Do.
	hintGen   generation // the latest keystroke's hint; older hints are dropped
	searchGen generation // the latest search; older answers are dropped
	// account is the one account state on screen: the header, the tabs and
	// the left column read it. A refresh of the same account updates it in
	// place (updateAccount); another account replaces it (openAccount).
	account *data.Account
	// found is how the account on screen was found (accountView.found).
	found *foundBy
	// accountGen drops a refresh of an account no longer on screen.
	accountGen generation
	// selectCaseTab: the account being opened came from a case, so its Case
	// tab shows first.
	selectCaseTab bool
	// autoTab is set while the console switches the tab by itself (showTab):
	// only the agent's own choices (a tab click, Ctrl+1..6, Ctrl+Tab) are
	// remembered for the next start (cfg.OnTab). A switch the console makes
	// follows from something else the agent did, such as opening a case from
	// the list; remembering it would open every later start on that tab.
	autoTab bool
	// chosenTab is the id (English title) of the tab the agent chose last (cfg.LastTab's
	// tab at first): cfg.OnTab hears of a choice only when it differs.
	chosenTab string
	// focusAfterLoad is the tab the keyboard switched to before its controls
	// were there (a case still loading): its first control takes the focus
	// when its load is shown.
	focusAfterLoad panel
	loaded         map[panel]bool

	// run runs every background call (runner.go); conn is what the console
	// knows of the backend (connection.go).
	run  *runner
	conn connection
	// Offline recovery: panels that failed offline and a search that did,
	// reloaded when the backend answers again.
	failed       map[panel]bool
	stale        map[panel]bool // shown from the cache while offline
	failedSearch *pendingSearch
	// resends are the resends whose answers were lost, by account id.
	resends map[string]*pendingResend
	// approvalKeys are the idempotency keys of requests for approval whose
	// answers were lost, by approvalScope.
	approvalKeys map[string]string
	// statusGen drops a status bar reading overtaken by a newer one;
	// sentOffline counts the changes kept offline that were sent.
	statusGen   generation
	casesGen    generation // the left column's open cases
	sentOffline int
	// agentNames is the agent directory, id to name (agents.go); nil until
	// it is read. agentsLoading is set while it is being read.
	agentNames    map[string]string
	agentsLoading bool
	// offlineReview: opened from the sign-in screen without a backend, on the
	// cached cases of the agent who last signed in here.
	offlineReview bool
}

func newWorkspace(win fyne.Window, api API, cfg Config, agent data.Agent, backend string, onSignOut func()) *workspace {
	w := &workspace{win: win, api: api, cfg: cfg, agent: agent, backend: backend, onSignOut: onSignOut,
		loaded: map[panel]bool{}, failed: map[panel]bool{}, stale: map[panel]bool{}, resends: map[string]*pendingResend{}, approvalKeys: map[string]string{}}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	w.run = &runner{ctx: w.ctx, bg: cfg.goAsync, after: cfg.after, note: w.noteBackend}
	w.conn.retryDelay = firstRetry
	return w
}

// logf writes one line of the support log (Config.Log): msg, then key and
// value pairs. Never personal data or codes.
func (w *workspace) logf(msg string, args ...any) {
	w.cfg.log().Info(msg, append([]any{"agent", w.agent.Username}, args...)...)
}

// close stops the workspace's background work and takes its menu away.
func (w *workspace) close() {
	w.cancel()
	w.win.SetMainMenu(nil)
}

func (w *workspace) build() fyne.CanvasObject {
	w.approvals = newApprovals(w)
	w.audit = newAuditScreen(w)
	w.browser = newCasesBrowser(w)
	top := w.buildTopBar()
	w.lists = w.buildLeft()
	w.left = container.NewStack(w.lists)
	left := w.left
	w.header = newAccountHeader(w)
	w.overview = newOverviewPanel(w.api, w)
	w.phone = newPhoneCheckPanel(w.api)
	w.phone.customerOf = w.customer
	w.activity = newActivityPanel(w.api, w.cfg.Locator, w, w.win)
	w.activity.customerOf = w.customer
	// The tabs share the window's clock and background runner.
	w.activity.run, w.activity.now = w.run.run, w.cfg.now
	w.phone.now = w.cfg.now
	w.codes = newCodesPanel(w.api, w)
	w.casePanel = newCasePanel(w)
	w.devices = newDevicesPanel(w.api, w, w)
	w.panels = []panel{w.overview, w.codes, w.devices, w.activity, w.phone, w.casePanel}
	var items []*container.TabItem
	for _, p := range w.panels {
		items = append(items, container.NewTabItem(tabTitle(p), p.build()))
	}
	w.tabs = container.NewAppTabs(items...)
	// Accounts open on the tab the agent chose last, in this run or an
	// earlier one. Selected before OnSelected is set: there is no account to
	// load yet, and nothing new to remember.
	w.tabs.SelectIndex(tabIndex(w.panels, w.cfg.LastTab))
	w.chosenTab = w.panels[w.tabs.SelectedIndex()].title()
	w.tellOnScreen()
	w.tabs.OnSelected = func(*container.TabItem) {
		timeUI("choose a tab", func() {
			w.tellOnScreen()
			w.loadSelected()
			if !w.autoTab {
				w.onTabChosen() // a click on the tab bar
			}
		})
	}

	w.resultList = widget.NewList(
		func() int { return len(w.results) },
		func() fyne.CanvasObject { return oneLine("template") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			a := w.results[id]
			o.(*widget.Label).SetText(shown(fmt.Sprintf("%s · %s · %s · %s", a.Name, a.App, a.PhoneMasked, orNone(a.EmailMasked))))
		})
	w.resultList.OnSelected = func(id widget.ListItemID) {
		w.resultList.UnselectAll()
		a := w.results[id]
		w.openAccount(a, &foundBy{accountID: a.ID, q: w.resultsQuery.q, diagnosis: w.resultsQuery.diagnosis})
	}

	w.center = container.NewStack(emptyState(i18n.L("Search for the caller's account: phone number (pick their country), email or account id.")))
	w.status = widget.NewLabel("")
	w.updateStatus()
	w.banner = widget.NewLabel("")
	w.banner.Importance = widget.SuccessImportance
	w.banner.Wrapping = wordWrap()
	w.banner.Hide()
	// What an action did stays above the main area, whatever it shows.
	main := newBorder(w.banner, nil, nil, nil, w.center)
	split := container.NewHSplit(left, main)
	split.Offset = 0.18
	body := container.NewStack(split)
	// The left column collapses to give the account the whole width.
	var toggle *widget.Button
	toggle = widget.NewButtonWithIcon(i18n.L("Hide lists"), theme.NavigateBackIcon(), func() {
		if body.Objects[0] == split {
			split.Trailing = widget.NewLabel("") // the split must not keep main as a child
			body.Objects[0] = main
			toggle.SetText(i18n.L("Show cases and recent accounts"))
			toggle.SetIcon(theme.NavigateNextIcon())
		} else {
			split.Trailing = main
			body.Objects[0] = split
			toggle.SetText(i18n.L("Hide lists"))
			toggle.SetIcon(theme.NavigateBackIcon())
		}
		split.Refresh()
		body.Refresh()
	})
	toggle.Importance = widget.LowImportance
	w.collapse = toggle
	w.installShortcuts()
	statusBar := newBorder(nil, nil, toggle, nil, w.status)
	w.loadAgents()
	w.approvals.poll()
	w.reloadCases()
	w.watch()
	return newBorder(top, container.NewVBox(widget.NewSeparator(), statusBar), nil, nil, body)
}

func (w *workspace) showCenter(o fyne.CanvasObject) {
	if o != w.accountView {
		w.banner.Hide() // what an action on the account did belongs with it
	}
	w.center.Objects = []fyne.CanvasObject{o}
	w.center.Refresh()
}
