package screens

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"verifydesk/backend"
	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/geo"
)

// sync runs background work on the test's goroutine, so a test checks the
// outcome right after the action without sleeping.
func runNow(f func()) { f() }

// texts collects every string drawn under o: what the agent can read.
func texts(o fyne.CanvasObject) []string {
	var out []string
	walkShown(o, func(o fyne.CanvasObject) bool {
		if t, ok := o.(*canvas.Text); ok {
			out = append(out, t.Text)
		}
		return true
	})
	return out
}

func screenText(o fyne.CanvasObject) string { return strings.Join(texts(o), "\n") }

// newTestUI signs nobody in yet: the sign-in form over a real reference
// backend with demo data.
func newTestUI(t *testing.T, srv *httptest.Server) (*UI, fyne.Window) {
	t.Helper()
	return newTestUIWith(t, srv, func(a API) API { return a })
}

// newTestUIWith lets a test put something between the screens and the real
// client, to make one call fail or wait.
func newTestUIWith(t *testing.T, srv *httptest.Server, wrap func(API) API) (*UI, fyne.Window) {
	t.Helper()
	return newTestUIFull(t, srv, wrap, func(*Config) {})
}

// newTestUIFull is the test UI with both: something between the screens and
// the client (wrap), and Config fields the test sets before NewUI sees them.
func newTestUIFull(t *testing.T, srv *httptest.Server, wrap func(API) API, set func(*Config)) (*UI, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	w := a.NewWindow("Verifydesk")
	w.Resize(fyne.NewSize(1280, 800))
	// Timers never fire by themselves in tests: a test that needs the offline
	// retry replaces After and fires it.
	loc, err := geo.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { loc.Close() })
	cfg := Config{Demo: true, DemoUser: "ana", DemoPassword: "demo", Region: "US", Background: runNow,
		After: func(time.Duration, func()) {}, Locator: loc}
	set(&cfg)
	u := NewUI(w, cfg)
	w.SetContent(u.Content())
	u.SetBackend(wrap(client.New(srv.URL, client.Options{})), "demo (test)")
	return u, w
}

func signedIn(t *testing.T) (*UI, fyne.Window) {
	t.Helper()
	u, w, _ := signedInURL(t)
	return u, w
}

// signedInURL signs ana in and also returns the backend's address.
func signedInURL(t *testing.T) (*UI, fyne.Window, string) {
	t.Helper()
	srv := backendtest.New(t)
	u, w := newTestUI(t, srv)
	u.SubmitSignIn()
	if u.work == nil {
		t.Fatalf("not signed in; screen says:\n%s", screenText(w.Content()))
	}
	return u, w, srv.URL
}

func widgetCell(row, col int) widget.TableCellID { return widget.TableCellID{Row: row, Col: col} }

func TestSignInDemoPrefilled(t *testing.T) {
	u, w := newTestUI(t, backendtest.New(t))
	if u.signIn.user.Text != "ana" || u.signIn.pass.Text != "demo" {
		t.Errorf("demo credentials not filled in: %q/%q", u.signIn.user.Text, u.signIn.pass.Text)
	}
	if s := screenText(w.Content()); !strings.Contains(s, "DEMO MODE") {
		t.Errorf("sign-in does not say DEMO MODE:\n%s", s)
	}
}

func TestSignInWrongPassword(t *testing.T) {
	u, w := newTestUI(t, backendtest.New(t))
	u.signIn.pass.SetText("")
	test.Type(u.signIn.pass, "nope")
	test.Tap(u.signIn.submit)
	if u.work != nil {
		t.Fatal("signed in with a wrong password")
	}
	if s := screenText(w.Content()); !strings.Contains(s, "Wrong username or password.") {
		t.Errorf("no words for a wrong password:\n%s", s)
	}
}

func TestSignInShowsWorkspace(t *testing.T) {
	u, w := signedIn(t)
	s := screenText(w.Content())
	for _, want := range []string{"agent", "DEMO MODE", "Recent accounts", "Backend: demo (test)"} {
		if !strings.Contains(s, want) {
			t.Errorf("workspace lacks %q:\n%s", want, s)
		}
	}
	if w.Canvas().Focused() != u.work.search {
		t.Error("the search field is not the first focus")
	}
}

