package screens

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/data/cache"
	"verifydesk/services/auditlog"
	"verifydesk/services/cases"
	"verifydesk/services/casework"
	"verifydesk/services/client"
)

// noKeyring is a machine without an OS keyring: the cache keeps its key in a
// 0600 file.
type noKeyring struct{}

func (noKeyring) Get(string, string) (string, error) { return "", errors.New("no keyring here") }
func (noKeyring) Set(string, string, string) error   { return errors.New("no keyring here") }

func openTestCache(t *testing.T) (*cache.Cache, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cache.db")
	c, err := cache.Open(path, cache.Options{Keyring: noKeyring{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, path
}

// useCache gives the UI the case work and the local audit over store, as the
// app does (before the sign-in: the workspace binds them to its backend).
func useCache(u *UI, store *cache.Cache) {
	u.cfg.Cases, u.cfg.Audit = casework.New(nil, store), &auditlog.Recorder{Cache: store}
}

func TestCaseTabStartTickNoteOnlineAndOffline(t *testing.T) {
	srv := backendtest.New(t)
	store, path := openTestCache(t)
	var flaky *flakyBackend
	u, w := newTestUIWith(t, srv, func(a API) API { flaky = &flakyBackend{API: a}; return flaky })
	useCache(u, store)
	u.cfg.After = (&timers{}).after
	u.SubmitSignIn()
	search(t, u, "GB", "+447911123456")
	ws := u.work
	if ws.account == nil {
		t.Fatalf("no account:\n%s", screenText(w.Content()))
	}
	p := ws.casePanel
	ws.tabs.SelectIndex(len(ws.panels) - 1)
	s := screenText(p.build())
	if !strings.Contains(s, "No open case for this account.") || !strings.Contains(s, "Suggested from what the console sees") {
		t.Fatalf("start view:\n%s", s)
	}
	// One click: the suggested category is already picked.
	start := findButton(t, p.build(), "Start the case")
	test.Tap(start)
	if p.rec == nil {
		t.Fatalf("no case started:\n%s", screenText(p.build()))
	}
	if p.rec.Case.Category != cases.CategorySMSNotArriving {
		t.Errorf("category %q, want the SMS one for an unreachable handset", p.rec.Case.Category)
	}
	c := client.New(srv.URL, client.Options{})
	if _, err := c.SignIn(context.Background(), "ana", "demo"); err != nil {
		t.Fatal(err)
	}
	onBackend := func() data.Case {
		t.Helper()
		got, err := c.Case(context.Background(), p.rec.Case.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	prefilled := 0
	for _, st := range p.steps {
		if st.Reason != "" {
			prefilled++
		}
	}
	if prefilled == 0 || len(onBackend().Checklist) != len(p.steps) {
		t.Errorf("%d pre-filled steps; backend holds %d of %d", prefilled, len(onBackend().Checklist), len(p.steps))
	}
	if !ws.header.openCase.Visible() {
		t.Error("the header does not say the account has an open case")
	}

	// Tick a step: the backend has it.
	i := -1
	for j, st := range p.steps {
		if st.State == cases.StateTodo {
			i = j
			break
		}
	}
	if i < 0 {
		t.Fatal("no step left to tick")
	}
	p.steps[i].State = cases.StateDone
	p.save(data.CasePatch{Checklist: cases.ContractSteps(p.steps)}, "step")
	if got := onBackend().Checklist[i].State; got != cases.StateDone {
		t.Errorf("step %d on the backend is %q after the tick", i, got)
	}

	// A note online.
	p.note.SetText("customer restarted the phone, still nothing")
	test.Tap(p.addNote)
	if n := len(onBackend().Notes); n != 1 {
		t.Fatalf("%d notes on the backend after one", n)
	}

	// Offline: the tab works from the cache, the note is queued.
	flaky.down.Store(true)
	ws.startLoad(p)
	if !p.cached || !strings.Contains(screenText(p.build()), "only cached") {
		t.Fatalf("offline case tab:\n%s", screenText(p.build()))
	}
	const offlineNote = "called back, customer was roaming abroad"
	p.note.SetText(offlineNote)
	test.Tap(p.addNote)
	if st, _ := store.Stats(); st.Queued != 1 {
		t.Fatalf("queued %d after an offline note", st.Queued)
	}
	if !strings.Contains(screenText(p.build()), offlineNote) {
		t.Error("the offline note is not on screen")
	}
	if n := len(onBackend().Notes); n != 1 {
		t.Fatalf("the backend has %d notes while offline", n)
	}
	if s := ws.status.Text; !strings.Contains(s, "1 change queued") {
		t.Errorf("status bar %q: want the queued change", s)
	}

	// Back online: the outbox goes exactly once, even when sent twice.
	flaky.down.Store(false)
	for range 2 {
		if _, err := casework.New(c, store).Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	notes := onBackend().Notes
	count := 0
	for _, n := range notes {
		if n.Text == offlineNote {
			count++
		}
	}
	if count != 1 || len(notes) != 2 {
		t.Errorf("backend notes %+v: want the offline note once", notes)
	}

	// Nothing personal in clear in the cache file.
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{offlineNote, "customer restarted the phone", "+447911123456", "example.co.uk"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the cache file holds %q in clear", secret)
		}
	}
}

// findButton is the button under o whose text starts with prefix.
func findButton(t *testing.T, o any, prefix string) *widget.Button {
	t.Helper()
	found := findButtonOr(o.(fyne.CanvasObject), prefix)
	if found == nil {
		t.Fatalf("no button %q", prefix)
	}
	return found
}

func (f *flakyBackend) SignIn(ctx context.Context, user, pass string) (data.Session, error) {
	if err := f.fail(); err != nil {
		return data.Session{}, err
	}
	return f.API.SignIn(ctx, user, pass)
}

func TestOfflineReviewFromSignInAndSyncAfterSigningInAgain(t *testing.T) {
	srv := backendtest.New(t)
	store, _ := openTestCache(t)
	var flaky *flakyBackend
	u, w := newTestUIWith(t, srv, func(a API) API { flaky = &flakyBackend{API: a}; return flaky })
	useCache(u, store)
	u.cfg.After = (&timers{}).after
	u.SubmitSignIn()
	search(t, u, "GB", "+447911123456")
	p := u.work.casePanel
	u.work.tabs.SelectIndex(len(u.work.panels) - 1)
	test.Tap(findButton(t, p.build(), "Start the case"))
	if p.rec == nil {
		t.Fatal("no case")
	}
	caseID := p.rec.Case.ID
	test.Tap(u.work.header.w.collapse) // any click; then sign out
	u.onSignOutRequested()

	// The backend goes away; the sign-in fails and offers the cached cases.
	flaky.down.Store(true)
	u.SubmitSignIn()
	if u.work != nil || !u.signIn.offline.Visible() {
		t.Fatalf("no offline offer:\n%s", screenText(w.Content()))
	}
	if !strings.Contains(u.signIn.offline.Text, "Ana Ruiz") {
		t.Errorf("offer %q: want the last agent's name", u.signIn.offline.Text)
	}
	test.Tap(u.signIn.offline)
	ws := u.work
	if ws == nil || ws.online.text != "offline" {
		t.Fatalf("offline review not opened:\n%s", screenText(w.Content()))
	}
	if len(ws.browser.rows) != 1 || ws.browser.rows[0].ID != caseID {
		t.Fatalf("cached cases: %+v", ws.browser.rows)
	}
	// Search the cache by note words and by phone.
	ws.browser.query.SetText("+447911123456")
	ws.browser.refresh()
	if len(ws.browser.rows) != 1 {
		t.Errorf("search by phone: %d cases", len(ws.browser.rows))
	}
	ws.browser.table.Select(widgetCell(0, 0))
	if ws.account == nil || ws.tabs.SelectedIndex() != len(ws.panels)-1 {
		t.Fatalf("the case did not open on its tab:\n%s", screenText(w.Content()))
	}
	cp := ws.casePanel
	if cp.rec == nil || !cp.cached {
		t.Fatalf("case tab offline:\n%s", screenText(cp.build()))
	}
	const note = "reviewed offline: asked the customer to check roaming"
	cp.note.SetText(note)
	test.Tap(cp.addNote)
	if st, _ := store.Stats(); st.Queued != 1 {
		t.Fatalf("queued %d", st.Queued)
	}

	// Back: the next probe finds the backend, the agent signs in, the note goes once.
	flaky.down.Store(false)
	u.SignOut("")
	u.SubmitSignIn()
	if u.work == nil {
		t.Fatal("not signed in again")
	}
	got, err := flaky.API.(*client.Client).Case(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range got.Notes {
		if x.Text == note {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the offline note is on the backend %d times", n)
	}
	if !strings.Contains(u.work.banner.Text, "Sent 1 change kept offline.") {
		t.Errorf("banner %q", u.work.banner.Text)
	}
}

func TestCaseAttachmentsAndOfflineConflicts(t *testing.T) {
	srv := backendtest.New(t)
	store, _ := openTestCache(t)
	var flaky *flakyBackend
	u, _ := newTestUIWith(t, srv, func(a API) API { flaky = &flakyBackend{API: a}; return flaky })
	useCache(u, store)
	u.cfg.After = (&timers{}).after
	u.SubmitSignIn()
	search(t, u, "GB", "+447911123456")
	ws := u.work
	p := ws.casePanel
	ws.tabs.SelectIndex(len(ws.panels) - 1)
	test.Tap(findButton(t, p.build(), "Start the case"))
	if p.rec == nil {
		t.Fatal("no case")
	}
	id := p.rec.Case.ID

	// A screenshot is kept; a file that is not one is refused with the reason.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
	p.attach(id, p.rec.Case.AccountID, "2fa-settings.png", io.NopCloser(bytes.NewReader(png)))
	if len(p.rec.Attachments) != 1 || !strings.Contains(p.saveInfo.Text, "Attached 2fa-settings.png") {
		t.Fatalf("attachments %+v, %q", p.rec.Attachments, p.saveInfo.Text)
	}
	p.attach(id, p.rec.Case.AccountID, "notes.exe", io.NopCloser(strings.NewReader("MZ\x90\x00binary")))
	if len(p.rec.Attachments) != 1 || !strings.HasPrefix(p.saveInfo.Text, "Not attached: ") || strings.Contains(p.saveInfo.Text, "Something went wrong") {
		t.Errorf("a program was not refused in words: %q", p.saveInfo.Text)
	}

	// Offline the agent sets "waiting on customer"; meanwhile the case is
	// escalated on the backend. Back, the sync finds the conflict and the tab
	// asks; applying mine again sets it over the backend's copy.
	flaky.down.Store(true)
	ws.startLoad(p)
	waiting := data.CaseWaiting
	p.save(data.CasePatch{Status: &waiting}, "status")
	c := client.New(srv.URL, client.Options{})
	if _, err := c.SignIn(context.Background(), "sam", "demo"); err != nil {
		t.Fatal(err)
	}
	cur, err := c.Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	escalated := data.CaseEscalated
	if _, err := c.UpdateCase(context.Background(), id, data.CasePatch{Version: cur.Version, Status: &escalated}); err != nil {
		t.Fatal(err)
	}
	flaky.down.Store(false)
	if _, err := casework.New(c, store).Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	ws.startLoad(p)
	if len(p.conflicts) != 1 || !strings.Contains(screenText(p.build()), "Offline you set the status waiting on customer") {
		t.Fatalf("conflict not shown:\n%s", screenText(p.build()))
	}
	test.Tap(findButton(t, p.build(), "Apply mine again"))
	got, err := c.Case(context.Background(), id)
	if err != nil || got.Status != data.CaseWaiting {
		t.Errorf("after applying mine: %q (%v)", got.Status, err)
	}
	if len(p.conflicts) != 0 {
		t.Errorf("the conflict is still offered: %+v", p.conflicts)
	}
}

// Writing a case as the call goes: an added note says so where the agent
// looks and the page scrolls to it; the mouse wheel over an escalation field
// scrolls the page, as it does beside it.
func TestCaseNoteConfirmedAndWheelScrollsOverFields(t *testing.T) {
	u, w := signedIn(t)
	search(t, u, "GB", "+447911123456")
	ws := u.work
	p := ws.casePanel
	ws.tabs.SelectIndex(len(ws.panels) - 1)
	test.Tap(findButton(t, p.build(), "Start the case"))
	if p.rec == nil || p.scroll == nil {
		t.Fatalf("no case started:\n%s", screenText(p.build()))
	}
	w.Resize(fyne.NewSize(1280, 800))

	// The wheel over the first escalation field moves the page.
	var field *widget.Entry
	for _, e := range p.fields {
		field = e
		break
	}
	if field == nil {
		t.Fatal("no escalation field")
	}
	// The page scrolled so that the field is in view, the pointer on it.
	d := fyne.CurrentApp().Driver()
	p.scroll.ScrollToTop()
	inPage := d.AbsolutePositionForObject(field).Y - d.AbsolutePositionForObject(p.scroll).Y
	p.scroll.Offset.Y = inPage - 40
	p.scroll.Refresh()
	before := p.scroll.Offset.Y
	pos := d.AbsolutePositionForObject(field).AddXY(5, 5)
	test.Scroll(w.Canvas(), pos, 0, -60)
	if p.scroll.Offset.Y == before {
		t.Errorf("the wheel over an escalation field at %v did not scroll the page (content %v in %v)", pos, p.scroll.Content.Size(), p.scroll.Size())
	}

	// A long text in a field scrolls in the field: the window keeps its
	// width.
	field.SetText(strings.Repeat("Restarted the phone, cleared the app's cache, reinstalled. ", 12))
	if min := w.Content().MinSize().Width; min > 1280 {
		t.Errorf("a long escalation field widens the window to %.0f", min)
	}

	p.note.SetText("Customer is abroad, roaming off; sent the code by email")
	test.Tap(p.addNote)
	if !strings.HasPrefix(p.saveInfo.Text, "Note added at ") {
		t.Errorf("no confirmation of the note: %q", p.saveInfo.Text)
	}
	if bottom := p.scroll.Content.Size().Height - p.scroll.Size().Height; p.scroll.Offset.Y < bottom-1 {
		t.Errorf("the page is at %.0f, not at the notes' end (%.0f)", p.scroll.Offset.Y, bottom)
	}
}
