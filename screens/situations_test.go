package screens

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/client"
)

// The six situations of the help pages (../shared/seeds), each walked the way
// an agent works the call: the search with what the caller says, what each
// tab shows on the way, and the action that resolves the call, checked on the
// backend. The call is recorded in a case, as the agent would.

// call is one customer's call: the console signed in as ana, with a cache.
type call struct {
	t    *testing.T
	u    *UI
	ws   *workspace
	win  fyne.Window
	url  string
	acct data.Account
	be   *client.Client // sam, the supervisor: reads what the backend holds
}

// takeCall signs ana in and searches what the caller gives, as typed.
func takeCall(t *testing.T, region, typed string) *call {
	t.Helper()
	srv := backendtest.New(t)
	u, w := newTestUI(t, srv)
	store, _ := openTestCache(t)
	useCache(u, store)
	u.SubmitSignIn()
	if u.work == nil {
		t.Fatalf("not signed in:\n%s", screenText(w.Content()))
	}
	search(t, u, region, typed)
	if u.work.account == nil {
		t.Fatalf("no account for %s %q; screen says:\n%s", region, typed, screenText(w.Content()))
	}
	be := client.New(srv.URL, client.Options{})
	if _, err := be.SignIn(context.Background(), "sam", "demo"); err != nil {
		t.Fatal(err)
	}
	return &call{t: t, u: u, ws: u.work, win: w, url: srv.URL, acct: *u.work.account, be: be}
}

// sees fails unless every want is in what the agent reads in o.
func (c *call) sees(where string, o fyne.CanvasObject, want ...string) string {
	c.t.Helper()
	s := screenText(o)
	for _, w := range want {
		if !strings.Contains(s, w) {
			c.t.Errorf("%s lacks %q:\n%s", where, w, s)
		}
	}
	return s
}

// open selects the tab of p, as a click on the tab bar does, and returns it.
func (c *call) open(p panel) fyne.CanvasObject {
	c.t.Helper()
	for i, q := range c.ws.panels {
		if q == p {
			c.ws.tabs.SelectIndex(i)
			return p.build()
		}
	}
	c.t.Fatalf("no tab %s", p.title())
	return nil
}

// header is what the account header says.
func (c *call) header(want ...string) {
	c.t.Helper()
	c.sees("the header", c.ws.header.build(), want...)
}

// failedDelivery selects the newest delivery that did not arrive and returns
// the explanation the agent reads.
func (c *call) failedDelivery(providerError string) string {
	c.t.Helper()
	codes := c.ws.codes
	for i, d := range codes.rows {
		if d.ProviderError == providerError {
			codes.table.Select(widgetCell(i, 0))
			return codes.detail.Text
		}
	}
	c.t.Fatalf("no delivery with %s in the log:\n%s", providerError, screenText(codes.build()))
	return ""
}

// resend presses Resend code with the channel and purpose picked, and checks
// the backend sent it, by the agent, to the customer; the code never reaches
// the agent's screen.
func (c *call) resend(channelLabel, purpose string) data.Delivery {
	c.t.Helper()
	codes := c.ws.codes
	c.open(codes)
	codes.channel.SetSelected(channelLabel)
	codes.purpose.SetSelected(purpose)
	if codes.resend.Disabled() {
		c.t.Fatalf("Resend by %s is disabled: %q", channelLabel, codes.allowance.Text)
	}
	test.Tap(codes.resend)
	if !strings.HasPrefix(codes.result.Text, "Sent: ") {
		c.t.Fatalf("resend by %s: %q", channelLabel, codes.result.Text)
	}
	sent := c.newestByAgent()
	if sent.Purpose != purpose || sent.Channel != codes.selectedChannel() {
		c.t.Errorf("the backend sent %s %s, want %s %s", sent.Channel, sent.Purpose, channelLabel, purpose)
	}
	code := demoInboxCode(c.t, c.url, c.acct.ID, purpose)
	if s := screenText(c.win.Content()); strings.Contains(s, code) {
		c.t.Errorf("the code sent to the customer is on the agent's screen")
	}
	return sent
}

