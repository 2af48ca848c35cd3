package data

import "verifydesk/services/i18n"

// Provider error codes a delivery can carry. SMS codes follow the numbering that
// SMS gateways commonly report (Twilio's 3000x family); email and push have codes
// of their own.
const (
	ProviderUnreachable       = "30003" // handset off, out of coverage, or roaming without SMS
	ProviderUnknownNumber     = "30005" // the number does not exist on the network
	ProviderLandline          = "30006" // landline or a carrier that cannot take SMS
	ProviderCarrierFiltered   = "30007" // the carrier filtered the message as spam
	ProviderUnknownError      = "30008" // the carrier gave no reason
	ProviderVoIPRefused       = "21614" // refused before sending: not a mobile number (VoIP)
	ProviderEmailBounced      = "5.1.1" // mailbox does not exist (hard bounce)
	ProviderEmailDeferred     = "4.2.2" // mailbox full or greylisted (soft bounce)
	ProviderPushNotifDisabled = "push_notifications_off"
	ProviderPushNoDevice      = "push_no_trusted_device"
)

// ProviderError explains a provider error code to an agent: what it means and what
// the customer can do, in words from the help pages. Meaning and Advice are
// English keys: a screen shows them with i18n.T, or in the customer's
// language with the customer's localizer.
type ProviderError struct {
	Code    string
	Meaning string
	Advice  string
}

// ProviderErrors maps every code the simulated and real providers report.
var ProviderErrors = map[string]ProviderError{
	ProviderUnreachable: {ProviderUnreachable, i18n.Mark("The handset could not be reached (switched off, no signal, or roaming without SMS)."),
		i18n.Mark("Ask the customer to check the signal (at least two bars, not in airplane mode), restart the phone, and wait 5-10 minutes before asking for a new code. If they are roaming, their carrier may not pass SMS.")},
	ProviderUnknownNumber: {ProviderUnknownNumber, i18n.Mark("The carrier says this number does not exist."),
		i18n.Mark("Check the number and country code with the customer (Phone check tab). A recently ported number can take a day to work again.")},
	ProviderLandline: {ProviderLandline, i18n.Mark("The number is a landline or on a network that cannot receive SMS."),
		i18n.Mark("The customer needs a mobile number, or can sign in with email instead.")},
	ProviderCarrierFiltered: {ProviderCarrierFiltered, i18n.Mark("The customer's carrier filtered the message as spam."),
		i18n.Mark("Ask the customer to check spam and blocked-sender lists and security apps for messages from the short code, and to ask their carrier to allow messages from short numbers and enterprise senders.")},
	ProviderUnknownError: {ProviderUnknownError, i18n.Mark("The carrier gave no reason."),
		i18n.Mark("Wait 5-10 minutes, then resend once. If it fails again, ask the customer to contact their carrier to confirm SMS service is active.")},
	ProviderVoIPRefused: {ProviderVoIPRefused, i18n.Mark("Not sent: the number is a virtual (VoIP) number, which is not supported for security."),
		i18n.Mark("Ask the customer for a mobile number, or to register with their email address instead.")},
	ProviderEmailBounced: {ProviderEmailBounced, i18n.Mark("The email bounced: the mailbox does not exist."),
		i18n.Mark("Confirm the email address on file with the customer; it may be mistyped or closed.")},
	ProviderEmailDeferred: {ProviderEmailDeferred, i18n.Mark("The receiving mail server deferred the email (mailbox full or greylisting)."),
		i18n.Mark("Ask the customer to check Spam/Junk, make room in the mailbox, and add the sender to safe senders.")},
	ProviderPushNotifDisabled: {ProviderPushNotifDisabled, i18n.Mark("The trusted device refused the notification: notifications are turned off for the app."),
		i18n.Mark("Ask the customer to allow notifications for the app on the trusted device and update the app, or send the code by email instead.")},
	ProviderPushNoDevice: {ProviderPushNoDevice, i18n.Mark("There is no trusted device to notify."),
		i18n.Mark("Send the code by email instead.")},
}
