package screens

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/data/cache"
	"verifydesk/services/auditlog"
	"verifydesk/services/cases"
	"verifydesk/services/casework"
	"verifydesk/services/client"
)

// The agent's day: Ana (agent) and Sam (supervisor) work through the
// console's panels, each with a cache of their own, against the reference
// backend behind the fault proxy. Every iteration Ana searches an account,
// resends codes, checks callers and removes devices, asks for approvals and
// writes case notes, online and offline; Sam decides her requests; the backend
// goes away and comes back, and restarts on its file. The checks afterwards
// count on the backend what happened: no code twice for one click, no note
// lost or duplicated, no action without its proof or approval, every action
// of the console in the backend's audit and in an intact local chain, the
// caches reopen clean, no goroutine left behind.
//
// The short form runs in the normal suite; the long one prints its figures:
//
//	go test ./screens -run TestAgentDay -day.long -v
//	VERIFYDESK_DAY_LONG=1 go test ./screens -run TestAgentDay -v

var dayLong = flag.Bool("day.long", false, "run the agent's day long and print its figures")

// daySeed fixes the day: the order of the agent's actions and the faults.
const daySeed = 20261201

// dayAccount is an account of the day, as the agent types it in the search.
type dayAccount struct{ region, query, id string }

var dayAccounts = []dayAccount{
	{"US", "+16502530000", "acc_1005"},  // two trusted devices
	{"BR", "acc_1014", "acc_1014"},      // two trusted devices, the old one abroad
	{"DE", "015123456789", "acc_1004"},  // hourly SMS limit reached in the demo
	{"TW", "0936-123-456", "acc_1001"},  // legacy trunk-0 number
	{"GB", "+447911123456", "acc_1002"}, // SMS never arrives
	{"US", "2fa.pending@example.com", "acc_1006"},
	{"JP", "+818012345678", "acc_1010"}, // notifications off
}

// noteFate is what the console told the agent about a note.
type noteFate int

const (
	noteAdded   noteFate = iota // on screen, sent
	noteQueued                  // kept on this computer for the outbox
	noteRefused                 // "not added", still in the field
)

// resendClick is one press of Resend and what the console said.
type resendClick struct {
	account, key, result string
	keptKey              bool // the console kept the key for the next press
}

// dayFigures are what the long form prints.
type dayFigures struct {
	iterations int
	actions    map[string]int // what the agent did (attempted), by kind
	done       map[string]int // what the console said went through, by kind
}

func (f *dayFigures) try(kind string) { f.actions[kind]++ }
func (f *dayFigures) ok(kind string)  { f.done[kind]++ }

// dayConsole is one agent's console: a window of the test app, a cache and a
// client through the faults.
type dayConsole struct {
	user, agentID, consoleID string
	u                        *UI
	win                      fyne.Window
	ts                       *timers
	store                    *cache.Cache
	storePath                string
	api                      *recordingAPI
}

// recordingAPI is the console's client; it writes down the idempotency key
// of every resend the console asks for.
type recordingAPI struct {
	API
	mu   sync.Mutex
	keys []string
}

func (r *recordingAPI) Resend(ctx context.Context, accountID string, req data.ResendRequest, key string) (data.ResendResult, error) {
	r.mu.Lock()
	r.keys = append(r.keys, key)
	r.mu.Unlock()
	return r.API.Resend(ctx, accountID, req, key)
}

// day is one run.
type day struct {
	t      *testing.T
	rng    *rand.Rand
	p      *faultProxy
	inbox  *client.Client // lee, straight to the backend: the demo customer's phone
	app    fyne.App
	ana    *dayConsole
	sam    *dayConsole
	fig    dayFigures
	notes  map[string]noteFate
	clicks []resendClick
	seq    int
}

