package cases_test

import (
	"fmt"
	"testing"
	"time"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/geo"
	"verifydesk/services/logins"
	"verifydesk/services/phone"
)

// syntheticEvidence is an account with n deliveries over the last 90 days
// (SMS, email and app notifications, some failing), a login every few hours
// with a stranger abroad among them, two trusted devices and a phone check:
// every check has something to read.
func syntheticEvidence(n int) cases.Evidence {
	now := testTime
	acct := &data.Account{ID: "acc_bench", App: data.AppTapo, Name: "Bench Mark", Region: "GB", TimeZone: "Europe/London",
		PhoneMasked: "+44 7*** *** 456", PhoneRegion: "GB", PhoneVerified: true, PhoneStoredForm: data.FormE164,
		EmailMasked: "b***@example.com", EmailVerified: true, PasswordSet: true, LinkedLogins: []string{"google"},
		TwoFactor: data.TwoFactor{Enabled: true, Method: data.ChannelAppPush, FeatureAvailable: true}, TrustedDeviceCount: 2,
		CreatedAt: now.Add(-800 * 24 * time.Hour)}
	devs := []data.TrustedDevice{
		{ID: "dv_1", Name: "Phone", Model: "Pixel 8", OS: "Android 14", AppVersion: "3.4.510", NotificationsAllowed: false,
			AddedAt: now.Add(-400 * 24 * time.Hour), LastSeenAt: now.Add(-20 * time.Minute), LastIP: "198.51.100.44"},
		{ID: "dv_2", Name: "Tablet", Model: "Galaxy Tab", OS: "Android 13", AppVersion: "3.5.020", NotificationsAllowed: true,
			AddedAt: now.Add(-300 * 24 * time.Hour), LastSeenAt: now.Add(-50 * 24 * time.Hour), LastIP: "198.51.100.45"},
	}
	channels := []string{data.ChannelSMS, data.ChannelSMS, data.ChannelEmail, data.ChannelAppPush}
	dels := make([]data.Delivery, n)
	step := 90 * 24 * time.Hour / time.Duration(max(n, 1))
	for i := range dels {
		ch := channels[i%len(channels)]
		d := data.Delivery{ID: fmt.Sprintf("dl_%05d", i), AccountID: acct.ID, Channel: ch, Purpose: data.PurposeLogin,
			RequestedAt: now.Add(-time.Duration(i+1) * step), RequestedBy: data.RequesterUser, Status: data.StatusDelivered,
			LoginEventID: fmt.Sprintf("le_%05d", i/4)}
		switch ch {
		case data.ChannelSMS:
			d.DestinationMasked, d.DestinationForm, d.Sender, d.SenderKind, d.NetworkReached = "+44 7*** *** 456", data.FormE164, "TP-Link", "sender_id", "Vodafone"
			if i%7 == 0 {
				d.Status, d.ProviderError, d.NetworkReached = data.StatusUndelivered, data.ProviderUnreachable, ""
			}
		case data.ChannelEmail:
			d.DestinationMasked, d.Sender, d.SenderKind = "b***@example.com", "no-reply@email.tp-link.com", "email"
		case data.ChannelAppPush:
			d.DestinationMasked, d.Sender, d.SenderKind = "Phone", "Tapo app", "app"
			d.Status, d.ProviderError = data.StatusFailed, data.ProviderPushNotifDisabled
		}
		dels[i] = d
	}
	events := make([]data.LoginEvent, 0, n/4+3)
	for i := 0; i < n/4; i++ {
		events = append(events, data.LoginEvent{ID: fmt.Sprintf("le_%05d", i), At: now.Add(-time.Duration(4*i+1) * step), DeviceID: "dv_1",
			DeviceName: "Phone", DeviceModel: "Pixel 8", IP: "198.51.100.44", UserAgent: "Tapo/3.4.510 (Pixel 8; Android 14)", Outcome: data.OutcomePasswordOK})
	}
	for i, o := range []string{data.OutcomePasswordOK, data.Outcome2FASent, data.Outcome2FAFailed} {
		events = append(events, data.LoginEvent{ID: fmt.Sprintf("le_x%d", i), At: now.Add(-time.Duration(30-i) * time.Minute), DeviceID: "dv_x",
			DeviceName: "Galaxy A51", DeviceModel: "SM-A515F", IP: "203.0.113.7", UserAgent: "Tapo/3.4.300 (SM-A515F; Android 11)", Outcome: o})
	}
	// The stranger's sign-in asked for a code, and it reached the customer's
	// tablet: the help page's "a code I did not ask for".
	dels = append(dels, data.Delivery{ID: "dl_x", AccountID: acct.ID, Channel: data.ChannelAppPush, DestinationMasked: "Tablet",
		Sender: "Tapo app", SenderKind: "app", Purpose: data.PurposeNewDevice, RequestedAt: now.Add(-29 * time.Minute),
		RequestedBy: data.RequesterUser, Status: data.StatusDelivered, LoginEventID: "le_x1", RequestIP: "203.0.113.7"})
	loc, err := geo.OpenDemo()
	if err != nil {
		panic(err)
	}
	defer loc.Close()
	next := now.Add(50 * time.Minute)
	rl := &data.RateLimits{Limits: []data.DestinationLimits{{Channel: data.ChannelSMS, DestinationMasked: "+44 7*** *** 456", Purpose: data.PurposeLogin,
		Windows: []data.LimitWindow{{Window: "hour", Limit: 5, Used: 5, FreesAt: &next}}, Blocked: true, NextAllowedAt: &next}}}
	d := phone.Diagnose("GB", "07911 123456")
	return cases.Evidence{Account: acct, Deliveries: dels, Limits: rl, Devices: devs,
		Logins: logins.Analyze(events, loc, logins.Options{Now: now}), Diagnosis: &d, Now: now}
}

