package screens

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/deliveries"
	"verifydesk/services/words"
)

// codesSource is what the Codes tab asks of the backend.
type codesSource interface {
	Deliveries(ctx context.Context, accountID string) ([]data.Delivery, error)
	RateLimits(ctx context.Context, accountID string) (data.RateLimits, error)
	// TrustedDevices tells whether an app notification has a device to go to.
	TrustedDevices(ctx context.Context, accountID string) ([]data.TrustedDevice, error)
	Resend(ctx context.Context, accountID string, req data.ResendRequest, idempotencyKey string) (data.ResendResult, error)
}

// codesPanel is the delivery log of every code and notice sent to the account,
// the send limits, and a resend that respects them.
type codesPanel struct {
	src     codesSource
	w       *workspace
	ls      *loadState
	acct    *data.Account
	rows    []data.Delivery
	table   *widget.Table
	detail  *widget.Label
	channel *widget.Select
	purpose *widget.Select
	resend  *widget.Button
	result  *widget.Label
	// allowance says what the send limits still allow for the chosen channel
	// and purpose, counting down while one holds; Resend is disabled then.
	allowance *widget.Label
	rl        *data.RateLimits
	rlErr     error // why the limits could not be loaded; nil when they were
	tickGen   int   // bumped by every new allowance: an older countdown stops
	// refused holds, per channel, why it cannot carry a code at all (no
	// contact on file, a VoIP number, notifications off). Resend is disabled
	// with the reason, which outranks a send limit.
	refused map[string]deliveries.Refusal
	// chart shows requests and outcomes over the last day or week.
	chart     *deliveryChart
	chartSpan *widget.RadioGroup
	content   fyne.CanvasObject
}

var codeColumns = []string{"Sent", "Channel", "To", "Purpose", "Asked by", "Status", "What happened", "Sender"}

// codeChannels are the resend choices, in the order shown.
var codeChannels = []struct{ label, channel string }{
	{"SMS", data.ChannelSMS}, {"Email", data.ChannelEmail}, {"App notification", data.ChannelAppPush},
}

func newCodesPanel(src codesSource, w *workspace) *codesPanel {
	p := &codesPanel{src: src, w: w, ls: newLoadState("The delivery log")}
	p.table = textTable(codeColumns, []float32{14, 5.5, 9.5, 9.5, 5.5, 7, 12, 7},
		func() int { return len(p.rows) },
		func(row, col int, l *widget.Label) {
			l.SetText(p.cell(row, col))
			if col == 5 && p.rows[row].Failed() {
				l.Importance = widget.DangerImportance
			}
		})
	p.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(p.rows) {
			p.detail.SetText(deliveryDetail(p.rows[id.Row]))
		}
	}
	p.detail = widget.NewLabel("Select a delivery to see what its status means and what the customer can do.")
	p.detail.Wrapping = fyne.TextWrapWord
	var labels []string
	for _, c := range codeChannels {
		labels = append(labels, c.label)
	}
	p.allowance = widget.NewLabel("")
	p.allowance.Wrapping = fyne.TextWrapWord
	p.resend = widget.NewButtonWithIcon("Resend code", theme.MailSendIcon(), p.onResend)
	changed := func(string) { p.showAllowance() }
	p.channel = widget.NewSelect(labels, changed)
	p.channel.SetSelected(labels[0])
	p.purpose = widget.NewSelect([]string{data.PurposeLogin, data.PurposeNewDevice, data.PurposeResetPassword, data.PurposeRegister, data.PurposeEnable2FA}, changed)
	p.purpose.SetSelected(data.PurposeLogin)
	p.result = widget.NewLabel("")
	p.result.Wrapping = fyne.TextWrapWord
	p.chart = newDeliveryChart()
	p.chartSpan = widget.NewRadioGroup([]string{chartDay, chartWeek}, func(string) { p.showChart() })
	p.chartSpan.Horizontal = true
	p.chartSpan.Required = true
	p.chartSpan.SetSelected(chartDay)
	return p
}

// The chart's spans.
const (
	chartDay  = "Last day"
	chartWeek = "Last week"
)

// showChart counts the log's deliveries for the chosen span. UI thread.
func (p *codesPanel) showChart() {
	if p.chart == nil {
		return
	}
	now := p.w.cfg.now()
	if p.chartSpan.Selected == chartWeek {
		p.chart.set(deliveries.Histogram(p.rows, now, 24*time.Hour, 7), weekLabels)
		return
	}
	p.chart.set(deliveries.Histogram(p.rows, now, time.Hour, 24), dayLabels)
}

