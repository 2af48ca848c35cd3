package screens

import (
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"verifydesk/backend"
	"verifydesk/backend/backendtest"
	"verifydesk/services/client"
)

// lockClock is a clock tests move.
type lockClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *lockClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *lockClock) advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

// lockUI is the console as the app wires it: the client's 401 ends the
// session through SessionEnded. The backend and the window share clk.
func lockUI(t *testing.T, clk *lockClock, set func(*Config)) (*UI, fyne.Window, *timers) {
	t.Helper()
	srv := backendtest.New(t, func(c *backend.Config) { c.Now = clk.now })
	ts := &timers{}
	var u *UI
	u, w := newTestUIFull(t, srv, func(API) API {
		return client.New(srv.URL, client.Options{OnUnauthorized: func() {
			fyne.Do(func() { u.SessionEnded("Your session ended: sign in again.") })
		}})
	}, func(c *Config) {
		c.After, c.Now = ts.after, clk.now
		set(c)
	})
	return u, w, ts
}

// openCaseNote signs ana in, opens an account's case and starts a note.
func openCaseNote(t *testing.T, u *UI, w fyne.Window, note string) *casePanel {
	t.Helper()
	u.SubmitSignIn()
	search(t, u, "GB", "+447911123456")
	ws := u.work
	if ws == nil || ws.account == nil {
		t.Fatalf("no account:\n%s", screenText(w.Content()))
	}
	p := ws.casePanel
	ws.tabs.SelectIndex(len(ws.panels) - 1)
	test.Tap(findButton(t, p.build(), "Start the case"))
	if p.rec == nil {
		t.Fatalf("no case started:\n%s", screenText(p.build()))
	}
	w.Canvas().Focus(p.note)
	test.Type(p.note, note)
	return p
}

func TestSessionEndKeepsTheNoteBeingWritten(t *testing.T) {
	clk := &lockClock{}
	u, w, _ := lockUI(t, clk, func(*Config) {})
	const note = "customer says the SMS never came, roaming"
	p := openCaseNote(t, u, w, note)
	ws := u.work
	account := ws.account.ID

	// Eight hours later the session is over; the next call hears it.
	clk.advance(8*time.Hour + time.Minute)
	search(t, u, "GB", "+447911123456")
	if !u.Locked() {
		t.Fatalf("not locked after the session ended:\n%s", screenText(w.Content()))
	}
	s := screenText(w.Content())
	if !strings.Contains(s, "Your session ended: sign in again.") || strings.Contains(s, account) || strings.Contains(s, note) {
		t.Errorf("the lock screen shows:\n%s", s)
	}
	if w.MainMenu() != nil {
		t.Error("the workspace's menu stays usable behind the lock")
	}
	test.Type(u.signIn.user, "x") // keys go to the sign-in form, not the hidden note
	u.signIn.user.SetText("ana")

	u.SubmitSignIn()
	if u.Locked() || u.work != ws {
		t.Fatalf("the workspace did not come back:\n%s", screenText(w.Content()))
	}
	if p.note.Text != note || ws.account == nil || ws.account.ID != account {
		t.Errorf("after signing in again: note %q, account %v", p.note.Text, ws.account)
	}
	if w.MainMenu() == nil || w.Canvas().Focused() == nil {
		t.Errorf("after signing in again: menu %v, keyboard at %T", w.MainMenu() != nil, w.Canvas().Focused())
	}
	// The note goes to the backend with the new session.
	test.Tap(p.addNote)
	if p.note.Text != "" {
		t.Errorf("note not sent after signing in again:\n%s", screenText(p.build()))
	}
}

