package cases

import (
	"strings"

	"verifydesk/data"
	"verifydesk/services/i18n"
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
			lock = i18n.L("The account is locked ({{.Reason}}) until {{.Until}}.", i18n.M{"Reason": l.Reason, "Until": whenIn(f.lc, *l.Until)})
		case l.Reason != "":
			lock = i18n.L("The account is locked ({{.Reason}}).", i18n.M{"Reason": l.Reason})
		case l.Until != nil:
			lock = i18n.L("The account is locked until {{.Until}}.", i18n.M{"Until": whenIn(f.lc, *l.Until)})
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
		return outcomeIn(f.lc, lastSMS(f.lc), d), true
	}
	return "", false
}

func matchCodeNotRequested(f *facts) (string, bool) {
	if len(f.suspectCodes) == 0 {
		return "", false
	}
	c := f.suspectCodes[0]
	return i18n.N("{{.Count}} code(s) reached the customer for sign-ins from {{.Device}} in {{.Place}} ({{.Flags}}), which is not a trusted device.",
		len(f.suspectCodes), i18n.M{"Device": deviceWordsIn(f.lc, c.ev), "Place": placeIn(f.lc, c.ev.Location), "Flags": flagWordsIn(f.lc, f.suspects[deviceKey(c.ev)])}), true
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
			i18n.M{"When": whenIn(f.lc, f.lastSMS.RequestedAt), "Status": statusPhraseIn(f.lc, f.lastSMS)}), true
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
				i18n.M{"Network": p.Reached, "When": whenIn(f.lc, f.networkAt), "Carrier": c}), true
		}
	}
	if p := f.prevNetwork; p != nil {
		return i18n.L("The SMS provider reached {{.Before}} until {{.Until}} and {{.Network}} since {{.Since}}: the number moved to another network.",
			i18n.M{"Before": p.NetworkReached, "Until": whenIn(f.lc, p.RequestedAt), "Network": f.network, "Since": whenIn(f.lc, f.networkAt)}), true
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
			names = append(names, words.MethodIn(f.lc.Language(), d.Channel))
		}
	}
	return i18n.N("The last {{.Count}} codes ({{.Channels}}) all failed, the newest at {{.When}}: another code is unlikely to help; offer another way in.",
		n, i18n.M{"Channels": joinAndIn(f.lc, names), "When": whenIn(f.lc, f.recent[0].RequestedAt)}), true
}

func matchSMSNotArriving(f *facts) (string, bool) {
	if d := f.lastSMS; d != nil {
		switch {
		case d.Failed():
			return outcomeIn(f.lc, lastSMS(f.lc), d), true
		case (d.Status == data.StatusSent || d.Status == data.StatusQueued) && f.now.Sub(d.RequestedAt) > pendingFor:
			return i18n.L("The last SMS ({{.When}}) is still {{.Status}}, with no delivery report after {{.Wait}}.",
				i18n.M{"When": whenIn(f.lc, d.RequestedAt), "Status": words.DeliveryStatus(d.Status), "Wait": minutesIn(f.lc, f.now.Sub(d.RequestedAt))}), true
		}
	}
	for _, l := range f.blocked {
		if l.Channel == data.ChannelSMS {
			if l.NextAllowedAt != nil {
				return i18n.L("The SMS send limit for {{.To}} is reached: the next code can go at {{.When}}.",
					i18n.M{"To": l.DestinationMasked, "When": whenIn(f.lc, *l.NextAllowedAt)}), true
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
	return outcomeIn(f.lc, i18n.X("cases.suggest.last_email", "The last email code"), d), true
}

func matchPushMissing(f *facts) (string, bool) {
	if d := f.lastPush; d != nil && d.Failed() {
		return outcomeIn(f.lc, i18n.X("cases.suggest.last_push", "The last app notification to {{.To}}", i18n.M{"To": d.DestinationMasked}), d), true
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
			i18n.M{"When": whenIn(f.lc, e.At), "Device": deviceWordsIn(f.lc, e), "Place": placeIn(f.lc, e.Location), "Flags": flagWordsIn(f.lc, e)}), true
	}
	if e := f.farMobile; e != nil {
		return i18n.L("A sign-in of {{.When}} on mobile data is placed in {{.Place}}, {{.Distance}} km from the one before.",
			i18n.M{"When": whenIn(f.lc, e.At), "Place": placeIn(f.lc, e.Location), "Distance": i18n.Number(f.lc.Language(), e.DistanceKM)}), true
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
				i18n.M{"Device": d.Name, "Ago": daysAgoIn(f.lc, d.LastSeenAt, f.now), "InUse": f.devices[0].Name}), true
		}
	}
	return "", false
}
