package deliveries

import (
	"reflect"
	"testing"
	"time"

	"verifydesk/data"
)

func TestEmailRefusalWithoutEmailOnFile(t *testing.T) {
	if r, ok := EmailRefusal(data.Account{PhoneMasked: "+86 1** **** 678"}); !ok || r.Channel != data.ChannelEmail || r.Reason != NoEmail {
		t.Errorf("no email on file: %+v, %v", r, ok)
	}
	if r, ok := EmailRefusal(data.Account{EmailMasked: "h***@example.jp"}); ok {
		t.Errorf("an email on file is refused: %+v", r)
	}
}

func TestSMSRefusalFollowsTheNewestSMSToTheNumberOnFile(t *testing.T) {
	now := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)
	const voip, other = "+44 5*** *** 678", "+44 7*** *** 456"
	acct := data.Account{PhoneMasked: voip, EmailMasked: "h***@example.co.uk"}
	sms := func(id, to, perr string, ago time.Duration) data.Delivery {
		return data.Delivery{ID: id, Channel: data.ChannelSMS, DestinationMasked: to, Status: data.StatusFailed, ProviderError: perr, RequestedAt: now.Add(-ago)}
	}
	refused := sms("refused", voip, data.ProviderVoIPRefused, 50*time.Minute)
	for _, c := range []struct {
		name   string
		acct   data.Account
		dels   []data.Delivery
		reason string // "" when SMS can go
	}{
		{"no phone", data.Account{EmailMasked: "l***@example.com"}, nil, NoPhone},
		{"nothing sent yet", acct, nil, ""},
		{"VoIP refused", acct, []data.Delivery{refused, sms("old", voip, "", 21*24*time.Hour)}, NotMobile},
		// Oldest first: the order of the log does not matter, the times do.
		{"landline", acct, []data.Delivery{sms("old", voip, "", 2*time.Hour), sms("l", voip, data.ProviderLandline, time.Hour)}, NotMobile},
		{"went through since", acct, []data.Delivery{sms("ok", voip, "", 10*time.Minute), refused}, ""},
		{"a passing failure", acct, []data.Delivery{sms("u", voip, data.ProviderUnreachable, time.Minute), refused}, ""},
		{"another number", data.Account{PhoneMasked: other}, []data.Delivery{refused}, ""},
		{"an email is no SMS", acct, []data.Delivery{{Channel: data.ChannelEmail, DestinationMasked: voip, ProviderError: data.ProviderVoIPRefused, RequestedAt: now}}, ""},
	} {
		r, ok := SMSRefusal(c.acct, c.dels)
		if ok != (c.reason != "") || r.Reason != c.reason || ok && r.Channel != data.ChannelSMS {
			t.Errorf("%s: %+v, %v; want reason %q", c.name, r, ok, c.reason)
		}
		if c.reason == NotMobile && r.Last.ProviderError == "" {
			t.Errorf("%s: the refusal does not carry the refused delivery: %+v", c.name, r)
		}
	}
}

func TestPushRefusalNeedsADeviceAllowingNotifications(t *testing.T) {
	pixel := data.TrustedDevice{ID: "dv_1", Name: "Haruto's Pixel"}
	tablet := data.TrustedDevice{ID: "dv_2", Name: "Fire HD 10"}
	if r, ok := PushRefusal(nil); !ok || r.Reason != NoTrustedDevice || r.Channel != data.ChannelAppPush {
		t.Errorf("no device: %+v, %v", r, ok)
	}
	r, ok := PushRefusal([]data.TrustedDevice{pixel, tablet})
	if !ok || r.Reason != NotificationsOff || !reflect.DeepEqual(r.Devices, []string{"Haruto's Pixel", "Fire HD 10"}) {
		t.Errorf("notifications off on both: %+v, %v", r, ok)
	}
	tablet.NotificationsAllowed = true
	if r, ok := PushRefusal([]data.TrustedDevice{pixel, tablet}); ok {
		t.Errorf("one device allows notifications, still refused: %+v", r)
	}
}
