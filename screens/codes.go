package screens

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/deliveries"
	"verifydesk/services/i18n"
)

// codesSource is what the Codes tab asks of the backend.
type codesSource interface {
	Deliveries(ctx context.Context, accountID string) ([]data.Delivery, error)
	RateLimits(ctx context.Context, accountID string) (data.RateLimits, error)
	// TrustedDevices tells whether an app notification has a device to go to.
	TrustedDevices(ctx context.Context, accountID string) ([]data.TrustedDevice, error)
	Resend(ctx context.Context, accountID string, req data.ResendRequest, idempotencyKey string) (data.ResendResult, error)
	// DeliveryHealth says how SMS to the customer's country delivers for
	// everyone: is it just this caller?
	DeliveryHealth(ctx context.Context, q client.HealthQuery) (data.DeliveryHealth, error)
}

// codesPanel is the delivery log of every code and notice sent to the account,
// the send limits, and a resend that respects them.
type codesPanel struct {
	src     codesSource
	w       tabHost
	ls      *loadState
	acct    *data.Account
	rows    []data.Delivery
	table   *dataTable
	detail  *widget.Label
	channel *widget.Select
	// form picks the form of the number an SMS goes to, shown for a number
	// stored with the trunk 0 (the one kind that has two); formNote says
	// which form is suggested and why, and why the channel was chosen.
	form     *widget.Select
	formNote *widget.Label
	// suggested is the form the log suggests; picked is true once the agent
	// chose the channel for this account, which a load then keeps.
	suggested deliveries.FormChoice
	hasForms  bool
	picked    bool
	chosen    string // why the channel was chosen for the agent; "" when not
	choosing  bool   // the console, not the agent, is setting the channel
	purpose   *widget.Select
	resend    *widget.Button
	result    *widget.Label
	// allowance says what the send limits still allow for the chosen channel
	// and purpose, counting down while one holds; Resend is disabled then.
	allowance *widget.Label
	// health says how SMS to the customer's network delivers for everyone,
	// on the line under the log's summary (in the same label: the tab fits a
	// 1080p screen at scale 1.5); "" when the backend did not say.
	health string
	// healthSpark draws the delivery rate of the health line's network over
	// the last 24 hours beside the line, against its usual rate; hidden
	// when there is no line.
	healthSpark *sparkline
	rl          *data.RateLimits
	rlErr       error // why the limits could not be loaded; nil when they were
	tickGen     int   // bumped by every new allowance: an older countdown stops
	// refused holds, per channel, why it cannot carry a code at all (no
	// contact on file, a VoIP number, notifications off). Resend is disabled
	// with the reason, which outranks a send limit.
	refused map[string]deliveries.Refusal
	// chart shows requests and outcomes over the last day or week.
	chart     *deliveryChart
	chartSpan *widget.RadioGroup
	content   fyne.CanvasObject
}

// codeColumns are the delivery log's column titles, in English: shown
// in the agent's language by the table's header.
var codeColumns = []string{i18n.Mark("Sent"), i18n.Mark("Channel"), i18n.Mark("To"), i18n.Mark("Purpose"),
	i18n.Mark("Asked by"), i18n.Mark("Status"), i18n.Mark("What happened"), i18n.Mark("Sender")}

// codeChannels are the resend choices, in the order shown; label is the
// English, shown through i18n.T.
var codeChannels = []struct{ label, channel string }{
	{i18n.Mark("SMS"), data.ChannelSMS}, {i18n.Mark("Email"), data.ChannelEmail}, {i18n.Mark("App notification"), data.ChannelAppPush},
}

// codePurposes are the resend's purposes, in the order offered.
var codePurposes = []string{data.PurposeLogin, data.PurposeNewDevice, data.PurposeResetPassword, data.PurposeRegister, data.PurposeEnable2FA}

