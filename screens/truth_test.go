package screens

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/auditlog"
	"verifydesk/services/casework"
	"verifydesk/services/client"
)

// What the agent sees is true: the tests of the seven points, each of
// which the console got wrong before the runner, the one connection state and
// the one account state.

// fireOnly runs the pending timers of delay d (as if their time had come) and
// keeps the others.
func (ts *timers) fireOnly(d time.Duration) int {
	var keep, run []timer
	for _, t := range ts.pending {
		if t.d == d {
			run = append(run, t)
		} else {
			keep = append(keep, t)
		}
	}
	ts.pending = keep
	for _, t := range run {
		t.f()
	}
	return len(run)
}

// truthUI is a signed-in console on a backend the test can take away, with
// its clock, timers, cache and log in the test's hands.
type truthUI struct {
	u     *UI
	ws    *workspace
	flaky *flakyBackend
	clock *fakeClock
	ts    *timers
	log   *bytes.Buffer
	api   *client.Client // the backend, as the test checks it
}

func newTruthUI(t *testing.T, withCache bool) *truthUI {
	t.Helper()
	srv := backendtest.New(t)
	tu := &truthUI{clock: newFakeClock(time.Now()), ts: &timers{}, log: &bytes.Buffer{}}
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&logMu, tu.log}, nil))
	u, _ := newTestUIFull(t, srv, func(a API) API { tu.flaky = &flakyBackend{API: a}; return tu.flaky }, func(c *Config) {
		c.Now, c.After, c.Log = tu.clock.now, tu.ts.after, logger
		if withCache {
			store, _ := openTestCache(t)
			c.Cases, c.Audit = casework.New(nil, store), &auditlog.Recorder{Cache: store}
		}
	})
	u.SubmitSignIn()
	if u.work == nil {
		t.Fatal("not signed in")
	}
	tu.u, tu.ws = u, u.work
	tu.api = client.New(srv.URL, client.Options{})
	if _, err := tu.api.SignIn(context.Background(), "sam", "demo"); err != nil {
		t.Fatal(err)
	}
	return tu
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Point 1: the backend is lost while the agent reads the Codes tab: with no
// click, the light check turns the console offline within 15 s, and the tab
// no longer says a code can be sent.
func TestBackendLostWhileIdleTurnsOfflineWithoutAClick(t *testing.T) {
	tu := newTruthUI(t, false)
	ws := tu.ws
	search(t, tu.u, "", "acc_1002")
	ws.tabs.SelectIndex(tabIndex(ws.panels, "Codes"))
	if ws.online.text != "online" || ws.codes.resend.Disabled() {
		t.Fatalf("before: badge %q, resend disabled %v, allowance %q", ws.online.text, ws.codes.resend.Disabled(), ws.codes.allowance.Text)
	}

	tu.flaky.down.Store(true)
	// The watch looks every watchEvery; nothing asks the backend until
	// idleCheck has passed since its last answer.
	var waited time.Duration
	for ws.online.text == "online" && waited <= 15*time.Second {
		tu.clock.advance(watchEvery)
		waited += watchEvery
		if tu.ts.fireOnly(watchEvery) == 0 {
			t.Fatal("no watch of the backend is scheduled")
		}
	}
	if ws.online.text != "offline" {
		t.Fatalf("badge %q %v after the backend went away, want offline within 15 s", ws.online.text, waited)
	}
	if waited < idleCheck {
		t.Errorf("asked the backend after %v: want no check before %v of silence", waited, idleCheck)
	}
	if !ws.codes.resend.Disabled() {
		t.Error("Resend enabled while the backend cannot be reached")
	}
	if a := ws.codes.allowance.Text; strings.Contains(a, "A code can be sent now") || !strings.Contains(a, "cannot be reached") {
		t.Errorf("Codes tab says %q while offline", a)
	}
	if s := ws.status.Text; !strings.Contains(s, "offline since") {
		t.Errorf("status bar %q: want it to say offline", s)
	}
	if l := tu.log.String(); !strings.Contains(l, "backend lost") || !strings.Contains(l, `call="check the backend"`) {
		t.Errorf("log does not say the backend was lost, by which call:\n%s", l)
	}

	// Back: the retry finds it, the badge and the tab follow.
	tu.flaky.down.Store(false)
	tu.clock.advance(maxRetry)
	tu.ts.fire()
	if ws.online.text != "online" || ws.codes.resend.Disabled() {
		t.Errorf("after the backend came back: badge %q, resend disabled %v (%q)", ws.online.text, ws.codes.resend.Disabled(), ws.codes.allowance.Text)
	}
	if !strings.Contains(tu.log.String(), "backend back") {
		t.Errorf("log does not say the backend came back:\n%s", tu.log.String())
	}
}

