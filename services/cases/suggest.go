package cases

import (
	"fmt"
	"strings"
	"time"

	"verifydesk/data"
	"verifydesk/services/geo"
	"verifydesk/services/i18n"
	"verifydesk/services/logins"
	"verifydesk/services/phone"
	"verifydesk/services/words"
)

// A rule says whether the evidence points at its category, and why.
type rule struct {
	category string
	match    func(f *facts) (why string, ok bool)
}

// rules are tried in order; the first that matches is the suggestion. The
// order runs from the most specific remedy to the most general: a VoIP number
// also has "undelivered" SMS, but telling the customer to wait for a code that
// can never come is wrong; a trunk-0 number fails like any other, but its fix is
// the other form; a code that reached the customer for a stranger's sign-in is a
// security matter before anything else.
var rules = []rule{
	{CategoryNumberInvalid, matchNumberInvalid},
	{CategoryCodeNotRequested, matchCodeNotRequested},
	{CategoryTrunkZero, matchTrunkZero},
	{CategoryPortedOrRoaming, matchPorted},
	{CategorySMSNotArriving, matchNetworkDown},
	{CategoryNoCodeWorks, matchNoCodeWorks},
	{CategorySMSNotArriving, matchSMSNotArriving},
	{CategoryEmailCodeMissing, matchEmailMissing},
	{CategoryAppNotificationMissing, matchPushMissing},
	{CategoryStrangeLocation, matchStrangeLocation},
	{CategoryTwoFANotAvailable, matchTwoFANotAvailable},
	{CategoryLostDevice, matchLostDevice},
}

// SuggestCategory picks the SPEC section 3 row the evidence points at most
// clearly, and says why in a sentence for the agent, in the agent's
// language. When nothing stands out it returns "" and a sentence saying so:
// the agent asks the customer. It is a suggestion; the agent can always
// choose another category.
func SuggestCategory(ev Evidence) (category, why string) {
	f := newFacts(ev)
	lock := ""
	if f.acct != nil && f.acct.Lock.Locked {
		l := f.acct.Lock
		switch {
		case l.Reason != "" && l.Until != nil:
			lock = i18n.L("The account is locked ({{.Reason}}) until {{.Until}}.", i18n.M{"Reason": l.Reason, "Until": whenSaid(*l.Until)})
		case l.Reason != "":
			lock = i18n.L("The account is locked ({{.Reason}}).", i18n.M{"Reason": l.Reason})
		case l.Until != nil:
			lock = i18n.L("The account is locked until {{.Until}}.", i18n.M{"Until": whenSaid(*l.Until)})
		default:
			lock = i18n.L("The account is locked.")
		}
		lock = " " + lock
	}
	for _, r := range rules {
		if why, ok := r.match(f); ok {
			return r.category, why + lock
		}
	}
	return "", i18n.L("Nothing in the account's evidence points at one situation: ask the customer what happens.") + lock
}

func matchNumberInvalid(f *facts) (string, bool) {
	if d := f.diag; d != nil && d.Worst() == phone.SeverityError {
		var msgs []string
		for _, fd := range d.Findings {
			if fd.Severity == phone.SeverityError {
				msgs = append(msgs, fd.MessageIn(i18n.Agent()))
			}
		}
		return i18n.L("The phone check of what the customer typed finds: {{.Findings}}", i18n.M{"Findings": strings.Join(msgs, " ")}), true
	}
	// A refusal is a property of the number, not of the day: any age counts.
	if d := f.lastSMSEver; d != nil && (d.ProviderError == data.ProviderVoIPRefused || d.ProviderError == data.ProviderLandline) {
		return outcomeSaid(i18n.X("cases.suggest.last_sms", "The last SMS"), d), true
	}
	return "", false
}

func matchCodeNotRequested(f *facts) (string, bool) {
	if len(f.suspectCodes) == 0 {
		return "", false
	}
	c := f.suspectCodes[0]
	return i18n.N("{{.Count}} code(s) reached the customer for sign-ins from {{.Device}} in {{.Place}} ({{.Flags}}), which is not a trusted device.",
		len(f.suspectCodes), i18n.M{"Device": deviceSaid(c.ev), "Place": placeSaid(c.ev.Location), "Flags": flagsSaid(f.suspects[deviceKey(c.ev)])}), true
}

