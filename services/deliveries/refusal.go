package deliveries

import (
	"strings"

	"verifydesk/data"
	"verifydesk/services/i18n"
	"verifydesk/services/words"
)

// Why a channel cannot carry a code at all (Refusal.Reason). They mirror the
// backend's 422 channel_unavailable answers, so the console can say so before
// the agent presses Resend.
const (
	NoEmail          = "no_email"          // no email address on file
	NoPhone          = "no_phone"          // no phone number on file
	NotMobile        = "not_mobile"        // the provider refused SMS to the number: VoIP, landline, not a mobile
	NoTrustedDevice  = "no_trusted_device" // no trusted device to notify
	NotificationsOff = "notifications_off" // every trusted device has notifications off for the app
)

// Refusal is why one channel cannot carry a code to the account whatever the
// send limits say.
type Refusal struct {
	Channel string // data.ChannelSMS, data.ChannelEmail or data.ChannelAppPush
	Reason  string // NoEmail, NoPhone, NotMobile, NoTrustedDevice or NotificationsOff
	// Last is, for NotMobile, the newest SMS to the number on file: its
	// ProviderError (data.ProviderVoIPRefused or data.ProviderLandline) says
	// what the number is.
	Last data.Delivery
	// Devices are, for NotificationsOff, the names of the trusted devices.
	Devices []string
}

// notMobile are the provider errors that say the number itself can never
// take an SMS; the others (unreachable, filtered, unknown) may pass.
var notMobile = map[string]bool{data.ProviderVoIPRefused: true, data.ProviderLandline: true}

// EmailRefusal reports NoEmail when acct has no email address on file.
func EmailRefusal(acct data.Account) (Refusal, bool) {
	if acct.EmailMasked == "" {
		return Refusal{Channel: data.ChannelEmail, Reason: NoEmail}, true
	}
	return Refusal{}, false
}

// SMSRefusal reports NoPhone when acct has no phone number on file, and
// NotMobile when the newest SMS in dels to that number carries a provider
// error saying it is VoIP, a landline or not a mobile. Only the newest counts:
// an SMS that went through after a refusal shows the number works now.
//
// The log names numbers only masked: a new number with the same mask as a
// refused one (same country, length, first and last three digits) counts as
// refused until an SMS to it goes through; the backend's answer to a resend
// is the last word.
func SMSRefusal(acct data.Account, dels []data.Delivery) (Refusal, bool) {
	if acct.PhoneMasked == "" {
		return Refusal{Channel: data.ChannelSMS, Reason: NoPhone}, true
	}
	var last data.Delivery
	found := false
	for _, d := range dels {
		if d.Channel == data.ChannelSMS && d.DestinationMasked == acct.PhoneMasked &&
			(!found || d.RequestedAt.After(last.RequestedAt)) {
			last, found = d, true
		}
	}
	if notMobile[last.ProviderError] {
		return Refusal{Channel: data.ChannelSMS, Reason: NotMobile, Last: last}, true
	}
	return Refusal{}, false
}

// PushRefusal reports NoTrustedDevice when devices (all of the account's
// trusted devices) is empty, and NotificationsOff when none of them allows
// notifications for the app: the backend notifies only a device that does.
func PushRefusal(devices []data.TrustedDevice) (Refusal, bool) {
	if len(devices) == 0 {
		return Refusal{Channel: data.ChannelAppPush, Reason: NoTrustedDevice}, true
	}
	names := make([]string, 0, len(devices))
	for _, d := range devices {
		if d.NotificationsAllowed {
			return Refusal{}, false
		}
		names = append(names, d.Name)
	}
	return Refusal{Channel: data.ChannelAppPush, Reason: NotificationsOff, Devices: names}, true
}