func TestAgentDay(t *testing.T) {
	iterations := 12
	if *dayLong || os.Getenv("VERIFYDESK_DAY_LONG") == "1" {
		iterations = 400
	}
	if testing.Short() {
		iterations = 4
	}
	app := test.NewTempApp(t)
	goroutinesBefore := runtime.NumGoroutine()

	d := &day{t: t, rng: rand.New(rand.NewPCG(daySeed, 1)), p: newFaultProxy(t, daySeed), app: app,
		fig:   dayFigures{actions: map[string]int{}, done: map[string]int{}},
		notes: map[string]noteFate{}}
	d.inbox = d.p.directClient(t, "lee")
	d.ana = d.newConsole("ana", "ag_ana")
	d.sam = d.newConsole("sam", "ag_sam")
	d.signIn(d.ana)
	d.signIn(d.sam)
	d.p.setFaults(true)

	for i := range iterations {
		d.fig.iterations++
		d.iteration(i)
		d.p.clock.advance(time.Minute)
	}

	// End of the day: the network heals, the outbox goes, both sign out.
	d.p.setFaults(false)
	d.p.setDown(false)
	d.ana.ts.fire()
	d.sam.ts.fire()
	for range 5 {
		if st, _ := d.ana.store.Stats(); st.Queued == 0 {
			break
		}
		d.signOutAndIn(d.ana)
	}
	for _, c := range []*dayConsole{d.ana, d.sam} {
		c.u.Close() // ends the session, records the chain's head on the backend
	}

	lost, dup := d.check()

	// The caches reopen clean.
	for _, c := range []*dayConsole{d.ana, d.sam} {
		d.reopenClean(c)
	}

	faults := d.p.faultCounts()
	requests := d.p.requestCount()
	restarts := d.p.restartCount()
	d.inbox = nil
	d.p.close()
	goroutinesAfter := waitGoroutines(t, goroutinesBefore)

	total := 0
	for _, n := range faults {
		total += n
	}
	if total == 0 {
		t.Error("no fault was injected: the day tested nothing")
	}
	for _, kind := range []string{"search", "resend", "identity_check", "approval_request", "decide", "case_create", "note", "note_offline", "offline"} {
		if d.fig.actions[kind] == 0 {
			t.Errorf("the day never tried %s: it proves nothing about it (%s)", kind, formatCounts(d.fig.actions))
		}
	}
	if *dayLong || os.Getenv("VERIFYDESK_DAY_LONG") == "1" || testing.Verbose() {
		t.Logf("agent's day (seed %d): %d iterations, %d requests through the proxy, %d backend restarts",
			daySeed, d.fig.iterations, requests, restarts)
		t.Logf("faults injected: %d: %s", total, formatCounts(faults))
		t.Logf("actions tried: %s", formatCounts(d.fig.actions))
		t.Logf("actions the console said went through: %s", formatCounts(d.fig.done))
		t.Logf("lost: %d, duplicated: %d", lost, dup)
		t.Logf("goroutines: %d before, %d after", goroutinesBefore, goroutinesAfter)
	}
}

// newConsole opens user's window, cache and client.
func (d *day) newConsole(user, agentID string) *dayConsole {
	return openConsole(d.t, d.app, d.p, user, agentID)
}

// openConsole is user's console on the backend behind p: a window of app, a
// cache in t.TempDir() and a client through the faults; not signed in yet.
func openConsole(t *testing.T, app fyne.App, p *faultProxy, user, agentID string) *dayConsole {
	t.Helper()
	c := &dayConsole{user: user, agentID: agentID, consoleID: "desk-" + user, ts: &timers{}}
	store, path := openTestCache(t)
	c.store, c.storePath = store, path
	c.win = app.NewWindow("Verifydesk " + user)
	c.win.Resize(fyne.NewSize(1280, 800))
	c.api = &recordingAPI{API: p.consoleClient()}
	c.u = NewUI(c.win, Config{Region: "US", Background: runNow, After: c.ts.after, Cases: casework.New(nil, store), Audit: &auditlog.Recorder{Cache: store}, ConsoleID: c.consoleID})
	c.win.SetContent(c.u.Content())
	c.u.SetBackend(c.api, "fault proxy")
	c.u.signIn.user.SetText(user)
	c.u.signIn.pass.SetText("demo")
	return c
}

// signIn presses Sign in until it works, as an agent on a bad network does.
func (d *day) signIn(c *dayConsole) {
	d.t.Helper()
	d.fig.try("sign_in")
	n := c.signIn(d.t)
	d.fig.actions["sign_in"] += n - 1
	d.fig.ok("sign_in")
}

// signIn presses Sign in until it works and returns how many presses it took.
func (c *dayConsole) signIn(t *testing.T) int {
	t.Helper()
	for n := 1; n <= 200; n++ {
		c.u.signIn.pass.SetText("demo")
		c.u.SubmitSignIn()
		if c.u.work != nil {
			return n
		}
	}
	t.Fatalf("%s could not sign in in 200 tries: %s", c.user, c.u.signIn.status.Text)
	return 0
}

