package backend

import (
	"fmt"
	"math/rand/v2"
	"time"

	"verifydesk/data"
)

// history is the made-up past of one account: login events and deliveries.
type history struct {
	logins     []data.LoginEvent
	deliveries []deliveryRec
}

// userAgent is what the app reports for a device.
func userAgent(app string, d data.TrustedDevice) string {
	return fmt.Sprintf("%s/%s (%s; %s)", app, d.AppVersion, d.Model, d.OS)
}

// backgroundHistory makes a routine past for an account between from and to:
// sign-ins every few days from its devices at home IPs (trusted devices skip the
// second step; now and then a new-device code), and the codes those needed,
// all delivered. ids are prefixed so reseeding rewrites the same keys.
func backgroundHistory(rng *rand.Rand, a *accountRec, homeIPs []string, from, to time.Time, idPrefix string) history {
	var h history
	if len(a.Devices) == 0 || len(homeIPs) == 0 {
		return h
	}
	n := 0
	for t := from.Add(time.Duration(rng.IntN(48)) * time.Hour); t.Before(to); t = t.Add(time.Duration(36+rng.IntN(72)) * time.Hour) {
		dev := a.Devices[rng.IntN(len(a.Devices))].TrustedDevice
		ip := homeIPs[rng.IntN(len(homeIPs))]
		n++
		ev := data.LoginEvent{ID: fmt.Sprintf("%s_le%d", idPrefix, n), At: t, DeviceID: dev.ID, DeviceName: dev.Name,
			DeviceModel: dev.Model, IP: ip, UserAgent: userAgent(a.App, dev), Outcome: data.OutcomePasswordOK}
		h.logins = append(h.logins, ev)
		second := data.LoginEvent(ev)
		second.ID += "b"
		second.At = t.Add(2 * time.Second)
		switch {
		case rng.IntN(12) == 0 && a.TwoFactor.Enabled:
			// A reinstall: the device had to verify again with a code.
			second.Outcome = data.Outcome2FASent
			h.logins = append(h.logins, second)
			if d, ok := routineDelivery(a, t.Add(3*time.Second), fmt.Sprintf("%s_dl%d", idPrefix, n), second.ID, ip); ok {
				h.deliveries = append(h.deliveries, d)
			}
			passed := second
			passed.ID += "c"
			passed.At = t.Add(70 * time.Second)
			passed.Outcome = data.Outcome2FAPassed
			h.logins = append(h.logins, passed)
		case a.TwoFactor.Enabled:
			second.Outcome = data.Outcome2FASkipped
			h.logins = append(h.logins, second)
		}
		if rng.IntN(15) == 0 {
			// A forgotten password now and then: a reset code.
			if d, ok := routineDelivery(a, t.Add(-time.Hour), fmt.Sprintf("%s_rp%d", idPrefix, n), "", ip); ok {
				d.Purpose = data.PurposeResetPassword
				h.deliveries = append(h.deliveries, d)
			}
		}
	}
	return h
}

// routineDelivery is a code the account's usual second step sent and that arrived.
func routineDelivery(a *accountRec, at time.Time, id, loginID, ip string) (deliveryRec, bool) {
	ch, dest, masked := "", "", ""
	switch {
	case a.TwoFactor.Method == data.ChannelEmail && a.Email != "":
		ch, dest, masked = data.ChannelEmail, a.Email, maskEmail(a.Email)
	case a.TwoFactor.Method == data.ChannelAppPush && len(a.Devices) > 0:
		ch, dest, masked = data.ChannelAppPush, a.Devices[0].ID, a.Devices[0].Name
	case a.Phone != "":
		if code, _ := smsRefusal(a.Phone); code != "" {
			if a.Email == "" {
				return deliveryRec{}, false
			}
			ch, dest, masked = data.ChannelEmail, a.Email, maskEmail(a.Email)
		} else {
			ch, dest, masked = data.ChannelSMS, e164Of(a.Phone), maskPhone(e164Of(a.Phone))
		}
	case a.Email != "":
		ch, dest, masked = data.ChannelEmail, a.Email, maskEmail(a.Email)
	default:
		return deliveryRec{}, false
	}
	sender, kind := senderFor(ch, dest, a.App)
	d := deliveryRec{Delivery: data.Delivery{
		ID: id, AccountID: a.ID, Channel: ch, DestinationMasked: masked, Sender: sender, SenderKind: kind,
		Purpose: data.PurposeNewDevice, RequestedAt: at, RequestedBy: data.RequesterUser, Status: data.StatusDelivered,
		StatusAt: at.Add(4 * time.Second), LoginEventID: loginID, RequestIP: ip,
	}, Destination: dest, Unverified: unverifiedTo(a, ch)}
	// A code for a device's second step: the step passed 67 seconds later.
	d.Followed, d.Converted = loginID != "", loginID != ""
	if ch == data.ChannelSMS {
		d.DestinationForm = data.FormE164
		d.NetworkReached = simulate(Message{Channel: ch, Destination: dest}, nil).NetworkReached
	}
	return d, true
}

// e164Of strips a trunk 0 kept after the country code.
func e164Of(p string) string {
	if phoneForm(p) == data.FormTrunk0 {
		return trunkVariant(p)
	}
	return p
}