// newestByAgent is the newest delivery an agent asked for, on the backend.
func (c *call) newestByAgent() data.Delivery {
	c.t.Helper()
	ds, err := c.be.Deliveries(context.Background(), c.acct.ID)
	if err != nil {
		c.t.Fatal(err)
	}
	var newest data.Delivery
	for _, d := range ds {
		if d.RequestedBy == data.RequesterAgent && d.RequestedAt.After(newest.RequestedAt) {
			newest = d
		}
	}
	if newest.ID == "" {
		c.t.Fatal("the backend sent nothing on the agent's behalf")
	}
	return newest
}

// verifyCaller works the identity-check dialog on top: sends the check code
// by the channel offered first, types what the caller reads back (the demo
// customer's inbox) and continues.
func (c *call) verifyCaller(wantChannel string) {
	c.t.Helper()
	dlg := c.win.Canvas().Overlays().Top()
	if dlg == nil {
		c.t.Fatal("no identity check opened")
	}
	if got := findRadio(c.t, dlg).Selected; !strings.HasPrefix(got, wantChannel) {
		c.t.Errorf("the check code goes by %q first, want %s", got, wantChannel)
	}
	test.Tap(findButton(c.t, dlg, "Send check code"))
	c.sees("the identity check", dlg, "Check code sent to")
	test.Type(findEntry(c.t, dlg, true), demoInboxCode(c.t, c.url, c.acct.ID, data.PurposeIdentityCheck))
	test.Tap(findButton(c.t, dlg, "Verify and continue"))
	if !strings.Contains(c.ws.banner.Text, "done") {
		c.t.Errorf("no confirmation after the identity check: banner %q, dialog:\n%s", c.ws.banner.Text, screenText(dlg))
	}
}

// audited is the backend's audit of action on the account, successful ones.
func (c *call) audited(action string) int {
	c.t.Helper()
	entries, err := c.be.Audit(context.Background(), client.AuditQuery{AccountID: c.acct.ID, Action: action, Outcome: data.AuditOK})
	if err != nil {
		c.t.Fatal(err)
	}
	return len(entries)
}

// changeContact presses Change phone… or Change email… on the Overview,
// types the new value and checks the caller; it returns the account as the
// backend holds it then.
func (c *call) changeContact(field, typed, checkBy string) data.Account {
	c.t.Helper()
	ov := c.open(c.ws.overview)
	test.Tap(findButton(c.t, ov, "Change "+field))
	form := c.win.Canvas().Overlays().Top()
	if form == nil {
		c.t.Fatal("no change form")
	}
	if c.win.Canvas().Focused() == nil {
		c.t.Error("the change form does not focus its field")
	}
	test.Type(findEntry(c.t, form, false), typed)
	test.Tap(findButton(c.t, form, "Continue"))
	c.verifyCaller(checkBy)
	acct, err := c.be.Account(context.Background(), c.acct.ID)
	if err != nil {
		c.t.Fatal(err)
	}
	return acct
}

// recordCase starts the call's case in category (the suggestion when ""),
// adds the note and resolves it; the backend holds it so.
func (c *call) recordCase(category, note string) data.Case {
	c.t.Helper()
	p := c.ws.casePanel
	view := c.open(p)
	if category != "" {
		pick := findSelectWithPlaceholder(c.t, view, "Pick what the call is about")
		cat, _ := cases.LookupCategory(category)
		pick.SetSelected(cat.Title)
	}
	test.Tap(findButton(c.t, view, "Start the case"))
	if p.rec == nil {
		c.t.Fatalf("no case started:\n%s", screenText(p.build()))
	}
	p.note.SetText(note)
	test.Tap(p.addNote)
	p.status.SetSelected("resolved")
	got, err := c.be.Case(context.Background(), p.rec.Case.ID)
	if err != nil {
		c.t.Fatal(err)
	}
	if got.Status != data.CaseResolved || len(got.Notes) != 1 || got.Notes[0].Text != note {
		c.t.Errorf("the backend's case: status %s, notes %+v; want resolved with the note", got.Status, got.Notes)
	}
	if category != "" && got.Category != category {
		c.t.Errorf("case category %s, want %s", got.Category, category)
	}
	return got
}

func findSelectWithPlaceholder(t *testing.T, o fyne.CanvasObject, placeholder string) *widget.Select {
	t.Helper()
	var found *widget.Select
	walkObjects(o, func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Select); ok && found == nil && s.PlaceHolder == placeholder {
			found = s
		}
	})
	if found == nil {
		t.Fatalf("no select %q", placeholder)
	}
	return found
}

