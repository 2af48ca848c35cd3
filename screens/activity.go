package screens

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/geo"
	"verifydesk/services/logins"
	"verifydesk/services/words"
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

// allDevices is the device filter's "no filter" choice.
const allDevices = "All devices"

// farAwayHelp is the help page's answer (Tapo 2FA FAQ, Q4) in the words an agent
// can read out.
const farAwayHelp = "The place shown for a login comes from the IP address the " +
	"customer's internet provider gave the device, not from the phone's GPS. It can be " +
	"far from where the customer really was.\n\n" +
	"On mobile data this is common: the carrier's gateway may be in another city, so the " +
	"app can say a new device logged in from far away. A place in another country, a " +
	"hosting or VPN network, or two places no one could travel between in the time " +
	"deserves questions: was it the customer, on a trip or a VPN?\n\n" +
	"If not, remove the unknown device and sign out everywhere after checking the " +
	"caller's identity, and advise a password change."

// activityColumns: what an agent triages by (when, flags, where) comes first,
// the evidence after.
var activityColumns = []string{"Time (yours)", "Customer's time", "Flags", "Place", "Device", "Outcome", "Network", "IP address"}

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

	table       *widget.Table
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
		ls: newLoadState("Login activity"), loc: loc}
	p.run = runDetached
	p.ls.timeout = activityTimeout
	p.table = textTable(activityColumns, []float32{15, 10, 13, 15, 10, 11, 17, 10},
		func() int { return len(p.rows) }, p.updateCell)
	p.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(p.rows) {
			p.onSelect(p.rows[id.Row].ID)
		}
	}

	p.demoNote = widget.NewLabel("Locations are demo data: the demo database places the documentation addresses in real cities.")
	p.demoNote.Wrapping = fyne.TextWrapWord
	p.demoNote.Importance = widget.WarningImportance
	if !loc.Demo() {
		p.demoNote.Hide()
	}
	p.failedOnly = widget.NewCheck("Failed only", func(bool) { p.applyFilters() })
	p.flaggedOnly = widget.NewCheck("Flagged only", func(bool) { p.applyFilters() })
	p.device = widget.NewSelect([]string{allDevices}, func(string) { p.applyFilters() })
	p.device.SetSelected(allDevices)

	p.maxSpeed = widget.NewEntry()
	p.maxSpeed.SetText(strconv.Itoa(logins.DefaultMaxSpeedKMH))
	p.maxSpeed.Validator = validMaxSpeed
	p.maxSpeed.OnChanged = p.onMaxSpeedChanged

	p.detail = widget.NewLabel("Select a login to see how far it was from the one before.")
	p.detail.Wrapping = fyne.TextWrapWord
	p.remove = widget.NewButtonWithIcon("Remove this device…", theme.DeleteIcon(), p.onRemoveDevice)
	p.remove.Importance = widget.DangerImportance
	p.revoke = widget.NewButtonWithIcon("Sign out everywhere…", theme.LogoutIcon(), p.onRevokeSessions)
	p.reset = widget.NewButtonWithIcon("Send a password reset code…", theme.MailSendIcon(), func() { p.actions.passwordReset() })
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

func (p *activityPanel) title() string { return "Activity" }

func (p *activityPanel) firstControl() fyne.Focusable { return p.failedOnly }

func (p *activityPanel) loadState() *loadState { return p.ls }

func (p *activityPanel) build() fyne.CanvasObject {
	if p.content != nil {
		return p.content
	}
	why := widget.NewButtonWithIcon("Why is this location far away?", theme.HelpIcon(), p.onWhyFarAway)
	why.Importance = widget.LowImportance
	// An entry in a box gets its minimum width, too narrow for "30000" and the
	// validation mark; a grid cell in text units keeps it readable at any scale.
	speedCell := container.NewGridWrap(fyne.NewSize(theme.TextSize()*7, p.maxSpeed.MinSize().Height), p.maxSpeed)
	speed := container.NewHBox(widget.NewLabel("Impossible travel above"), speedCell, widget.NewLabel("km/h"))
	filters := container.NewHBox(p.failedOnly, p.flaggedOnly, widget.NewLabel("Device:"), p.device, speed)
	legend := container.NewHBox(
		legendMarker(false), widget.NewLabel("login"),
		legendMarker(true), widget.NewLabel("flagged"),
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
	p.device.Options = []string{allDevices}
	p.device.Selected = allDevices
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
		return errors.New("a speed from 100 to 30000 km/h")
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
		p.device.Selected = allDevices
		p.device.Refresh()
		p.applyFilters()
	}, nil
}

