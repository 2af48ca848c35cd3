package screens

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/client"
)

// internalID is what the backend and the console call things by, never what
// a person reads: agents, devices, accounts, cases (a case's short id is
// fine: it is what agents say on the phone).
var internalID = regexp.MustCompile(`\b(ag|dv|acc)_[A-Za-z0-9_]+|case-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// idsOnScreen lists the texts under o that show an internal id outside a
// labelled id line: a label starting with idsPrefix, or a table column whose
// header ends in " id". What the agent typed (entries) is theirs.
func idsOnScreen(o fyne.CanvasObject) []string {
	var out []string
	check := func(what, s string) {
		if m := internalID.FindString(s); m != "" {
			out = append(out, fmt.Sprintf("%s %q shows %s", what, s, m))
		}
	}
	walkShown(o, func(o fyne.CanvasObject) bool {
		switch v := o.(type) {
		case *widget.Label:
			if !strings.HasPrefix(v.Text, idsPrefix) {
				check("label", v.Text)
			}
		case *widget.Entry, *widget.SelectEntry:
		case *widget.Select:
			check("choice", v.Selected)
		case *dataTable:
			out = append(out, tableIDs(&v.Table)...)
		case *canvas.Text:
			check("text", v.Text)
		default:
			return true
		}
		return false // what it shows is checked: no deeper
	})
	return out
}

// tableIDs checks every row of t, not only those drawn: each cell of each
// column that is not headed as ids.
func tableIDs(t *widget.Table) []string {
	var out []string
	rows, cols := t.Length()
	head, cell := t.CreateHeader().(*widget.Label), t.CreateCell().(*widget.Label)
	for c := 0; c < cols; c++ {
		t.UpdateHeader(widget.TableCellID{Row: -1, Col: c}, head)
		if strings.HasSuffix(head.Text, " id") {
			continue
		}
		for r := 0; r < rows; r++ {
			t.UpdateCell(widget.TableCellID{Row: r, Col: c}, cell)
			if m := internalID.FindString(cell.Text); m != "" {
				out = append(out, fmt.Sprintf("column %q row %d %q shows %s", head.Text, r, cell.Text, m))
			}
		}
	}
	return out
}

// noIDs fails the test for each internal id a person reads under the
// workspace's frame (the search field's hint echoes what the agent typed).
func noIDs(t *testing.T, where string, ws *workspace) {
	t.Helper()
	for _, o := range []fyne.CanvasObject{ws.banner, ws.left, ws.center, ws.status} {
		for _, s := range idsOnScreen(o) {
			t.Errorf("%s: %s", where, s)
		}
	}
}

// TestNamesNotIDsWherePeopleRead walks the tabs of a few demo accounts, the
// case view with a note, the cases browser, the audit and both sides of an
// approval: a person reads names there, and ids only on a labelled id line.
func TestNamesNotIDsWherePeopleRead(t *testing.T) {
	srv := backendtest.New(t)
	store, _ := openTestCache(t)
	anaTimers := &timers{}
	u, w := newTestUI(t, srv)
	useCache(u, store)
	u.cfg.After = anaTimers.after
	u.SubmitSignIn()
	ws := u.work
	if ws == nil {
		t.Fatalf("not signed in:\n%s", screenText(w.Content()))
	}
	if got := ws.agentName("ag_sam"); got != "Sam Okoye" {
		t.Fatalf("the agent directory was not read: ag_sam is %q", got)
	}

	for _, acct := range []struct{ region, q string }{
		{"GB", "+447911123456"}, {"TW", "0936-123-456"}, {"US", "acc_1014"}, {"US", "acc_1010"}, {"US", "2fa.pending@example.com"},
	} {
		search(t, u, acct.region, acct.q)
		if ws.account == nil {
			t.Fatalf("%s: no account:\n%s", acct.q, screenText(w.Content()))
		}
		for i, p := range ws.panels {
			ws.tabs.SelectIndex(i)
			if p == ws.casePanel && ws.casePanel.rec == nil {
				if b := findButtonOr(ws.casePanel.build(), "Start the case"); b != nil {
					test.Tap(b)
				}
				if ws.casePanel.rec != nil {
					ws.casePanel.note.SetText("caller confirmed the name and the app")
					test.Tap(ws.casePanel.addNote)
				}
			}
			noIDs(t, acct.q+" "+p.title(), ws)
		}
	}
	// The case view names who opened it and who wrote the notes, with the
	// ids on its one id line.
	ws.tabs.SelectIndex(len(ws.panels) - 1)
	s := screenText(ws.center)
	if !strings.Contains(s, "by Ana Ruiz") || !strings.Contains(s, "Ana Ruiz: caller confirmed") {
		t.Errorf("the case view does not name the agent:\n%s", s)
	}
	if !strings.Contains(s, "Ids: case case-") {
		t.Errorf("the case view has no id line:\n%s", s)
	}

	ws.showCases()
	if len(ws.browser.rows) == 0 {
		t.Fatal("the cases browser lists nothing")
	}
	noIDs(t, "cases browser", ws)
	ws.showAudit()
	if len(ws.audit.rows) == 0 {
		t.Fatal("the audit lists nothing")
	}
	noIDs(t, "audit", ws)

	// Ana asks to remove a device; Sam decides it in the queue.
	c := client.New(srv.URL, client.Options{})
	ctx := context.Background()
	if _, err := c.SignIn(ctx, "ana", "demo"); err != nil {
		t.Fatal(err)
	}
	devs, err := c.TrustedDevices(ctx, "acc_1014")
	if err != nil || len(devs) == 0 {
		t.Fatalf("devices %v %v", devs, err)
	}
	if _, err := c.RequestApproval(ctx, data.ApprovalRequest{AccountID: "acc_1014", Action: data.ActionRemoveDevice,
		Params: map[string]string{"device_id": devs[0].ID}, Reason: "caller lost the phone"}); err != nil {
		t.Fatal(err)
	}
	anaTimers.fire()
	test.Tap(ws.approvals.button)
	noIDs(t, "ana's requests", ws)

	sam := signedInAs(t, srv.URL, "sam", &timers{})
	ap := sam.work.approvals
	test.Tap(ap.button)
	if len(ap.rows) != 1 {
		t.Fatalf("queue: %+v", ap.rows)
	}
	if row := ap.rowText(ap.rows[0]); !strings.Contains(row, "asked by Ana Ruiz") || !strings.Contains(row, devs[0].Name) {
		t.Errorf("queue row %q: want the device's and the agent's names", row)
	}
	noIDs(t, "sam's queue", sam.work)
	ap.list.Select(0)
	noIDs(t, "sam's card", sam.work)
	ap.comment.SetText("callback to the number on file confirmed it")
	test.Tap(ap.approve)
	if s := flowText(ap.card); !strings.Contains(s, "approved by Sam Okoye") {
		t.Errorf("the decided card does not name the supervisor:\n%s\nstatus %q", s, ap.status.Text)
	}
	noIDs(t, "sam's decided card", sam.work)
	anaTimers.fire() // ana's poll hears the outcome
	if !strings.Contains(ws.banner.Text, "Sam Okoye approved") {
		t.Errorf("ana's notice %q: want Sam's name", ws.banner.Text)
	}
	noIDs(t, "ana's outcome", ws)
	sam.work.showAudit()
	noIDs(t, "sam's audit", sam.work)
}