// Scenario 1 of the Tapo SMS page: the code never arrives. The caller is
// abroad; the SMS provider cannot reach the handset. The agent sends the code
// by email instead.
func TestSituationCodeNeverArrives(t *testing.T) {
	c := takeCall(t, "GB", "07911 123456")
	if hint := c.ws.searchHint.Text; !strings.HasPrefix(hint, "Will search +44 7911 123456") {
		t.Errorf("search hint %q", hint)
	}
	c.header("Oliver Bennett", "2FA off", "1 trusted device", "+44 7*** *** 456")

	codes := c.open(c.ws.codes)
	c.sees("the Codes tab", codes, "3 did not arrive. The latest is undelivered.", "3 of 5 this hour", "A code can be sent now.", "✗")
	detail := c.failedDelivery(data.ProviderUnreachable)
	for _, want := range []string{"could not be reached", "roaming", "signal", "TP-Link"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the undelivered SMS's detail lacks %q: %q", want, detail)
		}
	}
	// Where is the phone? The logins say Spain, on a new device.
	c.sees("the Activity tab", c.open(c.ws.activity), "Barcelona, Spain", "new country, new device")

	sent := c.resend("Email", data.PurposeLogin)
	if sent.Channel != data.ChannelEmail || sent.DestinationMasked != c.acct.EmailMasked {
		t.Errorf("sent %s to %s, want email to %s", sent.Channel, sent.DestinationMasked, c.acct.EmailMasked)
	}
	c.sees("the Codes tab", codes, "Sent: email to "+c.acct.EmailMasked)
	cs := c.recordCase("", "Roaming in Spain, SMS does not reach the phone; code sent by email.")
	if cs.Category != cases.CategorySMSNotArriving {
		t.Errorf("suggested category %s, want the SMS one", cs.Category)
	}
}

// The seventh situation: "the code never arrives" while the caller's network
// fails for everyone (the demo's JT outage, the last 40 minutes). The Codes
// tab says so beside the caller's failures; the case leads to the network
// explanation, not to the six phone steps: those are marked not the cause,
// and the email code is the way in. The agent sends it.
func TestSituationCodeNeverArrivesDuringTheOutage(t *testing.T) {
	c := takeCall(t, "GB", "07911 123456")
	c.sees("the Codes tab", c.open(c.ws.codes), "SMS to JT (Guernsey)", "The network, not this", "use email")

	p := c.ws.casePanel
	c.sees("the Case tab", c.open(p), "Suggested from what the console sees: SMS to JT (Guernsey) is in an outage",
		"not the customer's phone", "Send the code by email instead ("+c.acct.EmailMasked+")")
	test.Tap(findButton(t, p.build(), "Start the case"))
	if p.rec == nil {
		t.Fatalf("no case started:\n%s", screenText(p.build()))
	}
	shown := flowText(p.build())
	if n := strings.Count(shown, "Why: Not the cause: SMS to JT (Guernsey) is in an outage"); n != 5 {
		t.Errorf("%d phone steps say not the cause, want 5 (signal, spam filter, restart, line, carrier):\n%s", n, shown)
	}
	if !strings.Contains(shown, "Why: Send the code by email to "+c.acct.EmailMasked) {
		t.Errorf("the email code is not the suggested way in:\n%s", shown)
	}
	// The backend's case holds the phone steps as not applying, not as
	// questions still to ask the caller.
	got, err := c.be.Case(context.Background(), p.rec.Case.ID)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, s := range got.Checklist {
		states[s.ID] = s.State
	}
	for _, id := range []string{"sms.signal", "sms.spam_filter", "sms.restart", "sms.line_status", "sms.carrier"} {
		if states[id] != cases.StateSkipped {
			t.Errorf("the backend's case has %s %q, want skipped", id, states[id])
		}
	}
	if sent := c.resend("Email", data.PurposeLogin); sent.Channel != data.ChannelEmail {
		t.Errorf("sent by %s", sent.Channel)
	}
}

