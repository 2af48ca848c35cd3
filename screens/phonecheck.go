package screens

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/deliveries"
	"verifydesk/services/i18n"
	"verifydesk/services/phone"
	"verifydesk/services/words"
)

// phoneCheckSource is what the Phone check tab asks of the backend.
type phoneCheckSource interface {
	Deliveries(ctx context.Context, accountID string) ([]data.Delivery, error)
}

// formColumns are the forms table's column titles, in English: shown
// in the agent's language by the table's header.
var formColumns = []string{i18n.Mark("Sent to"), i18n.Mark("Codes sent"), i18n.Mark("Delivered"), i18n.Mark("Failed"),
	i18n.Mark("Last status"), i18n.Mark("Last sent"), i18n.Mark("Network reached")}

// phoneCheckPanel is the Phone check tab: the customer's typed number and its
// diagnosis beside the account's stored number, and the SMS deliveries made to
// each form of the number (with or without the trunk 0), so the agent can tell
// which form reaches the customer.
type phoneCheckPanel struct {
	src phoneCheckSource
	now func() time.Time
	// customer is the customer's localizer, nil when it is the agent's
	// (tabHost.customer); nil itself before a workspace sets it.
	customerOf func() *i18n.Localizer

	ls   *loadState
	acct *data.Account
	diag *phone.Diagnosis // of the number the search that found the account typed
	// onScreen: the tab is the one shown; dirty: the account changed while
	// it was hidden (render).
	onScreen, dirty bool
	rows            []deliveries.FormStats

	typed     *widget.Label
	worst     *badgeWidget
	number    *fyne.Container // key/value grid of the diagnosis
	findings  *fyne.Container
	stored    *widget.Label
	storedTag *badgeWidget
	table     *dataTable
	detail    *widget.Label // the selected form's last status in full, with advice
	network   *widget.Label
	ported    *badgeWidget
	content   fyne.CanvasObject
}

// customer is the customer's localizer when it is not the agent's, else nil.
func (p *phoneCheckPanel) customer() *i18n.Localizer {
	if p.customerOf == nil {
		return nil
	}
	return p.customerOf()
}

// newPhoneCheckPanel builds the tab's widgets; it does no I/O.
func newPhoneCheckPanel(src phoneCheckSource) *phoneCheckPanel {
	p := &phoneCheckPanel{src: src, now: time.Now, ls: newLoadState(i18n.L("The SMS deliveries")), onScreen: true} // a workspace says otherwise
	p.typed = widget.NewLabel("")
	p.typed.Wrapping = wordWrap()
	p.worst = badge("", widget.MediumImportance)
	p.number = container.New(layout.NewFormLayout())
	p.findings = container.NewVBox()
	p.stored = widget.NewLabel("")
	p.stored.Wrapping = wordWrap()
	p.storedTag = badge("", widget.MediumImportance)
	p.network = widget.NewLabel("")
	p.network.Wrapping = wordWrap()
	p.ported = badge("", widget.WarningImportance)

	// Widths fit the tab at 1280 wide: the network reached shows without scrolling.
	p.table = textTable(formColumns, []int{4, 6},
		func() int { return len(p.rows) },
		func(row, col int, l *widget.Label) {
			if col >= 1 && col <= 3 {
				l.Alignment = fyne.TextAlignTrailing // counts line up on the right
			}
			l.SetText(p.cell(row, col))
		})
	p.table.OnSelected = func(id widget.TableCellID) { p.onSelectForm(id.Row) }
	p.detail = widget.NewLabel("")
	p.detail.Wrapping = wordWrap()
	p.showTyped()
	p.showStored()
	return p
}

// title is the tab's English title, its id too (--tab, the last tab
// remembered): shown through i18n.T.
func (p *phoneCheckPanel) title() string { return i18n.Mark("Phone check") }

func (p *phoneCheckPanel) firstControl() fyne.Focusable { return p.table }

func (p *phoneCheckPanel) loadState() *loadState { return p.ls }

func (p *phoneCheckPanel) build() fyne.CanvasObject {
	if p.content != nil {
		return p.content
	}
	heading := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	// Findings come before the number's details: what is wrong and what to
	// type is what the agent reads out first.
	typedCard := container.NewVBox(
		container.NewHBox(heading(i18n.L("What the customer typed")), p.worst),
		p.typed, p.findings, widget.NewSeparator(), p.number)
	storedCard := container.NewVBox(
		container.NewHBox(heading(i18n.L("Number on the account")), p.storedTag),
		p.stored)
	top := container.NewGridWithColumns(2, typedCard, storedCard)
	deliveries := newBorder(
		container.NewVBox(widget.NewSeparator(), heading(i18n.L("SMS codes sent to each form of the number")), p.ls.label),
		container.NewVBox(p.detail, container.NewHBox(p.ported), p.network),
		nil, nil, withRows(p.table, 2))
	split := container.NewVSplit(container.NewVScroll(top), deliveries)
	split.Offset = 0.55
	p.content = split
	return p.content
}

