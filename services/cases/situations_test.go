package cases_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/client"
)

// The six situations of the help pages, each from the demo account that plays
// it, searched the way an agent would. Times in reasons come from the demo's
// story (demo.go), relative to the frozen backend clock.

// Seed 000, scenario 1: the SMS code never arrives. The GB customer is
// roaming in Spain; the handset cannot be reached.
func TestSituationCodeNeverArrives(t *testing.T) {
	d := newDemo(t)
	ev := d.evidence(client.AccountQuery{Phone: "+447911123456"}, nil)
	suggests(t, ev, cases.CategorySMSNotArriving, "undelivered", data.ProviderUnreachable)

	steps := checklist(t, cases.CategorySMSNotArriving, ev)
	last := d.now.Add(-9 * time.Minute)
	expect(t, steps, "sms.signal", cases.StateTodo, cases.FindingCause, "could not be reached", stamp(last))
	// Three codes 19 and 17 minutes apart, none arrived: waiting was tried.
	expect(t, steps, "sms.wait", cases.StateFailed, cases.FindingTried, "3 codes", "17 minutes", "19 minutes")
	expect(t, steps, "sms.spam_filter", cases.StateTodo, cases.FindingHint, "the sender name TP-Link")
	expect(t, steps, "sms.line_status", cases.StateTodo, cases.FindingCause, "roaming", "Barcelona, Spain", "United Kingdom")
	expect(t, steps, "sms.restart", cases.StateTodo, "")
	expect(t, steps, "sms.fallback", cases.StateTodo, cases.FindingHint, "a password", "Google")
	// Older codes to the same number arrived: the number itself is right.
	expect(t, steps, "sms.country_code", cases.StateDone, cases.FindingRuledOut, ev.Account.PhoneMasked)
}

// Seed 000 step 3 and 003 tip 3: a send limit hit by repeated requests.
func TestSituationSendLimit(t *testing.T) {
	d := newDemo(t)
	ev := d.evidence(client.AccountQuery{Phone: "+4915123456789"}, nil)
	suggests(t, ev, cases.CategorySMSNotArriving, "send limit")
	var next time.Time
	for _, l := range ev.Limits.Limits {
		if l.Blocked && l.NextAllowedAt != nil {
			next = *l.NextAllowedAt
		}
	}
	if next.IsZero() {
		t.Fatal("the demo account should be at its limit")
	}
	steps := checklist(t, cases.CategorySMSNotArriving, ev)
	expect(t, steps, "sms.wait", cases.StateTodo, cases.FindingCause, "5 of 5 this hour", stamp(next))
	expect(t, steps, "sms.signal", cases.StateDone, cases.FindingRuledOut, "delivered")
}

// Seed 000 scenario 2: the number is rejected. The customer typed a UK VoIP
// number with its trunk 0 and spaces.
func TestSituationNumberRejected(t *testing.T) {
	d := newDemo(t)
	ev := d.evidence(client.AccountQuery{Phone: "+445612345678"}, diag("GB", "056 1234 5678"))
	suggests(t, ev, cases.CategoryNumberInvalid, "VoIP")

	steps := checklist(t, cases.CategoryNumberInvalid, ev)
	expect(t, steps, "num.digits_only", cases.StateTodo, cases.FindingCause, "spaces")
	expect(t, steps, "num.no_country_code", cases.StateDone, cases.FindingRuledOut)
	expect(t, steps, "num.no_trunk_zero", cases.StateTodo, cases.FindingCause, "leading 0", "5612345678")
	expect(t, steps, "num.complete", cases.StateDone, cases.FindingRuledOut, "United Kingdom")
	expect(t, steps, "num.mobile_only", cases.StateTodo, cases.FindingCause, "VoIP")
	expect(t, steps, "num.email_instead", cases.StateTodo, cases.FindingHint, ev.Account.EmailMasked)

	// Without the phone check, the refusal in the delivery log says the same.
	ev.Diagnosis = nil
	suggests(t, ev, cases.CategoryNumberInvalid, data.ProviderVoIPRefused)
	steps = checklist(t, cases.CategoryNumberInvalid, ev)
	expect(t, steps, "num.mobile_only", cases.StateTodo, cases.FindingCause, "virtual (VoIP)")
	expect(t, steps, "num.digits_only", cases.StateTodo, "")
}

