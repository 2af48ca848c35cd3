package screens

import (
	"errors"
	"time"

	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/deliveries"
	"verifydesk/services/i18n"
)

// backendDecided reports whether err is the backend's answer to the request
// (a refusal: over a limit, a channel that cannot work, a bad request), as
// opposed to an error that leaves the outcome unknown (no answer, a 5xx, an
// answer the console could not read).
func backendDecided(err error) bool {
	var api *client.APIError
	return errors.As(err, &api) && api.Status >= 400 && api.Status < 500
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
		p.allowance.SetText(i18n.L("The auth backend cannot be reached: no code can be sent now. The console checks every few seconds and says when it answers."))
		p.resend.Disable()
		return
	}
	ch, purpose := p.selectedChannel(), p.selectedPurpose()
	if r, ok := p.refused[ch]; ok {
		p.allowance.Importance = widget.WarningImportance
		p.allowance.SetText(r.Text(p.workingChannels(ch)).String())
		p.resend.Disable()
		return
	}
	if p.rl == nil {
		text := ""
		if p.rlErr != nil {
			text = i18n.L("The send limits could not be loaded: {{.Reason}}", i18n.M{"Reason": Explain(p.rlErr)})
		}
		p.allowance.Importance = widget.MediumImportance
		p.allowance.SetText(text)
		p.resend.Enable()
		return
	}
	now := p.w.now()
	a, ok := deliveries.AllowanceFor(*p.rl, ch, purpose)
	text := a.Text(ok, ch, purpose, now).String()
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
	p.w.later(time.Second, "allowance countdown", func() {
		if gen != p.tickGen {
			return // superseded: another account, channel or load
		}
		if a.Blocked(p.w.now()) {
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

// workingChannels are the channels other than except that are not refused,
// in the order the resend row lists them. UI thread.
func (p *codesPanel) workingChannels(except string) []string {
	var out []string
	for _, c := range codeChannels {
		if _, refused := p.refused[c.channel]; !refused && c.channel != except {
			out = append(out, c.channel)
		}
	}
	return out
}

// countdown is "0:42", or "1 h 05 min" for long waits, in the agent's
// language.
func countdown(d time.Duration) string { return deliveries.Countdown(d).In(i18n.Current()) }
