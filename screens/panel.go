// Package screens holds Verifydesk's Fyne views: the sign-in form, the workspace
// frame (top bar, left column, account header, tabs, status bar) and one file per
// tab. Screens call services; every widget change happens on the UI thread, inside
// fyne.Do when the work ran in a goroutine.
//
// Tap handlers and shortcuts already run on the UI thread: they read and change
// widgets directly. fyne.DoAndWait is for goroutines only; a handler that calls
// it is run elsewhere by the real driver (or hangs it with the fyneDo
// migration), which Fyne's test driver cannot show.
package screens

import (
	"context"
	"errors"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/casework"
	"verifydesk/services/i18n"
)

// panel is one tab of the account workspace (Overview, Codes, Devices, Activity,
// Phone check, Case). The workspace loads it with one mechanism (startLoad):
// off the UI thread, with progress, stale answers dropped, errors in words, the
// online badge kept current and a retry when the backend is back.
// keyboardStart is a panel with a first control for the keyboard: Ctrl+1..6
// and Ctrl+Tab put the focus there, so Tab goes on from the tab's own
// controls instead of from wherever the focus was.
type keyboardStart interface {
	firstControl() fyne.Focusable
}

type panel interface {
	// title is the tab's English name: it names the tab on the command line
	// (--tab), in the preferences (the last tab) and in the support log, so it
	// is never translated; tabTitle is its label in the agent's language.
	title() string
	// build returns the tab's content. Called once, on the UI thread.
	build() fyne.CanvasObject
	// setAccount is called on the UI thread when the workspace shows another
	// account (nil clears it). The panel drops what it showed for the previous
	// account; it does no I/O here.
	setAccount(acct *data.Account)
	// load fetches what the panel shows for acct. It runs off the UI thread and
	// touches no widget and no panel field that the UI thread writes: it returns
	// show, which the workspace calls on the UI thread unless a newer load or
	// another account superseded this one.
	load(ctx context.Context, acct accountView) (show func(), err error)
	// loadState is the panel's part of the mechanism.
	loadState() *loadState
}

// loadState is what the load mechanism keeps for one panel. Only the UI thread
// touches it.
type loadState struct {
	// what names the panel's data in a sentence: "The delivery log".
	what string
	// label says "Loading…" and why a load failed; the panel's show may use it
	// for its own summary.
	label *widget.Label
	// timeout bounds one load; zero means backendTimeout.
	timeout time.Duration
	// gen drops an answer overtaken by a newer load or another account.
	gen generation
}

func newLoadState(what string) *loadState {
	l := widget.NewLabel("")
	l.Wrapping = wordWrap()
	return &loadState{what: what, label: l}
}

func (s *loadState) loading() {
	s.label.Importance = widget.MediumImportance // a tab may colour its summary
	s.label.SetText(i18n.L("Loading {{.What}}…", i18n.M{"What": lowerFirst(s.what)}))
	s.label.Show()
}

// lowerFirst is s with its first letter in lower case, whatever its script:
// "The delivery log" reads "the delivery log" inside a sentence; a Chinese
// text, which has no case, stays as it is.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// tabTitle is p's tab label in the agent's language (p.title() is its
// English name, written with i18n.Mark, see panel).
func tabTitle(p panel) string { return i18n.T(p.title()) }

// cachedAnswer is the error of a load that could not reach the backend but
// has what the cache holds to show: the workspace shows it, notes the
// backend's state from the cause (offline) and loads the panel again when the
// backend answers.
type cachedAnswer struct{ cause error }

func (c cachedAnswer) Error() string { return "shown from the cache: " + c.cause.Error() }
func (c cachedAnswer) Unwrap() error { return c.cause }

// showLoad shows a finished load: the panel's show, or the words for err in
// the panel's label. UI thread.
func showLoad(st *loadState, show func(), err error) {
	var cached cachedAnswer
	if errors.As(err, &cached) && show != nil {
		show()
		return
	}
	if err != nil {
		st.label.SetText(i18n.L("{{.What}} could not be loaded: {{.Reason}}",
			i18n.M{"What": st.what, "Reason": explainRetry(err)}))
		st.label.Show()
		return
	}
	show()
}

// loadNow runs p's load for acct on the calling goroutine and shows the
// outcome as the workspace does (tests and benchmarks of a panel on its own;
// the workspace uses startLoad). It returns the load's error.
func loadNow(ctx context.Context, p panel, acct data.Account) error {
	p.loadState().loading()
	v := accountView{Account: acct}
	if a, ok := p.(*activityPanel); ok {
		v.loc = a.loc // the locator the test built it with
	}
	show, err := p.load(ctx, v)
	showLoad(p.loadState(), show, err)
	return err
}

// accountActions starts the sensitive actions a panel can lead to. The workspace
// implements it with the identity-check and approval dialogs, so a panel only
// says which action and on what.
type accountActions interface {
	removeDevice(deviceID, deviceName string)
	revokeSessions()
}

// tabHost is what a tab may ask of the workspace it lives in: the clock, the
// one runner, the one connection state and account state, the case work, the
// local audit, and what the frame shows for it. A tab never reads another
// tab's fields or the workspace's: the workspace is the only owner of what
// tabs share.
type tabHost interface {
	now() time.Time
	// runJob runs a background call through the workspace's runner; later
	// runs f on the UI thread after d.
	runJob(j job)
	later(d time.Duration, name string, f func())
	isOnline() bool
	// foundNow is the search that found the account on screen (nil: it was
	// opened another way).
	foundNow() *foundBy
	agentID() string
	// agentName is an agent's name for the screen, the id when unknown.
	agentName(id string) string
	window() fyne.Window
	caseWork() *casework.Service
	record(action, accountID, caseID, detail string)
	startLoad(p panel)
	updateStatus()
	// The frame: the account header's badges, the open cases on the left.
	setRateLimits(rl data.RateLimits, now time.Time)
	setOpenCase(open bool)
	reloadCases()
	// The account's actions a tab leads to.
	sendResend(accountID string, req data.ResendRequest)
	changeContact(field string)
	disable2FA()
	// customer is the customer's localizer when the customer's language is
	// not the agent's, else nil: the open case's, else the account's.
	customer() *i18n.Localizer
}

var _ tabHost = (*workspace)(nil)

func (w *workspace) now() time.Time                                { return w.cfg.now() }
func (w *workspace) runJob(j job)                                  { w.run.run(j) }
func (w *workspace) later(d time.Duration, name string, f func())  { w.run.later(d, name, f) }
func (w *workspace) foundNow() *foundBy                            { return w.found }
func (w *workspace) agentID() string                               { return w.agent.ID }
func (w *workspace) window() fyne.Window                           { return w.win }
func (w *workspace) caseWork() *casework.Service                   { return w.cfg.Cases }
func (w *workspace) setRateLimits(rl data.RateLimits, t time.Time) { w.header.setRateLimits(rl, t) }
func (w *workspace) setOpenCase(open bool)                         { w.header.setOpenCase(open) }