func search(t *testing.T, u *UI, region, text string) {
	t.Helper()
	ws := u.work
	ws.region.set(region)
	ws.search.SetText("")
	test.Type(ws.search, text)
	ws.onSearch()
}

func TestSearchMistypedTaiwanNumberFindsLegacyAccount(t *testing.T) {
	u, w := signedIn(t)
	// The customer picked Taiwan and typed the trunk 0 with separators; the
	// account stores the legacy form +8860936123456.
	search(t, u, "TW", "0936-123-456")
	if u.work.account == nil {
		t.Fatalf("no account opened; screen says:\n%s", screenText(w.Content()))
	}
	if hint := u.work.searchHint.Text; !strings.Contains(hint, "Will search +886 936 123 456") {
		t.Errorf("the hint does not show the number searched: %q", hint)
	}
	s := screenText(u.work.center)
	if !strings.Contains(s, "number: trunk 0 stored") {
		t.Errorf("no badge for the legacy trunk-0 form:\n%s", s)
	}
	if strings.Contains(s, "936123456") || strings.Contains(s, "0936 123") {
		t.Errorf("the full number is on screen without a reveal:\n%s", s)
	}
	if !strings.Contains(s, u.work.account.PhoneMasked) {
		t.Errorf("masked phone %q not shown:\n%s", u.work.account.PhoneMasked, s)
	}
}