// setAccount shows another account (nil clears). UI thread; no I/O.
func (p *phoneCheckPanel) setAccount(acct *data.Account) {
	p.acct = acct
	p.rows = nil
	p.table.UnselectAll()
	p.table.Refresh()
	p.detail.SetText("")
	if acct == nil {
		p.ls.label.SetText(i18n.L("Search for the caller's account to see the codes sent to their number."))
	}
	p.render()
}

// setFound shows what the search that found the account on screen typed,
// when it was a phone number: nothing typed for another account, or for an
// account found by email or id or picked from a list, shows here. UI thread.
func (p *phoneCheckPanel) setFound(f *foundBy) {
	if f == nil || f.q.Phone == "" || f.diagnosis == nil {
		p.diag = nil
	} else {
		d := *f.diagnosis
		p.diag = &d
	}
	p.render()
}

// render draws the typed number, the stored one and the network reached
// while the tab is on screen; hidden, it only notes that it must (onShown
// draws it): laying out its cards for an account the agent may never look
// at here held the UI thread for tens of milliseconds on every search.
func (p *phoneCheckPanel) render() {
	if !p.onScreen {
		p.dirty = true
		return
	}
	p.dirty = false
	p.showTyped()
	p.showStored()
	p.showNetwork()
}

// setOnScreen is told whether the tab is the one on screen; coming on
// screen, it draws what changed while it was hidden. UI thread.
func (p *phoneCheckPanel) setOnScreen(on bool) {
	p.onScreen = on
	if on && p.dirty {
		p.render()
	}
}

// setTyped diagnoses what the customer typed, with the country they chose, and
// shows it. UI thread: the diagnosis is pure and takes microseconds.
func (p *phoneCheckPanel) setTyped(region, raw string) {
	p.showDiagnosis(phone.Diagnose(region, raw))
}

// showDiagnosis shows a diagnosis made elsewhere (the search diagnoses off the
// UI thread). UI thread.
func (p *phoneCheckPanel) showDiagnosis(d phone.Diagnosis) {
	p.diag = &d
	p.render()
}

