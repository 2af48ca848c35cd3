package screens

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/client"
	"verifydesk/services/phone"
	"verifydesk/services/words"
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

func (w *workspace) disable2FA() {
	if acct := w.currentAccount(); acct != nil {
		w.startSensitive(acct, w.disable2FAAction(acct))
	}
}

func (w *workspace) disable2FAAction(acct *data.Account) sensitiveAction {
	return sensitiveAction{
		action:  data.ActionDisable2FA,
		title:   "Turn two-step verification off",
		explain: actionConsequence(data.ActionDisable2FA),
		run: func(ctx context.Context, auth client.ActionAuth) (data.ActionResult, error) {
			return w.api.Disable2FA(ctx, acct.ID, auth)
		},
	}
}

// changeContactAction changes the account's phone (E.164) or email to v.
func (w *workspace) changeContactAction(acct *data.Account, field, v string) sensitiveAction {
	change := data.ContactChange{Phone: v}
	action, param := data.ActionChangePhone, "new_phone"
	if field == "email" {
		change = data.ContactChange{Email: v}
		action, param = data.ActionChangeEmail, "new_email"
	}
	return sensitiveAction{
		action:  action,
		title:   "Change the " + field + " to " + cases.MaskContact(v),
		explain: actionConsequence(action),
		params:  map[string]string{param: v},
		run: func(ctx context.Context, auth client.ActionAuth) (data.ActionResult, error) {
			return w.api.ChangeContact(ctx, acct.ID, change, auth)
		},
	}
}

// changeContact asks for the new phone number (in the caller's country) or
// email, checks it as it is typed, then leads to the identity check. A tap
// handler.
func (w *workspace) changeContact(field string) {
	acct := w.currentAccount()
	if acct == nil {
		return
	}
	entry := newEscEntry(w.win)
	region := w.selectedRegion()
	var value func() string
	if field == "phone" {
		entry.SetPlaceHolder("the new number, e.g. +44 7911 123456")
		entry.Validator = func(s string) error {
			d := phone.Diagnose(region, s)
			if !d.Valid || d.E164 == "" {
				return errors.New("not a valid number in " + phone.RegionName(region) + ": type it with + and the country code")
			}
			if d.SMSCapable == phone.SMSNo {
				return errors.New("this number cannot receive SMS codes (" + phone.TypeWords(d.Type) + ")")
			}
			return nil
		}
		value = func() string { return phone.Diagnose(region, entry.Text).E164 }
	} else {
		entry.SetPlaceHolder("the new email address")
		entry.Validator = func(s string) error {
			s = strings.TrimSpace(s)
			at := strings.LastIndexByte(s, '@')
			if at < 1 || !strings.Contains(s[at:], ".") || strings.ContainsAny(s, " \t<>") {
				return errors.New("an email address looks like name@example.com")
			}
			return nil
		}
		value = func() string { return strings.ToLower(strings.TrimSpace(entry.Text)) }
	}
	item := widget.NewFormItem("New "+field, entry)
	item.HintText = "Codes go there from now on; the old " + field + " gets a security notice."
	d := dialog.NewForm("Change the "+field+" of "+acct.Name+"?", "Continue", "Cancel", []*widget.FormItem{item}, func(ok bool) {
		if !ok {
			return
		}
		w.startSensitive(acct, w.changeContactAction(acct, field, value()))
	}, w.win)
	d.Resize(fyne.NewSize(30*theme.TextSize(), d.MinSize().Height))
	showEscapable(w.win, d)
	w.win.Canvas().Focus(entry)
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
	f.code = newEscPasswordEntry(w.win)
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
	f.status.SetText("Sending…")
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
			f.status.SetText("Not sent: " + Explain(err))
			return
		}
		f.checkID = chk.ID
		f.send.SetText("Send a new check code")
		f.code.Enable()
		f.verify.Enable()
		f.status.SetText(fmt.Sprintf("Check code sent to %s. Ask the caller to read it back (%d tries).", chk.DestinationMasked, chk.AttemptsLeft))
		f.w.win.Canvas().Focus(f.code)
	}
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
				f.w.record(f.act.action, f.acct.ID, "", f.act.title+" (identity checked, outcome unknown)")
			}
			if err == nil {
				f.verify.SetText("Try again")
				f.failure = "The caller is verified, but the action did not go through: " + Explain(actionErr)
				f.showProof()
				return
			}
			f.status.SetText(Explain(actionErr))
			return
		}
		f.dlg.Hide()
		f.w.record(f.act.action, f.acct.ID, "", f.act.title+" (identity checked)")
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
		f.verify.SetText("Verify and continue")
		f.status.SetText(f.failure + " The identity check has expired: send a new check code.")
		return
	}
	f.status.SetText(fmt.Sprintf("%s\nThe identity check is valid for %s more, for this one action (%s) on this account.",
		f.failure, countdown(f.proofExpires.Sub(now)), strings.ToLower(f.act.title[:1])+f.act.title[1:]))
	gen := f.tickGen
	f.w.run.later(time.Second, "proof countdown", func() {
		if gen == f.tickGen {
			f.showProof()
		}
	})
}