// Scenario 2 of the Tapo SMS page and the other app's page: "the app says my
// number is invalid". The caller reads out what they typed, brackets and
// all; it is a VoIP number. The agent changes the number to the customer's
// mobile after checking the caller.
func TestSituationNumberRejected(t *testing.T) {
	c := takeCall(t, "GB", "(056) 1234-5678")
	if hint := c.ws.searchHint.Text; !strings.Contains(hint, "VoIP") {
		t.Errorf("the search hint does not say the number is VoIP: %q", hint)
	}
	c.header("Harriet Cole", "phone not verified")

	c.sees("Phone check", c.open(c.ws.phone), "will not work", "brackets, spaces and hyphens",
		"internet (VoIP) number", "Ask for a number from a mobile network", "Type in the app", "5612345678",
		"0 of 2 delivered")
	c.open(c.ws.codes)
	if d := c.failedDelivery(data.ProviderVoIPRefused); !strings.Contains(d, "mobile number") {
		t.Errorf("the refused SMS does not say what to ask for: %q", d)
	}
	c.ws.codes.channel.SetSelected("SMS")
	if !c.ws.codes.resend.Disabled() {
		t.Error("Resend by SMS is offered for a VoIP number")
	}
	if why := c.ws.codes.allowance.Text; !strings.Contains(why, "(VoIP) number") || !strings.Contains(why, "Send the code by email") {
		t.Errorf("the refused SMS does not say why before sending: %q", why)
	}
	c.sees("the Case tab", c.open(c.ws.casePanel), `Number is "invalid or unsupported"`, "VoIP")

	// The customer gives a mobile number, typed the way they would.
	acct := c.changeContact("phone", "07400 123456", "App notification")
	if acct.PhoneMasked != "+44 7*** *** 456" {
		t.Errorf("the backend's number is %s, want the new mobile", acct.PhoneMasked)
	}
	if c.audited(data.ActionChangePhone) != 1 {
		t.Error("the change of number is not in the backend's audit")
	}
	c.header("+44 7*** *** 456")
	c.resend("SMS", data.PurposeLogin)
	c.recordCase(cases.CategoryNumberInvalid, "VoIP number on file; changed to the customer's mobile and sent a code.")
}

// The 2FA page's "I did not receive the email code": the email bounces, the
// address on file is mistyped. The agent corrects it after checking the
// caller by app notification (email cannot reach them) and sends the code.
func TestSituationEmailCodeMissing(t *testing.T) {
	c := takeCall(t, "BR", "rafael.souza@example.net")
	c.header("Rafael Souza", "2FA on: email")
	c.sees("the Codes tab", c.open(c.ws.codes), "The latest is bounced.")
	detail := c.failedDelivery(data.ProviderEmailBounced)
	for _, want := range []string{"mailbox does not exist", "Confirm the email address", "no-reply@email.tp-link.com", "Spam"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the bounced email's detail lacks %q: %q", want, detail)
		}
	}
	c.sees("the Case tab", c.open(c.ws.casePanel), "bounced")

	acct := c.changeContact("email", "Rafael.Souza@example.com", "App notification")
	if acct.EmailMasked != "r***@example.com" {
		t.Errorf("the backend's email is %s, want the corrected one", acct.EmailMasked)
	}
	c.header("r***@example.com")
	sent := c.resend("Email", data.PurposeNewDevice)
	if sent.DestinationMasked != "r***@example.com" {
		t.Errorf("the code went to %s", sent.DestinationMasked)
	}
	c.recordCase(cases.CategoryEmailCodeMissing, "Email on file was mistyped (bounced); corrected and sent the code.")
}

// The 2FA page's "I did not receive the app notification": notifications are
// off on the only trusted device, which runs an old app. The agent sends the
// code by email and tells the customer to allow notifications.
func TestSituationAppNotificationMissing(t *testing.T) {
	c := takeCall(t, "JP", "+818012345678")
	c.header("Haruto Sato", "2FA on: app notification", "1 trusted device")
	c.sees("the Devices tab", c.open(c.ws.panels[2]), "Haruto's Pixel", "2.8.27", "off",
		"Notifications are off on every one", "send the code by email")
	c.open(c.ws.codes)
	if d := c.failedDelivery(data.ProviderPushNotifDisabled); !strings.Contains(d, "notifications are turned off") || !strings.Contains(d, "by email") {
		t.Errorf("the refused notification's detail: %q", d)
	}
	c.ws.codes.channel.SetSelected("App notification")
	if !c.ws.codes.resend.Disabled() {
		t.Error("Resend by app notification is offered while notifications are off on every device")
	}
	if why := c.ws.codes.allowance.Text; !strings.Contains(why, "Notifications are off on every trusted device (Haruto's Pixel)") {
		t.Errorf("the refused notification does not say why before sending: %q", why)
	}
	sent := c.resend("Email", data.PurposeNewDevice)
	if sent.Channel != data.ChannelEmail {
		t.Errorf("sent by %s", sent.Channel)
	}
	cs := c.recordCase("", "Notifications off on the Pixel; code sent by email, customer will allow notifications and update the app.")
	if cs.Category != cases.CategoryAppNotificationMissing {
		t.Errorf("suggested category %s, want the app-notification one", cs.Category)
	}
}