// load fetches the account's deliveries and counts them per form of the number.
func (p *phoneCheckPanel) load(ctx context.Context, acct accountView) (func(), error) {
	dels, err := p.src.Deliveries(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	rows := deliveries.ByForm(dels, p.now())
	return func() {
		p.rows = rows
		p.table.Refresh()
		if len(rows) == 0 {
			p.ls.label.SetText(i18n.L("No SMS sent to this number in the last 30 days."))
		} else {
			p.ls.label.SetText(formsSummary(rows))
		}
		p.showNetwork()
	}, nil
}

// showTyped renders the diagnosis of the typed input.
func (p *phoneCheckPanel) showTyped() {
	p.number.Objects = nil
	p.findings.Objects = nil
	d := p.diag
	if d == nil {
		p.typed.SetText(i18n.L("Type the number in the search field exactly as the customer typed it in the app, with the country they chose, " +
			"to see what is wrong with it."))
		p.worst.Hide()
		p.relayout()
		return
	}
	chosen := i18n.L("no country chosen")
	if d.InputRegion != "" {
		chosen = i18n.L("{{.Region}} chosen", i18n.M{"Region": phone.RegionNameIn(i18n.Current(), d.InputRegion)})
	}
	p.typed.SetText(i18n.L("{{.Typed}} ({{.Chosen}})", i18n.M{"Typed": strconv.Quote(d.Input), "Chosen": chosen}))
	switch d.Worst() {
	case phone.SeverityError:
		p.worst.set(i18n.L("will not work"), widget.DangerImportance)
	case phone.SeverityWarning:
		p.worst.set(i18n.L("needs changes"), widget.WarningImportance)
	default:
		p.worst.set(i18n.L("typed correctly"), widget.SuccessImportance)
	}
	p.worst.Show()
	kv := func(k, v string) {
		if v == "" {
			return
		}
		p.number.Add(widget.NewLabelWithStyle(k, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		val := widget.NewLabel(v)
		val.Wrapping = wordWrap()
		p.number.Add(val)
	}
	if d.Valid {
		kv("E.164", d.E164) // a standard's name, the same in every language
		kv(i18n.X("phonecheck.national", "National"), d.National)
		kv(i18n.X("phonecheck.international", "International"), d.International)
		kv(i18n.X("phonecheck.type", "Type"), i18n.L("{{.Type}} in {{.Region}}", i18n.M{"Type": phone.TypeWords(d.Type), "Region": phone.RegionNameIn(i18n.Current(), d.Region)}))
		carrier := d.Carrier
		if carrier == "" {
			carrier = i18n.L("not known from the numbering plan")
		}
		kv(i18n.L("Original carrier"), carrier)
		kv(i18n.L("Can get SMS"), phone.SMSWords(d.SMSCapable))
		kv(i18n.L("Type in the app"), i18n.L("{{.Entry}}  (after choosing {{.Region}})", i18n.M{"Entry": d.AppEntry, "Region": phone.RegionNameIn(i18n.Current(), d.Region)}))
		kv(i18n.L("With the trunk 0"), d.AppEntryWithTrunk)
	} else {
		kv(i18n.X("phonecheck.number", "Number"), i18n.L("not a valid phone number as typed"))
	}
	for _, f := range d.Findings {
		p.findings.Add(findingRow(f, p.customer()))
	}
	if len(d.Findings) == 0 {
		p.findings.Add(widget.NewLabel(i18n.L("Nothing to correct: this is how the app wants the number.")))
	}
	p.relayout()
}

// relayout lays the tab out again after rows were added or removed or a badge
// shown: a container only sizes its children when it is refreshed.
func (p *phoneCheckPanel) relayout() {
	if p.content != nil {
		p.content.Refresh()
	}
}

// showStored renders the account's stored number.
func (p *phoneCheckPanel) showStored() {
	a := p.acct
	if a == nil || a.PhoneMasked == "" {
		if a == nil {
			p.stored.SetText(i18n.L("No account open."))
		} else {
			p.stored.SetText(i18n.L("This account has no phone number."))
		}
		p.storedTag.Hide()
		p.relayout()
		return
	}
	var b strings.Builder
	b.WriteString(a.PhoneMasked)
	if a.PhoneRegion != "" {
		b.WriteString(" · " + phone.RegionNameIn(i18n.Current(), a.PhoneRegion))
	}
	if a.PhoneVerified {
		b.WriteString(" · " + i18n.X("phonecheck.verified", "verified"))
	} else {
		b.WriteString(" · " + i18n.X("phonecheck.not_verified", "not verified"))
	}
	switch a.PhoneStoredForm {
	case data.FormTrunk0:
		b.WriteString("\n" + i18n.L("Stored with the trunk 0 after the country code (legacy form). "+
			"Some networks do not deliver to this form: compare the deliveries below."))
		p.storedTag.set(i18n.L("trunk 0 stored"), widget.WarningImportance)
		p.storedTag.Show()
	default:
		b.WriteString("\n" + i18n.L("Stored in the international (E.164) form."))
		p.storedTag.set("E.164", widget.SuccessImportance)
		p.storedTag.Show()
	}
	p.stored.SetText(b.String())
	p.relayout()
}

// showNetwork compares the network the provider reached with the original
// carrier of the typed number: a different network means the number was ported.
func (p *phoneCheckPanel) showNetwork() {
	p.ported.Hide()
	carrier := ""
	if p.diag != nil && p.diag.Valid {
		carrier = p.diag.Carrier
	}
	porting := deliveries.CheckPorting(p.rows, carrier)
	reached := porting.Reached
	switch {
	case p.acct == nil:
		p.network.SetText("")
	case reached == "":
		p.network.SetText(i18n.L("The SMS provider has not reported which network it reached for this number."))
	case carrier == "":
		p.network.SetText(i18n.L("The SMS provider reached {{.Network}}. Type the customer's number in the search field to compare with the carrier it was first given to.",
			i18n.M{"Network": reached}))
	case !porting.Ported:
		p.network.SetText(i18n.L("The SMS provider reached {{.Network}}, the carrier the number was first given to: not ported.", i18n.M{"Network": reached}))
	default:
		p.network.SetText(i18n.L("The SMS provider reached {{.Network}}, but the number was first given to {{.Carrier}}: the number was ported to another network. "+
			"A recently ported number can take a day to receive SMS again.", i18n.M{"Network": reached, "Carrier": carrier}))
		p.ported.set(i18n.X("phonecheck.ported", "ported"), widget.WarningImportance)
		p.ported.Show()
	}
	p.relayout()
}

// onSelectForm shows the selected form's last delivery in full: the table
// truncates the provider's reason, and the advice does not fit a cell.
func (p *phoneCheckPanel) onSelectForm(row int) {
	if row < 0 || row >= len(p.rows) {
		p.detail.SetText("")
		return
	}
	r := p.rows[row]
	text := i18n.L("{{.Form}} ({{.To}}): last code {{.Status}} {{.When}}.", i18n.M{
		"Form": formLabel(r.Form), "To": r.To, "Status": words.DeliveryStatus(r.Last.Status), "When": relativeTime(r.Last.RequestedAt, p.now(), nil)})
	if pe, ok := data.ProviderErrors[r.Last.ProviderError]; ok {
		text += " " + i18n.T(pe.Meaning) + " " + i18n.T(pe.Advice)
	}
	p.detail.SetText(shownText(text))
	p.relayout()
}
