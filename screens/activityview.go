package screens

import (
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"verifydesk/services/i18n"
	"verifydesk/services/logins"
	"verifydesk/services/words"
)

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
	return append([]string{i18n.T(allDevices)}, opts...)
}

// applyFilters rebuilds the visible rows and the map from all. UI thread only.
func (p *activityPanel) applyFilters() {
	if p.table == nil || p.worldMap == nil || p.detail == nil {
		return // called while the widgets are still being made
	}
	dev := p.device.Selected
	if dev == i18n.T(allDevices) {
		dev = ""
	}
	if !p.failedOnly.Checked && !p.flaggedOnly.Checked && dev == "" {
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
			if dev != "" && deviceLabel(e.LoginEvent) != dev {
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
		return i18n.L("No sign-ins recorded for this account.")
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
	lang := i18n.Current()
	s := []string{i18n.N("{{.Count}} sign-in steps, {{.Failed}} failed, {{.Flagged}} flagged.", len(p.all),
		i18n.M{"Failed": i18n.Number(lang, float64(failed)), "Flagged": i18n.Number(lang, float64(flagged))})}
	if len(p.rows) != len(p.all) {
		s = append(s, i18n.L("Showing {{.Count}}.", i18n.M{"Count": i18n.Number(lang, float64(len(p.rows)))}))
	}
	if len(p.rows) == 0 {
		s = append(s, i18n.L("Nothing matches the filters."))
	}
	return i18n.Sentences(i18n.Current(), s...)
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
		p.detail.SetText(i18n.L("Select a login to see how far it was from the one before."))
		p.remove.SetText(i18n.L("Remove this device…"))
		p.remove.Disable()
		p.revoke.Disable()
		p.reset.Hide()
		return
	}
	text := eventDetail(e)
	if theirs := customerTime(e.At, p.customerZone); theirs != "" {
		text = i18n.Sentences(i18n.Current(), text, i18n.L("The customer's time: {{.Time}}.", i18n.M{"Time": theirs}))
	}
	trusted := e.DeviceID != "" && p.trusted[e.DeviceID]
	name := deviceLabel(e.LoginEvent)
	if trusted {
		// Quoted as Go quotes it: a hostile name reads unambiguously.
		p.remove.SetText(i18n.L("Remove {{.Device}}…", i18n.M{"Device": strconv.Quote(words.Shown(name, 40, false))}))
		p.reset.Hide()
	} else {
		p.remove.SetText(i18n.L("Not a trusted device"))
		if e.Flagged() {
			text += "\n\n" + i18n.L("{{.Device}} is not one of the account's trusted devices, so there is nothing to remove: "+
				"it cannot sign in again without a verification code. If the customer does not recognise this login, "+
				"sign out everywhere (it ends any session the device still has) and send a password reset code.", i18n.M{"Device": name})
			p.reset.Show()
		} else {
			p.reset.Hide()
		}
	}
	p.detail.SetText(shownText(text))
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
	text := farAwayHelp.String()
	if p.customerOf != nil {
		if cust := p.customerOf(); cust != nil {
			// What the agent reads to the customer, in the customer's words too.
			text = inCustomerLanguage(text, cust, farAwayHelp.In(cust))
		}
	}
	showEscapable(p.win, dialog.NewInformation(i18n.L("Why is this location far away?"), text, p.win))
}

func (p *activityPanel) updateCell(row, col int, l *widget.Label) {
	e := p.rows[row]
	text := ""
	switch col {
	case 0:
		text = relativeTime(e.At, p.now(), time.Local)
	case 1:
		text = words.LoginFlags(e)
		if e.Flagged() {
			l.Importance = widget.DangerImportance
		}
	case 2:
		text = placeText(e.Location)
	case 3:
		text = deviceLabel(e.LoginEvent)
	case 4:
		text = outcomeText(e.Outcome)
		if failedOutcome(e.Outcome) {
			l.Importance = widget.WarningImportance
		}
	case 5:
		text = networkText(e.Location)
	case 6:
		text = e.IP
	}
	l.SetText(text)
}