func TestSearchEmailShowsTwoFactorNotRolledOut(t *testing.T) {
	u, w := signedIn(t)
	search(t, u, "US", "2fa.pending@example.com")
	if u.work.account == nil {
		t.Fatalf("no account; screen says:\n%s", screenText(w.Content()))
	}
	u.work.startLoad(u.work.overview)
	s := screenText(u.work.center)
	for _, want := range []string{"Kasa", "2FA not rolled out yet", "rolled out to accounts in batches"} {
		if !strings.Contains(s, want) {
			t.Errorf("overview lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "2fa.pending@example.com") {
		t.Errorf("the full email is on screen without a reveal:\n%s", s)
	}
}

func TestSearchNotFound(t *testing.T) {
	u, w := signedIn(t)
	search(t, u, "GB", "07400 123456")
	s := screenText(w.Content())
	if !strings.Contains(s, "No account found for +44 7400 123456") {
		t.Errorf("no not-found words:\n%s", s)
	}
}

func TestSearchLettersIsNotSent(t *testing.T) {
	u, w := signedIn(t)
	search(t, u, "TW", "0936ABC456")
	if u.work.account != nil {
		t.Fatal("a number with letters was searched")
	}
	if s := screenText(w.Content()); !strings.Contains(strings.ToLower(s), "letter") {
		t.Errorf("no word about letters under the search:\n%s", s)
	}
}

func TestBackendUnreachable(t *testing.T) {
	srv := backendtest.New(t)
	u, w := newTestUI(t, srv)
	u.SubmitSignIn()
	srv.Close() // the backend goes away mid-call
	search(t, u, "US", "+16502530000")
	s := screenText(w.Content())
	if strings.Contains(s, "dial tcp") || strings.Contains(s, "connection refused") {
		t.Errorf("a Go error reached the screen:\n%s", s)
	}
	if !strings.Contains(s, "offline") {
		t.Errorf("the top bar does not say offline:\n%s", s)
	}
	if !strings.Contains(strings.ToLower(s), "backend") {
		t.Errorf("no words about the backend:\n%s", s)
	}
}

func TestRevealNeedsReasonAndShowsValue(t *testing.T) {
	u, w := signedIn(t)
	search(t, u, "GB", "07911 123456")
	if u.work.account == nil {
		t.Fatalf("no account; screen says:\n%s", screenText(w.Content()))
	}
	valid := revealReason("phone")
	for _, bad := range []string{"", "   ", "because"} {
		if valid(bad) == nil {
			t.Errorf("reason %q accepted", bad)
		}
	}
	if err := valid("caller confirms the number"); err != nil {
		t.Errorf("a real reason refused: %v", err)
	}
	// The agent types a reason and presses Enter: the number shows, grouped
	// to read back.
	h := u.work.header
	h.onReveal("phone")
	reason, ok := w.Canvas().Focused().(*escEntry)
	if !ok {
		t.Fatalf("the reason field does not take the keyboard: %T", w.Canvas().Focused())
	}
	test.Type(reason, "caller confirms the number on file")
	reason.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s := screenText(w.Content()); !strings.Contains(s, "+44 7911 123456 (revealed)") {
		t.Errorf("revealed number not shown:\n%s", s)
	}
	// Another account drops what was revealed.
	search(t, u, "US", "+16502530000")
	if s := screenText(w.Content()); strings.Contains(s, "(revealed)") {
		t.Errorf("a revealed value stayed on screen for another account:\n%s", s)
	}
}

func TestLeftColumnCollapses(t *testing.T) {
	u, w := signedIn(t)
	search(t, u, "US", "+16502530000")
	if !strings.Contains(screenText(w.Content()), "Recent accounts") {
		t.Fatal("no left column to start with")
	}
	test.Tap(u.work.collapse)
	s := screenText(w.Content())
	if strings.Contains(s, "Recent accounts") {
		t.Error("the left column is still shown after hiding it")
	}
	if !strings.Contains(s, "Emily Carter") {
		t.Errorf("the account went away with the left column:\n%s", s)
	}
	test.Tap(u.work.collapse)
	if s := screenText(w.Content()); !strings.Contains(s, "Recent accounts") || !strings.Contains(s, "Emily Carter") {
		t.Errorf("showing the lists again lost something:\n%s", s)
	}
}

// slowSearch holds back the search for one phone number until released, so a
// test can run a newer search while an older one is still under way.
type slowSearch struct {
	API
	phone   string
	entered chan struct{}
	release chan struct{}
}

func (s *slowSearch) SearchAccounts(ctx context.Context, q client.AccountQuery) ([]data.Account, error) {
	if q.Phone == s.phone {
		close(s.entered)
		<-s.release
	}
	return s.API.SearchAccounts(ctx, q)
}

func TestOlderSearchDoesNotReplaceNewer(t *testing.T) {
	srv := backendtest.New(t)
	a := test.NewTempApp(t)
	w := a.NewWindow("Verifydesk")
	w.Resize(fyne.NewSize(1280, 800))
	// Timers never fire by themselves in tests: a test that needs the offline
	// retry replaces After and fires it.
	loc, err := geo.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { loc.Close() })
	u := NewUI(w, Config{Demo: true, DemoUser: "ana", DemoPassword: "demo", Region: "US", Background: runNow,
		After: func(time.Duration, func()) {}, Locator: loc})
	w.SetContent(u.Content())
	slow := &slowSearch{API: client.New(srv.URL, client.Options{}), phone: "+16502530000", entered: make(chan struct{}), release: make(chan struct{})}
	u.SetBackend(slow, "demo (test)")
	u.SubmitSignIn()
	ws := u.work

	done := make(chan struct{})
	go func() {
		ws.startSearch("US", "+16502530000")
		close(done)
	}()
	<-slow.entered // the older search waits on the backend now
	ws.startSearch("US", "2fa.pending@example.com")
	close(slow.release)
	<-done
	if ws.account == nil || ws.account.App != "Kasa" {
		t.Fatalf("the older search's answer replaced the newer one: %+v", ws.account)
	}
}

// flakyBackend is the real client with a switch that makes every call fail
// as if the network were gone, the way a killed backend looks to the client.
type flakyBackend struct {
	API
	down atomic.Bool
}

func (f *flakyBackend) fail() error {
	if f.down.Load() {
		return fmt.Errorf("test: backend down: %w", client.ErrOffline)
	}
	return nil
}

func (f *flakyBackend) SignOut(ctx context.Context) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.API.SignOut(ctx)
}

func (f *flakyBackend) Me(ctx context.Context) (data.Agent, error) {
	if err := f.fail(); err != nil {
		return data.Agent{}, err
	}
	return f.API.Me(ctx)
}

func (f *flakyBackend) Account(ctx context.Context, id string) (data.Account, error) {
	if err := f.fail(); err != nil {
		return data.Account{}, err
	}
	return f.API.Account(ctx, id)
}

