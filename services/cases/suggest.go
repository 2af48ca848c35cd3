package cases

import (
	"fmt"
	"strings"

	"verifydesk/data"
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
// clearly, and says why in a sentence for the agent. When nothing stands out it
// returns "" and a sentence saying so: the agent asks the customer. It is a
// suggestion; the agent can always choose another category.
func SuggestCategory(ev Evidence) (category, why string) {
	f := newFacts(ev)
	lock := ""
	if f.acct != nil && f.acct.Lock.Locked {
		lock = " The account is locked"
		if f.acct.Lock.Reason != "" {
			lock += " (" + f.acct.Lock.Reason + ")"
		}
		if f.acct.Lock.Until != nil {
			lock += " until " + when(*f.acct.Lock.Until)
		}
		lock += "."
	}
	for _, r := range rules {
		if why, ok := r.match(f); ok {
			return r.category, why + lock
		}
	}
	return "", "Nothing in the account's evidence points at one situation: ask the customer what happens." + lock
}

func matchNumberInvalid(f *facts) (string, bool) {
	if d := f.diag; d != nil && d.Worst() == phone.SeverityError {
		var msgs []string
		for _, fd := range d.Findings {
			if fd.Severity == phone.SeverityError {
				msgs = append(msgs, fd.Message)
			}
		}
		return "The phone check of what the customer typed finds: " + strings.Join(msgs, " "), true
	}
	// A refusal is a property of the number, not of the day: any age counts.
	if d := f.lastSMSEver; d != nil && (d.ProviderError == data.ProviderVoIPRefused || d.ProviderError == data.ProviderLandline) {
		return outcome("The last SMS", d), true
	}
	return "", false
}

func matchCodeNotRequested(f *facts) (string, bool) {
	if len(f.suspectCodes) == 0 {
		return "", false
	}
	c := f.suspectCodes[0]
	return fmt.Sprintf("%d code(s) reached the customer for sign-ins from %s in %s (%s), which is not a trusted device.",
		len(f.suspectCodes), deviceWords(c.ev), place(c.ev.Location), flagWords(f.suspects[deviceKey(c.ev)])), true
}

func matchTrunkZero(f *facts) (string, bool) {
	t := f.trunk0
	switch {
	case f.acct != nil && f.acct.PhoneStoredForm == data.FormTrunk0:
		why := "The number is stored with the trunk 0 after the country code"
		if t != nil {
			why += fmt.Sprintf("; codes to that form arrived %d of %d times in the last 30 days", t.Delivered, t.Sent)
		}
		return why + ".", true
	case f.lastSMS != nil && f.lastSMS.DestinationForm == data.FormTrunk0 && f.lastSMS.Failed():
		return fmt.Sprintf("The last SMS (%s) went to the number with the 0 kept after the country code and %s.", when(f.lastSMS.RequestedAt), statusPhrase(f.lastSMS)), true
	}
	return "", false
}

func matchPorted(f *facts) (string, bool) {
	if f.network == "" {
		return "", false
	}
	if c := f.plannedCarrier(); c != "" {
		if p := f.porting(c); p.Ported {
			return fmt.Sprintf("The SMS provider reached %s (%s), but the number was first given to %s: the number was ported.", p.Reached, when(f.networkAt), c), true
		}
	}
	if p := f.prevNetwork; p != nil {
		return fmt.Sprintf("The SMS provider reached %s until %s and %s since %s: the number moved to another network.",
			p.NetworkReached, when(p.RequestedAt), f.network, when(f.networkAt)), true
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
	return fmt.Sprintf("The last %d codes (%s) all failed, the newest at %s: another code is unlikely to help; offer another way in.",
		n, joinAnd(names), when(f.recent[0].RequestedAt)), true
}

func matchSMSNotArriving(f *facts) (string, bool) {
	if d := f.lastSMS; d != nil {
		switch {
		case d.Failed():
			return outcome("The last SMS", d), true
		case (d.Status == data.StatusSent || d.Status == data.StatusQueued) && f.now.Sub(d.RequestedAt) > pendingFor:
			return fmt.Sprintf("The last SMS (%s) is still %s, with no delivery report after %s.", when(d.RequestedAt), d.Status, minutes(f.now.Sub(d.RequestedAt))), true
		}
	}
	for _, l := range f.blocked {
		if l.Channel == data.ChannelSMS {
			next := ""
			if l.NextAllowedAt != nil {
				next = ": the next code can go at " + when(*l.NextAllowedAt)
			}
			return "The SMS send limit for " + l.DestinationMasked + " is reached" + next + ".", true
		}
	}
	return "", false
}

func matchEmailMissing(f *facts) (string, bool) {
	d := f.lastEmail
	if d == nil || (!d.Failed() && d.ProviderError == "") {
		return "", false
	}
	return outcome("The last email code", d), true
}

func matchPushMissing(f *facts) (string, bool) {
	if d := f.lastPush; d != nil && d.Failed() {
		return outcome("The last app notification to "+d.DestinationMasked, d), true
	}
	if f.acct == nil || f.acct.TwoFactor.Method != data.ChannelAppPush || len(f.devices) == 0 {
		return "", false
	}
	for _, d := range f.devices {
		if d.NotificationsAllowed {
			return "", false
		}
	}
	return "Two-step verification sends app notifications, and no trusted device allows them.", true
}

func matchStrangeLocation(f *facts) (string, bool) {
	if len(f.flagged) > 0 {
		e := f.flagged[0]
		return fmt.Sprintf("A sign-in of %s by %s is placed in %s (%s).", when(e.At), deviceWords(e), place(e.Location), flagWords(e)), true
	}
	if e := f.farMobile; e != nil {
		return fmt.Sprintf("A sign-in of %s on mobile data is placed in %s, %s km from the one before.", when(e.At), place(e.Location), words.Thousands(e.DistanceKM)), true
	}
	return "", false
}

func matchTwoFANotAvailable(f *facts) (string, bool) {
	if f.acct == nil || f.acct.TwoFactor.FeatureAvailable {
		return "", false
	}
	return "Two-step verification has not been rolled out to this " + f.acct.App + " account yet.", true
}

func matchLostDevice(f *facts) (string, bool) {
	if len(f.devices) < 2 || f.now.Sub(f.devices[0].LastSeenAt) > activeDevice {
		return "", false
	}
	for _, d := range f.devices[1:] {
		if f.now.Sub(d.LastSeenAt) >= staleDevice {
			return fmt.Sprintf("The trusted device %s was last seen %s while %s is in use: it may be lost.", d.Name, daysAgo(d.LastSeenAt, f.now), f.devices[0].Name), true
		}
	}
	return "", false
}