func (d *day) signOutAndIn(c *dayConsole) {
	d.fig.try("sign_out")
	c.u.onSignOutRequested()
	d.signIn(c)
}

func (d *day) chance(p float64) bool { return d.rng.Float64() < p }

// iteration is one call: an account, what the caller needs, the supervisor.
// Every tenth call does everything, with a supervisor's approval five calls
// later, so even the short day covers each action.
func (d *day) iteration(i int) {
	everything, approval := i%10 == 0, i%10 == 5
	acct := dayAccounts[d.rng.IntN(len(dayAccounts))]
	if everything || approval {
		acct = dayAccounts[d.rng.IntN(2)] // an account with trusted devices
	}
	d.search(d.ana, acct)
	ws := d.ana.u.work
	if ws.account != nil && ws.account.ID == acct.id {
		if everything || d.chance(0.7) {
			d.resend()
		}
		if everything || approval || d.chance(0.35) {
			d.removeDevice(approval || !everything && d.chance(0.3))
		}
		if everything || d.chance(0.7) {
			d.caseWork(i)
			if everything {
				d.caseWork(i) // a case started now gets its first note
			}
		}
	}
	if everything || d.chance(0.5) {
		d.decideApprovals()
	}
	d.ana.ts.fire() // the approvals poll, the offline retry
	d.sam.ts.fire()
	switch {
	case everything || d.chance(0.12):
		d.offline(i)
	case d.chance(0.05):
		d.fig.try("restart")
		d.p.restart()
	}
}

// search types the account's query in Ana's search field and presses Enter.
func (d *day) search(c *dayConsole, a dayAccount) {
	d.fig.try("search")
	search(d.t, c.u, a.region, a.query)
	if ws := c.u.work; ws.account != nil && ws.account.ID == a.id {
		d.fig.ok("search")
	}
}

// resend presses Resend on the Codes tab, sometimes twice, and again after an
// offline error, as an agent does.
func (d *day) resend() {
	ws := d.ana.u.work
	ws.tabs.SelectIndex(1)
	codes := ws.codes
	if d.chance(0.5) {
		codes.channel.SetSelected("Email")
	} else {
		codes.channel.SetSelected("SMS")
	}
	presses := 1
	if d.chance(0.2) {
		presses = 2 // a double click: two presses, two intents
	}
	for range presses {
		for try := 0; try < 3; try++ {
			if codes.resend.Disabled() {
				return // a send limit holds: the console says why
			}
			d.fig.try("resend")
			before := len(d.ana.api.keys)
			test.Tap(codes.resend)
			if len(d.ana.api.keys) == before {
				d.t.Errorf("Resend pressed, nothing asked of the backend: %q", codes.result.Text)
				return
			}
			key := d.ana.api.keys[len(d.ana.api.keys)-1]
			res := codes.result.Text
			d.clicks = append(d.clicks, resendClick{account: ws.account.ID, key: key, result: res, keptKey: ws.pendingResendKey(ws.account.ID) == key})
			if strings.HasPrefix(res, "Sent:") || strings.HasPrefix(res, "Already sent") {
				d.fig.ok("resend")
				break
			}
			if ws.pendingResendKey(ws.account.ID) != key {
				break // the backend refused it: a new press is a new send
			}
			// No answer the console could read: pressing again asks the
			// backend what it did with this key.
		}
	}
}

// removeDevice removes the first trusted device after an identity check with
// a code read from the demo customer's inbox, or asks a supervisor instead.
func (d *day) removeDevice(askSupervisor bool) {
	t := d.t
	ws := d.ana.u.work
	ws.tabs.SelectIndex(2)
	devs := ws.panels[2].(*devicesPanel)
	if len(devs.rows) == 0 {
		return
	}
	devs.table.Select(widgetCell(0, 0))
	if devs.remove.Disabled() {
		return
	}
	test.Tap(devs.remove)
	dlg := d.ana.win.Canvas().Overlays().Top()
	if dlg == nil {
		t.Error("Remove did not open the identity check")
		return
	}
	if askSupervisor {
		d.askApproval(dlg)
		return
	}
	d.fig.try("remove_device")
	defer d.closeOverlays(d.ana)
	sent := false
	for range 3 {
		d.fig.try("identity_check")
		test.Tap(findButton(t, dlg, "Send"))
		if strings.Contains(screenText(dlg), "Check code sent to") {
			sent = true
			break
		}
	}
	if !sent {
		return
	}
	code := d.inboxCode(ws.account.ID)
	if code == "" {
		return // the backend restarted meanwhile: the demo inbox starts again
	}
	entry := findEntry(t, dlg, true)
	if d.chance(0.2) {
		test.Type(entry, wrongCode(code))
		test.Tap(findButton(t, dlg, "Verify"))
		entry.SetText("")
	}
	test.Type(entry, code)
	test.Tap(findButton(t, dlg, "Verify"))
	for range 2 {
		if d.ana.win.Canvas().Overlays().Top() != dlg {
			break // done: the dialog closed
		}
		if b := findButtonOr(dlg, "Try again"); b != nil && !b.Disabled() {
			test.Tap(b) // verified, the action did not go through: the proof is kept
		}
	}
	if d.ana.win.Canvas().Overlays().Top() != dlg && strings.Contains(ws.banner.Text, ": done.") {
		d.fig.ok("remove_device")
	}
}

