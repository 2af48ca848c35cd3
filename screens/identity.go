package screens

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/deliveries"
	"verifydesk/services/i18n"
	"verifydesk/services/words"
)

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
	code     *escEntry
	status   *widget.Label
	send     *widget.Button
	verify   *widget.Button
	approval *widget.Button
	dlg      dialog.Dialog
	checkID  string
	failure  string // why the action did not go through, shown with the proof's countdown
	// proof is kept when the caller was verified but the action then failed
	// (backend busy, say): a retry uses it instead of a new check code, while
	// it is valid (a countdown says how long).
	proof        string
	proofExpires time.Time
	tickGen      int
}

// pushRefusal says why an app notification cannot reach acct, from what the
// Devices or Codes tab last loaded for it (nothing loaded: it may).
func (w *workspace) pushRefusal(acct *data.Account) (deliveries.Refusal, bool) {
	if acct.TrustedDeviceCount == 0 {
		return deliveries.PushRefusal(nil)
	}
	if d := w.devices; d != nil && d.loaded && d.acct != nil && d.acct.ID == acct.ID {
		return deliveries.PushRefusal(d.rows)
	}
	if c := w.codes; c != nil && c.acct != nil && c.acct.ID == acct.ID {
		r, refused := c.refused[data.ChannelAppPush]
		return r, refused
	}
	return deliveries.Refusal{}, false
}

// startSensitive opens the identity-check dialog for act on acct.
func (w *workspace) startSensitive(acct *data.Account, act sensitiveAction) *identityFlow {
	f := &identityFlow{w: w, acct: acct, act: act}
	intro := widget.NewLabel(act.explain + "\n\n" + i18n.L("First check that the caller owns the account: send a check code to a channel only the owner controls and ask the caller to read it back."))
	intro.Wrapping = wordWrap()
	f.channels = []string{i18n.L("App notification to their trusted devices"), i18n.L("Email to {{.Email}}", i18n.M{"Email": orNone(acct.EmailMasked)})}
	f.channel = widget.NewRadioGroup(f.channels, nil)
	f.channel.Required = true
	// The first channel that can carry the code, and why when it is not
	// the app notification.
	why := ""
	f.channel.SetSelected(f.channels[0])
	if r, refused := w.pushRefusal(acct); refused && acct.EmailMasked != "" {
		f.channels[0] = i18n.L("App notification to their trusted devices (cannot arrive)")
		f.channel.Options = f.channels
		f.channel.SetSelected(f.channels[1])
		why = i18n.L("Email is chosen: {{.Why}}", i18n.M{"Why": refusalWhy(r)})
	}
	chosen := widget.NewLabel(why)
	chosen.Wrapping = wordWrap()
	showIf(chosen, why != "")
	// Masked as it is typed: a code on screen is a code someone else can read.
	f.code = newEscPasswordEntry(w.win)
	f.code.SetPlaceHolder(i18n.L("code the caller reads back"))
	f.code.Disable()
	f.status = widget.NewLabel("")
	f.status.Wrapping = wordWrap()
	f.send = widget.NewButton(i18n.L("Send check code"), f.onSend)
	f.verify = widget.NewButton(i18n.L("Verify and continue"), f.onVerify)
	f.verify.Importance = widget.HighImportance
	f.verify.Disable()
	f.approval = widget.NewButton(i18n.L("Caller cannot get a code: ask a supervisor…"), func() {
		f.dlg.Hide()
		w.requestApproval(acct, act)
	})
	cancel := widget.NewButton(i18n.L("Cancel"), func() { f.dlg.Hide() })
	content := container.NewVBox(intro, f.channel, chosen, f.send, f.code, f.status,
		container.NewHBox(cancel, f.approval, f.verify))
	f.dlg = dialog.NewCustomWithoutButtons(i18n.L("{{.Action}}?", i18n.M{"Action": act.title.String()}), content, w.win)
	f.dlg.Resize(fyne.NewSize(36*theme.TextSize(), content.MinSize().Height))
	// Nothing focused yet: Esc closes it (a focused button would swallow
	// Esc), and Tab reaches the channel, then Send check code; the code field
	// takes the keyboard once a code is sent.
	w.win.Canvas().Unfocus()
	showEscapable(w.win, f.dlg)
	return f
}

func (f *identityFlow) onSend() {
	ch := data.ChannelAppPush
	if f.channel.Selected == f.channels[1] {
		ch = data.ChannelEmail
	}
	f.send.Disable()
	f.status.SetText(i18n.L("Sending…"))
	f.sendCheck(ch)
}

// sendCheck starts the identity check. UI thread; the call runs through the
// runner.
func (f *identityFlow) sendCheck(channel string) {
	var chk data.IdentityCheck
	accountID := f.acct.ID
	f.w.run.run(job{name: "start the identity check",
		work: func(ctx context.Context) (err error) {
			chk, err = f.w.api.StartIdentityCheck(ctx, accountID, channel)
			return err
		},
		done: func(err error) { f.checkSent(chk, err) },
	})
}

