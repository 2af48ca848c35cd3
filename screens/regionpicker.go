package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/services/i18n"
	"verifydesk/services/phone"
)

// regionPicker is the caller's country: a button that opens a finder where the
// agent types a name, an ISO code or a calling code ("tai", "TW", "886") and
// presses Enter, with the recent countries first. Some 240 countries in a
// drop-down took hundreds of wheel clicks to reach.
type regionPicker struct {
	win      fyne.Window
	code     string
	recent   []string
	button   *widget.Button
	onChange func(code string)

	// the open finder, if any
	query   *escEntry
	list    *widget.List
	matches []phone.RegionInfo
	dlg     dialog.Dialog
}

func newRegionPicker(win fyne.Window, code string, recent []string, onChange func(string)) *regionPicker {
	p := &regionPicker{win: win, code: code, recent: recent, onChange: onChange}
	p.button = widget.NewButtonWithIcon("", theme.MenuDropDownIcon(), p.open)
	p.button.IconPlacement = widget.ButtonIconTrailingText
	p.button.Alignment = widget.ButtonAlignLeading
	p.showCode()
	return p
}

func (p *regionPicker) showCode() {
	if p.code == "" {
		p.button.SetText(i18n.L("Country"))
		return
	}
	p.button.SetText(phone.RegionLabelIn(i18n.Current(), p.code))
}

// set picks code without telling onChange (a program's choice, not the agent's).
func (p *regionPicker) set(code string) {
	p.code = code
	p.showCode()
}

// pick is the agent's choice: remembered first among the recent ones.
func (p *regionPicker) pick(code string) {
	p.set(code)
	recent := []string{code}
	for _, r := range p.recent {
		if r != code && len(recent) < 8 {
			recent = append(recent, r)
		}
	}
	p.recent = recent
	if p.onChange != nil {
		p.onChange(code)
	}
}

// open shows the finder. A tap handler: UI thread.
func (p *regionPicker) open() {
	p.query = newEscEntry(p.win)
	p.query.SetPlaceHolder(i18n.L("Type a country, an ISO code or a calling code (tai, TW, 886)"))
	p.matches = phone.FindRegions("", p.recent)
	p.list = widget.NewList(
		func() int { return len(p.matches) },
		func() fyne.CanvasObject { return widget.NewLabel("template") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(phone.RegionLabelIn(i18n.Current(), p.matches[id].Code))
		})
	p.list.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(p.matches) {
			p.choose(p.matches[id].Code)
		}
	}
	p.query.OnChanged = p.filter
	p.query.OnSubmitted = func(string) {
		if len(p.matches) > 0 {
			p.choose(p.matches[0].Code)
		}
	}
	hint := widget.NewLabel(i18n.L("Enter picks the first country; recent ones come first."))
	content := newBorder(container.NewVBox(p.query, hint), nil, nil, nil, p.list)
	p.dlg = dialog.NewCustom(i18n.L("Caller's country"), i18n.L("Cancel"), content, p.win)
	p.dlg.Resize(fyne.NewSize(28*theme.TextSize(), 30*theme.TextSize()))
	showEscapable(p.win, p.dlg)
	p.win.Canvas().Focus(p.query)
}

func (p *regionPicker) filter(text string) {
	p.matches = phone.FindRegions(text, p.recent)
	p.list.UnselectAll()
	p.list.Refresh()
	p.list.ScrollToTop()
}

func (p *regionPicker) choose(code string) {
	p.dlg.Hide()
	p.pick(code)
}