func (p *codesPanel) loadState() *loadState { return p.ls }

func (p *codesPanel) title() string { return "Codes" }

func (p *codesPanel) firstControl() fyne.Focusable { return p.channel }

func (p *codesPanel) build() fyne.CanvasObject {
	if p.content == nil {
		resendRow := container.NewHBox(widget.NewLabel("Resend by"), p.channel, widget.NewLabel("for"), p.purpose, p.resend)
		left := container.NewVBox(p.ls.label, resendRow, p.allowance, p.result)
		legend := widget.NewLabel("Green delivered, grey waiting, red ✗ did not arrive.")
		legend.Wrapping = fyne.TextWrapWord
		chart := newBorder(p.chartSpan, legend, nil, nil, p.chart)
		// The chart sits beside the resend, as tall as it: the table below
		// keeps the height.
		top := container.NewVBox(newBorder(nil, nil, nil, chart, left), widget.NewSeparator())
		split := container.NewVSplit(withRows(p.table, 3), container.NewVScroll(p.detail))
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
	p.rl, p.rlErr, p.refused = nil, nil, nil
	p.showAllowance()
	p.detail.SetText("Select a delivery to see what its status means and what the customer can do.")
}

// usePurpose preselects the purpose of the next resend (the Activity tab leads
// here for a password reset). UI thread.
func (p *codesPanel) usePurpose(purpose string) { p.purpose.SetSelected(purpose) }

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
	return func() {
		p.rows = rows
		p.table.Refresh()
		p.showChart()
		if len(rows) == 0 {
			p.ls.label.SetText("No codes sent in the last 30 days.")
		} else {
			p.ls.label.SetText(deliverySummary(rows, p.w.cfg.now()))
		}
		p.refused, p.rlErr = refused, rlErr
		if rlErr != nil {
			p.rl = nil
			p.showAllowance()
			return
		}
		now := p.w.cfg.now()
		p.rl = &rl
		p.showAllowance()
		p.w.header.setRateLimits(rl, now)
	}, nil
}

// backendDecided reports whether err is the backend's answer to the request
// (a refusal: over a limit, a channel that cannot work, a bad request), as
// opposed to an error that leaves the outcome unknown (no answer, a 5xx, an
// answer the console could not read).
func backendDecided(err error) bool {
	var api *client.APIError
	return errors.As(err, &api) && api.Status >= 400 && api.Status < 500
}

// selectedChannel is the channel the resend row names.
func (p *codesPanel) selectedChannel() string {
	for _, c := range codeChannels {
		if c.label == p.channel.Selected {
			return c.channel
		}
	}
	return ""
}

// showAllowance says what the limits allow for the chosen channel and
// purpose; while a limit holds, Resend is disabled with the reason and the
// wait counts down every second. A channel that cannot work at all says why
// instead, with Resend disabled. UI thread.
func (p *codesPanel) showAllowance() {
	if p.allowance == nil || p.resend == nil || p.purpose == nil {
		return // still being built
	}
	p.tickGen++
	if p.acct == nil {
		p.allowance.SetText("")
		p.resend.Enable()
		return
	}
	if !p.w.isOnline() {
		// The one connection state: no allowance is known while the backend
		// cannot be reached, and nothing can be sent.
		p.allowance.Importance = widget.WarningImportance
		p.allowance.SetText("The auth backend cannot be reached: no code can be sent now. The console checks every few seconds and says when it answers.")
		p.resend.Disable()
		return
	}
	ch, purpose := p.selectedChannel(), p.purpose.Selected
	if r, ok := p.refused[ch]; ok {
		p.allowance.Importance = widget.WarningImportance
		p.allowance.SetText(refusalText(r, p.workingChannels(ch)))
		p.resend.Disable()
		return
	}
	if p.rl == nil {
		text := ""
		if p.rlErr != nil {
			text = "The send limits could not be loaded: " + Explain(p.rlErr)
		}
		p.allowance.Importance = widget.MediumImportance
		p.allowance.SetText(text)
		p.resend.Enable()
		return
	}
	now := p.w.cfg.now()
	a, ok := deliveries.AllowanceFor(*p.rl, ch, purpose)
	text := allowanceText(a, ok, words.Method(ch), purpose, now)
	if !a.Blocked(now) {
		p.allowance.Importance = widget.MediumImportance
		p.allowance.SetText(text)
		p.resend.Enable()
		return
	}
	p.allowance.Importance = widget.WarningImportance
	p.allowance.SetText(text)
	p.resend.Disable()
	gen := p.tickGen
	p.w.run.later(time.Second, "allowance countdown", func() {
		if gen != p.tickGen {
			return // superseded: another account, channel or load
		}
		if a.Blocked(p.w.cfg.now()) {
			p.showAllowance()
			return
		}
		p.w.startLoad(p) // the limit freed: the counts changed too
	})
}

