package screens

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/auditlog"
	"verifydesk/services/casework"
	"verifydesk/services/client"
	"verifydesk/services/geo"
	"verifydesk/services/phone"
)

// backendTimeout bounds one call to the backend from a screen (a search, a
// tab's load, an action); the client retries within it.
const backendTimeout = 8 * time.Second

// The offline retry: the first after firstRetry, then twice as long each time
// up to maxRetry, until the backend answers.
const (
	firstRetry = 2 * time.Second
	maxRetry   = 16 * time.Second
)

// accountIDPattern is what an account id looks like to the search field.
var accountIDPattern = regexp.MustCompile(`^[A-Za-z]+[-_][0-9A-Za-z]+$`)

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
	recent     []data.Account
	recentList *widget.List
	cases      []data.Case
	caseList   *widget.List
	casesNote  *widget.Label

	// centre
	center *fyne.Container
	// accountView is the header (with a request's card above it) and the
	// tabs, built once and shown in center while an account is open.
	accountView *fyne.Container
	header      *accountHeader
	tabs        *container.AppTabs
	panels      []panel
	overview    *overviewPanel
	codes       *codesPanel
	casePanel   *casePanel
	phone       *phoneCheckPanel
	activity    *activityPanel
	results     []data.Account
	resultList  *widget.List

	// banner says what an action did, above the account header.
	banner *widget.Label

	// status bar
	status      *widget.Label
	cacheStatus string // what the cache holds, read off the UI thread
	collapse    *widget.Button

	// Only the UI thread touches these; background work reads what it needs
	// before it starts and hands results back through fyne.Do.
	hintGen   int // the latest keystroke's hint; older hints are dropped
	searchSeq int // the latest search; older results are dropped
	// searchDone is the latest search whose answer is on screen.
	searchDone int
	// account is the one account state on screen: the header, the tabs and
	// the left column read it. A refresh of the same account updates it in
	// place (updateAccount); another account replaces it (openAccount).
	account    *data.Account
	accountSeq int // the latest account refresh; older answers are dropped
	// selectCaseTab: the account being opened came from a case, so its Case
	// tab shows first.
	selectCaseTab bool
	// autoTab is set while the console switches the tab by itself (showTab):
	// only the agent's own choices (a tab click, Ctrl+1..6, Ctrl+Tab) are
	// remembered for the next start (cfg.OnTab). A switch the console makes
	// follows from something else the agent did, such as opening a case from
	// the list; remembering it would open every later start on that tab.
	autoTab bool
	// chosenTab is the title of the tab the agent chose last (cfg.LastTab's
	// tab at first): cfg.OnTab hears of a choice only when it differs.
	chosenTab string
	// focusAfterLoad is the tab the keyboard switched to before its controls
	// were there (a case still loading): its first control takes the focus
	// when its load is shown.
	focusAfterLoad panel
	loaded         map[panel]bool
	lastRefresh    time.Time

	// Offline recovery: while the backend cannot be reached, a retry is
	// pending; panels that failed offline and a search that did reload when
	// it answers again.
	offline      bool
	retryPending bool
	retryDelay   time.Duration
	failed       map[panel]bool
	stale        map[panel]bool // shown from the cache while offline
	failedSearch *pendingSearch
	// offlineReview: opened from the sign-in screen without a backend, on the
	// cached cases of the agent who last signed in here.
	offlineReview bool
}

// pendingSearch is a search to run again when the backend is back.
type pendingSearch struct{ region, text string }

func newWorkspace(win fyne.Window, api API, cfg Config, agent data.Agent, backend string, onSignOut func()) *workspace {
	w := &workspace{win: win, api: api, cfg: cfg, agent: agent, backend: backend, onSignOut: onSignOut,
		loaded: map[panel]bool{}, failed: map[panel]bool{}, stale: map[panel]bool{}, retryDelay: firstRetry}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	return w
}

// close stops the workspace's background work and takes its menu away.
func (w *workspace) close() {
	w.cancel()
	w.win.SetMainMenu(nil)
}

// shortcut is one keyboard shortcut of the workspace, with its menu words.
type shortcut struct {
	menu, label string
	key         fyne.KeyName
	mod         fyne.KeyModifier
	run         func()
}

// shortcuts are the workspace's keys: Ctrl+F the search, Ctrl+R refresh,
// Ctrl+1..6 and Ctrl+Tab the tabs (the tab bar is not a Tab stop).
func (w *workspace) shortcuts() []shortcut {
	def := fyne.KeyModifierShortcutDefault
	out := []shortcut{
		{"Account", "Find an account", fyne.KeyF, def, w.focusSearch},
		{"Account", "Refresh", fyne.KeyR, def, w.refresh},
	}
	for i, p := range w.panels {
		if i < 9 {
			out = append(out, shortcut{"View", p.title(), fyne.KeyName(fmt.Sprint(i + 1)), def, func() { w.selectTab(i) }})
		}
	}
	out = append(out, shortcut{"View", "Next tab", fyne.KeyTab, fyne.KeyModifierControl,
		func() { w.selectTab((w.tabs.SelectedIndex() + 1) % len(w.panels)) }})
	return out
}