// Seed 003 tip 2: the Taiwanese number stored with its trunk 0.
func TestSituationTrunkZero(t *testing.T) {
	d := newDemo(t)
	ev := d.evidence(client.AccountQuery{Phone: "+886936123456"}, diag("TW", "0936 123 456"))
	suggests(t, ev, cases.CategoryTrunkZero, "trunk 0", "0 of 3")
	steps := checklist(t, cases.CategoryTrunkZero, ev)
	expect(t, steps, "trunk.other_form", cases.StateTodo, cases.FindingCause, "arrived 0 of 3 times", "arrived 1 of 1 times", "without the 0")
	expect(t, steps, "trunk.country_code", cases.StateDone, cases.FindingRuledOut, "Taiwan")
	expect(t, steps, "trunk.digits_only", cases.StateTodo, cases.FindingCause, "spaces")
}

// Seed 000, scenario 1 note: a recently ported number. The plan says
// T-Mobile; the provider reached Vodafone.
func TestSituationPorted(t *testing.T) {
	d := newDemo(t)
	ev := d.evidence(client.AccountQuery{ID: "acc_1007"}, diag("DE", "01701234567"))
	suggests(t, ev, cases.CategoryPortedOrRoaming, "Vodafone", "T-Mobile", "ported")
	steps := checklist(t, cases.CategoryPortedOrRoaming, ev)
	expect(t, steps, "port.wait_a_day", cases.StateTodo, cases.FindingCause, "first given to T-Mobile", "a day")
	expect(t, steps, "port.password", cases.StateTodo, cases.FindingHint, "password")

	// Without a phone check the history still shows the move.
	ev.Diagnosis = nil
	suggests(t, ev, cases.CategoryPortedOrRoaming, "until", "since")
}

// Seed 001 troubleshooting 1: the 2FA email code is missing; it bounced.
func TestSituationEmailCodeMissing(t *testing.T) {
	d := newDemo(t)
	ev := d.evidence(client.AccountQuery{ID: "acc_1008"}, nil)
	suggests(t, ev, cases.CategoryEmailCodeMissing, "bounced", data.ProviderEmailBounced)
	steps := checklist(t, cases.CategoryEmailCodeMissing, ev)
	expect(t, steps, "email.spam", cases.StateSkipped, cases.FindingNotApplicable, "not in Spam")
	expect(t, steps, "email.right_address", cases.StateTodo, cases.FindingCause, ev.Account.EmailMasked, "does not exist")
	expect(t, steps, "email.safe_sender", cases.StateTodo, cases.FindingHint, "no-reply@email.tp-link.com")
	expect(t, steps, "email.app_instead", cases.StateTodo, cases.FindingHint, "Rafael's Moto")
	expect(t, steps, "email.escalate", cases.StateTodo, "")

	// The deferred one (mailbox full) is worth the Spam/Junk look.
	ev = d.evidence(client.AccountQuery{ID: "acc_1009"}, nil)
	suggests(t, ev, cases.CategoryEmailCodeMissing, "deferred")
	steps = checklist(t, cases.CategoryEmailCodeMissing, ev)
	expect(t, steps, "email.spam", cases.StateTodo, cases.FindingCause, "deferred", "make room")
}

// Seed 001 troubleshooting 2: the app notification never came; notifications
// are off on the only trusted device, which runs an old app.
func TestSituationAppNotificationMissing(t *testing.T) {
	d := newDemo(t)
	ev := d.evidence(client.AccountQuery{ID: "acc_1010"}, nil)
	suggests(t, ev, cases.CategoryAppNotificationMissing, "Haruto's Pixel", data.ProviderPushNotifDisabled)
	steps := checklist(t, cases.CategoryAppNotificationMissing, ev)
	expect(t, steps, "push.permission", cases.StateTodo, cases.FindingCause, "Notifications are off", "Haruto's Pixel")
	expect(t, steps, "push.resend", cases.StateFailed, cases.FindingTried, "2 notifications")
	expect(t, steps, "push.online", cases.StateDone, cases.FindingRuledOut, "50 minutes ago")
	expect(t, steps, "push.update", cases.StateTodo, cases.FindingCause, "2.8.27", "3.5.020")
	expect(t, steps, "push.email", cases.StateTodo, cases.FindingHint, ev.Account.EmailMasked)
}