// refusals finds the channels that cannot carry a code to acct at all, from
// its contacts on file, its delivery log and its trusted devices. When the
// devices could not be loaded (devErr), app notifications are not judged.
func refusals(acct data.Account, rows []data.Delivery, devices []data.TrustedDevice, devErr error) map[string]deliveries.Refusal {
	out := map[string]deliveries.Refusal{}
	add := func(r deliveries.Refusal, ok bool) {
		if ok {
			out[r.Channel] = r
		}
	}
	add(deliveries.SMSRefusal(acct, rows))
	add(deliveries.EmailRefusal(acct))
	if devErr == nil {
		add(deliveries.PushRefusal(devices))
	}
	return out
}

// workingChannels names the channels other than except that are not refused,
// in the order the resend row lists them. UI thread.
func (p *codesPanel) workingChannels(except string) []string {
	var out []string
	for _, c := range codeChannels {
		if _, refused := p.refused[c.channel]; !refused && c.channel != except {
			out = append(out, words.Method(c.channel))
		}
	}
	return out
}

// refusalText says why a channel cannot carry a code and what the agent can
// do instead: the channels in instead ("email", "app notification"), or what
// the customer can change.
func refusalText(r deliveries.Refusal, instead []string) string {
	var why, fix string
	switch r.Reason {
	case deliveries.NoEmail:
		why = "No email on file for this account: a code cannot go by email."
	case deliveries.NoPhone:
		why = "No phone number on file for this account: a code cannot go by SMS."
	case deliveries.NotMobile:
		what := "the number is a landline or another number that cannot receive SMS"
		if r.Last.ProviderError == data.ProviderVoIPRefused {
			what = "the number is a virtual (VoIP) number, which cannot receive verification codes"
		}
		why = fmt.Sprintf("SMS cannot reach %s: %s; the provider refused the last SMS to it.", r.Last.DestinationMasked, what)
		fix = "have the customer change the number on the account to a mobile number"
	case deliveries.NoTrustedDevice:
		why = "No trusted device: an app notification has nowhere to go."
	case deliveries.NotificationsOff:
		why = fmt.Sprintf("Notifications are off on every trusted device (%s): an app notification cannot arrive.", strings.Join(r.Devices, ", "))
		fix = "have the customer allow notifications for the app on one of them"
	default:
		why = "A code cannot go by " + words.Method(r.Channel) + " to this account."
	}
	switch {
	case len(instead) > 0 && fix != "":
		return why + " Send the code by " + strings.Join(instead, " or ") + " instead, or " + fix + "."
	case len(instead) > 0:
		return why + " Send the code by " + strings.Join(instead, " or ") + " instead."
	case fix != "":
		return why + " No other channel can carry a code either: " + fix + "."
	}
	return why + " No other channel can carry a code either."
}

// allowanceText is "SMS for login: 1 of 1 this minute, 3 of 5 this hour.
// Next possible in 0:42 (at 14:05)."
func allowanceText(a deliveries.Allowance, ok bool, channel, purpose string, now time.Time) string {
	head := channel + " for " + strings.ReplaceAll(purpose, "_", " ") + ": "
	if !ok {
		return head + "nothing sent recently, within every limit. A code can be sent now."
	}
	var used []string
	for _, w := range a.Windows {
		used = append(used, fmt.Sprintf("%d of %d this %s", w.Used, w.Limit, w.Window))
	}
	text := head + strings.Join(used, ", ") + "."
	if !a.Blocked(now) {
		return text + " A code can be sent now."
	}
	return text + fmt.Sprintf(" Send limit reached: next possible in %s (at %s). Sending more now would only delay the customer further.",
		countdown(a.NextAt.Sub(now)), a.NextAt.In(time.Local).Format("15:04:05"))
}

