package backend

import (
	"context"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"verifydesk/data"
)

// Message is one code or notice handed to a Provider.
type Message struct {
	ID          string // delivery id
	AccountID   string
	Channel     string // data.ChannelSMS, ChannelEmail or ChannelAppPush
	Destination string // number as stored, email address, or trusted-device id
	Sender      string
	Purpose     string
	Text        string // the message, code included; never logged
	// NotificationsAllowed is, for app_push, whether the target device allows
	// notifications for the app (what a push service would find out).
	NotificationsAllowed bool
}

// Outcome is what the provider reported about a message.
type Outcome struct {
	Status         string // data.Status*
	ProviderError  string // data.Provider* code, empty on success
	NetworkReached string // the mobile network the SMS reached, when reported
	At             time.Time
}

// Provider sends codes and notices. A real SMS gateway, mail service or push
// service implements it; Send must not panic and must honour ctx.
type Provider interface {
	Send(ctx context.Context, msg Message) Outcome
}

// SimulatedProvider decides outcomes from the destination so the demo shows the
// failures of SPEC section 3. Scripted destinations take a fixed outcome; other
// numbers are classified with libphonenumber (VoIP refused, landline refused,
// invalid numbers unknown); everything else is delivered.
type SimulatedProvider struct {
	now      func() time.Time
	scripted map[string]Outcome
}

// NewSimulatedProvider returns the demo provider; now stamps outcomes.
func NewSimulatedProvider(now func() time.Time) *SimulatedProvider {
	if now == nil {
		now = time.Now
	}
	return &SimulatedProvider{now: now, scripted: scriptedOutcomes()}
}

// scriptedOutcomes are the demo destinations whose outcome the story needs.
func scriptedOutcomes() map[string]Outcome {
	return map[string]Outcome{
		"+447911123456":              {Status: data.StatusUndelivered, ProviderError: data.ProviderUnreachable},
		"+919876543210":              {Status: data.StatusUndelivered, ProviderError: data.ProviderCarrierFiltered, NetworkReached: "Airtel"},
		"+8613812345678":             {Status: data.StatusUndelivered, ProviderError: data.ProviderUnknownError, NetworkReached: "China Mobile"},
		"+491701234567":              {Status: data.StatusDelivered, NetworkReached: "Vodafone"}, // ported from T-Mobile
		"rafael.souza@example.net":   {Status: data.StatusBounced, ProviderError: data.ProviderEmailBounced},
		"yuki.tanaka@example.jp":     {Status: data.StatusSent, ProviderError: data.ProviderEmailDeferred},
		"suspended.line@example.org": {Status: data.StatusBounced, ProviderError: data.ProviderEmailBounced},
	}
}

// Send implements Provider.
func (p *SimulatedProvider) Send(ctx context.Context, msg Message) Outcome {
	at := p.now().UTC()
	if ctx.Err() != nil {
		return Outcome{Status: data.StatusFailed, ProviderError: data.ProviderUnknownError, At: at}
	}
	o := simulate(msg, p.scripted)
	o.At = at
	return o
}

