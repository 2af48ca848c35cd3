package screens

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/geo"
	"verifydesk/services/i18n"
	"verifydesk/services/phone"
)

// passwordReset leads to the Codes tab with a password reset code chosen: the
// agent picks the channel and sends it. UI thread.
func (w *workspace) passwordReset() {
	w.codes.usePurpose(data.PurposeResetPassword)
	for i, p := range w.panels {
		if p == panel(w.codes) {
			w.showTab(i) // the action's way to its tab, not the agent's pick of one
		}
	}
	w.notice(i18n.L("Choose how to send the password reset code, then press Resend code."))
}

// accountView is the account state a tab's load reads: the account on
// screen, how it was found and the geolocation, copied on the UI thread when
// the load starts.
type accountView struct {
	data.Account
	// found is the search that found this account; nil when it was opened
	// another way (a list, a case, an approval).
	found *foundBy
	loc   *geo.Locator
}

// foundBy is the search that found an account: for a phone search, the
// diagnosis of what was typed is evidence about that account only.
type foundBy struct {
	accountID string
	q         client.AccountQuery
	diagnosis *phone.Diagnosis
}

// typedDiagnosis is the diagnosis of the number the customer typed: the phone
// search that found this account, typed as the customer would (without a +:
// in the agent's search field a leading + is the right way to type an
// international number, so its findings would be about the agent's typing).
// nil otherwise.
func (f *foundBy) typedDiagnosis() *phone.Diagnosis {
	if f == nil || f.q.Phone == "" || f.diagnosis == nil || f.diagnosis.Has(phone.CodePlusSign) {
		return nil
	}
	return f.diagnosis
}

// view is the account state for a load. UI thread.
func (w *workspace) view() accountView {
	v := accountView{found: w.found, loc: w.cfg.Locator}
	if w.account != nil {
		v.Account = *w.account
	}
	return v
}

// openAccount shows acct in the header and tabs and loads the selected tab.
// found is the search that found it, nil when the agent opened it another
// way: the account and how it was found are the one account state every
// panel reads, and nothing of the previous account stays. UI thread.
func (w *workspace) openAccount(acct data.Account, found *foundBy) {
	if found != nil && found.accountID != acct.ID {
		found = nil
	}
	if w.account != nil && w.account.ID == acct.ID {
		if found != nil {
			w.found = found
			w.phone.setFound(found)
		}
		w.updateAccount(acct)
		w.showAccount()
		w.reloadPanels()
		return
	}
	w.banner.Hide()
	a := acct
	w.account, w.found = &a, found
	w.accountGen.drop() // a refresh of the previous account must not land here
	w.loaded = map[panel]bool{}
	w.failed, w.stale = map[panel]bool{}, map[panel]bool{}
	w.header.set(w.account)
	for _, p := range w.panels {
		p.loadState().gen.drop() // drops loads still running for the previous account
		p.setAccount(w.account)
	}
	w.phone.setFound(found)
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

// buildAccountView makes the header and the tabs' frame, once. UI thread.
func (w *workspace) buildAccountView() {
	if w.accountView == nil {
		top := container.NewVScroll(container.NewVBox(w.approvals.card, w.header.build()))
		w.accountView = container.New(accountLayout{top: top, header: w.header.build(), tabs: w.tabs}, top, w.tabs)
	}
}

func (w *workspace) showAccount() {
	// A request being decided stays above the account it is about.
	if cur := w.approvals.current; cur != nil && (w.account == nil || cur.AccountID != w.account.ID) {
		w.approvals.current = nil
		w.approvals.showCard()
	}
	w.buildAccountView()
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

// refresh fetches the account on screen again and reloads its tabs: the
// Refresh button and Ctrl+R, and every action that changes the account. UI
// thread.
func (w *workspace) refresh() {
	if w.account == nil {
		return
	}
	id := w.account.ID
	w.reloadPanels()
	var fresh data.Account
	w.run.run(job{name: "refresh the account", wanted: w.accountGen.next(),
		work: func(ctx context.Context) (err error) { fresh, err = w.api.Account(ctx, id); return err },
		done: func(err error) {
			if err == nil {
				w.updateAccount(fresh)
			}
		}})
}

// setLocator places logins with another database: the Activity tab reloads
// with it. UI thread.
func (w *workspace) setLocator(loc *geo.Locator) {
	w.cfg.Locator = loc
	w.activity.setLocator(loc)
	delete(w.loaded, w.activity)
	w.loadSelected()
}
