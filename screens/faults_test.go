package screens

import (
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"verifydesk/data"
	"verifydesk/data/cache"
	"verifydesk/services/client"
)

// These tests put one fault of the proxy exactly where a write's answer
// comes back, and count on the backend what the write did: the console must
// not turn an answer it could not read into a second code, note or case.

// proxiedAna is Ana signed in through a fault proxy, with acct open.
func proxiedAna(t *testing.T, acct dayAccount) (*faultProxy, *dayConsole) {
	t.Helper()
	p := newFaultProxy(t, 1)
	ana := openConsole(t, test.NewTempApp(t), p, "ana", "ag_ana")
	ana.signIn(t)
	search(t, ana.u, acct.region, acct.query)
	if ws := ana.u.work; ws.account == nil || ws.account.ID != acct.id {
		t.Fatalf("%s not opened:\n%s", acct.id, screenText(ana.win.Content()))
	}
	return p, ana
}

var emily = dayAccount{"US", "+16502530000", "acc_1005"}

// resendsOf counts the codes the backend's provider sent for purpose to acct.
func resendsOf(p *faultProxy, acct, purpose string) int {
	n := 0
	for _, m := range p.ledger.sent() {
		if m.account == acct && m.purpose == purpose {
			n++
		}
	}
	return n
}

func TestResendWhoseAnswerIsUnreadableSendsOneCode(t *testing.T) {
	for _, faults := range [][]faultKind{
		{faultTruncated}, // the code went, its answer is cut
		{faultLostAnswer, fault503, fault503, fault503, fault503}, // the code went, the retries meet 503
	} {
		t.Run(string(faults[0]), func(t *testing.T) {
			p, ana := proxiedAna(t, emily)
			codes := ana.u.work.codes
			ana.u.work.tabs.SelectIndex(1)
			codes.channel.SetSelected("Email")
			p.inject(http.MethodPost, "/codes", faults...)
			test.Tap(codes.resend)
			if got := resendsOf(p, emily.id, data.PurposeLogin); got != 1 {
				t.Fatalf("the first press sent %d codes, want 1 (%q)", got, codes.result.Text)
			}
			// The agent reads what the console says and presses again.
			test.Tap(codes.resend)
			if got := resendsOf(p, emily.id, data.PurposeLogin); got != 1 {
				t.Errorf("after %q the next press sent another code: %d in all, want 1", "Not sent…", got)
			}
		})
	}
}

// startCase starts a case on the account on Ana's screen.
func startCase(t *testing.T, ana *dayConsole) *casePanel {
	t.Helper()
	ws := ana.u.work
	ws.tabs.SelectIndex(len(ws.panels) - 1)
	p := ws.casePanel
	test.Tap(findButton(t, p.build(), "Start the case"))
	if p.rec == nil {
		t.Fatalf("no case started:\n%s", screenText(p.build()))
	}
	return p
}