// Seed 001 troubleshooting 3: codes the customer never asked for, requested
// by an unknown phone in Lagos.
func TestSituationCodeNotRequested(t *testing.T) {
	d := newDemo(t)
	ev := d.evidence(client.AccountQuery{Phone: "+16502530000"}, nil)
	suggests(t, ev, cases.CategoryCodeNotRequested, "Galaxy A51", "Lagos, Nigeria", "not a trusted device")
	steps := checklist(t, cases.CategoryCodeNotRequested, ev)
	expect(t, steps, "unreq.find_request", cases.StateTodo, cases.FindingCause,
		"4 code(s)", "Emily's iPhone", "Lagos, Nigeria", "new device", "new country", "impossible travel", stamp(d.now.Add(-62*time.Minute+2*time.Second)))
	expect(t, steps, "unreq.reassure", cases.StateDone, cases.FindingRuledOut, "failed the second step 3 times", "did not get in")
	expect(t, steps, "unreq.trusted_devices", cases.StateTodo, cases.FindingHint, "is not among them", "Living room iPad")
	expect(t, steps, "unreq.change_password", cases.StateTodo, "")
}

// Seed 001 Q4: a strange location in the login activity. Two accounts: a
// password attack through a VPN exit, and mobile data placed far from home.
func TestSituationStrangeLocation(t *testing.T) {
	d := newDemo(t)
	ev := d.evidence(client.AccountQuery{ID: "acc_1012"}, nil)
	suggests(t, ev, cases.CategoryStrangeLocation, "Amsterdam, Netherlands", "new country", "locked")
	steps := checklist(t, cases.CategoryStrangeLocation, ev)
	expect(t, steps, "loc.ip_based", cases.StateTodo, cases.FindingCause, "hosting or VPN", "M247")
	expect(t, steps, "loc.recognise", cases.StateTodo, cases.FindingHint, "Unknown device", "Amsterdam")
	expect(t, steps, "loc.not_recognised", cases.StateDone, cases.FindingRuledOut, "blocked once")

	// Priya's codes are filtered by her carrier (the suggestion), but her
	// question is the login placed in Delhi: the agent picks the category.
	ev = d.evidence(client.AccountQuery{ID: "acc_1013"}, nil)
	suggests(t, ev, cases.CategorySMSNotArriving, data.ProviderCarrierFiltered)
	steps = checklist(t, cases.CategoryStrangeLocation, ev)
	expect(t, steps, "loc.ip_based", cases.StateTodo, cases.FindingHint, "mobile data", "Bharti Airtel", "Delhi, India", "km from the sign-in before")
	expect(t, steps, "loc.recognise", cases.StateTodo, cases.FindingHint, "Priya's Galaxy", "Delhi")
	expect(t, steps, "loc.not_recognised", cases.StateTodo, "")
}

// The other rows of SPEC section 3, one demo account each.
func TestSituationsOtherRows(t *testing.T) {
	d := newDemo(t)

	ev := d.evidence(client.AccountQuery{Email: "2fa.pending@example.com"}, nil)
	suggests(t, ev, cases.CategoryTwoFANotAvailable, "Kasa")
	expect(t, checklist(t, cases.CategoryTwoFANotAvailable, ev), "avail.rollout", cases.StateTodo, cases.FindingCause, "not been rolled out")

	ev = d.evidence(client.AccountQuery{ID: "acc_1011"}, nil)
	suggests(t, ev, cases.CategoryNoCodeWorks, "last 4 codes")
	steps := checklist(t, cases.CategoryNoCodeWorks, ev)
	expect(t, steps, "none.password", cases.StateTodo, cases.FindingHint, "password is set")
	expect(t, steps, "none.linked", cases.StateTodo, cases.FindingHint, "WeChat")
	expect(t, steps, "none.email", cases.StateSkipped, cases.FindingNotApplicable, "No email")

	ev = d.evidence(client.AccountQuery{ID: "acc_1014"}, nil)
	suggests(t, ev, cases.CategoryLostDevice, "Lucas's old Moto", "41 days ago")
	steps = checklist(t, cases.CategoryLostDevice, ev)
	expect(t, steps, "lost.find", cases.StateTodo, cases.FindingHint, "Lucas's old Moto", "203.0.113.55")
	expect(t, steps, "lost.keep_2fa", cases.StateDone, cases.FindingRuledOut, "on")

	ev = d.evidence(client.AccountQuery{ID: "acc_1015"}, nil)
	suggests(t, ev, cases.CategoryNumberInvalid, data.ProviderLandline)
}

