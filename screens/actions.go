package screens

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/client"
)

// sensitiveAction is one action that needs the caller's identity checked first,
// or a supervisor's approval.
type sensitiveAction struct {
	action  string            // data.Action*
	title   string            // "Remove Pixel 7 from trusted devices"
	explain string            // what happens to the customer
	params  map[string]string // for an approval request
	run     func(ctx context.Context, auth client.ActionAuth) (data.ActionResult, error)
}

func (w *workspace) removeDevice(deviceID, deviceName string) {
	if acct := w.currentAccount(); acct != nil {
		w.startSensitive(acct, w.removeDeviceAction(acct, deviceID, deviceName))
	}
}

func (w *workspace) revokeSessions() {
	if acct := w.currentAccount(); acct != nil {
		w.startSensitive(acct, w.revokeSessionsAction(acct))
	}
}

func (w *workspace) removeDeviceAction(acct *data.Account, deviceID, deviceName string) sensitiveAction {
	return sensitiveAction{
		action:  data.ActionRemoveDevice,
		title:   fmt.Sprintf("Remove %q from trusted devices", deviceName),
		explain: "The device is signed out at once and needs a verification code next time it signs in. The customer gets a security notice.",
		params:  map[string]string{"device_id": deviceID},
		run: func(ctx context.Context, auth client.ActionAuth) (data.ActionResult, error) {
			return w.api.RemoveDevice(ctx, acct.ID, deviceID, auth)
		},
	}
}

func (w *workspace) revokeSessionsAction(acct *data.Account) sensitiveAction {
	return sensitiveAction{
		action:  data.ActionRevokeSessions,
		title:   "Sign the account out everywhere",
		explain: "Every device is signed out, trusted ones too. The customer gets a security notice and should change the password.",
		run: func(ctx context.Context, auth client.ActionAuth) (data.ActionResult, error) {
			return w.api.RevokeSessions(ctx, acct.ID, auth)
		},
	}
}

// currentAccount is the account on screen. UI thread.
func (w *workspace) currentAccount() *data.Account { return w.account }

// identityFlow is the dialog that walks the agent through the identity check:
// send a one-time code to a channel the real owner controls, enter what the
// caller reads back, then run the action with the proof. When the caller cannot
// receive a check code, the agent asks a supervisor instead.
type identityFlow struct {
	w        *workspace
	acct     *data.Account
	act      sensitiveAction
	channels []string
	channel  *widget.RadioGroup
	code     *widget.Entry
	status   *widget.Label
	send     *widget.Button
	verify   *widget.Button
	approval *widget.Button
	dlg      dialog.Dialog
	checkID  string
	// proof is kept when the caller was verified but the action then failed
	// (backend busy, say): a retry uses it instead of a new check code.
	proof string
}

// startSensitive opens the identity-check dialog for act on acct.
func (w *workspace) startSensitive(acct *data.Account, act sensitiveAction) *identityFlow {
	f := &identityFlow{w: w, acct: acct, act: act}
	intro := widget.NewLabel(act.explain + "\n\nFirst check that the caller owns the account: send a check code to a channel only the owner controls and ask the caller to read it back.")
	intro.Wrapping = fyne.TextWrapWord
	f.channels = []string{"App notification to their trusted devices", "Email to " + orNone(acct.EmailMasked)}
	f.channel = widget.NewRadioGroup(f.channels, nil)
	f.channel.SetSelected(f.channels[0])
	if acct.TrustedDeviceCount == 0 {
		f.channel.SetSelected(f.channels[1])
	}
	// Masked as it is typed: a code on screen is a code someone else can read.
	f.code = widget.NewPasswordEntry()
	f.code.SetPlaceHolder("code the caller reads back")
	f.code.Disable()
	f.status = widget.NewLabel("")
	f.status.Wrapping = fyne.TextWrapWord
	f.send = widget.NewButton("Send check code", f.onSend)
	f.verify = widget.NewButton("Verify and continue", f.onVerify)
	f.verify.Importance = widget.HighImportance
	f.verify.Disable()
	f.approval = widget.NewButton("Caller cannot get a code: ask a supervisor…", func() {
		f.dlg.Hide()
		w.requestApproval(acct, act)
	})
	cancel := widget.NewButton("Cancel", func() { f.dlg.Hide() })
	content := container.NewVBox(intro, f.channel, f.send, f.code, f.status,
		container.NewHBox(cancel, f.approval, f.verify))
	f.dlg = dialog.NewCustomWithoutButtons(act.title+"?", content, w.win)
	f.dlg.Resize(fyne.NewSize(36*theme.TextSize(), content.MinSize().Height))
	f.dlg.Show()
	return f
}