func matchTrunkZero(f *facts) (string, bool) {
	t := f.trunk0
	switch {
	case f.acct != nil && f.acct.PhoneStoredForm == data.FormTrunk0:
		if t != nil {
			return i18n.L("The number is stored with the trunk 0 after the country code; codes to that form arrived {{.Delivered}} of {{.Sent}} times in the last 30 days.",
				i18n.M{"Delivered": t.Delivered, "Sent": t.Sent}), true
		}
		return i18n.L("The number is stored with the trunk 0 after the country code."), true
	case f.lastSMS != nil && f.lastSMS.DestinationForm == data.FormTrunk0 && f.lastSMS.Failed():
		return i18n.L("The last SMS ({{.When}}) went to the number with the 0 kept after the country code and {{.Status}}.",
			i18n.M{"When": whenSaid(f.lastSMS.RequestedAt), "Status": statusSaid(f.lastSMS)}), true
	}
	return "", false
}

func matchPorted(f *facts) (string, bool) {
	if f.network == "" {
		return "", false
	}
	if c := f.plannedCarrier(); c != "" {
		if p := f.porting(c); p.Ported {
			return i18n.L("The SMS provider reached {{.Network}} ({{.When}}), but the number was first given to {{.Carrier}}: the number was ported.",
				i18n.M{"Network": p.Reached, "When": whenSaid(f.networkAt), "Carrier": c}), true
		}
	}
	if p := f.prevNetwork; p != nil {
		return i18n.L("The SMS provider reached {{.Before}} until {{.Until}} and {{.Network}} since {{.Since}}: the number moved to another network.",
			i18n.M{"Before": p.NetworkReached, "Until": whenSaid(p.RequestedAt), "Network": f.network, "Since": whenSaid(f.networkAt)}), true
	}
	return "", false
}

func matchNoCodeWorks(f *facts) (string, bool) {
	n := f.consecutiveFailures()
	if n < noCodeRun {
		return "", false
	}
	chans := map[string]bool{}
	var names []string
	for _, d := range f.recent[:n] {
		if !chans[d.Channel] {
			chans[d.Channel] = true
			names = append(names, words.Method(d.Channel))
		}
	}
	return i18n.N("The last {{.Count}} codes ({{.Channels}}) all failed, the newest at {{.When}}: another code is unlikely to help; offer another way in.",
		n, i18n.M{"Channels": joinAndSaid(names), "When": whenSaid(f.recent[0].RequestedAt)}), true
}

func matchSMSNotArriving(f *facts) (string, bool) {
	if d := f.lastSMS; d != nil {
		switch {
		case d.Failed():
			return outcomeSaid(i18n.X("cases.suggest.last_sms", "The last SMS"), d), true
		case (d.Status == data.StatusSent || d.Status == data.StatusQueued) && f.now.Sub(d.RequestedAt) > pendingFor:
			return i18n.L("The last SMS ({{.When}}) is still {{.Status}}, with no delivery report after {{.Wait}}.",
				i18n.M{"When": whenSaid(d.RequestedAt), "Status": statusWord(d.Status), "Wait": minutesSaid(f.now.Sub(d.RequestedAt))}), true
		}
	}
	for _, l := range f.blocked {
		if l.Channel == data.ChannelSMS {
			if l.NextAllowedAt != nil {
				return i18n.L("The SMS send limit for {{.To}} is reached: the next code can go at {{.When}}.",
					i18n.M{"To": l.DestinationMasked, "When": whenSaid(*l.NextAllowedAt)}), true
			}
			return i18n.L("The SMS send limit for {{.To}} is reached.", i18n.M{"To": l.DestinationMasked}), true
		}
	}
	return "", false
}

func matchEmailMissing(f *facts) (string, bool) {
	d := f.lastEmail
	if d == nil || (!d.Failed() && d.ProviderError == "") {
		return "", false
	}
	return outcomeSaid(i18n.X("cases.suggest.last_email", "The last email code"), d), true
}

