package screens

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/client"
	"verifydesk/services/i18n"
	"verifydesk/services/phone"
	"verifydesk/services/words"
)

// sensitiveAction is one action that needs the caller's identity checked first,
// or a supervisor's approval.
type sensitiveAction struct {
	action string    // data.Action*
	title  i18n.Text // "Remove Pixel 7 from trusted devices": on screen, and in English in the local audit
	// explain is what happens to the customer, in the agent's language.
	explain string
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
		title:   i18n.Msg("Remove {{.Device}} from trusted devices", i18n.M{"Device": fmt.Sprintf("%q", words.Shown(deviceName, 40, false))}),
		explain: i18n.L("The device is signed out at once and needs a verification code next time it signs in. The customer gets a security notice."),
		params:  map[string]string{"device_id": deviceID},
		run: func(ctx context.Context, auth client.ActionAuth) (data.ActionResult, error) {
			return w.api.RemoveDevice(ctx, acct.ID, deviceID, auth)
		},
	}
}

func (w *workspace) revokeSessionsAction(acct *data.Account) sensitiveAction {
	return sensitiveAction{
		action:  data.ActionRevokeSessions,
		title:   i18n.Msg("Sign the account out everywhere"),
		explain: i18n.L("Every device is signed out, trusted ones too. The customer gets a security notice and should change the password."),
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
		title:   i18n.Msg("Turn two-step verification off"),
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
	title := i18n.Msg("Change the phone to {{.Contact}}", i18n.M{"Contact": cases.MaskContact(v)})
	if field == "email" {
		change = data.ContactChange{Email: v}
		action, param = data.ActionChangeEmail, "new_email"
		title = i18n.Msg("Change the email to {{.Contact}}", i18n.M{"Contact": cases.MaskContact(v)})
	}
	return sensitiveAction{
		action:  action,
		title:   title,
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
	label := i18n.L("New email")
	hint := i18n.L("Codes go there from now on; the old email gets a security notice.")
	title := i18n.L("Change the email of {{.Name}}?", i18n.M{"Name": words.Shown(acct.Name, 40, false)})
	if field == "phone" {
		label = i18n.L("New phone")
		hint = i18n.L("Codes go there from now on; the old phone gets a security notice.")
		title = i18n.L("Change the phone of {{.Name}}?", i18n.M{"Name": words.Shown(acct.Name, 40, false)})
		entry.SetPlaceHolder(i18n.L("the new number, e.g. +44 7911 123456"))
		entry.Validator = func(s string) error {
			d := phone.Diagnose(region, s)
			if !d.Valid || d.E164 == "" {
				return errors.New(i18n.L("not a valid number in {{.Region}}: type it with + and the country code", i18n.M{"Region": phone.RegionNameIn(i18n.Current(), region)}))
			}
			if d.SMSCapable == phone.SMSNo {
				return errors.New(i18n.L("this number cannot receive SMS codes ({{.Type}})", i18n.M{"Type": phone.TypeWords(d.Type)}))
			}
			return nil
		}
		value = func() string { return phone.Diagnose(region, entry.Text).E164 }
	} else {
		entry.SetPlaceHolder(i18n.L("the new email address"))
		entry.Validator = func(s string) error {
			s = strings.TrimSpace(s)
			at := strings.LastIndexByte(s, '@')
			if at < 1 || !strings.Contains(s[at:], ".") || strings.ContainsAny(s, " \t<>") {
				return errors.New(i18n.L("an email address looks like name@example.com"))
			}
			return nil
		}
		value = func() string { return strings.ToLower(strings.TrimSpace(entry.Text)) }
	}
	item := widget.NewFormItem(label, entry)
	item.HintText = hint
	d := dialog.NewForm(title, i18n.L("Continue"), i18n.L("Cancel"), []*widget.FormItem{item}, func(ok bool) {
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

// requestApproval asks a supervisor to allow act (four eyes); it runs when they
// approve.
func (w *workspace) requestApproval(acct *data.Account, act sensitiveAction) {
	reason := newEscMultiLineEntry(w.win)
	reason.SetPlaceHolder(i18n.L("why, and how you checked the caller"))
	reason.Validator = func(s string) error {
		switch n := utf8.RuneCountInString(strings.TrimSpace(s)); {
		case n < 10:
			return errors.New(i18n.L("a supervisor needs the reason in a sentence"))
		case n > 500:
			return errors.New(i18n.L("at most 500 characters (this is {{.Length}})", i18n.M{"Length": words.Thousands(float64(n))}))
		}
		return nil
	}
	items := []*widget.FormItem{widget.NewFormItem(i18n.L("Reason"), reason)}
	items[0].HintText = i18n.L("The supervisor sees it with the account; the request expires if nobody decides.")
	d := dialog.NewForm(i18n.L("Ask a supervisor: {{.Action}}", i18n.M{"Action": act.title.String()}), i18n.L("Send request"), i18n.L("Cancel"), items, func(ok bool) {
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
				title := i18n.L("Request not sent")
				if !backendDecided(err) && (errors.Is(err, client.ErrNotConfirmed) || !client.Unreachable(err)) {
					title = i18n.L("Request not confirmed") // it may be on the backend: asking again will not make two
				}
				showEscapable(w.win, dialog.NewInformation(title, Explain(err), w.win))
				return
			}
			w.record("approval_request", acct.ID, req.CaseID, act.title.InEnglish()) // the audit is in English
			w.approvals.poll()
			showEscapable(w.win, dialog.NewInformation(i18n.L("Request sent"), i18n.L("A supervisor will review it. The action runs when they approve; you will see it in the account."), w.win))
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
