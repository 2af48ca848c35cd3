package screens

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/geo"
	"verifydesk/services/i18n"
	"verifydesk/services/logins"
)

// activitySource is what the Activity tab asks of the backend.
type activitySource interface {
	AllLoginActivity(ctx context.Context, accountID string, max int) ([]data.LoginEvent, error)
	// TrustedDevices tells which logins' devices can be removed: only a
	// trusted device has lasting access.
	TrustedDevices(ctx context.Context, accountID string) ([]data.TrustedDevice, error)
}

// activityMaxEvents bounds one fetch: months of a busy account, and what SPEC
// section 10 measures (10,000 events fetched, located, flagged and listed).
const activityMaxEvents = 10000

// activityTimeout bounds fetching every page of the activity.
const activityTimeout = 20 * time.Second

// allDevices is the device filter's "no filter" choice, in English: the
// filter shows and compares i18n.T(allDevices).
var allDevices = i18n.Mark("All devices")

// activityColumns: what an agent triages by (when, flags, where) comes first,
// the evidence after.
// activityColumns: the customer's own time is in the detail pane, where it
// differs from the agent's (a column of "same as yours" took the room the
// place needs).
// The columns, in English: they identify a column (the tests find one by
// it); the header shows each in the agent's language (textTable).
var activityColumns = []string{i18n.Mark("Time (yours)"), i18n.Mark("Flags"), i18n.Mark("Place"), i18n.Mark("Device"),
	i18n.Mark("Outcome"), i18n.Mark("Network"), i18n.Mark("IP address")}

// activityActions are the actions a login leads to: the sensitive ones, and a
// password reset code sent from the Codes tab.
type activityActions interface {
	accountActions
	passwordReset()
}

// activityPanel is the Activity tab: every login step of the account with its
// IP-based place, network and flags, filters, a world map of the places, and the
// way from a flagged login to removing its device or signing out everywhere.
type activityPanel struct {
	src activitySource
	// loc placed the events on screen (the account state's locator when they
	// loaded); a new speed bound re-analyses with it. UI thread.
	loc     *geo.Locator
	ls      *loadState
	actions activityActions
	win     fyne.Window
	now     func() time.Time
	// customerOf is the customer's localizer when it is not the agent's
	// (tabHost.customer); nil before a workspace sets it.
	customerOf func() *i18n.Localizer
	// run runs background work: the workspace's runner.
	run func(job)
	// maxSpeedBits is the impossible-travel bound in km/h as float64 bits (0:
	// the service default); atomic because refresh reads it off the UI thread.
	maxSpeedBits atomic.Uint64

	acct         *data.Account
	customerZone *time.Location
	raw          []data.LoginEvent // as fetched, for re-analysis
	trusted      map[string]bool   // ids of the account's trusted devices
	all          []logins.Event    // newest first
	rows         []logins.Event    // all, filtered
	selected     string            // id of the selected event

	table       *dataTable
	demoNote    *widget.Label
	failedOnly  *widget.Check
	flaggedOnly *widget.Check
	device      *widget.Select
	maxSpeed    *widget.Entry
	detail      *widget.Label
	remove      *widget.Button
	revoke      *widget.Button
	reset       *widget.Button
	actionBox   *fyne.Container // laid out again when reset shows or hides
	sideBox     *fyne.Container // the actions and the detail
	worldMap    *worldMap
	mapEvents   []int // worldMap point index -> rows index
	content     fyne.CanvasObject
}