// Why says why the channel cannot carry a code, for the agent, who may read
// it to the customer: "No trusted device: an app notification has nowhere to
// go." It is said in the language chosen when shown (i18n.Text).
func (r Refusal) Why() i18n.Text {
	switch r.Reason {
	case NoEmail:
		return i18n.XMsg("deliveries.refusal.no_email", "No email on file for this account: a code cannot go by email.")
	case NoPhone:
		return i18n.XMsg("deliveries.refusal.no_phone", "No phone number on file for this account: a code cannot go by SMS.")
	case NotMobile:
		if r.Last.ProviderError == data.ProviderVoIPRefused {
			return i18n.XMsg("deliveries.refusal.voip",
				"SMS cannot reach {{.To}}: the number is a virtual (VoIP) number, which cannot receive verification codes; the provider refused the last SMS to it.",
				i18n.M{"To": r.Last.DestinationMasked})
		}
		return i18n.XMsg("deliveries.refusal.not_mobile",
			"SMS cannot reach {{.To}}: the number is a landline or another number that cannot receive SMS; the provider refused the last SMS to it.",
			i18n.M{"To": r.Last.DestinationMasked})
	case NoTrustedDevice:
		return i18n.XMsg("deliveries.refusal.no_trusted_device", "No trusted device: an app notification has nowhere to go.")
	case NotificationsOff:
		return i18n.XMsg("deliveries.refusal.notifications_off",
			"Notifications are off on every trusted device ({{.Devices}}): an app notification cannot arrive.",
			i18n.M{"Devices": strings.Join(r.Devices, ", ")})
	}
	return i18n.XMsg("deliveries.refusal.other", "A code cannot go by {{.Channel}} to this account.",
		i18n.M{"Channel": channel(r.Channel)})
}

// Fix is what the customer can change so that the channel works ("have the
// customer allow notifications for the app on one of them"), a zero Text
// when nothing.
func (r Refusal) Fix() i18n.Text {
	switch r.Reason {
	case NotMobile:
		return i18n.XMsg("deliveries.fix.not_mobile", "have the customer change the number on the account to a mobile number")
	case NotificationsOff:
		return i18n.XMsg("deliveries.fix.notifications_off", "have the customer allow notifications for the app on one of them")
	}
	return i18n.Text{}
}

// Text says why the channel cannot carry a code and what the agent can do
// instead: send by the channels instead (data.ChannelEmail, ...; those that
// work), or what the customer can change.
func (r Refusal) Text(instead []string) i18n.Text {
	why, fix := r.Why(), r.Fix() // Texts: said in the language of the one they fill
	switch {
	case len(instead) > 0 && fix.Key != "":
		return i18n.XMsg("deliveries.refusal.instead_or_fix", "{{.Why}} Send the code by {{.Channels}} instead, or {{.Fix}}.",
			i18n.M{"Why": why, "Channels": channels(instead), "Fix": fix})
	case len(instead) > 0:
		return i18n.XMsg("deliveries.refusal.instead", "{{.Why}} Send the code by {{.Channels}} instead.",
			i18n.M{"Why": why, "Channels": channels(instead)})
	case fix.Key != "":
		return i18n.XMsg("deliveries.refusal.only_fix", "{{.Why}} No other channel can carry a code either: {{.Fix}}.",
			i18n.M{"Why": why, "Fix": fix})
	}
	return i18n.XMsg("deliveries.refusal.nothing", "{{.Why}} No other channel can carry a code either.", i18n.M{"Why": why})
}

// The words a Text's data holds that are words themselves (a channel, a
// list of channels, another Text) are said in the language the Text is shown
// in: each is an i18n.Localized, which i18n says in the text's language
// before it fills the template ({{.Channel}} in every language).

// channel is a channel in words: "app notification".
type channel string

func (c channel) String() string { return c.In(i18n.English) }

// In is the channel's name in lang.
func (c channel) In(lang i18n.Language) string { return words.MethodIn(lang, string(c)) }

// channels are channels one of which will do: "email or app notification".
type channels []string

func (cs channels) String() string { return cs.In(i18n.English) }

// In names the channels in lang.
func (cs channels) In(lang i18n.Language) string {
	l := i18n.In(lang)
	out := ""
	for i, c := range cs {
		if i == 0 {
			out = words.MethodIn(lang, c)
			continue
		}
		out = l.X("deliveries.or", "{{.Items}} or {{.Last}}", i18n.M{"Items": out, "Last": words.MethodIn(lang, c)})
	}
	return out
}
