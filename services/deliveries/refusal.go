package deliveries

import "verifydesk/data"

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