func newActivityPanel(src activitySource, loc *geo.Locator, actions activityActions, win fyne.Window) *activityPanel {
	p := &activityPanel{src: src, actions: actions, win: win, now: time.Now,
		ls: newLoadState(i18n.L("Login activity")), loc: loc}
	p.run = runDetached
	p.ls.timeout = activityTimeout
	p.table = textTable(activityColumns, []int{5, 3, 4, 2, 1},
		func() int { return len(p.rows) }, p.updateCell)
	p.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(p.rows) {
			p.onSelect(p.rows[id.Row].ID)
		}
	}

	p.demoNote = widget.NewLabel(i18n.L("Locations are demo data: the demo database places the documentation addresses in real cities."))
	p.demoNote.Wrapping = wordWrap()
	p.demoNote.Importance = widget.WarningImportance
	if !loc.Demo() {
		p.demoNote.Hide()
	}
	p.failedOnly = widget.NewCheck(i18n.L("Failed only"), func(bool) { p.applyFilters() })
	p.flaggedOnly = widget.NewCheck(i18n.L("Flagged only"), func(bool) { p.applyFilters() })
	p.device = widget.NewSelect([]string{i18n.T(allDevices)}, func(string) { p.applyFilters() })
	p.device.SetSelected(i18n.T(allDevices))

	p.maxSpeed = widget.NewEntry()
	p.maxSpeed.SetText(strconv.Itoa(logins.DefaultMaxSpeedKMH))
	p.maxSpeed.Validator = validMaxSpeed
	p.maxSpeed.OnChanged = p.onMaxSpeedChanged

	p.detail = widget.NewLabel(i18n.L("Select a login to see how far it was from the one before."))
	p.detail.Wrapping = wordWrap()
	p.remove = widget.NewButtonWithIcon(i18n.L("Remove this device…"), theme.DeleteIcon(), p.onRemoveDevice)
	p.remove.Importance = widget.DangerImportance
	p.revoke = widget.NewButtonWithIcon(i18n.L("Sign out everywhere…"), theme.LogoutIcon(), p.onRevokeSessions)
	p.reset = widget.NewButtonWithIcon(i18n.L("Send a password reset code…"), theme.MailSendIcon(), func() { p.actions.passwordReset() })
	p.remove.Disable()
	p.revoke.Disable()
	p.reset.Hide()

	p.worldMap = newWorldMap()
	p.worldMap.onTapped = func(i int) {
		if i >= 0 && i < len(p.mapEvents) {
			row := p.mapEvents[i]
			p.table.Select(widget.TableCellID{Row: row, Col: 0})
		}
	}
	return p
}

// title is the tab's label, and also its id (--tab, the last tab saved in the
// preferences, Ctrl+1..6's names): it stays English until the panel
// interface separates an id from the label (panel.go, workspace.go).
func (p *activityPanel) title() string { return i18n.Mark("Activity") }

func (p *activityPanel) firstControl() fyne.Focusable { return p.failedOnly }

func (p *activityPanel) loadState() *loadState { return p.ls }

func (p *activityPanel) build() fyne.CanvasObject {
	if p.content != nil {
		return p.content
	}
	why := widget.NewButtonWithIcon(i18n.L("Why is this location far away?"), theme.HelpIcon(), p.onWhyFarAway)
	why.Importance = widget.LowImportance
	// An entry in a box gets its minimum width, too narrow for "30000" and the
	// validation mark; a grid cell in text units keeps it readable at any scale.
	speedCell := container.NewGridWrap(fyne.NewSize(theme.TextSize()*7, p.maxSpeed.MinSize().Height), p.maxSpeed)
	speed := container.NewHBox(widget.NewLabel(i18n.L("Impossible travel above")), speedCell, widget.NewLabel(i18n.L("km/h")))
	filters := container.NewHBox(p.failedOnly, p.flaggedOnly, widget.NewLabel(i18n.X("activity.filter.device", "Device:")), p.device, speed)
	legend := container.NewHBox(
		legendMarker(false), widget.NewLabel(i18n.X("activity.legend.login", "login")),
		legendMarker(true), widget.NewLabel(i18n.X("activity.legend.flagged", "flagged")),
	)
	// The table is what agents read: it gets the full width. Below it the map
	// and, beside it, what the selected login means and what to do about it.
	// One action a line: the side panel is narrower than the three buttons.
	p.actionBox = container.NewVBox(p.remove, p.revoke, p.reset)
	actions := p.actionBox
	p.sideBox = container.NewVBox(actions, p.detail)
	side := container.NewVScroll(p.sideBox)
	mapBox := newBorder(nil, legend, nil, nil, p.worldMap)
	bottom := container.NewHSplit(mapBox, side)
	bottom.SetOffset(0.55)
	top := container.NewVBox(newBorder(nil, nil, nil, why, p.demoNote), p.ls.label, filters)
	split := container.NewVSplit(withRows(p.table, 1), bottom)
	split.SetOffset(0.5)
	p.content = newBorder(top, nil, nil, nil, split)
	return p.content
}

