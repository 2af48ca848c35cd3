package screens

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/client"
)

// signedInAs signs user in on the backend at srv, with the offline and
// approval timers in the test's hands.
func signedInAs(t *testing.T, url, user string, ts *timers) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	w := a.NewWindow("Verifydesk")
	w.Resize(fyne.NewSize(1280, 800)) // the window the console opens in, not its smallest
	u := NewUI(w, Config{Region: "US", Background: runNow, After: ts.after})
	w.SetContent(u.Content())
	u.SetBackend(client.New(url, client.Options{}), "test")
	u.signIn.user.SetText(user)
	u.signIn.pass.SetText("demo")
	u.SubmitSignIn()
	if u.work == nil {
		t.Fatalf("%s not signed in:\n%s", user, screenText(w.Content()))
	}
	return u
}

func TestApprovalAskedByAgentDecidedBySupervisor(t *testing.T) {
	srv := backendtest.New(t)
	ctx := context.Background()
	anaTimers, samTimers := &timers{}, &timers{}
	ana := signedInAs(t, srv.URL, "ana", anaTimers)
	if got := ana.work.approvals.button.Text; got != "My requests (0)" {
		t.Errorf("agent's top bar: %q", got)
	}

	// Ana asks to remove a device of the account on her screen.
	search(t, ana, "US", "acc_1014")
	if ana.work.account == nil {
		t.Fatal("acc_1014 not found")
	}
	c := client.New(srv.URL, client.Options{})
	if _, err := c.SignIn(ctx, "ana", "demo"); err != nil {
		t.Fatal(err)
	}
	devs, err := c.TrustedDevices(ctx, "acc_1014")
	if err != nil || len(devs) == 0 {
		t.Fatalf("devices %v %v", devs, err)
	}
	dev := devs[0]
	if _, err := c.RequestApproval(ctx, data.ApprovalRequest{AccountID: "acc_1014", Action: data.ActionRemoveDevice,
		Params: map[string]string{"device_id": dev.ID}, Reason: "caller lost the phone and cannot get a code"}); err != nil {
		t.Fatal(err)
	}
	anaTimers.fire() // her next poll sees the open request
	if got := ana.work.approvals.button.Text; got != "My requests (1)" {
		t.Errorf("after asking: %q", got)
	}

	// Sam sees the count, opens the queue and the request's account.
	sam := signedInAs(t, srv.URL, "sam", samTimers)
	ap := sam.work.approvals
	if ap.button.Text != "Approvals (1)" {
		t.Fatalf("supervisor's top bar: %q", ap.button.Text)
	}
	test.Tap(ap.button)
	if len(ap.rows) != 1 || !strings.Contains(ap.rowText(ap.rows[0]), "asked by Ana Ruiz") {
		t.Fatalf("queue: %+v", ap.rows)
	}
	ap.list.Select(0)
	if sam.work.account == nil || sam.work.account.ID != "acc_1014" {
		t.Fatal("the request's account is not on screen")
	}
	card := strings.Join(strings.Fields(screenText(ap.card)), " ") // the test window wraps lines
	for _, want := range []string{fmt.Sprintf("Ana Ruiz asks: remove %q from the trusted devices", devLabel(dev)), "caller lost the phone", "expires in", "signed out at once"} {
		if !strings.Contains(card, want) {
			t.Errorf("card lacks %q:\n%s", want, card)
		}
	}
	// A decision needs a comment.
	test.Tap(ap.approve)
	if !strings.Contains(ap.status.Text, "Write a comment first") {
		t.Errorf("approved without a comment: %q", ap.status.Text)
	}
	test.Type(ap.comment, "identity checked by callback to the number on file")
	test.Tap(ap.approve)
	if !strings.HasPrefix(ap.status.Text, "Approved:") {
		t.Fatalf("approve: %q", ap.status.Text)
	}
	after, err := c.TrustedDevices(ctx, "acc_1014")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range after {
		if d.ID == dev.ID {
			t.Errorf("approved, yet %s is still trusted", dev.Name)
		}
	}
	if ap.button.Text != "Approvals (0)" {
		t.Errorf("count after deciding: %q", ap.button.Text)
	}

	// Ana sees the outcome where she is, without searching again.
	anaTimers.fire()
	if got := ana.work.banner.Text; !strings.Contains(got, "Sam Okoye approved") || !ana.work.banner.Visible() {
		t.Errorf("ana's screen after the approval: %q", got)
	}
	if want := len(devs) - 1; ana.work.account.TrustedDeviceCount != want {
		t.Errorf("ana's account shows %d trusted devices, want %d", ana.work.account.TrustedDeviceCount, want)
	}
}

