package screens

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"verifydesk/data"
)

// Chen Mei-ling's number is stored with the trunk 0, and SMS to that form
// never arrive: the Codes tab offers the form, suggests the one that
// delivered and says why, and a click on Resend sends there; the backend's
// log shows it delivered.
func TestResendSuggestsTheNumberFormThatDelivered(t *testing.T) {
	u, w := signedIn(t)
	search(t, u, "TW", "0936-123-456")
	codes := u.work.codes
	u.work.startLoad(codes)
	if !codes.form.Visible() || codes.form.Selected != "without the 0" {
		t.Fatalf("the number form choice is not offered with the form that delivered (visible %v, %q):\n%s",
			codes.form.Visible(), codes.form.Selected, screenText(w.Content()))
	}
	if note := codes.formNote.Text; !strings.Contains(note, "1 of 1 delivered") || !strings.Contains(note, "with the trunk 0 (legacy) 0 of 3") {
		t.Errorf("the suggestion does not say why: %q", note)
	}
	test.Tap(codes.resend)
	if d := codes.rows[0]; d.RequestedBy != data.RequesterAgent || d.DestinationForm != data.FormE164 || d.Status != data.StatusDelivered {
		t.Errorf("the resend went to %s (%s) and is %s; want the E.164 form, delivered", d.DestinationMasked, d.DestinationForm, d.Status)
	}

	// The agent may still choose the stored form: the note says so.
	codes.form.SetSelected("with the 0")
	if !strings.Contains(codes.formNote.Text, "You chose with the trunk 0") {
		t.Errorf("the note does not say the agent chose another form: %q", codes.formNote.Text)
	}

	// Email has one form: no choice.
	codes.channel.SetSelected("Email")
	if codes.form.Visible() {
		t.Error("the number form is offered for an email")
	}
}

// An account whose number cannot take SMS opens on a channel that can carry
// a code, saying why; what the agent then picks stays picked.
func TestResendDefaultsToAChannelThatCanWork(t *testing.T) {
	u, w := signedIn(t)
	for _, acct := range []string{"acc_1015", "acc_1011"} {
		search(t, u, "US", acct)
		codes := u.work.codes
		u.work.startLoad(codes)
		if _, refused := codes.refused[data.ChannelSMS]; !refused {
			continue
		}
		if codes.selectedChannel() == data.ChannelSMS || codes.resend.Disabled() {
			t.Errorf("%s: SMS cannot work, yet the resend row says %s (Resend disabled %v):\n%s",
				acct, codes.channel.Selected, codes.resend.Disabled(), screenText(w.Content()))
		}
		if !strings.Contains(codes.formNote.Text, "is chosen: SMS cannot reach") {
			t.Errorf("%s: the console does not say why it chose %s: %q", acct, codes.channel.Selected, codes.formNote.Text)
		}
		codes.channel.SetSelected("SMS")
		u.work.startLoad(codes)
		if codes.selectedChannel() != data.ChannelSMS {
			t.Errorf("%s: a reload undid the agent's pick", acct)
		}
		return
	}
	t.Fatal("no demo account whose number cannot take SMS")
}

// Notifications are off on every one of Haruto's devices: the identity check
// opens on email and says why, so the first code the agent sends can arrive.
func TestIdentityCheckOpensOnAChannelThatCanArrive(t *testing.T) {
	u, w := signedIn(t)
	search(t, u, "JP", "+818012345678")
	ws := u.work
	u.work.startLoad(ws.devices)
	acct := ws.account
	if len(ws.devices.rows) == 0 {
		t.Fatalf("no trusted devices:\n%s", screenText(w.Content()))
	}
	dev := ws.devices.rows[0]
	f := ws.startSensitive(acct, ws.removeDeviceAction(acct, dev.ID, dev.Name))
	if !strings.HasPrefix(f.channel.Selected, "Email to") {
		t.Errorf("the identity check opens on %q, with notifications off on every device", f.channel.Selected)
	}
	if s := screenText(w.Canvas().Overlays().Top()); !strings.Contains(s, "Email is chosen: Notifications are off") {
		t.Errorf("the dialog does not say why email is chosen:\n%s", s)
	}
	test.Tap(f.send)
	if !strings.HasPrefix(f.status.Text, "Check code sent to") {
		t.Errorf("the check code was not sent: %q", f.status.Text)
	}
}