func newCodesPanel(src codesSource, w tabHost) *codesPanel {
	p := &codesPanel{src: src, w: w, ls: newLoadState(i18n.L("The delivery log"))}
	p.table = textTable(codeColumns, []int{6, 7},
		func() int { return len(p.rows) },
		func(row, col int, l *widget.Label) {
			l.SetText(p.cell(row, col))
			if col == 5 && p.rows[row].Failed() {
				l.Importance = widget.DangerImportance
			}
		})
	p.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(p.rows) {
			p.detail.SetText(shownText(deliveryDetail(p.rows[id.Row], p.w.customer())))
		}
	}
	p.detail = widget.NewLabel(i18n.L("Select a delivery to see what its status means and what the customer can do."))
	p.detail.Wrapping = wordWrap()
	var labels []string
	for _, c := range codeChannels {
		labels = append(labels, i18n.T(c.label))
	}
	p.allowance = widget.NewLabel("")
	p.allowance.Wrapping = wordWrap()
	p.resend = widget.NewButtonWithIcon(i18n.L("Resend code"), theme.MailSendIcon(), handler("press Resend", p.onResend))
	changed := func(string) { p.showAllowance() }
	p.channel = widget.NewSelect(labels, func(string) {
		if !p.choosing {
			p.picked, p.chosen = true, ""
		}
		p.showForm()
		p.showAllowance()
	})
	p.choosing = true
	p.channel.SetSelected(labels[0])
	p.choosing = false
	p.form = widget.NewSelect([]string{i18n.T(formWithout0), i18n.T(formWith0)}, func(string) { p.showForm() })
	p.form.PlaceHolder = codesLongest(p.form.Options) // as wide as the longest choice
	p.form.Hide()
	p.formNote = widget.NewLabel("")
	p.formNote.Wrapping = wordWrap()
	p.formNote.Hide()
	var purposes []string
	for _, pu := range codePurposes {
		purposes = append(purposes, deliveryPurposeLabel(pu))
	}
	p.purpose = widget.NewSelect(purposes, changed)
	p.purpose.SetSelected(deliveryPurposeLabel(data.PurposeLogin))
	p.result = widget.NewLabel("")
	p.result.Wrapping = wordWrap()
	p.healthSpark = newSparkline(8)
	p.healthSpark.Hide()
	p.chart = newDeliveryChart()
	p.chartSpan = widget.NewRadioGroup([]string{i18n.T(chartDay), i18n.T(chartWeek)}, func(string) { p.showChart() })
	p.chartSpan.Horizontal = true
	p.chartSpan.Required = true
	p.chartSpan.SetSelected(i18n.T(chartDay))
	return p
}

// The chart's spans, in English: shown through i18n.T.
var (
	chartDay  = i18n.Mark("Last day")
	chartWeek = i18n.Mark("Last week")
)

// showChart counts the log's deliveries for the chosen span. UI thread.
func (p *codesPanel) showChart() {
	if p.chart == nil {
		return
	}
	now := p.w.now()
	if p.chartSpan.Selected == i18n.T(chartWeek) {
		p.chart.set(deliveries.Histogram(p.rows, now, 24*time.Hour, 7), weekLabels)
		return
	}
	p.chart.set(deliveries.Histogram(p.rows, now, time.Hour, 24), dayLabels)
}

func (p *codesPanel) loadState() *loadState { return p.ls }

// title is the tab's English title, its id too (--tab, the last tab
// remembered): shown through i18n.T.
func (p *codesPanel) title() string { return i18n.Mark("Codes") }

func (p *codesPanel) firstControl() fyne.Focusable { return p.channel }

func (p *codesPanel) build() fyne.CanvasObject {
	if p.content == nil {
		// Its parts wrap to a second line when a language's words are too
		// long for one (a label stays with its choice).
		resendRow := newFlow(container.NewHBox(widget.NewLabel(i18n.L("Resend by")), p.channel), p.form,
			container.NewHBox(widget.NewLabel(i18n.X("codes.resend.for", "for")), p.purpose), p.resend)
		left := container.NewVBox(newBorder(nil, nil, nil, p.healthSpark, p.ls.label), resendRow, p.formNote, p.allowance, p.result)
		// Two lines of its own, not wrapped: a wrapped label asks for one
		// line's height and the border cut the second off.
		legend := widget.NewLabel(i18n.L("Green delivered, grey waiting,\nred ✗ did not arrive."))
		chart := newBorder(p.chartSpan, legend, nil, nil, p.chart)
		// The chart sits beside the resend, as tall as it: the table below
		// keeps the height.
		top := container.NewVBox(newBorder(nil, nil, nil, chart, left), widget.NewSeparator())
		// At the smallest window (a long language at scale 1.5) the table
		// keeps one row and its header; any more height goes to it.
		split := container.NewVSplit(withRows(p.table, 1), container.NewVScroll(p.detail))
		split.Offset = 0.75
		p.content = newBorder(top, nil, nil, nil, split)
	}
	return p.content
}

func (p *codesPanel) setAccount(acct *data.Account) {
	p.acct = acct
	p.rows = nil
	p.table.UnselectAll()
	p.table.Refresh()
	p.showChart()
	p.result.SetText("")
	p.result.Hide() // no line of its own until a resend says something
	p.rl, p.rlErr, p.refused = nil, nil, nil
	p.health = ""
	p.picked, p.chosen, p.hasForms = false, "", false
	p.showForm()
	p.healthSpark.Hide()
	p.showAllowance()
	p.detail.SetText(i18n.L("Select a delivery to see what its status means and what the customer can do."))
}