// countdown is "0:42", or "1 h 05 min" for long waits.
func countdown(d time.Duration) string {
	secs := int((d + time.Second - 1) / time.Second)
	if secs >= 3600 {
		return fmt.Sprintf("%d h %02d min", secs/3600, secs%3600/60)
	}
	return fmt.Sprintf("%d:%02d", secs/60, secs%60)
}

func (p *codesPanel) cell(row, col int) string {
	d := p.rows[row]
	switch col {
	case 0:
		return relativeTime(d.RequestedAt, p.w.cfg.now(), nil)
	case 1:
		return words.Method(d.Channel)
	case 2:
		to := d.DestinationMasked
		if d.DestinationForm == data.FormTrunk0 {
			to += " (with 0)"
		}
		return to
	case 3:
		return strings.ReplaceAll(d.Purpose, "_", " ")
	case 4:
		if d.RequestedBy == data.RequesterAgent {
			return "agent"
		}
		return d.RequestedBy
	case 5:
		return d.Status
	case 6:
		if pe, ok := data.ProviderErrors[d.ProviderError]; ok {
			return pe.Meaning
		}
		if d.ProviderError != "" {
			return "provider error " + d.ProviderError
		}
		if d.NetworkReached != "" {
			return "reached " + d.NetworkReached
		}
		return ""
	case 7:
		return d.Sender
	}
	return ""
}

// deliverySummary is the one line an agent reads first: how many arrived.
func deliverySummary(rows []data.Delivery, now time.Time) string {
	c := deliveries.CountAt(rows, now)
	// One line: what each delivery means is in the table and below it.
	s := fmt.Sprintf("%d sent in the last 30 days: %d delivered, %d did not arrive.", c.Total, c.Delivered, c.Failed)
	if last := rows[0]; last.Status != data.StatusDelivered {
		s += " The latest is " + last.Status + "."
	}
	return s
}

// deliveryDetail explains one delivery: its meaning, the advice from the help
// pages, and the sender the customer should look for.
func deliveryDetail(d data.Delivery) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s to %s, %s, status %s.\n", words.Method(d.Channel), d.DestinationMasked, strings.ReplaceAll(d.Purpose, "_", " "), d.Status)
	if pe, ok := data.ProviderErrors[d.ProviderError]; ok {
		fmt.Fprintf(&b, "\nWhat happened: %s\nWhat the customer can do: %s\n", pe.Meaning, pe.Advice)
	}
	if d.NetworkReached != "" {
		fmt.Fprintf(&b, "\nThe provider reached the network %s. If that is not the carrier the number was issued by (Phone check tab), the number was ported; after a recent port SMS can take a day to work again.\n", d.NetworkReached)
	}
	if d.Sender != "" {
		switch d.SenderKind {
		case "email":
			fmt.Fprintf(&b, "\nThe email comes from %s: ask the customer to check Spam/Junk and add it to safe senders.\n", d.Sender)
		case "app":
			b.WriteString("\nIt arrives as an app notification on the trusted devices: notifications must be allowed for the app.\n")
		default:
			fmt.Fprintf(&b, "\nThe SMS comes from %s: ask the customer to check their spam filter, blocked senders and security apps for it.\n", d.Sender)
		}
	}
	if d.Status == data.StatusQueued || d.Status == data.StatusSent {
		b.WriteString("\nSMS can be delayed by network congestion: wait 5-10 minutes before sending another; repeated requests trigger the send limits.\n")
	}
	return b.String()
}

// onResend sends a code by the chosen channel. A tap handler: the send
// itself is the workspace's (resend.go), since a resend whose answer was lost
// belongs to the account, not to this view.
func (p *codesPanel) onResend() {
	if p.acct == nil {
		return
	}
	req := data.ResendRequest{Channel: p.selectedChannel(), Purpose: p.purpose.Selected}
	p.resend.Disable()
	p.result.SetText("Sending…")
	p.w.sendResend(p.acct.ID, req)
}

// resendDone shows what a resend of accountID did, when that account is
// still on screen. UI thread.
func (p *codesPanel) resendDone(accountID, text string, sent bool) {
	if p.acct == nil || p.acct.ID != accountID {
		return // the agent moved on; the next account keeps its own state
	}
	p.result.SetText(text)
	p.showAllowance()
	if sent {
		p.w.startLoad(p)
	}
}