func TestIdleLock(t *testing.T) {
	clk := &lockClock{}
	u, w, ts := lockUI(t, clk, func(c *Config) { c.IdleLock = 15 * time.Minute })
	p := openCaseNote(t, u, w, "first words")
	ws := u.work
	idle := func(d time.Duration) {
		for step := time.Duration(0); step < d; step += time.Minute {
			clk.advance(time.Minute)
			ts.fire()
		}
	}
	idle(10 * time.Minute)
	test.Type(p.note, ", more words") // typing is input
	idle(10 * time.Minute)
	if u.Locked() {
		t.Fatal("locked 10 minutes after typing")
	}
	// Typing is seen at the check after it (a minute at most).
	idle(6 * time.Minute)
	if !u.Locked() {
		t.Fatalf("not locked after 15 minutes without input:\n%s", screenText(w.Content()))
	}
	s := screenText(w.Content())
	if !strings.Contains(s, "Locked after 15 minutes without input") || strings.Contains(s, "more words") ||
		strings.Contains(s, ws.account.ID) || strings.Contains(s, "Recent accounts") {
		t.Errorf("the lock screen shows:\n%s", s)
	}
	// The same agent gets the workspace back as it was.
	u.SubmitSignIn()
	if u.Locked() || u.work != ws || p.note.Text != "first words, more words" {
		t.Fatalf("after signing in again: note %q\n%s", p.note.Text, screenText(w.Content()))
	}
	if w.Canvas().Focused() != p.note {
		t.Errorf("the keyboard is at %T, not back in the note", w.Canvas().Focused())
	}

	// Another agent at the lock gets their own workspace.
	idle(16 * time.Minute)
	if !u.Locked() {
		t.Fatal("not locked the second time")
	}
	u.signIn.user.SetText("lee")
	u.SubmitSignIn()
	if u.Locked() || u.work == ws || u.work == nil || u.work.agent.Username != "lee" {
		t.Fatalf("lee at ana's lock:\n%s", screenText(w.Content()))
	}
	if ws.ctx.Err() == nil {
		t.Error("ana's workspace is still running behind lee's")
	}
}

func TestIdleLockOff(t *testing.T) {
	clk := &lockClock{}
	u, w, ts := lockUI(t, clk, func(c *Config) {})
	u.SubmitSignIn()
	for range 3 {
		clk.advance(time.Hour)
		ts.fire()
	}
	if u.Locked() || u.work == nil {
		t.Fatalf("locked with the idle lock off:\n%s", screenText(w.Content()))
	}
	u.SetIdleLock(time.Minute)
	clk.advance(time.Minute)
	ts.fire()
	if !u.Locked() || !strings.Contains(screenText(w.Content()), "Locked after 1 minute without input") {
		t.Fatalf("not locked after the setting changed:\n%s", screenText(w.Content()))
	}
}

func TestSettingsIdleLock(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("Verifydesk")
	w.Resize(fyne.NewSize(1280, 800))
	var saved *SettingsForm
	d := showSettings(w, SettingsForm{IdleLockMinutes: 15, RetentionDays: 30, Background: runNow}, func(f SettingsForm) { saved = &f })
	if s := screenText(w.Canvas().Overlays().Top()); !strings.Contains(s, "Lock after (minutes without input)") || d.idle.Text != "15" {
		t.Fatalf("no idle lock setting (%q):\n%s", d.idle.Text, s)
	}
	for _, bad := range []string{"0", "481", "soon"} {
		d.idle.SetText(bad)
		if err := d.idle.Validate(); err == nil || !strings.Contains(err.Error(), "from 1 to 480") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	d.idle.SetText("5")
	d.dlg.Submit()
	if saved == nil || saved.IdleLockMinutes != 5 {
		t.Fatalf("saved %+v", saved)
	}
}

// Offline review locks too, and only a sign-in the backend checks lifts it:
// the way to the cached cases is not offered round the lock.
func TestIdleLockOfflineReview(t *testing.T) {
	srv := backendtest.New(t)
	store, _ := openTestCache(t)
	var flaky *flakyBackend
	u, w := newTestUIWith(t, srv, func(a API) API { flaky = &flakyBackend{API: a}; return flaky })
	useCache(u, store)
	clk := &lockClock{}
	ts := &timers{}
	u.cfg.After, u.cfg.Now, u.cfg.IdleLock = ts.after, clk.now, 15*time.Minute
	u.SubmitSignIn()
	u.onSignOutRequested()
	flaky.down.Store(true)
	u.SubmitSignIn()
	test.Tap(u.signIn.offline)
	ws := u.work
	if ws == nil || !ws.offlineReview {
		t.Fatalf("no offline review:\n%s", screenText(w.Content()))
	}
	for range 16 {
		clk.advance(time.Minute)
		ts.fire()
	}
	if !u.Locked() || u.signIn.offline.Visible() {
		t.Fatalf("offline review not locked, or the cached cases offered round the lock:\n%s", screenText(w.Content()))
	}
	u.SubmitSignIn() // the backend is still away
	if !u.Locked() || u.work != ws || u.signIn.offline.Visible() {
		t.Fatalf("a failed sign-in lifted the lock:\n%s", screenText(w.Content()))
	}
	flaky.down.Store(false)
	u.SubmitSignIn()
	if u.Locked() || u.work == nil || u.work == ws || u.work.offlineReview || ws.ctx.Err() == nil {
		t.Fatalf("after the backend came back:\n%s", screenText(w.Content()))
	}
}
