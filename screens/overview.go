package screens

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/words"
)

// overviewPanel is the account's detail: everything the backend says about it,
// and the other ways in when no code works.
type overviewPanel struct {
	api     API
	w       tabHost
	ls      *loadState
	acct    *data.Account
	forms   [2]*widget.Form
	values  map[string]*widget.Label
	limits  *widget.Label
	ways    *widget.Label
	ids     *widget.Label // the account's id line
	off2FA  *widget.Button
	content fyne.CanvasObject
}

// The overview's two columns: who and how to reach them; how they sign in.
var (
	overviewContact  = []string{"App", "Name", "Customer's country", "Customer's time zone", "Phone", "Phone verified", "Email", "Email verified", "Created"}
	overviewSecurity = []string{"Two-step verification", "Trusted devices", "Password set", "Linked sign-ins", "Lock"}
)

func newOverviewPanel(api API, w tabHost) *overviewPanel {
	p := &overviewPanel{api: api, w: w, values: map[string]*widget.Label{}, ls: newLoadState("The send limits")}
	for i, rows := range [][]string{overviewContact, overviewSecurity} {
		p.forms[i] = widget.NewForm()
		for _, r := range rows {
			l := widget.NewLabel("")
			l.Wrapping = fyne.TextWrapWord
			p.values[r] = l
			p.forms[i].Append(r, l)
		}
	}
	p.limits = widget.NewLabel("")
	p.limits.Wrapping = fyne.TextWrapWord
	p.ways = widget.NewLabel("")
	p.ways.Wrapping = fyne.TextWrapWord
	p.ids = idLabel("")
	return p
}

func (p *overviewPanel) loadState() *loadState { return p.ls }

func (p *overviewPanel) title() string { return "Overview" }

func (p *overviewPanel) build() fyne.CanvasObject {
	if p.content == nil {
		lim := widget.NewLabelWithStyle("Send limits", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		ways := widget.NewLabelWithStyle("Other ways in", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		// The account's sensitive changes: each through the identity check or
		// a supervisor, each saying what it does to the customer first.
		p.off2FA = widget.NewButtonWithIcon("Turn 2FA off…", theme.WarningIcon(), p.w.disable2FA)
		changePhone := widget.NewButtonWithIcon("Change phone…", theme.DocumentCreateIcon(), func() { p.w.changeContact("phone") })
		changeEmail := widget.NewButtonWithIcon("Change email…", theme.DocumentCreateIcon(), func() { p.w.changeContact("email") })
		changes := container.NewHBox(p.off2FA, changePhone, changeEmail)
		right := container.NewVBox(p.forms[1], changes, widget.NewSeparator(), ways, p.ways)
		p.content = container.NewVScroll(container.NewVBox(container.NewGridWithColumns(2, p.forms[0], right),
			widget.NewSeparator(), lim, p.ls.label, p.limits, p.ids))
	}
	return p.content
}

func (p *overviewPanel) setAccount(acct *data.Account) {
	p.acct = acct
	if acct == nil {
		return
	}
	p.show(*acct)
	p.limits.SetText("")
}

func (p *overviewPanel) show(a data.Account) {
	yesNo := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	twoFA := "off"
	switch {
	case !a.TwoFactor.FeatureAvailable:
		twoFA = "not available for this account yet: the feature is rolled out to accounts in batches and needs no app update. Ask the customer to wait for it to appear under Login Security."
	case a.TwoFactor.Enabled:
		twoFA = "on; new devices verify by " + words.Method(a.TwoFactor.Method)
	}
	lock := words.Lock(a.Lock, func(t time.Time) string { return relativeTime(t, p.w.now(), nil) })
	linked := "none"
	if len(a.LinkedLogins) > 0 {
		linked = strings.Join(a.LinkedLogins, ", ")
	}
	phoneText := a.PhoneMasked
	if a.PhoneStoredForm == data.FormTrunk0 {
		phoneText += " (stored in the legacy form with the trunk 0 after the country code)"
	}
	vals := map[string]string{
		"App": a.App, "Name": a.Name, "Customer's country": countryName(a.Region), "Customer's time zone": a.TimeZone,
		"Phone": orNone(phoneText), "Phone verified": yesNo(a.PhoneVerified), "Email": orNone(a.EmailMasked),
		"Email verified": yesNo(a.EmailVerified), "Two-step verification": twoFA,
		"Trusted devices": fmt.Sprint(a.TrustedDeviceCount), "Password set": yesNo(a.PasswordSet),
		"Linked sign-ins": linked, "Lock": lock, "Created": relativeTime(a.CreatedAt, p.w.now(), nil),
	}
	for k, v := range vals {
		p.values[k].SetText(shownText(v))
	}
	p.ways.SetText(otherWaysIn(a))
	p.ids.SetText(shown(idsLine("account " + a.ID)))
	if p.off2FA != nil {
		showIf(p.off2FA, a.TwoFactor.Enabled)
	}
}

func orNone(s string) string {
	if s == "" {
		return "none on file"
	}
	return s
}

// otherWaysIn lists the fallbacks the account already has, so the agent can
// offer one instead of another code (help page: password login, WeChat).
func otherWaysIn(a data.Account) string {
	var ways []string
	if a.PasswordSet {
		ways = append(ways, "sign in with the password (a password is set)")
	}
	if a.EmailMasked != "" && a.EmailVerified {
		ways = append(ways, "a code by email to "+a.EmailMasked)
	}
	switch {
	case !a.TwoFactor.Enabled || a.TrustedDeviceCount == 0:
	case a.TrustedDeviceCount == 1:
		ways = append(ways, "a code by app notification on the trusted device")
	default:
		ways = append(ways, fmt.Sprintf("a code by app notification on one of the %d trusted devices", a.TrustedDeviceCount))
	}
	for _, l := range a.LinkedLogins {
		ways = append(ways, "sign in with "+l)
	}
	if len(ways) == 0 {
		return "None: the account has no password, verified email or linked sign-in. Suggest setting a password once the customer is in."
	}
	return "• " + strings.Join(ways, "\n• ")
}

// load fetches the send limits; the account itself is the workspace's
// (refresh fetches it again).
func (p *overviewPanel) load(ctx context.Context, acct accountView) (func(), error) {
	rl, err := p.api.RateLimits(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	return func() {
		now := p.w.now()
		p.ls.label.Hide()
		p.w.setRateLimits(rl, now)
		p.limits.SetText(limitsText(rl, now))
	}, nil
}

// limitsText words the send-limit state: "SMS to +44 7*** ***456 (login): 5 of
// 5 this hour, next allowed at 14:05".
func limitsText(rl data.RateLimits, now time.Time) string {
	if len(rl.Limits) == 0 {
		return "No codes sent recently: every channel is within its limits."
	}
	var lines []string
	for _, l := range rl.Limits {
		var used []string
		for _, w := range l.Windows {
			used = append(used, fmt.Sprintf("%d of %d this %s", w.Used, w.Limit, w.Window))
		}
		line := fmt.Sprintf("%s to %s (%s): %s", words.Method(l.Channel), l.DestinationMasked, l.Purpose, strings.Join(used, ", "))
		if l.Blocked && l.NextAllowedAt != nil {
			line += ". Too many requests: next allowed at " + relativeTime(*l.NextAllowedAt, now, nil)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