// usePurpose preselects the purpose of the next resend (the Activity tab leads
// here for a password reset). UI thread.
func (p *codesPanel) usePurpose(purpose string) { p.purpose.SetSelected(deliveryPurposeLabel(purpose)) }

// selectedPurpose is the purpose the resend row names, as the backend has it.
func (p *codesPanel) selectedPurpose() string {
	for _, pu := range codePurposes {
		if deliveryPurposeLabel(pu) == p.purpose.Selected {
			return pu
		}
	}
	return p.purpose.Selected
}

func (p *codesPanel) load(ctx context.Context, acct accountView) (func(), error) {
	rows, err := p.src.Deliveries(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	rl, rlErr := p.src.RateLimits(ctx, acct.ID)
	// Without the devices only app notifications go unjudged: the backend's
	// answer to a resend still says why one cannot go.
	devices, devErr := p.src.TrustedDevices(ctx, acct.ID)
	refused := refusals(acct.Account, rows, devices, devErr)
	// One extra request per account opened; without an answer the line
	// stays away (the delivery log above is this customer's own).
	health, healthImp := "", widget.MediumImportance
	var healthOf *data.HealthRow
	if _, noSMS := refused[data.ChannelSMS]; acct.PhoneRegion != "" && !noSMS {
		if h, err := p.src.DeliveryHealth(ctx, client.HealthQuery{Channel: data.ChannelSMS, Country: acct.PhoneRegion}); err == nil {
			network, planned := customerNetwork(rows, acct)
			health, healthImp, healthOf, _ = healthLine(h, network, planned)
		}
	}
	// The log tallied by number form here, off the UI thread.
	suggested, hasForms := deliveries.SuggestForm(deliveries.ByForm(rows, p.w.now()), acct.PhoneStoredForm)
	return func() {
		p.health = health
		p.rows = rows
		p.table.Refresh()
		p.showChart()
		summary := i18n.L("No codes sent in the last 30 days.")
		if len(rows) > 0 {
			summary = deliverySummary(rows, p.w.now())
		}
		if health != "" {
			summary += "\n" + health
		}
		if health != "" && healthOf != nil {
			p.healthSpark.set(healthOf.HourlyRate, healthOf.BaselineRate)
			p.healthSpark.setCaption(i18n.L("24 hours, all callers"))
			p.healthSpark.Show()
		} else {
			p.healthSpark.Hide()
		}
		p.ls.label.Importance = healthImp
		p.ls.label.SetText(summary)
		p.refused, p.rlErr = refused, rlErr
		p.suggested, p.hasForms = suggested, hasForms
		p.form.SetSelected(formChoiceLabel(p.suggested.Form))
		p.chooseChannel()
		p.rl = nil
		if rlErr == nil {
			p.rl = &rl
			p.w.setRateLimits(rl, p.w.now())
		}
		p.showAllowance()
		if p.content != nil {
			// The summary and the notes may take more lines than the last:
			// lay the tab out again.
			p.content.Refresh()
		}
	}, nil
}

// selectedChannel is the channel the resend row names.
func (p *codesPanel) selectedChannel() string {
	if i := p.channel.SelectedIndex(); i >= 0 { // the choices are codeChannels, in order
		return codeChannels[i].channel
	}
	return ""
}

// onResend sends a code by the chosen channel. A tap handler: the send
// itself is the workspace's (resend.go), since a resend whose answer was lost
// belongs to the account, not to this view.
func (p *codesPanel) onResend() {
	if p.acct == nil {
		return
	}
	req := data.ResendRequest{Channel: p.selectedChannel(), Purpose: p.selectedPurpose()}
	if req.Channel == data.ChannelSMS && p.hasForms {
		req.Form = p.selectedForm()
	}
	p.resend.Disable()
	p.result.SetText(i18n.L("Sending…"))
	p.result.Show()
	p.w.sendResend(p.acct.ID, req)
}

// resendDone shows what a resend of accountID did, when that account is
// still on screen. UI thread.
func (p *codesPanel) resendDone(accountID, text string, sent bool) {
	if p.acct == nil || p.acct.ID != accountID {
		return // the agent moved on; the next account keeps its own state
	}
	p.result.SetText(text)
	showIf(p.result, text != "")
	p.showAllowance()
	if sent {
		p.w.startLoad(p)
	}
}
