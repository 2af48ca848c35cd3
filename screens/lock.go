package screens

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/i18n"
)

// DefaultIdleLock is how long the console waits without input before it
// locks, unless the agent's settings say otherwise (Config.IdleLock).
const DefaultIdleLock = 15 * time.Minute

// lockState is the workspace held behind the sign-in screen: when the
// session ends (the provider's token, 8 hours at most) and when the console
// locks after minutes without input. The workspace is not closed: what the
// agent was writing is still there when the same agent signs in again.
type lockState struct {
	locked bool
	// content is the workspace's content, kept as it was while locked, with
	// its menu and the widget that had the keyboard.
	content fyne.CanvasObject
	menu    *fyne.MainMenu
	focus   fyne.Focusable

	// The idle watch: last input, and what was focused at the last check
	// (typing in a field counts as input).
	last    time.Time
	focused string
	gen     generation
}

// SessionEnded tells the agent their session ended (a 401) and asks them to
// sign in again, keeping the workspace as it is behind the sign-in screen.
// Offline review and a window without a workspace go back to the sign-in
// form as SignOut does. UI thread only.
func (u *UI) SessionEnded(message string) {
	if u.work == nil || u.work.offlineReview {
		u.SignOut(message)
		return
	}
	u.lockWith(message, message)
}

// Locked reports whether the workspace is behind the lock. UI thread only.
func (u *UI) Locked() bool { return u.lock.locked }

// lockWith hides the workspace behind the sign-in screen, saying message;
// why is the log's, in English. UI thread.
func (u *UI) lockWith(why, message string) {
	if u.lock.locked || u.work == nil {
		return
	}
	u.cfg.log().Info("locked", "agent", u.work.agent.Username, "why", why)
	u.lock.locked = true
	u.lock.gen.drop()
	u.lock.content = u.root.Objects[0]
	// Neither keys nor the menu may reach the hidden workspace.
	u.lock.focus = u.win.Canvas().Focused()
	u.win.Canvas().Unfocus()
	u.lock.menu = u.win.MainMenu()
	u.win.SetMainMenu(nil)
	u.signIn.reset(message)
	// Offline review stays behind the lock too: no way round it to the
	// cached cases until a sign-in the backend checks.
	u.signIn.offline.Hide()
	u.signIn.status.Importance = widget.WarningImportance
	u.signIn.status.Refresh()
	u.root.Objects = []fyne.CanvasObject{u.signIn.build()}
	u.root.Refresh()
	if u.signIn.form == nil || u.signIn.form.Visible() {
		u.win.Canvas().Focus(u.signIn.user)
	}
}

// resume is onSignedIn's first step: after a lock, the same agent gets their
// workspace back as it was; another agent's sign-in closes it (as a sign-out
// would) and opens their own. It reports whether the workspace came back.
// UI thread.
func (u *UI) resume(s data.Session) bool {
	if !u.lock.locked {
		return false
	}
	u.lock.locked = false
	content, menu, focus := u.lock.content, u.lock.menu, u.lock.focus
	u.lock.content, u.lock.menu, u.lock.focus = nil, nil, nil
	if u.work == nil || content == nil {
		return false
	}
	switch {
	case u.work.agent.ID != s.Agent.ID:
		u.cfg.log().Info("signed out", "agent", u.work.agent.Username, "why", "another agent signed in at the lock")
		u.work.close()
		u.work = nil
		return false
	case u.work.offlineReview:
		// The backend is back: a workspace of its own, as after any offline
		// review, sends what the review kept.
		u.work.close()
		u.work = nil
		return false
	}
	u.cfg.log().Info("signed in again", "agent", s.Agent.Username, "backend", u.label)
	u.work.agent = s.Agent // the role may have changed with the groups
	u.root.Objects = []fyne.CanvasObject{content}
	u.root.Refresh()
	u.win.SetMainMenu(menu)
	if focus == nil {
		focus = u.work.search
	}
	u.win.Canvas().Focus(focus)
	u.work.syncOutbox() // what was kept while the session was over goes now
	u.watchIdle()
	return true
}

// idleLock is the configured wait before the lock; zero or negative: off.
func (u *UI) idleLock() time.Duration { return max(u.cfg.IdleLock, 0) }

// SetIdleLock changes the wait before the console locks (zero: never), from
// now on. UI thread only.
func (u *UI) SetIdleLock(d time.Duration) {
	u.cfg.IdleLock = d
	if u.work != nil && !u.lock.locked {
		u.watchIdle()
	}
}

// noteInput records input from the agent. UI thread.
func (u *UI) noteInput() { u.lock.last = u.cfg.now() }

// watchIdle (re)starts the idle watch of the open workspace. UI thread.
func (u *UI) watchIdle() {
	wait := u.idleLock()
	wanted := u.lock.gen.next()
	if wait <= 0 || u.work == nil {
		return
	}
	u.noteInput()
	u.lock.focused = u.focusState()
	u.checkIdleLater(wait, wanted)
}

func (u *UI) checkIdleLater(wait time.Duration, wanted func() bool) {
	step := min(wait, time.Minute)
	newRunner(u.cfg).later(step, "idle check", func() {
		if !wanted() || u.work == nil || u.lock.locked {
			return
		}
		if f := u.focusState(); f != u.lock.focused {
			u.lock.focused = f // typing in a field, or another field
			u.noteInput()
		}
		if u.cfg.now().Sub(u.lock.last) >= wait {
			u.lockWith(idleWords(i18n.In(i18n.English), wait), idleWords(i18n.Agent(), wait))
			return
		}
		u.checkIdleLater(wait, wanted)
	})
}

// focusState is what the focused widget holds, so typing counts as input
// though Fyne gives no window-wide key hook.
func (u *UI) focusState() string {
	f := u.win.Canvas().Focused()
	if e, ok := f.(*widget.Entry); ok {
		return fmt.Sprintf("%p %d %d %d", e, len(e.Text), e.CursorRow, e.CursorColumn)
	}
	return fmt.Sprintf("%p", f)
}

// idleWords is what the lock says after wait without input, in loc's
// language.
func idleWords(loc *i18n.Localizer, wait time.Duration) string {
	return loc.L("Locked after {{.Wait}} without input: sign in again. What you were doing is kept.",
		i18n.M{"Wait": minutes(loc, wait)})
}

// minutes is d in whole minutes ("15 minutes"), or seconds under a minute.
func minutes(loc *i18n.Localizer, d time.Duration) string {
	if d < time.Minute {
		return loc.N("{{.Count}} seconds", int(d/time.Second))
	}
	return loc.N("{{.Count}} minutes", int(d/time.Minute))
}

// activitySensor wraps the window's content and notes pointer movement over
// it as input (where no button or other hoverable widget takes it).
type activitySensor struct {
	widget.BaseWidget
	content fyne.CanvasObject
	input   func()
}

var _ desktop.Hoverable = (*activitySensor)(nil)

func newActivitySensor(content fyne.CanvasObject, input func()) *activitySensor {
	s := &activitySensor{content: content, input: input}
	s.ExtendBaseWidget(s)
	return s
}

func (s *activitySensor) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(s.content)
}

// MouseIn notes input.
func (s *activitySensor) MouseIn(*desktop.MouseEvent) { s.input() }

// MouseMoved notes input.
func (s *activitySensor) MouseMoved(*desktop.MouseEvent) { s.input() }

// MouseOut does nothing.
func (s *activitySensor) MouseOut() {}
