package screens

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/deliveries"
	"verifydesk/services/i18n"
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
// Each row is named in English (the key of values) and shown in the agent's
// language.
var (
	overviewContact = []string{i18n.Mark("App"), i18n.Mark("Name"), i18n.Mark("Customer's country"), i18n.Mark("Customer's time zone"),
		i18n.Mark("Phone"), i18n.Mark("Phone verified"), i18n.Mark("Email"), i18n.Mark("Email verified"), i18n.Mark("Created")}
	overviewSecurity = []string{i18n.Mark("Two-step verification"), i18n.Mark("Trusted devices"), i18n.Mark("Password set"),
		i18n.Mark("Linked sign-ins"), i18n.Mark("Lock")}
)

func newOverviewPanel(api API, w tabHost) *overviewPanel {
	p := &overviewPanel{api: api, w: w, values: map[string]*widget.Label{}, ls: newLoadState(i18n.L("The send limits"))}
	for i, rows := range [][]string{overviewContact, overviewSecurity} {
		p.forms[i] = widget.NewForm()
		for _, r := range rows {
			l := widget.NewLabel("")
			l.Wrapping = wordWrap()
			p.values[r] = l
			p.forms[i].Append(i18n.T(r), l)
		}
	}
	p.limits = widget.NewLabel("")
	p.limits.Wrapping = wordWrap()
	p.ways = widget.NewLabel("")
	p.ways.Wrapping = wordWrap()
	p.ids = idLabel("")
	return p
}

func (p *overviewPanel) loadState() *loadState { return p.ls }

// title is the tab's id (--tab, the preferences) in English; the tab bar
// shows it with i18n.T.
func (p *overviewPanel) title() string { return i18n.Mark("Overview") }

func (p *overviewPanel) build() fyne.CanvasObject {
	if p.content == nil {
		lim := widget.NewLabelWithStyle(i18n.L("Send limits"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		ways := widget.NewLabelWithStyle(i18n.L("Other ways in"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		// The account's sensitive changes: each through the identity check or
		// a supervisor, each saying what it does to the customer first.
		p.off2FA = widget.NewButtonWithIcon(i18n.L("Turn 2FA off…"), theme.WarningIcon(), p.w.disable2FA)
		changePhone := widget.NewButtonWithIcon(i18n.L("Change phone…"), theme.DocumentCreateIcon(), func() { p.w.changeContact("phone") })
		changeEmail := widget.NewButtonWithIcon(i18n.L("Change email…"), theme.DocumentCreateIcon(), func() { p.w.changeContact("email") })
		changes := newFlow(p.off2FA, changePhone, changeEmail)
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
			return i18n.L("yes")
		}
		return i18n.L("no")
	}
	twoFA := i18n.X("overview.2fa.off", "off")
	switch {
	case !a.TwoFactor.FeatureAvailable:
		twoFA = i18n.L("not available for this account yet: the feature is rolled out to accounts in batches and needs no app update. Ask the customer to wait for it to appear under Login Security.")
	case a.TwoFactor.Enabled:
		twoFA = i18n.L("on; new devices verify by {{.Method}}", i18n.M{"Method": words.Method(a.TwoFactor.Method)})
	}
	lock := words.Lock(a.Lock, func(t time.Time) string { return relativeTime(t, p.w.now(), nil) })
	linked := i18n.L("none")
	if len(a.LinkedLogins) > 0 {
		linked = strings.Join(a.LinkedLogins, ", ")
	}
	phoneText := a.PhoneMasked
	if a.PhoneStoredForm == data.FormTrunk0 {
		phoneText = i18n.L("{{.Phone}} (stored in the legacy form with the trunk 0 after the country code)", i18n.M{"Phone": a.PhoneMasked})
	}
	vals := map[string]string{
		"App": a.App, "Name": a.Name, "Customer's country": countryName(a.Region), "Customer's time zone": a.TimeZone,
		"Phone": orNone(phoneText), "Phone verified": yesNo(a.PhoneVerified), "Email": orNone(a.EmailMasked),
		"Email verified": yesNo(a.EmailVerified), "Two-step verification": twoFA,
		"Trusted devices": words.Thousands(float64(a.TrustedDeviceCount)), "Password set": yesNo(a.PasswordSet),
		"Linked sign-ins": linked, "Lock": lock, "Created": relativeTime(a.CreatedAt, p.w.now(), nil),
	}
	for k, v := range vals {
		p.values[k].SetText(shownText(v))
	}
	p.ways.SetText(otherWaysIn(a))
	p.ids.SetText(shown(idsLine(i18n.L("account {{.ID}}", i18n.M{"ID": a.ID}))))
	if p.off2FA != nil {
		showIf(p.off2FA, a.TwoFactor.Enabled)
	}
}

func orNone(s string) string {
	if s == "" {
		return i18n.L("none on file")
	}
	return s
}

// otherWaysIn lists the fallbacks the account already has, so the agent can
// offer one instead of another code (help page: password login, WeChat).
func otherWaysIn(a data.Account) string {
	var ways []string
	if a.PasswordSet {
		ways = append(ways, i18n.L("sign in with the password (a password is set)"))
	}
	if a.EmailMasked != "" && a.EmailVerified {
		ways = append(ways, i18n.L("a code by email to {{.Email}}", i18n.M{"Email": a.EmailMasked}))
	}
	switch {
	case !a.TwoFactor.Enabled || a.TrustedDeviceCount == 0:
	case a.TrustedDeviceCount == 1:
		ways = append(ways, i18n.L("a code by app notification on the trusted device"))
	default:
		ways = append(ways, i18n.N("a code by app notification on one of the {{.Count}} trusted devices", a.TrustedDeviceCount))
	}
	for _, l := range a.LinkedLogins {
		ways = append(ways, i18n.L("sign in with {{.Login}}", i18n.M{"Login": l}))
	}
	if len(ways) == 0 {
		return i18n.L("None: the account has no password, verified email or linked sign-in. Suggest setting a password once the customer is in.")
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

// limitsText words the send-limit state, each limit on two lines: "SMS to
// +44 7*** ***456 (login):" and "5 of 5 this hour, next allowed at 14:05".
func limitsText(rl data.RateLimits, now time.Time) string {
	if len(rl.Limits) == 0 {
		return i18n.L("No codes sent recently: every channel is within its limits.")
	}
	var lines []string
	for _, l := range rl.Limits {
		// Where, then how much on a line of its own: one line of both is
		// wider than the tab in longer languages.
		lines = append(lines, i18n.L("{{.Channel}} to {{.To}} ({{.Purpose}}):", i18n.M{
			"Channel": words.Method(l.Channel), "To": l.DestinationMasked, "Purpose": words.Purpose(l.Purpose)}))
		used := deliveries.WindowsUse(i18n.Agent(), l.Windows)
		if l.Blocked && l.NextAllowedAt != nil {
			used = i18n.L("{{.Limit}}. Too many requests: next allowed at {{.Time}}", i18n.M{"Limit": used, "Time": relativeTime(*l.NextAllowedAt, now, nil)})
		}
		lines = append(lines, "    "+used)
	}
	return strings.Join(lines, "\n")
}