// installShortcuts makes the shortcuts work wherever the keyboard is: as the
// main menu's (which the driver tries before a focused entry takes the keys)
// and as the canvas's (nothing focused). The menu lists them too, and Help
// shows them all. UI thread.
func (w *workspace) installShortcuts() {
	menus := map[string]*fyne.Menu{}
	var order []*fyne.Menu
	for _, s := range w.shortcuts() {
		sc := &desktop.CustomShortcut{KeyName: s.key, Modifier: s.mod}
		run := s.run
		w.win.Canvas().AddShortcut(sc, func(fyne.Shortcut) { run() })
		m := menus[s.menu]
		if m == nil {
			m = fyne.NewMenu(s.menu)
			menus[s.menu] = m
			order = append(order, m)
		}
		item := fyne.NewMenuItem(s.label, run)
		item.Shortcut = sc
		m.Items = append(m.Items, item)
	}
	menus["Account"].Items = append(menus["Account"].Items, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Cases on this computer", w.showCases), fyne.NewMenuItem("Audit", w.showAudit))
	help := fyne.NewMenu("Help", fyne.NewMenuItem("Keyboard shortcuts", w.showShortcuts))
	w.win.SetMainMenu(fyne.NewMainMenu(append(order, help)...))
}

// showShortcuts lists every shortcut. A menu action.
func (w *workspace) showShortcuts() {
	var b strings.Builder
	for _, s := range w.shortcuts() {
		sc := &desktop.CustomShortcut{KeyName: s.key, Modifier: s.mod}
		fmt.Fprintf(&b, "%s\t%s\n", strings.TrimPrefix(sc.ShortcutName(), "CustomDesktop:"), s.label)
	}
	b.WriteString("Enter\tsearch what the search field holds\nEsc\tclose a dialog (as Cancel), a list or a menu\n" +
		"Tab\tthe next control, in reading order (Shift+Tab back)\nArrows\tchange a choice (Left, Right) or open it (Down)\n" +
		"Space\tpress the button, tick the box\n")
	l := widget.NewLabel(b.String())
	showEscapable(w.win, dialog.NewCustom("Keyboard shortcuts", "Close", l, w.win))
}

// selectTab shows tab i when an account is open: the agent's choice
// (Ctrl+1..6, Ctrl+Tab), remembered. UI thread.
func (w *workspace) selectTab(i int) {
	if w.account != nil && i >= 0 && i < len(w.panels) {
		w.tabs.SelectIndex(i)
		// Also when tab i was on screen already: the console may have put it
		// there, and now the agent chose it.
		w.onTabChosen()
		w.focusAfterLoad = nil
		if !w.focusFirstControl(w.panels[i]) {
			w.focusAfterLoad = w.panels[i] // its controls come with its data
		}
	}
}

// focusFirstControl puts the keyboard on p's first control, when it has one
// that can take it now, and says whether it did. UI thread.
func (w *workspace) focusFirstControl(p panel) bool {
	ks, ok := p.(keyboardStart)
	if !ok {
		return true // nothing to wait for
	}
	f := ks.firstControl()
	if f == nil {
		return false
	}
	if o, ok := f.(fyne.CanvasObject); ok && !o.Visible() {
		return false
	}
	if d, ok := f.(fyne.Disableable); ok && d.Disabled() {
		return false
	}
	w.win.Canvas().Focus(f)
	return true
}

// showTab shows tab i for a reason of the console's (a case opened from the
// list, an action that leads to its tab, --tab): not remembered as the
// agent's choice (see autoTab). UI thread.
func (w *workspace) showTab(i int) {
	w.autoTab = true
	defer func() { w.autoTab = false }()
	w.tabs.SelectIndex(i)
}

// onTabChosen remembers the tab on screen as the one the agent chose: told to
// cfg.OnTab when it is another than before. UI thread.
func (w *workspace) onTabChosen() {
	i := w.tabs.SelectedIndex()
	if i < 0 || i >= len(w.panels) {
		return
	}
	title := w.panels[i].title()
	if title == w.chosenTab {
		return
	}
	w.chosenTab = title
	if w.cfg.OnTab != nil {
		w.cfg.OnTab(title)
	}
}

// tabIndex is the index of the panel titled title (any case), or 0, the first
// tab, when none is: the title is stored by an earlier run or another version,
// and matching it whole never picks a tab it does not name.
func tabIndex(panels []panel, title string) int {
	for i, p := range panels {
		if strings.EqualFold(p.title(), strings.TrimSpace(title)) {
			return i
		}
	}
	return 0
}

// focusSearch puts the keyboard in the search field with its text selected,
// so what the agent types next replaces the last search.
func (w *workspace) focusSearch() {
	w.win.Canvas().Focus(w.search)
	w.search.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// passwordReset leads to the Codes tab with a password reset code chosen: the
// agent picks the channel and sends it. UI thread.
func (w *workspace) passwordReset() {
	w.codes.usePurpose(data.PurposeResetPassword)
	for i, p := range w.panels {
		if p == panel(w.codes) {
			w.showTab(i) // the action's way to its tab, not the agent's pick of one
		}
	}
	w.notice("Choose how to send the password reset code, then press Resend code.")
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
	w.activity = newActivityPanel(w.api, w.cfg.Locator, w, w.win)
	// The tabs share the window's clock and background runner.
	w.activity.background, w.activity.now = w.cfg.goAsync, w.cfg.now
	w.phone.now = w.cfg.now
	w.codes = newCodesPanel(w.api, w)
	w.casePanel = newCasePanel(w)
	w.panels = []panel{w.overview, w.codes, newDevicesPanel(w.api, w, w), w.activity, w.phone, w.casePanel}
	var items []*container.TabItem
	for _, p := range w.panels {
		items = append(items, container.NewTabItem(p.title(), p.build()))
	}
	w.tabs = container.NewAppTabs(items...)
	// Accounts open on the tab the agent chose last, in this run or an
	// earlier one. Selected before OnSelected is set: there is no account to
	// load yet, and nothing new to remember.
	w.tabs.SelectIndex(tabIndex(w.panels, w.cfg.LastTab))
	w.chosenTab = w.panels[w.tabs.SelectedIndex()].title()
	w.tabs.OnSelected = func(*container.TabItem) {
		w.loadSelected()
		if !w.autoTab {
			w.onTabChosen() // a click on the tab bar
		}
	}

	w.resultList = widget.NewList(
		func() int { return len(w.results) },
		func() fyne.CanvasObject { return widget.NewLabel("template") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			a := w.results[id]
			o.(*widget.Label).SetText(fmt.Sprintf("%s · %s · %s · %s", a.Name, a.App, a.ID, a.PhoneMasked))
		})
	w.resultList.OnSelected = func(id widget.ListItemID) {
		w.resultList.UnselectAll()
		w.openAccount(w.results[id])
	}

	w.center = container.NewStack(emptyState("Search for the caller's account: phone number (pick their country), email or account id."))
	w.status = widget.NewLabel("")
	w.updateStatus()
	w.banner = widget.NewLabel("")
	w.banner.Importance = widget.SuccessImportance
	w.banner.Wrapping = fyne.TextWrapWord
	w.banner.Hide()
	// What an action did stays above the main area, whatever it shows.
	main := newBorder(w.banner, nil, nil, nil, w.center)
	split := container.NewHSplit(left, main)
	split.Offset = 0.18
	body := container.NewStack(split)
	// The left column collapses to give the account the whole width.
	var toggle *widget.Button
	toggle = widget.NewButtonWithIcon("Hide lists", theme.NavigateBackIcon(), func() {
		if body.Objects[0] == split {
			split.Trailing = widget.NewLabel("") // the split must not keep main as a child
			body.Objects[0] = main
			toggle.SetText("Show cases and recent accounts")
			toggle.SetIcon(theme.NavigateNextIcon())
		} else {
			split.Trailing = main
			body.Objects[0] = split
			toggle.SetText("Hide lists")
			toggle.SetIcon(theme.NavigateBackIcon())
		}
		split.Refresh()
		body.Refresh()
	})
	toggle.Importance = widget.LowImportance
	w.collapse = toggle
	w.installShortcuts()
	statusBar := newBorder(nil, nil, toggle, nil, w.status)
	w.approvals.poll()
	return newBorder(top, container.NewVBox(widget.NewSeparator(), statusBar), nil, nil, body)
}

// showAudit shows the audit screen in the main area, its first page loaded.
// A tap handler.
func (w *workspace) showAudit() {
	w.showCenter(w.audit.build())
	w.audit.onApply()
}

// showLeft puts o in the left column (the approvals queue). UI thread.
func (w *workspace) showLeft(o fyne.CanvasObject) {
	w.left.Objects = []fyne.CanvasObject{o}
	w.left.Refresh()
}

// showLists puts the open cases and recent accounts back in the left column.
func (w *workspace) showLists() {
	w.approvals.current = nil
	w.approvals.showCard()
	w.showLeft(w.lists)
}

// openAccountID fetches an account by id and opens it (a case or an approval
// names only the id). UI thread.
func (w *workspace) openAccountID(id string) {
	seq := w.nextSearch()
	w.cfg.goAsync(func() { w.runSearch(w.ctx, seq, "", id) })
}

func (w *workspace) buildTopBar() fyne.CanvasObject {
	w.region = newRegionPicker(w.win, w.cfg.Region, w.cfg.RecentRegions, func(code string) {
		w.onSearchChanged(w.search.Text)
		if w.cfg.OnRegion != nil {
			w.cfg.OnRegion(code)
		}
	})
	w.search = widget.NewEntry()
	w.search.SetPlaceHolder("Search phone, email or account id (Ctrl+F)")
	w.search.OnChanged = w.onSearchChanged
	w.search.OnSubmitted = func(string) { w.onSearch() }
	w.searchHint = widget.NewLabel("The caller's country applies to phone numbers typed without +.")
	w.searchHint.Truncation = fyne.TextTruncateEllipsis
	go_ := widget.NewButtonWithIcon("Search", theme.SearchIcon(), w.onSearch)

	who := widget.NewLabel(fmt.Sprintf("%s · %s", w.agent.Name, w.agent.Role))
	w.online = badge("online", widget.SuccessImportance)
	auditButton := widget.NewButtonWithIcon("Audit", theme.ListIcon(), w.showAudit)
	casesButton := widget.NewButtonWithIcon("Cases", theme.FolderOpenIcon(), w.showCases)
	right := []fyne.CanvasObject{w.approvals.button, casesButton, auditButton, who}
	if w.cfg.Demo {
		right = append(right, badge("DEMO MODE", widget.WarningImportance))
	}
	right = append(right, w.online)
	if w.cfg.OnSettings != nil {
		right = append(right, widget.NewButtonWithIcon("Settings", theme.SettingsIcon(), w.cfg.OnSettings))
	}
	right = append(right, widget.NewButtonWithIcon("Sign out", theme.LogoutIcon(), w.onSignOut))

	// Wide enough for "United Kingdom (+44)" so the picked country stays readable.
	regionBox := container.NewGridWrap(fyne.NewSize(13*theme.TextSize(), w.region.button.MinSize().Height), w.region.button)
	// The field keeps room for a number or a short email when the window is
	// at its smallest (a border gives its middle only what is left), and the
	// top bar still fits 1280 units with the Settings button.
	searchRow := newBorder(nil, nil, regionBox, go_, atLeast(w.search, fyne.NewSize(12*theme.TextSize(), 0)))
	bar := newBorder(nil, nil, nil, container.NewHBox(right...), searchRow)
	return container.NewVBox(bar, w.searchHint, widget.NewSeparator())
}

func (w *workspace) buildLeft() fyne.CanvasObject {
	w.recentList = widget.NewList(
		func() int { return len(w.recent) },
		func() fyne.CanvasObject { return widget.NewLabel("template") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			a := w.recent[id]
			o.(*widget.Label).SetText(a.Name + " · " + a.App)
		})
	w.recentList.OnSelected = func(id widget.ListItemID) {
		w.recentList.UnselectAll()
		w.openAccount(w.recent[id])
	}
	w.caseList = widget.NewList(
		func() int { return len(w.cases) },
		func() fyne.CanvasObject { return widget.NewLabel("template") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			c := w.cases[id]
			o.(*widget.Label).SetText(categoryTitle(c.Category) + " · " + statusWords(c.Status))
		})
	w.caseList.OnSelected = func(id widget.ListItemID) {
		w.caseList.UnselectAll()
		w.selectCaseTab = true
		w.openAccountID(w.cases[id].AccountID)
	}
	w.casesNote = widget.NewLabel("Loading…")
	title := widget.NewLabelWithStyle("Recent accounts", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	cases := widget.NewLabelWithStyle("Open cases", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	// Each list gets half the column; both scroll on their own.
	lists := container.NewGridWithRows(2,
		newBorder(container.NewVBox(cases, w.casesNote), nil, nil, nil, w.caseList),
		newBorder(container.NewVBox(widget.NewSeparator(), title), nil, nil, nil, w.recentList))
	w.cfg.goAsync(func() { w.loadCases(w.ctx) })
	return lists
}

// loadCases fetches the agent's open cases for the left column. I/O: off the UI
// thread.
func (w *workspace) loadCases(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, backendTimeout)
	defer cancel()
	cases, cached, err := w.cfg.Cases.OpenCases(ctx, w.agent.ID)
	fyne.Do(func() {
		switch {
		case err != nil:
			w.casesNote.SetText("Cases could not be loaded: " + Explain(err))
		case len(cases) == 0 && cached:
			w.casesNote.SetText("No open cases kept on this computer.")
		case len(cases) == 0:
			w.casesNote.SetText("No open cases.")
		case cached:
			w.casesNote.SetText(fmt.Sprintf("%d open, as kept on this computer", len(cases)))
		default:
			w.casesNote.SetText(fmt.Sprintf("%d open", len(cases)))
		}
		w.cases = cases
		w.caseList.Refresh()
	})
}

// syncOutbox sends what was kept offline, once the agent has signed in: in
// order, exactly once (client ids), conflicts kept for the agent to settle.
// It also records who signed in last, for offline review. UI thread.
func (w *workspace) syncOutbox() {
	svc := w.cfg.Cases
	if !svc.HasCache() {
		return
	}
	agent, parent := w.agent, w.ctx
	w.cfg.goAsync(func() {
		_ = svc.SetLastAgent(agent)
		ctx, cancel := context.WithTimeout(parent, 2*backendTimeout)
		defer cancel()
		rep, err := svc.Sync(ctx)
		fyne.Do(func() {
			if w.ctx.Err() != nil {
				return
			}
			w.updateStatus()
			if text := syncWords(rep, err); text != "" {
				w.notice(text)
			}
		})
	})
}

// syncWords says what a sync did, or "" when there was nothing to send.
func syncWords(rep casework.Report, err error) string {
	var parts []string
	if n := len(rep.Sent); n > 0 {
		parts = append(parts, fmt.Sprintf("Sent %d change%s kept offline.", n, plural(n)))
	}
	if n := len(rep.Conflicts); n > 0 {
		parts = append(parts, fmt.Sprintf("%d case%s changed on the backend meanwhile: open the case to settle it.", n, plural(n)))
	}
	if n := len(rep.Rejected); n > 0 {
		parts = append(parts, fmt.Sprintf("%d change%s refused by the backend.", n, plural(n)))
	}
	if err != nil && !errors.Is(err, casework.ErrOutboxBusy) {
		parts = append(parts, "Some changes kept offline are not sent yet: "+Explain(err))
	}
	return strings.Join(parts, " ")
}

// reloadCases loads the left column's open cases again. UI thread.
func (w *workspace) reloadCases() {
	w.cfg.goAsync(func() { w.loadCases(w.ctx) })
}

// record writes an action of the console to the local, hash-chained audit log
// (the cache's), off the UI thread. Detail never holds a verification code.
// Every auditlog.HeadEvery entries the chain's head is recorded on the backend too,
// so a cut-off tail is found against the server's record. UI thread.
func (w *workspace) record(action, accountID, caseID, detail string) {
	rec := w.cfg.Audit
	if !rec.HasLog() {
		return
	}
	e := auditlog.LocalEntry{At: w.cfg.now().UTC(), AgentID: w.agent.ID, Action: action, AccountID: accountID, CaseID: caseID, Detail: detail}
	w.cfg.goAsync(func() {
		// The head, every auditlog.HeadEvery entries, is sent with no
		// workspace context: it must reach the backend after a sign-out too.
		ctx, cancel := context.WithTimeout(context.Background(), backendTimeout)
		defer cancel()
		_ = rec.Record(ctx, e) // a head not sent goes with the next one
	})
}

// sendChainHead records the local audit chain's head on the backend. I/O: off
// the UI thread; a failure is retried at the next head.
func (w *workspace) sendChainHead() {
	ctx, cancel := context.WithTimeout(context.Background(), backendTimeout)
	defer cancel()
	_ = w.cfg.Audit.SendHead(ctx) // without a log or a console id there is nothing to send
}

// statusWords names a case status for people.
func statusWords(s string) string {
	switch s {
	case data.CaseWaiting:
		return "waiting on customer"
	}
	return s
}

func (w *workspace) selectedRegion() string { return w.region.code }

// query is what the search field asks for.
type query struct {
	q         client.AccountQuery
	diagnosis *phone.Diagnosis
	problem   string // why there is nothing to search yet
}

// parseQuery decides what the agent typed: an email, an account id, or a phone
// number in the picked country.
func parseQuery(text, region string) query {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return query{problem: "Type a phone number, email or account id."}
	case strings.Contains(text, "@"):
		return query{q: client.AccountQuery{Email: strings.ToLower(text)}}
	case accountIDPattern.MatchString(text):
		return query{q: client.AccountQuery{ID: text}}
	}
	d := phone.Diagnose(region, text)
	if d.E164 == "" {
		msg := "Not a phone number yet."
		for _, f := range d.Findings {
			if f.Severity == phone.SeverityError {
				msg = f.Message
				break
			}
		}
		return query{diagnosis: &d, problem: msg}
	}
	return query{q: client.AccountQuery{Phone: d.E164}, diagnosis: &d}
}

func (w *workspace) onSearchChanged(text string) {
	region := w.selectedRegion()
	w.hintGen++
	gen := w.hintGen
	// Diagnosis is fast but still parsing: keep it off the UI thread.
	w.cfg.goAsync(func() {
		hint := searchHint(parseQuery(text, region))
		fyne.Do(func() {
			if gen == w.hintGen {
				w.searchHint.SetText(hint)
			}
		})
	})
}

func searchHint(q query) string {
	switch {
	case q.problem != "":
		return q.problem
	case q.q.Email != "":
		return "Will search the email " + q.q.Email
	case q.q.ID != "":
		return "Will search the account id " + q.q.ID
	}
	hint := "Will search " + q.diagnosis.International
	if fs := searchFindings(q.diagnosis.Findings); len(fs) > 0 {
		hint += fmt.Sprintf(" · %s (%d finding%s, see Phone check)", worstFinding(fs).Message, len(fs), plural(len(fs)))
	}
	return hint
}

// formOnlyFindings are about how the customer's app form wants the number
// (digits only, no country code): in the agent's search field a + and the
// country code are the right way to type an international number, so the
// hint leaves them to Phone check.
var formOnlyFindings = map[string]bool{
	phone.CodePlusSign: true, phone.CodeCountryCodeTyped: true, phone.CodeSeparators: true,
	phone.CodeOtherCountryCode: true, phone.CodeTrunkPrefix: true,
}

// searchFindings are the findings that matter to the search itself.
func searchFindings(fs []phone.Finding) []phone.Finding {
	var out []phone.Finding
	for _, f := range fs {
		// Notes (mobile or landline, possibly ported) are for Phone check.
		if !formOnlyFindings[f.Code] && f.Severity != phone.SeverityInfo {
			out = append(out, f)
		}
	}
	return out
}

// worstFinding is the finding to mention first: errors before warnings before
// notes, in the diagnosis's order otherwise.
func worstFinding(fs []phone.Finding) phone.Finding {
	rank := map[string]int{phone.SeverityError: 3, phone.SeverityWarning: 2, phone.SeverityInfo: 1}
	best := fs[0]
	for _, f := range fs[1:] {
		if rank[f.Severity] > rank[best.Severity] {
			best = f
		}
	}
	return best
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// onSearch searches what the agent typed in the country they picked.
func (w *workspace) onSearch() {
	region, text := w.selectedRegion(), w.search.Text
	seq := w.nextSearch()
	w.cfg.goAsync(func() { w.runSearch(w.ctx, seq, region, text) })
}

// nextSearch starts a new search: results of older ones are dropped. UI thread.
func (w *workspace) nextSearch() int {
	w.searchSeq++
	return w.searchSeq
}

// runSearch parses text, asks the backend and shows what it found, unless a
// newer search started meanwhile. It does I/O: call it off the UI thread (tests
// call it directly).
func (w *workspace) runSearch(ctx context.Context, seq int, region, text string) {
	q := parseQuery(text, region)
	fyne.Do(func() {
		if seq != w.searchSeq {
			return
		}
		w.searchHint.SetText(searchHint(q))
		if q.problem != "" {
			return
		}
		if q.diagnosis != nil {
			w.phone.showDiagnosis(*q.diagnosis)
		}
		w.record("search", "", "", searchHint(q))
		// The answer usually comes within milliseconds: the screen changes
		// once, to the account. A slow one shows the progress in its place,
		// so the last account is not taken for the caller's.
		w.searchHint.SetText(searchHint(q) + " · searching…")
		w.cfg.after(searchingAfter, func() {
			fyne.Do(func() {
				if seq == w.searchSeq && w.searchDone != seq {
					w.showCenter(container.NewCenter(container.NewVBox(widget.NewProgressBarInfinite(), widget.NewLabel("Searching…"))))
				}
			})
		})
	})
	if q.problem != "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, backendTimeout)
	defer cancel()
	accounts, err := w.api.SearchAccounts(ctx, q.q)
	fyne.Do(func() {
		if seq != w.searchSeq {
			return
		}
		w.searchDone = seq
		w.searchHint.SetText(searchHint(q))
		w.failedSearch = nil
		if err != nil && isOffline(err) {
			w.failedSearch = &pendingSearch{region, text} // searched again when the backend is back
		}
		w.onSearchDone(q, accounts, err)
	})
}

// searchingAfter is how long a search runs before its progress replaces the
// account on screen.
const searchingAfter = 150 * time.Millisecond

func (w *workspace) onSearchDone(q query, accounts []data.Account, err error) {
	w.noteBackend(err)
	switch {
	case err != nil:
		w.showCenter(emptyState(Explain(err) + retryWords(err)))
	case len(accounts) == 0:
		what := q.q.Email + q.q.ID
		if q.diagnosis != nil {
			what = q.diagnosis.International
		}
		w.showCenter(emptyState("No account found for " + what + ". Check the country and the number with the caller (the hint under the search shows what was searched)."))
	case len(accounts) == 1:
		w.casePanel.found.Store(&foundBy{accountID: accounts[0].ID, q: q.q, diagnosis: q.diagnosis})
		w.openAccount(accounts[0])
	default:
		w.results = accounts
		w.resultList.Refresh()
		head := widget.NewLabel(fmt.Sprintf("%d accounts match. Pick the caller's:", len(accounts)))
		w.showCenter(newBorder(head, nil, nil, nil, w.resultList))
	}
}

func (w *workspace) showCenter(o fyne.CanvasObject) {
	w.center.Objects = []fyne.CanvasObject{o}
	w.center.Refresh()
}

// openAccount shows acct in the header and tabs and loads the selected tab.
func (w *workspace) openAccount(acct data.Account) {
	if w.account != nil && w.account.ID == acct.ID {
		w.updateAccount(acct)
		w.showAccount()
		w.reloadPanels()
		return
	}
	w.banner.Hide()
	a := acct
	w.account = &a
	w.accountSeq++ // a refresh of the previous account must not land here
	w.loaded = map[panel]bool{}
	w.failed, w.stale = map[panel]bool{}, map[panel]bool{}
	w.header.set(w.account)
	for _, p := range w.panels {
		p.loadState().seq++ // drops loads still running for the previous account
		p.setAccount(w.account)
	}
	w.addRecent(a)
	w.header.setOpenCase(hasOpenCase(w.cases, a.ID))
	w.showAccount()
	if w.selectCaseTab {
		// Opened from a case in the list: its Case tab first. The agent chose
		// the case, not the tab, so the next start still opens on the tab
		// they chose (showTab does not remember it).
		w.selectCaseTab = false
		w.showTab(len(w.panels) - 1) // OnSelected loads it
	}
	w.loadSelected()
}

// hasOpenCase reports whether one of cs is an unresolved case of the account.
func hasOpenCase(cs []data.Case, accountID string) bool {
	for _, c := range cs {
		if c.AccountID == accountID && c.Status != data.CaseResolved {
			return true
		}
	}
	return false
}

func (w *workspace) showAccount() {
	// A request being decided stays above the account it is about.
	if cur := w.approvals.current; cur != nil && (w.account == nil || cur.AccountID != w.account.ID) {
		w.approvals.current = nil
		w.approvals.showCard()
	}
	if w.accountView == nil {
		top := container.NewVScroll(container.NewVBox(w.approvals.card, w.header.build()))
		w.accountView = container.New(accountLayout{top: top, header: w.header.build(), tabs: w.tabs}, top, w.tabs)
	}
	// Already on screen for the last account: its widgets changed in place,
	// and a refresh of the whole view would redraw every tab (a third of a
	// search's time, in BenchmarkSearchToOverview).
	if len(w.center.Objects) == 1 && w.center.Objects[0] == w.accountView {
		w.relayoutAccount()
		return
	}
	w.showCenter(w.accountView)
}

// relayoutAccount lays the account view out again after the card above the
// header showed, hid or changed. UI thread.
func (w *workspace) relayoutAccount() {
	if w.accountView == nil {
		return
	}
	top := w.accountView.Layout.(accountLayout).top
	top.Content.Refresh()
	top.Refresh()
	w.accountView.Layout.Layout(w.accountView.Objects, w.accountView.Size())
}

// accountLayout puts the decision card (while one is shown) and the account
// header above the tabs. They get the room the tabs leave, and never less
// than the header needs; beyond that they scroll: a long request never makes
// the window taller than the screen (a desktop window grows to what its
// content needs and does not shrink back), and without a card the header
// shows whole as before.
type accountLayout struct {
	top          *container.Scroll // the card and the header
	header, tabs fyne.CanvasObject
}

func (l accountLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	t := l.tabs.MinSize()
	return fyne.NewSize(max(l.top.Content.MinSize().Width, t.Width), l.header.MinSize().Height+theme.Padding()+t.Height)
}

func (l accountLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	room := size.Height - l.tabs.MinSize().Height - pad
	topH := min(l.top.Content.MinSize().Height, max(l.header.MinSize().Height, room))
	l.top.Move(fyne.NewPos(0, 0))
	l.top.Resize(fyne.NewSize(size.Width, topH))
	l.tabs.Move(fyne.NewPos(0, topH+pad))
	l.tabs.Resize(fyne.NewSize(size.Width, size.Height-topH-pad))
}

// updateAccount shows newer data of the account on screen: the header, the
// overview, Phone check and the recent list follow it. UI thread.
func (w *workspace) updateAccount(a data.Account) {
	if w.account == nil || w.account.ID != a.ID {
		return
	}
	*w.account = a
	w.header.set(w.account)
	w.overview.show(a)
	w.phone.showStored()
	for i := range w.recent {
		if w.recent[i].ID == a.ID {
			w.recent[i] = a
		}
	}
	w.recentList.Refresh()
}

func (w *workspace) addRecent(a data.Account) {
	out := []data.Account{a}
	for _, r := range w.recent {
		if r.ID != a.ID && len(out) < 20 {
			out = append(out, r)
		}
	}
	w.recent = out
	w.recentList.Refresh()
}

// loadSelected loads the selected tab's data for the current account, once.
func (w *workspace) loadSelected() {
	i := w.tabs.SelectedIndex()
	if i < 0 || i >= len(w.panels) {
		return
	}
	if p := w.panels[i]; w.account != nil && !w.loaded[p] {
		w.startLoad(p)
	}
}

// startLoad loads p for the account on screen: the panel's load runs off the
// UI thread, the panel says it is loading, and loadDone shows the answer
// unless a newer load or another account superseded it. UI thread.
func (w *workspace) startLoad(p panel) {
	if w.account == nil {
		return
	}
	st := p.loadState()
	st.seq++
	seq, acct := st.seq, *w.account
	w.loaded[p] = true
	delete(w.failed, p)
	st.loading()
	timeout := st.timeout
	if timeout == 0 {
		timeout = backendTimeout
	}
	parent := w.ctx
	w.cfg.goAsync(func() {
		ctx, cancel := context.WithTimeout(parent, timeout)
		defer cancel()
		show, err := p.load(ctx, acct)
		fyne.Do(func() { w.loadDone(p, seq, show, err) })
	})
}

// loadDone shows a finished load. UI thread.
func (w *workspace) loadDone(p panel, seq int, show func(), err error) {
	st := p.loadState()
	if seq != st.seq || w.ctx.Err() != nil {
		return // superseded, or the workspace closed
	}
	var cached cachedAnswer
	switch {
	case errors.As(err, &cached):
		// Shown from the cache: loaded again once the backend answers, but
		// not used to probe it meanwhile (each reload would redraw the tab
		// under the agent's hands).
		w.stale[p] = true
	case err != nil && isOffline(err):
		w.failed[p] = true // reloaded when the backend answers again
	}
	w.noteBackend(err)
	showLoad(st, show, err)
	if w.focusAfterLoad == p {
		w.focusAfterLoad = nil
		if w.panels[w.tabs.SelectedIndex()] == p {
			w.focusFirstControl(p) // the tab the keyboard switched to has its controls now
		}
	}
}

// retryWords is what the console promises after err: only an offline error
// is retried by itself (noteBackend schedules it).
func retryWords(err error) string {
	switch {
	case errors.Is(err, client.ErrCircuitOpen):
		return "" // its words already say the console tries again
	case isOffline(err):
		return " The console tries again in a few seconds and reloads this when the backend answers."
	}
	return " Press Refresh (Ctrl+R) to try again."
}

// reloadPanels loads the selected tab again now and the others when they are
// next shown (after an action or a refresh). UI thread.
func (w *workspace) reloadPanels() {
	w.loaded = map[panel]bool{}
	w.loadSelected()
}

// refresh fetches the account on screen again and reloads its tabs: the
// Refresh button and Ctrl+R, and every action that changes the account. UI
// thread.
func (w *workspace) refresh() {
	if w.account == nil {
		return
	}
	w.accountSeq++
	seq, id := w.accountSeq, w.account.ID
	w.reloadPanels()
	parent := w.ctx
	w.cfg.goAsync(func() {
		ctx, cancel := context.WithTimeout(parent, backendTimeout)
		defer cancel()
		fresh, err := w.api.Account(ctx, id)
		fyne.Do(func() {
			if seq != w.accountSeq || w.ctx.Err() != nil {
				return
			}
			w.noteBackend(err)
			if err == nil {
				w.updateAccount(fresh)
			}
		})
	})
}

// setLocator places logins with another database: the Activity tab reloads
// with it. UI thread.
func (w *workspace) setLocator(loc *geo.Locator) {
	w.cfg.Locator = loc
	w.activity.setLocator(loc)
	delete(w.loaded, w.activity)
	w.loadSelected()
}

// notice tells the agent what an action did, above the account. UI thread.
func (w *workspace) notice(text string) {
	w.banner.SetText(text)
	w.banner.Show()
}

// noteBackend records whether the last call reached the backend: the online
// badge follows it. Offline, a retry is scheduled; back online, what failed
// offline loads again. UI thread.
func (w *workspace) noteBackend(err error) {
	if err != nil && isOffline(err) {
		w.online.set("offline", widget.DangerImportance)
		w.offline = true
		w.scheduleRetry()
		w.updateStatus()
		return
	}
	w.online.set("online", widget.SuccessImportance)
	if err == nil {
		w.lastRefresh = w.cfg.now()
	}
	if w.offline {
		w.offline = false
		w.retryDelay = firstRetry
		w.recover()
	}
	w.updateStatus()
}

// recover reloads what failed while the backend could not be reached. UI
// thread.
func (w *workspace) recover() {
	for p := range w.failed {
		delete(w.loaded, p)
	}
	for p := range w.stale {
		delete(w.loaded, p)
	}
	w.failed, w.stale = map[panel]bool{}, map[panel]bool{}
	w.loadSelected()
	if s := w.failedSearch; s != nil {
		w.failedSearch = nil
		seq := w.nextSearch()
		w.cfg.goAsync(func() { w.runSearch(w.ctx, seq, s.region, s.text) })
	}
}

// scheduleRetry asks the backend again after a growing delay while it cannot
// be reached: a failed panel loads again, or, when none failed, the console
// asks who is signed in. UI thread.
func (w *workspace) scheduleRetry() {
	if w.retryPending || w.ctx.Err() != nil {
		return
	}
	w.retryPending = true
	delay := w.retryDelay
	w.retryDelay = min(2*w.retryDelay, maxRetry)
	w.cfg.after(delay, func() { fyne.Do(w.retry) })
}

func (w *workspace) retry() {
	w.retryPending = false
	if !w.offline || w.ctx.Err() != nil {
		return
	}
	if w.account != nil && len(w.failed) > 0 {
		for p := range w.failed {
			if w.isSelected(p) {
				w.startLoad(p)
				return
			}
		}
	}
	parent := w.ctx
	w.cfg.goAsync(func() {
		ctx, cancel := context.WithTimeout(parent, backendTimeout)
		defer cancel()
		_, err := w.api.Me(ctx)
		fyne.Do(func() {
			if w.ctx.Err() == nil {
				w.noteBackend(err)
			}
		})
	})
}

func (w *workspace) isSelected(p panel) bool {
	i := w.tabs.SelectedIndex()
	return i >= 0 && i < len(w.panels) && w.panels[i] == p
}

func isOffline(err error) bool {
	// ErrCircuitOpen wraps ErrOffline.
	return errors.Is(err, client.ErrOffline) || errors.Is(err, client.ErrTimeout)
}

// updateStatus writes the status bar: the backend, the cache (read off the UI
// thread, then written), the last refresh. UI thread.
func (w *workspace) updateStatus() {
	w.showStatus()
	c := w.cfg.Cases
	if !c.HasCache() {
		return
	}
	w.cfg.goAsync(func() {
		st, err := c.Stats()
		storage, _ := c.KeyStorage()
		fyne.Do(func() {
			if err != nil {
				return
			}
			text := fmt.Sprintf("cache: %d case%s", st.Cases, plural(st.Cases))
			if st.Queued > 0 {
				text += fmt.Sprintf(", %d change%s queued", st.Queued, plural(st.Queued))
			}
			if st.Conflicts > 0 {
				text += fmt.Sprintf(", %d to settle", st.Conflicts)
			}
			if storage == "file" {
				text += " (encrypted, key in a file: no keyring)"
			} else {
				text += " (encrypted, key in the keyring)"
			}
			w.cacheStatus = text
			w.showStatus()
		})
	})
}

func (w *workspace) showStatus() {
	s := "Backend: " + w.backend
	if w.cacheStatus != "" {
		s += " · " + w.cacheStatus
	}
	if !w.lastRefresh.IsZero() {
		s += " · last refresh " + w.lastRefresh.Format("15:04:05")
	}
	if w.cfg.geoProblem != "" {
		s += " · " + w.cfg.geoProblem
	}
	w.status.SetText(s)
}