func matchPushMissing(f *facts) (string, bool) {
	if d := f.lastPush; d != nil && d.Failed() {
		return outcomeSaid(i18n.X("cases.suggest.last_push", "The last app notification to {{.To}}", i18n.M{"To": d.DestinationMasked}), d), true
	}
	if f.acct == nil || f.acct.TwoFactor.Method != data.ChannelAppPush || len(f.devices) == 0 {
		return "", false
	}
	for _, d := range f.devices {
		if d.NotificationsAllowed {
			return "", false
		}
	}
	return i18n.L("Two-step verification sends app notifications, and no trusted device allows them."), true
}

func matchStrangeLocation(f *facts) (string, bool) {
	if len(f.flagged) > 0 {
		e := f.flagged[0]
		return i18n.L("A sign-in of {{.When}} by {{.Device}} is placed in {{.Place}} ({{.Flags}}).",
			i18n.M{"When": whenSaid(e.At), "Device": deviceSaid(e), "Place": placeSaid(e.Location), "Flags": flagsSaid(e)}), true
	}
	if e := f.farMobile; e != nil {
		return i18n.L("A sign-in of {{.When}} on mobile data is placed in {{.Place}}, {{.Distance}} km from the one before.",
			i18n.M{"When": whenSaid(e.At), "Place": placeSaid(e.Location), "Distance": words.Thousands(e.DistanceKM)}), true
	}
	return "", false
}

func matchTwoFANotAvailable(f *facts) (string, bool) {
	if f.acct == nil || f.acct.TwoFactor.FeatureAvailable {
		return "", false
	}
	return i18n.L("Two-step verification has not been rolled out to this {{.App}} account yet.", i18n.M{"App": f.acct.App}), true
}

func matchLostDevice(f *facts) (string, bool) {
	if len(f.devices) < 2 || f.now.Sub(f.devices[0].LastSeenAt) > activeDevice {
		return "", false
	}
	for _, d := range f.devices[1:] {
		if f.now.Sub(d.LastSeenAt) >= staleDevice {
			return i18n.L("The trusted device {{.Device}} was last seen {{.Ago}} while {{.InUse}} is in use: it may be lost.",
				i18n.M{"Device": d.Name, "Ago": daysAgoSaid(d.LastSeenAt, f.now), "InUse": f.devices[0].Name}), true
		}
	}
	return "", false
}

// The suggestion's words in the agent's language. They say what evidence.go's
// when, outcome, statusPhrase, minutes, daysAgo, place, deviceWords,
// flagWords and joinAnd say in English, which the checklist and the exports
// use; in English both say the same.

// whenSaid is a time as the suggestion gives it: "2 Jan 15:04 UTC".
func whenSaid(t time.Time) string { return i18n.DayTime(i18n.Current(), t.UTC()) + " UTC" }

// outcomeSaid says what happened to a delivery: "The last SMS (1 Dec 09:41
// UTC) was undelivered (30003). The handset could not be reached (...)."
// what is already in the agent's language.
func outcomeSaid(what string, d *data.Delivery) string {
	m := i18n.M{"What": what, "When": whenSaid(d.RequestedAt), "Status": statusSaid(d), "Error": d.ProviderError}
	var s string
	if d.ProviderError != "" {
		s = i18n.X("cases.suggest.outcome_error", "{{.What}} ({{.When}}) {{.Status}} ({{.Error}}).", m)
	} else {
		s = i18n.X("cases.suggest.outcome", "{{.What}} ({{.When}}) {{.Status}}.", m)
	}
	if pe, ok := data.ProviderErrors[d.ProviderError]; ok {
		// The provider errors' meanings are data's, in English.
		return s + " " + pe.Meaning
	}
	if d.ProviderError != "" {
		return s + " " + i18n.X("cases.suggest.provider_error", "The provider reported error {{.Code}}.", i18n.M{"Code": d.ProviderError})
	}
	return s
}