func (f *flakyBackend) Deliveries(ctx context.Context, id string) ([]data.Delivery, error) {
	if err := f.fail(); err != nil {
		return nil, err
	}
	return f.API.Deliveries(ctx, id)
}

func (f *flakyBackend) SearchAccounts(ctx context.Context, q client.AccountQuery) ([]data.Account, error) {
	if err := f.fail(); err != nil {
		return nil, err
	}
	return f.API.SearchAccounts(ctx, q)
}

// The rest of what a gone backend fails: every call the console makes by
// itself (polls, the open cases, the outbox) must see it gone too.

func (f *flakyBackend) ListApprovals(ctx context.Context, q client.ApprovalQuery) ([]data.Approval, error) {
	if err := f.fail(); err != nil {
		return nil, err
	}
	return f.API.ListApprovals(ctx, q)
}

func (f *flakyBackend) PendingApprovals(ctx context.Context) (int, error) {
	if err := f.fail(); err != nil {
		return 0, err
	}
	return f.API.PendingApprovals(ctx)
}

func (f *flakyBackend) Cases(ctx context.Context, q client.CaseQuery) ([]data.Case, error) {
	if err := f.fail(); err != nil {
		return nil, err
	}
	return f.API.Cases(ctx, q)
}

func (f *flakyBackend) Case(ctx context.Context, caseID string) (data.Case, error) {
	if err := f.fail(); err != nil {
		return data.Case{}, err
	}
	return f.API.Case(ctx, caseID)
}

func (f *flakyBackend) AddNote(ctx context.Context, caseID string, note data.Note) (data.Case, error) {
	if err := f.fail(); err != nil {
		return data.Case{}, err
	}
	return f.API.AddNote(ctx, caseID, note)
}

func (f *flakyBackend) UpdateCase(ctx context.Context, caseID string, patch data.CasePatch) (data.Case, error) {
	if err := f.fail(); err != nil {
		return data.Case{}, err
	}
	return f.API.UpdateCase(ctx, caseID, patch)
}

func (f *flakyBackend) RateLimits(ctx context.Context, accountID string) (data.RateLimits, error) {
	if err := f.fail(); err != nil {
		return data.RateLimits{}, err
	}
	return f.API.RateLimits(ctx, accountID)
}

func (f *flakyBackend) TrustedDevices(ctx context.Context, accountID string) ([]data.TrustedDevice, error) {
	if err := f.fail(); err != nil {
		return nil, err
	}
	return f.API.TrustedDevices(ctx, accountID)
}

func (f *flakyBackend) Resend(ctx context.Context, accountID string, req data.ResendRequest, key string) (data.ResendResult, error) {
	if err := f.fail(); err != nil {
		return data.ResendResult{}, err
	}
	return f.API.Resend(ctx, accountID, req, key)
}

func (f *flakyBackend) RecordChainHead(ctx context.Context, head data.ChainHeadRequest) (data.ChainHead, error) {
	if err := f.fail(); err != nil {
		return data.ChainHead{}, err
	}
	return f.API.RecordChainHead(ctx, head)
}

// timers holds the console's pending timers so a test fires them when it says.
type timers struct{ pending []timer }

type timer struct {
	d time.Duration
	f func()
}

func (ts *timers) after(d time.Duration, f func()) { ts.pending = append(ts.pending, timer{d, f}) }

// retries are the pending timers other than the approvals poll.
func (ts *timers) retries() []time.Duration {
	var ds []time.Duration
	for _, t := range ts.pending {
		if t.d != approvalsPoll && t.d != searchingAfter && t.d != watchEvery {
			ds = append(ds, t.d)
		}
	}
	return ds
}

// fire runs the pending timers (as if their time had come) and returns their delays.
func (ts *timers) fire() []time.Duration {
	p := ts.pending
	ts.pending = nil
	var ds []time.Duration
	for _, t := range p {
		ds = append(ds, t.d)
		t.f()
	}
	return ds
}

