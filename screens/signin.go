package screens

import (
	"context"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/i18n"
	"verifydesk/services/words"
)

type signInAPI interface {
	SignIn(ctx context.Context, username, password string) (data.Session, error)
}

// signInScreen is the small centred form shown before the workspace.
type signInScreen struct {
	cfg        Config
	api        signInAPI
	onSignedIn func(data.Session)
	// onOffline is told when sign-in failed because the backend cannot be
	// reached: the UI then offers the cached cases.
	onOffline func()
	// The sign-in retried while the backend cannot be reached.
	retryGen   int
	retryDelay time.Duration
	// left is set once the screen gave way to a workspace (offline review).
	left bool

	// methods is what the backend offers (nil until it said, or when it
	// cannot say: the password form).
	methods *data.SignInMethods
	// sso starts the company's single sign-on; or separates it from the
	// password form when both are offered; form is the password form.
	sso  *widget.Button
	or   *widget.Label
	form *widget.Form
	// lastSSO is the single sign-on of the session now open, for the
	// provider's logout after the agent signs out (signinsso.go).
	lastSSO    *ssoSession
	provLogout *widget.Button
	// ssoCancel gives up the single sign-on under way (the agent closed the
	// browser tab); nil when none is.
	ssoCancel    context.CancelFunc
	ssoCancelBtn *widget.Button

	user, pass *widget.Entry
	submit     *widget.Button
	status     *widget.Label
	progress   *widget.ProgressBarInfinite
	backend    *widget.Label
	cacheNote  *widget.Label
	offline    *widget.Button
	content    fyne.CanvasObject
}

func newSignInScreen(cfg Config, onSignedIn func(data.Session)) *signInScreen {
	s := &signInScreen{cfg: cfg, onSignedIn: onSignedIn}
	s.user = widget.NewEntry()
	s.user.SetPlaceHolder(i18n.L("username"))
	s.pass = widget.NewPasswordEntry()
	s.pass.SetPlaceHolder(i18n.L("password"))
	s.pass.OnSubmitted = func(string) { timeUI("sign in by Enter", s.onSubmit) }
	s.user.OnSubmitted = func(string) { s.onSubmit() }
	if cfg.Demo {
		s.user.SetText(cfg.DemoUser)
		s.pass.SetText(cfg.DemoPassword)
	}
	s.submit = widget.NewButtonWithIcon(i18n.L("Sign in"), theme.LoginIcon(), s.onSubmit)
	s.submit.Importance = widget.HighImportance
	s.submit.Disable()
	s.status = widget.NewLabel("")
	s.status.Wrapping = wordWrap()
	s.status.Importance = widget.DangerImportance
	s.status.Hide()
	s.progress = widget.NewProgressBarInfinite()
	s.backend = widget.NewLabel(i18n.L("Connecting to the auth backend…"))
	s.backend.Wrapping = wordWrap()
	s.cacheNote = widget.NewLabel("")
	s.cacheNote.Wrapping = wordWrap()
	s.cacheNote.Importance = widget.WarningImportance
	s.cacheNote.Hide()
	s.offline = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), nil)
	s.offline.Hide()
	s.sso = widget.NewButtonWithIcon("", theme.LoginIcon(), func() { timeUI("single sign-on", s.onSSO) })
	s.sso.Importance = widget.HighImportance
	s.sso.Hide()
	s.or = widget.NewLabelWithStyle(i18n.L("or with a username and password"), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	s.or.Hide()
	s.provLogout = widget.NewButtonWithIcon("", theme.LogoutIcon(), nil)
	s.provLogout.Hide()
	s.ssoCancelBtn = widget.NewButtonWithIcon(i18n.L("Cancel the sign-in in the browser"), theme.CancelIcon(), handler("cancel single sign-on", func() {
		if s.ssoCancel != nil {
			s.ssoCancel()
		}
	}))
	s.ssoCancelBtn.Hide()
	return s
}

// setCacheProblem says what is wrong with the cache, if anything. UI thread.
func (s *signInScreen) setCacheProblem(problem string) {
	s.cacheNote.SetText(problem)
	showIf(s.cacheNote, problem != "")
}

// offerOffline shows the way to the cached cases of agent. UI thread.
func (s *signInScreen) offerOffline(agent data.Agent, open func()) {
	s.offline.SetText(i18n.L("Open the cached cases of {{.Name}} (read-only)", i18n.M{"Name": words.Shown(agent.Name, 40, false)}))
	s.offline.OnTapped = open
	s.offline.Show()
}

