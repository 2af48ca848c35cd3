package screens

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/auditlog"
	"verifydesk/services/casework"
	"verifydesk/services/client"
)

func TestAuditScreenFiltersPagesAndExports(t *testing.T) {
	srv := backendtest.New(t)
	ts := &timers{}
	ana := signedInAs(t, srv.URL, "ana", ts)
	search(t, ana, "US", "acc_1014")
	search(t, ana, "GB", "+447911123456")

	sam := signedInAs(t, srv.URL, "sam", ts)
	ws := sam.work
	ws.showAudit()
	a := ws.audit
	if len(a.rows) == 0 || !strings.HasPrefix(a.state.Text, "Page 1:") {
		t.Fatalf("first page: %d rows, %q", len(a.rows), a.state.Text)
	}
	// Filters: ana's searches only.
	a.agent.SetText("ana ruiz") // by name, any case
	a.action.SetSelected("searched accounts")
	test.Tap(a.apply)
	if len(a.rows) != 2 {
		t.Fatalf("ana's searches: %d rows (%q)", len(a.rows), a.state.Text)
	}
	for _, e := range a.rows {
		if e.AgentID != "ag_ana" || e.Action != "search_accounts" {
			t.Errorf("filtered page holds %+v", e)
		}
	}
	// A time filter that cannot be read says so and keeps the page.
	a.from.SetText("yesterday")
	test.Tap(a.apply)
	if !strings.Contains(a.state.Text, "cannot be read") || len(a.rows) != 2 {
		t.Errorf("bad time: %q, %d rows", a.state.Text, len(a.rows))
	}
	a.from.SetText("")

	// Paging: one entry a page walks older and back.
	a.query.Limit = 1
	a.cursors = []string{""}
	a.load()
	first := a.rows[0].ID
	if a.older.Disabled() {
		t.Fatal("no older page with two entries at one a page")
	}
	test.Tap(a.older)
	if len(a.rows) != 1 || a.rows[0].ID == first || a.newer.Disabled() {
		t.Fatalf("older page %+v", a.rows)
	}
	test.Tap(a.newer)
	if a.rows[0].ID != first {
		t.Errorf("newer page is %s, want %s", a.rows[0].ID, first)
	}

	// Export: exactly what the filters show.
	q, _ := a.filters()
	var out closingBuffer
	n, err := exportAudit(context.Background(), ws.api, q, "csv", &out)
	if err != nil || n != 2 {
		t.Fatalf("export: %d entries, %v", n, err)
	}
	recs, err := csv.NewReader(&out.Buffer).ReadAll()
	if err != nil || len(recs) != 3 || recs[1][2] != "ag_ana" || recs[1][4] != "search_accounts" || !out.closed {
		t.Errorf("csv %q %v closed=%v", recs, err, out.closed)
	}

	// An agent's screen shows only their own entries.
	ana.work.showAudit()
	if !ana.work.audit.agent.Disabled() {
		t.Error("an agent can ask for other agents' entries")
	}
	for _, e := range ana.work.audit.rows {
		if e.AgentID != "ag_ana" {
			t.Errorf("ana sees %s's entry", e.AgentID)
		}
	}
	_ = data.AuditOK
	_ = client.AuditQuery{}
}

// TestAuditExportFileIsPrivateAndSafe: the Audit screen's export is readable
// by the agent alone, and no cell of it is a formula, whoever typed what: an
// agent who searched for =HYPERLINK(…) left that in the audit's account id.
func TestAuditExportFileIsPrivateAndSafe(t *testing.T) {
	u, _ := signedIn(t)
	ws := u.work
	const formula = `=HYPERLINK("http://evil.example/","y")`
	// The backend audits a lookup of a missing account with the id as asked.
	if _, err := ws.api.Account(context.Background(), formula); err == nil {
		t.Fatal("a formula found an account")
	}
	ws.showAudit()
	path := filepath.Join(t.TempDir(), "audit.csv")
	wc, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	q, _ := ws.audit.filters()
	ws.audit.export(q, "csv", wc)
	if !strings.HasPrefix(ws.audit.state.Text, "Exported") {
		t.Fatalf("export: %q", ws.audit.state.Text)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("export mode %v, want 0600", fi.Mode().Perm())
	}
	f, _ := os.Open(path)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("csv %v %v", recs, err)
	}
	if !strings.Contains(fmt.Sprint(recs), "HYPERLINK") {
		t.Fatalf("the formula is not in the export at all: %q", recs)
	}
	for _, r := range recs[1:] {
		for _, cell := range r {
			if c := strings.TrimLeft(cell, " \t"); c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
				t.Errorf("cell %q starts a formula", cell)
			}
		}
	}
}

type closingBuffer struct {
	bytes.Buffer
	closed bool
}

func (c *closingBuffer) Close() error { c.closed = true; return nil }

func TestAuditScreenVerifiesTheLocalChain(t *testing.T) {
	srv := backendtest.New(t)
	store, _ := openTestCache(t)
	a := test.NewTempApp(t)
	win := a.NewWindow("Verifydesk")
	u := NewUI(win, Config{Region: "US", Background: runNow, After: (&timers{}).after, Cases: casework.New(nil, store), Audit: &auditlog.Recorder{Cache: store}, ConsoleID: "console-test"})
	win.SetContent(u.Content())
	u.SetBackend(client.New(srv.URL, client.Options{}), "test")
	u.signIn.user.SetText("sam")
	u.signIn.pass.SetText("demo")
	u.SubmitSignIn()
	ws := u.work
	for _, q := range []string{"acc_1014", "acc_1002", "acc_1005"} {
		search(t, u, "US", q)
	}
	_ = ws.sendChainHead(context.Background())
	ws.showAudit()
	test.Tap(ws.audit.verify)
	got := ws.audit.verdict.Text
	if !strings.HasPrefix(got, "Intact: 3 entries") || !strings.Contains(got, "backend's record of this console was checked") {
		t.Errorf("verdict %q", got)
	}
}