func TestOfflineTabRetriesAndRecoversByItself(t *testing.T) {
	srv := backendtest.New(t)
	var flaky *flakyBackend
	u, w := newTestUIWith(t, srv, func(a API) API { flaky = &flakyBackend{API: a}; return flaky })
	ts := &timers{}
	u.cfg.After = ts.after
	u.SubmitSignIn()
	search(t, u, "GB", "+447911123456")
	ws := u.work
	if ws.account == nil {
		t.Fatalf("no account:\n%s", screenText(w.Content()))
	}
	ws.tabs.SelectIndex(1) // Codes
	if !strings.Contains(ws.codes.ls.label.Text, "sent in the last 30 days") {
		t.Fatalf("codes not loaded: %q", ws.codes.ls.label.Text)
	}

	// The backend goes away; the agent presses Refresh.
	flaky.down.Store(true)
	test.Tap(ws.header.refresh)
	if ws.online.text != "offline" {
		t.Errorf("badge %q, want offline", ws.online.text)
	}
	if got := ws.codes.ls.label.Text; !strings.Contains(got, "could not be loaded") || !strings.Contains(got, "tries again") {
		t.Errorf("codes tab says %q: want the failure and the promise to retry", got)
	}
	if ds := ts.retries(); len(ds) != 1 || ds[0] != firstRetry {
		t.Fatalf("retries scheduled: %v, want one after %v (the promise must be kept)", ds, firstRetry)
	}
	// Still down: the retry fails and the next waits longer.
	ts.fire()
	if ds := ts.retries(); len(ds) != 1 || ds[0] != 2*firstRetry {
		t.Fatalf("after a failed retry: %v, want one retry after %v", ds, 2*firstRetry)
	}
	// Back: the next retry reloads the tab and the badge turns online, with
	// no search and no click.
	flaky.down.Store(false)
	ts.fire()
	if ws.online.text != "online" {
		t.Errorf("badge %q after the backend came back", ws.online.text)
	}
	if got := ws.codes.ls.label.Text; !strings.Contains(got, "sent in the last 30 days") {
		t.Errorf("codes tab did not reload by itself: %q", got)
	}
	if ds := ts.retries(); len(ds) != 0 {
		t.Errorf("retries still scheduled once online: %v", ds)
	}
}

func TestOfflineSearchRunsAgainWhenBackendIsBack(t *testing.T) {
	srv := backendtest.New(t)
	var flaky *flakyBackend
	u, w := newTestUIWith(t, srv, func(a API) API { flaky = &flakyBackend{API: a}; return flaky })
	ts := &timers{}
	u.cfg.After = ts.after
	u.SubmitSignIn()
	flaky.down.Store(true)
	search(t, u, "GB", "+447911123456")
	if s := screenText(u.work.center); !strings.Contains(s, "tries again") {
		t.Errorf("failed search says:\n%s", s)
	}
	flaky.down.Store(false)
	ts.fire() // the probe (who am I) answers: the search runs again
	if u.work.account == nil || u.work.online.text != "online" {
		t.Errorf("search not run again when the backend answered:\n%s", screenText(w.Content()))
	}
}

func TestSearchHintLeavesAppFormFindingsToPhoneCheck(t *testing.T) {
	for _, c := range []struct{ region, text, want, not string }{
		{"US", "+16502530000", "Will search +1 650-253-0000", "plus sign"},
		{"US", "+447911123456", "Will search +44 7911 123456", "country code"},
		{"GB", "056 1234 5678", "internet (VoIP) number", ""},
	} {
		hint := searchHint(parseQuery(c.text, c.region))
		if !strings.Contains(hint, c.want) || c.not != "" && strings.Contains(hint, c.not) {
			t.Errorf("hint for %q in %s: %q (want %q, not %q)", c.text, c.region, hint, c.want, c.not)
		}
	}
}

func TestCountryPickerFindsByTyping(t *testing.T) {
	u, w := signedIn(t)
	var remembered []string
	ws := u.work
	ws.region.onChange = func(code string) { remembered = append(remembered, code) }
	test.Tap(ws.region.button)
	if w.Canvas().Focused() != ws.region.query {
		t.Fatal("the finder does not take the keyboard")
	}
	test.Type(ws.region.query, "tai")
	if len(ws.region.matches) == 0 || ws.region.matches[0].Code != "TW" {
		t.Fatalf("'tai' finds %v first", ws.region.matches)
	}
	ws.region.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if ws.selectedRegion() != "TW" || ws.region.button.Text != "Taiwan (+886)" {
		t.Errorf("picked %q, button %q", ws.selectedRegion(), ws.region.button.Text)
	}
	if len(remembered) != 1 || remembered[0] != "TW" {
		t.Errorf("remembered %v", remembered)
	}
	// The next time Taiwan comes first with nothing typed.
	test.Tap(ws.region.button)
	if ws.region.matches[0].Code != "TW" {
		t.Errorf("recent country not first: %v", ws.region.matches[0])
	}
	test.Type(ws.region.query, "886")
	ws.region.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if ws.selectedRegion() != "TW" {
		t.Errorf("'886' picked %q", ws.selectedRegion())
	}
}

