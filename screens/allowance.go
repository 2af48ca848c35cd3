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
	"verifydesk/services/i18n"
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
		p.allowance.SetText(i18n.L("The auth backend cannot be reached: no code can be sent now. The console checks every few seconds and says when it answers."))
		p.resend.Disable()
		return
	}
	ch, purpose := p.selectedChannel(), p.selectedPurpose()
	if r, ok := p.refused[ch]; ok {
		p.allowance.Importance = widget.WarningImportance
		p.allowance.SetText(refusalText(r, p.workingChannels(ch)))
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
		return i18n.L("{{.Why}} Send the code by {{.Channels}} instead, or {{.Fix}}.", i18n.M{"Why": why, "Channels": codesOrList(instead), "Fix": fix})
	case len(instead) > 0:
		return i18n.L("{{.Why}} Send the code by {{.Channels}} instead.", i18n.M{"Why": why, "Channels": codesOrList(instead)})
	case fix != "":
		return i18n.L("{{.Why}} No other channel can carry a code either: {{.Fix}}.", i18n.M{"Why": why, "Fix": fix})
	}
	return i18n.L("{{.Why}} No other channel can carry a code either.", i18n.M{"Why": why})
}

// codesOrList is "email or app notification".
func codesOrList(items []string) string {
	out := ""
	for i, it := range items {
		if i == 0 {
			out = it
			continue
		}
		out = i18n.L("{{.First}} or {{.Next}}", i18n.M{"First": out, "Next": it})
	}
	return out
}

// codesList is "Pixel 6, iPad": names in a list.
func codesList(items []string) string {
	return strings.Join(items, i18n.X("codes.list.separator", ", "))
}

// refusalParts says why a channel cannot carry a code, and what the customer
// can change ("" when nothing).
func refusalParts(r deliveries.Refusal) (why, fix string) {
	switch r.Reason {
	case deliveries.NoEmail:
		why = i18n.L("No email on file for this account: a code cannot go by email.")
	case deliveries.NoPhone:
		why = i18n.L("No phone number on file for this account: a code cannot go by SMS.")
	case deliveries.NotMobile:
		what := i18n.L("the number is a landline or another number that cannot receive SMS")
		if r.Last.ProviderError == data.ProviderVoIPRefused {
			what = i18n.L("the number is a virtual (VoIP) number, which cannot receive verification codes")
		}
		why = i18n.L("SMS cannot reach {{.Number}}: {{.What}}; the provider refused the last SMS to it.",
			i18n.M{"Number": r.Last.DestinationMasked, "What": what})
		fix = i18n.L("have the customer change the number on the account to a mobile number")
	case deliveries.NoTrustedDevice:
		why = i18n.L("No trusted device: an app notification has nowhere to go.")
	case deliveries.NotificationsOff:
		why = i18n.L("Notifications are off on every trusted device ({{.Devices}}): an app notification cannot arrive.",
			i18n.M{"Devices": codesList(r.Devices)})
		fix = i18n.L("have the customer allow notifications for the app on one of them")
	default:
		why = i18n.L("A code cannot go by {{.Channel}} to this account.", i18n.M{"Channel": words.Method(r.Channel)})
	}
	return why, fix
}

// allowanceText is "SMS for login: 1 of 1 this minute, 3 of 5 this hour.
// Next possible in 0:42 (at 14:05)."
func allowanceText(a deliveries.Allowance, ok bool, channel, purpose string, now time.Time) string {
	m := i18n.M{"Channel": channel, "Purpose": deliveryPurposeWords(purpose)}
	if !ok {
		return i18n.L("{{.Channel}} for {{.Purpose}}: nothing sent recently, within every limit. A code can be sent now.", m)
	}
	var used []string
	for _, w := range a.Windows {
		used = append(used, windowUse(w))
	}
	m["Used"] = strings.Join(used, i18n.X("codes.limits.separator", ", "))
	if !a.Blocked(now) {
		return i18n.L("{{.Channel}} for {{.Purpose}}: {{.Used}}. A code can be sent now.", m)
	}
	m["Wait"], m["At"] = countdown(a.NextAt.Sub(now)), a.NextAt.In(time.Local).Format("15:04:05")
	return i18n.L("{{.Channel}} for {{.Purpose}}: {{.Used}}. Send limit reached: next possible in {{.Wait}} (at {{.At}}). "+
		"Sending more now would only delay the customer further.", m)
}

// windowUse is one send limit's count: "3 of 5 this hour".
func windowUse(w data.LimitWindow) string {
	m := i18n.M{"Used": w.Used, "Limit": w.Limit}
	switch w.Window {
	case "minute":
		return i18n.L("{{.Used}} of {{.Limit}} this minute", m)
	case "hour":
		return i18n.L("{{.Used}} of {{.Limit}} this hour", m)
	case "day":
		return i18n.L("{{.Used}} of {{.Limit}} this day", m)
	}
	m["Window"] = w.Window
	return i18n.L("{{.Used}} of {{.Limit}} this {{.Window}}", m)
}

// countdown is "0:42", or "1 h 05 min" for long waits.
func countdown(d time.Duration) string {
	secs := int((d + time.Second - 1) / time.Second)
	if secs >= 3600 {
		return i18n.L("{{.Hours}} h {{.Minutes}} min", i18n.M{"Hours": secs / 3600, "Minutes": fmt.Sprintf("%02d", secs%3600/60)})
	}
	return fmt.Sprintf("%d:%02d", secs/60, secs%60)
}
