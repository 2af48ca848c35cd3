package screens

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/deliveries"
	"verifydesk/services/words"
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
	now := p.w.now()
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
	why, fix := refusalParts(r)
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

// refusalParts says why a channel cannot carry a code, and what the customer
// can change ("" when nothing).
func refusalParts(r deliveries.Refusal) (why, fix string) {
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
	return why, fix
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