// wrongCode is a code that is not code.
func wrongCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

// inboxCode is the newest identity-check code the demo customer received.
func (d *day) inboxCode(accountID string) string {
	msgs, err := d.inbox.DemoInbox(d.t.Context(), accountID)
	if err != nil {
		d.t.Fatalf("demo inbox: %v", err)
	}
	for _, m := range msgs {
		if m.Purpose == data.PurposeIdentityCheck && m.Code != "" {
			return m.Code
		}
	}
	return ""
}

// askApproval goes from the identity check to the supervisor: a reason, Send
// request, and the answer dismissed.
func (d *day) askApproval(dlg fyne.CanvasObject) {
	t := d.t
	d.fig.try("approval_request")
	test.Tap(findButton(t, dlg, "Caller cannot get a code"))
	form := d.ana.win.Canvas().Overlays().Top()
	if form == nil || form == dlg {
		t.Error("no request form")
		return
	}
	test.Type(findEntry(t, form, false), "caller lost the phone and cannot receive a code")
	test.Tap(findButton(t, form, "Send request"))
	if answer := d.ana.win.Canvas().Overlays().Top(); answer != nil {
		if strings.Contains(screenText(answer), "Request sent") {
			d.fig.ok("approval_request")
		}
	}
	d.closeOverlays(d.ana)
}

// closeOverlays dismisses what is left open: an answer (OK) or a dialog
// (Cancel).
func (d *day) closeOverlays(c *dayConsole) {
	for range 5 {
		top := c.win.Canvas().Overlays().Top()
		if top == nil {
			return
		}
		if b := findButtonOr(top, "OK"); b != nil {
			test.Tap(b)
		} else if b := findButtonOr(top, "Cancel"); b != nil {
			test.Tap(b)
		} else {
			c.win.Canvas().Overlays().Remove(top)
		}
	}
}

// decideApprovals has Sam open his queue and decide up to two of Ana's
// requests.
func (d *day) decideApprovals() {
	ws := d.sam.u.work
	ap := ws.approvals
	test.Tap(ap.button)
	for range 2 {
		i := slices.IndexFunc(ap.rows, func(a data.Approval) bool {
			return a.Status == data.ApprovalPending && a.RequestedBy == d.ana.agentID
		})
		if i < 0 {
			return
		}
		id := ap.rows[i].ID
		d.fig.try("decide")
		ap.list.UnselectAll()
		ap.list.Select(i)
		if ap.current == nil || ap.current.ID != id {
			d.t.Errorf("the queue did not open request %s", id)
			return
		}
		approve := d.chance(0.7)
		ap.comment.SetText("")
		test.Type(ap.comment, "identity confirmed by a call back to the number on file")
		for range 3 {
			if approve {
				test.Tap(ap.approve)
			} else {
				test.Tap(ap.reject)
			}
			if !strings.HasPrefix(ap.status.Text, "Not decided") {
				break
			}
			if strings.Contains(ap.status.Text, "Not found") {
				approve = false // the device went meanwhile: nothing left to approve
			}
		}
		if strings.HasPrefix(ap.status.Text, "Approved") || strings.HasPrefix(ap.status.Text, "Rejected") {
			d.fig.ok("decide")
		}
		test.Tap(ap.button) // the queue again
	}
}

