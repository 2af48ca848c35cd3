package screens

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/client"
)

// demoInboxCode reads the newest code for purpose the simulated customer
// received, the way a trainee reads it off the demo customer's phone.
func demoInboxCode(t *testing.T, baseURL, accountID, purpose string) string {
	t.Helper()
	c := client.New(baseURL, client.Options{})
	sess, err := c.SignIn(context.Background(), "lee", "demo")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", baseURL+"/v1/demo/inbox?account_id="+accountID, nil)
	req.Header.Set("Authorization", "Bearer "+sess.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var inbox data.DemoInbox
	if err := json.NewDecoder(resp.Body).Decode(&inbox); err != nil {
		t.Fatal(err)
	}
	for _, m := range inbox.Messages {
		if m.Purpose == purpose && m.Code != "" {
			return m.Code
		}
	}
	t.Fatalf("no %s code in the demo inbox: %+v", purpose, inbox)
	return ""
}

func TestRemoveDeviceAfterIdentityCheck(t *testing.T) {
	u, w, url := signedInURL(t)
	search(t, u, "US", "+16502530000")
	ws := u.work
	acct := ws.account
	if acct == nil {
		t.Fatalf("no account; screen says:\n%s", screenText(w.Content()))
	}
	devs := ws.panels[2].(*devicesPanel)
	ws.startLoad(devs)
	if len(devs.rows) == 0 {
		t.Fatalf("no trusted devices listed:\n%s", screenText(devs.build()))
	}
	before := len(devs.rows)
	lost := devs.rows[0]
	if place := devs.cell(0, 8); place == "" || strings.Contains(place, "unknown") {
		t.Errorf("last place of %s (%s): %q", lost.Name, lost.LastIP, place)
	}
	devs.table.Select(widgetCell(0, 0))
	if !strings.Contains(devs.remove.Text, lost.Name) {
		t.Errorf("remove button does not name the device: %q", devs.remove.Text)
	}

	f := ws.startSensitive(acct, ws.removeDeviceAction(acct, lost.ID, lost.Name))
	if !f.verify.Disabled() || !f.code.Disabled() {
		t.Error("the code can be entered before a check code was sent")
	}
	f.channel.SetSelected(f.channels[1]) // email
	test.Tap(f.send)
	if !strings.Contains(f.status.Text, "Check code sent to") {
		t.Fatalf("check code not sent: %q", f.status.Text)
	}
	// A wrong code is refused and says why.
	test.Type(f.code, "000000")
	test.Tap(f.verify)
	if f.status.Text == "" || strings.Contains(f.status.Text, "Check code sent") {
		t.Errorf("a wrong code gave no words: %q", f.status.Text)
	}
	code := demoInboxCode(t, url, acct.ID, data.PurposeIdentityCheck)
	f.code.SetText("")
	test.Type(f.code, code)
	test.Tap(f.verify)
	if f.code.Text != "" {
		t.Error("the check code stayed on screen")
	}
	if !strings.Contains(ws.banner.Text, "done") || !strings.Contains(ws.banner.Text, "security notice") {
		t.Errorf("no confirmation of the removal: %q / %q", ws.banner.Text, f.status.Text)
	}
	ws.startLoad(devs)
	if len(devs.rows) != before-1 {
		t.Errorf("devices: %d, want %d after removal", len(devs.rows), before-1)
	}
	for _, d := range devs.rows {
		if d.ID == lost.ID {
			t.Errorf("removed device %s still listed", lost.Name)
		}
	}
	// The header follows: one source for the account on screen.
	want := fmt.Sprintf("%d trusted device", before-1)
	if s := screenText(ws.header.build()); !strings.Contains(s, want) {
		t.Errorf("header after removal lacks %q:\n%s", want, s)
	}
	if ws.account.TrustedDeviceCount != before-1 {
		t.Errorf("account state says %d trusted devices, want %d", ws.account.TrustedDeviceCount, before-1)
	}
}

func TestResendRespectsLimitsAndRefusesVoIP(t *testing.T) {
	u, w, url := signedInURL(t)
	// Already at the hourly limit.
	search(t, u, "DE", "015123456789")
	if u.work.account == nil {
		t.Fatalf("no account; screen says:\n%s", screenText(w.Content()))
	}
	codes := u.work.panels[1].(*codesPanel)
	u.work.startLoad(codes)
	if len(codes.rows) == 0 {
		t.Fatal("no deliveries listed")
	}
	// The limit shows before sending, and Resend waits for it.
	if !codes.resend.Disabled() {
		t.Error("Resend enabled while the hourly limit holds")
	}
	if got := codes.allowance.Text; !strings.Contains(got, "SMS for login: ") || !strings.Contains(got, "5 of 5 this hour") || !strings.Contains(got, "next possible in ") {
		t.Errorf("allowance %q: want the counts and the wait", got)
	}
	test.Tap(codes.resend)
	if codes.result.Text != "" {
		t.Errorf("a disabled Resend did something: %q", codes.result.Text)
	}
	// Another channel has its own allowance.
	codes.channel.SetSelected("Email")
	if codes.resend.Disabled() || !strings.Contains(codes.allowance.Text, "email for login: ") {
		t.Errorf("email: disabled=%v, allowance %q", codes.resend.Disabled(), codes.allowance.Text)
	}
	codes.channel.SetSelected("SMS")

	// A VoIP number: the tab opens on email, saying why; SMS, when the agent
	// picks it, is refused with the reason before sending.
	search(t, u, "GB", "056 1234 5678")
	if u.work.account == nil {
		t.Fatal("VoIP account not found")
	}
	u.work.startLoad(codes)
	if codes.channel.Selected != "Email" || !strings.Contains(codes.formNote.Text, "virtual (VoIP) number") {
		t.Errorf("VoIP number: the resend opens on %s, saying %q", codes.channel.Selected, codes.formNote.Text)
	}
	codes.channel.SetSelected("SMS")
	if !codes.resend.Disabled() || !strings.Contains(codes.allowance.Text, "virtual (VoIP) number") {
		t.Errorf("SMS to a VoIP number: disabled=%v, allowance %q", codes.resend.Disabled(), codes.allowance.Text)
	}
	test.Tap(codes.resend)
	if codes.result.Text != "" {
		t.Errorf("a disabled Resend did something: %q", codes.result.Text)
	}

	// An ordinary account: the resend goes out, and the log shows it first.
	search(t, u, "US", "+16502530000")
	u.work.startLoad(codes)
	n := len(codes.rows)
	codes.channel.SetSelected("Email")
	test.Tap(codes.resend)
	if !strings.HasPrefix(codes.result.Text, "Sent: email") {
		t.Fatalf("resend by email: %q", codes.result.Text)
	}
	if len(codes.rows) != n+1 || codes.rows[0].RequestedBy != data.RequesterAgent {
		t.Errorf("the log does not show the agent's resend first (%d -> %d rows)", n, len(codes.rows))
	}
	// The customer got a code; the agent's screen never shows it.
	sent := demoInboxCode(t, url, u.work.account.ID, data.PurposeLogin)
	if s := screenText(w.Content()); strings.Contains(s, sent) {
		t.Errorf("the code %s sent to the customer is on the agent's screen:\n%s", sent, s)
	}
}

func TestCodesExplainUndeliveredSMS(t *testing.T) {
	u, _, _ := signedInURL(t)
	search(t, u, "GB", "07911 123456")
	codes := u.work.panels[1].(*codesPanel)
	u.work.startLoad(codes)
	for i, d := range codes.rows {
		if d.ProviderError == data.ProviderUnreachable {
			codes.table.Select(widgetCell(i, 0))
			if !strings.Contains(codes.detail.Text, "could not be reached") || !strings.Contains(codes.detail.Text, "signal") {
				t.Errorf("no meaning and advice for 30003: %q", codes.detail.Text)
			}
			return
		}
	}
	t.Fatalf("no unreachable-handset delivery in the log: %+v", codes.rows)
}

// failingRemove fails the first removal the way a busy backend would.
type failingRemove struct {
	API
	fails int
}

func (f *failingRemove) RemoveDevice(ctx context.Context, accountID, deviceID string, auth client.ActionAuth) (data.ActionResult, error) {
	if f.fails > 0 {
		f.fails--
		return data.ActionResult{}, client.ErrServer
	}
	return f.API.RemoveDevice(ctx, accountID, deviceID, auth)
}

func TestRemovalRetriesWithoutANewCheckCode(t *testing.T) {
	srv := backendtest.New(t)
	u, w := newTestUIWith(t, srv, func(a API) API { return &failingRemove{API: a, fails: 1} })
	u.SubmitSignIn()
	search(t, u, "US", "+16502530000")
	ws := u.work
	if ws.account == nil {
		t.Fatalf("no account; screen says:\n%s", screenText(w.Content()))
	}
	acct := ws.account
	devs := ws.panels[2].(*devicesPanel)
	ws.startLoad(devs)
	lost := devs.rows[0]
	f := ws.startSensitive(acct, ws.removeDeviceAction(acct, lost.ID, lost.Name))
	f.channel.SetSelected(f.channels[1])
	test.Tap(f.send)
	test.Type(f.code, demoInboxCode(t, srv.URL, acct.ID, data.PurposeIdentityCheck))
	test.Tap(f.verify)
	if !strings.Contains(f.status.Text, "verified") || f.verify.Text != "Try again" {
		t.Fatalf("after a failed removal: status %q, button %q", f.status.Text, f.verify.Text)
	}
	test.Tap(f.verify) // no new code: the proof from the check is used
	if !strings.Contains(ws.banner.Text, "done") {
		t.Errorf("the retry did not remove the device: %q / %q", ws.banner.Text, f.status.Text)
	}
}

func TestCodesChartShowsFailures(t *testing.T) {
	u, w := signedIn(t)
	search(t, u, "GB", "+447911123456")
	if u.work.account == nil {
		t.Fatalf("no account:\n%s", screenText(w.Content()))
	}
	codes := u.work.codes
	u.work.tabs.SelectIndex(1)
	codes.chartSpan.SetSelected(chartWeek)
	failed := 0
	for _, b := range codes.chart.buckets {
		failed += b.Failed
	}
	if len(codes.chart.buckets) != 7 || failed == 0 {
		t.Fatalf("week chart: %d buckets, %d failures; the account's SMS do not arrive", len(codes.chart.buckets), failed)
	}
	// Failures are counted in words on the bar, not only coloured.
	if s := screenText(codes.build()); !strings.Contains(s, "✗") || !strings.Contains(s, "did not arrive") {
		t.Errorf("the chart does not mark failures:\n%s", s)
	}
	codes.chartSpan.SetSelected(chartDay)
	if len(codes.chart.buckets) != 24 {
		t.Errorf("day chart: %d buckets", len(codes.chart.buckets))
	}
}