// Escalation fills what the console knows from the account and the trusted
// device seen last; the escalation checklist says which of them are known.
func TestEscalationFromDemo(t *testing.T) {
	d := newDemo(t)
	ev := d.evidence(client.AccountQuery{ID: "acc_1010"}, nil)
	e := cases.Escalation(ev)
	want := cases.EscalationFields{Escalation: data.Escalation{Region: "JP", Phone: ev.Account.PhoneMasked, App: data.AppTapo,
		AppVersion: "2.8.27", PhoneModel: "Pixel 6", OSVersion: "Android 13"}, Account: ev.Account.EmailMasked}
	if e != want {
		t.Errorf("Escalation = %+v\nwant %+v", e, want)
	}
	if !strings.Contains(e.Phone, "*") || e.Account == "" || !strings.Contains(e.Account, "*") {
		t.Errorf("phone and email must come masked: %+v", e)
	}
	if got := e.Missing(cases.CategoryAppNotificationMissing); strings.Join(got, ",") != "settings_photos,steps_tried" {
		t.Errorf("Missing = %v", got)
	}
	steps := checklist(t, cases.CategoryEscalation, ev)
	expect(t, steps, "esc.region", cases.StateDone, cases.FindingRuledOut, "JP")
	expect(t, steps, "esc.os_version", cases.StateDone, cases.FindingRuledOut, "Android 13")
	expect(t, steps, "esc.app_logs", cases.StateTodo, "")
	expect(t, steps, "esc.steps_tried", cases.StateTodo, "")
}

// With nothing loaded (offline, or a case opened before the account), every
// function answers, says nothing it cannot know, and suggests nothing.
func TestEmptyEvidence(t *testing.T) {
	for _, ev := range []cases.Evidence{{}, {Now: testTime}, {Account: &data.Account{ID: "a", TwoFactor: data.TwoFactor{FeatureAvailable: true}}, Now: testTime}} {
		if cat, why := cases.SuggestCategory(ev); cat != "" || why == "" {
			t.Errorf("suggested %q (%s) from nothing", cat, why)
		}
		for _, c := range cases.Categories() {
			for _, s := range checklist(t, c.ID, ev) {
				if ev.Account == nil && (s.Prefilled() || s.State != cases.StateTodo) {
					t.Errorf("%s: pre-filled from nothing: %+v", s.ID, s)
				}
				if s.Prefilled() && s.Reason == "" {
					t.Errorf("%s: a finding without a reason", s.ID)
				}
			}
		}
		_ = cases.Escalation(ev)
	}
}

// The functions are pure: many goroutines on one evidence (run with -race).
func TestConcurrentUse(t *testing.T) {
	ev := syntheticEvidence(500)
	want, _ := cases.SuggestCategory(ev)
	done := make(chan string)
	for range 8 {
		go func() {
			cat, _ := cases.SuggestCategory(ev)
			for _, c := range cases.Categories() {
				if _, err := cases.NewChecklist(c.ID, ev); err != nil {
					cat = err.Error()
				}
			}
			_ = cases.Escalation(ev)
			done <- cat
		}()
	}
	for range 8 {
		if got := <-done; got != want {
			t.Errorf("concurrent SuggestCategory = %q, want %q", got, want)
		}
	}
}

// withHealth adds what the case asks of delivery health, as the console
// does (casework): the customer's country's SMS rows, and the row of the
// network their own SMS reached.
func (d *demo) withHealth(ev cases.Evidence) cases.Evidence {
	d.t.Helper()
	h, err := d.c.DeliveryHealth(ctx(d.t), client.HealthQuery{Channel: data.ChannelSMS, Country: ev.Account.PhoneRegion})
	if err != nil {
		d.t.Fatal(err)
	}
	ev.Health = cases.NewNetworkHealth(h, cases.SMSNetwork(ev.Deliveries))
	return ev
}