func TestSupervisorCannotDecideOwnRequest(t *testing.T) {
	srv := backendtest.New(t)
	ts := &timers{}
	sam := signedInAs(t, srv.URL, "sam", ts)
	search(t, sam, "US", "acc_1014")
	req := data.ApprovalRequest{AccountID: "acc_1014", Action: data.ActionRevokeSessions, Reason: "customer asked to end every session"}
	got, err := sam.work.api.RequestApproval(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	ap := sam.work.approvals
	ap.open(got)
	card := strings.Join(strings.Fields(screenText(ap.card)), " ")
	if !strings.Contains(card, "You asked for this yourself") || strings.Contains(card, "Approve and run it") {
		t.Errorf("own request offers a decision:\n%s", card)
	}
}

func TestTurn2FAOffByIdentityCheckAndChangeEmailByApproval(t *testing.T) {
	srv := backendtest.New(t)
	ctx := context.Background()
	ana := signedInAs(t, srv.URL, "ana", &timers{})
	search(t, ana, "US", "+16502530000")
	ws := ana.work
	acct := ws.account
	if acct == nil || !acct.TwoFactor.Enabled {
		t.Fatalf("account %+v: want one with 2FA on", acct)
	}
	sup := client.New(srv.URL, client.Options{})
	if _, err := sup.SignIn(ctx, "sam", "demo"); err != nil {
		t.Fatal(err)
	}

	// 2FA off through the identity check: the code comes from the customer's inbox.
	f := ws.startSensitive(acct, ws.disable2FAAction(acct))
	f.channel.SetSelected(f.channels[1]) // email
	test.Tap(f.send)
	code := demoInboxCode(t, srv.URL, acct.ID, data.PurposeIdentityCheck)
	test.Type(f.code, code)
	test.Tap(f.verify)
	got, err := sup.Account(ctx, acct.ID)
	if err != nil || got.TwoFactor.Enabled {
		t.Fatalf("2FA still on after the identity check (%v); status %q", err, f.status.Text)
	}
	if !strings.Contains(ws.banner.Text, "Turn two-step verification off: done") {
		t.Errorf("banner %q", ws.banner.Text)
	}
	if badges := screenText(ws.header.build()); !strings.Contains(badges, "2FA off") {
		t.Errorf("header after 2FA off:\n%s", badges)
	}

	// A new email through a supervisor: the approval runs exactly that change.
	const newEmail = "emily.new@example.com"
	ws.sendApproval(acct, ws.changeContactAction(acct, "email", newEmail), "caller lost access to the old mailbox; checked by callback")
	sam := signedInAs(t, srv.URL, "sam", &timers{})
	q := sam.work.approvals
	test.Tap(q.button)
	if len(q.rows) != 1 || q.rows[0].Params["new_email"] != newEmail {
		t.Fatalf("queue %+v", q.rows)
	}
	q.list.Select(0)
	if card := strings.Join(strings.Fields(screenText(q.card)), " "); !strings.Contains(card, "change the email to e***@example.com") {
		t.Errorf("card does not say the change (masked):\n%s", card)
	}
	test.Type(q.comment, "callback to the number on file confirmed it")
	test.Tap(q.approve)
	full, err := sup.Reveal(ctx, acct.ID, "email", "test checks the approved change")
	if err != nil || full != newEmail {
		t.Errorf("email after approval: %q (%v); %q", full, err, q.status.Text)
	}
}

func TestProofCountdownAfterAFailedAction(t *testing.T) {
	srv := backendtest.New(t)
	ts := &timers{}
	ana := signedInAs(t, srv.URL, "ana", ts)
	search(t, ana, "US", "acc_1014")
	ws := ana.work
	acct := ws.account
	// An action the backend refuses after the check: a device that is not there.
	f := ws.startSensitive(acct, ws.removeDeviceAction(acct, "dv_gone", "Old phone"))
	f.channel.SetSelected(f.channels[1])
	test.Tap(f.send)
	test.Type(f.code, demoInboxCode(t, srv.URL, acct.ID, data.PurposeIdentityCheck))
	test.Tap(f.verify)
	if !strings.Contains(f.status.Text, "The identity check is valid for ") || !strings.Contains(f.status.Text, "for this one action") {
		t.Fatalf("no countdown after a failed action: %q", f.status.Text)
	}
	before := f.status.Text
	ts.fire() // a second later
	if f.status.Text == "" || !strings.Contains(f.status.Text, "valid for") {
		t.Errorf("countdown stopped: %q (was %q)", f.status.Text, before)
	}
}

// devLabel is how a request names a device: its name and model.
func devLabel(d data.TrustedDevice) string {
	if d.Model != "" && d.Model != d.Name {
		return d.Name + " (" + d.Model + ")"
	}
	return d.Name
}