func actionDoneText(act sensitiveAction, res data.ActionResult) string {
	s := act.title + ": done."
	if res.SessionsRevoked > 0 {
		s += fmt.Sprintf(" %d session%s signed out.", res.SessionsRevoked, words.Plural(res.SessionsRevoked))
	}
	if res.NoticeDeliveryID != "" {
		s += " The customer was sent a security notice."
	}
	return s
}

// requestApproval asks a supervisor to allow act (four eyes); it runs when they
// approve.
func (w *workspace) requestApproval(acct *data.Account, act sensitiveAction) {
	reason := newEscMultiLineEntry(w.win)
	reason.SetPlaceHolder("why, and how you checked the caller")
	reason.Validator = func(s string) error {
		switch n := utf8.RuneCountInString(strings.TrimSpace(s)); {
		case n < 10:
			return fmt.Errorf("a supervisor needs the reason in a sentence")
		case n > 500:
			return fmt.Errorf("at most 500 characters (this is %d)", n)
		}
		return nil
	}
	items := []*widget.FormItem{widget.NewFormItem("Reason", reason)}
	items[0].HintText = "The supervisor sees it with the account; the request expires if nobody decides."
	d := dialog.NewForm("Ask a supervisor: "+act.title, "Send request", "Cancel", items, func(ok bool) {
		if ok {
			w.sendApproval(acct, act, strings.TrimSpace(reason.Text))
		}
	}, w.win)
	reason.SetMinRowsVisible(3)
	d.Resize(fyne.NewSize(32*theme.TextSize(), d.MinSize().Height))
	showEscapable(w.win, d)
	w.win.Canvas().Focus(reason)
}

// sendApproval sends the request for act with the agent's reason, linked to
// the case open on the account, if any. UI thread; the call runs off it.
func (w *workspace) sendApproval(acct *data.Account, act sensitiveAction, reason string) {
	req := data.ApprovalRequest{AccountID: acct.ID, Action: act.action, Params: act.params, Reason: reason}
	req.CaseID = w.casePanel.openCaseFor(acct.ID)
	// A request whose answer was lost keeps its key for this account and
	// action: asking again makes no second request on the backend.
	scope := approvalScope(acct.ID, act)
	if w.approvalKeys[scope] == "" {
		w.approvalKeys[scope] = client.NewIdempotencyKey()
	}
	req.IdempotencyKey = w.approvalKeys[scope]
	w.run.run(job{name: "ask a supervisor",
		work: func(ctx context.Context) error { _, err := w.api.RequestApproval(ctx, req); return err },
		done: func(err error) {
			if err == nil || backendDecided(err) {
				delete(w.approvalKeys, scope) // answered: a new ask is a new request
			}
			if err != nil {
				title := "Request not sent"
				if !backendDecided(err) && (errors.Is(err, client.ErrNotConfirmed) || !isOffline(err)) {
					title = "Request not confirmed" // it may be on the backend: asking again will not make two
				}
				showEscapable(w.win, dialog.NewInformation(title, Explain(err), w.win))
				return
			}
			w.record("approval_request", acct.ID, req.CaseID, act.title)
			w.approvals.poll()
			showEscapable(w.win, dialog.NewInformation("Request sent", "A supervisor will review it. The action runs when they approve; you will see it in the account.", w.win))
		},
	})
}

// approvalScope names one request for approval: the account, the action and
// its parameters.
func approvalScope(accountID string, act sensitiveAction) string {
	keys := make([]string, 0, len(act.params))
	for k := range act.params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(accountID + "\x00" + act.action)
	for _, k := range keys {
		b.WriteString("\x00" + k + "=" + act.params[k])
	}
	return b.String()
}
