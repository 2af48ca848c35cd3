package screens

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"verifydesk/services/i18n"
)

// shortcut is one keyboard shortcut of the workspace, with its menu words:
// menu is the menu's English name (its title is i18n.T of it), name the shortcut's in
// English (the support log's) and label the words the menu and Help show.
type shortcut struct {
	menu, name, label string
	key               fyne.KeyName
	mod               fyne.KeyModifier
	run               func()
}

// The menus, by their English names (keys: a menu's title is i18n.T of
// its name).
var (
	menuAccount = i18n.Mark("Account")
	menuView    = i18n.Mark("View")
)

// shortcuts are the workspace's keys: Ctrl+F the search, Ctrl+R refresh,
// Ctrl+1..6 and Ctrl+Tab the tabs (the tab bar is not a Tab stop).
func (w *workspace) shortcuts() []shortcut {
	def := fyne.KeyModifierShortcutDefault
	out := []shortcut{
		{menuAccount, "Find an account", i18n.L("Find an account"), fyne.KeyF, def, w.focusSearch},
		{menuAccount, "Refresh", i18n.L("Refresh"), fyne.KeyR, def, w.refresh},
	}
	for i, p := range w.panels {
		if i < 9 {
			out = append(out, shortcut{menuView, p.title(), tabTitle(p), fyne.KeyName(fmt.Sprint(i + 1)), def, func() { w.selectTab(i) }})
		}
	}
	out = append(out, shortcut{menuView, "Next tab", i18n.L("Next tab"), fyne.KeyTab, fyne.KeyModifierControl,
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
		run := handler("key "+s.name, s.run)
		w.win.Canvas().AddShortcut(sc, func(fyne.Shortcut) { run() })
		m := menus[s.menu]
		if m == nil {
			m = fyne.NewMenu(i18n.T(s.menu))
			menus[s.menu] = m
			order = append(order, m)
		}
		item := fyne.NewMenuItem(s.label, run)
		item.Shortcut = sc
		m.Items = append(m.Items, item)
	}
	menus[menuAccount].Items = append(menus[menuAccount].Items, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(i18n.L("Cases on this computer"), w.showCases), fyne.NewMenuItem(i18n.X("menu.audit", "Audit"), w.showAudit))
	if w.cfg.OnSettings != nil {
		menus[menuAccount].Items = append(menus[menuAccount].Items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem(i18n.L("Settings…"), w.cfg.OnSettings))
	}
	// macOS makes a menu named "Help" in English its help menu, with a search
	// field; a translated one is an ordinary menu, the last one all the same.
	help := fyne.NewMenu(i18n.X("menu.help", "Help"), fyne.NewMenuItem(i18n.L("Keyboard shortcuts"), w.showShortcuts))
	w.win.SetMainMenu(fyne.NewMainMenu(append(order, help)...))
}

// showShortcuts lists every shortcut. A menu action.
func (w *workspace) showShortcuts() {
	var cells []fyne.CanvasObject
	row := func(keys, what string) {
		cells = append(cells, widget.NewLabelWithStyle(keys, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}), widget.NewLabel(what))
	}
	for _, s := range w.shortcuts() {
		sc := &desktop.CustomShortcut{KeyName: s.key, Modifier: s.mod}
		row(strings.TrimPrefix(sc.ShortcutName(), "CustomDesktop:"), s.label)
	}
	// The keys keep their names as the keyboard writes them.
	for _, k := range [][2]string{
		{"Enter", i18n.L("search what the search field holds")},
		{"Esc", i18n.L("close a dialog (as Cancel), a list or a menu")},
		{"Tab", i18n.L("the next control, in reading order (Shift+Tab back)")},
		{i18n.X("key.arrows", "Arrows"), i18n.L("change a choice (Left, Right) or open it (Down)")},
		{"Space", i18n.L("press the button, tick the box")},
	} {
		row(k[0], k[1])
	}
	// Two columns, the keys aligned: a tab in one label ran them together.
	grid := container.New(layout.NewFormLayout(), cells...)
	showEscapable(w.win, dialog.NewCustom(i18n.L("Keyboard shortcuts"), i18n.L("Close"), grid, w.win))
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

// tellOnScreen tells the tabs that draw only while on screen which one is.
// UI thread.
func (w *workspace) tellOnScreen() {
	for _, p := range w.panels {
		if s, ok := p.(interface{ setOnScreen(bool) }); ok {
			s.setOnScreen(w.isSelected(p))
		}
	}
}