func TestNoteWhoseAnswerIsUnreadableIsAddedOnce(t *testing.T) {
	p, ana := proxiedAna(t, dayAccount{"GB", "+447911123456", "acc_1002"})
	cp := startCase(t, ana)
	caseID := cp.rec.Case.ID
	const text = "customer reads the SMS sender back: it is blocked"
	p.inject(http.MethodPost, "/notes", faultTruncated)
	cp.note.SetText(text)
	test.Tap(cp.addNote)
	cp.note.SetText(text) // whatever the console said, the agent presses again
	test.Tap(cp.addNote)
	sup := p.directClient(t, "sam")
	cs, err := sup.Case(t.Context(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, note := range cs.Notes {
		if note.Text == text {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the note is on the backend %d times, want once", n)
	}
}

func TestCaseWhoseAnswerIsUnreadableIsStartedOnce(t *testing.T) {
	p, ana := proxiedAna(t, dayAccount{"GB", "+447911123456", "acc_1002"})
	ws := ana.u.work
	ws.tabs.SelectIndex(len(ws.panels) - 1)
	cp := ws.casePanel
	p.inject(http.MethodPost, "/v1/cases", faultTruncated)
	test.Tap(findButton(t, cp.build(), "Start the case"))
	if cp.rec == nil {
		// "The case was not started": the agent presses again.
		test.Tap(findButton(t, cp.build(), "Start the case"))
	}
	sup := p.directClient(t, "sam")
	list, err := sup.Cases(t.Context(), client.CaseQuery{AccountID: "acc_1002", AgentID: "ag_ana"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Errorf("%d cases on the backend for one start, want 1", len(list))
	}
}

func TestRemovalWhoseAnswerIsLostIsInTheLocalChain(t *testing.T) {
	p, ana := proxiedAna(t, emily)
	ws := ana.u.work
	ws.tabs.SelectIndex(2)
	devs := ws.panels[2].(*devicesPanel)
	devs.table.Select(widgetCell(0, 0))
	test.Tap(devs.remove)
	dlg := ana.win.Canvas().Overlays().Top()
	f := findEntry(t, dlg, true)
	findRadio(t, dlg).SetSelected(findRadio(t, dlg).Options[1]) // email
	test.Tap(findButton(t, dlg, "Send"))
	msgs, err := p.directClient(t, "lee").DemoInbox(t.Context(), emily.id)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("inbox: %v %v", msgs, err)
	}
	p.inject(http.MethodDelete, "/trusted-devices/", faultLostAnswer)
	test.Type(f, msgs[0].Code)
	test.Tap(findButton(t, dlg, "Verify"))
	if s := screenText(dlg); !strings.Contains(s, "did not go through") {
		t.Fatalf("after a lost answer the dialog says:\n%s", s)
	}
	// The backend removed the device.
	sup := p.directClient(t, "sam")
	entries := backendAudit(t, sup)
	done := 0
	for _, e := range entries {
		if e.Action == data.ActionRemoveDevice && e.Outcome == data.AuditOK && e.AccountID == emily.id {
			done++
		}
	}
	if done != 1 {
		t.Fatalf("the backend's audit has %d removals, want 1", done)
	}
	var local []cache.AuditEntry
	_ = ana.store.AuditEntries(1, func(e cache.AuditEntry) error { local = append(local, e); return nil })
	for _, e := range local {
		if strings.HasPrefix(e.Action, data.ActionRemoveDevice) && e.AccountID == emily.id {
			return
		}
	}
	t.Errorf("the device was removed on the backend; the console's local chain has no word of it: %+v", local)
}

// TestCacheFailingOfflineIsNotTheBackendAnswering: offline, the Case tab
// queues a note in the cache; when the cache fails (here it is closed, as a
// full disk or a removed file would make it), that is the cache's error: the
// console must not take it for the backend answering again, turn the badge
// online and reload its tabs from a backend that is still gone.
func TestCacheFailingOfflineIsNotTheBackendAnswering(t *testing.T) {
	p, ana := proxiedAna(t, dayAccount{"GB", "+447911123456", "acc_1002"})
	cp := startCase(t, ana)
	ws := ana.u.work
	p.setDown(true)
	ws.startLoad(cp)
	if !cp.cached || ws.online.text != "offline" {
		t.Fatalf("not offline: cached %v, badge %q", cp.cached, ws.online.text)
	}
	if err := ana.store.Close(); err != nil {
		t.Fatal(err)
	}
	before := p.requestCount()
	cp.note.SetText("customer will call back after roaming is switched on")
	test.Tap(cp.addNote)
	if !strings.Contains(cp.saveInfo.Text, "not added") {
		t.Errorf("the console says %q of a note the cache could not keep", cp.saveInfo.Text)
	}
	if n := p.requestCount() - before; n != 0 {
		t.Errorf("a note kept offline sent %d requests to the backend: the cache's error was taken for the backend answering", n)
	}
}

// TestResendAfterLookingElsewhereSendsOneCode (hardening, point 13): after a
// lost answer the agent opens another account, comes back and presses Resend:
// the pending key belongs to the account and the request, not to the view, so
// no second code goes out.
func TestResendAfterLookingElsewhereSendsOneCode(t *testing.T) {
	p, ana := proxiedAna(t, emily)
	ws := ana.u.work
	ws.tabs.SelectIndex(tabIndex(ws.panels, "Codes"))
	ws.codes.channel.SetSelected("Email")
	p.inject(http.MethodPost, "/codes", faultLostAnswer, fault503, fault503, fault503, fault503)
	test.Tap(ws.codes.resend)
	if got := resendsOf(p, emily.id, data.PurposeLogin); got != 1 {
		t.Fatalf("the first press sent %d codes (%q)", got, ws.codes.result.Text)
	}
	if !strings.HasPrefix(ws.codes.result.Text, "Not confirmed") {
		t.Fatalf("after a lost answer: %q", ws.codes.result.Text)
	}
	search(t, ana.u, "", "acc_1007")
	search(t, ana.u, emily.region, emily.query)
	ws.tabs.SelectIndex(tabIndex(ws.panels, "Codes"))
	ws.codes.channel.SetSelected("Email")
	test.Tap(ws.codes.resend)
	if got := resendsOf(p, emily.id, data.PurposeLogin); got != 1 {
		t.Errorf("coming back and pressing Resend sent another code: %d in all (%q)", got, ws.codes.result.Text)
	}
}

// TestApprovalRequestWhoseAnswerIsLostIsMadeOnce (hardening, point 14): the
// backend made the request, its answer was lost; the console says "not
// confirmed", not "not sent", and asking again makes no second request.
func TestApprovalRequestWhoseAnswerIsLostIsMadeOnce(t *testing.T) {
	p, ana := proxiedAna(t, emily)
	ws := ana.u.work
	devs, err := p.directClient(t, "sam").TrustedDevices(t.Context(), emily.id)
	if err != nil || len(devs) == 0 {
		t.Fatalf("devices: %v %v", devs, err)
	}
	act := ws.removeDeviceAction(ws.account, devs[0].ID, devs[0].Name)
	pending := func() int {
		list, err := p.directClient(t, "sam").ListApprovals(t.Context(), client.ApprovalQuery{Status: data.ApprovalPending})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ap := range list {
			if ap.AccountID == emily.id {
				n++
			}
		}
		return n
	}
	p.inject(http.MethodPost, "/approvals", faultLostAnswer, fault503, fault503, fault503, fault503)
	ws.sendApproval(ws.account, act, "caller lost the phone, cannot get a check code")
	if n := pending(); n != 1 {
		t.Fatalf("%d requests on the backend after the lost answer, want 1", n)
	}
	if s := screenText(ana.win.Canvas().Overlays().Top()); !strings.Contains(s, "not confirmed") && !strings.Contains(s, "Not confirmed") {
		t.Errorf("the dialog says:\n%s", s)
	}
	ws.sendApproval(ws.account, act, "caller lost the phone, cannot get a check code")
	if n := pending(); n != 1 {
		t.Errorf("asking again made %d requests, want 1", n)
	}
}