func (s *signInScreen) build() fyne.CanvasObject {
	if s.content != nil {
		return s.content
	}
	title := widget.NewLabelWithStyle("Verifydesk", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	sub := widget.NewLabelWithStyle(i18n.L("Support console for sign-in verification"), fyne.TextAlignCenter, fyne.TextStyle{})
	s.form = widget.NewForm(
		widget.NewFormItem(i18n.L("Username"), s.user),
		widget.NewFormItem(i18n.L("Password"), s.pass),
	)
	items := []fyne.CanvasObject{title, sub}
	if s.cfg.Demo {
		demo := badge(i18n.L("DEMO MODE"), widget.WarningImportance)
		// Lines of its own, not wrapped: a wrapped label above the fields
		// took its height only at the second layout, and the fields moved
		// down under a pointer about to click them.
		note := widget.NewLabel(i18n.L("Training data only: the accounts, people and\nmessages are made up. Demo agents: ana and lee\n(agent), sam (supervisor); password demo."))
		items = append(items, container.NewCenter(demo), note)
	}
	items = append(items, s.sso, s.ssoCancelBtn, s.or, s.form, s.submit, s.progress, s.status, s.provLogout, s.backend, s.offline, s.cacheNote)
	if s.cfg.OnSettings != nil {
		items = append(items, widget.NewButtonWithIcon(i18n.L("Settings…"), theme.SettingsIcon(), s.cfg.OnSettings))
	}
	card := widget.NewCard("", "", container.NewVBox(items...))
	// A width in text units keeps the form small and centred at any scale; its
	// height follows what it says. It hangs from a fixed distance below the
	// top instead of being centred: what comes after it is built (the
	// cache's notice, a status) grows it downwards, and the fields never move
	// under a pointer about to click them.
	top := canvas.NewRectangle(color.Transparent)
	top.SetMinSize(fyne.NewSize(0, 6*theme.TextSize()))
	s.content = container.NewVBox(top, container.NewCenter(atLeast(card, fyne.NewSize(26*theme.TextSize(), 0))))
	return s.content
}

func (s *signInScreen) setBackend(api signInAPI, label string) {
	s.api = api
	s.progress.Stop()
	s.progress.Hide()
	s.backend.SetText(i18n.L("Backend: {{.Backend}}", i18n.M{"Backend": label}))
	s.submit.Enable()
	s.askMethods()
}

func (s *signInScreen) backendFailed(message string) {
	s.progress.Stop()
	s.progress.Hide()
	s.backend.Importance = widget.DangerImportance
	s.backend.SetText(message)
}

func (s *signInScreen) reset(message string) {
	s.left = false
	s.pass.SetText("")
	if s.cfg.Demo {
		s.pass.SetText(s.cfg.DemoPassword)
	}
	s.showStatus(message, widget.MediumImportance)
	s.submit.Enable()
}

func (s *signInScreen) showStatus(text string, imp widget.Importance) {
	s.status.Importance = imp
	s.status.SetText(text)
	s.status.Show()
}

func (s *signInScreen) onSubmit() {
	if s.api == nil || s.submit.Disabled() {
		return
	}
	user, pass := s.user.Text, s.pass.Text
	if user == "" || pass == "" {
		s.showStatus(i18n.L("Enter your username and password."), widget.DangerImportance)
		return
	}
	s.submit.Disable()
	s.progress.Show()
	s.progress.Start()
	s.status.Hide()
	var sess data.Session
	api := s.api
	newRunner(s.cfg).run(job{name: "sign in", timeout: 10 * time.Second,
		work: func(ctx context.Context) (err error) { sess, err = api.SignIn(ctx, user, pass); return err },
		done: func(err error) { s.signedIn(user, pass, sess, err) },
	})
}

// signedIn shows the outcome of a sign-in. UI thread.
func (s *signInScreen) signedIn(user, pass string, sess data.Session, err error) {
	{
		s.progress.Stop()
		s.progress.Hide()
		s.submit.Enable()
		if err != nil {
			s.showStatus(explainRetry(err), widget.DangerImportance)
			if client.Unreachable(err) {
				s.retryLater(user, pass)
				if s.onOffline != nil {
					s.onOffline()
				}
			}
			return
		}
		s.retryDelay = 0
		s.retryGen++ // no retry of this sign-in is pending any more
		s.lastSSO = nil
		s.provLogout.Hide()
		s.onSignedIn(sess)
	}
}

// retryLater signs in again after a growing delay while the backend cannot
// be reached, as the screen promises, unless the agent changed the fields,
// signed in another way or left. UI thread.
func (s *signInScreen) retryLater(user, pass string) {
	s.retryGen++
	gen := s.retryGen
	if s.retryDelay == 0 {
		s.retryDelay = firstRetry
	}
	delay := s.retryDelay
	s.retryDelay = min(2*s.retryDelay, maxRetry)
	newRunner(s.cfg).later(delay, "sign-in retry", func() {
		if gen != s.retryGen || s.user.Text != user || s.pass.Text != pass || s.submit.Disabled() || s.left {
			return
		}
		s.onSubmit()
	})
}