func simulate(msg Message, scripted map[string]Outcome) Outcome {
	switch msg.Channel {
	case data.ChannelAppPush:
		if msg.Destination == "" {
			return Outcome{Status: data.StatusFailed, ProviderError: data.ProviderPushNoDevice}
		}
		if !msg.NotificationsAllowed {
			return Outcome{Status: data.StatusFailed, ProviderError: data.ProviderPushNotifDisabled}
		}
		return Outcome{Status: data.StatusDelivered}
	case data.ChannelEmail:
		if o, ok := scripted[normEmail(msg.Destination)]; ok {
			return o
		}
		return Outcome{Status: data.StatusDelivered}
	case data.ChannelSMS:
		if o, ok := scripted[msg.Destination]; ok {
			return o
		}
		// Carriers do not route the trunk-0 form (+8860936...): unknown number.
		if phoneForm(msg.Destination) == data.FormTrunk0 {
			return Outcome{Status: data.StatusUndelivered, ProviderError: data.ProviderUnknownNumber}
		}
		n, err := phonenumbers.Parse(msg.Destination, "")
		if err != nil || !phonenumbers.IsValidNumber(n) {
			return Outcome{Status: data.StatusUndelivered, ProviderError: data.ProviderUnknownNumber}
		}
		switch phonenumbers.GetNumberType(n) {
		case phonenumbers.VOIP:
			return Outcome{Status: data.StatusFailed, ProviderError: data.ProviderVoIPRefused}
		case phonenumbers.FIXED_LINE:
			return Outcome{Status: data.StatusFailed, ProviderError: data.ProviderLandline}
		}
		carrier, _ := phonenumbers.GetCarrierForNumber(n, "en")
		return Outcome{Status: data.StatusDelivered, NetworkReached: carrier}
	}
	return Outcome{Status: data.StatusFailed, ProviderError: data.ProviderUnknownError}
}

// smsRefusal says why SMS cannot work for a number at all (VoIP, landline or
// not a valid number), or "" when it can be tried. Checked before sending so
// the agent gets a 422 with the reason instead of a doomed delivery.
func smsRefusal(phone string) (providerCode, reason string) {
	n, err := phonenumbers.Parse(phone, "")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", ""
	}
	switch phonenumbers.GetNumberType(n) {
	case phonenumbers.VOIP:
		return data.ProviderVoIPRefused, "the number is a virtual (VoIP) number, which cannot receive verification codes"
	case phonenumbers.FIXED_LINE:
		return data.ProviderLandline, "the number is a landline, which cannot receive SMS"
	case phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.PAGER, phonenumbers.UAN, phonenumbers.VOICEMAIL:
		return data.ProviderLandline, "the number is not a mobile number and cannot receive SMS"
	}
	return "", ""
}

// EmailSender is the address every code and notice email comes from; customers
// allow-list it (help page: add no-reply@email.tp-link.com to safe senders).
const EmailSender = "no-reply@email.tp-link.com"

// smsSenders are the SMS originators per region of the destination: a short
// code where carriers require one, an alphanumeric sender id elsewhere.
var smsSenders = map[string]struct{ sender, kind string }{
	"US": {"87022", "short_code"},
	"CA": {"87022", "short_code"},
	"CN": {"1069012345678", "short_code"},
	"BR": {"28930", "short_code"},
	"IN": {"TPLINK", "sender_id"},
	"GB": {"TP-Link", "sender_id"},
	"GG": {"TP-Link", "sender_id"},
	"DE": {"TP-Link", "sender_id"},
	"JP": {"TP-Link", "sender_id"},
	"TW": {"TP-Link", "sender_id"},
}

// senderFor is the sender the customer should look for (and must not block).
func senderFor(channel, destination, app string) (sender, kind string) {
	switch channel {
	case data.ChannelEmail:
		return EmailSender, "email"
	case data.ChannelAppPush:
		if app == "" {
			app = data.AppTapo
		}
		return app + " app", "app"
	}
	if s, ok := smsSenders[phoneRegion(destination)]; ok {
		return s.sender, s.kind
	}
	return "TP-Link", "sender_id"
}

// messageText is the message a customer receives.
func messageText(app, purpose, code string) string {
	if app == "" {
		app = data.AppTapo
	}
	if purpose == data.PurposeSecurityNotice {
		return "[" + app + "] A support agent made a change to your account's security settings. If this was not you, reset your password."
	}
	if purpose == data.PurposeIdentityCheck {
		// The one code the customer reads out: to the support agent on the
		// call they are in, and to no one who calls them.
		return "[" + app + "] Your support check code is " + code + ". Read it only to the support agent on the call you started with us. We never call you to ask for it. It expires in 15 minutes."
	}
	what := strings.ReplaceAll(purpose, "_", " ")
	return "[" + app + "] Your verification code is " + code + " (" + what + "). It expires in 15 minutes. Never share it."
}