// statusSaid is what became of a delivery: "bounced", "is still queued".
func statusSaid(d *data.Delivery) string {
	if d.ProviderError == data.ProviderEmailDeferred {
		return i18n.X("cases.suggest.was_deferred", "was deferred")
	}
	switch d.Status {
	case data.StatusBounced:
		return i18n.X("cases.suggest.bounced", "bounced")
	case data.StatusFailed:
		return i18n.X("cases.suggest.failed", "failed")
	case data.StatusQueued:
		return i18n.X("cases.suggest.still_queued", "is still queued")
	case "":
		return i18n.X("cases.suggest.no_status", "has no status")
	}
	return i18n.X("cases.suggest.was_status", "was {{.Status}}", i18n.M{"Status": statusWord(d.Status)})
}

// statusWord is a delivery status in words; the code itself in English.
func statusWord(status string) string {
	switch status {
	case data.StatusQueued:
		return i18n.X("cases.suggest.status.queued", "queued")
	case data.StatusSent:
		return i18n.X("cases.suggest.status.sent", "sent")
	case data.StatusDelivered:
		return i18n.X("cases.suggest.status.delivered", "delivered")
	case data.StatusUndelivered:
		return i18n.X("cases.suggest.status.undelivered", "undelivered")
	case data.StatusFailed:
		return i18n.X("cases.suggest.status.failed", "failed")
	case data.StatusBounced:
		return i18n.X("cases.suggest.status.bounced", "bounced")
	}
	return status
}

// minutesSaid is a wait: "12 minutes", "2.5 hours".
func minutesSaid(d time.Duration) string {
	m := int(d.Round(time.Minute).Minutes())
	switch {
	case d < time.Minute:
		return i18n.XN("cases.suggest.seconds", "{{.Count}} seconds", int(d.Seconds()))
	case m < 120:
		return i18n.XN("cases.suggest.minutes", "{{.Count}} minutes", m)
	}
	hours := fmt.Sprintf("%.1f", d.Hours())
	if i18n.Current() == i18n.Russian {
		hours = strings.Replace(hours, ".", ",", 1)
	}
	return i18n.X("cases.suggest.hours", "{{.Hours}} hours", i18n.M{"Hours": hours})
}

// daysAgoSaid is how long ago t was, in days: "today", "3 days ago".
func daysAgoSaid(t, now time.Time) string {
	d := int(now.Sub(t).Hours() / 24)
	if d <= 0 {
		return i18n.X("cases.suggest.today", "today")
	}
	return i18n.XN("cases.suggest.days_ago", "{{.Count}} days ago", d)
}

// placeSaid is where a sign-in was placed: "Barcelona, Spain"; the city and
// country are the location database's.
func placeSaid(l geo.Location) string {
	switch {
	case l.City != "" && l.Country != "":
		return l.City + ", " + l.Country
	case l.Country != "":
		return l.Country
	case l.IP != "":
		return l.IP
	}
	return i18n.X("cases.suggest.unknown_place", "an unknown place")
}

// deviceSaid names a sign-in's device: "Lena's iPhone (iPhone 15)".
func deviceSaid(e *logins.Event) string {
	if w := deviceWords(e); e.DeviceName != "" || e.DeviceModel != "" {
		return w
	}
	return i18n.X("cases.suggest.unnamed_device", "an unnamed device")
}

// flagsSaid says why a sign-in stands out: "new country, impossible travel
// (9,800 km/h)".
func flagsSaid(e *logins.Event) string {
	f := words.LoginFlags(*e)
	if e.ImpossibleTravel {
		f = i18n.X("cases.suggest.flags_speed", "{{.Flags}} ({{.Speed}} km/h)", i18n.M{"Flags": f, "Speed": words.Thousands(e.SpeedKMH)})
	}
	return f
}

// joinAndSaid joins items with "and": "SMS, email and app notification".
func joinAndSaid(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return i18n.X("cases.suggest.and", "{{.Items}} and {{.Last}}",
		i18n.M{"Items": strings.Join(items[:len(items)-1], words.ListSeparator(i18n.Current())), "Last": items[len(items)-1]})
}