// caseWork opens the Case tab: starts the case, or writes a note and now and
// then ticks a step.
func (d *day) caseWork(i int) {
	ws := d.ana.u.work
	ws.tabs.SelectIndex(len(ws.panels) - 1)
	p := ws.casePanel
	if p.rec == nil {
		b := findButtonOr(p.build(), "Start the case")
		if b == nil || b.Disabled() {
			return
		}
		d.fig.try("case_create")
		walkObjects(p.build(), func(o fyne.CanvasObject) {
			if s, ok := o.(*widget.Select); ok && s.Selected == "" && strings.HasPrefix(s.PlaceHolder, "Pick what the call") {
				s.SetSelectedIndex(d.rng.IntN(len(s.Options))) // nothing suggested: the agent picks
			}
		})
		test.Tap(b)
		if p.rec != nil {
			d.fig.ok("case_create")
		}
		return
	}
	d.writeNote(fmt.Sprintf("call %d: %s", i, dayNoteText(d.rng)), "note")
	if d.chance(0.2) && p.rec != nil {
		for j, s := range p.steps {
			if s.State == cases.StateTodo {
				d.fig.try("case_update")
				p.steps[j].State = cases.StateDone
				p.save(data.CasePatch{Checklist: cases.ContractSteps(p.steps)}, "step "+s.ID)
				if strings.HasPrefix(p.saveInfo.Text, "Saved") {
					d.fig.ok("case_update")
				}
				break
			}
		}
	}
}

// dayNoteText is what an agent writes, in the scripts agents write in.
func dayNoteText(rng *rand.Rand) string {
	texts := []string{
		"customer restarted the phone, still no SMS",
		"asked to check the spam folder for the code",
		"العميل يقول إن الرمز لم يصل", // right to left
		"客户说验证码一直收不到",
		"Kunde hat das Gerät verloren – Zugriff gesperrt",
		"e\u0301 combining accents: cafe\u0301, n\u0303",
		"emoji 👍🏽 and a zero-width joiner 👩‍💻",
	}
	return texts[rng.IntN(len(texts))]
}

// writeNote types a note on the Case tab and presses Add note, again while
// the console says it was not added.
func (d *day) writeNote(text, kind string) {
	p := d.ana.u.work.casePanel
	d.seq++
	text = fmt.Sprintf("[%d] %s", d.seq, text)
	d.notes[text] = noteRefused
	for range 3 {
		if p.rec == nil {
			return
		}
		d.fig.try(kind)
		p.note.SetText(text)
		test.Tap(p.addNote)
		if p.note.Text == text {
			continue // "not added": still in the field
		}
		d.notes[text] = noteAdded
		if strings.Contains(p.saveInfo.Text, "kept on this computer") {
			d.notes[text] = noteQueued
		}
		d.fig.ok(kind)
		return
	}
}

// offline is the backend gone: Ana keeps working from the cache, then it
// comes back; she signs in again and the outbox goes.
func (d *day) offline(i int) {
	d.fig.try("offline")
	d.p.setDown(true)
	ws := d.ana.u.work
	if ws.account != nil {
		test.Tap(ws.header.refresh)
		ws.tabs.SelectIndex(len(ws.panels) - 1)
		ws.startLoad(ws.casePanel)
		if ws.casePanel.rec != nil {
			d.writeNote(fmt.Sprintf("call %d, offline: %s", i, dayNoteText(d.rng)), "note_offline")
		}
	}
	d.ana.ts.fire() // the retry finds it still down
	d.p.setDown(false)
	if d.chance(0.5) {
		d.p.restart() // it came back restarted
	}
	d.ana.ts.fire() // the retry finds it back
	d.signOutAndIn(d.ana)
}