// The 2FA page's "I got a code I never asked for": someone with the password
// signs in from abroad on an unknown device. The agent signs the account out
// everywhere after checking the caller and sends a password reset code.
func TestSituationCodeNotRequested(t *testing.T) {
	c := takeCall(t, "US", "+16502530000")
	c.sees("the Case tab", c.open(c.ws.casePanel), "Got a code I never asked for", "Lagos, Nigeria", "not a trusted device")

	act := c.ws.activity
	c.open(act)
	act.flaggedOnly.SetChecked(true)
	if len(act.rows) == 0 {
		t.Fatalf("no flagged login:\n%s", screenText(act.build()))
	}
	for _, e := range act.rows {
		if !e.Flagged() {
			t.Errorf("Flagged only lists %s at %s, not flagged", e.ID, e.At)
		}
	}
	act.table.Select(widgetCell(0, 0))
	for _, want := range []string{"Lagos, Nigeria", "Flagged:", "not one of the account's trusted devices", "sign out everywhere"} {
		if !strings.Contains(act.detail.Text, want) {
			t.Errorf("the flagged login's detail lacks %q: %q", want, act.detail.Text)
		}
	}
	if act.revoke.Disabled() || !act.reset.Visible() || !act.remove.Disabled() {
		t.Errorf("actions: sign out disabled=%v, reset shown=%v, remove disabled=%v", act.revoke.Disabled(), act.reset.Visible(), act.remove.Disabled())
	}

	test.Tap(act.revoke)
	c.verifyCaller("App notification")
	if c.audited(data.ActionRevokeSessions) != 1 {
		t.Error("signing out everywhere is not in the backend's audit")
	}
	c.open(act)
	test.Tap(act.reset)
	if c.ws.tabs.Selected().Text != "Codes" || c.ws.codes.purpose.Selected != data.PurposeResetPassword {
		t.Errorf("the reset leads to %s with purpose %s", c.ws.tabs.Selected().Text, c.ws.codes.purpose.Selected)
	}
	c.resend("SMS", data.PurposeResetPassword)
	c.recordCase("", "Codes requested from Lagos by someone else; signed out everywhere, reset code sent, customer will change the password.")
}

// The 2FA page's "the login location is far away": the customer's own phone
// on mobile data geolocates to another city. Nothing to remove; the agent
// explains and records it.
func TestSituationStrangeLocation(t *testing.T) {
	c := takeCall(t, "IN", "+919876543210")
	act := c.ws.activity
	c.sees("the Activity tab", c.open(act), "Delhi, India", "Bengaluru, India", "0 flagged",
		"Locations are demo data")
	act.table.Select(widgetCell(0, 0))
	for _, want := range []string{"Priya's Galaxy", "Delhi, India", "Network: mobile", "On mobile data the place is often far from the customer."} {
		if !strings.Contains(act.detail.Text, want) {
			t.Errorf("the login's detail lacks %q: %q", want, act.detail.Text)
		}
	}
	if !act.remove.Disabled() || !act.revoke.Disabled() {
		t.Error("an unflagged login of the customer's own phone offers removal or signing out")
	}
	test.Tap(findButton(t, act.build(), "Why is this location far away?"))
	if top := c.win.Canvas().Overlays().Top(); top == nil {
		t.Error("no answer to why the location is far away")
	} else {
		c.sees("the answer", top, "not from the phone's GPS", "mobile data")
	}
	c.recordCase(cases.CategoryStrangeLocation, "Delhi login is the customer's phone on mobile data (carrier gateway); nothing removed.")
	if c.audited(data.ActionRemoveDevice)+c.audited(data.ActionRevokeSessions) != 0 {
		t.Error("an account action ran for a location that was the customer's own")
	}
}