// startCase starts a case on the account on screen from its Case tab.
func (tu *truthUI) startCase(t *testing.T) string {
	t.Helper()
	ws := tu.ws
	ws.tabs.SelectIndex(len(ws.panels) - 1)
	test.Tap(findButton(t, ws.casePanel.build(), "Start the case"))
	if ws.casePanel.rec == nil {
		t.Fatalf("no case:\n%s", screenText(ws.casePanel.build()))
	}
	return ws.casePanel.rec.Case.ID
}

func (tu *truthUI) notesOnBackend(t *testing.T, caseID, text string) int {
	t.Helper()
	return notesIn(t, tu.api, caseID, text)
}

// Points 2 and 3: a note written while the backend is gone is kept, and the
// whole screen says offline (not the badge "online" beside "1 change
// queued"); when the backend answers again, still signed in, the note reaches
// it exactly once and the status bar says so.
func TestNoteQueuedOfflineIsSentWhenTheBackendIsBack(t *testing.T) {
	tu := newTruthUI(t, true)
	ws := tu.ws
	search(t, tu.u, "GB", "+447911123456")
	caseID := tu.startCase(t)

	tu.flaky.down.Store(true) // the console does not know yet
	const note = "customer will call back from the new phone"
	cp := ws.casePanel
	cp.note.SetText(note)
	test.Tap(cp.addNote)
	if ws.online.text != "offline" {
		t.Errorf("badge %q after a note could not be sent", ws.online.text)
	}
	if s := ws.status.Text; !strings.Contains(s, "1 change queued") || !strings.Contains(s, "offline since") {
		t.Errorf("status bar %q: want the queued change and offline", s)
	}
	if n := tu.notesOnBackend(t, caseID, note); n != 0 {
		t.Fatalf("%d notes on the backend while it was away", n)
	}

	tu.flaky.down.Store(false)
	tu.clock.advance(maxRetry)
	tu.ts.fire() // the offline retry: no sign-out, no click
	if n := tu.notesOnBackend(t, caseID, note); n != 1 {
		t.Fatalf("%d notes on the backend after it came back, want exactly 1", n)
	}
	if s := ws.status.Text; strings.Contains(s, "queued") || !strings.Contains(s, "1 change kept offline sent") {
		t.Errorf("status bar %q: want the change sent, none queued", s)
	}
	if !strings.Contains(ws.banner.Text, "Sent 1 change kept offline") {
		t.Errorf("banner %q", ws.banner.Text)
	}
	if l := tu.log.String(); !strings.Contains(l, "outbox sent") || !strings.Contains(l, "changes=1") {
		t.Errorf("log does not say the outbox was sent:\n%s", l)
	}
	// A second return of the backend sends nothing twice.
	tu.flaky.down.Store(true)
	ws.refresh()
	tu.flaky.down.Store(false)
	tu.clock.advance(maxRetry)
	tu.ts.fire()
	if n := tu.notesOnBackend(t, caseID, note); n != 1 {
		t.Fatalf("%d notes on the backend, want exactly 1", n)
	}
}

