package screens

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/i18n"
	"verifydesk/services/phone"
	"verifydesk/services/words"
)

// accountHeader is who the caller is (masked) and badges for what matters at a
// glance.
type accountHeader struct {
	w                        *workspace
	acct                     *data.Account
	title                    *widget.Label
	contact                  *widget.Label
	revealed                 map[string]string // field -> full value, for this account only
	revealPhone, revealEmail *widget.Button
	refresh                  *widget.Button
	badges                   *fyne.Container
	limit                    *badgeWidget
	openCase                 *badgeWidget
	content                  fyne.CanvasObject
}

func newAccountHeader(w *workspace) *accountHeader {
	h := &accountHeader{w: w, revealed: map[string]string{}}
	h.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.title.SizeName = theme.SizeNameSubHeadingText
	h.title.Truncation = fyne.TextTruncateClip // a long name never widens the window (an ellipsis would shape the text anew on every search)
	h.contact = widget.NewLabel("")
	h.contact.Selectable = true
	h.badges = container.NewHBox()
	h.limit = badge("", widget.MediumImportance)
	h.openCase = badge(i18n.L("open case"), widget.HighImportance)
	h.openCase.Hide()
	h.revealPhone = widget.NewButtonWithIcon(i18n.L("Reveal phone…"), theme.VisibilityIcon(), func() { h.onReveal("phone") })
	h.revealEmail = widget.NewButtonWithIcon(i18n.L("Reveal email…"), theme.VisibilityIcon(), func() { h.onReveal("email") })
	h.refresh = widget.NewButtonWithIcon(i18n.L("Refresh"), theme.ViewRefreshIcon(), w.refresh)
	return h
}

func (h *accountHeader) build() fyne.CanvasObject {
	if h.content == nil {
		top := newBorder(nil, nil, nil, container.NewHBox(h.revealPhone, h.revealEmail, h.refresh), h.title)
		h.content = container.NewVBox(top, h.contact, h.badges, widget.NewSeparator())
	}
	return h.content
}

// set shows acct (UI thread).
func (h *accountHeader) set(acct *data.Account) {
	if h.acct == nil || acct == nil || h.acct.ID != acct.ID {
		h.revealed = map[string]string{}
		h.openCase.Hide() // the Case tab says again when it has loaded
	}
	h.acct = acct
	// The name, not the id: the id is on the Overview's id line.
	h.title.SetText(shown(fmt.Sprintf("%s · %s · %s", acct.Name, acct.App, countryName(acct.Region))))
	h.showContact()
	h.limit.set("", widget.MediumImportance)
	h.limit.Hide()
	h.badges.Objects = append(accountBadges(acct), h.limit, h.openCase)
	h.badges.Refresh()
}

func (h *accountHeader) showContact() {
	number, email := h.acct.PhoneMasked, h.acct.EmailMasked
	if v, ok := h.revealed["phone"]; ok {
		number = i18n.L("{{.Value}} (revealed)", i18n.M{"Value": phone.Readable(v)}) // grouped to read back
	}
	if v, ok := h.revealed["email"]; ok {
		email = i18n.L("{{.Value}} (revealed)", i18n.M{"Value": v})
	}
	// Nothing to reveal once revealed, or when there is nothing on file.
	showIf(h.revealPhone, h.acct.PhoneMasked != "" && h.revealed["phone"] == "")
	showIf(h.revealEmail, h.acct.EmailMasked != "" && h.revealed["email"] == "")
	parts := []string{}
	for _, s := range []string{number, email} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		parts = append(parts, i18n.L("no phone or email on file"))
	}
	h.contact.SetText(shown(strings.Join(parts, " · ")))
}

// setOpenCase shows whether the account has a case still open.
func (h *accountHeader) setOpenCase(open bool) {
	showIf(h.openCase, open)
	h.badges.Refresh() // the row lays its badges out again
}