func TestKeyboardShortcuts(t *testing.T) {
	u, w := signedIn(t)
	ws := u.work
	search(t, u, "GB", "+447911123456")
	if ws.account == nil {
		t.Fatalf("no account:\n%s", screenText(w.Content()))
	}
	shortcut := func(key fyne.KeyName, mod fyne.KeyModifier) {
		w.Canvas().(interface {
			TypedShortcut(fyne.Shortcut)
		}).TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod})
	}
	for i, p := range ws.panels {
		shortcut(fyne.KeyName(fmt.Sprint(i+1)), fyne.KeyModifierShortcutDefault)
		if ws.tabs.SelectedIndex() != i {
			t.Errorf("Ctrl+%d shows tab %d, want %s", i+1, ws.tabs.SelectedIndex(), p.title())
		}
		// The keyboard lands on the tab's first control.
		if ks, ok := p.(keyboardStart); ok && ks.firstControl() != nil && w.Canvas().Focused() != ks.firstControl() {
			t.Errorf("Ctrl+%d leaves the focus on %T, not on the %s tab's first control", i+1, w.Canvas().Focused(), p.title())
		}
	}
	if w.Canvas().Focused() != ws.casePanel.firstControl() || ws.casePanel.firstControl() == nil {
		t.Error("Ctrl+6 does not put the keyboard on the case's category")
	}
	shortcut(fyne.KeyTab, fyne.KeyModifierControl)
	if ws.tabs.SelectedIndex() != 0 {
		t.Errorf("Ctrl+Tab from the last tab shows %d, want the first", ws.tabs.SelectedIndex())
	}
	shortcut(fyne.Key2, fyne.KeyModifierShortcutDefault)
	if w.Canvas().Focused() != ws.codes.channel {
		t.Error("Ctrl+2 does not put the keyboard on the resend channel")
	}
	// Ctrl+F selects the last search, so typing replaces it.
	shortcut(fyne.KeyF, fyne.KeyModifierShortcutDefault)
	if w.Canvas().Focused() != ws.search {
		t.Fatal("Ctrl+F does not focus the search")
	}
	test.Type(ws.search, "ZZ")
	if ws.search.Text != "ZZ" {
		t.Errorf("typing after Ctrl+F gives %q, want ZZ", ws.search.Text)
	}
}

func TestSignInRetriesWhileTheBackendIsAway(t *testing.T) {
	srv := backendtest.New(t)
	var flaky *flakyBackend
	u, _ := newTestUIWith(t, srv, func(a API) API { flaky = &flakyBackend{API: a}; return flaky })
	ts := &timers{}
	u.signIn.cfg.After = ts.after
	flaky.down.Store(true)
	u.SubmitSignIn()
	if u.work != nil || !strings.Contains(u.signIn.status.Text, "tries again") {
		t.Fatalf("offline sign-in: %q", u.signIn.status.Text)
	}
	ts.fire() // still away: it fails again and waits longer
	if u.work != nil || len(ts.pending) != 1 || ts.pending[0].d != 2*firstRetry {
		t.Fatalf("second try: %+v", ts.pending)
	}
	flaky.down.Store(false)
	ts.fire()
	if u.work == nil {
		t.Fatalf("not signed in once the backend is back: %q", u.signIn.status.Text)
	}
}

// searchHook runs during before the backend's answer to a search.
type searchHook struct {
	API
	during func()
}

func (s *searchHook) SearchAccounts(ctx context.Context, q client.AccountQuery) ([]data.Account, error) {
	if s.during != nil {
		s.during()
	}
	return s.API.SearchAccounts(ctx, q)
}

