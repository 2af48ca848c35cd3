package screens

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/i18n"
	"verifydesk/services/words"
)

// devicesSource is what the Devices tab asks of the backend.
type devicesSource interface {
	TrustedDevices(ctx context.Context, accountID string) ([]data.TrustedDevice, error)
}

// devicesPanel lists the trusted devices (which skip the second step) and leads
// to removing a lost one or signing out everywhere.
type devicesPanel struct {
	src      devicesSource
	w        tabHost
	actions  accountActions
	ls       *loadState
	acct     *data.Account
	rows     []data.TrustedDevice
	loaded   bool     // rows are acct's, as the backend last said
	places   []string // each row's last IP, located
	selected int
	table    *dataTable
	remove   *widget.Button
	revoke   *widget.Button
	content  fyne.CanvasObject
}

var deviceColumns = []string{i18n.Mark("Device"), i18n.Mark("Model"), i18n.Mark("System"), i18n.Mark("App"),
	i18n.Mark("Notifications"), i18n.Mark("Added"), i18n.Mark("Last seen"), i18n.Mark("Last IP"), i18n.Mark("Last place")}

func newDevicesPanel(src devicesSource, w tabHost, actions accountActions) *devicesPanel {
	p := &devicesPanel{src: src, w: w, actions: actions, selected: -1, ls: newLoadState(i18n.L("Trusted devices"))}
	// Widths fit the tab at 1280 wide, so the last place shows without scrolling.
	p.table = textTable(deviceColumns, []int{8, 1},
		func() int { return len(p.rows) },
		func(row, col int, l *widget.Label) {
			l.SetText(p.cell(row, col))
			if col == 4 && !p.rows[row].NotificationsAllowed {
				l.Importance = widget.WarningImportance
			}
		})
	p.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(p.rows) {
			p.selected = id.Row
			p.remove.SetText(i18n.L("Remove {{.Device}}…", i18n.M{"Device": fmt.Sprintf("%q", words.Shown(p.rows[id.Row].Name, 40, false))}))
			p.remove.Enable()
		}
	}
	p.remove = widget.NewButtonWithIcon(i18n.L("Remove selected device…"), theme.DeleteIcon(), p.onRemove)
	p.remove.Importance = widget.DangerImportance
	p.remove.Disable()
	p.revoke = widget.NewButtonWithIcon(i18n.L("Sign out everywhere…"), theme.LogoutIcon(), func() { p.actions.revokeSessions() })
	return p
}

func (p *devicesPanel) loadState() *loadState { return p.ls }

// title is the tab's id (--tab, the preferences) in English; the tab bar
// shows it with i18n.T.
func (p *devicesPanel) title() string { return i18n.Mark("Devices") }

// firstControl is the table: the agent picks the device, then removes it.
func (p *devicesPanel) firstControl() fyne.Focusable { return p.table }

func (p *devicesPanel) build() fyne.CanvasObject {
	if p.content == nil {
		help := widget.NewLabel(i18n.L("Trusted devices skip the verification code. Removing one signs it out at once: it needs a code the next time it signs in, and the customer gets a security notice. Check the caller's identity first. The last place comes from the device's last IP address and can be far from where it really was."))
		help.Wrapping = wordWrap()
		p.content = newBorder(container.NewVBox(help, p.ls.label, container.NewHBox(p.remove, p.revoke)), nil, nil, nil, p.table)
	}
	return p.content
}

func (p *devicesPanel) setAccount(acct *data.Account) {
	p.acct = acct
	p.rows, p.loaded = nil, false
	p.selected = -1
	p.table.UnselectAll()
	p.table.Refresh()
	p.remove.SetText(i18n.L("Remove selected device…"))
	p.remove.Disable()
}

func (p *devicesPanel) load(ctx context.Context, acct accountView) (func(), error) {
	rows, err := p.src.TrustedDevices(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	// Where each device was last: its last IP, located off the UI thread.
	loc := acct.loc
	places := make([]string, len(rows))
	for i, d := range rows {
		if loc != nil && d.LastIP != "" {
			places[i] = placeText(loc.Lookup(d.LastIP))
		}
	}
	return func() {
		p.rows, p.places, p.loaded = rows, places, true
		p.selected = -1
		p.table.UnselectAll()
		p.table.Refresh()
		p.remove.SetText(i18n.L("Remove selected device…"))
		p.remove.Disable()
		p.ls.label.SetText(devicesSummary(rows))
	}, nil
}

// devicesSummary says what matters for app-notification codes.
func devicesSummary(rows []data.TrustedDevice) string {
	if len(rows) == 0 {
		return i18n.L("No trusted devices: codes for new devices can only go by email.")
	}
	off := 0
	for _, d := range rows {
		if !d.NotificationsAllowed {
			off++
		}
	}
	s := i18n.N("{{.Count}} trusted devices.", len(rows))
	switch {
	case off == len(rows):
		s = i18n.Sentences(i18n.Current(), s, i18n.L("Notifications are off on every one, so app-notification codes cannot arrive: ask the customer to allow notifications for the app and update it, or send the code by email."))
	case off > 0:
		s = i18n.Sentences(i18n.Current(), s, i18n.L("Notifications are off on {{.Off}} of them: codes only show on the others.", i18n.M{"Off": words.Thousands(float64(off))}))
	}
	return s
}

func (p *devicesPanel) cell(row, col int) string {
	d := p.rows[row]
	now := p.w.now()
	switch col {
	case 0:
		return d.Name
	case 1:
		return d.Model
	case 2:
		return d.OS
	case 3:
		return d.AppVersion
	case 4:
		if d.NotificationsAllowed {
			return i18n.X("device.notifications.allowed", "allowed")
		}
		return i18n.X("device.notifications.off", "off")
	case 5:
		return relativeTime(d.AddedAt, now, nil)
	case 6:
		return relativeTime(d.LastSeenAt, now, nil)
	case 7:
		return d.LastIP
	case 8:
		if row < len(p.places) {
			return p.places[row]
		}
	}
	return ""
}

func (p *devicesPanel) onRemove() {
	if p.selected < 0 || p.selected >= len(p.rows) {
		return
	}
	d := p.rows[p.selected]
	p.actions.removeDevice(d.ID, d.Name)
}