// setLocator places logins with another database from now on (Settings
// changed); the next load uses it. UI thread.
func (p *activityPanel) setLocator(loc *geo.Locator) {
	p.loc = loc
	p.demoNote.Hidden = loc == nil || !loc.Demo()
	p.demoNote.Refresh()
}

func (p *activityPanel) setAccount(acct *data.Account) {
	p.acct = acct
	p.customerZone = nil
	p.raw, p.all, p.rows, p.selected, p.trusted = nil, nil, nil, "", nil
	p.failedOnly.SetChecked(false)
	p.flaggedOnly.SetChecked(false)
	p.device.Options = []string{i18n.T(allDevices)}
	p.device.Selected = i18n.T(allDevices)
	p.device.Refresh()
	p.table.UnselectAll()
	p.table.Refresh()
	p.worldMap.setPoints(nil, -1)
	p.updateDetail()
	if acct == nil {
		p.ls.label.SetText("")
	}
}

func (p *activityPanel) maxSpeedKMH() float64 {
	return math.Float64frombits(p.maxSpeedBits.Load())
}

// validMaxSpeed accepts a speed bound between a car's and an orbit's, in km/h.
func validMaxSpeed(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v < 100 || v > 30000 || math.IsNaN(v) {
		return errors.New(i18n.L("a speed from 100 to 30000 km/h"))
	}
	return nil
}

// onMaxSpeedChanged re-flags the fetched events with the new bound, off the UI
// thread, without fetching again.
func (p *activityPanel) onMaxSpeedChanged(text string) {
	if validMaxSpeed(text) != nil {
		return // the entry shows the mistake beside it
	}
	v, _ := strconv.ParseFloat(strings.TrimSpace(text), 64)
	p.maxSpeedBits.Store(math.Float64bits(v))
	acct, raw, loc := p.acct, p.raw, p.loc
	if acct == nil || raw == nil {
		return
	}
	opts := logins.Options{MaxSpeedKMH: v, Now: p.now()}
	var analysed []logins.Event
	p.run(job{name: "re-flag logins", local: true,
		wanted: func() bool { return p.acct != nil && p.acct.ID == acct.ID && p.maxSpeedKMH() == v },
		work:   func(context.Context) error { analysed = logins.Analyze(raw, loc, opts); return nil },
		done: func(error) {
			p.all = analysed
			p.applyFilters()
		},
	})
}

// load fetches every login of the account and its trusted devices, and
// analyses the logins (places, distances, flags).
func (p *activityPanel) load(ctx context.Context, acct accountView) (func(), error) {
	events, err := p.src.AllLoginActivity(ctx, acct.ID, activityMaxEvents)
	if err != nil {
		return nil, err
	}
	devices, err := p.src.TrustedDevices(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	trusted := map[string]bool{}
	for _, d := range devices {
		trusted[d.ID] = true
	}
	zone := customerZone(acct.TimeZone)
	analysed := logins.Analyze(events, acct.loc, logins.Options{MaxSpeedKMH: p.maxSpeedKMH(), Now: p.now()})
	return func() {
		p.loc = acct.loc
		p.customerZone = zone
		p.raw = events
		p.all = analysed
		p.trusted = trusted
		// Selected is set directly: SetSelected would run the filters a second
		// time through OnChanged.
		p.device.Options = deviceOptions(analysed)
		p.device.Selected = i18n.T(allDevices)
		p.device.Refresh()
		p.applyFilters()
	}, nil
}