// customerZone loads the account's IANA zone; nil when unknown or the same as
// the agent's, so the column says so instead of repeating the time.
func customerZone(name string) *time.Location {
	if name == "" {
		return nil
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return z
}

func deviceOptions(events []logins.Event) []string {
	seen := map[string]bool{}
	opts := []string{}
	for _, e := range events {
		if n := deviceLabel(e.LoginEvent); !seen[n] {
			seen[n] = true
			opts = append(opts, n)
		}
	}
	slices.Sort(opts)
	return append([]string{allDevices}, opts...)
}

func deviceLabel(e data.LoginEvent) string {
	switch {
	case e.DeviceName != "":
		return e.DeviceName
	case e.DeviceID != "":
		return e.DeviceID
	}
	return "Unnamed device"
}

func failedOutcome(o string) bool {
	return o == data.OutcomePasswordFailed || o == data.Outcome2FAFailed || o == data.OutcomeBlocked
}

// applyFilters rebuilds the visible rows and the map from all. UI thread only.
func (p *activityPanel) applyFilters() {
	if p.table == nil || p.worldMap == nil || p.detail == nil {
		return // called while the widgets are still being made
	}
	dev := p.device.Selected
	if !p.failedOnly.Checked && !p.flaggedOnly.Checked && (dev == "" || dev == allDevices) {
		// No filter: the rows are all the events, shared (nothing writes
		// them), not a copy of 100k half-kilobyte events grown by append.
		p.rows = p.all
	} else {
		p.rows = make([]logins.Event, 0, len(p.all)/8)
		for _, e := range p.all {
			if p.failedOnly.Checked && !failedOutcome(e.Outcome) {
				continue
			}
			if p.flaggedOnly.Checked && !e.Flagged() {
				continue
			}
			if dev != "" && dev != allDevices && deviceLabel(e.LoginEvent) != dev {
				continue
			}
			p.rows = append(p.rows, e)
		}
	}
	p.table.UnselectAll()
	if i := p.rowOf(p.selected); i >= 0 {
		p.table.Select(widget.TableCellID{Row: i, Col: 0})
	} else {
		p.selected = ""
	}
	p.table.Refresh()
	p.ls.label.SetText(p.summary())
	p.updateMap()
	p.updateDetail()
}

func (p *activityPanel) rowOf(id string) int {
	if id == "" {
		return -1
	}
	for i, e := range p.rows {
		if e.ID == id {
			return i
		}
	}
	return -1
}

func (p *activityPanel) summary() string {
	if len(p.all) == 0 {
		return "No sign-ins recorded for this account."
	}
	flagged, failed := 0, 0
	for _, e := range p.all {
		if e.Flagged() {
			flagged++
		}
		if failedOutcome(e.Outcome) {
			failed++
		}
	}
	s := fmt.Sprintf("%d sign-in steps, %d failed, %d flagged.", len(p.all), failed, flagged)
	if len(p.rows) != len(p.all) {
		s += fmt.Sprintf(" Showing %d.", len(p.rows))
	}
	if len(p.rows) == 0 {
		s += " Nothing matches the filters."
	}
	return s
}

// updateMap puts the visible rows' places on the map, one point per place and
// flag state (a history has thousands of logins from a handful of places).
func (p *activityPanel) updateMap() {
	type key struct {
		lon, lat float64
		flagged  bool
	}
	index := map[key]int{}
	var pts []mapPoint
	p.mapEvents = p.mapEvents[:0]
	selected := -1
	for i, e := range p.rows {
		if !e.Location.Found {
			continue
		}
		k := key{e.Location.Longitude, e.Location.Latitude, e.Flagged()}
		j, ok := index[k]
		if !ok {
			j = len(pts)
			index[k] = j
			pts = append(pts, mapPoint(k))
			p.mapEvents = append(p.mapEvents, i)
		}
		if e.ID == p.selected {
			selected = j
		}
	}
	p.worldMap.setPoints(pts, selected)
}

func (p *activityPanel) onSelect(id string) {
	p.selected = id
	p.updateDetail()
	p.updateMap()
}

func (p *activityPanel) selectedEvent() (logins.Event, bool) {
	if i := p.rowOf(p.selected); i >= 0 {
		return p.rows[i], true
	}
	return logins.Event{}, false
}

// updateDetail explains the selected login and offers what can be done about
// it: a trusted device can be removed; any other device has no lasting access,
// so the flow offers signing out everywhere and a password reset instead, and
// says why. The actions are enabled for flagged logins: those are the logins
// an agent acts on.
func (p *activityPanel) updateDetail() {
	e, ok := p.selectedEvent()
	if !ok {
		p.detail.SetText("Select a login to see how far it was from the one before.")
		p.remove.SetText("Remove this device…")
		p.remove.Disable()
		p.revoke.Disable()
		p.reset.Hide()
		return
	}
	text := eventDetail(e)
	trusted := e.DeviceID != "" && p.trusted[e.DeviceID]
	name := deviceLabel(e.LoginEvent)
	if trusted {
		p.remove.SetText(fmt.Sprintf("Remove %q…", name))
		p.reset.Hide()
	} else {
		p.remove.SetText("Not a trusted device")
		if e.Flagged() {
			text += fmt.Sprintf("\n\n%s is not one of the account's trusted devices, so there is nothing to remove: it cannot sign in again without a verification code. If the customer does not recognise this login, sign out everywhere (it ends any session the device still has) and send a password reset code.", name)
			p.reset.Show()
		} else {
			p.reset.Hide()
		}
	}
	p.detail.SetText(text)
	if e.Flagged() && trusted {
		p.remove.Enable()
	} else {
		p.remove.Disable()
	}
	if e.Flagged() {
		p.revoke.Enable()
	} else {
		p.revoke.Disable()
	}
	if p.sideBox != nil {
		p.actionBox.Refresh()
		p.sideBox.Refresh() // the actions may have grown a line
	}
}

func (p *activityPanel) onRemoveDevice() {
	if e, ok := p.selectedEvent(); ok && e.DeviceID != "" && p.trusted[e.DeviceID] {
		p.actions.removeDevice(e.DeviceID, deviceLabel(e.LoginEvent))
	}
}

func (p *activityPanel) onRevokeSessions() { p.actions.revokeSessions() }

func (p *activityPanel) onWhyFarAway() {
	if p.win == nil {
		return
	}
	showEscapable(p.win, dialog.NewInformation("Why is this location far away?", farAwayHelp, p.win))
}

func (p *activityPanel) updateCell(row, col int, l *widget.Label) {
	e := p.rows[row]
	text := ""
	switch col {
	case 0:
		text = relativeTime(e.At, p.now(), time.Local)
	case 1:
		text = customerTime(e.At, p.customerZone)
	case 2:
		text = words.LoginFlags(e)
		if e.Flagged() {
			l.Importance = widget.DangerImportance
		}
	case 3:
		text = placeText(e.Location)
	case 4:
		text = deviceLabel(e.LoginEvent)
	case 5:
		text = outcomeText(e.Outcome)
		if failedOutcome(e.Outcome) {
			l.Importance = widget.WarningImportance
		}
	case 6:
		text = networkText(e.Location)
	case 7:
		text = e.IP
	}
	l.SetText(text)
}

// customerTime is the event's time in the customer's zone, or a note that it is
// the agent's own zone (no need to read the same time twice).
func customerTime(t time.Time, zone *time.Location) string {
	if zone == nil {
		return "zone unknown"
	}
	agent := t.In(time.Local)
	theirs := t.In(zone)
	_, agentOff := agent.Zone()
	_, off := theirs.Zone()
	if off == agentOff {
		return "same as yours"
	}
	if theirs.YearDay() != agent.YearDay() {
		return theirs.Format("2 Jan 15:04 MST") // another day for them
	}
	return theirs.Format("15:04 MST")
}

var reasonWords = map[string]string{
	geo.ReasonInvalid:       "not an IP address",
	geo.ReasonPrivate:       "private network address",
	geo.ReasonLoopback:      "this computer (loopback)",
	geo.ReasonLinkLocal:     "local link address",
	geo.ReasonCGNAT:         "carrier-shared address (CGNAT)",
	geo.ReasonDocumentation: "documentation address, no place",
	geo.ReasonMulticast:     "multicast address",
	geo.ReasonReserved:      "reserved address",
	geo.ReasonUnspecified:   "no address",
	geo.ReasonNotInDatabase: "not in the location database",
}

// placeText is "City, Country (±20 km)", or why there is no place.
func placeText(l geo.Location) string {
	if !l.Found {
		if w, ok := reasonWords[l.Reason]; ok {
			return w
		}
		return "unknown place"
	}
	parts := []string{}
	for _, s := range []string{l.City, l.Country} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	s := strings.Join(parts, ", ")
	if s == "" {
		s = l.CountryCode
	}
	if l.AccuracyKM > 0 {
		s += fmt.Sprintf(" (±%d km)", l.AccuracyKM)
	}
	return s
}

var kindWords = map[string]string{
	geo.KindMobile:  "mobile data",
	geo.KindHosting: "hosting/VPN",
	geo.KindOther:   "fixed line",
}

func networkText(l geo.Location) string {
	kind, ok := kindWords[l.NetworkKind]
	if !ok {
		if l.ASOrg == "" {
			return "unknown"
		}
		kind = "network"
	}
	if l.ASOrg == "" {
		return kind
	}
	return kind + " · " + l.ASOrg
}

var outcomeWords = map[string]string{
	data.OutcomePasswordOK:     "password correct",
	data.OutcomePasswordFailed: "wrong password",
	data.Outcome2FASent:        "code sent",
	data.Outcome2FAPassed:      "code accepted",
	data.Outcome2FAFailed:      "wrong code",
	data.Outcome2FASkipped:     "trusted device, no code",
	data.OutcomeBlocked:        "blocked",
}

func outcomeText(o string) string {
	if w, ok := outcomeWords[o]; ok {
		return w
	}
	return o
}

// eventDetail is the sentence under the map for the selected login.
func eventDetail(e logins.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s from %s: %s.", deviceLabel(e.LoginEvent), e.IP, placeText(e.Location))
	if e.Location.Found && e.Location.NetworkKind != geo.KindUnknown {
		fmt.Fprintf(&b, " Network: %s", networkText(e.Location))
		if !strings.HasSuffix(e.Location.ASOrg, ".") {
			b.WriteString(".")
		}
	}
	if e.FromPrevious {
		fmt.Fprintf(&b, " %s from the login before", distanceText(e.DistanceKM))
		if e.DistanceKM >= 1 {
			fmt.Fprintf(&b, ", %s", speedText(e.SpeedKMH))
		}
		b.WriteString(".")
	}
	if f := words.LoginFlags(e); f != "" {
		fmt.Fprintf(&b, " Flagged: %s.", f)
	}
	if e.Location.NetworkKind == geo.KindMobile {
		b.WriteString(" On mobile data the place is often far from the customer.")
	}
	return b.String()
}

func distanceText(km float64) string {
	if km < 1 {
		return "Same place"
	}
	return fmt.Sprintf("%s km", words.Thousands(km))
}

func speedText(kmh float64) string {
	return fmt.Sprintf("about %s km/h", words.Thousands(kmh))
}