// setRateLimits shows the tightest send limit, if any blocks a send now.
func (h *accountHeader) setRateLimits(rl data.RateLimits, now time.Time) {
	var next *time.Time
	for _, l := range rl.Limits {
		if l.Blocked && l.NextAllowedAt != nil && (next == nil || l.NextAllowedAt.After(*next)) {
			next = l.NextAllowedAt
		}
	}
	if next == nil || !next.After(now) {
		h.limit.Hide()
		return
	}
	h.limit.set(i18n.L("rate-limited until {{.Time}}", i18n.M{"Time": relativeTime(*next, now, nil)}), widget.WarningImportance)
	h.limit.Show()
}

// accountBadges are the header's words for 2FA, devices, lock and phone form.
func accountBadges(a *data.Account) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	switch {
	case !a.TwoFactor.FeatureAvailable:
		out = append(out, badge(i18n.L("2FA not rolled out yet"), widget.WarningImportance))
	case a.TwoFactor.Enabled:
		out = append(out, badge(i18n.L("2FA on: {{.Method}}", i18n.M{"Method": words.Method(a.TwoFactor.Method)}), widget.SuccessImportance))
	default:
		out = append(out, badge(i18n.L("2FA off"), widget.WarningImportance))
	}
	out = append(out, badge(i18n.N("{{.Count}} trusted devices", a.TrustedDeviceCount), widget.MediumImportance))
	if a.Lock.Locked {
		out = append(out, badge(i18n.X("account.locked", "locked"), widget.DangerImportance))
	} else {
		out = append(out, badge(i18n.X("account.not_locked", "not locked"), widget.SuccessImportance))
	}
	if a.PhoneStoredForm == data.FormTrunk0 {
		out = append(out, badge(i18n.L("number: trunk 0 stored"), widget.WarningImportance))
	}
	if a.PhoneMasked != "" && !a.PhoneVerified {
		out = append(out, badge(i18n.L("phone not verified"), widget.WarningImportance))
	}
	return out
}

// onReveal asks for a reason, then fetches and shows the full value. The backend
// audits every reveal.
func (h *accountHeader) onReveal(field string) {
	acct := h.acct
	if acct == nil {
		return
	}
	reason := newEscEntry(h.w.win)
	reason.SetPlaceHolder(i18n.L("e.g. caller confirms the number on file"))
	reason.Validator = revealReason(field)
	items := []*widget.FormItem{widget.NewFormItem(i18n.L("Reason"), reason)}
	items[0].HintText = i18n.L("Recorded in the audit log.")
	title := i18n.L("Reveal the full phone?")
	if field == "email" {
		title = i18n.L("Reveal the full email?")
	}
	d := dialog.NewForm(title, i18n.L("Reveal"), i18n.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		why := strings.TrimSpace(reason.Text)
		h.reveal(acct.ID, field, why)
	}, h.w.win)
	reason.OnSubmitted = func(string) { d.Submit() } // Enter reveals, once the reason is valid
	// Wide enough to read a sentence of reason; the field takes the keyboard.
	d.Resize(fyne.NewSize(32*theme.TextSize(), d.MinSize().Height))
	showEscapable(h.w.win, d)
	h.w.win.Canvas().Focus(reason)
}

// revealReason accepts a reason of at least a few words: it goes to the audit.
func revealReason(field string) func(string) error {
	return func(s string) error {
		if len(strings.Fields(s)) < 2 {
			if field == "email" {
				return errors.New(i18n.L("say why you need the full email, in a few words"))
			}
			return errors.New(i18n.L("say why you need the full phone, in a few words"))
		}
		return nil
	}
}

// reveal fetches the full value of field and shows it while the account stays
// open. UI thread; the call runs through the runner.
func (h *accountHeader) reveal(accountID, field, reason string) {
	var v string
	h.w.run.run(job{name: "reveal",
		work: func(ctx context.Context) (err error) {
			v, err = h.w.api.Reveal(ctx, accountID, field, reason)
			return err
		},
		done: func(err error) {
			if err != nil {
				showEscapable(h.w.win, dialog.NewInformation(i18n.L("Not revealed"), Explain(err), h.w.win))
				return
			}
			if h.acct == nil || h.acct.ID != accountID {
				return // the agent moved on; do not show it on another account
			}
			h.revealed[field] = v
			h.showContact()
			h.w.record("reveal", accountID, "", field+": "+reason)
		},
	})
}
