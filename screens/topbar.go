package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/i18n"
	"verifydesk/services/phone"
)

// showAudit shows the audit screen in the main area, its first page loaded.
// A tap handler.
func (w *workspace) showAudit() {
	w.showCenter(w.audit.build())
	w.audit.onApply()
}

func (w *workspace) buildTopBar() fyne.CanvasObject {
	w.region = newRegionPicker(w.win, w.cfg.Region, w.cfg.RecentRegions, func(code string) {
		w.onSearchChanged(w.search.Text)
		if w.cfg.OnRegion != nil {
			w.cfg.OnRegion(code)
		}
	})
	w.search = widget.NewEntry()
	// Short enough to show whole in the field at 1280 (Ctrl+F is in the
	// menu beside Search).
	w.search.SetPlaceHolder(i18n.L("Phone, email or id"))
	w.search.OnChanged = w.onSearchChanged
	w.search.OnSubmitted = func(string) { timeUI("search by Enter", w.onSearch) }
	w.searchHint = widget.NewLabel(i18n.L("The caller's country applies to phone numbers typed without +."))
	w.searchHint.Truncation = fyne.TextTruncateClip // an ellipsis would shape the hint anew on every keystroke
	go_ := widget.NewButtonWithIcon(i18n.L("Search"), theme.SearchIcon(), handler("press Search", w.onSearch))

	// The agent's name is the backend's: at most a fixed width, cut with an
	// ellipsis, so the top bar keeps Settings and Sign out on a 1280 screen.
	who := oneLine(i18n.L("{{.Name}} · {{.Role}}", i18n.M{"Name": w.agent.Name, "Role": roleInWords(w.agent.Role)}))
	natural := widget.NewLabel(who.Text).MinSize().Width + theme.Padding() // the whole text, uncut
	whoBox := container.NewGridWrap(fyne.NewSize(min(natural, 16*theme.TextSize()), who.MinSize().Height), who)
	w.online = badge(i18n.L("online"), widget.SuccessImportance)
	auditButton := widget.NewButtonWithIcon(i18n.L("Audit"), theme.ListIcon(), w.showAudit)
	casesButton := widget.NewButtonWithIcon(i18n.L("Cases"), theme.FolderOpenIcon(), w.showCases)
	right := []fyne.CanvasObject{w.approvals.button, casesButton, auditButton, whoBox}
	if w.cfg.Demo {
		right = append(right, badge(i18n.L("DEMO MODE"), widget.WarningImportance))
	}
	right = append(right, w.online)
	if w.cfg.OnSettings != nil {
		right = append(right, widget.NewButtonWithIcon(i18n.L("Settings"), theme.SettingsIcon(), w.cfg.OnSettings))
	}
	// In a language whose words are longer than the bar is wide, these go
	// on a line of their own below the search (newBar).
	right = append(right, widget.NewButtonWithIcon(i18n.L("Sign out"), theme.LogoutIcon(), w.onSignOut))

	// Wide enough for "United Kingdom (+44)" so the picked country stays
	// readable, and for "United States (+1)" in the agent's language
	// ("Соединенные Штаты (+1)"), up to a limit.
	regionWidth := 13 * theme.TextSize()
	for _, code := range []string{"GB", "US"} {
		label := fyne.MeasureText(phone.RegionLabelIn(i18n.Current(), code), theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 4*theme.TextSize()
		regionWidth = min(max(regionWidth, label), 17*theme.TextSize())
	}
	regionBox := container.NewGridWrap(fyne.NewSize(regionWidth, w.region.button.MinSize().Height), w.region.button)
	// The field keeps room for a number or a short email when the window is
	// at its smallest (a border gives its middle only what is left), and the
	// top bar still fits 1280 units with the Settings button.
	searchRow := newBorder(nil, nil, regionBox, go_, atLeast(w.search, fyne.NewSize(12*theme.TextSize(), 0)))
	hintRow := fyne.CanvasObject(w.searchHint)
	if w.agent.Role == data.RoleSupervisor {
		// Delivery health for everyone's codes, a supervisor's view (agents
		// see their caller's network on the Codes tab): on the hint's line,
		// where the width is free (the row above fills 1280 units in demo
		// mode with a request waiting).
		health := widget.NewButtonWithIcon(i18n.L("Delivery health"), theme.InfoIcon(), w.showHealth)
		health.Importance = widget.LowImportance
		hintRow = newBorder(nil, nil, nil, health, w.searchHint)
	}
	return container.NewVBox(newBar(searchRow, container.NewHBox(right...), hintRow), widget.NewSeparator())
}

// roleInWords is an agent's role as the top bar shows it, in the agent's
// language; a role the console does not know is shown as the backend says it.
func roleInWords(role string) string {
	switch role {
	case data.RoleAgent:
		return i18n.X("role.agent", "agent")
	case data.RoleSupervisor:
		return i18n.X("role.supervisor", "supervisor")
	}
	return role
}

// notice tells the agent what an action did, above the account. UI thread.
func (w *workspace) notice(text string) {
	w.banner.SetText(text)
	w.banner.Show()
}