// BenchmarkSuggestAndChecklist10k is what opening a case costs on an account
// with a long history: the suggestion and the pre-filled checklist of the
// suggested category, over 10,000 deliveries and 2,500 logins.
func BenchmarkSuggestAndChecklist10k(b *testing.B) {
	ev := syntheticEvidence(10000)
	b.ReportAllocs()
	for b.Loop() {
		cat, _ := cases.SuggestCategory(ev)
		if _, err := cases.NewChecklist(cat, ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorScan10k is the floor beside it: one bare pass over the same
// deliveries and logins, reading what any analysis must read. The ratio of the
// two holds on a loaded machine; the absolute figures do not.
func BenchmarkFloorScan10k(b *testing.B) {
	ev := syntheticEvidence(10000)
	now := ev.Now
	var n int
	for b.Loop() {
		for i := range ev.Deliveries {
			d := &ev.Deliveries[i]
			if d.Failed() && now.Sub(d.RequestedAt) < 7*24*time.Hour {
				n++
			}
		}
		for i := range ev.Logins {
			if ev.Logins[i].NewCountry {
				n++
			}
		}
	}
	_ = n
}

// BenchmarkAllChecklists10k builds every category's checklist: the upper bound
// when the agent flips through the category picker.
func BenchmarkAllChecklists10k(b *testing.B) {
	ev := syntheticEvidence(10000)
	cats := cases.Categories()
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cats {
			if _, err := cases.NewChecklist(c.ID, ev); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// The synthetic account must exercise the checks, or the benchmark measures
// early returns.
func TestSyntheticEvidenceIsRich(t *testing.T) {
	ev := syntheticEvidence(10000)
	if cat, why := cases.SuggestCategory(ev); cat != cases.CategoryCodeNotRequested {
		t.Errorf("suggested %s (%s)", cat, why)
	}
	prefilled := 0
	for _, c := range cases.Categories() {
		steps, err := cases.NewChecklist(c.ID, ev)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range steps {
			if s.Prefilled() {
				prefilled++
			}
		}
	}
	if prefilled < 35 {
		t.Errorf("only %d pre-filled steps across the categories", prefilled)
	}
}