// Point 4: "will try again" is kept. A resend whose answer is lost because the
// backend went away is sent again by the console when it answers, with the
// same key: the customer gets one code, and the screen says it was sent.
func TestResendPromisedOfflineIsSentOnceWhenBack(t *testing.T) {
	tu := newTruthUI(t, false)
	ws := tu.ws
	search(t, tu.u, "", "acc_1002")
	ws.tabs.SelectIndex(tabIndex(ws.panels, "Codes"))
	if ws.codes.resend.Disabled() {
		t.Fatalf("Resend disabled: %q", ws.codes.allowance.Text)
	}
	acctID := ws.account.ID
	before := deliveriesOf(t, tu.api, acctID)

	tu.flaky.down.Store(true)
	test.Tap(ws.codes.resend)
	if r := ws.codes.result.Text; !strings.HasPrefix(r, "Not confirmed") || !strings.Contains(r, "sends it again by itself") {
		t.Fatalf("result %q: want the promise to send it again", r)
	}
	key := ws.pendingResendKey(acctID)
	if key == "" {
		t.Fatal("no pending resend kept")
	}
	// The agent looks at another account meanwhile: the promise stays.
	search(t, tu.u, "", "acc_1007")
	tu.flaky.down.Store(false)
	tu.clock.advance(maxRetry)
	tu.ts.fire()
	if n := deliveriesOf(t, tu.api, acctID); n != before+1 {
		t.Fatalf("%d deliveries after the backend came back, %d before: want exactly one new", n, before)
	}
	if k := ws.pendingResendKey(acctID); k != "" {
		t.Errorf("the resend is still pending after it was sent (%s)", k)
	}
	search(t, tu.u, "", "acc_1002")
	ws.tabs.SelectIndex(tabIndex(ws.panels, "Codes"))
	if n := deliveriesOf(t, tu.api, acctID); n != before+1 {
		t.Fatalf("%d deliveries, want %d: coming back sent another", n, before+1)
	}
}

func deliveriesOf(t *testing.T, c *client.Client, accountID string) int {
	t.Helper()
	ds, err := c.Deliveries(context.Background(), accountID)
	if err != nil {
		t.Fatal(err)
	}
	return len(ds)
}

// Point 5: Phone check shows what was typed only on the account that number
// found: not on the next account found by email, by id, or picked from the
// recent list.
func TestPhoneCheckShowsOnlyThisAccountsTypedNumber(t *testing.T) {
	tu := newTruthUI(t, false)
	ws := tu.ws
	ws.tabs.SelectIndex(tabIndex(ws.panels, "Phone check"))
	search(t, tu.u, "GB", "+16502530000")
	if got := ws.phone.typed.Text; !strings.Contains(got, "+16502530000") {
		t.Fatalf("Phone check after the phone search: %q", got)
	}
	first := *ws.account
	for _, q := range []string{"2fa.pending@example.com", "acc_1007", "acc_1015"} {
		search(t, tu.u, "GB", q)
		ws.tabs.SelectIndex(tabIndex(ws.panels, "Phone check"))
		if got := ws.phone.typed.Text; strings.Contains(got, "+16502530000") {
			t.Errorf("%s (%s): Phone check shows the previous customer's number: %q", q, ws.account.Name, got)
		}
		if ws.phone.worst.Visible() {
			t.Errorf("%s: a verdict badge %q for a number nobody typed", q, ws.phone.worst.text)
		}
	}
	// Back to the first account from the list: not found by the number now.
	ws.openAccount(first, nil)
	if got := ws.phone.typed.Text; strings.Contains(got, "+16502530000") {
		t.Errorf("picked from the list, Phone check shows %q", got)
	}
	// Found by its number again: shown again.
	search(t, tu.u, "GB", "+16502530000")
	if got := ws.phone.typed.Text; !strings.Contains(got, "+16502530000") {
		t.Errorf("found by its number again: %q", got)
	}
}

// Point 7: the log says what IT needs (sign-in, sign-out, the backend lost
// and back) and nothing personal: no number, email or name of a customer.
func TestSupportLogHasNoPersonalData(t *testing.T) {
	tu := newTruthUI(t, true)
	search(t, tu.u, "GB", "+447911123456")
	acct := *tu.ws.account
	tu.startCase(t)
	tu.flaky.down.Store(true)
	tu.ws.casePanel.note.SetText("called from +447911123456, email rafael.souza@example.net")
	test.Tap(tu.ws.casePanel.addNote)
	tu.flaky.down.Store(false)
	tu.clock.advance(maxRetry)
	tu.ts.fire()
	tu.u.onSignOutRequested()
	l := tu.log.String()
	for _, want := range []string{"signed in", "backend lost", "backend back", "outbox sent", "signed out"} {
		if !strings.Contains(l, want) {
			t.Errorf("log lacks %q:\n%s", want, l)
		}
	}
	for _, secret := range []string{"447911123456", "7911", "rafael", acct.Name} {
		if secret != "" && strings.Contains(l, secret) {
			t.Errorf("log holds %q:\n%s", secret, l)
		}
	}
}