func (f *identityFlow) onSend() {
	ch := data.ChannelAppPush
	if f.channel.Selected == f.channels[1] {
		ch = data.ChannelEmail
	}
	f.send.Disable()
	f.status.SetText("Sending…")
	f.w.cfg.goAsync(func() { f.sendCheck(f.w.ctx, ch) })
}

// sendCheck starts the identity check. I/O: off the UI thread.
func (f *identityFlow) sendCheck(ctx context.Context, channel string) {
	ctx, cancel := context.WithTimeout(ctx, backendTimeout)
	defer cancel()
	chk, err := f.w.api.StartIdentityCheck(ctx, f.acct.ID, channel)
	fyne.Do(func() {
		f.w.noteBackend(err)
		f.send.Enable()
		if err != nil {
			f.status.SetText("Not sent: " + describeError(err))
			return
		}
		f.checkID = chk.ID
		f.send.SetText("Send a new check code")
		f.code.Enable()
		f.verify.Enable()
		f.status.SetText(fmt.Sprintf("Check code sent to %s. Ask the caller to read it back (%d tries).", chk.DestinationMasked, chk.AttemptsLeft))
		f.w.win.Canvas().Focus(f.code)
	})
}

func (f *identityFlow) onVerify() {
	typed := strings.TrimSpace(f.code.Text)
	if f.proof == "" && (typed == "" || f.checkID == "") {
		f.status.SetText("Enter the code the caller reads back.")
		return
	}
	f.verify.Disable()
	f.status.SetText("Checking…")
	id, proof := f.checkID, f.proof
	f.w.cfg.goAsync(func() { f.verifyAndRun(f.w.ctx, id, typed, proof) })
}

// verifyAndRun trades the code for a proof, unless a proof is already held,
// and runs the action with it. I/O: off the UI thread.
func (f *identityFlow) verifyAndRun(ctx context.Context, checkID, typed, proof string) {
	ctx, cancel := context.WithTimeout(ctx, backendTimeout)
	defer cancel()
	var err error
	if proof == "" {
		var p data.IdentityProof
		p, err = f.w.api.VerifyIdentity(ctx, checkID, typed)
		proof = p.Proof
	}
	var res data.ActionResult
	actionErr := err
	if err == nil {
		res, actionErr = f.act.run(ctx, client.ActionAuth{Proof: proof})
	}
	fyne.Do(func() {
		f.w.noteBackend(actionErr)
		f.code.SetText("") // the code never stays on screen
		if err == nil {
			f.proof = proof // verified: a retry of the action needs no new code
		}
		if actionErr != nil {
			f.verify.Enable()
			if err == nil {
				f.verify.SetText("Try again")
				f.status.SetText("The caller is verified, but the action did not go through: " + describeError(actionErr))
				return
			}
			f.status.SetText(describeError(actionErr))
			return
		}
		f.dlg.Hide()
		f.w.notice(actionDoneText(f.act, res))
		f.w.reloadAccount()
	})
}

func actionDoneText(act sensitiveAction, res data.ActionResult) string {
	s := act.title + ": done."
	if res.SessionsRevoked > 0 {
		s += fmt.Sprintf(" %d session%s signed out.", res.SessionsRevoked, plural(res.SessionsRevoked))
	}
	if res.NoticeDeliveryID != "" {
		s += " The customer was sent a security notice."
	}
	return s
}

// requestApproval asks a supervisor to allow act (four eyes); it runs when they
// approve.
func (w *workspace) requestApproval(acct *data.Account, act sensitiveAction) {
	reason := widget.NewMultiLineEntry()
	reason.SetPlaceHolder("why, and how you checked the caller")
	reason.Validator = func(s string) error {
		if len(strings.TrimSpace(s)) < 10 {
			return fmt.Errorf("a supervisor needs the reason in a sentence")
		}
		return nil
	}
	items := []*widget.FormItem{widget.NewFormItem("Reason", reason)}
	dialog.ShowForm("Ask a supervisor: "+act.title, "Send request", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		req := data.ApprovalRequest{AccountID: acct.ID, Action: act.action, Params: act.params, Reason: strings.TrimSpace(reason.Text)}
		w.cfg.goAsync(func() {
			ctx, c := context.WithTimeout(w.ctx, backendTimeout)
			defer c()
			_, err := w.api.RequestApproval(ctx, req)
			fyne.Do(func() {
				w.noteBackend(err)
				if err != nil {
					dialog.ShowInformation("Request not sent", describeError(err), w.win)
					return
				}
				dialog.ShowInformation("Request sent", "A supervisor will review it. The action runs when they approve; you will see it in the account.", w.win)
			})
		})
	}, w.win)
}