// check counts on the backend what the day did and reports what was lost or
// duplicated.
func (d *day) check() (lost, dup int) {
	t := d.t
	ctx := t.Context()
	sup := d.p.directClient(t, "sam")

	// Codes: one send per key, and the console never says "not sent" of a
	// code that went while dropping the key (the next press would send a
	// second code for what the agent believes is one).
	l := d.p.ledger
	l.mu.Lock()
	resendIDs := map[string]bool{}
	for key, ids := range l.resends {
		if len(ids) > 1 {
			t.Errorf("idempotency key %s answered with %d deliveries", key, len(ids))
			dup += len(ids) - 1
		}
		for id := range ids {
			resendIDs[id] = true
		}
	}
	for _, c := range d.clicks {
		sent := strings.HasPrefix(c.result, "Sent:") || strings.HasPrefix(c.result, "Already sent")
		if !sent && len(l.resends[c.key]) > 0 && !c.keptKey {
			t.Errorf("resend on %s: the console said %q, the backend sent the code, and the key was dropped: the next press sends a second code", c.account, c.result)
			dup++
		}
	}
	l.mu.Unlock()
	resendSends := 0
	for _, m := range l.sent() {
		if m.purpose == data.PurposeIdentityCheck || m.purpose == data.PurposeSecurityNotice {
			continue
		}
		resendSends++
		if !resendIDs[m.id] {
			t.Errorf("delivery %s was sent without a resend answering it", m.id)
		}
	}
	keys := distinct(d.ana.api.keys)
	if resendSends > len(keys) {
		t.Errorf("%d codes sent for %d keys", resendSends, len(keys))
		dup += resendSends - len(keys)
	}
	t.Logf("codes: %d presses of Resend, %d idempotency keys, %d codes sent (one per key at most)", len(d.clicks), len(keys), resendSends)

	// Notes: every note the console took is on the backend exactly once.
	all, err := sup.Cases(ctx, client.CaseQuery{})
	if err != nil {
		t.Fatal(err)
	}
	onBackend := map[string]int{}
	noteIDs := map[string]bool{}
	for _, cs := range all {
		for _, n := range cs.Notes {
			onBackend[n.Text]++
			noteIDs[n.ID] = true
		}
	}
	refusedStored := 0
	for text, fate := range d.notes {
		n := onBackend[text]
		switch {
		case n > 1:
			t.Errorf("note %q is on the backend %d times", text, n)
			dup += n - 1
		case fate != noteRefused && n == 0:
			t.Errorf("note %q (%s) is not on the backend", text, fateWords(fate))
			lost++
		case fate == noteRefused && n == 1:
			refusedStored++
		}
	}
	fates := map[noteFate]int{}
	for _, f := range d.notes {
		fates[f]++
	}
	t.Logf("notes: %d written, %d added online, %d kept offline and sent later, %d not added (of which %d reached the backend once); each on the backend at most once",
		len(d.notes), fates[noteAdded], fates[noteQueued], fates[noteRefused], refusedStored)

	// Cases: every case of Ana's is in her chain; one case per account a day.
	localCases := map[string]bool{}
	_ = d.ana.store.AuditEntries(1, func(e cache.AuditEntry) error {
		if e.Action == "case_create" {
			localCases[e.CaseID] = true
		}
		return nil
	})
	perAccount := map[string]int{}
	for _, cs := range all {
		if cs.AgentID == d.ana.agentID && cs.Status != data.CaseResolved {
			perAccount[cs.AccountID]++
		}
		if cs.AgentID == d.ana.agentID && !localCases[cs.ID] {
			t.Errorf("case %s of %s is on the backend, not in her local chain", cs.ID, cs.AccountID)
		}
	}
	for acct, n := range perAccount {
		if n > 1 {
			t.Errorf("account %s has %d open cases of %s: a case was started twice", acct, n, d.ana.agentID)
			dup += n - 1
		}
	}

	// Proofs and approvals: no sensitive action without one.
	entries := backendAudit(t, sup)
	verified := map[string]int{}
	for _, e := range entries {
		if e.Action == "identity_check_verify" && e.Outcome == data.AuditOK {
			verified[e.AgentID+" "+e.AccountID]++
		}
	}
	removed := map[string]int{}
	for _, e := range entries {
		if (e.Action == data.ActionRemoveDevice || e.Action == data.ActionRevokeSessions) && e.Outcome == data.AuditOK {
			switch {
			case strings.HasPrefix(e.Detail, "identity proof"):
				removed[e.AgentID+" "+e.AccountID]++
			case strings.HasPrefix(e.Detail, "approval "):
			default:
				t.Errorf("%s on %s by %s went through without a proof or an approval: %+v", e.Action, e.AccountID, e.AgentID, e)
			}
		}
	}
	for who, n := range removed {
		if n > verified[who] {
			t.Errorf("%s: %d actions on a proof, %d identity checks passed", who, n, verified[who])
		}
	}
	aps, err := sup.ListApprovals(ctx, client.ApprovalQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ap := range aps {
		if ap.Status == data.ApprovalApproved && (ap.DecidedBy == ap.RequestedBy || ap.DecidedBy != d.sam.agentID) {
			t.Errorf("approval %s approved by %q, asked by %q", ap.ID, ap.DecidedBy, ap.RequestedBy)
		}
	}

	// Every action of the console is in the backend's audit, and its local
	// chain is intact up to the head the backend recorded.
	unknown := map[string]int{}
	for _, c := range []*dayConsole{d.ana, d.sam} {
		d.checkChain(c, entries, sup, unknown, resendIDs, noteIDs)
	}
	if len(unknown) > 0 {
		t.Logf("done on the backend while the console heard no answer (not in the local chain): %s", formatCounts(unknown))
	}
	return lost, dup
}

func fateWords(f noteFate) string {
	switch f {
	case noteAdded:
		return "added"
	case noteQueued:
		return "kept offline"
	}
	return "not added"
}

// localToBackend names the backend's audit action of each local one that
// changes something.
var localToBackend = map[string]string{
	"resend": "resend_code", data.ActionRemoveDevice: data.ActionRemoveDevice,
	data.ActionRevokeSessions: data.ActionRevokeSessions, "approval_request": "approval_request",
	"approval_approved": "approval_approve", "approval_rejected": "approval_reject",
	"case_create": "case_create", "case_note": "case_note", "case_update": "case_update",
}

// checkChain matches c's local chain against the backend's audit and verifies
// it against the recorded head.
func (d *day) checkChain(c *dayConsole, entries []data.AuditEntry, sup *client.Client, unknown map[string]int, resendIDs, noteIDs map[string]bool) {
	t := d.t
	type key struct{ agent, action, account string }
	backendOK := map[key]int{}
	for _, e := range entries {
		if e.Outcome == data.AuditOK && e.AgentID == c.agentID {
			backendOK[key{e.AgentID, e.Action, e.AccountID}]++
		}
	}
	localIDs := map[string]bool{}
	var local []cache.AuditEntry
	if err := c.store.AuditEntries(1, func(e cache.AuditEntry) error { local = append(local, e); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, e := range local {
		ba, ok := localToBackend[e.Action]
		if !ok || unconfirmed(e) {
			continue
		}
		if f := strings.Fields(e.Detail); len(f) > 0 {
			localIDs[f[len(f)-1]] = true // the delivery or note id
		}
		k := key{c.agentID, ba, e.AccountID}
		if backendOK[k] == 0 {
			t.Errorf("%s's local chain has %s on %s (%q); the backend's audit has no such action", c.user, e.Action, e.AccountID, e.Detail)
			continue
		}
		backendOK[k]--
	}
	if c == d.ana {
		for id := range resendIDs {
			if !localIDs[id] {
				unknown["resend"]++
			}
		}
		for id := range noteIDs {
			if !localIDs[id] {
				unknown["case_note"]++
			}
		}
		// A sensitive action the backend did is in the local chain, done or
		// tried without an answer: never only on the backend.
		for _, action := range []string{data.ActionRemoveDevice, data.ActionRevokeSessions} {
			did, knows := map[string]int{}, map[string]int{}
			for _, e := range entries {
				if e.Outcome == data.AuditOK && e.AgentID == c.agentID && e.Action == action {
					did[e.AccountID]++
				}
			}
			for _, e := range local {
				if strings.HasPrefix(e.Action, action) {
					knows[e.AccountID]++
				}
			}
			for acct, n := range did {
				if n > knows[acct] {
					t.Errorf("%s on %s: the backend did it %d times, %s's local chain knows %d", action, acct, n, c.user, knows[acct])
					unknown[action] += n - knows[acct]
				}
			}
		}
	}
	head, err := sup.LatestChainHead(t.Context(), c.consoleID)
	if n, _ := c.store.Head(); n == 0 {
		// Nothing went into the chain (a short day whose one decision met a
		// fault): the console has no head to send, and none may be there.
		if err == nil && head.Count != 0 {
			t.Errorf("%s: an empty chain, yet the backend holds a head at %d", c.user, head.Count)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: no chain head on the backend: %v", c.user, err)
	}
	res := c.store.Verify(&cache.Head{Count: uint64(head.Count), Hash: head.Hash})
	if !res.OK() {
		t.Errorf("%s's local chain against the backend's head %d: %+v %v", c.user, head.Count, res.Broken, res.Err)
	}
	if n, _ := c.store.Head(); uint64(head.Count) != n {
		t.Errorf("%s: the backend recorded the head at %d, the chain has %d", c.user, head.Count, n)
	}
}

// unconfirmed reports whether a local entry records an attempt whose answer
// never came: not a claim that the backend did it.
func unconfirmed(e cache.AuditEntry) bool {
	return strings.Contains(e.Action, "unconfirmed") || strings.Contains(e.Detail, "outcome unknown") ||
		strings.Contains(e.Detail, "no answer")
}

// backendAudit is every entry of the backend's audit.
func backendAudit(t *testing.T, sup *client.Client) []data.AuditEntry {
	t.Helper()
	var out []data.AuditEntry
	q := client.AuditQuery{Limit: 5000}
	for range 10000 {
		page, err := sup.AuditPage(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Entries...)
		if page.NextCursor == "" {
			return out
		}
		q.Cursor = page.NextCursor
	}
	t.Fatal("the audit's cursor never ends")
	return nil
}

// reopenClean closes c's cache and opens it again: an intact chain, nothing
// recovered, no problem, nothing left queued.
func (d *day) reopenClean(c *dayConsole) {
	t := d.t
	if err := c.store.Close(); err != nil {
		t.Fatalf("close %s's cache: %v", c.user, err)
	}
	store, err := cache.Open(c.storePath, cache.Options{Keyring: noKeyring{}})
	if err != nil {
		t.Fatalf("%s's cache does not reopen: %v", c.user, err)
	}
	defer store.Close()
	if r := store.Recovered(); r != "" {
		t.Errorf("%s's cache was recovered on reopening: %s", c.user, r)
	}
	if res := store.Verify(nil); !res.OK() {
		t.Errorf("%s's chain after reopening: %+v %v", c.user, res.Broken, res.Err)
	}
	if ps := store.Problems(); len(ps) > 0 {
		t.Errorf("%s's cache has problems: %+v", c.user, ps)
	}
	if st, err := store.Stats(); err != nil || st.Queued != 0 {
		t.Errorf("%s's outbox after the day: %+v, %v", c.user, st, err)
	}
}

// waitGoroutines waits until no more goroutines run than before (HTTP
// connections close and their goroutines end after the servers stopped) and
// returns the count; it fails after 10 s.
func waitGoroutines(t *testing.T, before int) int {
	t.Helper()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		n := runtime.NumGoroutine()
		if n <= before {
			return n
		}
		select {
		case <-deadline:
			buf := make([]byte, 1<<20)
			t.Errorf("goroutines: %d before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
			return n
		case <-tick.C:
		}
	}
}

func distinct(ss []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range ss {
		m[s] = true
	}
	return m
}

// formatCounts is "a 3, b 1" sorted by name.
func formatCounts[K ~string](m map[K]int) string {
	var ks []string
	for k := range m {
		ks = append(ks, string(k))
	}
	sort.Strings(ks)
	var parts []string
	for _, k := range ks {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[K(k)]))
	}
	return strings.Join(parts, ", ")
}

// findButtonOr is the button under o whose text starts with prefix, or nil.
func findButtonOr(o fyne.CanvasObject, prefix string) *widget.Button {
	var found *widget.Button
	walkObjects(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && found == nil && strings.HasPrefix(b.Text, prefix) {
			found = b
		}
	})
	return found
}

// findEntry is the first entry under o (a password entry when password).
func findEntry(t *testing.T, o fyne.CanvasObject, password bool) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	walkObjects(o, func(o fyne.CanvasObject) {
		if e, ok := EntryOf(o); ok && found == nil && e.Password == password {
			found = e
		}
	})
	if found == nil {
		t.Fatalf("no entry in:\n%s", screenText(o))
	}
	return found
}

// walkObjects calls fn for o and every object under it, shown or hidden.
func walkObjects(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	walkTree(o, false, func(o fyne.CanvasObject) bool { fn(o); return true })
}

// walkShown calls fn for o and every object under it that is on show;
// below an object fn answers false for, it goes no deeper.
func walkShown(o fyne.CanvasObject, fn func(fyne.CanvasObject) bool) { walkTree(o, true, fn) }

func walkTree(o fyne.CanvasObject, shownOnly bool, fn func(fyne.CanvasObject) bool) {
	if o == nil || shownOnly && !o.Visible() || !fn(o) {
		return
	}
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walkTree(c, shownOnly, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walkTree(c, shownOnly, fn)
		}
	}
}

// findRadio is the first radio group under o.
func findRadio(t *testing.T, o fyne.CanvasObject) *widget.RadioGroup {
	t.Helper()
	var found *widget.RadioGroup
	walkObjects(o, func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok && found == nil {
			found = r
		}
	})
	if found == nil {
		t.Fatalf("no choice in:\n%s", screenText(o))
	}
	return found
}