// TestUIHoldIsMeasured: the runner times what our code does on the UI thread
// in every callback it runs, and names the longest.
func TestUIHoldIsMeasured(t *testing.T) {
	ResetUIHold()
	tu := newTruthUI(t, false)
	search(t, tu.u, "GB", "+447911123456")
	tu.ws.tabs.SelectIndex(tabIndex(tu.ws.panels, "Codes"))
	st := UIHold()
	if st.Count < 3 || st.Max <= 0 || st.P99 <= 0 || st.P99 > st.Max || st.Longest == "" {
		t.Errorf("UI-thread figures %+v: want the search's and the load's callbacks counted", st)
	}
}

// TestQuitEndsTheSession (hardening, point 4): quitting ends the backend
// session as Sign out does (the backend audits the sign-out), and with the
// backend gone it returns within its bound.
func TestQuitEndsTheSession(t *testing.T) {
	tu := newTruthUI(t, false)
	tu.u.EndSessionNow(2 * time.Second)
	entries, err := tu.api.AuditPage(context.Background(), client.AuditQuery{AgentID: "ag_ana", Action: "sign_out"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries.Entries) != 1 {
		t.Fatalf("the backend audited %d sign-outs at quit, want 1", len(entries.Entries))
	}

	// Offline it returns (the test would time out otherwise), and says so
	// in the log.
	gone := newTruthUI(t, false)
	gone.flaky.down.Store(true)
	gone.u.EndSessionNow(300 * time.Millisecond)
	if !strings.Contains(gone.log.String(), "the console quit") {
		t.Errorf("log:\n%s", gone.log.String())
	}
}

// TestCacheOpenedAfterTheBackendFailedOffersTheCachedCases: the console opens
// its cache beside the backend's start; when the backend is found away
// before the cache is open, the offer of the cached cases still comes.
func TestCacheOpenedAfterTheBackendFailedOffersTheCachedCases(t *testing.T) {
	store, _ := openTestCache(t)
	if err := store.SetLastAgent(data.Agent{ID: "ag_ana", Username: "ana", Name: "Ana Ruiz", Role: data.RoleAgent}); err != nil {
		t.Fatal(err)
	}
	u, w := newTestUI(t, backendtest.New(t))
	u.BackendFailed("The auth backend does not answer.")
	if u.signIn.offline.Visible() {
		t.Fatal("an offer with no cache open yet")
	}
	u.SetCache(casework.New(nil, store), &auditlog.Recorder{Cache: store}, "")
	if !u.signIn.offline.Visible() || !strings.Contains(u.signIn.offline.Text, "Ana Ruiz") {
		t.Errorf("no offer of the cached cases once the cache opened:\n%s", screenText(w.Content()))
	}
}

// TestCodesTabSaysWhenItIsNotJustThisCaller (delivery health): the demo's SMS
// network of +447911123456 is in an outage for the last 40 minutes; the Codes
// tab says so beside the customer's own failures, and points away from the
// phone. An account on a network that delivers says it delivers normally.
func TestCodesTabSaysWhenItIsNotJustThisCaller(t *testing.T) {
	tu := newTruthUI(t, false)
	ws := tu.ws
	ws.tabs.SelectIndex(tabIndex(ws.panels, "Codes"))
	search(t, tu.u, "GB", "+447911123456")
	l := ws.codes.ls.label
	if !l.Visible() || !strings.Contains(l.Text, "SMS to JT") || !strings.Contains(l.Text, "The network, not this caller's phone") {
		t.Fatalf("the Codes tab says %q (visible %v)", l.Text, l.Visible())
	}
	search(t, tu.u, "", "acc_1014")
	if strings.Contains(l.Text, "JT") {
		t.Errorf("the previous customer's network on the next: %q", l.Text)
	}
}