// The seventh situation: the code never arrives while the customer's network
// is in an outage for everyone (the demo's JT, the last 40 minutes). The
// agent is led to the network, not to the six phone steps: those are marked
// not the cause, with the network's figures, and the email code is the way
// in. The case keeps the health it was decided on: its snapshot, read back,
// decides the same.
func TestSituationCodeNeverArrivesDuringAnOutage(t *testing.T) {
	d := newDemo(t)
	ev := d.withHealth(d.evidence(client.AccountQuery{Phone: "+447911123456"}, nil))
	if ev.Health == nil || ev.Health.Network != "JT" || !ev.Health.Reached || ev.Health.Verdict != data.VerdictOutage {
		t.Fatalf("health of the customer's network: %+v", ev.Health)
	}
	suggests(t, ev, cases.CategorySMSNotArriving, "SMS to JT (Guernsey) is in an outage", "usually 97%",
		"not the customer's phone", "by email", ev.Account.EmailMasked)

	steps := checklist(t, cases.CategorySMSNotArriving, ev)
	for _, id := range []string{"sms.signal", "sms.spam_filter", "sms.restart", "sms.line_status", "sms.carrier"} {
		expect(t, steps, id, cases.StateSkipped, cases.FindingNotTheCause, "Not the cause", "JT", "outage", "not this phone")
	}
	expect(t, steps, "sms.fallback", cases.StateTodo, cases.FindingCause, "by email", ev.Account.EmailMasked)
	// What the network does not change stays: three codes were already
	// waited for, and the number is right.
	expect(t, steps, "sms.wait", cases.StateFailed, cases.FindingTried, "3 codes")
	expect(t, steps, "sms.country_code", cases.StateDone, cases.FindingRuledOut)

	// The snapshot keeps the health: read back, the case decides the same.
	b, err := json.Marshal(cases.NewSnapshot(ev))
	if err != nil {
		t.Fatal(err)
	}
	var snap cases.Snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		t.Fatal(err)
	}
	if snap.DeliveryHealth == nil || snap.DeliveryHealth.Network != "JT" || snap.DeliveryHealth.Sent == 0 {
		t.Fatalf("the snapshot's health: %+v", snap.DeliveryHealth)
	}
	again := checklist(t, cases.CategorySMSNotArriving, snap.Evidence())
	expect(t, again, "sms.signal", cases.StateSkipped, cases.FindingNotTheCause, "JT")

	// Without the health (the backend could not say), the phone steps are
	// back: the case never invents an outage.
	ev.Health = nil
	expect(t, checklist(t, cases.CategorySMSNotArriving, ev), "sms.signal", cases.StateTodo, cases.FindingCause, "could not be reached")
}

// A network that delivers normally changes nothing: the phone steps stay.
func TestSituationNetworkNormalKeepsThePhoneSteps(t *testing.T) {
	d := newDemo(t)
	ev := d.evidence(client.AccountQuery{Phone: "+447911123456"}, nil)
	ev.Health = &cases.NetworkHealth{Channel: data.ChannelSMS, Country: "GG", Network: "JT", Reached: true, Verdict: data.VerdictNormal, Sent: 80, Delivered: 78}
	steps := checklist(t, cases.CategorySMSNotArriving, ev)
	expect(t, steps, "sms.signal", cases.StateTodo, cases.FindingCause, "could not be reached")
	expect(t, steps, "sms.restart", cases.StateTodo, "")
	suggests(t, ev, cases.CategorySMSNotArriving, "undelivered", data.ProviderUnreachable)
}

// The escalation package says what the case was decided on: the network's
// health, in its Markdown and its JSON.
func TestPackageKeepsTheHealth(t *testing.T) {
	d := newDemo(t)
	ev := d.withHealth(d.evidence(client.AccountQuery{Phone: "+447911123456"}, nil))
	steps := checklist(t, cases.CategorySMSNotArriving, ev)
	pkg := cases.NewPackage(data.Case{ID: "case-1", AccountID: ev.Account.ID, Category: cases.CategorySMSNotArriving}, steps, cases.Escalation(ev), cases.NewSnapshot(ev))
	md := string(cases.ExportMarkdown(pkg))
	if !strings.Contains(md, "Delivery health of the customer's network") || !strings.Contains(md, "SMS to JT (Guernsey) is in an outage") {
		t.Errorf("the Markdown does not say the health it was decided on:\n%s", md)
	}
	b, err := json.Marshal(pkg)
	if err != nil || !strings.Contains(string(b), `"delivery_health":{`) {
		t.Errorf("the JSON: %v", err)
	}
}