// checkSent shows the outcome of sendCheck. UI thread.
func (f *identityFlow) checkSent(chk data.IdentityCheck, err error) {
	{
		f.send.Enable()
		if err != nil {
			f.status.SetText(i18n.L("Not sent: {{.Why}}", i18n.M{"Why": Explain(err)}))
			return
		}
		f.checkID = chk.ID
		f.send.SetText(i18n.L("Send a new check code"))
		f.code.Enable()
		f.verify.Enable()
		f.status.SetText(i18n.L("Check code sent to {{.To}}. Ask the caller to read it back ({{.Tries}} tries).",
			i18n.M{"To": chk.DestinationMasked, "Tries": words.Thousands(float64(chk.AttemptsLeft))}))
		f.w.win.Canvas().Focus(f.code)
	}
}

func (f *identityFlow) onVerify() {
	typed := strings.TrimSpace(f.code.Text)
	if f.proof == "" && (typed == "" || f.checkID == "") {
		f.status.SetText(i18n.L("Enter the code the caller reads back."))
		return
	}
	f.verify.Disable()
	f.status.SetText(i18n.L("Checking…"))
	id, proof := f.checkID, f.proof
	f.verifyAndRun(id, typed, proof)
}

// verifyAndRun trades the code for a proof, unless a proof is already held,
// and runs the action with it. UI thread; the calls run through the runner.
func (f *identityFlow) verifyAndRun(checkID, typed, proof string) {
	var err error // the identity check's
	var expiresAt time.Time
	var res data.ActionResult
	f.w.run.run(job{name: f.act.action,
		work: func(ctx context.Context) error {
			if proof == "" {
				var p data.IdentityProof
				p, err = f.w.api.VerifyIdentity(ctx, checkID, typed)
				proof = p.Proof
				expiresAt = p.ExpiresAt
				if err != nil {
					return err
				}
			}
			var actionErr error
			res, actionErr = f.act.run(ctx, client.ActionAuth{Proof: proof})
			return actionErr
		},
		done: func(actionErr error) { f.ran(proof, expiresAt, res, err, actionErr) },
	})
}

// ran shows what verifyAndRun did. UI thread.
func (f *identityFlow) ran(proof string, expiresAt time.Time, res data.ActionResult, err, actionErr error) {
	{
		f.code.SetText("") // the code never stays on screen
		if err == nil && !expiresAt.IsZero() {
			f.proof, f.proofExpires = proof, expiresAt // verified: a retry of the action needs no new code
		}
		if actionErr != nil {
			f.verify.Enable()
			if err == nil && !backendDecided(actionErr) {
				// No answer: the action may have run. The local chain says so.
				f.w.record(f.act.action, f.acct.ID, "", f.act.title.InEnglish()+" (identity checked, outcome unknown)") // the audit is in English
			}
			if err == nil {
				f.verify.SetText(i18n.L("Try again"))
				f.failure = i18n.L("The caller is verified, but the action did not go through: {{.Why}}", i18n.M{"Why": Explain(actionErr)})
				f.showProof()
				return
			}
			f.status.SetText(Explain(actionErr))
			return
		}
		f.dlg.Hide()
		f.w.record(f.act.action, f.acct.ID, "", f.act.title.InEnglish()+" (identity checked)") // the audit is in English
		f.w.notice(actionDoneText(f.act, res))
		f.w.refresh() // the action changed the account
	}
}

// showProof says the action failed and, while the proof is valid, how long it
// stays so and what it is good for, counting down; once it expires the flow
// asks for a new check code. UI thread.
func (f *identityFlow) showProof() {
	f.tickGen++
	now := f.w.cfg.now()
	if f.proof == "" || !f.proofExpires.After(now) {
		f.proof = ""
		f.verify.SetText(i18n.L("Verify and continue"))
		f.status.SetText(i18n.Sentences(i18n.Current(), f.failure, i18n.L("The identity check has expired: send a new check code.")))
		return
	}
	f.status.SetText(f.failure + "\n" + i18n.L("The identity check is valid for {{.Time}} more, for this one action ({{.Action}}) on this account.",
		i18n.M{"Time": countdown(f.proofExpires.Sub(now)), "Action": lowerFirst(f.act.title.String())}))
	gen := f.tickGen
	f.w.run.later(time.Second, "proof countdown", func() {
		if gen == f.tickGen {
			f.showProof()
		}
	})
}

func actionDoneText(act sensitiveAction, res data.ActionResult) string {
	s := i18n.L("{{.Action}}: done.", i18n.M{"Action": act.title.String()})
	if res.SessionsRevoked > 0 {
		s = i18n.Sentences(i18n.Current(), s, i18n.N("{{.Count}} sessions signed out.", res.SessionsRevoked))
	}
	if res.NoticeDeliveryID != "" {
		s = i18n.Sentences(i18n.Current(), s, i18n.L("The customer was sent a security notice."))
	}
	return s
}