// A quick answer changes the screen once, to the account; a slow one shows
// the progress in place of the last account, so it is not taken for the
// caller's.
func TestSlowSearchShowsProgressQuickOneDoesNot(t *testing.T) {
	srv := backendtest.New(t)
	slow := &searchHook{}
	u, w := newTestUIWith(t, srv, func(a API) API { slow.API = a; return slow })
	ts := &timers{}
	u.cfg.After = ts.after
	u.SubmitSignIn()
	search(t, u, "GB", "+447911123456")
	ws := u.work
	if ws.account == nil {
		t.Fatalf("no account:\n%s", screenText(w.Content()))
	}
	ts.fire() // the quick search's progress timer: its answer is on screen already
	if s := screenText(ws.center); strings.Contains(s, "Searching") || !strings.Contains(s, "Oliver Bennett") {
		t.Fatalf("after a quick search the screen shows:\n%s", s)
	}
	var during string
	slow.during = func() {
		if !strings.Contains(ws.searchHint.Text, "searching") {
			t.Errorf("the hint does not say a search runs: %q", ws.searchHint.Text)
		}
		ts.fire() // the answer takes longer than searchingAfter
		during = screenText(ws.center)
	}
	search(t, u, "US", "+16502530000")
	if !strings.Contains(during, "Searching…") || strings.Contains(during, "Oliver Bennett") {
		t.Errorf("while a slow search runs the screen shows:\n%s", during)
	}
	if ws.account == nil || ws.account.ID != "acc_1005" || strings.Contains(ws.searchHint.Text, "searching") {
		t.Errorf("after the slow search: account %v, hint %q", ws.account, ws.searchHint.Text)
	}
}

// runInline runs a job on the calling goroutine, work then done: a panel's
// background work made synchronous for a test of the panel on its own.
func runInline(j job) {
	var err error
	if j.work != nil {
		err = j.work(context.Background())
	}
	if (j.wanted == nil || j.wanted()) && j.done != nil {
		j.done(err)
	}
}

// A console pointed with --backend at a backend that serves demo data says
// DEMO MODE once signed in, as on its own embedded one; on a backend of real
// data it does not.
func TestDemoModeFollowsTheBackend(t *testing.T) {
	for _, demo := range []bool{true, false} {
		b, err := backend.Open(backend.Config{DBPath: filepath.Join(t.TempDir(), "backend.db"), Demo: demo})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		if !demo { // a backend of real data: one agent to sign in with
			if err := b.AddAgent(context.Background(), "ag_ana", "ana", "Ana Ruiz", data.RoleAgent, "demo"); err != nil {
				t.Fatal(err)
			}
		}
		srv := httptest.NewServer(b.Handler())
		t.Cleanup(srv.Close)
		u, w := newTestUIFull(t, srv, func(a API) API { return a }, func(c *Config) { c.Demo = false })
		u.signIn.user.SetText("ana")
		u.signIn.pass.SetText("demo")
		u.SubmitSignIn()
		if u.work == nil {
			t.Fatalf("demo %v: not signed in:\n%s", demo, screenText(w.Content()))
		}
		if got := strings.Contains(screenText(w.Content()), "DEMO MODE"); got != demo {
			t.Errorf("backend with demo data %v: DEMO MODE on screen %v", demo, got)
		}
	}
}

// The sign-in fields stay where they are when a notice arrives after the
// form is on screen (the cache's, at start): a click aimed at the username
// landed on the form moved under it.
func TestSignInFieldsDoNotMoveWhenANoticeArrives(t *testing.T) {
	u, w := newTestUI(t, backendtest.New(t))
	w.Resize(fyne.NewSize(1280, 800))
	d := fyne.CurrentApp().Driver()
	before := d.AbsolutePositionForObject(u.signIn.user)
	u.signIn.setCacheProblem("No OS keyring is available: the cache key is in a file beside the cache (readable only by you). Anyone who can read both files can read the cached cases.")
	w.Content().Refresh()
	if after := d.AbsolutePositionForObject(u.signIn.user); after != before {
		t.Errorf("the username field moved from %v to %v when the cache's notice arrived", before, after)
	}
}
